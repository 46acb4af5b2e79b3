"""What the churn classifiers share with the scikit-learn estimator contract.

Input checks for arrays, the binary churn target, and a not-fitted error that both
``except clientalytics.exceptions.NotFittedError`` and scikit-learn's own tools
(``check_is_fitted``, the estimator checks) recognise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from clientalytics.exceptions import NotFittedError, ValidationError


class EstimatorNotFittedError(NotFittedError, SklearnNotFittedError):
    """A churn classifier was used before ``fit``."""


def check_fitted(estimator: Any, attribute: str) -> None:
    """Raise :class:`EstimatorNotFittedError` when ``estimator`` lacks ``attribute``."""
    if not hasattr(estimator, attribute):
        raise EstimatorNotFittedError(
            f"{type(estimator).__name__} is not fitted yet; call fit(X, y) first"
        )


def check_features(X: Any) -> pd.DataFrame | np.ndarray:
    """Return a DataFrame as given, anything else as a finite 2-D numeric array.

    Text columns reach the classifiers through DataFrames; arrays, lists and sparse
    matrices go through :func:`sklearn.utils.check_array` (dense, numeric, finite,
    at least one sample and one feature).
    """
    if isinstance(X, pd.DataFrame):
        return X
    return check_array(X)


def check_feature_count(estimator: Any, X: pd.DataFrame | np.ndarray) -> None:
    """Require an array given after ``fit`` to have as many columns as in ``fit``."""
    if not isinstance(X, pd.DataFrame) and X.shape[1] != estimator.n_features_in_:
        raise ValidationError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input"
        )


def binary_target(y: Any, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Check a stay/churn target; return ``(classes, codes)``.

    ``classes`` are the two sorted labels (the larger one, e.g. 1 or True, is
    churn) and ``codes`` the 0/1 position of each label in ``classes``.
    """
    if y is None:
        raise ValidationError("fit requires y to be passed, but the target y is None")
    target = check_array(column_or_1d(y, warn=True), ensure_2d=False, dtype=None, input_name="y")
    check_classification_targets(target)
    if len(target) != n_samples:
        raise ValidationError(f"X has {n_samples} rows but y has {len(target)}")
    classes, codes = np.unique(target, return_inverse=True)
    if len(classes) > 2:
        raise ValidationError(
            f"Only binary classification is supported: y must hold two classes, stay and "
            f"churn (e.g. 0 and 1), but has {len(classes)}: {classes.tolist()[:5]}"
        )
    if len(classes) < 2:
        raise ValidationError(
            f"y must contain both classes, stay and churn (e.g. 0 and 1); got 1 class: "
            f"{classes.tolist()}"
        )
    return classes, codes
