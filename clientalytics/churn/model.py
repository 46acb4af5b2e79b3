"""The churn classifier: a calibrated scikit-learn estimator over churn features.

:class:`ChurnModel` follows the scikit-learn estimator contract, so it drops into
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. It one-hot encodes the
text (typology) columns, fits a gradient-boosting or logistic classifier and
calibrates its probabilities with ``CalibratedClassifierCV``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import Tags
from threadpoolctl import threadpool_limits

from clientalytics.churn._estimator import (
    binary_target,
    check_feature_count,
    check_features,
    check_fitted,
)
from clientalytics.exceptions import ValidationError


def _preprocessor(scale: bool) -> ColumnTransformer:
    numeric: Any = StandardScaler() if scale else "passthrough"
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include=np.number)),
            (
                "categories",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                make_column_selector(dtype_exclude=np.number),
            ),
        ],
        verbose_feature_names_out=False,
    )


class ChurnModel(ClassifierMixin, BaseEstimator):
    """Calibrated churn classifier over the features of ``churn_features``.

    Parameters
    ----------
    classifier : {"gradient_boosting", "logistic"} or scikit-learn classifier
        The base learner: ``HistGradientBoostingClassifier``, an L2 logistic
        regression on standardised features, or any classifier with
        ``predict_proba`` (cloned before fitting).
    calibration : {"sigmoid", "isotonic"} or None
        Probability calibration by ``CalibratedClassifierCV`` (None: the base
        learner's own probabilities).
    cv : int
        Folds used by the calibration.
    max_iter : int
        Boosting iterations (gradient boosting) or solver iterations (logistic).
    learning_rate : float
        Boosting learning rate.
    max_depth : int or None
        Depth of each boosting tree.
    l2_regularization : float
        L2 penalty of the boosting leaves.
    C : float
        Inverse regularisation strength of the logistic regression.
    n_threads : int or None
        OpenMP threads used while fitting and predicting (``threadpoolctl``); 1 is
        the fastest on the few thousand rows of one company, None uses every core.
    random_state : int or None
        Seed of the boosting and of the calibration folds.

    Attributes
    ----------
    estimator_ : sklearn estimator
        The fitted (calibrated) pipeline.
    classes_ : numpy.ndarray
        The two labels of ``y`` seen in ``fit``, sorted (``[0, 1]``; the second is
        churn).
    feature_names_in_ : numpy.ndarray
        Columns seen in ``fit`` (``"0"``, ``"1"``, ... for an array).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    reference_ : pandas.Series
        A typical client (median of each numeric column, most frequent value of
        each text column in the training data), used to explain predictions.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> search = GridSearchCV(ChurnModel(), {"learning_rate": [0.05, 0.1]}, scoring="roc_auc")
    """

    def __init__(
        self,
        classifier: Literal["gradient_boosting", "logistic"] | Any = "gradient_boosting",
        *,
        calibration: Literal["sigmoid", "isotonic"] | None = "sigmoid",
        cv: int = 3,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_depth: int | None = 3,
        l2_regularization: float = 1.0,
        C: float = 1.0,
        n_threads: int | None = 1,
        random_state: int | None = 0,
    ) -> None:
        self.classifier = classifier
        self.calibration = calibration
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.l2_regularization = l2_regularization
        self.C = C
        self.n_threads = n_threads
        self.random_state = random_state

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_class = False  # stay or churn
        return tags

    def _base_learner(self) -> tuple[Any, bool]:
        if self.classifier == "gradient_boosting":
            learner = HistGradientBoostingClassifier(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_depth=self.max_depth,
                l2_regularization=self.l2_regularization,
                random_state=self.random_state,
            )
            return learner, False
        if self.classifier == "logistic":
            return LogisticRegression(C=self.C, max_iter=max(self.max_iter, 500)), True
        if isinstance(self.classifier, str):
            raise ValidationError(
                f"classifier must be 'gradient_boosting', 'logistic' or an estimator, "
                f"got {self.classifier!r}"
            )
        if not hasattr(self.classifier, "predict_proba"):
            raise ValidationError(
                f"classifier {type(self.classifier).__name__} has no predict_proba method"
            )
        return clone(self.classifier), False

    @staticmethod
    def _as_frame(data: pd.DataFrame | np.ndarray) -> pd.DataFrame:
        frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
        frame.columns = [str(c) for c in frame.columns]
        return frame

    def fit(self, X: Any, y: Any) -> ChurnModel:
        """Fit the classifier and its calibration.

        Parameters
        ----------
        X : pandas.DataFrame or array-like
            Features, e.g. from :func:`~clientalytics.churn.churn_features` or
            :func:`~clientalytics.churn.churn_dataset`; text columns are one-hot
            encoded (they need a DataFrame, an array must be numeric).
        y : array-like of two labels
            Stay or churn, e.g. 0/1 (the larger label is churn).

        Returns
        -------
        ChurnModel
            ``self``.
        """
        frame = self._as_frame(check_features(X))
        classes, target = binary_target(y, len(frame))
        numeric = frame.select_dtypes(include=np.number)
        bad = ~np.isfinite(numeric.to_numpy(dtype=float))
        if bad.any():
            col = numeric.columns[np.flatnonzero(bad.any(axis=0))[0]]
            raise ValidationError(
                f"X: column {col!r} has {int(bad.sum())} missing or infinite value(s)"
            )
        learner, scale = self._base_learner()
        pipeline = Pipeline([("prepare", _preprocessor(scale)), ("classify", learner)])
        if self.calibration is None:
            model: Any = pipeline
        elif self.calibration in ("sigmoid", "isotonic"):
            smallest = int(min((target == 0).sum(), (target == 1).sum()))
            if smallest < self.cv:
                raise ValidationError(
                    f"y: the smaller class has {smallest} example(s), fewer than the cv={self.cv} "
                    "calibration folds need; label more clients, lower cv, or pass "
                    "calibration=None"
                )
            folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
            model = CalibratedClassifierCV(pipeline, method=self.calibration, cv=folds)
        else:
            raise ValidationError(
                f"calibration must be 'sigmoid', 'isotonic' or None, got {self.calibration!r}"
            )
        with threadpool_limits(limits=self.n_threads):
            self.estimator_ = model.fit(frame, target)
        self.classes_ = classes
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        reference = {}
        for col in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[col]):
                reference[col] = float(frame[col].median())
            else:
                reference[col] = frame[col].mode().iloc[0]
        self.reference_ = pd.Series(reference, dtype=object)
        return self

    def _check(self, X: Any) -> pd.DataFrame:
        check_fitted(self, "estimator_")
        data = check_features(X)
        check_feature_count(self, data)
        frame = self._as_frame(data)
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise ValidationError(f"X: missing feature column(s) {missing[:5]}")
        return frame[list(self.feature_names_in_)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return calibrated probabilities ``[[P(stay), P(churn)], ...]``."""
        frame = self._check(X)
        with threadpool_limits(limits=self.n_threads):
            proba: np.ndarray = self.estimator_.predict_proba(frame)
        return proba

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels: churn (``classes_[1]``) where P(churn) is at least 0.5."""
        churn = (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
        labels: np.ndarray = self.classes_[churn]
        return labels

    def churn_probability(self, X: Any) -> pd.Series:
        """Return the churn probability as a Series on the index of ``X``."""
        proba = self.predict_proba(X)[:, 1]
        index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(proba))
        return pd.Series(proba, index=index, name="churn_probability")
