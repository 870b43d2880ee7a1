"""mlp.MLPClassifier: scikit-learn's estimator checks, its parameter names, and that it
learns what scikit-learn's MLPClassifier learns on scikit-learn's own small datasets."""
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlp

# Checks that do not apply, with the reason. None so far: every check scikit-learn 1.2 yields for
# a classifier runs and passes. (scikit-learn itself skips check_dataframe_column_names_consistency
# where pandas is not installed, as on a machine with only the packages of install_deps.sh.)
SKIPPED = {}


@parametrize_with_checks([mlp.MLPClassifier(random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    name = getattr(check, "func", check).__name__
    if name in SKIPPED:
        pytest.skip(SKIPPED[name])
    check(estimator)


SKLEARN_NAMES = ["hidden_layer_sizes", "activation", "solver", "alpha", "batch_size", "learning_rate_init",
                 "max_iter", "early_stopping", "validation_fraction", "n_iter_no_change", "random_state",
                 "momentum", "nesterovs_momentum", "beta_1", "beta_2", "epsilon"]


def test_parameter_names_and_defaults_are_sklearns():
    ours, theirs = mlp.MLPClassifier().get_params(), SklearnMLPClassifier().get_params()
    for name in SKLEARN_NAMES:
        assert ours[name] == theirs[name], name
    assert set(ours) - set(theirs) == {"normalize", "threads"}


def test_fit_predict_score_on_digits():
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x / 16, y, test_size=0.3, random_state=0, stratify=y)
    clf = mlp.MLPClassifier(hidden_layer_sizes=(64,), max_iter=100, random_state=0).fit(x_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SklearnMLPClassifier(hidden_layer_sizes=(64,), max_iter=100, random_state=0).fit(x_train, y_train)
    assert clf.score(x_test, y_test) > 0.95
    assert clf.score(x_test, y_test) > theirs.score(x_test, y_test) - 0.03
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    assert clf.n_iter_ == 100 and len(clf.loss_curve_) == 100
    assert [w.shape for w in clf.coefs_] == [(64, 64), (64, 10)]
    assert clf.predict_proba(x_test).shape == (len(x_test), 10)


def test_string_classes_pipeline_and_cross_validation():
    x, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    pipe = make_pipeline(StandardScaler(), mlp.MLPClassifier(hidden_layer_sizes=(10,), max_iter=1000, random_state=1))
    scores = cross_val_score(pipe, x, names, cv=3)
    assert scores.mean() > 0.9
    clf = pipe.fit(x, names)[-1]
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(pipe.predict(x)) <= set(names)


def test_early_stopping_and_solvers():
    x, y = load_digits(return_X_y=True)
    x = x / 16
    for params in ({"solver": "sgd", "learning_rate_init": 0.1}, {"solver": "sgd", "nesterovs_momentum": False,
                   "learning_rate_init": 0.1}, {"solver": "sgd", "momentum": 0, "learning_rate_init": 0.5},
                   {"activation": "logistic", "learning_rate_init": 0.01}):
        clf = mlp.MLPClassifier(hidden_layer_sizes=(32,), max_iter=20, random_state=0, **params).fit(x, y)
        assert clf.score(x, y) > 0.9, params
    clf = mlp.MLPClassifier(max_iter=500, early_stopping=True, n_iter_no_change=3, random_state=0).fit(x, y)
    assert clf.n_iter_ < 500 and clf.validation_scores_ is not None
    assert 0.9 < clf.best_validation_score_ <= 1


def test_set_params_clone_and_pickle():
    x, y = load_iris(return_X_y=True)
    clf = mlp.MLPClassifier(random_state=0).set_params(hidden_layer_sizes=(5, 5), max_iter=100)
    assert clone(clf).get_params()["hidden_layer_sizes"] == (5, 5)
    clf.fit(x, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(x), clf.predict_proba(x))
    # The same random_state, the same network.
    np.testing.assert_array_equal(clone(clf).fit(x, y).coefs_[0], clf.coefs_[0])


def test_bad_parameters_raise_value_errors():
    x, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="solver: 'lbfgs', expected 'adam' or 'sgd'"):
        mlp.MLPClassifier(solver="lbfgs").fit(x, y)
    with pytest.raises(mlp.Error, match="model.activation"):
        mlp.MLPClassifier(activation="swish").fit(x, y)
    with pytest.raises(mlp.Error, match="model.hidden"):
        mlp.MLPClassifier(hidden_layer_sizes=(0,)).fit(x, y)
    with pytest.raises(ValueError, match="y: 1 class"):
        mlp.MLPClassifier().fit(x, np.zeros(len(x)))
