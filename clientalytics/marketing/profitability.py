"""Client profitability after cost to serve and allocated marketing; loss-making clients.

Profit of a client = revenue − variable cost − cost to serve − marketing spend
allocated to it (acquisition spend of the channel and period that won it, and
retention / development spend that targeted it). Clients with negative profit
are the loss-making ("lead") clients; each is listed with what makes it so.
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
from clientalytics.periods import TimeUnit
from clientalytics.schema import require

__all__ = ["ClientProfitability", "client_profitability", "loss_making_clients"]

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
    """

    table: pd.DataFrame
    allocation: SpendAllocation | None

    @property
    def unallocated_marketing(self) -> float:
        """Marketing money that could not be allocated to any client."""
        return 0.0 if self.allocation is None else self.allocation.unallocated_total

    @property
    def total_profit(self) -> float:
        """Sum of client profits minus unallocated marketing money (company view)."""
        return float(self.table["profit"].sum()) - self.unallocated_marketing


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
    loss = (-table["profit"]).to_numpy()
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

    Returns
    -------
    ClientProfitability
        ``table`` is indexed by ``client_id`` with columns:

        - ``revenue``, ``variable_cost``, ``gross_margin`` (revenue − variable cost);
        - ``n_touchpoints``, ``touchpoint_cost``, ``n_requests``, ``request_cost``,
          ``cost_to_serve``;
        - ``acquisition_spend``, ``retention_spend``, ``development_spend``,
          ``allocated_marketing`` (their sum);
        - ``profit``: gross margin − cost to serve − allocated marketing;
        - ``is_loss_making``: profit < 0;
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
        txn, ids, cts, allocation, labels=client_segments(segments, clients)
    )


def _client_profitability(
    txn: pd.DataFrame,
    ids: pd.Series,
    cts: pd.DataFrame,
    allocation: SpendAllocation | None,
    *,
    labels: pd.Series | None,
) -> ClientProfitability:
    """Profit per client from checked transactions, cost to serve and an allocation.

    ``txn`` has string client ids (all among ``ids``) and float money columns;
    ``cts`` is the cost to serve of ``ids``.
    """
    money = (
        txn.groupby("client_id")[["revenue", "variable_cost"]]
        .sum()
        .reindex(ids.to_numpy(), fill_value=0.0)
        .astype("float64")
    )
    money.index.name = "client_id"
    money["gross_margin"] = money["revenue"] - money["variable_cost"]
    if allocation is not None:
        marketing = allocation.by_client
    else:
        marketing = pd.DataFrame(
            0.0,
            index=money.index,
            columns=[
                "acquisition_spend",
                "retention_spend",
                "development_spend",
                "allocated_marketing",
            ],
        )
    table = money.join(cts).join(marketing)
    table["profit"] = table["gross_margin"] - table["cost_to_serve"] - table["allocated_marketing"]
    table["is_loss_making"] = table["profit"] < 0
    table["loss_drivers"] = _loss_drivers(table)
    if labels is not None:
        table["segment"] = labels.reindex(table.index).fillna("unassigned").to_numpy()
    table.index.name = "client_id"
    return ClientProfitability(table=table, allocation=allocation)


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
        Rows of the profitability table with ``profit < 0`` sorted by profit
        (same columns), plus ``loss_share``: the client's share of all losses.
    """
    table = profitability.table if isinstance(profitability, ClientProfitability) else profitability
    out = table.loc[table["profit"] < 0].sort_values("profit", kind="stable").copy()
    total_loss = float(-out["profit"].sum())
    out["loss_share"] = (-out["profit"] / total_loss) if total_loss > 0 else 0.0
    return out if top is None else out.head(top)
