"""Shared fixtures of the Python module's tests: the built `mlp` command (to compare the
module with the CLI), a small MNIST run trained by it, and separable synthetic data.

ctest sets PYTHONPATH to the build tree's package, MLP_BINARY and MLP_SOURCE_DIR."""
import os
import pathlib
import subprocess

import numpy as np
import pytest

from mlp.config import override_lines

SOURCE_DIR = pathlib.Path(os.environ.get("MLP_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
MLP_BINARY = os.environ.get("MLP_BINARY", str(SOURCE_DIR / "build" / "mlp"))
MNIST_CONFIG = str(SOURCE_DIR / "experiments" / "mnist_default.toml")
# A minute's worth of MNIST is far too much for a test: 2,000 rows, one epoch, 32 hidden units.
SMALL_MNIST = {"data.train_size": 2000, "data.validation": 500, "data.test_size": 500, "train.epochs": 1,
               "model.hidden": [32], "train.validations_per_epoch": 2, "data.dir": f"{SOURCE_DIR}/data/mnist"}


def cli(*args, check=True):
    """Runs the built `mlp` with the arguments; returns the CompletedProcess."""
    done = subprocess.run([MLP_BINARY, *map(str, args)], capture_output=True, text=True, cwd=SOURCE_DIR)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def cli_error(*args):
    """The one-line message `mlp ARGS` fails with, without its "mlp: error: " prefix."""
    done = cli(*args, check=False)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlp: error: "), done.stderr
    return lines[0][len("mlp: error: "):]


def set_args(overrides):
    """--set arguments for `mlp`, from a dict of config keys."""
    return [a for line in override_lines(overrides) for a in ("--set", line)]


@pytest.fixture(scope="session")
def mnist_run(tmp_path_factory):
    """A run directory written by `mlp train` on a small MNIST subset."""
    out = tmp_path_factory.mktemp("runs") / "small"
    cli("train", "--config", MNIST_CONFIG, *set_args(SMALL_MNIST), "--out", out, "--quiet", "--no-report")
    return out


def make_blobs(n, d=8, k=3, seed=0):
    """n rows of d float32 features around k well separated centres (the same for every
    seed), and their classes."""
    centres = np.random.default_rng(1234).normal(0, 4, size=(k, d))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    x = (centres[y] + rng.normal(0, 1, size=(n, d))).astype(np.float32)
    return x, y
