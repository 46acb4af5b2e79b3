"""BG/BB model of discrete-time repeat purchasing (Fader, Hardie & Shang 2010).

Time is a sequence of transaction opportunities (e.g. months, annual events). At
each one an active client buys with probability ``p ~ Beta(alpha, beta)`` and, at
the start of each opportunity, drops out for good with probability
``theta ~ Beta(gamma, delta)``. Fit it on a summary in whole periods: ``frequency``
is the number of opportunities with a repeat purchase, ``recency`` the last such
opportunity and ``T`` the number of opportunities observed.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import betaln, gammaln

from clientalytics.clv._special import away_from_one
from clientalytics.clv.base import TransactionModel

FloatArray = NDArray[np.float64]


class BetaGeoBetaBinomModel(TransactionModel):
    """BG/BB model for discrete transaction opportunities.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (no time rescaling: periods are already discrete).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``alpha``, ``beta`` (purchase probability) and ``gamma``, ``delta``
        (dropout probability).
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`.
    """

    param_names: ClassVar[tuple[str, ...]] = ("alpha", "beta", "gamma", "delta")
    time_params: ClassVar[tuple[str, ...]] = ()
    model_name: ClassVar[str] = "BG/BB"
    discrete_time: ClassVar[bool] = True

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        alpha, beta, gamma, delta = params
        base = betaln(alpha, beta) + betaln(gamma, delta)
        total = betaln(alpha + x, beta + T - x) + betaln(gamma, delta + T) - base
        gap = (T - tx).astype(np.int64)
        # dropout after the last purchase, at opportunity t_x + 1 + i, i < n - t_x
        for i in range(int(gap.max(initial=0))):
            rows = gap > i
            term = (
                betaln(alpha + x[rows], beta + tx[rows] - x[rows] + i)
                + betaln(gamma + 1, delta + tx[rows] + i)
                - base
            )
            total[rows] = np.logaddexp(total[rows], term)
        return np.asarray(total, dtype=np.float64)

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        alpha, beta, gamma, delta = params
        log_alive = (
            betaln(alpha + x, beta + T - x)
            - betaln(alpha, beta)
            + betaln(gamma, delta + T)
            - betaln(gamma, delta)
            - self._log_likelihood(params, x, tx, T)
        )
        return np.asarray(np.exp(np.minimum(log_alive, 0.0)), dtype=np.float64)

    @staticmethod
    def _alive_path(
        gamma: float, delta: float, start: FloatArray, m: FloatArray | float
    ) -> FloatArray:
        """Return the expected alive opportunities between ``start`` and ``start + m``.

        ``delta/(gamma-1) * G(gamma+delta)/G(1+delta) * [ratio(start) - ratio(start+m)]``
        with ``ratio(n) = G(1+delta+n)/G(gamma+delta+n)``.
        """
        gamma = away_from_one(gamma)
        head = np.log(delta) + gammaln(gamma + delta) - gammaln(1 + delta)
        lo = gammaln(1 + delta + start) - gammaln(gamma + delta + start)
        hi = gammaln(1 + delta + start + m) - gammaln(gamma + delta + start + m)
        # exp(lo) - exp(hi) = exp(lo) * (1 - exp(hi - lo)), sign follows gamma - 1
        diff = -np.expm1(hi - lo)
        return np.asarray(np.exp(head + lo) * diff / (gamma - 1), dtype=np.float64)

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        alpha, beta, gamma, delta = params
        log_num = betaln(alpha + x + 1, beta + T - x) - betaln(alpha, beta)
        log_num = log_num - self._log_likelihood(params, x, tx, T)
        return np.asarray(np.exp(log_num) * self._alive_path(gamma, delta, T, t), dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        alpha, beta, gamma, delta = params
        return np.asarray(
            alpha / (alpha + beta) * self._alive_path(gamma, delta, np.zeros_like(t), t) * 1.0,
            dtype=np.float64,
        )

    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        alpha, beta, gamma, delta = params
        return alpha + x, beta + T - x, np.full_like(x, gamma), delta + T

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        return 1.0, tuple(np.array([v]) for v in params)

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        """PMF of purchases in the next ``t`` opportunities of clients active now.

        The client survives exactly ``i`` of them (beta-geometric: probability
        ``B(gamma+1, delta+i)/B(gamma, delta)`` for ``i < t``, ``B(gamma, delta+t)/B(gamma,
        delta)`` for ``i = t``) and buys at ``k`` of those ``i`` (beta-binomial).
        """
        alpha, beta, gamma, delta = (np.asarray(v, dtype=np.float64)[:, None, None] for v in post)
        m = round(t)
        i = np.arange(m + 1, dtype=np.float64)[None, None, :]
        kk = k[None, :, None]
        log_alive = np.where(
            i < m, betaln(gamma + 1, delta + i), betaln(gamma, delta + m)
        ) - betaln(gamma, delta)
        with np.errstate(invalid="ignore"):
            log_buy = (
                gammaln(i + 1)
                - gammaln(kk + 1)
                - gammaln(np.maximum(i - kk, 0) + 1)
                + betaln(alpha + kk, beta + np.maximum(i - kk, 0))
                - betaln(alpha, beta)
            )
        terms = np.where(i >= kk, np.exp(log_alive + log_buy), 0.0)
        return np.asarray(terms.sum(axis=2), dtype=np.float64)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        gamma, delta = params[2], params[3]
        return np.asarray(np.exp(betaln(gamma, delta + T + t) - betaln(gamma, delta + T)))

    def _dert(
        self, params: FloatArray, delta: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        """``sum_i (1 + d)**-i P(purchase at opportunity T + i)``, ``d = exp(delta) - 1``.

        Summed until the discount factor falls below 1e-12 (at most 100,000 terms).
        """
        alpha, beta, gamma, dlt = params
        d = float(np.expm1(delta))
        log_num = betaln(alpha + x + 1, beta + T - x) - betaln(alpha, beta)
        log_num = log_num - self._log_likelihood(params, x, tx, T)
        n_terms = int(min(100_000, np.ceil(np.log(1e12) / np.log1p(d))))
        total = np.zeros_like(x)
        for start in range(0, n_terms, 1000):
            i = np.arange(start, min(start + 1000, n_terms), dtype=np.float64)[None, :]
            # expected alive opportunity T + i + 1 given alive at T, per client
            path = self._alive_path(gamma, dlt, T[:, None] + i, 1.0)
            total += (path * (1.0 + d) ** -(i + 1)).sum(axis=1)
        return np.asarray(np.exp(log_num) * total, dtype=np.float64)

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        alpha, beta, gamma, delta = params
        n = T.shape[0]
        buy = rng.beta(alpha, beta, size=n)
        drop = rng.beta(gamma, delta, size=n)
        periods = np.round(T).astype(np.int64)
        freq = np.zeros(n)
        rec = np.zeros(n)
        active = np.ones(n, dtype=bool)
        for step in range(1, int(periods.max(initial=0)) + 1):
            active &= periods >= step
            active &= rng.random(n) >= drop
            bought = active & (rng.random(n) < buy)
            freq[bought] += 1
            rec[bought] = step
        return freq, rec
