"""Beta-discrete-Weibull (BdW) model of contract renewals, and the sBG as its c = 1 case.

Each client renews period by period. Given the client's churn propensity ``theta``
the probability of still being a client after ``t`` renewal decisions is
``(1 - theta) ** (t ** c)``; across clients ``theta ~ Beta(alpha, beta)``, so

    S(t) = B(alpha, beta + t ** c) / B(alpha, beta).

``c > 1`` means a client's own churn risk rises with tenure, ``c < 1`` that it falls
(the client settles in); ``c = 1`` is the shifted-beta-geometric (sBG) model of
Fader & Hardie (2007), in which each client's risk is constant and the cohort's
retention rises only because the clients most likely to leave leave first.
Sources: Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J. & Steenburgh, T. (2018),
"'How to Project Customer Retention' Revisited: The Role of Duration Dependence",
Journal of Interactive Marketing 43, 1-16; Fader, P. S. & Hardie, B. G. S. (2010),
"Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring
Heterogeneity", Marketing Science 29(1), 85-93 (discounted expected residual
lifetime, equation 6).

Both models here are fitted on individual renewal histories (the output of
:func:`~clientalytics.clv.renewal.renewal_histories`, or of
:func:`~clientalytics.clv.renewal.cohort_histories` for published cohort counts):
a client who churned after ``n`` renewals contributes ``S(n) - S(n + 1)``, a
censored client ``S(n)``.
"""

from __future__ import annotations

import re
from typing import ClassVar, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, hyp2f1
from sklearn.base import BaseEstimator

from clientalytics.clv._optimize import minimize_log_params, numerical_hessian
from clientalytics.clv.base import ParameterUncertaintyMixin
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError
from clientalytics.schema import require

FloatArray = NDArray[np.float64]

#: residual-lifetime sums stop once the discount factor falls below this
_DISCOUNT_TAIL = 1e-13


def _check_histories(
    histories: pd.DataFrame, sample_weight: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    require(
        histories,
        "renewal histories",
        ["renewals", "churned"],
        hint="pass the output of renewal_histories() or cohort_histories()",
    )
    n = histories["renewals"].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(n) | (n < 0) | (np.abs(n - np.round(n)) > 1e-9)
    if bad.any():
        raise ValidationError(
            f"renewal histories: 'renewals' must be whole numbers >= 0; {int(bad.sum())} "
            f"value(s) are not, e.g. {n[bad][:3].tolist()}",
            column="renewals",
        )
    churned = histories["churned"]
    if churned.isna().any():
        raise ValidationError(
            f"renewal histories: 'churned' has {int(churned.isna().sum())} missing value(s)",
            column="churned",
        )
    d = churned.to_numpy().astype(bool).astype(np.float64)
    if sample_weight is None:
        w = np.ones_like(n)
    else:
        w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if w.shape[0] != n.shape[0] or np.any(~np.isfinite(w)) or np.any(w < 0):
            raise ValidationError(
                f"sample_weight: need {n.shape[0]} finite weights >= 0, got {w.shape[0]}"
            )
    if w.sum() <= 0:
        raise ValidationError("renewal histories: no client to fit (empty or zero weights)")
    if float(w @ d) == 0:
        raise ValidationError(
            "renewal histories: nobody churned, so the churn distribution cannot be estimated"
        )
    # merge identical histories
    key = np.asarray(n * 2 + d, dtype=np.float64)
    uniq, inverse = np.unique(key, return_inverse=True)
    weights = np.asarray(np.bincount(inverse, weights=w), dtype=np.float64)
    return np.floor(uniq / 2), np.asarray(uniq % 2, dtype=np.float64), weights


class _RenewalModel(ParameterUncertaintyMixin, BaseEstimator):
    """Shared fit, standard errors and predictions of the BdW family."""

    param_names: ClassVar[tuple[str, ...]] = ()
    model_name: ClassVar[str] = ""

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    # ------------------------------------------------------------------ maths
    @staticmethod
    def _split(params: FloatArray) -> tuple[float, float, float]:
        alpha, beta = float(params[0]), float(params[1])
        c = float(params[2]) if params.shape[0] > 2 else 1.0
        return alpha, beta, c

    @classmethod
    def _log_survival(cls, params: FloatArray, t: FloatArray) -> FloatArray:
        alpha, beta, c = cls._split(params)
        return np.asarray(betaln(alpha, beta + t**c) - betaln(alpha, beta))

    @classmethod
    def _log_likelihood(cls, params: FloatArray, n: FloatArray, churned: FloatArray) -> FloatArray:
        """Log-likelihood of each history: churned after ``n`` renewals, or censored."""
        log_s = cls._log_survival(params, n)
        log_next = cls._log_survival(params, n + 1)
        with np.errstate(divide="ignore"):
            log_churn = log_s + np.log1p(-np.exp(log_next - log_s))
        return np.where(churned > 0, log_churn, log_s)

    # -------------------------------------------------------------------- fit
    def fit(self, histories: pd.DataFrame, *, sample_weight: ArrayLike | None = None) -> Self:
        """Fit by maximum likelihood on renewal histories.

        Parameters
        ----------
        histories : pandas.DataFrame
            One row per client (spell) with ``renewals`` (renewal decisions made,
            whole numbers) and ``churned`` (True if the client left at the next
            decision, False if censored), e.g. the output of
            :func:`~clientalytics.clv.renewal.renewal_histories`.
        sample_weight : array-like, optional
            Clients each row stands for (``cohort_histories(...)["n_clients"]``).

        Returns
        -------
        self
            The fitted model.

        Raises
        ------
        ValidationError
            When the histories break their column contract or nobody churned.
        ConvergenceError
            When the likelihood has no interior maximum (e.g. one period only).

        Notes
        -----
        Fitted attributes: ``params_``, ``log_params_covariance_`` (inverse observed
        information of the log-parameters; of the penalised objective when
        ``penalizer_coef > 0``), from which
        ``standard_errors_``, ``covariance_``, :meth:`confidence_intervals` and
        ``summary`` follow; ``log_likelihood_``, ``aic_``, ``bic_``, ``n_clients_``.
        """
        n, d, w = _check_histories(histories, sample_weight)
        total = float(w.sum())
        pen = float(self.penalizer_coef)
        names = self.param_names

        def mean_nll(log_params: FloatArray) -> float:
            params = np.exp(log_params)
            return float(-(w @ self._log_likelihood(params, n, d)) / total)

        def objective(log_params: FloatArray) -> float:
            return mean_nll(log_params) + pen * float(np.sum(np.exp(log_params) ** 2))

        try:
            log_params, _ = minimize_log_params(
                objective, np.zeros(len(names)), model=self.model_name, names=names
            )
        except ConvergenceError as exc:
            reason = re.sub(r" \(for example[^)]*\)", "", str(exc).split(" Try penalizer_coef")[0])
            raise ConvergenceError(
                f"{reason} Renewal models need clients observed over several renewal "
                "decisions; the BdW model also needs enough of them at long tenures to "
                "tell duration dependence from heterogeneity. Fit "
                "IndividualShiftedBetaGeometricModel, or pass penalizer_coef=0.001."
            ) from exc
        params = np.exp(log_params)
        self.params_ = pd.Series(params, index=list(names), name="value")
        # observed information of the log-parameters (of the penalised objective)
        hess = numerical_hessian(objective, log_params)
        self._set_uncertainty(hess, total, model=self.model_name, log_params=log_params)
        self.log_likelihood_ = float(w @ self._log_likelihood(params, n, d))
        self.n_clients_ = total
        k = len(names)
        self.aic_ = 2 * k - 2 * self.log_likelihood_
        self.bic_ = k * np.log(total) - 2 * self.log_likelihood_
        return self

    def _params(self) -> FloatArray:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(histories) first."
            )
        return np.asarray(self.params_.to_numpy(), dtype=np.float64)

    # ------------------------------------------------------------ predictions
    @staticmethod
    def _check_periods(values: ArrayLike, low: float, what: str) -> FloatArray:
        t = np.asarray(values, dtype=np.float64)
        if np.any(~np.isfinite(t)) or np.any(t < low):
            raise ValidationError(f"{what} must be finite and >= {low:g}")
        return t

    def survival(self, periods: ArrayLike) -> FloatArray:
        """Return the share of new clients still clients after ``t`` renewal decisions."""
        t = self._check_periods(periods, 0, "periods")
        return np.exp(self._log_survival(self._params(), t))

    def retention_rate(self, periods: ArrayLike) -> FloatArray:
        """Return the share of clients of period ``t - 1`` who renew for period ``t >= 1``."""
        t = self._check_periods(periods, 1, "periods")
        params = self._params()
        return np.exp(self._log_survival(params, t) - self._log_survival(params, t - 1))

    def renewal_probability(self, renewals: ArrayLike) -> FloatArray:
        """Return the probability that a client who made ``n`` renewals renews once more.

        Parameters
        ----------
        renewals : array-like
            Renewals already made (the client's tenure in periods, minus one).

        Returns
        -------
        numpy.ndarray
            ``S(n + 1) / S(n)``, same shape as ``renewals``.
        """
        n = self._check_periods(renewals, 0, "renewals")
        params = self._params()
        return np.exp(self._log_survival(params, n + 1) - self._log_survival(params, n))

    def expected_residual_lifetime(
        self, renewals: ArrayLike, *, discount_rate: float
    ) -> FloatArray:
        """Return the discounted expected residual lifetime (DERL) of a client.

        For a client who has made ``n`` renewals and whose contract is up for
        renewal, the expected number of further contract payments, each discounted
        to the moment of the next renewal (Fader & Hardie 2010, equation 6):

            DERL = sum over k >= 1 of S(n + k) / S(n) / (1 + d) ** (k - 1).

        Multiplied by a contract's value per period it is the client's expected
        residual lifetime value at that moment.

        Parameters
        ----------
        renewals : array-like
            Renewals already made.
        discount_rate : float
            Discount rate per contract period (> 0).

        Returns
        -------
        numpy.ndarray
            DERL, same shape as ``renewals``.
        """
        n = self._check_periods(renewals, 0, "renewals")
        d = float(discount_rate)
        if not np.isfinite(d) or d <= 0:
            raise ValidationError(f"discount_rate must be > 0, got {discount_rate}")
        params = self._params()
        uniq, inverse = np.unique(n.reshape(-1), return_inverse=True)
        values = self._derl(params, uniq, d)
        return np.asarray(values[inverse].reshape(n.shape), dtype=np.float64)

    def _derl(self, params: FloatArray, n: FloatArray, d: float) -> FloatArray:
        horizon = int(np.ceil(np.log(_DISCOUNT_TAIL) / -np.log1p(d)))
        k = np.arange(1, horizon + 1, dtype=np.float64)
        log_ratio = (
            self._log_survival(params, n[:, None] + k[None, :])
            - self._log_survival(params, n)[:, None]
        )
        return np.asarray(np.exp(log_ratio - (k - 1) * np.log1p(d)).sum(axis=1))


class BetaDiscreteWeibullModel(_RenewalModel):
    """Beta-discrete-Weibull model of contract renewals (Fader, Hardie et al. 2018).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on ``(alpha, beta, c)`` added to the mean negative
        log-likelihood per client.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha`` and ``beta`` of the beta distribution of churn propensities and
        the duration-dependence exponent ``c`` (``c = 1``: the sBG).
    standard_errors_ : pandas.Series
        Standard errors of ``params_`` (delta method, observed information).
    covariance_ : pandas.DataFrame
        Covariance of ``params_``.
    summary : pandas.DataFrame
        ``estimate``, ``standard_error``, ``lower``, ``upper`` (95 %) per parameter.
    log_likelihood_, aic_, bic_ : float
        Fit statistics.
    n_clients_ : float
        Number of (weighted) histories fitted.

    Examples
    --------
    >>> from clientalytics.clv.renewal import cohort_histories
    >>> h = cohort_histories([1000, 869, 743, 653, 593])
    >>> model = BetaDiscreteWeibullModel().fit(h, sample_weight=h["n_clients"])
    >>> model.params_.round(3).tolist()
    [0.259, 1.723, 1.584]
    """

    param_names = ("alpha", "beta", "c")
    model_name = "BdW"


class IndividualShiftedBetaGeometricModel(_RenewalModel):
    """Shifted-beta-geometric model fitted on individual renewal histories.

    The sBG of :class:`~clientalytics.clv.ShiftedBetaGeometricModel`, fitted on
    each client's history rather than on one cohort's survivor counts, so that
    clients acquired at different times, still active or gone, enter one fit;
    the beta-discrete-Weibull model with ``c = 1``.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on ``(alpha, beta)`` added to the mean negative log-likelihood
        per client.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha`` and ``beta``.
    standard_errors_, covariance_, summary, log_likelihood_, aic_, bic_, n_clients_
        As for :class:`BetaDiscreteWeibullModel`.

    Examples
    --------
    >>> from clientalytics.clv.renewal import cohort_histories
    >>> h = cohort_histories([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> model = IndividualShiftedBetaGeometricModel().fit(h, sample_weight=h["n_clients"])
    >>> model.params_.round(3).tolist()
    [0.704, 1.182]
    """

    param_names = ("alpha", "beta")
    model_name = "sBG"

    def _derl(self, params: FloatArray, n: FloatArray, d: float) -> FloatArray:
        # closed form of Fader & Hardie (2010), equation (6)
        alpha, beta, _ = self._split(params)
        b = beta + n
        return np.asarray(b / (alpha + b) * hyp2f1(1.0, b + 1, alpha + b + 1, 1.0 / (1.0 + d)))
