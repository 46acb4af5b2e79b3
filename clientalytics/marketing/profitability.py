"""Client profitability after cost to serve and allocated marketing; loss-making clients.

Profit of a client = revenue − variable cost − cost to serve − marketing spend
charged to it (its share of the acquisition spend of the channel and period
that won it, amortised over the expected client lifetime, and retention /
development spend that targeted it). Buying clients with negative profit are
the loss-making ("lead") clients; each is listed with what makes it so.

Two rules keep that count honest:

* prospects (rows of the clients table without a single purchase) are never
  loss-making clients: what was spent on them is acquisition cost without
  revenue yet, reported apart (:attr:`ClientProfitability.prospects`);
* the acquisition spend a client received is spread over its expected lifetime
  (``acquisition_lifetime`` periods; by default the median observed lifetime of
  the buying clients, first to last purchase). The observation window is
  charged ``share × min(periods observed, lifetime) / lifetime``; the rest is
  ``deferred_acquisition``, carried to the client's later periods.

:func:`unit_cost_sensitivity` counts loss-making clients with the unit costs of
contacts and requests scaled (×0.5, ×1, ×1.5 by default); a client whose verdict
changes across them is "marginal".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import (
    client_ids,
    require_dates,
    require_finite,
    require_no_missing,
)
from clientalytics.marketing.allocation import (
    SpendAllocation,
    allocate_marketing_spend,
    client_segments,
)
from clientalytics.marketing.cost_to_serve import cost_to_serve
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.schema import require

__all__ = [
    "ClientProfitability",
    "UnitCostSensitivity",
    "client_profitability",
    "loss_making_clients",
    "median_observed_lifetime",
    "unit_cost_sensitivity",
]

#: Profit components, in the words used for loss drivers.
DRIVERS: dict[str, str] = {
    "negative_gross_margin": "negative gross margin",
    "cost_to_serve": "cost to serve",
    "acquisition_spend": "acquisition spend",
    "retention_spend": "retention spend",
    "development_spend": "development spend",
}


@dataclass(frozen=True)
class ClientProfitability:
    """Result of :func:`client_profitability`.

    Attributes
    ----------
    table : DataFrame
        One row per client; columns documented in :func:`client_profitability`.
    allocation : SpendAllocation or None
        How marketing spend was allocated (None when no spend table was given);
        ``allocation.unallocated`` lists the money no client received.
    acquisition_lifetime : float
        Expected client lifetime, in periods of the allocation's time unit, over
        which acquisition spend is amortised.
    lifetime_source : str
        Where that lifetime comes from: ``"median observed lifetime"`` (first to
        last purchase of the buying clients, in whole periods) or ``"given"``.
    """

    table: pd.DataFrame
    allocation: SpendAllocation | None
    acquisition_lifetime: float = 1.0
    lifetime_source: str = "given"

    @property
    def unallocated_marketing(self) -> float:
        """Marketing money that could not be allocated to any client."""
        return 0.0 if self.allocation is None else self.allocation.unallocated_total

    @property
    def deferred_acquisition(self) -> float:
        """Acquisition spend amortised into the clients' expected lifetime beyond the window."""
        return float(self.table["deferred_acquisition"].sum())

    @property
    def total_profit(self) -> float:
        """Company view: client profits minus unallocated and deferred marketing money.

        Equals gross margin − cost to serve − all marketing spend of the window.
        """
        return (
            float(self.table["profit"].sum())
            - self.unallocated_marketing
            - self.deferred_acquisition
        )

    @property
    def clients(self) -> pd.DataFrame:
        """Rows of buying clients (at least one purchase); prospects left out."""
        return self.table.loc[~self.table["is_prospect"]]

    @property
    def prospects(self) -> pd.DataFrame:
        """Rows of prospects: clients-table rows without any purchase.

        Their marketing is acquisition cost without revenue yet; they are never
        counted as loss-making clients.
        """
        return self.table.loc[self.table["is_prospect"]]

    @property
    def prospect_cost(self) -> float:
        """Marketing and cost to serve charged to prospects (cost without revenue yet)."""
        p = self.prospects
        return float(p["allocated_marketing"].sum() + p["cost_to_serve"].sum())


def _loss_drivers(table: pd.DataFrame) -> pd.Series:
    comps = pd.DataFrame(
        {
            "negative_gross_margin": (-table["gross_margin"]).clip(lower=0.0),
            "cost_to_serve": table["cost_to_serve"],
            "acquisition_spend": table["acquisition_spend"],
            "retention_spend": table["retention_spend"],
            "development_spend": table["development_spend"],
        }
    )
    loss = np.where(table["is_loss_making"], -table["profit"].to_numpy(), 0.0)
    values = comps.to_numpy()
    names = np.array([DRIVERS[c] for c in comps.columns])
    order = np.argsort(-values, axis=1, kind="stable")
    out: list[str] = []
    for i in range(len(table)):
        if loss[i] <= 0:
            out.append("")
            continue
        chosen: list[str] = []
        total = 0.0
        for j in order[i]:
            if values[i, j] <= 0:
                break
            chosen.append(str(names[j]))
            total += values[i, j]
            if total >= loss[i] - 1e-9:
                break
        out.append("; ".join(chosen))
    return pd.Series(out, index=table.index, dtype=object)


def client_profitability(
    transactions: pd.DataFrame,
    *,
    clients: pd.DataFrame,
    marketing_spend: pd.DataFrame | None = None,
    touchpoints: pd.DataFrame | None = None,
    requests: pd.DataFrame | None = None,
    touchpoint_costs: float | Mapping[str, float] = 0.0,
    cost_per_minute: float = 0.0,
    request_costs: float | Mapping[str, float] = 0.0,
    segments: pd.Series | str | None = None,
    time_unit: TimeUnit = "M",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
    acquisition_lifetime: float | None = None,
) -> ClientProfitability:
    """Profit of every client after variable cost, cost to serve and allocated marketing.

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id``, ``date``, ``revenue``, ``variable_cost``.
    clients : DataFrame
        Columns ``client_id``, ``acquisition_channel``, ``first_contact_date``;
        every client appears in the result, with zeros when it has no activity.
    marketing_spend : DataFrame, optional
        Spend lines, allocated with :func:`allocate_marketing_spend`.
    touchpoints, requests : DataFrame, optional
        Contacts and requests, priced with :func:`cost_to_serve`.
    touchpoint_costs, cost_per_minute, request_costs
        Unit costs the analyst sets; see :func:`cost_to_serve`.
    segments : Series or str, optional
        Segment of each client (client_id -> label, or a column of ``clients``);
        used for targeted spend lines and reported in a ``segment`` column.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "M"
        Spend period length (see :func:`allocate_marketing_spend`).
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired by its channel.
    acquisition_lifetime : float, optional
        Expected client lifetime in periods of ``time_unit`` (>= 1) over which a
        client's acquisition spend is amortised. Default: the median observed
        lifetime of the buying clients (:func:`median_observed_lifetime`); 1
        charges the whole acquisition spend to the window.

    Returns
    -------
    ClientProfitability
        ``table`` is indexed by ``client_id`` with columns:

        - ``revenue``, ``variable_cost``, ``gross_margin`` (revenue − variable cost);
        - ``n_touchpoints``, ``touchpoint_cost``, ``n_requests``, ``request_cost``,
          ``cost_to_serve``;
        - ``acquisition_allocated``: the client's share of the acquisition spend of
          the channel and period that won it (shared equally by every client that
          channel acquired in that period);
        - ``acquisition_spend``: the part of it charged to the window,
          ``share × min(periods from acquisition to the window end, lifetime) / lifetime``;
        - ``deferred_acquisition``: the rest (``acquisition_allocated − acquisition_spend``);
        - ``retention_spend``, ``development_spend``, ``allocated_marketing``
          (acquisition, retention and development spend charged to the window);
        - ``profit``: gross margin − cost to serve − allocated marketing;
        - ``is_prospect``: the client has no purchase (a prospect);
        - ``is_loss_making``: profit < 0 and not a prospect;
        - ``loss_drivers``: for loss-making clients, the largest profit components
          (negative gross margin, cost to serve, acquisition / retention /
          development spend) that together exceed the loss, i.e. without which the
          client would break even, largest first, joined by "; "; empty otherwise;
        - ``segment``: only when ``segments`` is given (missing label -> "unassigned").
    """
    require(transactions, "transactions", ["client_id", "date", "revenue", "variable_cost"])
    require(clients, "clients", ["client_id"])
    require_finite(transactions, "transactions", ["revenue", "variable_cost"])
    require_no_missing(transactions, "transactions", ["client_id"])
    txn = require_dates(transactions, "transactions", ["date"])
    ids = client_ids(clients["client_id"])
    txn = txn.assign(client_id=client_ids(txn["client_id"]))
    unknown = ~txn["client_id"].isin(set(ids))
    if unknown.any():
        raise ValidationError(
            f"transactions: column 'client_id' has {int(unknown.sum())} row(s) with clients not in "
            f"the clients table, e.g. {list(txn.loc[unknown, 'client_id'].unique()[:3])}"
        )
    cts = cost_to_serve(
        touchpoints,
        requests,
        touchpoint_costs=touchpoint_costs,
        cost_per_minute=cost_per_minute,
        request_costs=request_costs,
        clients=ids,
    )
    allocation = (
        None
        if marketing_spend is None
        else allocate_marketing_spend(
            marketing_spend,
            clients,
            txn,
            segments=segments,
            time_unit=time_unit,
            acquired_on=acquired_on,
        )
    )
    return _client_profitability(
        txn,
        ids,
        cts,
        allocation,
        labels=client_segments(segments, clients),
        time_unit=time_unit,
        acquisition_lifetime=acquisition_lifetime,
    )


def median_observed_lifetime(transactions: pd.DataFrame, *, time_unit: TimeUnit = "M") -> float:
    """Median observed lifetime of the buying clients, in periods.

    A client's observed lifetime is the number of periods from its first to its
    last purchase, both included (one purchase: 1). Clients still buying at the
    end of the data make it an underestimate of the true lifetime.

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id`` and ``date``.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "M"
        Period length.

    Returns
    -------
    float
        The median, at least 1 (1 when there are no transactions).

    Examples
    --------
    >>> txn = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...                     "date": pd.to_datetime(["2024-01-05", "2024-04-20", "2024-02-01"])})
    >>> median_observed_lifetime(txn)
    2.5
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    require(transactions, "transactions", ["client_id", "date"])
    txn = require_dates(transactions, "transactions", ["date"])
    return _median_lifetime(txn.assign(client_id=client_ids(txn["client_id"])), time_unit)


def _median_lifetime(txn: pd.DataFrame, time_unit: TimeUnit) -> float:
    if txn.empty:
        return 1.0
    period = txn["date"].dt.to_period(time_unit)
    ords = pd.Series([p.ordinal for p in period], index=txn.index, dtype="int64")
    span = ords.groupby(txn["client_id"].to_numpy()).agg(lambda v: v.max() - v.min() + 1)
    return max(float(span.median()), 1.0)


def _amortised_acquisition(
    allocation: SpendAllocation,
    txn: pd.DataFrame,
    ids: pd.Series,
    *,
    lifetime: float,
    time_unit: TimeUnit,
) -> pd.Series:
    """Acquisition spend charged to the window per client (amortised over ``lifetime``)."""
    shares = allocation.shares.loc[allocation.shares["purpose"] == "acquisition"]
    if shares.empty or txn.empty:
        charged = shares.groupby("client_id")["amount"].sum()
        return charged.reindex(ids.to_numpy(), fill_value=0.0).astype("float64")
    end = txn["date"].max().to_period(time_unit).ordinal
    periods = pd.PeriodIndex(shares["period"]).asfreq(time_unit)
    observed = np.maximum(end - np.asarray(periods.asi8, dtype="int64") + 1, 1)
    fraction = np.minimum(observed, lifetime) / lifetime
    charged = shares["amount"].to_numpy(dtype="float64") * fraction
    out = pd.Series(charged, index=shares["client_id"].to_numpy()).groupby(level=0).sum()
    return out.reindex(ids.to_numpy(), fill_value=0.0).astype("float64")


def _client_profitability(
    txn: pd.DataFrame,
    ids: pd.Series,
    cts: pd.DataFrame,
    allocation: SpendAllocation | None,
    *,
    labels: pd.Series | None,
    time_unit: TimeUnit = "M",
    acquisition_lifetime: float | None = None,
) -> ClientProfitability:
    """Profit per client from checked transactions, cost to serve and an allocation.

    ``txn`` has string client ids (all among ``ids``) and float money columns;
    ``cts`` is the cost to serve of ``ids``; ``time_unit`` is the allocation's.
    """
    if acquisition_lifetime is None:
        lifetime = _median_lifetime(txn, time_unit)
        source = "median observed lifetime"
    else:
        if not (np.isfinite(acquisition_lifetime) and acquisition_lifetime >= 1):
            raise ValidationError(
                f"acquisition_lifetime must be a number of periods >= 1, got {acquisition_lifetime}"
            )
        lifetime, source = float(acquisition_lifetime), "given"
    money = (
        txn.groupby("client_id")[["revenue", "variable_cost"]]
        .sum()
        .reindex(ids.to_numpy(), fill_value=0.0)
        .astype("float64")
    )
    money.index.name = "client_id"
    money["gross_margin"] = money["revenue"] - money["variable_cost"]
    if allocation is not None:
        marketing = allocation.by_client.copy()
        charged = _amortised_acquisition(
            allocation, txn, ids, lifetime=lifetime, time_unit=time_unit
        )
        allocated = marketing["acquisition_spend"]
        marketing.insert(0, "acquisition_allocated", allocated)
        marketing["acquisition_spend"] = charged.reindex(marketing.index).to_numpy()
        marketing.insert(2, "deferred_acquisition", allocated - marketing["acquisition_spend"])
        marketing["allocated_marketing"] = marketing[
            ["acquisition_spend", "retention_spend", "development_spend"]
        ].sum(axis=1)
    else:
        marketing = pd.DataFrame(
            0.0,
            index=money.index,
            columns=[
                "acquisition_allocated",
                "acquisition_spend",
                "deferred_acquisition",
                "retention_spend",
                "development_spend",
                "allocated_marketing",
            ],
        )
    table = money.join(cts).join(marketing)
    table["profit"] = table["gross_margin"] - table["cost_to_serve"] - table["allocated_marketing"]
    buyers = set(txn["client_id"])
    table["is_prospect"] = ~table.index.isin(buyers)
    table["is_loss_making"] = (table["profit"] < 0) & ~table["is_prospect"]
    table["loss_drivers"] = _loss_drivers(table)
    if labels is not None:
        table["segment"] = labels.reindex(table.index).fillna("unassigned").to_numpy()
    table.index.name = "client_id"
    return ClientProfitability(
        table=table, allocation=allocation, acquisition_lifetime=lifetime, lifetime_source=source
    )


def loss_making_clients(
    profitability: ClientProfitability | pd.DataFrame, *, top: int | None = None
) -> pd.DataFrame:
    """List the loss-making clients, the largest loss first, with what makes them so.

    Parameters
    ----------
    profitability : ClientProfitability or DataFrame
        Result of :func:`client_profitability` (or its ``table``).
    top : int, optional
        Keep only the ``top`` largest losses.

    Returns
    -------
    DataFrame
        Rows of the profitability table with ``is_loss_making`` (buying clients
        with ``profit < 0``; prospects never) sorted by profit (same columns),
        plus ``loss_share``: the client's share of all losses.
    """
    table = profitability.table if isinstance(profitability, ClientProfitability) else profitability
    out = table.loc[table["is_loss_making"]].sort_values("profit", kind="stable").copy()
    total_loss = float(-out["profit"].sum())
    out["loss_share"] = (-out["profit"] / total_loss) if total_loss > 0 else 0.0
    return out if top is None else out.head(top)


@dataclass(frozen=True)
class UnitCostSensitivity:
    """Result of :func:`unit_cost_sensitivity`.

    Attributes
    ----------
    counts : DataFrame
        Indexed by ``unit_cost_factor``; columns ``n_clients`` (buying clients),
        ``n_loss_making``, ``loss_total`` (sum of their losses) and ``n_marginal``
        (the same number on every row).
    verdicts : DataFrame
        Indexed by ``client_id`` (buying clients only), one boolean column per
        factor (named by the factor, a float): loss-making at that factor; plus
        ``is_marginal``: the verdict is not the same at every factor.
    """

    counts: pd.DataFrame
    verdicts: pd.DataFrame

    @property
    def marginal(self) -> pd.Index:
        """Client ids whose verdict depends on the unit costs."""
        return self.verdicts.index[self.verdicts["is_marginal"]]


def unit_cost_sensitivity(
    profitability: ClientProfitability | pd.DataFrame,
    *,
    factors: tuple[float, ...] = (0.5, 1.0, 1.5),
) -> UnitCostSensitivity:
    """Count loss-making clients with every unit cost of contacts and requests scaled.

    Cost to serve is linear in its unit costs, so at factor f a client's profit is
    gross margin − f × cost to serve − allocated marketing. Prospects are left out.

    Parameters
    ----------
    profitability : ClientProfitability or DataFrame
        Result of :func:`client_profitability` (or its ``table``).
    factors : tuple of float, default (0.5, 1.0, 1.5)
        Multipliers of all unit costs (>= 0).

    Returns
    -------
    UnitCostSensitivity
        Counts per factor and per-client verdicts with the ``is_marginal`` flag.
    """
    table = profitability.table if isinstance(profitability, ClientProfitability) else profitability
    if not factors or any(not (np.isfinite(f) and f >= 0) for f in factors):
        raise ValidationError(f"factors must be non-negative numbers, got {factors}")
    buyers = table.loc[~table["is_prospect"]]
    before_cts = buyers["gross_margin"] - buyers["allocated_marketing"]
    verdicts = pd.DataFrame(index=buyers.index.copy())
    rows: list[dict[str, float]] = []
    for f in factors:
        profit = before_cts - float(f) * buyers["cost_to_serve"]
        loss = profit < 0
        verdicts[float(f)] = loss.to_numpy()
        rows.append(
            {
                "unit_cost_factor": float(f),
                "n_clients": float(len(buyers)),
                "n_loss_making": float(loss.sum()),
                "loss_total": float(-profit[loss].sum()),
            }
        )
    flags = verdicts.to_numpy(dtype=bool)
    verdicts["is_marginal"] = np.asarray(flags.any(axis=1) & ~flags.all(axis=1), dtype=bool)
    counts = pd.DataFrame(rows).set_index("unit_cost_factor")
    counts["n_marginal"] = float(verdicts["is_marginal"].sum())
    counts = counts.astype({"n_clients": "int64", "n_loss_making": "int64", "n_marginal": "int64"})
    return UnitCostSensitivity(counts=counts, verdicts=verdicts)
