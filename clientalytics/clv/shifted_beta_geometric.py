"""Shifted-beta-geometric (sBG) model of contract retention (Fader & Hardie 2007).

For contracts or subscriptions renewed period by period: each client has a constant
churn probability ``theta ~ Beta(alpha, beta)`` per period. Across a cohort the
retention rate rises with tenure because the clients most likely to leave leave
first. Fitted on the number of clients still active at the start of each period;
:class:`~clientalytics.clv.IndividualShiftedBetaGeometricModel` fits the same model
on each client's renewal history read from the contract registry.
Source: Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention",
Journal of Interactive Marketing 21(1), 76-90.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, hyp2f1
from sklearn.base import BaseEstimator

from clientalytics.clv._optimize import minimize_log_params
from clientalytics.clv.base import ParameterUncertaintyMixin
from clientalytics.exceptions import NotFittedError, ValidationError

FloatArray = NDArray[np.float64]


def _check_active_counts(active: ArrayLike) -> FloatArray:
    counts = np.asarray(active, dtype=np.float64).reshape(-1)
    if counts.shape[0] < 2:
        raise ValidationError(
            "active counts: need the cohort size and at least one later period, "
            f"got {counts.shape[0]} value(s)"
        )
    bad = ~np.isfinite(counts) | (counts < 0)
    if bad.any():
        raise ValidationError(
            f"active counts: {int(bad.sum())} value(s) are negative or not finite, "
            f"e.g. {counts[bad][:3].tolist()}"
        )
    rising = np.flatnonzero(np.diff(counts) > 0)
    if rising.size:
        i = int(rising[0])
        raise ValidationError(
            f"active counts: a cohort can only shrink, but it grows from {counts[i]:g} to "
            f"{counts[i + 1]:g} at period {i + 1} ({rising.size} increase(s)); new clients "
            f"belong to a new cohort"
        )
    if counts[0] <= 0:
        raise ValidationError("active counts: the cohort size (first value) must be positive")
    if counts[-1] == counts[0]:
        raise ValidationError(
            "active counts: nobody churned, so the churn distribution cannot be estimated"
        )
    return counts


class ShiftedBetaGeometricModel(ParameterUncertaintyMixin, BaseEstimator):
    """sBG model of a cohort of contracts: project survival and retention.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on ``(alpha, beta)`` added to the mean negative log-likelihood
        per client.

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``alpha`` and ``beta`` of the beta distribution of churn probabilities.
    log_likelihood_ : float
        Log-likelihood of the observed churn pattern.
    aic_, bic_ : float
        Information criteria (``n`` is the cohort size).
    n_periods_ : int
        Number of observed periods after the start.
    cohort_size_ : float
        Clients active at period 0.

    Examples
    --------
    >>> model = ShiftedBetaGeometricModel().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.params_["alpha"], 3), round(model.params_["beta"], 3)
    (0.704, 1.182)
    """

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    @staticmethod
    def _log_likelihood(params: FloatArray, counts: FloatArray) -> float:
        alpha, beta = params
        t = np.arange(1, counts.shape[0])
        churned = counts[:-1] - counts[1:]
        log_churn_at = betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)
        log_survive_last = betaln(alpha, beta + t[-1]) - betaln(alpha, beta)
        return float(churned @ log_churn_at + counts[-1] * log_survive_last)

    def fit(self, active_counts: ArrayLike) -> ShiftedBetaGeometricModel:
        """Fit on the number of clients still active at the start of periods 0, 1, ....

        Parameters
        ----------
        active_counts : array-like
            ``active_counts[0]`` is the cohort size; ``active_counts[t]`` the number of
            clients who renewed for period ``t``. Must be non-increasing.

        Returns
        -------
        ShiftedBetaGeometricModel
            The fitted model (``self``).
        """
        counts = _check_active_counts(active_counts)
        size = float(counts[0])
        pen = float(self.penalizer_coef)

        def objective(log_params: FloatArray) -> float:
            params = np.exp(log_params)
            return -self._log_likelihood(params, counts) / size + pen * float(np.sum(params**2))

        log_params, hess = minimize_log_params(
            objective, np.zeros(2), model="sBG", names=("alpha", "beta")
        )
        params = np.exp(log_params)
        self.params_ = pd.Series(params, index=["alpha", "beta"], name="value")
        self._set_uncertainty(hess, size, model="sBG", log_params=log_params)
        self.log_likelihood_ = self._log_likelihood(params, counts)
        self.n_periods_ = int(counts.shape[0] - 1)
        self.cohort_size_ = size
        self.aic_ = 4 - 2 * self.log_likelihood_
        self.bic_ = 2 * np.log(size) - 2 * self.log_likelihood_
        return self

    def _params(self) -> tuple[float, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "This ShiftedBetaGeometricModel is not fitted yet; call fit(active_counts) first."
            )
        return float(self.params_["alpha"]), float(self.params_["beta"])

    def survival(self, periods: ArrayLike) -> FloatArray:
        """Return the share of the cohort active at the start of period ``t`` (S(0) = 1)."""
        alpha, beta = self._params()
        t = np.asarray(periods, dtype=np.float64)
        if np.any(t < 0) or np.any(~np.isfinite(t)):
            raise ValidationError("periods must be finite and >= 0")
        return np.asarray(np.exp(betaln(alpha, beta + t) - betaln(alpha, beta)))

    def retention_rate(self, periods: ArrayLike) -> FloatArray:
        """Return the share of clients of period ``t - 1`` who renew for period ``t >= 1``."""
        alpha, beta = self._params()
        t = np.asarray(periods, dtype=np.float64)
        if np.any(t < 1) or np.any(~np.isfinite(t)):
            raise ValidationError("retention is defined for periods t >= 1")
        return np.asarray((beta + t - 1) / (alpha + beta + t - 1))

    def project(self, n_periods: int) -> pd.DataFrame:
        """Project the cohort over periods ``0 .. n_periods``.

        Parameters
        ----------
        n_periods : int
            Last period of the projection.

        Returns
        -------
        pandas.DataFrame
            One row per period with columns ``period``, ``survival`` (share still
            active), ``expected_active`` (survival times cohort size),
            ``retention_rate`` (renewal rate into the period; NaN-free, 1.0 at period 0
            by convention) and ``churn_probability`` (share of the cohort lost in the
            period).
        """
        if int(n_periods) < 1:
            raise ValidationError(f"n_periods must be >= 1, got {n_periods}")
        t = np.arange(int(n_periods) + 1, dtype=np.float64)
        surv = self.survival(t)
        retention = np.ones_like(t)
        retention[1:] = self.retention_rate(t[1:])
        churn = np.zeros_like(t)
        churn[1:] = surv[:-1] - surv[1:]
        return pd.DataFrame(
            {
                "period": t.astype(int),
                "survival": surv,
                "expected_active": surv * self.cohort_size_,
                "retention_rate": retention,
                "churn_probability": churn,
            }
        )

    def expected_remaining_lifetime(
        self, periods_survived: int = 0, *, discount_rate: float = 0.0
    ) -> float:
        """Return the expected number of further renewals after ``n`` renewals.

        Parameters
        ----------
        periods_survived : int, default 0
            Renewals already made (tenure, in periods).
        discount_rate : float, default 0.0
            Discount rate per period. With a positive rate each future renewal ``k``
            periods ahead counts ``1 / (1 + d)**k`` (the discounted expected residual
            lifetime of Fader & Hardie 2010, minus the current period).

        Returns
        -------
        float
            ``sum_k S(n + k) / S(n) / (1 + d)**k`` over ``k >= 1``; undiscounted it equals
            ``(beta + n) / (alpha - 1)``.

        Raises
        ------
        ValidationError
            When ``discount_rate == 0`` and ``alpha <= 1``: the mean lifetime is then
            infinite, so a positive discount rate is needed.
        """
        alpha, beta = self._params()
        n = float(periods_survived)
        if n < 0 or discount_rate < 0:
            raise ValidationError("periods_survived and discount_rate must be >= 0")
        b = beta + n
        if discount_rate == 0:
            if alpha <= 1:
                raise ValidationError(
                    f"sBG alpha = {alpha:.3f} <= 1: the undiscounted expected lifetime is "
                    f"infinite; pass discount_rate > 0"
                )
            return float(b / (alpha - 1))
        return float(hyp2f1(1.0, b, alpha + b, 1.0 / (1.0 + discount_rate)) - 1.0)
