"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

While active, a client buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``;
after each repeat purchase the client drops out with probability
``p ~ Beta(a, b)``. Formulas follow Fader, Hardie & Lee (2005), "Counting your
customers the easy way", Marketing Science 24(2), and Hardie's note 004.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import betaln, digamma, gammaln, hyp2f1
from scipy.stats import nbinom

from clientalytics.clv._data import FitData
from clientalytics.clv._special import (
    away_from_one,
    bgnbd_bracket,
    sigmoid_of_minus,
    softplus_and_sigmoid,
    wdot,
)
from clientalytics.clv.base import TransactionModel

FloatArray = NDArray[np.float64]


class BetaGeoModel(TransactionModel):
    """BG/NBD model: Poisson purchasing, dropout after any repeat purchase.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood of the fitted data, times in the summary's unit.
    aic_, bic_ : float
        Information criteria ``2k - 2LL`` and ``k ln(n) - 2LL``.
    n_clients_ : float
        Number of clients (sum of weights) fitted.
    n_distinct_histories_ : int
        Number of distinct ``(frequency, recency, T)`` rows the likelihood was evaluated on.
    T_max_ : float
        Largest client age ``T`` in the fitted summary (used by the diagnostic matrices).

    Examples
    --------
    >>> from clientalytics.clv import BetaGeoModel
    >>> model = BetaGeoModel().fit(summary)  # doctest: +SKIP
    >>> model.expected_purchases(summary, t=52)  # doctest: +SKIP
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    model_name: ClassVar[str] = "BG/NBD"

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
        still = -(r + x) * np.log(alpha + T)
        repeat = x > 0
        gone = np.full_like(still, -np.inf)
        gone[repeat] = (
            np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + tx[repeat])
        )
        return np.asarray(head + np.logaddexp(still, gone), dtype=np.float64)

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        r, alpha, a, b = params
        ux, wx = data.x_unique, data.x_weight
        x, tx, T, w = data.x, data.tx, data.T, data.w
        head = gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + betaln(a, b + ux) - betaln(a, b)
        log_t = np.log(alpha + T)
        log_tx = np.log(alpha + tx)
        rx = r + x
        rep = x > 0
        xm1 = np.maximum(x, 1.0) - 1.0
        # d = log-odds of "dropped out after the last purchase" vs "still alive"
        d = np.where(rep, np.log(a) - np.log(b + xm1) + rx * (log_t - log_tx), -np.inf)
        soft, w4 = softplus_and_sigmoid(d)
        value = (wdot(wx, head) + wdot(w, soft - rx * log_t)) / data.total
        if not gradient:
            return float(value), None
        w3 = 1.0 - w4
        g_r = wdot(wx, digamma(r + ux) - digamma(r) + np.log(alpha))
        g_r = g_r - wdot(w, w3 * log_t + w4 * log_tx)
        g_alpha = data.total * r / alpha - wdot(w, rx * (w3 / (alpha + T) + w4 / (alpha + tx)))
        g_a = wdot(wx, digamma(a + b) - digamma(a + b + ux)) + wdot(w, w4) / a
        g_b = wdot(wx, digamma(b + ux) - digamma(a + b + ux) - digamma(b) + digamma(a + b))
        g_b = g_b - wdot(w, w4 / (b + xm1))
        return float(value), np.array([g_r, g_alpha, g_a, g_b]) / data.total

    def _log_odds_dead(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        odds = np.full(x.shape, -np.inf)
        rep = x > 0
        odds[rep] = (
            np.log(a)
            - np.log(b + x[rep] - 1)
            + (r + x[rep]) * (np.log(alpha + T[rep]) - np.log(alpha + tx[rep]))
        )
        return odds

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
        bracket = bgnbd_bracket(a, np.full_like(x, a + b - 1 - r), a + b + x - 1, z, log_u)
        return np.asarray((a + b + x - 1) / (a - 1) * bracket, dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, a, b = params
        a = away_from_one(a)
        z = t / (alpha + t)
        hyp = hyp2f1(r, b, a + b - 1, z)
        return np.asarray(
            (a + b - 1) / (a - 1) * (1 - np.exp(r * np.log(alpha / (alpha + t))) * hyp),
            dtype=np.float64,
        )

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        r, alpha, a, b = params
        rate = rng.gamma(r, 1.0 / alpha, size=T.shape[0])
        drop = rng.beta(a, b, size=T.shape[0])
        return _simulate_poisson_with_dropout(rate, drop, T, rng, drop_at_start=False)

    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        r, alpha, a, b = params
        return r + x, alpha + T, np.full_like(x, a), b + x

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        return 1.0, tuple(np.array([v]) for v in params)

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        first, second, third, fourth = post
        return bg_fresh_pmf(first, second, third, fourth, t, k)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        return bg_survival(r + x, alpha + T, a, b + x, t)


def bg_fresh_pmf(
    r: FloatArray, alpha: FloatArray, a: FloatArray, b: FloatArray, t: float, k: FloatArray
) -> FloatArray:
    """PMF of purchases in ``(0, t]`` of BG/NBD clients active at time 0.

    Fader, Hardie & Lee (2005), equation (8), with per-client parameters: the client
    is still active after ``k`` purchases (beta-weighted NBD probability of ``k``) or
    dropped out after the ``k``-th, having made at least ``k`` purchases by ``t``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(r), len(k))``.
    """
    r, alpha, a, b = (np.asarray(v, dtype=np.float64)[:, None] for v in (r, alpha, a, b))
    kk = k[None, :]
    prob = alpha / (alpha + t)
    base = betaln(a, b)
    stay = np.exp(betaln(a, b + kk) - base + nbinom.logpmf(kk, r, prob))
    if t == 0:
        return np.asarray(np.broadcast_to((kk == 0) * 1.0, stay.shape), dtype=np.float64)
    drop = np.where(
        kk > 0,
        np.exp(betaln(a + 1, b + np.maximum(kk, 1.0) - 1) - base) * nbinom.sf(kk - 1, r, prob),
        0.0,
    )
    return np.asarray(stay + drop, dtype=np.float64)


def bg_survival(r: FloatArray, alpha: FloatArray, a: float, b: FloatArray, t: float) -> FloatArray:
    """Probability that BG/NBD clients active at 0 are still active at ``t``.

    ``E[exp(-lambda p t)]`` over ``lambda ~ Gamma(r, alpha)``, ``p ~ Beta(a, b)``:
    ``2F1(r, a; a + b; -t / alpha)``, Pfaff-transformed to a positive argument.
    """
    z = t / (alpha + t)
    return np.asarray(
        np.exp(a * (np.log(alpha) - np.log(alpha + t))) * hyp2f1(a + b - r, a, a + b, z),
        dtype=np.float64,
    )


def _simulate_poisson_with_dropout(
    rate: FloatArray,
    drop: FloatArray,
    T: FloatArray,
    rng: np.random.Generator,
    *,
    drop_at_start: bool,
) -> tuple[FloatArray, FloatArray]:
    """Simulate repeat purchases of clients who may drop out after each purchase."""
    n = T.shape[0]
    freq = np.zeros(n)
    rec = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    if drop_at_start:
        active &= rng.random(n) >= drop
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1.0, size=idx.shape[0]) / np.maximum(rate[idx], 1e-300)
        bought = clock[idx] <= T[idx]
        hit = idx[bought]
        freq[hit] += 1
        rec[hit] = clock[hit]
        active[idx[~bought]] = False
        survives = rng.random(hit.shape[0]) >= drop[hit]
        active[hit[~survives]] = False
    return freq, rec
