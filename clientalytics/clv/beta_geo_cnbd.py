"""BG/CNBD-k and MBG/CNBD-k: regular purchasing with dropout (Reutterer, Platzer & Schroeder 2020).

They generalise BG/NBD and modified BG/NBD: the gaps between a client's purchases
follow an Erlang-k distribution (the time of every k-th event of a Poisson process
with rate ``lambda ~ Gamma(r, alpha)``) instead of an exponential one, so ``k > 1``
describes clients who buy at fairly regular intervals, like contract shippers. The
dropout process is the beta-geometric one of (modified) BG/NBD: after each purchase
(BG/CNBD-k: each repeat purchase; MBG/CNBD-k: the first purchase too) the client
leaves with probability ``p ~ Beta(a, b)``. With ``k = 1`` they are BG/NBD and
modified BG/NBD.

Input: the client summary plus the column :data:`LOG_INTERPURCHASE_COLUMN`
(``log_interpurchase_sum``), the sum of the logs of each client's inter-purchase
times, computed by :func:`clientalytics.clv.regularity.log_interpurchase_sum`. It
enters the likelihood only through the additive term
``(k - 1) * log_interpurchase_sum - frequency * log((k - 1)!)``, so ``r, alpha, a, b``
for a given ``k`` depend on ``frequency``, ``recency`` and ``T`` alone, while the
choice of ``k`` needs the column.

Predictions are exact: the expected purchases after ``T`` mix, over the phase of the
Erlang clock at ``T`` and the posterior of ``lambda`` and ``p``, the probabilities
that each future purchase falls inside the horizon (regularised incomplete beta
functions), summed until the terms vanish.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc, betaln, digamma, gammaln, logsumexp

from clientalytics.clv._data import FitData
from clientalytics.clv._special import sigmoid_of_minus, wdot
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.regularity import LOG_INTERPURCHASE_COLUMN
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.periods import TimeUnit

FloatArray = NDArray[np.float64]

#: number of future purchases added per step of the new-client expectation series
_BLOCK = 64
#: the prediction series stops when its last term is below this share of the sum
_SERIES_TOL = 1e-12


class _ErlangBetaGeoModel(TransactionModel):
    """Shared maths of BG/CNBD-k and MBG/CNBD-k (``dropout_at_zero`` tells them apart)."""

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    dropout_at_zero: ClassVar[bool] = False

    def __init__(self, k: int | None = None, max_k: int = 12, penalizer_coef: float = 0.0) -> None:
        self.k = k
        self.max_k = max_k
        self.penalizer_coef = penalizer_coef

    # ----------------------------------------------------------------- model maths
    def _current_k(self) -> int:
        return int(getattr(self, "k_", 1))

    def _log_terms(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Likelihood pieces: head, log of the dropout term, phase log-weights and their log-sum.

        The phase weights ``j = 0 .. k-1`` are the (unnormalised) probabilities that
        ``j`` events of the underlying Poisson clock passed since the last purchase.
        """
        r, alpha, a, b = params
        k = self._current_k()
        d = 1.0 if self.dropout_at_zero else 0.0
        rkx = r + k * x
        log_end = np.log(alpha + T)
        head = gammaln(rkx) - gammaln(r) + r * np.log(alpha) - rkx * log_end
        head = head + betaln(a, b + x + d) - betaln(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_dead = np.log(a) - np.log(b + x - 1.0 + d) + rkx * (log_end - np.log(alpha + tx))
        if not self.dropout_at_zero:
            log_dead = np.where(x > 0, log_dead, -np.inf)
        j = np.arange(k, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ratio = np.log(np.maximum(T - tx, 0.0)) - log_end
            powers = np.where(j > 0, j * log_ratio[:, None], 0.0)
        phase = gammaln(rkx[:, None] + j) - gammaln(rkx)[:, None] - gammaln(j + 1.0) + powers
        phase = np.where(np.isnan(phase), -np.inf, phase)
        return head, log_dead, phase, logsumexp(phase, axis=1)

    def _mean_log_likelihood(
        self, params: FloatArray, data: FitData, *, gradient: bool
    ) -> tuple[float, FloatArray | None]:
        r, alpha, a, b = params
        x, tx, T, w = data.x, data.tx, data.T, data.w
        head, log_dead, phase, log_alive = self._log_terms(params, x, tx, T)
        total = np.logaddexp(log_dead, log_alive)
        value = wdot(w, head + total) / data.total
        if not gradient:
            return float(value), None
        k = self._current_k()
        d = 1.0 if self.dropout_at_zero else 0.0
        rkx = r + k * x
        dead = np.exp(log_dead - total)
        alive = 1.0 - dead
        share = np.exp(phase - log_alive[:, None])
        j = np.arange(k, dtype=np.float64)
        bx = b + x + d
        g_head_r = digamma(rkx) - digamma(r) + np.log(alpha) - np.log(alpha + T)
        g_dead_r = np.log(alpha + T) - np.log(alpha + tx)
        g_alive_r = np.sum(share * digamma(rkx[:, None] + j), axis=1) - digamma(rkx)
        g_r = wdot(w, g_head_r + dead * g_dead_r + alive * g_alive_r)
        g_head_alpha = r / alpha - rkx / (alpha + T)
        g_dead_alpha = rkx * (1.0 / (alpha + T) - 1.0 / (alpha + tx))
        g_alive_alpha = -(share @ j) / (alpha + T)
        g_alpha = wdot(w, g_head_alpha + dead * g_dead_alpha + alive * g_alive_alpha)
        g_a = wdot(w, digamma(a + b) - digamma(a + bx) + dead / a)
        with np.errstate(divide="ignore", invalid="ignore"):
            g_dead_b = np.where(dead > 0, -1.0 / (bx - 1.0), 0.0)
        g_b = wdot(w, digamma(bx) - digamma(a + bx) - digamma(b) + digamma(a + b) + dead * g_dead_b)
        return float(value), np.array([g_r, g_alpha, g_a, g_b]) / data.total

    def _log_likelihood(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        head, log_dead, _, log_alive = self._log_terms(params, x, tx, T)
        return np.asarray(head + np.logaddexp(log_dead, log_alive), dtype=np.float64)

    def _probability_alive(
        self, params: FloatArray, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        _, log_dead, _, log_alive = self._log_terms(params, x, tx, T)
        return sigmoid_of_minus(log_dead - log_alive)

    def _future_series(
        self,
        params: FloatArray,
        t: float,
        x: FloatArray,
        tx: FloatArray,
        T: FloatArray,
        *,
        dropout_weights: bool,
    ) -> tuple[FloatArray, FloatArray]:
        """P(alive at T) and, for a client alive at ``T``, a sum over future purchases n.

        Sums ``P(n-th purchase after T falls in (T, T + t])`` times the posterior
        mean of ``(1 - p) ** (n - 1)`` (the n-th purchase happens: expected purchases)
        or of ``(1 - p) ** (n - 1) * p`` (the client leaves after it: dropout by
        ``T + t``).
        """
        r, alpha, a, b = params
        k = self._current_k()
        d = 1.0 if self.dropout_at_zero else 0.0
        _, log_dead, phase, log_alive = self._log_terms(params, x, tx, T)
        alive = sigmoid_of_minus(log_dead - log_alive)
        weights = np.exp(phase - log_alive[:, None])
        b_post = b + x + d
        z = t / (t + alpha + T)
        rkx = r + k * x
        shift = 1.0 if dropout_weights else 0.0
        total = np.zeros_like(x)
        todo = np.arange(x.shape[0])
        start, size = 1, 16
        while todo.shape[0] > 0:
            n = np.arange(start, start + size, dtype=np.float64)
            bp = b_post[todo]
            survive = np.exp(betaln(a + shift, bp[:, None] + n - 1.0) - betaln(a, bp)[:, None])
            reach = np.zeros((todo.shape[0], size))
            for j in range(k):
                reach += weights[todo, j : j + 1] * betainc(
                    n * k - j, (rkx[todo] + j)[:, None], z[todo, None]
                )
            block = survive * reach
            total[todo] += block.sum(axis=1)
            done = block[:, -1] <= _SERIES_TOL * np.maximum(total[todo], 1e-300)
            todo = todo[~done]
            start += size
            size = min(2 * size, 1024)
            if start > 10**6:
                break
        return alive, total

    def _conditional_expected(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        if t == 0:
            return np.zeros_like(x)
        alive, total = self._future_series(params, t, x, tx, T, dropout_weights=False)
        return np.asarray(alive * total, dtype=np.float64)

    def _survival_given_alive(
        self, params: FloatArray, t: float, x: FloatArray, tx: FloatArray, T: FloatArray
    ) -> FloatArray:
        if t == 0:
            return np.ones_like(x)
        _, dropped = self._future_series(params, t, x, tx, T, dropout_weights=True)
        return np.asarray(np.clip(1.0 - dropped, 0.0, 1.0), dtype=np.float64)

    def _unconditional_expected(self, params: FloatArray, t: FloatArray) -> FloatArray:
        r, alpha, a, b = params
        k = self._current_k()
        d = 1.0 if self.dropout_at_zero else 0.0
        tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
        flat = tt.reshape(-1)
        z = flat / (flat + alpha)
        total = np.zeros_like(flat)
        start = 1
        while True:
            n = np.arange(start, start + _BLOCK, dtype=np.float64)
            survive = np.exp(betaln(a, b + n - 1.0 + d) - betaln(a, b))
            block = survive[None, :] * betainc(n[None, :] * k, r, z[:, None])
            total += block.sum(axis=1)
            if np.all(block[:, -1] <= _SERIES_TOL * np.maximum(total, 1e-300)) or start > 10**6:
                break
            start += _BLOCK
        return np.asarray(total.reshape(np.shape(t)), dtype=np.float64)

    def _simulate_full(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        r, alpha, a, b = params
        k = self._current_k()
        n = T.shape[0]
        rate = rng.gamma(r, 1.0 / alpha, size=n)
        drop = rng.beta(a, b, size=n)
        freq = np.zeros(n)
        rec = np.zeros(n)
        litt = np.zeros(n)
        clock = np.zeros(n)
        active = np.ones(n, dtype=bool)
        if self.dropout_at_zero:
            active &= rng.random(n) >= drop
        while active.any():
            idx = np.flatnonzero(active)
            gap = rng.gamma(k, 1.0, size=idx.shape[0]) / np.maximum(rate[idx], 1e-300)
            clock[idx] += gap
            bought = clock[idx] <= T[idx]
            hit = idx[bought]
            freq[hit] += 1
            rec[hit] = clock[hit]
            litt[hit] += np.log(gap[bought])
            active[idx[~bought]] = False
            survives = rng.random(hit.shape[0]) >= drop[hit]
            active[hit[~survives]] = False
        return freq, rec, litt

    def _simulate(
        self, params: FloatArray, T: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        freq, rec, _ = self._simulate_full(params, T, rng)
        return freq, rec

    def _initial_log_params(self) -> FloatArray:
        start = getattr(self, "_start_log_params", None)
        return np.zeros(4) if start is None else np.asarray(start, dtype=np.float64)

    # --------------------------------------------------------------------- helpers
    def _regularity_term(self, summary: pd.DataFrame, k: int) -> FloatArray:
        """Per-client ``(k - 1) * log_interpurchase_sum - frequency * log((k - 1)!)``."""
        if k == 1:
            return np.zeros(len(summary))
        if LOG_INTERPURCHASE_COLUMN not in summary.columns:
            raise ValidationError(
                f"{self.model_name} with k = {k}: the summary needs the column "
                f"'{LOG_INTERPURCHASE_COLUMN}' (sum of the logs of the inter-purchase times); "
                "compute it with clientalytics.clv.regularity.log_interpurchase_sum(transactions, "
                "time_unit=...) for the same time unit and observation end as the summary"
            )
        litt = pd.to_numeric(summary[LOG_INTERPURCHASE_COLUMN], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        freq = summary["frequency"].to_numpy(dtype=np.float64)
        rec = summary["recency"].to_numpy(dtype=np.float64)
        bad = ~np.isfinite(litt)
        if bad.any():
            raise ValidationError(
                f"summary: column '{LOG_INTERPURCHASE_COLUMN}' has {int(bad.sum())} missing, "
                f"non-numeric or infinite value(s)"
            )
        nonzero = (freq == 0) & (litt != 0)
        if nonzero.any():
            raise ValidationError(
                f"summary: {int(nonzero.sum())} client(s) without a repeat purchase have a "
                f"non-zero '{LOG_INTERPURCHASE_COLUMN}'; it sums over repeat purchases, so it is 0"
            )
        # the mean log gap cannot exceed the log of the mean gap, recency / frequency
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(freq > 0, freq * np.log(rec / np.maximum(freq, 1.0)), 0.0)
        over = litt > bound + 1e-9 * np.maximum(1.0, np.abs(bound))
        if over.any():
            raise ValidationError(
                f"summary: '{LOG_INTERPURCHASE_COLUMN}' exceeds frequency * log(recency / "
                f"frequency) for {int(over.sum())} client(s), which no set of gaps can do; it "
                "was probably computed in another time unit than recency"
            )
        return np.asarray((k - 1) * litt - freq * math.lgamma(k), dtype=np.float64)

    def _fit_k(
        self,
        summary: pd.DataFrame,
        k: int,
        time_unit: TimeUnit | None,
        sample_weight: ArrayLike | None,
        weight: FloatArray,
    ) -> dict[str, Any]:
        self.k_ = k
        TransactionModel.fit(self, summary, time_unit=time_unit, sample_weight=sample_weight)
        extra = float(np.dot(weight, self._regularity_term(summary, k)))
        self.log_likelihood_ = float(self.log_likelihood_) + extra
        return {
            name: value
            for name, value in vars(self).items()
            if name.endswith("_") and not name.startswith("_")
        }

    # ------------------------------------------------------------------------- fit
    def fit(
        self,
        summary: pd.DataFrame,
        *,
        time_unit: TimeUnit | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> _ErlangBetaGeoModel:
        """Fit the model by maximum likelihood, choosing ``k`` by profile likelihood if not given.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per client with ``frequency``, ``recency``, ``T`` and, unless
            ``k == 1``, ``log_interpurchase_sum``
            (:func:`~clientalytics.clv.regularity.log_interpurchase_sum`), all in the
            same time unit.
        time_unit : {"D", "W", "M"}, optional
            Unit of the summary (see :meth:`TransactionModel.fit`).
        sample_weight : array-like, optional
            Number of clients each row stands for.

        Returns
        -------
        BetaGeoCNBDModel or ModifiedBetaGeoCNBDModel
            The fitted model (``self``).

        Raises
        ------
        ValidationError
            When the summary breaks its contract, ``k`` or ``max_k`` is not a whole
            number >= 1, or ``log_interpurchase_sum`` is missing or inconsistent.
        ConvergenceError
            When no ``k`` can be fitted.

        Notes
        -----
        With ``k=None`` the model is fitted for ``k = 1, 2, ...`` up to ``max_k``,
        stopping once the log-likelihood fell twice in a row; the best ``k`` is kept.
        Besides the attributes of :meth:`TransactionModel.fit` this sets ``k_`` and
        ``k_profile_`` (log-likelihood and parameters for each ``k`` tried; only the
        fitted ``k`` when ``k`` was given). ``log_likelihood_`` includes the
        regularity term, so it is comparable across ``k`` and with BG/NBD
        (``k = 1``). ``aic_`` and ``bic_`` count ``k`` as a parameter when it was
        estimated. Standard errors and intervals (``summary``) are those of
        ``r, alpha, a, b`` given ``k_``.
        """
        candidates = self._candidates()
        weight = self._weights(summary, sample_weight)
        if self.k is None or any(c > 1 for c in candidates):
            self._regularity_term(summary, max(2, candidates[0]))
        rows: dict[int, dict[str, float]] = {}
        states: dict[int, dict[str, Any]] = {}
        self._start_log_params: FloatArray | None = None
        try:
            for k in candidates:
                try:
                    state = self._fit_k(summary, k, time_unit, sample_weight, weight)
                except ConvergenceError:
                    if not states:
                        raise
                    break
                states[k] = state
                rows[k] = {"log_likelihood": float(state["log_likelihood_"])}
                rows[k].update({n: float(v) for n, v in state["params_"].items()})
                # next k: same clients, a k-times-slower clock, so alpha grows with k
                start = np.log(state["params_"].to_numpy(dtype=np.float64))
                start[1] += np.log((k + 1) / k) - np.log(state["T_max_"])
                self._start_log_params = start
                lls = [rows[c]["log_likelihood"] for c in sorted(rows)]
                if len(lls) >= 3 and lls[-1] < lls[-2] < lls[-3]:
                    break
        finally:
            self._start_log_params = None
        best = max(rows, key=lambda c: rows[c]["log_likelihood"])
        for name, value in states[best].items():
            setattr(self, name, value)
        self.k_ = best
        profile = pd.DataFrame.from_dict(rows, orient="index")
        profile.index.name = "k"
        self.k_profile_ = profile
        n_params = len(self.param_names) + (1 if self.k is None else 0)
        self.n_params_ = n_params
        self.aic_ = 2 * n_params - 2 * self.log_likelihood_
        self.bic_ = n_params * np.log(self.n_clients_) - 2 * self.log_likelihood_
        return self

    def _candidates(self) -> list[int]:
        if self.k is not None:
            k = self.k
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise ValidationError(
                    f"{self.model_name}: k must be a whole number >= 1, got {k!r}"
                )
            return [int(k)]
        max_k = self.max_k
        if isinstance(max_k, bool) or not isinstance(max_k, (int, np.integer)) or max_k < 1:
            raise ValidationError(
                f"{self.model_name}: max_k must be a whole number >= 1, got {max_k!r}"
            )
        return list(range(1, int(max_k) + 1))

    @staticmethod
    def _weights(summary: pd.DataFrame, sample_weight: ArrayLike | None) -> FloatArray:
        if sample_weight is None:
            return np.ones(len(summary))
        return np.asarray(sample_weight, dtype=np.float64).reshape(-1)

    def __repr__(self) -> str:
        shown = super().__repr__()
        if hasattr(self, "k_") and " fitted: " in shown:
            return shown.replace(" fitted: ", f" fitted: k={self.k_}, ", 1)
        return shown

    # --------------------------------------------------------------------- scoring
    def client_log_likelihood(self, summary: pd.DataFrame) -> pd.Series:
        """Log-likelihood of each client's history, the regularity term included.

        Returns
        -------
        pandas.Series
            Named ``log_likelihood``, indexed like ``summary``. Needs
            ``log_interpurchase_sum`` when ``k_ > 1``.
        """
        base = super().client_log_likelihood(summary)
        return base + self._regularity_term(summary, self._current_k())

    def sample(
        self, T: ArrayLike, *, random_state: int | np.random.Generator | None = None
    ) -> pd.DataFrame:
        """Simulate client histories from the fitted model.

        Parameters
        ----------
        T : array-like
            Age of each simulated client, in the fitted time unit.
        random_state : int or numpy.random.Generator, optional
            Seed for reproducible draws.

        Returns
        -------
        pandas.DataFrame
            Columns ``frequency``, ``recency``, ``T`` and ``log_interpurchase_sum``
            (continuous-time gaps), one row per client.
        """
        params = self._check_fitted()
        ages = np.asarray(T, dtype=np.float64).reshape(-1)
        rng = np.random.default_rng(random_state)
        x, tx, litt = self._simulate_full(params, ages, rng)
        return pd.DataFrame(
            {"frequency": x, "recency": tx, "T": ages, LOG_INTERPURCHASE_COLUMN: litt}
        )


class BetaGeoCNBDModel(_ErlangBetaGeoModel):
    """BG/CNBD-k model: Erlang-k gaps between purchases, dropout after any repeat purchase.

    Parameters
    ----------
    k : int, optional
        Shape of the Erlang inter-purchase times (1 = Poisson purchasing, BG/NBD).
        By default it is estimated by profile likelihood over ``1 .. max_k``.
    max_k : int, default 12
        Largest ``k`` tried when ``k`` is estimated.
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    k_ : int
        The fitted (or given) ``k``.
    k_profile_ : pandas.DataFrame
        Indexed by ``k``: ``log_likelihood``, ``r``, ``alpha``, ``a``, ``b`` of every
        ``k`` tried.
    params_ : pandas.Series
        Fitted ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``. The mean
        gap between purchases of an active client is ``k * alpha / (r - 1)`` for
        ``r > 1``; ``r / (k * alpha)`` is the mean purchase rate.
    log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`~clientalytics.clv.beta_geo.BetaGeoModel`; see :meth:`fit`.

    Examples
    --------
    >>> from clientalytics.clv import BetaGeoCNBDModel
    >>> from clientalytics.clv.regularity import log_interpurchase_sum
    >>> summary["log_interpurchase_sum"] = log_interpurchase_sum(tx)  # doctest: +SKIP
    >>> model = BetaGeoCNBDModel().fit(summary)  # doctest: +SKIP
    >>> model.k_  # doctest: +SKIP
    2
    """

    model_name: ClassVar[str] = "BG/CNBD-k"
    dropout_at_zero: ClassVar[bool] = False


class ModifiedBetaGeoCNBDModel(_ErlangBetaGeoModel):
    """MBG/CNBD-k model: Erlang-k gaps, dropout possible after every purchase, the first included.

    Parameters
    ----------
    k : int, optional
        Shape of the Erlang inter-purchase times (1 = modified BG/NBD). By default
        it is estimated by profile likelihood over ``1 .. max_k``.
    max_k : int, default 12
        Largest ``k`` tried when ``k`` is estimated.
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (see :class:`~clientalytics.clv.base.TransactionModel`).

    Attributes
    ----------
    k_, k_profile_, params_, log_likelihood_, aic_, bic_, n_clients_, n_distinct_histories_, T_max_
        As in :class:`BetaGeoCNBDModel`.
    """

    model_name: ClassVar[str] = "MBG/CNBD-k"
    dropout_at_zero: ClassVar[bool] = True
