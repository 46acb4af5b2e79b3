"""Common machinery of the buy-till-you-die transaction models.

:class:`TransactionModel` holds what BG/NBD, modified BG/NBD, Pareto/NBD and BG/BB
share: input checks, compression of identical ``(frequency, recency, T)`` rows into
weights, the maximum-likelihood search on rescaled time, the fitted-parameter
bookkeeping (``params_``, ``log_likelihood_``, ``aic_``, ``bic_``) and the per-client
scoring methods, which also evaluate each distinct history only once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm
from sklearn.base import BaseEstimator

from clientalytics.clv._data import (
    MODEL_INPUT_COLUMNS,
    FitData,
    calibration_columns,
    check_sample_weight,
    check_summary,
    compress,
)
from clientalytics.clv._optimize import log_params_covariance, minimize_log_params
from clientalytics.clv._special import wdot
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError
from clientalytics.periods import SUMMARY_TIME_UNITS, TimeUnit, check_time_unit

FloatArray = NDArray[np.float64]
_R = TypeVar("_R")

#: above this many distinct histories, models without an exact gradient first fit a
#: random subsample of this size to get a starting point near the optimum
_WARM_START_ROWS = 4000

#: Gauss-Laguerre nodes of the generic DERT quadrature (exact for polynomials of degree
#: 2 * 60 - 1 in the horizon; the conditional expectations are smooth and bounded)
_LAGUERRE_NODES = 60


#: Columns of the ``summary`` table of every fitted CLV model.
SUMMARY_COLUMNS = ["estimate", "standard_error", "lower", "upper"]


def _check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValidationError(f"level must be a probability strictly between 0 and 1, got {level}")
    return level


class ParameterUncertaintyMixin:
    """Standard errors, confidence intervals and a summary table for a fitted model.

    Every CLV model has positive parameters and is fitted over their logarithms, so
    the model stores ``log_params_covariance_``, the inverse of the observed
    information matrix of the log-parameters at the maximum-likelihood estimate
    (for a penalised fit, of the penalised objective). Standard errors on the
    natural scale follow by the delta method (``se(theta) = theta * se(log theta)``)
    and intervals are computed on the log scale, ``exp(log theta +- z se(log theta))``,
    so they never leave the positive half-line.

    A subclass sets ``params_`` and calls :meth:`_set_uncertainty` in ``fit``.
    """

    params_: pd.Series
    log_params_covariance_: pd.DataFrame

    def _set_uncertainty(
        self, hess: FloatArray, n_obs: float, *, model: str, log_params: FloatArray
    ) -> None:
        """Store ``log_params_covariance_`` from the Hessian of the mean objective."""
        names = tuple(self.params_.index)
        cov = log_params_covariance(hess, n_obs, model=model, names=names, log_params=log_params)
        self.log_params_covariance_ = pd.DataFrame(cov, index=list(names), columns=list(names))

    def _uncertainty_fitted(self) -> pd.DataFrame:
        if not hasattr(self, "log_params_covariance_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit first.")
        return self.log_params_covariance_

    @property
    def covariance_(self) -> pd.DataFrame:
        """Asymptotic covariance matrix of the parameters (delta method), as a DataFrame."""
        cov = self._uncertainty_fitted()
        theta = self.params_.to_numpy()
        return pd.DataFrame(
            cov.to_numpy() * np.outer(theta, theta), index=cov.index, columns=cov.columns
        )

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard error of each parameter, named ``standard_error``.

        ``theta * se(log theta)``, where ``se(log theta)`` comes from the observed
        information matrix: the usual maximum-likelihood standard error, identical to
        the one computed on the natural scale at the optimum.
        """
        cov = self._uncertainty_fitted()
        se_log = np.sqrt(np.diag(cov.to_numpy()))
        return pd.Series(self.params_.to_numpy() * se_log, index=cov.index, name="standard_error")

    def confidence_intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals of the parameters, computed on the log scale.

        Parameters
        ----------
        level : float, default 0.95
            Coverage probability of each interval.

        Returns
        -------
        pandas.DataFrame
            Indexed by parameter name, columns ``lower`` and ``upper``:
            ``exp(log theta -+ z se(log theta))`` with ``z`` the normal quantile of
            ``(1 + level) / 2``.
        """
        level = _check_level(level)
        cov = self._uncertainty_fitted()
        z = float(norm.ppf(0.5 + level / 2))
        log_theta = np.log(self.params_.to_numpy())
        se_log = np.sqrt(np.diag(cov.to_numpy()))
        return pd.DataFrame(
            {"lower": np.exp(log_theta - z * se_log), "upper": np.exp(log_theta + z * se_log)},
            index=cov.index,
        )

    @property
    def summary(self) -> pd.DataFrame:
        """Table of the fitted parameters with their uncertainty.

        Returns
        -------
        pandas.DataFrame
            Indexed by parameter name, columns :data:`SUMMARY_COLUMNS`:
            ``estimate``, ``standard_error`` and the 95 % interval ``lower``,
            ``upper`` of :meth:`confidence_intervals`.
        """
        table = self.confidence_intervals(0.95)
        table.insert(0, "standard_error", self.standard_errors_)
        table.insert(0, "estimate", self.params_.to_numpy())
        return table[SUMMARY_COLUMNS]

    def _fitted_repr(self, base: str) -> str:
        if not hasattr(self, "params_"):
            return base
        shown = ", ".join(f"{name}={value:.4g}" for name, value in self.params_.items())
        return f"{base} fitted: {shown}"

    def __repr__(self) -> str:
        return self._fitted_repr(super().__repr__())


class TransactionModel(ParameterUncertaintyMixin, BaseEstimator):
    """Base class of the models of repeat-purchase counts and customer dropout.

    Subclasses define the parameter names, the per-history log-likelihood, the
    conditional expectations and a simulator. Times (``recency``, ``T``, horizons)
    are in the time unit of the summary the model was fitted on.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters, applied (as in ``lifetimes``) to the parameters
        expressed on a time scale where the oldest client has ``T = 1``; the objective
        is the mean negative log-likelihood per client plus
        ``penalizer_coef * sum(params ** 2)``. Use a small value (0.001-0.1) when a
        fit does not converge.
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    #: parameters measured in time units (rescaled with the time axis during the fit)
    time_params: ClassVar[tuple[str, ...]] = ()
    model_name: ClassVar[str] = "transaction model"
    discrete_time: ClassVar[bool] = False

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    # ----------------------------------------------------------------- model maths
    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        raise NotImplementedError

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        raise NotImplementedError

    #: models whose conditional expectation is ``P(alive) * E[X | alive]`` with the
    #: second factor a function of ``(frequency, T)`` only define
    #: ``_expected_if_alive(params, t, x, T)``; value intervals then evaluate it once
    #: per distinct ``(frequency, T)`` pair
    _expected_if_alive: Callable[[FloatArray, float, FloatArray, FloatArray], FloatArray]

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

    # hooks of the predictive distributions; a model that does not provide them gets a
    # clear NotImplementedError from the public methods
    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        """Parameters of each client's process, restarted at ``T``, given it is alive there."""
        raise NotImplementedError

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        """Probability a new client is active after its first purchase, and its parameters."""
        raise NotImplementedError

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        """P(k purchases in (0, t]) of active clients with parameters ``post``, (n, len(k))."""
        raise NotImplementedError

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Probability that a client alive at ``T`` is still alive at ``T + t``."""
        raise NotImplementedError

    def _dert(
        self, params: FloatArray, delta: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Discounted expected residual transactions at continuous discount rate ``delta``.

        ``DERT = int_0^inf exp(-delta t) dE[X(T, T + t)] = E[X(T, T + U)]`` with
        ``U ~ Exponential(delta)`` (integration by parts), evaluated by Gauss-Laguerre
        quadrature of the conditional expectation. Models with a closed form override it.
        """
        nodes, weights = np.polynomial.laguerre.laggauss(_LAGUERRE_NODES)
        total = np.zeros_like(x)
        for node, weight in zip(nodes, weights, strict=True):
            total += weight * self._conditional_expected(params, float(node / delta), x, tx, T)
        return total

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        """Weighted mean log-likelihood and, if the model has one, its exact gradient.

        Models override this with formulas that use the distinct values held by
        ``data``; the default evaluates :meth:`_log_likelihood` on every distinct row
        and returns no gradient (central differences are then used).
        """
        ll = self._log_likelihood(params, data.x, data.tx, data.T)
        return wdot(data.w, ll) / data.total, None

    def _initial_log_params(self) -> FloatArray:
        return np.zeros(len(self.param_names))

    # --------------------------------------------------------------------- helpers
    def _check_fitted(self) -> FloatArray:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(summary) first."
            )
        return np.asarray(self.params_.to_numpy(), dtype=np.float64)

    def _check_discrete(self, data: pd.DataFrame) -> None:
        if not self.discrete_time:
            return
        for col in ("recency", "T"):
            values = data[col].to_numpy()
            frac = np.abs(values - np.round(values)) > 1e-9
            if frac.any():
                raise ValidationError(
                    f"{self.model_name} counts discrete transaction opportunities: column "
                    f"'{col}' must hold whole periods, but {int(frac.sum())} value(s) are "
                    f"fractional, e.g. {values[frac][:3].tolist()}; summarise with a coarser "
                    f"time unit or floor the column"
                )
        over = data["frequency"].to_numpy() > data["recency"].to_numpy()
        if over.any():
            raise ValidationError(
                f"{self.model_name}: 'frequency' cannot exceed 'recency' in whole periods; "
                f"{int(over.sum())} client(s) break this"
            )

    def _prepared(self, summary: pd.DataFrame) -> pd.DataFrame:
        summary = calibration_columns(summary, MODEL_INPUT_COLUMNS)
        data = check_summary(summary, columns=MODEL_INPUT_COLUMNS)
        self._check_discrete(data)
        return data

    def _scaled(self, params: FloatArray, scale: float) -> FloatArray:
        out = params.copy()
        for i, name in enumerate(self.param_names):
            if name in self.time_params:
                out[i] = params[i] * scale
        return out

    # ------------------------------------------------------------------------- fit
    def fit(
        self,
        summary: pd.DataFrame,
        *,
        time_unit: TimeUnit | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> TransactionModel:
        """Fit the model by maximum likelihood on a client summary.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per client with columns ``frequency``, ``recency`` and ``T``
            (the output of :func:`clientalytics.summary.summarize`), or the output of
            :func:`clientalytics.summary.calibration_holdout_split`, whose
            ``frequency_cal``, ``recency_cal`` and ``T_cal`` are then used.
        time_unit : {"D", "W", "M"}, optional
            Unit of ``recency`` and ``T`` (the ``time_unit`` the summary was made
            with). Stored as ``time_unit_``, from which
            :func:`~clientalytics.clv.customer_lifetime_value` converts months to
            model time; without it, pass the unit to that function.
        sample_weight : array-like, optional
            Number of clients each row stands for (ones by default). Rows with the
            same history are merged automatically, so weights are only needed for
            data that are already aggregated.

        Returns
        -------
        TransactionModel
            The fitted model (``self``).

        Raises
        ------
        ValidationError
            When the summary breaks its column contract or ``time_unit`` is not
            one of ``"D"``, ``"W"``, ``"M"``.
        ConvergenceError
            When the likelihood search does not converge.

        Notes
        -----
        Fitted attributes: ``params_``, ``log_likelihood_``, ``aic_``, ``bic_``,
        ``n_params_`` (parameters estimated, the count behind AIC and BIC),
        ``n_clients_``, ``n_distinct_histories_``, ``T_max_`` and ``time_unit_``
        (``None`` when ``time_unit`` was not given).
        """
        unit = None if time_unit is None else check_time_unit(time_unit, SUMMARY_TIME_UNITS)
        data = self._prepared(summary)
        weight = check_sample_weight(sample_weight, len(data))
        # a model converted from lifetimes and then refitted is no longer a conversion
        self.__dict__.pop("converted_from_", None)
        x = data["frequency"].to_numpy()
        tx = data["recency"].to_numpy()
        T = data["T"].to_numpy()
        if float(T.max()) <= 0:
            raise ValidationError(
                f"{self.model_name}: every client has T = 0 (first seen at the end of "
                "observation), so there is no history to fit; end the observation later"
            )
        packed = compress(x, tx, T, weight=weight)
        cx, ctx, cT = packed.columns
        w = packed.weight
        scale = 1.0 if self.discrete_time else 1.0 / float(T.max())
        fit_data = FitData(cx, ctx * scale, cT * scale, w)
        start = self._initial_log_params()
        objective, value_and_grad = self._objectives(fit_data, start)
        has_gradient = value_and_grad is not None
        hess0 = None
        if not has_gradient and fit_data.x.shape[0] > _WARM_START_ROWS:
            start, hess0 = self._warm_start(fit_data, start)
        log_params, hess = minimize_log_params(
            objective,
            start,
            model=self.model_name,
            names=self.param_names,
            value_and_grad=value_and_grad,
            hess0=hess0,
        )
        params = self._scaled(np.exp(log_params), 1.0 / scale)
        self.params_ = pd.Series(params, index=list(self.param_names), name="value")
        self._set_uncertainty(
            hess, fit_data.total, model=self.model_name, log_params=np.log(params)
        )
        with np.errstate(all="ignore"):
            ll = self._log_likelihood(params, cx, ctx, cT)
        self.log_likelihood_ = wdot(w, ll)
        self.n_clients_ = fit_data.total
        self.n_distinct_histories_ = packed.n_distinct
        self.T_max_ = float(T.max())
        self.time_unit_ = unit
        k = len(self.param_names)
        self.n_params_ = k
        self.aic_ = 2 * k - 2 * self.log_likelihood_
        self.bic_ = k * np.log(fit_data.total) - 2 * self.log_likelihood_
        return self

    def _objectives(
        self, data: FitData, probe: FloatArray | None
    ) -> tuple[
        Callable[[FloatArray], float], Callable[[FloatArray], tuple[float, FloatArray]] | None
    ]:
        """Penalised mean negative log-likelihood over log-parameters, and its gradient.

        The second function is ``None`` when the model has no exact gradient
        (checked at the log-parameters ``probe``; ``probe=None`` skips the check and
        assumes an exact gradient exists).
        """
        pen = float(self.penalizer_coef)

        def objective(log_params: FloatArray) -> float:
            params = np.exp(log_params)
            ll, _ = self._mean_log_likelihood(params, data, gradient=False)
            return float(-ll + pen * np.sum(params**2))

        def value_and_grad(log_params: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(log_params)
            ll, grad = self._mean_log_likelihood(params, data, gradient=True)
            assert grad is not None
            value = float(-ll + pen * np.sum(params**2))
            return value, (-grad + 2 * pen * params) * params

        if probe is None:
            return objective, value_and_grad
        has_gradient = self._mean_log_likelihood(np.exp(probe), data, gradient=True)[1] is not None
        return objective, value_and_grad if has_gradient else None

    def _warm_start(self, data: FitData, start: FloatArray) -> tuple[FloatArray, FloatArray | None]:
        """Fit a fixed random subsample of distinct histories to start the full fit nearby.

        Only the starting point depends on the subsample: the full fit then converges to
        the optimum of all the data. Failures fall back to the default start.
        """
        rng = np.random.default_rng(0)
        rows = rng.choice(data.x.shape[0], size=_WARM_START_ROWS, replace=False)
        sub = FitData(data.x[rows], data.tx[rows], data.T[rows], data.w[rows])
        pen = float(self.penalizer_coef)

        def objective(log_params: FloatArray) -> float:
            params = np.exp(log_params)
            ll, _ = self._mean_log_likelihood(params, sub, gradient=False)
            return float(-ll + pen * np.sum(params**2))

        try:
            x, hess = minimize_log_params(
                objective, start, model=self.model_name, names=self.param_names
            )
        except ConvergenceError:
            return start, None
        return x, hess

    # --------------------------------------------------------------------- scoring
    def _score_distinct(self, summary: pd.DataFrame, which: str, t: float = 0.0) -> pd.Series:
        params = self._check_fitted()
        data = self._prepared(summary)
        packed = compress(
            data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
        )
        cx, ctx, cT = packed.columns
        with np.errstate(all="ignore"):
            if which == "alive":
                values = self._probability_alive(params, cx, ctx, cT)
            elif which == "purchases":
                values = self._conditional_expected(params, t, cx, ctx, cT)
            else:
                values = self._log_likelihood(params, cx, ctx, cT)
        if which in ("alive", "purchases"):
            self._check_finite(values, params)
        return pd.Series(values[packed.inverse], index=summary.index, name=which)

    def _check_finite(self, values: FloatArray, params: FloatArray) -> None:
        """Raise instead of returning NaN or inf predictions for valid histories."""
        bad = ~np.isfinite(values)
        if bad.any():
            shown = ", ".join(f"{n}={v:.4g}" for n, v in zip(self.param_names, params, strict=True))
            raise ConvergenceError(
                f"{self.model_name}: predictions are not finite for {int(bad.sum())} distinct "
                f"histories; the fitted parameters ({shown}) lie at the edge of the parameter "
                "space (typically too few clients to tell their differences apart). Refit with "
                "penalizer_coef=0.001 or more."
            )

    def _check_horizon(self, t: float) -> float:
        t = float(t)
        if not np.isfinite(t) or t < 0:
            raise ValidationError(f"horizon t must be a finite number >= 0, got {t}")
        if self.discrete_time and t != round(t):
            raise ValidationError(
                f"{self.model_name} counts whole transaction opportunities; t={t} is fractional"
            )
        return t

    def expected_purchases(self, summary: pd.DataFrame, *, t: float) -> pd.Series:
        """Return the expected number of purchases of each client in the next ``t`` time units.

        Parameters
        ----------
        summary : pandas.DataFrame
            Client histories (``frequency``, ``recency``, ``T``).
        t : float
            Horizon in the time unit of the summary (whole periods for BG/BB).

        Returns
        -------
        pandas.Series
            Named ``expected_purchases``, indexed like ``summary``.
        """
        t = self._check_horizon(t)
        return self._score_distinct(summary, "purchases", t).rename("expected_purchases")

    predict = expected_purchases

    def expected_purchases_path(self, summary: pd.DataFrame, *, times: ArrayLike) -> FloatArray:
        """Return cumulative expected purchases of each client at several horizons.

        Each distinct history is evaluated once, which makes scoring large bases fast.

        Parameters
        ----------
        summary : pandas.DataFrame
            Client histories (``frequency``, ``recency``, ``T``).
        times : array-like
            Increasing horizons in the summary's time unit.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(summary), len(times))``; column ``j`` is the expected number
            of purchases in ``(T, T + times[j]]``.
        """
        params = self._check_fitted()
        horizons = [self._check_horizon(t) for t in np.asarray(times, dtype=np.float64)]
        data = self._prepared(summary)
        packed = compress(
            data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
        )
        cx, ctx, cT = packed.columns
        out = np.empty((packed.n_distinct, len(horizons)))
        with np.errstate(all="ignore"):
            for j, t in enumerate(horizons):
                out[:, j] = self._conditional_expected(params, t, cx, ctx, cT)
        self._check_finite(out, params)
        return out[packed.inverse]

    def probability_alive(self, summary: pd.DataFrame, *, t: float = 0.0) -> pd.Series:
        """Probability that each client is still active ``t`` time units after observation.

        Parameters
        ----------
        summary : pandas.DataFrame
            Client histories (``frequency``, ``recency``, ``T``).
        t : float, default 0.0
            Horizon after the end of observation, in the summary's time unit (whole
            periods for BG/BB). ``t=0`` is the probability of being active now; the
            published BG/BB tables (Fader, Hardie & Shang 2010) look one period
            ahead, ``t=1``, and so include the chance of dropping out at the start of
            the next opportunity.

        Returns
        -------
        pandas.Series
            Named ``probability_alive``, values in [0, 1], indexed like ``summary``.
        """
        t = self._check_horizon(t)
        if t == 0:
            alive = self._score_distinct(summary, "alive")
            return alive.clip(0.0, 1.0).rename("probability_alive")
        params = self._check_fitted()
        cx, ctx, cT, inverse = self._distinct(summary)
        with np.errstate(all="ignore"):
            now = self._probability_alive(params, cx, ctx, cT)
            values = now * self._hook(self._survival_given_alive, params, t, cx, ctx, cT)
        self._check_finite(values, params)
        return pd.Series(
            np.clip(values[inverse], 0.0, 1.0), index=summary.index, name="probability_alive"
        )

    def _distinct(
        self, summary: pd.DataFrame
    ) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.intp]]:
        data = self._prepared(summary)
        packed = compress(
            data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
        )
        cx, ctx, cT = packed.columns
        return cx, ctx, cT, packed.inverse

    def _hook(self, method: Callable[..., _R], *args: object) -> _R:
        try:
            return method(*args)
        except NotImplementedError:
            raise NotImplementedError(
                f"{self.model_name} ({type(self).__name__}) does not provide this prediction"
            ) from None

    @staticmethod
    def _check_counts(k: ArrayLike) -> FloatArray:
        counts = np.atleast_1d(np.asarray(k, dtype=np.float64)).reshape(-1)
        bad = ~np.isfinite(counts) | (counts < 0) | (counts != np.round(counts))
        if bad.any() or counts.shape[0] == 0:
            raise ValidationError(
                f"k must be whole numbers of purchases >= 0, got {np.asarray(k).tolist()}"
            )
        return counts

    def probability_of_purchases(
        self, summary: pd.DataFrame, *, t: float, k: int | ArrayLike
    ) -> pd.Series | pd.DataFrame:
        """Probability that each client makes exactly ``k`` purchases in the next ``t`` units.

        ``P(X(T, T + t) = k | frequency, recency, T)``: with probability
        ``1 - P(alive)`` the client has left and makes none; otherwise its purchase
        rate and dropout propensity are updated by its history and its future is
        that of a client active at ``T``.

        Parameters
        ----------
        summary : pandas.DataFrame
            Client histories (``frequency``, ``recency``, ``T``).
        t : float
            Horizon in the summary's time unit (whole periods for BG/BB).
        k : int or array-like of int
            Number(s) of purchases.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            For a single ``k`` a Series named ``probability_of_purchases``; for
            several, a DataFrame with one column per ``k``. Indexed like ``summary``.
            Summed over ``k = 0, 1, ...`` the probabilities are 1.
        """
        t = self._check_horizon(t)
        counts = self._check_counts(k)
        params = self._check_fitted()
        cx, ctx, cT, inverse = self._distinct(summary)
        with np.errstate(all="ignore"):
            alive = self._probability_alive(params, cx, ctx, cT)
            post = self._hook(self._alive_posterior, params, cx, ctx, cT)
            pmf = alive[:, None] * self._fresh_pmf(post, t, counts)
            pmf += (1.0 - alive)[:, None] * (counts == 0)[None, :]
        self._check_finite(pmf, params)
        pmf = np.clip(pmf, 0.0, 1.0)[inverse]
        if np.ndim(k) == 0:
            return pd.Series(pmf[:, 0], index=summary.index, name="probability_of_purchases")
        return pd.DataFrame(pmf, index=summary.index, columns=counts.astype(np.int64).tolist())

    def probability_of_purchases_new_client(self, *, t: float, k: int | ArrayLike) -> FloatArray:
        """Probability that a new client makes exactly ``k`` repeat purchases within ``t``.

        Parameters
        ----------
        t : float
            Time since the first purchase, in the fitted time unit.
        k : int or array-like of int
            Number(s) of repeat purchases.

        Returns
        -------
        numpy.ndarray
            Probabilities, one per ``k`` (a 1-d array, also for a single ``k``).
        """
        t = self._check_horizon(t)
        counts = self._check_counts(k)
        params = self._check_fitted()
        with np.errstate(all="ignore"):
            alive, post = self._hook(self._new_client, params)
            pmf = alive * self._fresh_pmf(post, t, counts)[0] + (1.0 - alive) * (counts == 0)
        return np.asarray(np.clip(pmf, 0.0, 1.0), dtype=np.float64)

    def discounted_expected_purchases(
        self, summary: pd.DataFrame, *, discount_rate: float
    ) -> pd.Series:
        """Discounted expected residual transactions (DERT) of each client.

        The present value, at the end of observation, of all of a client's future
        purchases, each counted as 1 and discounted by ``(1 + discount_rate) ** -t``
        at its time ``t`` (continuous time; opportunity ``n + i`` is discounted by
        ``(1 + discount_rate) ** -i`` for BG/BB). Multiplied by a value per purchase
        it is the infinite-horizon residual lifetime value (Fader, Hardie & Lee 2005,
        "RFM and CLV", Journal of Marketing Research 42(4)).

        Parameters
        ----------
        summary : pandas.DataFrame
            Client histories (``frequency``, ``recency``, ``T``).
        discount_rate : float
            Discount rate per time unit of the summary, > 0 (e.g. 15 % a year is
            ``1.15 ** (1 / 52) - 1`` per week).

        Returns
        -------
        pandas.Series
            Named ``dert``, indexed like ``summary``.
        """
        rate = float(discount_rate)
        if not np.isfinite(rate) or rate <= 0:
            raise ValidationError(
                f"discount_rate must be a positive rate per time unit, got {discount_rate}"
            )
        params = self._check_fitted()
        cx, ctx, cT, inverse = self._distinct(summary)
        with np.errstate(all="ignore"):
            values = self._hook(self._dert, params, float(np.log1p(rate)), cx, ctx, cT)
        self._check_finite(values, params)
        return pd.Series(values[inverse], index=summary.index, name="dert")

    def client_log_likelihood(self, summary: pd.DataFrame) -> pd.Series:
        """Log-likelihood of each client's history under the fitted parameters.

        Returns
        -------
        pandas.Series
            Named ``log_likelihood``, indexed like ``summary``.
        """
        return self._score_distinct(summary, "ll").rename("log_likelihood")

    def score(self, summary: pd.DataFrame) -> float:
        """Mean log-likelihood per client (higher is better), as in scikit-learn."""
        return float(self.client_log_likelihood(summary).mean())

    def expected_purchases_new_client(self, t: ArrayLike) -> FloatArray:
        """Return the expected repeat purchases of a new client over ``t`` time units.

        Parameters
        ----------
        t : array-like
            Horizons in the time unit of the fitted summary.

        Returns
        -------
        numpy.ndarray
            Expected purchases, same shape as ``t``.
        """
        params = self._check_fitted()
        tt = np.asarray(t, dtype=np.float64)
        if np.any(~np.isfinite(tt)) or np.any(tt < 0):
            raise ValidationError("horizons t must be finite and >= 0")
        with np.errstate(all="ignore"):
            return np.asarray(self._unconditional_expected(params, tt), dtype=np.float64)

    def sample(
        self, T: ArrayLike, *, random_state: int | np.random.Generator | None = None
    ) -> pd.DataFrame:
        """Simulate client histories from the fitted model.

        Parameters
        ----------
        T : array-like
            Age of each simulated client (time from first purchase to the end of
            observation), in the fitted time unit.
        random_state : int or numpy.random.Generator, optional
            Seed for reproducible draws.

        Returns
        -------
        pandas.DataFrame
            Columns ``frequency``, ``recency``, ``T``, one row per client.
        """
        params = self._check_fitted()
        ages = np.asarray(T, dtype=np.float64).reshape(-1)
        rng = np.random.default_rng(random_state)
        x, tx = self._simulate(params, ages, rng)
        return pd.DataFrame({"frequency": x, "recency": tx, "T": ages})
