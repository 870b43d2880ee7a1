"""mlp.load and mlp.Model: predictions as `mlp predict` makes them, shapes, weights as
views of the model's memory, pickling, and the CLI's error messages."""
import pickle
import re

import numpy as np
import pytest

import mlp
from conftest import cli, cli_error


def cli_probabilities(run, rows, tmp_path):
    """`mlp predict`'s probability table for rows written as an .npy file."""
    path = tmp_path / "rows.npy"
    np.save(path, rows)
    text = cli("predict", "--model", run, path).stdout
    table = [line.split() for line in text.splitlines() if re.match(r"^\d+\s", line)]
    return np.array([[float(v) for v in row[3:]] for row in table])


def test_predict_proba_matches_mlp_predict(mnist_run, tmp_path):
    rows = np.random.default_rng(1).integers(0, 256, size=(5, 784), dtype=np.uint8)
    model = mlp.load(mnist_run)
    p = model.predict_proba(rows)
    assert p.shape == (5, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p, cli_probabilities(mnist_run, rows, tmp_path), atol=5.1e-5)
    np.testing.assert_allclose(p.sum(axis=1), 1, atol=1e-5)
    # The same pixels as float32 give the same probabilities: the model's normalisation applies to both.
    np.testing.assert_allclose(model.predict_proba(rows.astype(np.float32)), p, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(model.predict(rows), p.argmax(axis=1))


def test_one_row_and_image_shaped_rows(mnist_run):
    model = mlp.load(mnist_run)
    rows = np.random.default_rng(2).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    many = model.predict_proba(rows)
    one = model.predict_proba(rows[1].reshape(-1))
    assert one.shape == (10,)
    np.testing.assert_allclose(one, many[1], rtol=1e-6)
    assert isinstance(model.predict(rows[1].reshape(-1)), int)
    assert model.predict(rows[1].reshape(-1)) == int(many[1].argmax())


def test_shapes_and_metadata(mnist_run):
    model = mlp.load(mnist_run)
    assert (model.inputs, model.hidden, model.classes) == (784, [32], 10)
    assert model.layer_shapes == [(784, 32), (32, 10)]
    assert [w.shape for w in model.weights] == model.layer_shapes
    assert [b.shape for b in model.biases] == [(32,), (10,)]
    assert model.parameters == 784 * 32 + 32 + 32 * 10 + 10
    assert model.activation == "relu" and model.bias == "explicit"
    assert model.class_names == [str(k) for k in range(10)]
    assert model.normalization["mode"] == "global"
    assert model.normalization["mean"].shape == (784,)
    assert "784-32-10" in repr(model)


def test_weights_are_views_of_the_model(mnist_run):
    model = mlp.load(mnist_run)
    x = np.random.default_rng(3).integers(0, 256, size=(4, 784), dtype=np.uint8)
    before = model.predict_proba(x)
    W2, b2 = model.weights[1], model.biases[1]
    assert not W2.flags.owndata and np.shares_memory(W2, model.weights[1])
    b2[:] = 0
    W2[:] = 0  # every logit 0: uniform probabilities
    np.testing.assert_allclose(model.predict_proba(x), np.full((4, 10), 0.1), rtol=1e-6)
    assert not np.allclose(before, 0.1)
    del model  # the views keep the model alive
    assert float(np.abs(W2).sum()) == 0.0


def test_pickle_round_trip(mnist_run):
    model = mlp.load(mnist_run)
    x = np.random.default_rng(4).integers(0, 256, size=(3, 784), dtype=np.uint8)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict_proba(x), model.predict_proba(x))
    assert copy.class_names == model.class_names


def test_save_and_load(mnist_run, tmp_path):
    model = mlp.load(mnist_run)
    model.save(tmp_path / "copy.safetensors")
    again = mlp.load(tmp_path / "copy.safetensors")
    x = np.random.default_rng(5).integers(0, 256, size=(2, 784), dtype=np.uint8)
    np.testing.assert_array_equal(again.predict_proba(x), model.predict_proba(x))


def test_errors_carry_the_cli_messages(mnist_run, tmp_path):
    missing = tmp_path / "no_such_run"
    np.save(tmp_path / "x.npy", np.zeros((1, 784), np.uint8))
    message = cli_error("predict", "--model", missing, tmp_path / "x.npy")
    with pytest.raises(mlp.Error) as error:
        mlp.load(missing)
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)

    model = mlp.load(mnist_run)
    with pytest.raises(mlp.Error, match=r"^x: 10 values per row \(shape \(3, 10\)\), expected the model's 784 inputs$"):
        model.predict_proba(np.zeros((3, 10), np.float32))
    with pytest.raises(mlp.Error, match=r"^x: row 1, feature 2 is NaN, expected finite numbers$"):
        bad = np.zeros((2, 784), np.float32)
        bad[1, 2] = np.nan
        model.predict_proba(bad)
    with pytest.raises(mlp.Error, match=r"expected numbers"):
        model.predict_proba(np.array(["a"] * 784))


def test_predictions_from_several_threads(mnist_run):
    from concurrent.futures import ThreadPoolExecutor
    model = mlp.load(mnist_run, threads=2)
    x = np.random.default_rng(6).integers(0, 256, size=(300, 784), dtype=np.uint8)
    expected = model.predict_proba(x)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: model.predict_proba(x), range(8)))
    for r in results:
        np.testing.assert_array_equal(r, expected)
