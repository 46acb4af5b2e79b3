"""Baselines a churn model has to beat: a recency rule and buy-till-you-die P(alive).

- :class:`RecencyBaseline` turns the days since the last purchase into a churn
  probability with a monotone (isotonic) fit: the longer the silence, the likelier
  the churn. It is the rule most firms already use.
- :func:`btyd_churn_probability` scores ``1 - P(alive)`` from a buy-till-you-die
  model. It fits ``lifetimes.BetaGeoFitter`` (BG/NBD) on the features by default,
  or takes any fitted model with ``conditional_probability_alive``, a callable,
  or a precomputed Series of P(alive).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression

from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError


class RecencyBaseline(ClassifierMixin, BaseEstimator):
    """Churn probability as a monotone function of the days since the last purchase.

    Parameters
    ----------
    column : str
        Feature holding the days since the last purchase.

    Attributes
    ----------
    isotonic_ : sklearn.isotonic.IsotonicRegression
        The fitted monotone map from days to churn rate.
    classes_ : numpy.ndarray
        ``[0, 1]``.
    """

    def __init__(self, column: str = "days_since_last_purchase") -> None:
        self.column = column

    def _days(self, X: Any) -> np.ndarray:
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise ValidationError(f"X: needs a DataFrame with the column {self.column!r}")
        return X[self.column].to_numpy(dtype=float)

    def fit(self, X: pd.DataFrame, y: Any) -> RecencyBaseline:
        """Fit the monotone map on training clients; returns ``self``."""
        self.isotonic_ = IsotonicRegression(
            y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip"
        ).fit(self._days(X), np.asarray(y, dtype=float))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Return ``[[P(stay), P(churn)], ...]``."""
        if not hasattr(self, "isotonic_"):
            raise NotFittedError("RecencyBaseline is not fitted yet; call fit(X, y) first")
        p = np.clip(self.isotonic_.predict(self._days(X)), 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Return 1 where the churn probability is at least 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


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
        (``lifetimes.BetaGeoFitter``) on ``features`` themselves.
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
        cols = ["frequency", "recency", "tenure_days"]
        absent = [c for c in cols if c not in features.columns]
        if absent:
            raise ValidationError(f"features: missing column(s) {absent}")
        freq = features["frequency"].to_numpy(dtype=float)
        rec = features["recency"].to_numpy(dtype=float) / time_scale
        age = features["tenure_days"].to_numpy(dtype=float) / time_scale
        if p_alive is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lifetimes sets a deprecated pandas option
                from lifetimes import BetaGeoFitter

            model = BetaGeoFitter(penalizer_coef=penalizer)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(freq, rec, age)
            except Exception as exc:  # lifetimes raises bare ConvergenceError / LinAlgError
                raise ConvergenceError(
                    f"BG/NBD fit failed ({exc}); try a larger penalizer or another time_scale"
                ) from exc
            alive = np.asarray(model.conditional_probability_alive(freq, rec, age), dtype=float)
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
