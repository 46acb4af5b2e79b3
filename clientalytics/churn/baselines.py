"""Baselines a churn model has to beat: a recency rule and buy-till-you-die P(alive).

- :class:`RecencyBaseline` turns the days since the last purchase into a churn
  probability with a monotone (isotonic) fit: the longer the silence, the likelier
  the churn. It is the rule most firms already use.
- :func:`btyd_churn_probability` scores ``1 - P(alive)`` from a buy-till-you-die
  model. It fits :class:`~clientalytics.clv.BetaGeoModel` (BG/NBD) on the features
  by default, or takes any fitted model with ``conditional_probability_alive``, a callable,
  or a precomputed Series of P(alive).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.utils import Tags
from sklearn.utils.validation import check_array

from clientalytics.churn._estimator import (
    binary_target,
    check_feature_count,
    check_features,
    check_fitted,
)
from clientalytics.clv.beta_geo import BetaGeoModel
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.schema import require


class RecencyBaseline(ClassifierMixin, BaseEstimator):
    """Churn probability as a monotone function of the days since the last purchase.

    Parameters
    ----------
    column : str or int
        Feature holding the days since the last purchase: a column name of a
        DataFrame ``X``, or a column position (which also serves arrays).

    Attributes
    ----------
    isotonic_ : sklearn.isotonic.IsotonicRegression
        The fitted monotone map from days to churn rate.
    classes_ : numpy.ndarray
        The two labels of ``y`` seen in ``fit``, sorted (``[0, 1]``; the second is
        churn).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    """

    def __init__(self, column: str | int = "days_since_last_purchase") -> None:
        self.column = column

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_class = False  # stay or churn
        tags.classifier_tags.poor_score = True  # one feature by design
        return tags

    def _days(self, data: pd.DataFrame | np.ndarray) -> np.ndarray:
        days: pd.Series | np.ndarray
        if isinstance(self.column, str):
            if not isinstance(data, pd.DataFrame) or self.column not in data.columns:
                raise ValidationError(f"X: needs a DataFrame with the column {self.column!r}")
            days = data[self.column]
        elif isinstance(data, pd.DataFrame):
            days = data.iloc[:, self.column]
        else:
            days = data[:, self.column]
        return check_array(np.asarray(days, dtype=float).reshape(-1, 1)).ravel()

    def fit(self, X: pd.DataFrame | ArrayLike, y: ArrayLike) -> RecencyBaseline:
        """Fit the monotone map on training clients; returns ``self``."""
        data = check_features(X)
        days = self._days(data)
        self.classes_, codes = binary_target(y, len(days))
        self.isotonic_ = IsotonicRegression(
            y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip"
        ).fit(days, codes.astype(float))
        self.n_features_in_ = data.shape[1]
        return self

    def predict_proba(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        """Return ``[[P(stay), P(churn)], ...]``."""
        check_fitted(self, "isotonic_")
        data = check_features(X)
        check_feature_count(self, data)
        p = np.clip(self.isotonic_.predict(self._days(data)), 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        """Predicted labels: churn (``classes_[1]``) where P(churn) is at least 0.5."""
        churn = (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
        labels: np.ndarray = self.classes_[churn]
        return labels


PAliveSource = pd.Series | Callable[[pd.DataFrame], Any] | Any | None


def btyd_churn_probability(
    features: pd.DataFrame,
    *,
    p_alive: PAliveSource = None,
    time_scale: float = 7.0,
    penalizer: float = 0.01,
) -> pd.Series:
    """Churn score ``1 - P(alive)`` from a buy-till-you-die model.

    Parameters
    ----------
    features : pandas.DataFrame
        Output of :func:`~clientalytics.churn.churn_features` (columns
        ``frequency``, ``recency`` and ``tenure_days``, in days).
    p_alive : Series, callable, fitted model or None
        Where P(alive) comes from: a Series indexed like ``features``; a callable
        taking ``features`` and returning P(alive) per row; an object with
        ``conditional_probability_alive(frequency, recency, T)`` (lifetimes style,
        fed in units of ``time_scale`` days); or None to fit a BG/NBD model
        (:class:`~clientalytics.clv.BetaGeoModel`) on ``features`` themselves.
    time_scale : float
        Days per time unit given to the model (7: weeks).
    penalizer : float
        L2 penalizer of the BG/NBD fit when ``p_alive`` is None.

    Returns
    -------
    pandas.Series
        ``btyd_churn`` = 1 - P(alive), in [0, 1], on the index of ``features``.

    Raises
    ------
    ConvergenceError
        When the BG/NBD fit fails.
    ValidationError
        When a given Series misses clients or the source is of an unknown kind.
    """
    if isinstance(p_alive, pd.Series):
        missing = features.index.difference(p_alive.index)
        if len(missing):
            raise ValidationError(
                f"p_alive: {len(missing)} client(s) of the features are missing, e.g. "
                f"{list(missing[:3])}"
            )
        alive = p_alive.reindex(features.index).to_numpy(dtype=float)
    else:
        require(
            features,
            "churn_features",
            ["frequency", "recency", "tenure_days"],
            hint="pass the churn_features output",
        )
        freq = features["frequency"].to_numpy(dtype=float)
        rec = features["recency"].to_numpy(dtype=float) / time_scale
        age = features["tenure_days"].to_numpy(dtype=float) / time_scale
        if p_alive is None:
            summary = pd.DataFrame({"frequency": freq, "recency": rec, "T": age})
            try:
                model = BetaGeoModel(penalizer_coef=penalizer).fit(summary)
            except ConvergenceError as exc:
                raise ConvergenceError(
                    f"BG/NBD fit of the churn baseline failed: {exc} Here, pass a larger "
                    "penalizer or another time_scale."
                ) from exc
            alive = model.probability_alive(summary).to_numpy(dtype=float)
        elif hasattr(p_alive, "conditional_probability_alive"):
            alive = np.asarray(p_alive.conditional_probability_alive(freq, rec, age), dtype=float)
        elif callable(p_alive):
            alive = np.asarray(p_alive(features), dtype=float)
        else:
            raise ValidationError(
                f"p_alive must be a Series, a callable or a fitted model, got "
                f"{type(p_alive).__name__}"
            )
    if alive.shape != (len(features),) or not np.isfinite(alive).all():
        raise ValidationError("p_alive: expected one finite probability per client")
    return pd.Series(1.0 - np.clip(alive, 0.0, 1.0), index=features.index, name="btyd_churn")
