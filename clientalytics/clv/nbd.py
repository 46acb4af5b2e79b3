"""NBD model of repeat purchasing without dropout (Ehrenberg 1959).

Every client buys for ever as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``.
The model has no dropout process; it is the benchmark that shows what the dropout
process of BG/NBD, Pareto/NBD and their relatives adds (Fader & Hardie's note 005,
"Illustrating the performance of the NBD as a benchmark model for customer-base
analysis"). The likelihood is that of the purchase times, as for the other models,
so log-likelihoods are comparable across them on the same summary.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import digamma, gammaln
from scipy.stats import nbinom

from clientalytics.clv._data import FitData
from clientalytics.clv._special import wdot
from clientalytics.clv.base import TransactionModel

FloatArray = NDArray[np.float64]


class NBDModel(TransactionModel):
    """NBD model: Poisson purchasing with gamma-distributed rates, no dropout.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``r`` and ``alpha`` (in the summary's time unit); the mean purchase
        rate is ``r / alpha``.
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`.

    Notes
    -----
    Only ``frequency`` and ``T`` enter the likelihood; ``recency`` is still checked
    (the summary contract is the same for every model) but not used. Nobody drops
    out, so :meth:`probability_alive` is 1 for every client and the expected
    purchases grow linearly with the horizon: ``t (r + x) / (alpha + T)``.

    Examples
    --------
    >>> from clientalytics.clv import NBDModel
    >>> model = NBDModel().fit(summary)  # doctest: +SKIP
    >>> model.expected_purchases(summary, t=52)  # doctest: +SKIP
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    model_name: ClassVar[str] = "NBD"

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha = params
        return np.asarray(
            gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T),
            dtype=np.float64,
        )

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        r, alpha = params
        ux, wx = data.x_unique, data.x_weight
        x, T, w = data.x, data.T, data.w
        log_t = np.log(alpha + T)
        value = wdot(wx, gammaln(r + ux) - gammaln(r)) + data.total * r * np.log(alpha)
        value = (value - wdot(w, (r + x) * log_t)) / data.total
        if not gradient:
            return float(value), None
        g_r = wdot(wx, digamma(r + ux) - digamma(r)) + data.total * np.log(alpha) - wdot(w, log_t)
        g_alpha = data.total * r / alpha - wdot(w, (r + x) / (alpha + T))
        return float(value), np.array([g_r, g_alpha]) / data.total

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        return np.ones_like(x, dtype=np.float64)

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha = params
        return np.asarray(t * (r + x) / (alpha + T), dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha = params
        return np.asarray(r / alpha * t, dtype=np.float64)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        return np.ones_like(x, dtype=np.float64)

    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        r, alpha = params
        return r + x, alpha + T

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        return 1.0, (np.array([params[0]]), np.array([params[1]]))

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        shape, scale = (np.asarray(v, dtype=np.float64)[:, None] for v in post)
        if t == 0:
            return np.asarray(
                np.broadcast_to((k[None, :] == 0) * 1.0, (shape.shape[0], k.shape[0]))
            )
        return np.asarray(nbinom.pmf(k[None, :], shape, scale / (scale + t)), dtype=np.float64)

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        r, alpha = params
        n = T.shape[0]
        rate = rng.gamma(r, 1.0 / alpha, size=n)
        freq = rng.poisson(rate * T).astype(np.float64)
        # given the count, purchase times are uniform on [0, T]; recency is their maximum
        u = rng.random(n) ** (1.0 / np.maximum(freq, 1.0))
        rec = np.where(freq > 0, T * u, 0.0)
        return freq, rec
