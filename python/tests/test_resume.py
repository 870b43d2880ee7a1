"""mlp.train(out=RUN_DIR, resume=True): a run stopped by Ctrl-C continues from its
checkpoint as `mlp train --resume` does, to the weights an unbroken run reaches; changed
settings are refused unless force=True, as on the command line."""
import os
import signal

import numpy as np
import pytest

import mlp
from conftest import MNIST_CONFIG, SMALL_MNIST, cli, cli_error, make_blobs

CONFIG = {"model": {"hidden": [16], "activation": "tanh"},
          "train": {"epochs": 3, "batch_size": 16, "lr": 0.01, "optimizer": "adam", "seed": 3}}


def interrupt_at_check(n):
    """A progress callback that sends SIGINT at its n-th call."""
    calls = []

    def progress(p):
        calls.append(p["step"])
        if len(calls) == n:
            os.kill(os.getpid(), signal.SIGINT)
    return progress


def test_an_interrupted_run_on_arrays_resumes_to_the_unbroken_run(tmp_path):
    x, y = make_blobs(300)
    unbroken = mlp.train(CONFIG, data=(x, y))
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt, match="resume=True"):
        mlp.train(CONFIG, out, data=(x, y), progress=interrupt_at_check(4))
    assert (out / "checkpoint.bin").exists() and not (out / "metrics.json").exists()
    resumed = mlp.train(out=out, resume=True, data=(x, y))
    for a, b in zip(unbroken.model.weights, resumed.model.weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(resumed.history["train_loss"], unbroken.history["train_loss"])
    assert resumed.metrics["steps"] == unbroken.metrics["steps"]
    assert (out / "metrics.json").exists()


def test_a_run_on_files_resumes_in_python_as_on_the_command_line(tmp_path):
    settings = {**SMALL_MNIST, "train.validations_per_epoch": 4}
    with pytest.raises(KeyboardInterrupt, match="resume with: mlp train --resume"):
        mlp.train(MNIST_CONFIG, tmp_path / "py", progress=interrupt_at_check(2), **settings)
    resumed = mlp.train(out=tmp_path / "py", resume=True)
    cli("train", "--config", MNIST_CONFIG, *[f"--set={line}" for line in mlp.config.override_lines(settings)],
        "--out", tmp_path / "cli", "--quiet", "--no-report")
    unbroken = mlp.load(tmp_path / "cli")
    for a, b in zip(unbroken.weights, resumed.model.weights):
        np.testing.assert_array_equal(a, b)


def test_changed_settings_are_refused_unless_forced(tmp_path):
    x, y = make_blobs(300)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        mlp.train(CONFIG, out, data=(x, y), progress=interrupt_at_check(2))
    with pytest.raises(mlp.Error, match=r"resuming would change what this run computes: train\.lr"):
        mlp.train(out=out, resume=True, data=(x, y), train_lr=0.05)
    run = mlp.train(out=out, resume=True, data=(x, y), force=True, train_lr=0.05)
    assert run.metrics["epochs"] == 3
    assert "resumed with --force: train.lr" in (out / "resumes.log").read_text()


def test_resume_errors(tmp_path):
    with pytest.raises(mlp.Error, match=r"^resume: expected out=RUN_DIR"):
        mlp.train(resume=True)
    with pytest.raises(mlp.Error, match=r"^resume: continues with .*config.toml, expected config=None"):
        mlp.train(CONFIG, tmp_path, resume=True)
    with pytest.raises(mlp.Error, match=r"not a run directory \(no config.toml\)"):
        mlp.train(out=tmp_path / "nothing", resume=True)
    x, y = make_blobs(100)
    finished = tmp_path / "finished"
    mlp.train({**CONFIG, "train": {**CONFIG["train"], "epochs": 1}}, finished, data=(x, y))
    os.remove(finished / "checkpoint.bin")
    with pytest.raises(mlp.Error, match=r"checkpoint.bin: no checkpoint to resume from"):
        mlp.train(out=finished, resume=True, data=(x, y))
