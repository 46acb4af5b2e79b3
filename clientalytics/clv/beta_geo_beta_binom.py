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
