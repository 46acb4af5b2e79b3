"""Modified BG/NBD model (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008).

Like BG/NBD, but a client may also drop out right after the first purchase, so
clients who never came back are not assumed alive with certainty.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import betaln, digamma, gammaln, hyp2f1

from clientalytics.clv._data import FitData
from clientalytics.clv._special import (
    away_from_one,
    bgnbd_bracket,
    sigmoid_of_minus,
    softplus_and_sigmoid,
    wdot,
)
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.beta_geo import _simulate_poisson_with_dropout, bg_fresh_pmf, bg_survival

FloatArray = NDArray[np.float64]


class ModifiedBetaGeoModel(TransactionModel):
    """Modified BG/NBD model: dropout possible after every purchase, the first included.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``.
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`.
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    model_name: ClassVar[str] = "modified BG/NBD"

    def _log_odds_dead(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        return np.asarray(
            np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx)),
            dtype=np.float64,
        )

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        r, alpha, a, b = params
        ux, wx = data.x_unique, data.x_weight
        x, tx, T, w = data.x, data.tx, data.T, data.w
        head = gammaln(r + ux) - gammaln(r) + r * np.log(alpha)
        head = head + betaln(a, b + ux + 1) - betaln(a, b)
        log_t = np.log(alpha + T)
        log_tx = np.log(alpha + tx)
        rx = r + x
        d = np.log(a) - np.log(b + x) + rx * (log_t - log_tx)
        soft, w4 = softplus_and_sigmoid(d)
        value = (wdot(wx, head) + wdot(w, soft - rx * log_t)) / data.total
        if not gradient:
            return float(value), None
        g_r = wdot(wx, digamma(r + ux) - digamma(r) + np.log(alpha))
        g_r = g_r - wdot(w, (1.0 - w4) * log_t + w4 * log_tx)
        g_alpha = data.total * r / alpha - wdot(
            w, rx * ((1.0 - w4) / (alpha + T) + w4 / (alpha + tx))
        )
        g_a = wdot(wx, digamma(a + b) - digamma(a + b + ux + 1)) + wdot(w, w4) / a
        g_b = wdot(wx, digamma(b + ux + 1) - digamma(a + b + ux + 1) - digamma(b) + digamma(a + b))
        g_b = g_b - wdot(w, w4 / (b + x))
        return float(value), np.array([g_r, g_alpha, g_a, g_b]) / data.total

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        head = head + betaln(a, b + x + 1) - betaln(a, b) - (r + x) * np.log(alpha + T)
        odds = self._log_odds_dead(params, x, tx, T)
        return np.asarray(head + np.logaddexp(odds, 0.0), dtype=np.float64)

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        return sigmoid_of_minus(self._log_odds_dead(params, x, tx, T))

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        alive = self._probability_alive(params, x, tx, T)
        return np.asarray(alive * self._expected_if_alive(params, t, x, T), dtype=np.float64)

    def _expected_if_alive(
        self, params: FloatArray, t: float, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        a = away_from_one(a)
        if t == 0:
            return np.zeros_like(x)
        log_u = np.log(alpha + T) - np.log(alpha + T + t)
        z = t / (alpha + T + t)
        bracket = bgnbd_bracket(a, np.full_like(x, a + b - r), a + b + x, z, log_u)
        return np.asarray((a + b + x) / (a - 1) * bracket, dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, a, b = params
        a = away_from_one(a)
        hyp = hyp2f1(r, b + 1, a + b, t / (alpha + t))
        return np.asarray(
            b / (a - 1) * (1 - hyp * np.exp(r * np.log(alpha / (alpha + t)))), dtype=np.float64
        )

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        r, alpha, a, b = params
        rate = rng.gamma(r, 1.0 / alpha, size=T.shape[0])
        drop = rng.beta(a, b, size=T.shape[0])
        return _simulate_poisson_with_dropout(rate, drop, T, rng, drop_at_start=True)

    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        # alive at T: survived the first purchase and the x repeat ones
        r, alpha, a, b = params
        return r + x, alpha + T, np.full_like(x, a), b + x + 1

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        # a new client may drop out right at the first purchase, with probability E[p]
        r, alpha, a, b = params
        return b / (a + b), (np.array([r]), np.array([alpha]), np.array([a]), np.array([b + 1]))

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        first, second, third, fourth = post
        return bg_fresh_pmf(first, second, third, fourth, t, k)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        return bg_survival(r + x, alpha + T, a, b + x + 1, t)
