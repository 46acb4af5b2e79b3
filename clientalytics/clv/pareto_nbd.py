"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

While active a client buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``;
the unobserved lifetime is exponential with rate ``mu ~ Gamma(s, beta)``. The
likelihood uses the formulation of Fader & Hardie's note 008/009 with the Gauss
hypergeometric function Euler-transformed so that it stays finite for clients with
hundreds of purchases.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, hyp2f1, hyperu, logsumexp
from scipy.stats import nbinom

from clientalytics.clv._data import FitData
from clientalytics.clv._special import logaddexp, one_minus_power_over, sigmoid_of_minus, wdot
from clientalytics.clv.base import TransactionModel

FloatArray = NDArray[np.float64]

#: Gauss-Legendre nodes of the integral in the Pareto/NBD PMF (the integrand is a
#: smooth product of powers on a sub-interval of [0, 1))
_PMF_NODES = 64


def _log_hyp_term(
    rsx: FloatArray, second: FloatArray | float, big: float, small: float, q: FloatArray
) -> FloatArray:
    """Log of ``2F1(rsx, second; rsx + 1; (big - small)/(big + q)) / (big + q)**rsx``.

    Uses ``2F1(A, B; A+1; z) = (1-z)**(1-B) 2F1(1, A+1-B; A+1; z)``, whose remaining
    series is bounded by ``1/(1-z)`` whatever the client's frequency.
    """
    z = (big - small) / (big + q)
    log_one_minus_z = np.log(small + q) - np.log(big + q)
    hyp = hyp2f1(1.0, rsx + 1.0 - second, rsx + 1.0, z)
    return np.asarray(
        (1.0 - second) * log_one_minus_z + np.log(hyp) - rsx * np.log(big + q), dtype=np.float64
    )


class ParetoNBDModel(TransactionModel):
    """Pareto/NBD model: Poisson purchasing, exponential lifetimes, gamma heterogeneity.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    params_ : pandas.Series
        Fitted ``r``, ``alpha``, ``s``, ``beta`` (``alpha`` and ``beta`` in the summary's
        time unit).
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`.
    """

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    time_params: ClassVar[tuple[str, ...]] = ("alpha", "beta")
    model_name: ClassVar[str] = "Pareto/NBD"

    def _log_a0(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = params
        rsx = r + s + x
        if alpha < beta:
            small, big, second = alpha, beta, r + x
        else:
            small, big, second = beta, alpha, np.full_like(x, s + 1.0)
        at_last = _log_hyp_term(rsx, second, big, small, tx)
        at_end = _log_hyp_term(rsx, second, big, small, T)
        # A0 = F(t_x) - F(T) >= 0; log1p keeps precision, and t_x == T gives log(0) = -inf
        diff = np.minimum(at_end - at_last, 0.0)
        with np.errstate(divide="ignore"):
            return np.asarray(at_last + np.log(-np.expm1(diff)), dtype=np.float64)

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        # the hypergeometric terms depend on (x, t_x) or (x, T) only: evaluate them once
        # per distinct pair and gather them to the distinct histories
        r, alpha, s, beta = params
        ux, wx = data.x_unique, data.x_weight
        head = gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        rec_codes, rec_x, rec_q = data.pairs("recency")
        end_codes, end_x, end_q = data.pairs("T")
        if alpha < beta:
            small, big = alpha, beta
            rec_second: FloatArray | float = r + rec_x
            end_second: FloatArray | float = r + end_x
        else:
            small, big = beta, alpha
            rec_second = end_second = s + 1.0
        at_last = _log_hyp_term(r + s + rec_x, rec_second, big, small, rec_q)[rec_codes]
        end_pair = _log_hyp_term(r + s + end_x, end_second, big, small, end_q)
        alive_pair = -(r + end_x) * np.log(alpha + end_q) - s * np.log(beta + end_q)
        at_end = end_pair[end_codes]
        alive_to_end = alive_pair[end_codes]
        diff = np.minimum(at_end - at_last, 0.0)
        with np.errstate(divide="ignore"):
            log_a0 = at_last + np.log(-np.expm1(diff))
        died = log_a0 + (np.log(s) - np.log(r + s + ux))[data.x_codes]
        value = (wdot(wx, head) + wdot(data.w, logaddexp(alive_to_end, died))) / data.total
        return float(value), None

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = params
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive_to_end = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        died = np.log(s) + self._log_a0(params, x, tx, T) - np.log(r + s + x)
        return np.asarray(head + np.logaddexp(alive_to_end, died), dtype=np.float64)

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = params
        log_odds = (
            np.log(s)
            - np.log(r + s + x)
            + (r + x) * np.log(alpha + T)
            + s * np.log(beta + T)
            + self._log_a0(params, x, tx, T)
        )
        return sigmoid_of_minus(log_odds)

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        alive = self._probability_alive(params, x, tx, T)
        return np.asarray(alive * self._expected_if_alive(params, t, x, T), dtype=np.float64)

    def _expected_if_alive(
        self, params: FloatArray, t: float, x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = params
        log_ratio = np.log(beta + T) - np.log(beta + T + t)
        return np.asarray(
            (r + x) / (alpha + T) * (beta + T) * one_minus_power_over(log_ratio, s - 1.0),
            dtype=np.float64,
        )

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, s, beta = params
        log_ratio = np.log(beta) - np.log(beta + t)
        return np.asarray(r * beta / alpha * one_minus_power_over(log_ratio, s - 1.0))

    def _initial_log_params(self) -> FloatArray:
        return np.zeros(4)

    def _alive_posterior(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, ...]:
        r, alpha, s, beta = params
        return r + x, alpha + T, np.full_like(x, s), beta + T

    def _new_client(self, params: FloatArray) -> tuple[float, tuple[FloatArray, ...]]:
        return 1.0, tuple(np.array([v]) for v in params)

    def _fresh_pmf(self, post: tuple[FloatArray, ...], t: float, k: FloatArray) -> FloatArray:
        first, second, third, fourth = post
        return pareto_fresh_pmf(first, second, third, fourth, t, k)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        s, beta = params[2], params[3]
        return np.asarray(np.exp(s * (np.log(beta + T) - np.log(beta + T + t))))

    def _dert(
        self, params: FloatArray, delta: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Return DERT in the closed form of Fader, Hardie & Lee (2005, "RFM and CLV", eq. 2).

        ``P(alive) * E[lambda | alive] * E[1 / (mu + delta) | alive]``, where the
        last factor is ``b**s delta**(s-1) U(s, s; delta b)`` for
        ``mu ~ Gamma(s, b = beta + T)`` and ``U`` the confluent hypergeometric
        function of the second kind.
        """
        r, alpha, s, beta = params
        b = beta + T
        alive = self._probability_alive(params, x, tx, T)
        inverse_rate = np.exp(s * np.log(b) + (s - 1) * np.log(delta)) * hyperu(s, s, delta * b)
        return np.asarray(alive * (r + x) / (alpha + T) * inverse_rate, dtype=np.float64)


def pareto_fresh_pmf(
    r: FloatArray, alpha: FloatArray, s: FloatArray, beta: FloatArray, t: float, k: FloatArray
) -> FloatArray:
    """PMF of purchases in ``(0, t]`` of Pareto/NBD clients active at time 0.

    Still active at ``t`` (probability ``(beta/(beta+t))**s``, independent of the
    rate): an NBD count. Died at ``tau < t``: ``k`` purchases in ``(0, tau]``, which
    after the substitution ``u = tau / (alpha + tau)`` is
    ``G(r+k)/(G(r) k!) s alpha beta**s int_0^z u**k (1-u)**(r+s-1)
    (beta + (alpha - beta) u)**-(s+1) du`` with ``z = t / (alpha + t)``, integrated
    by Gauss-Legendre quadrature in log space.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(r), len(k))``.
    """
    r, alpha, s, beta = (np.asarray(v, dtype=np.float64)[:, None] for v in (r, alpha, s, beta))
    kk = k[None, :]
    if t == 0:
        return np.asarray(np.broadcast_to((kk == 0) * 1.0, (r.shape[0], k.shape[0])))
    log_stay = s * (np.log(beta) - np.log(beta + t))
    alive = np.exp(log_stay + nbinom.logpmf(kk, r, alpha / (alpha + t)))
    z = t / (alpha + t)  # (n, 1)
    nodes, weights = np.polynomial.legendre.leggauss(_PMF_NODES)
    u = (z * (nodes[None, :] + 1) / 2)[:, None, :]  # (n, 1, m)
    log_w = np.log(weights)[None, None, :] + np.log(z / 2)[:, :, None]
    log_f = (
        kk[:, :, None] * np.log(u)
        + (r + s - 1)[:, :, None] * np.log1p(-u)
        - (s + 1)[:, :, None] * np.log(beta[:, :, None] + (alpha - beta)[:, :, None] * u)
    )
    log_head = (
        gammaln(r + kk)
        - gammaln(r)
        - gammaln(kk + 1)
        + np.log(s)
        + np.log(alpha)
        + s * np.log(beta)
    )
    died = np.exp(log_head + logsumexp(log_w + log_f, axis=2))
    return np.asarray(alive + died, dtype=np.float64)

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        r, alpha, s, beta = params
        n = T.shape[0]
        rate = rng.gamma(r, 1.0 / alpha, size=n)
        death = rng.gamma(s, 1.0 / beta, size=n)
        lifetime = rng.exponential(1.0, size=n) / np.maximum(death, 1e-300)
        horizon = np.minimum(lifetime, T)
        freq = rng.poisson(rate * horizon).astype(np.float64)
        # given the count, purchase times are uniform on [0, horizon]; recency is their max
        u = rng.random(n) ** (1.0 / np.maximum(freq, 1.0))
        rec = np.where(freq > 0, horizon * u, 0.0)
        return freq, rec
