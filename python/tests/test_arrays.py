"""NumPy arrays as datasets: a C-contiguous uint8 or float32 array is read in place (no
copy of the training set), any other layout or dtype is converted once, and either way
training and predictions give the same numbers."""
import json
import subprocess
import sys

import numpy as np
import pytest

import mlp
from conftest import make_blobs

CONFIG = {"model": {"hidden": [8], "activation": "relu"},
          "train": {"epochs": 2, "batch_size": 32, "lr": 0.01, "optimizer": "adam", "seed": 5}}

# In a fresh interpreter: the peak resident memory (ru_maxrss) added by one training on
# a 64 MB training set given as DTYPE in C order, beside that set's float32 size. A copy of
# the rows (what float64 input needs) adds at least that size; reading them in place adds
# only the network, its buffers and the labels.
PEAK_GROWTH = """
import json, resource, sys
import numpy as np
import mlp
rows, D = 100_000, 160
x = np.full((rows, D), 0.5, dtype=sys.argv[1])
y = np.arange(rows) % 4
x[y == 1, 0] = 2  # something to learn, not a constant
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "classifier":
    mlp.MLPClassifier(hidden_layer_sizes=(8,), max_iter=1, batch_size=256, random_state=0).fit(x, y)
else:
    mlp.train({"model": {"hidden": [8]}, "train": {"epochs": 1, "max_steps": 3}}, data=(x, y))
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"grown": grown * 1024, "float32_bytes": rows * D * 4}))
"""


def peak_growth(dtype, how):
    done = subprocess.run([sys.executable, "-c", PEAK_GROWTH, dtype, how], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("how", ["train", "classifier"])
def test_a_float32_training_set_is_not_copied(how):
    seen = peak_growth("float32", how)
    assert seen["grown"] < seen["float32_bytes"] / 4, seen


def test_a_float64_training_set_is_converted_once():
    # The same measurement sees the float32 copy that float64 input needs: it can fail.
    seen = peak_growth("float64", "train")
    assert seen["grown"] > seen["float32_bytes"] * 0.9, seen


def trained(x, y, **overrides):
    run = mlp.train(CONFIG, data=(x, y), **overrides)
    return run, [w.copy() for w in run.model.weights]


def test_converted_inputs_train_as_the_array_read_in_place():
    x, y = make_blobs(400, d=6)
    x = x.astype(np.float32)
    reference, weights = trained(x, y)
    wide = np.zeros((400, 12), np.float32)
    wide[:, ::2] = x  # a strided view, not contiguous
    for other in (x.astype(np.float64), np.asfortranarray(x), wide[:, ::2], x.tolist()):
        run, w = trained(other, y)
        for a, b in zip(weights, w):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(run.history["train_loss"], reference.history["train_loss"])


def test_uint8_read_in_place_or_from_a_strided_view_trains_alike():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, size=(300, 10), dtype=np.uint8)
    y = (x[:, 0] > 127).astype(np.int64)
    _, weights = trained(x, y, data_normalize="scale255")
    tall = np.zeros((600, 10), np.uint8)
    tall[::2] = x
    _, w = trained(tall[::2], y, data_normalize="scale255")
    for a, b in zip(weights, w):
        np.testing.assert_array_equal(a, b)


def test_predictions_of_any_layout_agree():
    x, y = make_blobs(300, d=6)
    model = mlp.train(CONFIG, data=(x.astype(np.float32), y)).model
    p = model.predict_proba(x.astype(np.float32))
    np.testing.assert_array_equal(model.predict_proba(np.asfortranarray(x)), p)
    np.testing.assert_array_equal(model.predict_proba(x.astype(np.float64)), p)
    # 300 rows take two batches; a NaN in the second is found there.
    bad = x.astype(np.float32)
    bad[290, 3] = np.nan
    with pytest.raises(mlp.Error, match="row 290, feature 3 is NaN"):
        model.predict_proba(bad)


def test_the_array_is_released_after_training():
    x, y = make_blobs(300, d=6)
    before = sys.getrefcount(x)
    run = mlp.train(CONFIG, data=(x, y))
    run.model.predict_proba(x)
    assert sys.getrefcount(x) == before  # neither the run nor the model keeps it


def test_a_misaligned_float32_array_is_converted():
    x, y = make_blobs(200, d=6)
    raw = np.zeros(200 * 6 * 4 + 1, np.uint8)
    shifted = raw[1:].view(np.float32).reshape(200, 6)  # float32 at an odd address
    shifted[:] = x
    assert not shifted.flags.aligned
    _, w = trained(shifted, y)
    _, expected = trained(x.astype(np.float32), y)
    np.testing.assert_array_equal(w[0], expected[0])
