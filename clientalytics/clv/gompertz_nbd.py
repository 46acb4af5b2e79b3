"""Gamma-Gompertz/NBD model (Bemmaor & Glady 2012).

While active a client buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``,
as in Pareto/NBD. The lifetime follows a Gompertz distribution,
``P(tau > t | eta) = exp(-eta (exp(b t) - 1))``, with ``eta ~ Gamma(s, beta)`` across
clients, so the population survival is ``(beta / (beta + exp(b t) - 1)) ** s``. The
dropout hazard of a client rises (``b > 0``) with time since acquisition; when ``b``
goes to 0 with ``beta / b`` fixed the model becomes Pareto/NBD with
``beta_pnbd = beta / b``.

Bemmaor, A. C. & Glady, N. (2012), "Modeling purchasing behavior with sudden 'death':
a flexible customer lifetime model", Management Science 58(5), 1012-1021. The
likelihood and the expectations hold integrals over the lifetime with no closed
form; they are computed by Gauss-Legendre quadrature on sub-intervals graded toward
the start of the range, where the integrands peak.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import digamma, gammaln, logsumexp

from clientalytics.clv._data import FitData
from clientalytics.clv._special import sigmoid_of_minus, wdot
from clientalytics.clv.base import TransactionModel

FloatArray = NDArray[np.float64]

#: sub-interval edges of the quadrature, as shares of the integration range
_EDGES = np.array([0.0, 1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0])
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)


def _grid() -> tuple[FloatArray, FloatArray]:
    """Quadrature points and weights on [0, 1] (graded sub-intervals, 8 points each)."""
    left, right = _EDGES[:-1], _EDGES[1:]
    half = (right - left) / 2
    points = (left[:, None] + half[:, None] * (_NODES[None, :] + 1.0)).reshape(-1)
    weights = (half[:, None] * _WEIGHTS[None, :]).reshape(-1)
    return points, weights


_POINTS, _POINT_WEIGHTS = _grid()
_LOG_POINT_WEIGHTS = np.log(_POINT_WEIGHTS)


def _log_survival(b: float, s: float, beta: float, t: FloatArray) -> FloatArray:
    """Log of the population survival ``(beta / (beta + exp(b t) - 1)) ** s``."""
    return np.asarray(s * (np.log(beta) - np.log(beta + np.expm1(b * t))), dtype=np.float64)


class GGompertzNBDModel(TransactionModel):
    """Gamma-Gompertz/NBD model: Poisson purchasing, Gompertz lifetimes with gamma heterogeneity.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``r``, ``alpha`` (time units), ``b`` (per time unit), ``s``, ``beta``
        (no unit), CLVTools' names and order.
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`.

    Notes
    -----
    The model nests Pareto/NBD at ``b -> 0``: on data that Pareto/NBD already
    describes (CDNOW is one) the likelihood is flat along ``beta / b = constant``
    and the fit stops with a :class:`~clientalytics.exceptions.ConvergenceError`;
    fit :class:`~clientalytics.clv.ParetoNBDModel` there instead.

    Examples
    --------
    >>> from clientalytics.clv import GGompertzNBDModel
    >>> model = GGompertzNBDModel().fit(summary)  # doctest: +SKIP
    >>> model.probability_alive(summary)  # doctest: +SKIP
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "b", "s", "beta")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    #: parameters measured per time unit (rescaled inversely to the time axis)
    rate_params: ClassVar[tuple[str, ...]] = ("b",)
    model_name: ClassVar[str] = "GGompertz/NBD"

    def _scaled(self, params: FloatArray, scale: float) -> FloatArray:
        out = super()._scaled(params, scale)
        for i, name in enumerate(self.param_names):
            if name in self.rate_params:
                out[i] = params[i] / scale
        return out

    # ----------------------------------------------------------------- model maths
    def _log_parts(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Log of the head, of the 'alive at T' term and of the 'died in (t_x, T]' integral."""
        r, alpha, b, s, beta = params
        rx = r + x
        head = gammaln(rx) - gammaln(r) + r * np.log(alpha)
        alive = _log_survival(b, s, beta, T) - rx * np.log(alpha + T)
        span = T - tx
        tau = tx[:, None] + span[:, None] * _POINTS[None, :]
        log_density = (
            np.log(b)
            + np.log(s)
            + s * np.log(beta)
            + b * tau
            - (s + 1.0) * np.log(beta + np.expm1(b * tau))
        )
        integrand = log_density - rx[:, None] * np.log(alpha + tau) + _LOG_POINT_WEIGHTS[None, :]
        with np.errstate(divide="ignore"):
            died = logsumexp(integrand, axis=1) + np.log(span)
        return np.asarray(head), np.asarray(alive), np.asarray(died)

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        r, alpha, b, s, beta = params
        x, tx, T, w = data.x, data.tx, data.T, data.w
        rx = r + x
        head = gammaln(rx) - gammaln(r) + r * np.log(alpha)
        grow_T = np.expm1(b * T)
        alive = s * (np.log(beta) - np.log(beta + grow_T)) - rx * np.log(alpha + T)
        span = T - tx
        tau = tx[:, None] + span[:, None] * _POINTS[None, :]
        grow = np.expm1(b * tau)
        log_at = np.log(alpha + tau)
        g = (
            np.log(b)
            + np.log(s)
            + s * np.log(beta)
            + b * tau
            - (s + 1.0) * np.log(beta + grow)
            - rx[:, None] * log_at
            + _LOG_POINT_WEIGHTS[None, :]
        )
        with np.errstate(divide="ignore"):
            died = logsumexp(g, axis=1) + np.log(span)
        total = np.logaddexp(alive, died)
        value = wdot(w, head + total) / data.total
        if not gradient:
            return float(value), None
        w_alive = np.exp(alive - total)
        w_died = 1.0 - w_alive
        with np.errstate(invalid="ignore"):
            soft = np.exp(g - logsumexp(g, axis=1)[:, None])
        soft = np.where(np.isfinite(soft), soft, 0.0)

        def mix(d_alive: FloatArray, d_point: FloatArray) -> float:
            d_died = np.sum(soft * d_point, axis=1)
            return wdot(w, w_alive * d_alive + w_died * d_died)

        g_r = wdot(w, digamma(rx) - digamma(r) + np.log(alpha)) + mix(-np.log(alpha + T), -log_at)
        g_alpha = data.total * r / alpha + mix(-rx / (alpha + T), -rx[:, None] / (alpha + tau))
        g_b = mix(
            -s * T * (grow_T + 1.0) / (beta + grow_T),
            1.0 / b + tau - (s + 1.0) * tau * (grow + 1.0) / (beta + grow),
        )
        g_s = mix(
            np.log(beta) - np.log(beta + grow_T),
            1.0 / s + np.log(beta) - np.log(beta + grow),
        )
        g_beta = mix(s / beta - s / (beta + grow_T), s / beta - (s + 1.0) / (beta + grow))
        grad = np.array([g_r, g_alpha, g_b, g_s, g_beta]) / data.total
        return float(value), grad

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        head, alive, died = self._log_parts(params, x, tx, T)
        return np.asarray(head + np.logaddexp(alive, died), dtype=np.float64)

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        _, alive, died = self._log_parts(params, x, tx, T)
        return sigmoid_of_minus(died - alive)

    def _alive_time(self, params: FloatArray, t: float, start: FloatArray) -> FloatArray:
        """Return the expected time alive in ``(start, start + t]`` of clients alive at start."""
        _, _, b, s, beta = params
        h = t * _POINTS
        log_ratio = (
            _log_survival(b, s, beta, start[:, None] + h[None, :])
            - _log_survival(b, s, beta, start)[:, None]
        )
        return np.asarray(t * (np.exp(log_ratio) @ _POINT_WEIGHTS), dtype=np.float64)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        _, _, b, s, beta = params
        return np.asarray(
            np.exp(_log_survival(b, s, beta, T + t) - _log_survival(b, s, beta, T)),
            dtype=np.float64,
        )

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha = params[0], params[1]
        if t == 0:
            return np.zeros_like(x)
        alive = self._probability_alive(params, x, tx, T)
        rate = (r + x) / (alpha + T)
        return np.asarray(alive * rate * self._alive_time(params, t, T), dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha = params[0], params[1]
        tt = np.asarray(t, dtype=np.float64)
        flat = tt.reshape(-1)
        out = np.array([self._alive_time(params, float(h), np.zeros(1))[0] for h in flat])
        return np.asarray((r / alpha * out).reshape(tt.shape), dtype=np.float64)

    def _initial_log_params(self) -> FloatArray:
        return np.zeros(5)

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        r, alpha, b, s, beta = params
        n = T.shape[0]
        rate = rng.gamma(r, 1.0 / alpha, size=n)
        eta = rng.gamma(s, 1.0 / beta, size=n)
        lifetime = np.log1p(rng.exponential(1.0, size=n) / np.maximum(eta, 1e-300)) / b
        horizon = np.minimum(lifetime, T)
        freq = rng.poisson(rate * horizon).astype(np.float64)
        u = rng.random(n) ** (1.0 / np.maximum(freq, 1.0))
        rec = np.where(freq > 0, horizon * u, 0.0)
        return freq, rec
