"""mlp.train: configs as files or dicts with --set style overrides, NumPy datasets, the
run directory and its agreement with `mlp train`, the progress callback, the GIL released
while training, Ctrl-C as in the CLI, and the CLI's error messages."""
import json
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import mlp
from conftest import MNIST_CONFIG, SMALL_MNIST, cli, cli_error, make_blobs, set_args

def blobs_config(**train):
    return {"model": {"hidden": [16], "activation": "tanh", "init": "xavier_uniform"},
            "train": {"epochs": 5, "batch_size": 16, "lr": 0.01, "optimizer": "adam", "seed": 3, **train}}


def test_train_on_arrays():
    x, y = make_blobs(600)
    xt, yt = make_blobs(200, seed=1)
    run = mlp.train(blobs_config(), data=(x, y), test_data=(xt[:, :], yt))
    assert run.out is None
    assert run.metrics["test_accuracy"] > 0.95
    assert run.metrics["splits"]["test"]["count"] == 200
    # data.validation defaults to 0.1 of the rows for arrays, as for an npy dataset.
    assert run.metrics["splits"]["val"]["count"] == 60 and run.metrics["splits"]["train"]["count"] == 540
    h = run.history
    assert set(h) == {"step", "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}
    assert all(isinstance(v, np.ndarray) and len(v) == 5 * 5 for v in h.values())
    assert h["step"].dtype == np.int64 and h["step"][-1] == run.metrics["steps"]
    assert h["val_loss"][-1] < h["val_loss"][0]
    np.testing.assert_array_equal(run.model.predict(xt), run.model.predict_proba(xt).argmax(1))
    assert (run.model.predict(xt) == yt).mean() == pytest.approx(run.metrics["test_accuracy"])
    assert "dataset = 'npy'" in run.config


def test_uint8_arrays_and_no_test_data():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(300, 20), dtype=np.uint8)
    y = (x[:, 0] > 127).astype(np.int32)
    run = mlp.train(blobs_config(), data=(x, y), data_normalize="scale255", data_validation=0)
    assert run.metrics["splits"]["test"] is None and run.metrics["splits"]["val"] is None
    assert run.metrics["splits"]["train"]["count"] == 300
    assert run.model.normalization["mode"] == "scale255"
    assert run.metrics["train_accuracy"] > 0.9


def test_overrides_spellings_agree():
    x, y = make_blobs(200)
    a = mlp.train(blobs_config(), data=(x, y), train_lr=0.05, model_hidden=[8])
    b = mlp.train(blobs_config(), data=(x, y), **{"train.lr": 0.05, "model.hidden": [8]})
    c = mlp.train({**blobs_config(), "train.lr": 0.05, "model.hidden": [8]}, data=(x, y))
    for other in (b, c):
        for wa, wo in zip(a.model.weights, other.model.weights):
            np.testing.assert_array_equal(wa, wo)
    assert a.model.hidden == [8] and "lr = 0.05" in a.config


def test_same_run_as_the_cli(tmp_path):
    """A file config with overrides and an out directory: the same files and weights as `mlp train`."""
    cli("train", "--config", MNIST_CONFIG, *set_args(SMALL_MNIST), "--out", tmp_path / "cli", "--quiet", "--no-report")
    run = mlp.train(MNIST_CONFIG, tmp_path / "py", **SMALL_MNIST)
    assert run.out == str(tmp_path / "py")
    for name in ("config.toml", "history.csv", "metrics.json", "model.safetensors", "checkpoint.bin",
                 "data_sha256.json"):
        assert (tmp_path / "py" / name).exists(), name
    assert (tmp_path / "py" / "config.toml").read_text() == (tmp_path / "cli" / "config.toml").read_text()
    cli_model = mlp.load(tmp_path / "cli")
    for w_cli, w_py in zip(cli_model.weights, run.model.weights):
        np.testing.assert_array_equal(w_cli, w_py)
    again = mlp.load(tmp_path / "py")
    np.testing.assert_array_equal(again.weights[0], run.model.weights[0])
    cli_metrics = json.loads((tmp_path / "cli" / "metrics.json").read_text())
    for key in ("test_accuracy", "val_loss", "steps", "parameters", "confusion_test", "data_sha256"):
        assert run.metrics[key] == cli_metrics[key], key


def test_progress_callback():
    x, y = make_blobs(200)
    seen = []
    run = mlp.train(blobs_config(epochs=2), data=(x, y), progress=seen.append)
    assert len(seen) == len(run.history["step"]) == 10
    assert [p["step"] for p in seen] == list(run.history["step"])
    assert seen[-1]["epochs"] == 2 and 0 <= seen[-1]["val_acc"] <= 1

    def fail(progress):
        raise RuntimeError(f"stop at step {progress['step']}")
    with pytest.raises(RuntimeError, match="stop at step"):
        mlp.train(blobs_config(), data=(x, y), progress=fail)


def test_gil_is_released_while_training():
    """With a switch interval of 1000 s the GIL changes hands only where it is released. A
    thread woken by the first progress callback stops the run with SIGINT: it can only do
    so, before the many epochs are over (seconds of work, ended after a few steps when the
    test passes), if the engine lets go of the GIL while it trains."""
    x, y = make_blobs(1000)
    started = threading.Event()

    def interrupt_when_started():
        started.wait()
        os.kill(os.getpid(), signal.SIGINT)
    thread = threading.Thread(target=interrupt_when_started)
    thread.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        with pytest.raises(KeyboardInterrupt, match=r"interrupted by SIGINT at step \d+ \(epoch \d+\); nothing saved"):
            mlp.train(blobs_config(epochs=50000), data=(x, y), progress=lambda p: started.set())
    finally:
        sys.setswitchinterval(interval)
        started.set()
        thread.join()


def test_keyboard_interrupt_writes_the_checkpoint(tmp_path):
    """SIGINT during training: stop at the next step, checkpoint written, KeyboardInterrupt;
    `mlp train --resume` finishes the run, and Python's own SIGINT handling is back."""
    out = tmp_path / "interrupted"

    def interrupt(progress):
        os.kill(os.getpid(), signal.SIGINT)
    with pytest.raises(KeyboardInterrupt, match=r"interrupted by SIGINT at step \d+ \(epoch 1\); checkpoint saved in "
                                                r".*checkpoint.bin; resume with: mlp train --resume "):
        mlp.train(MNIST_CONFIG, out, progress=interrupt, **SMALL_MNIST)
    assert (out / "checkpoint.bin").exists() and (out / "history.csv").exists()
    assert not (out / "metrics.json").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    cli("train", "--resume", out, "--quiet", "--no-report")
    assert (out / "metrics.json").exists()
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(500):  # Python runs its handler between bytecodes of the main thread
            time.sleep(0.01)


def test_errors_carry_the_cli_messages(tmp_path):
    message = cli_error("train", "--config", MNIST_CONFIG, "--set", "train.lrr=0.1", "--out", tmp_path / "cli")
    with pytest.raises(mlp.Error) as error:
        mlp.train(MNIST_CONFIG, tmp_path / "py", **{"train.lrr": 0.1})
    assert str(error.value) == message

    message = cli_error("train", "--config", tmp_path / "missing.toml")
    with pytest.raises(mlp.Error) as error:
        mlp.train(tmp_path / "missing.toml")
    assert str(error.value) == message

    x, y = make_blobs(50)
    with pytest.raises(mlp.Error, match=r"^config: model\.activation"):
        mlp.train({"model": {"activation": "swish"}}, data=(x, y))
    with pytest.raises(mlp.Error, match=r"^data labels: 49 labels for 50 rows, expected one per row$"):
        mlp.train(blobs_config(), data=(x, y[:49]))
    with pytest.raises(mlp.Error, match=r"^data labels: dtype float64, expected integer class indices"):
        mlp.train(blobs_config(), data=(x, y.astype(float)))
    with pytest.raises(mlp.Error, match=r"^data labels: label -1 at row 0"):
        mlp.train(blobs_config(), data=(x, np.r_[-1, y[1:]]))
    with pytest.raises(mlp.Error, match=r"^test_data: 3 features per row, expected the training data's 8$"):
        mlp.train(blobs_config(), data=(x, y), test_data=(x[:, :3], y))
    with pytest.raises(mlp.Error, match=r"^test_data labels: label 7 at row 0, expected 0\.\.2"):
        mlp.train(blobs_config(), data=(x, y), test_data=(x[:1], np.array([7])))
    bad = x.copy()
    bad[4, 1] = np.inf
    with pytest.raises(mlp.Error, match=r"^data features: row 4, feature 1 is infinite"):
        mlp.train(blobs_config(), data=(bad, y))


def test_divergence_message_is_the_clis(tmp_path):
    diverging = {**SMALL_MNIST, "train.lr": 1e30, "train.checkpoint_every": 1}
    message = cli_error("train", "--config", MNIST_CONFIG, *set_args(diverging), "--out", tmp_path / "run",
                        "--quiet", "--no-report")
    assert "the last good checkpoint (step 1) is kept" in message
    with pytest.raises(mlp.Error) as error:
        mlp.train(MNIST_CONFIG, tmp_path / "run", **diverging)
    assert str(error.value) == message


def test_keyboard_interrupt_on_arrays_with_out(tmp_path):
    x, y = make_blobs(300)
    with pytest.raises(KeyboardInterrupt, match=r"checkpoint saved in .*checkpoint.bin; resume with "
                                                r"mlp.train\(out=\".*run\", resume=True, data=...\) and the same arrays"):
        mlp.train(blobs_config(epochs=50), tmp_path / "run", data=(x, y),
                  progress=lambda p: os.kill(os.getpid(), signal.SIGINT))
    assert (tmp_path / "run" / "checkpoint.bin").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_two_trainings_at_once_give_what_each_gives_alone():
    """Each run has its own thread team, and the interrupt handlers are shared safely:
    two trainings in Python threads give the weights each gives alone."""
    x, y = make_blobs(400)
    configs = [blobs_config(seed=1), blobs_config(seed=2, threads=2)]
    alone = [mlp.train(c, data=(x, y)).model.weights[0].copy() for c in configs]
    together = [None, None]

    def run(i):
        together[i] = mlp.train(configs[i], data=(x, y)).model.weights[0]
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, together):
        np.testing.assert_array_equal(a, b)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
