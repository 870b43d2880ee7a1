"""mlp.MLPClassifier: scikit-learn's estimator interface over mlp's engine, with the
parameter names of sklearn.neural_network.MLPClassifier where they mean the same.

What differs from scikit-learn's, and why:
- solver "adam" or "sgd" only (no "lbfgs"); "sgd" is heavy-ball or Nesterov momentum as
  momentum and nesterovs_momentum say, with a constant learning rate.
- Without early_stopping it trains max_iter epochs: there is no tol-based stop on the
  training loss (the engine stops early on the validation loss only).
- early_stopping watches the validation loss, not the validation accuracy, and restores
  the best weights, checking once per epoch over n_iter_no_change epochs.
- The output layer is a softmax over K classes for two classes too (scikit-learn uses
  one logistic unit); predict_proba has the same (N, 2) shape either way.
- normalize (mlp's data.normalize, default "none" as scikit-learn does nothing) and
  threads (the team each step is shared over; "auto": the CPUs the process may use) are
  mlp's own.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._core import _train
from .config import config_text

# scikit-learn's activation names → mlp's; mlp's own names are accepted as they are.
_ACTIVATIONS = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "identity"}


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """A fully-connected network trained with mlp's engine (see the module's docstring)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, random_state=None,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, normalize="none",
                 threads="auto"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.random_state = random_state
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.normalize = normalize
        self.threads = threads

    def _config(self, n_samples, seed):
        """The mlp config these parameters mean, for n_samples training rows."""
        hidden = self.hidden_layer_sizes
        hidden = [hidden] if np.isscalar(hidden) else list(hidden)
        if self.batch_size == "auto":
            batch = min(200, n_samples)
        elif isinstance(self.batch_size, (int, np.integer)) and not isinstance(self.batch_size, bool):
            batch = min(int(self.batch_size), n_samples)
        else:
            raise ValueError(f"batch_size: {self.batch_size!r}, expected 'auto' or a positive integer")
        train = {
            "epochs": self.max_iter,
            "batch_size": batch,
            "lr": self.learning_rate_init,
            # scikit-learn adds alpha/(2B)·Σ‖W‖² to each batch's mean loss; mlp adds λ·Σ‖W‖².
            "l2": self.alpha / (2 * batch),
            "seed": seed,
            "validations_per_epoch": 1,
            "patience": self.n_iter_no_change if self.early_stopping else 0,
            "threads": self.threads,
        }
        if self.solver == "adam":
            train.update(optimizer="adam", beta1=self.beta_1, beta2=self.beta_2, epsilon=self.epsilon)
        elif self.solver == "sgd":
            if self.momentum == 0:
                train.update(optimizer="sgd")
            else:
                train.update(optimizer="nesterov" if self.nesterovs_momentum else "momentum", momentum=self.momentum)
        else:
            raise ValueError(f"solver: {self.solver!r}, expected 'adam' or 'sgd'")
        return {
            "name": "MLPClassifier",
            "data": {
                "normalize": self.normalize,
                "validation": self.validation_fraction if self.early_stopping else 0,
                "stratified": True,
                "seed": seed,
            },
            # Glorot's uniform initialisation, as scikit-learn's.
            "model": {"hidden": hidden, "activation": _ACTIVATIONS.get(self.activation, self.activation),
                      "init": "xavier_uniform"},
            "train": train,
        }

    def fit(self, X, y):
        """Trains on X (n_samples, n_features) and class labels y; returns self."""
        X, y = self._validate_data(X, y, dtype=[np.float32, np.uint8], order="C")
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y: 1 class ({self.classes_[0]!r}), expected at least 2 classes")
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        text, _ = config_text(self._config(X.shape[0], seed))
        run = _train("", text, [], "", (X, labels.astype(np.int64)), None, None, None, evaluate_train=False)
        self.model_ = run.model
        self.n_iter_ = int(run.metrics["epochs"])
        self.loss_curve_ = run.history["train_loss"]
        if self.early_stopping:
            self.validation_scores_ = run.history["val_acc"]
            self.best_validation_score_ = float(np.max(self.validation_scores_))
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
        self.n_outputs_ = len(self.classes_)
        self.n_layers_ = len(run.model.hidden) + 2
        self.out_activation_ = "softmax"
        return self

    @property
    def coefs_(self):
        """The weight matrices W_l (inputs, outputs): views of the model's memory."""
        check_is_fitted(self, "model_")
        return self.model_.weights

    @property
    def intercepts_(self):
        """The bias vectors b_l (outputs,)."""
        check_is_fitted(self, "model_")
        return self.model_.biases

    def predict_proba(self, X):
        """Probabilities (n_samples, n_classes), columns in the order of classes_."""
        check_is_fitted(self, "model_")
        X = self._validate_data(X, dtype=[np.float32, np.uint8], order="C", reset=False)
        return self.model_.predict_proba(X)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row, from classes_."""
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]
