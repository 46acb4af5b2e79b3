"""Prediction intervals for purchases, P(alive), spend, CLV and customer equity.

:func:`value_draws` evaluates every per-client quantity of
:func:`~clientalytics.clv.customer_lifetime_value` under replicate parameters of the
transaction model and of the Gamma-Gamma model (see
:func:`~clientalytics.clv.uncertainty.parameter_draws`). The replicates are kept
per distinct ``(frequency, recency, T)`` history, so memory grows with the number of
distinct histories, not of clients. The value and CLV replicates are formed once per
distinct *valuation* (history and spend inputs: one-time buyers of one history share
theirs), chunk by chunk, and a client's margin rate scales its bounds afterwards.
Percentile intervals of the replicates are the ``*_lower`` / ``*_upper`` columns of
:func:`~clientalytics.clv.customer_lifetime_value` and
:func:`~clientalytics.clv.customer_equity`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from clientalytics.clv._data import compress, factorize_rows
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.gamma_gamma import GammaGammaModel
from clientalytics.clv.uncertainty import DrawMethod, parameter_draws
from clientalytics.exceptions import ValidationError

FloatArray = NDArray[np.float64]

#: clients per block when CLV replicates are formed (rows x replicates floats)
_CHUNK = 20_000

#: Quantities of :func:`customer_lifetime_value` that get an interval, in column order.
INTERVAL_QUANTITIES = (
    "expected_purchases",
    "probability_alive",
    "expected_value_per_purchase",
    "clv",
)


def check_interval(interval: float) -> float:
    """Return ``interval`` as a float strictly between 0 and 1, or raise ValidationError."""
    level = float(interval)
    if not 0 < level < 1:
        raise ValidationError(
            f"interval must be a coverage probability strictly between 0 and 1, got {interval}"
        )
    return level


def _percentile(ordered: FloatArray, q: float) -> FloatArray:
    """``numpy.quantile(values, q, axis=1)`` (linear method) of rows already sorted.

    The interpolation is numpy's own, term for term, so the result is identical; a
    full sort of each row is several times faster than the partition numpy uses.
    """
    n = ordered.shape[1]
    position = q * (n - 1)
    below = int(np.floor(position))
    weight = position - below
    a = ordered[:, below]
    b = ordered[:, min(below + 1, n - 1)]
    step = b - a
    return np.asarray(b - step * (1 - weight) if weight >= 0.5 else a + step * weight)


def _bounds(values: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Equal-tailed percentile bounds along the replicate axis (axis 1)."""
    ordered = np.sort(values, axis=1)
    return _percentile(ordered, (1 - level) / 2), _percentile(ordered, (1 + level) / 2)


def _scaled_bounds(
    lower: FloatArray, upper: FloatArray, scale: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Bounds of ``scale * X`` from the bounds of ``X``: a negative scale swaps them.

    Equal-tailed percentiles of ``c * X`` are ``c`` times those of ``X`` for
    ``c >= 0`` and ``c`` times the opposite ones for ``c < 0``.
    """
    low, high = scale * lower, scale * upper
    negative = scale < 0
    return np.where(negative, high, low), np.where(negative, low, high)


@dataclass(frozen=True)
class ValueDraws:
    """Replicates of the CLV quantities of every client.

    Attributes
    ----------
    index : pandas.Index
        Client index of the summary.
    inverse : numpy.ndarray
        Distinct history of each client.
    expected_purchases, probability_alive, discounted_purchases : numpy.ndarray
        Shape ``(n_distinct_histories, n_replicates)``: expected purchases over the
        horizon, P(alive) now, and discounted expected purchases, per replicate.
    spend_draws : numpy.ndarray or None
        Replicate Gamma-Gamma parameters ``(p, q, gamma)``, shape ``(n_replicates,
        3)``; ``None`` when the value per purchase was given as a fixed Series.
    frequency, monetary_value : numpy.ndarray
        Per client, for the Gamma-Gamma expectation.
    fixed_value : numpy.ndarray or None
        Fixed expected value per purchase per client (when no spend model).
    margin_rate : numpy.ndarray
        Share of revenue counted as value, per client.
    """

    index: pd.Index
    inverse: NDArray[np.intp]
    expected_purchases: FloatArray
    probability_alive: FloatArray
    discounted_purchases: FloatArray
    spend_draws: FloatArray | None
    frequency: FloatArray
    monetary_value: FloatArray
    fixed_value: FloatArray | None
    margin_rate: FloatArray

    @property
    def n_replicates(self) -> int:
        """Number of replicates."""
        return int(self.expected_purchases.shape[1])

    def valuations(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Distinct valuations: each client's code and one representative client per code.

        Two clients share a valuation when they share the history and the inputs of
        the value per purchase (``frequency`` and ``monetary_value``, or the fixed
        value), so their value and (margin-free) CLV replicates are equal.
        """
        spend = (
            (self.frequency, self.monetary_value)
            if self.fixed_value is None
            else (self.fixed_value,)
        )
        codes, n_codes = factorize_rows(self.inverse.astype(np.float64), *spend)
        first = np.empty(n_codes, dtype=np.intp)
        order = np.arange(codes.shape[0], dtype=np.intp)
        first[codes[::-1]] = order[::-1]
        return codes, first

    def value_per_purchase(self, rows: slice | NDArray[np.intp]) -> FloatArray:
        """Return the value per purchase of clients ``rows``, shape ``(rows, replicates)``."""
        if self.spend_draws is None:
            assert self.fixed_value is not None
            return np.repeat(self.fixed_value[rows, None], self.n_replicates, axis=1)
        x = self.frequency[rows, None]
        m = self.monetary_value[rows, None]
        p, q, v = (self.spend_draws[:, i][None, :] for i in range(3))
        with np.errstate(invalid="ignore", divide="ignore"):
            value = p * (v + x * m) / (p * x + q - 1)
        return np.asarray(np.where((x > 0) & (m <= 0), 0.0, value), dtype=np.float64)

    def clv(self, rows: slice | NDArray[np.intp]) -> FloatArray:
        """CLV replicates of clients ``rows``, shape ``(rows, replicates)``."""
        return self._revenue_value(rows) * self.margin_rate[rows, None]

    def _revenue_value(self, rows: slice | NDArray[np.intp]) -> FloatArray:
        """CLV replicates of clients ``rows`` before their margin rate."""
        disc = self.discounted_purchases[self.inverse[rows]]
        return disc * self.value_per_purchase(rows)

    def blocks(self, n: int | None = None) -> Iterator[slice]:
        """Consecutive blocks of ``n`` rows (default: every client) used to form replicates."""
        n = self.inverse.shape[0] if n is None else n
        for start in range(0, n, _CHUNK):
            yield slice(start, min(start + _CHUNK, n))

    def interval_table(self, interval: float) -> pd.DataFrame:
        """Percentile bounds of every quantity in :data:`INTERVAL_QUANTITIES`.

        Returns
        -------
        pandas.DataFrame
            Indexed like the summary; columns ``<quantity>_lower`` and
            ``<quantity>_upper`` for each quantity, in that order.
        """
        level = check_interval(interval)
        out: dict[str, FloatArray] = {}
        for name in ("expected_purchases", "probability_alive"):
            lo, hi = _bounds(getattr(self, name), level)
            out[f"{name}_lower"], out[f"{name}_upper"] = lo[self.inverse], hi[self.inverse]
        codes, first = self.valuations()
        spend = np.empty((2, first.shape[0]))
        value = np.empty((2, first.shape[0]))
        for block in self.blocks(first.shape[0]):
            rows = first[block]
            per_purchase = self.value_per_purchase(rows)
            spend[0, block], spend[1, block] = _bounds(per_purchase, level)
            disc = self.discounted_purchases[self.inverse[rows]]
            value[0, block], value[1, block] = _bounds(disc * per_purchase, level)
        out["expected_value_per_purchase_lower"] = spend[0][codes]
        out["expected_value_per_purchase_upper"] = spend[1][codes]
        out["clv_lower"], out["clv_upper"] = _scaled_bounds(
            value[0][codes], value[1][codes], self.margin_rate
        )
        return pd.DataFrame(out, index=self.index)

    def equity(self, labels: ArrayLike) -> pd.DataFrame:
        """Replicates of the summed CLV per segment.

        Parameters
        ----------
        labels : array-like
            Segment label of each client, in the order of ``index``.

        Returns
        -------
        pandas.DataFrame
            One row per segment, one column per replicate.
        """
        segments, uniques = pd.factorize(np.asarray(labels))
        codes, first = self.valuations()
        # weight of each (segment, valuation): the summed margin rates of its clients
        weights = sparse.csr_matrix(
            (self.margin_rate, (segments, codes)), shape=(len(uniques), first.shape[0])
        )
        totals = np.zeros((len(uniques), self.n_replicates))
        for block in self.blocks(first.shape[0]):
            totals += weights[:, block] @ self._revenue_value(first[block])
        return pd.DataFrame(totals, index=pd.Index(uniques, name="segment"))


def transaction_replicates(
    model: TransactionModel,
    draws: pd.DataFrame,
    x: FloatArray,
    tx: FloatArray,
    T: FloatArray,
    times: FloatArray,
    discount: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-replicate cumulative purchases at ``times[-1]``, P(alive) and discounted purchases.

    ``discount[j]`` weighs the purchases between ``times[j-1]`` and ``times[j]``.
    Each array has shape ``(len(x), len(draws))``.
    """
    n, n_rep = x.shape[0], len(draws)
    # filled one replicate (column) at a time: column-major until the end
    cum = np.empty((n, n_rep))
    alive = np.empty((n, n_rep))
    disc = np.empty((n, n_rep))
    pair_codes = None
    if hasattr(model, "_expected_if_alive"):
        pair_codes, n_pairs = factorize_rows(x, T)
        px = np.zeros(n_pairs)
        pT = np.zeros(n_pairs)
        px[pair_codes] = x
        pT[pair_codes] = T
    # sum_j (c_j - c_{j-1}) d_j = sum_j c_j (d_j - d_{j+1}), with d_{J+1} = 0
    weights = discount - np.append(discount[1:], 0.0)
    with np.errstate(all="ignore"):
        for b, params in enumerate(draws.to_numpy()):
            now = model._probability_alive(params, x, tx, T)
            if pair_codes is not None:
                per_pair = np.column_stack(
                    [model._expected_if_alive(params, float(t), px, pT) for t in times]
                )
                cum[:, b] = now * per_pair[:, -1][pair_codes]
                disc[:, b] = now * (per_pair @ weights)[pair_codes]
            else:
                path = np.column_stack(
                    [model._conditional_expected(params, float(t), x, tx, T) for t in times]
                )
                cum[:, b] = path[:, -1]
                disc[:, b] = path @ weights
            alive[:, b] = np.clip(now, 0.0, 1.0)
    bad = ~np.isfinite(disc).all(axis=0) | ~np.isfinite(cum).all(axis=0)
    if bad.any():
        keep = ~bad
        cum, alive, disc = cum[:, keep], alive[:, keep], disc[:, keep]
    # rows (histories) are gathered later: row-major from here on
    return np.ascontiguousarray(cum), np.ascontiguousarray(alive), np.ascontiguousarray(disc)


def value_draws(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | pd.Series,
    summary: pd.DataFrame,
    *,
    times: FloatArray,
    discount: FloatArray,
    margin_rate: FloatArray,
    n_bootstrap: int = 200,
    method: DrawMethod = "bootstrap",
    random_state: int | np.random.Generator | None = None,
) -> ValueDraws:
    """Replicate the CLV quantities of every client under resampled parameters.

    Usually called through :func:`~clientalytics.clv.customer_lifetime_value` with
    ``interval=``; ``times`` (horizons in summary units) and ``discount`` (weight of
    the purchases ending at each horizon) describe the valuation.

    Parameters
    ----------
    transaction_model : TransactionModel
        Fitted on ``summary``.
    spend_model : GammaGammaModel or pandas.Series
        Fitted Gamma-Gamma model (resampled too) or a fixed value per purchase.
    summary : pandas.DataFrame
        The client summary both models were fitted on.
    times, discount : numpy.ndarray
        Valuation horizons and discount weights, as in ``customer_lifetime_value``.
    margin_rate : numpy.ndarray
        Share of revenue counted as value, per client.
    n_bootstrap : int, default 200
        Number of replicates.
    method : {"bootstrap", "parametric"}, default "bootstrap"
        See :func:`~clientalytics.clv.uncertainty.parameter_draws`.
    random_state : int or numpy.random.Generator, optional
        Seed; the transaction and spend replicates use independent child streams.

    Returns
    -------
    ValueDraws
        The replicates.
    """
    seeds = np.random.SeedSequence(
        random_state if isinstance(random_state, int) or random_state is None else None
    )
    if isinstance(random_state, np.random.Generator):
        first, second = random_state.spawn(2)
    else:
        first, second = (np.random.default_rng(s) for s in seeds.spawn(2))
    data = transaction_model._prepared(summary)
    packed = compress(
        data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
    )
    cx, ctx, cT = packed.columns
    draws = parameter_draws(
        transaction_model, summary, n_draws=n_bootstrap, method=method, random_state=first
    )
    cum, alive, disc = transaction_replicates(
        transaction_model, draws, cx, ctx, cT, times, discount
    )
    x = data["frequency"].to_numpy()
    if isinstance(spend_model, pd.Series):
        spend_draws = None
        fixed = spend_model.reindex(summary.index).to_numpy(dtype=np.float64)
        m = np.zeros_like(x)
    else:
        spend = parameter_draws(
            spend_model, summary, n_draws=n_bootstrap, method=method, random_state=second
        )
        spend_draws = spend.to_numpy()
        fixed = None
        _, m = GammaGammaModel._values(summary)
    n_rep = min(cum.shape[1], spend_draws.shape[0] if spend_draws is not None else cum.shape[1])
    return ValueDraws(
        index=summary.index,
        inverse=packed.inverse,
        expected_purchases=cum[:, :n_rep],
        probability_alive=alive[:, :n_rep],
        discounted_purchases=disc[:, :n_rep],
        spend_draws=None if spend_draws is None else spend_draws[:n_rep],
        frequency=x,
        monetary_value=m,
        fixed_value=fixed,
        margin_rate=np.asarray(margin_rate, dtype=np.float64),
    )
