"""Gamma-Gamma model of the value per purchase (Fader, Hardie & Lee 2005; Hardie note 025).

A client's purchase values are gamma(p, nu) with ``nu ~ Gamma(q, gamma)`` across
clients, so the expected value of a client with ``x`` repeat purchases averaging
``m`` shrinks ``m`` towards the population mean ``p * gamma / (q - 1)``. The model
assumes the value per purchase is independent of the number of purchases; the fit
measures that correlation and warns when it is strong.

The model needs a positive mean value per repeat purchase. A client whose credit
notes bring that mean to zero or below is outside the model: by default such
clients are left out of the fit, one by one, with the reason recorded in
:attr:`GammaGammaModel.excluded_`, and valued at 0 per future purchase (their
repeat purchases so far brought nothing in), so one credit note never disables the
model for the whole base.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln
from sklearn.base import BaseEstimator

from clientalytics.clv._data import (
    calibration_columns,
    check_sample_weight,
    check_summary,
    compress,
)
from clientalytics.clv._optimize import minimize_log_params
from clientalytics.clv._special import wdot
from clientalytics.clv.base import ParameterUncertaintyMixin
from clientalytics.exceptions import (
    ConvergenceError,
    DataQualityWarning,
    ModelAssumptionWarning,
    NotFittedError,
    ValidationError,
)
from clientalytics.schema import require

FloatArray = NDArray[np.float64]

#: Columns of :attr:`GammaGammaModel.excluded_`.
EXCLUDED_COLUMNS = ["frequency", "monetary_value", "reason"]
#: Reason recorded for a repeat buyer whose mean value per repeat purchase is <= 0.
NON_POSITIVE_REASON = (
    "mean value per repeat purchase is zero or negative (credit notes): outside the "
    "Gamma-Gamma model, valued at 0 per future purchase"
)


def _log_likelihood(params: FloatArray, x: FloatArray, m: FloatArray) -> FloatArray:
    p, q, v = params
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + v),
        dtype=np.float64,
    )


def _objectives(
    x: FloatArray, m: FloatArray, w: FloatArray, pen: float
) -> tuple[Callable[[FloatArray], float], Callable[[FloatArray], tuple[float, FloatArray]]]:
    """Penalised mean negative log-likelihood over ``log(p, q, gamma)`` and its gradient."""
    total = float(w.sum())
    log_x, log_m = np.log(x), np.log(m)

    def objective(log_params: FloatArray) -> float:
        params = np.exp(log_params)
        return float(-wdot(w, _log_likelihood(params, x, m)) / total + pen * np.sum(params**2))

    def value_and_grad(log_params: FloatArray) -> tuple[float, FloatArray]:
        params = np.exp(log_params)
        p, q, v = params
        px = p * x
        log_xmv = np.log(x * m + v)
        shared = digamma(px + q)
        g_p = wdot(w, x * (shared - digamma(px) + log_m + log_x - log_xmv))
        g_q = wdot(w, shared - log_xmv) + total * (np.log(v) - digamma(q))
        g_v = total * q / v - wdot(w, (px + q) / (x * m + v))
        grad = -np.array([g_p, g_q, g_v]) / total + 2 * pen * params
        return objective(log_params), grad * params

    return objective, value_and_grad


class GammaGammaModel(ParameterUncertaintyMixin, BaseEstimator):
    """Gamma-Gamma model of the expected value of a client's future purchases.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on ``(p, q, gamma)``, with ``gamma`` expressed relative to the mean
        observed value so the penalty does not depend on the currency.
    correlation_threshold : float, default 0.3
        Absolute Pearson correlation between ``frequency`` and ``monetary_value`` of
        repeat buyers above which a :class:`~clientalytics.exceptions.ModelAssumptionWarning`
        is issued.
    non_positive : {"exclude", "raise"}, default "exclude"
        What to do with repeat buyers whose ``monetary_value`` is zero or negative
        (credit notes netted into their repeat purchases): ``"exclude"`` leaves
        them out of the fit, lists them in :attr:`excluded_` and warns with a
        :class:`~clientalytics.exceptions.DataQualityWarning`; ``"raise"`` raises
        :class:`~clientalytics.exceptions.ValidationError`.

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``p``, ``q``, ``gamma`` (``gamma`` in money units).
    log_likelihood_ : float
        Total log-likelihood of the repeat buyers' mean values.
    aic_, bic_ : float
        Information criteria.
    n_clients_ : float
        Number of repeat buyers fitted (sum of weights).
    frequency_spend_correlation_ : float
        Pearson correlation of ``frequency`` and ``monetary_value`` among repeat buyers
        (0 when either is constant).
    population_mean_value_ : float
        Expected value per purchase of a client with no repeat purchase,
        ``p * gamma / (q - 1)``.
    excluded_ : pandas.DataFrame
        Repeat buyers left out of the fit, indexed like the summary, columns
        :data:`EXCLUDED_COLUMNS` (``frequency``, ``monetary_value``, ``reason``);
        empty when every repeat buyer was fitted.
    """

    def __init__(
        self,
        penalizer_coef: float = 0.0,
        correlation_threshold: float = 0.3,
        non_positive: Literal["exclude", "raise"] = "exclude",
    ) -> None:
        self.penalizer_coef = penalizer_coef
        self.correlation_threshold = correlation_threshold
        self.non_positive = non_positive

    def _repeat_buyers(
        self, summary: pd.DataFrame, sample_weight: ArrayLike | None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        summary = calibration_columns(summary, ("frequency", "monetary_value"))
        data = check_summary(summary, columns=("frequency",))
        require(summary, "summary", ["monetary_value"], hint="the Gamma-Gamma model needs it")
        raw = pd.to_numeric(summary["monetary_value"], errors="coerce")
        weight = check_sample_weight(sample_weight, len(summary))
        x = data["frequency"].to_numpy()
        m = raw.to_numpy(dtype=np.float64, na_value=np.nan)
        if self.non_positive not in ("exclude", "raise"):
            raise ValidationError(
                f"non_positive must be 'exclude' or 'raise', got {self.non_positive!r}"
            )
        repeat = x > 0
        missing = repeat & ~np.isfinite(m)
        non_positive = repeat & np.isfinite(m) & (m <= 0)
        bad = missing | (non_positive if self.non_positive == "raise" else False)
        if bad.any():
            raise ValidationError(
                f"summary: column 'monetary_value' must be positive and finite for clients "
                f"with repeat purchases; {int(bad.sum())} are not, e.g. "
                f"{summary['monetary_value'][bad].head(3).to_dict()} (loss-making purchases "
                f"cannot be modelled by Gamma-Gamma: fit it on revenue and apply a margin rate)"
            )
        self.excluded_ = pd.DataFrame(
            {
                "frequency": x[non_positive],
                "monetary_value": m[non_positive],
                "reason": NON_POSITIVE_REASON,
            },
            index=summary.index[non_positive],
            columns=EXCLUDED_COLUMNS,
        )
        fitted = repeat & ~non_positive
        if non_positive.any():
            warnings.warn(
                f"Gamma-Gamma: {int(non_positive.sum())} repeat buyer(s) with a mean value per "
                f"repeat purchase of zero or less (credit notes), e.g. "
                f"{summary['monetary_value'][non_positive].head(3).to_dict()}, are left out of "
                "the fit and valued at 0 per future purchase; see excluded_",
                DataQualityWarning,
                stacklevel=3,
            )
        if not fitted.any():
            what = "with a positive mean value " if non_positive.any() else ""
            raise ValidationError(f"summary: no client {what}has a repeat purchase; nothing to fit")
        return x[fitted], m[fitted], weight[fitted]

    def fit(
        self, summary: pd.DataFrame, *, sample_weight: ArrayLike | None = None
    ) -> GammaGammaModel:
        """Fit on the clients with at least one repeat purchase.

        Parameters
        ----------
        summary : pandas.DataFrame
            Columns ``frequency`` and ``monetary_value`` (mean value of the repeat
            purchases), or their ``_cal`` versions in the output of
            :func:`clientalytics.summary.calibration_holdout_split`. Clients with
            ``frequency == 0`` are ignored, and so are repeat buyers with
            ``monetary_value <= 0`` (listed in ``excluded_``) unless
            ``non_positive="raise"``.
        sample_weight : array-like, optional
            Number of clients each row stands for.

        Returns
        -------
        GammaGammaModel
            The fitted model (``self``).

        Raises
        ------
        ValidationError
            On missing columns, missing or infinite values of repeat buyers,
            non-positive values of repeat buyers with ``non_positive="raise"``, or
            no repeat buyer with a positive value.
        ConvergenceError
            When the search fails or ``q <= 1`` (mean value undefined).

        Warns
        -----
        ModelAssumptionWarning
            When ``|corr(frequency, monetary_value)|`` exceeds ``correlation_threshold``.
        DataQualityWarning
            When repeat buyers with ``monetary_value <= 0`` are left out of the fit.
        """
        x, m, w = self._repeat_buyers(summary, sample_weight)
        self.__dict__.pop("converted_from_", None)  # refitted: no longer a conversion
        if np.std(x) > 0 and np.std(m) > 0:
            corr = float(np.corrcoef(x, m)[0, 1])
        else:
            corr = 0.0
        self.frequency_spend_correlation_ = corr
        if abs(corr) > self.correlation_threshold:
            warnings.warn(
                f"Gamma-Gamma assumes the value per purchase does not depend on the number "
                f"of purchases, but their correlation among repeat buyers is {corr:.2f} "
                f"(threshold {self.correlation_threshold}); expected values will be biased",
                ModelAssumptionWarning,
                stacklevel=2,
            )
        scale = float(np.average(m, weights=w))
        packed = compress(x, m / scale, weight=w)
        cx, cm = packed.columns
        cw = packed.weight
        total = float(cw.sum())
        objective, value_and_grad = _objectives(cx, cm, cw, float(self.penalizer_coef))
        log_params, hess = minimize_log_params(
            objective,
            np.zeros(3),
            model="Gamma-Gamma",
            names=("p", "q", "gamma"),
            value_and_grad=value_and_grad,
        )
        p, q, v = np.exp(log_params)
        v *= scale
        if q <= 1:
            raise ConvergenceError(
                f"Gamma-Gamma: fitted q = {q:.3f} <= 1, so the mean value per purchase is "
                f"undefined (heavy tail). Check monetary_value for outliers or set "
                f"penalizer_coef > 0."
            )
        self.params_ = pd.Series([p, q, v], index=["p", "q", "gamma"], name="value")
        self._set_uncertainty(hess, total, model="Gamma-Gamma", log_params=np.log([p, q, v]))
        self.log_likelihood_ = wdot(w, _log_likelihood(np.array([p, q, v]), x, m))
        self.n_clients_ = float(w.sum())
        self.aic_ = 6 - 2 * self.log_likelihood_
        self.bic_ = 3 * np.log(self.n_clients_) - 2 * self.log_likelihood_
        self.population_mean_value_ = float(p * v / (q - 1))
        return self

    def expected_value(self, summary: pd.DataFrame) -> pd.Series:
        """Return the expected value per future purchase of each client.

        Parameters
        ----------
        summary : pandas.DataFrame
            Columns ``frequency`` and ``monetary_value``; clients without repeat
            purchases get the population mean.

        Returns
        -------
        pandas.Series
            Named ``expected_value``, indexed like ``summary``. A repeat buyer whose
            ``monetary_value`` is zero or negative (credit notes) is outside the
            model and gets 0: its repeat purchases so far brought nothing in, and
            the model's shrinkage towards the population mean would value them as
            if they had.
        """
        if not hasattr(self, "params_"):
            raise NotFittedError("This GammaGammaModel is not fitted yet; call fit(summary) first.")
        p, q, v = self.params_.to_numpy()
        x, m = self._values(summary)
        with np.errstate(invalid="ignore"):
            value = (p * (v + x * m)) / (p * x + q - 1)
        value = np.where((x > 0) & (m <= 0), 0.0, value)
        return pd.Series(value, index=summary.index, name="expected_value")

    predict = expected_value

    @staticmethod
    def _values(summary: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
        """``frequency`` and ``monetary_value`` (0 without repeat purchases) as arrays.

        ``monetary_value`` may be negative (credit notes) but must be finite.
        """
        summary = calibration_columns(summary, ("frequency", "monetary_value"))
        data = check_summary(
            summary, columns=("frequency", "monetary_value"), signed=("monetary_value",)
        )
        x = data["frequency"].to_numpy()
        return x, np.where(x > 0, data["monetary_value"].to_numpy(), 0.0)

    def client_log_likelihood(self, summary: pd.DataFrame) -> pd.Series:
        """Log-likelihood of each repeat buyer's mean value.

        The index holds the repeat buyers with a positive mean value only (the
        others are outside the model, see :attr:`excluded_`).
        """
        if not hasattr(self, "params_"):
            raise NotFittedError("This GammaGammaModel is not fitted yet; call fit(summary) first.")
        x, m = self._values(summary)
        rows = (x > 0) & (m > 0)
        ll = _log_likelihood(self.params_.to_numpy(), x[rows], m[rows])
        return pd.Series(ll, index=summary.index[rows], name="log_likelihood")
