"""Common machinery of the buy-till-you-die transaction models.

:class:`TransactionModel` holds what BG/NBD, modified BG/NBD, Pareto/NBD and BG/BB
share: input checks, compression of identical ``(frequency, recency, T)`` rows into
weights, the maximum-likelihood search on rescaled time, the fitted-parameter
bookkeeping (``params_``, ``log_likelihood_``, ``aic_``, ``bic_``) and the per-client
scoring methods, which also evaluate each distinct history only once.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator

from clientalytics.clv._data import (
    MODEL_INPUT_COLUMNS,
    FitData,
    check_sample_weight,
    check_summary,
    compress,
)
from clientalytics.clv._optimize import minimize_log_params
from clientalytics.clv._special import wdot
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError
from clientalytics.periods import SUMMARY_TIME_UNITS, TimeUnit, check_time_unit

FloatArray = NDArray[np.float64]

#: above this many distinct histories, models without an exact gradient first fit a
#: random subsample of this size to get a starting point near the optimum
_WARM_START_ROWS = 4000


class TransactionModel(BaseEstimator):
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

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

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
            (the output of :func:`clientalytics.summary.summarize`).
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
        ``n_clients_``, ``n_distinct_histories_``, ``T_max_`` and ``time_unit_``
        (``None`` when ``time_unit`` was not given).
        """
        unit = None if time_unit is None else check_time_unit(time_unit, SUMMARY_TIME_UNITS)
        data = self._prepared(summary)
        weight = check_sample_weight(sample_weight, len(data))
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
        pen = float(self.penalizer_coef)

        def objective(log_params: FloatArray) -> float:
            params = np.exp(log_params)
            ll, _ = self._mean_log_likelihood(params, fit_data, gradient=False)
            return float(-ll + pen * np.sum(params**2))

        def value_and_grad(log_params: FloatArray) -> tuple[float, FloatArray]:
            params = np.exp(log_params)
            ll, grad = self._mean_log_likelihood(params, fit_data, gradient=True)
            assert grad is not None
            value = float(-ll + pen * np.sum(params**2))
            return value, (-grad + 2 * pen * params) * params

        start = self._initial_log_params()
        has_gradient = (
            self._mean_log_likelihood(np.exp(start), fit_data, gradient=True)[1] is not None
        )
        hess0 = None
        if not has_gradient and fit_data.x.shape[0] > _WARM_START_ROWS:
            start, hess0 = self._warm_start(fit_data, start)
        log_params, _ = minimize_log_params(
            objective,
            start,
            model=self.model_name,
            names=self.param_names,
            value_and_grad=value_and_grad if has_gradient else None,
            hess0=hess0,
        )
        params = self._scaled(np.exp(log_params), 1.0 / scale)
        self.params_ = pd.Series(params, index=list(self.param_names), name="value")
        with np.errstate(all="ignore"):
            ll = self._log_likelihood(params, cx, ctx, cT)
        self.log_likelihood_ = wdot(w, ll)
        self.n_clients_ = fit_data.total
        self.n_distinct_histories_ = packed.n_distinct
        self.T_max_ = float(T.max())
        self.time_unit_ = unit
        k = len(self.param_names)
        self.aic_ = 2 * k - 2 * self.log_likelihood_
        self.bic_ = k * np.log(fit_data.total) - 2 * self.log_likelihood_
        return self

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

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each client is still active at the end of observation.

        Returns
        -------
        pandas.Series
            Named ``probability_alive``, values in [0, 1], indexed like ``summary``.
        """
        return self._score_distinct(summary, "alive").clip(0.0, 1.0).rename("probability_alive")

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
