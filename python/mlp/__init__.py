"""mlp from Python: load trained models, train from a config or NumPy arrays, and a
scikit-learn classifier, all on the same C++ engine as the `mlp` command.

    model = mlp.load("runs/mnist_default")       # a run directory of `mlp train`
    p = model.predict_proba(x)                   # (N, K) probabilities of uint8/float rows
    run = mlp.train("experiments/mnist_default.toml", train_epochs=2)
    run = mlp.train({"model": {"hidden": [32]}}, data=(x, y), train_lr=0.05)
    clf = mlp.MLPClassifier(hidden_layer_sizes=(64,)).fit(x, y)

Errors the CLI would print as `mlp: error: MESSAGE` raise mlp.Error(MESSAGE), a ValueError.
"""
import os

from ._core import Error, Model, Run, __version__
from ._core import _train
from .config import config_text, override_lines
from .classifier import MLPClassifier

__all__ = ["Error", "Model", "Run", "MLPClassifier", "load", "train", "__version__"]


def load(run_dir, threads=1):
    """The model of a run directory (RUN_DIR/model.safetensors) or of a model file.

    threads: the size of the thread team its predictions run on.
    """
    return Model.load(os.fspath(run_dir), threads)


def train(config=None, out=None, *, data=None, test_data=None, validation_data=None, progress=None,
          resume=False, force=False, **overrides):
    """Trains a network as `mlp train` does and returns an mlp.Run.

    config: a TOML file's path, a dict of the same sections ({"model": {"hidden": [64]},
        "train": {"lr": 0.05}}; dotted keys such as "train.lr" work too), or None for the
        defaults.
    out: a run directory to write (config.toml, history.csv, checkpoint.bin,
        model.safetensors, metrics.json), or None to write nothing.
    data, test_data, validation_data: (x, y) NumPy pairs instead of the config's files: x
        of shape (N, D) (or (N, H, W)), uint8 or float; y integer class indices. Without
        test_data nothing is held out for testing; validation follows data.validation.
    progress: called with a dict (epoch, step, train_loss, train_acc, val_loss, val_acc,
        lr, seconds, ...) at every validation check; an exception it raises stops training.
    overrides: config keys as `--set` takes them: train_lr=0.05 or **{"train.lr": 0.05}.
    resume: continue the run in out from its checkpoint, as `mlp train --resume OUT`: with
        out/config.toml (config=None) and the overrides; settings that change the results
        or changed data files are refused unless force=True (noted in out/resumes.log). A
        run on NumPy arrays resumes given the same arrays again.

    The GIL is released while training. Ctrl-C (SIGINT) or SIGTERM stops at the next step,
    writes the checkpoint when out is given, and raises KeyboardInterrupt.
    """
    path, text, extra = "", "", []
    if isinstance(config, dict):
        text, extra = config_text(config)
    elif config is not None:
        path = os.fspath(config)
    lines = extra + override_lines(overrides)
    return _train(path, text, lines, "" if out is None else os.fspath(out), data, test_data,
                  validation_data, progress, resume=resume, force=force)
