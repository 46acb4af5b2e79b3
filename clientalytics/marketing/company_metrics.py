"""NMC, marketing ROS and ROI of a company computed from its own tables.

The totals come from the transactions (sales, variable cost) and the marketing
spend table; the breakdowns are by spend period, by acquisition channel or by
any client grouping (segment, client group) the analyst passes in.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import (
    client_ids,
    require_columns,
    require_dates,
    require_finite,
    require_no_missing,
)
from clientalytics.marketing.allocation import allocate_marketing_spend, client_segments
from clientalytics.marketing.metrics import finish_metrics

__all__ = ["marketing_metrics"]

UNALLOCATED = "(unallocated)"
NO_CHANNEL = "(no channel)"


def marketing_metrics(
    transactions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    by: Literal["period", "channel", "segment"] | pd.Series | None = None,
    clients: pd.DataFrame | None = None,
    segments: pd.Series | str | None = None,
    period_freq: str = "Q",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
) -> pd.DataFrame:
    """Marketing metrics (sales, gross margin, M&S, NMC, ROS, ROI) in total and by a breakdown.

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id``, ``date``, ``revenue``, ``variable_cost``.
    marketing_spend : DataFrame
        Columns ``spend_id``, ``period``, ``channel``, ``purpose``, ``amount``
        (``target_segment`` optional).
    by : {"period", "channel", "segment"}, Series or None
        Breakdown. ``"period"``: sales by transaction date and spend by spend
        period (``period_freq``). ``"channel"``: sales of the clients each channel
        acquired (``clients.acquisition_channel``) against the spend booked on that
        channel. ``"segment"``: by ``segments``; a Series: by that client grouping
        (client_id -> group). For client groupings the spend is allocated to
        clients with :func:`allocate_marketing_spend` and the money no client
        received forms an ``"(unallocated)"`` row. None: the total only.
    clients : DataFrame, optional
        Clients table; needed for ``"channel"`` and client groupings.
    segments : Series or str, optional
        Segment of each client, for ``by="segment"``.
    period_freq : str, default "Q"
        Period for ``by="period"`` (and the spend period length for allocation,
        where "M" is used when the breakdown is a client grouping).
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired, for allocation.

    Returns
    -------
    DataFrame
        One row per group plus a ``"total"`` row (index named after the breakdown),
        columns ``sales``, ``gross_margin``, ``gross_margin_pct``,
        ``marketing_expenses``, ``nmc``, ``marketing_ros``, ``marketing_roi``
        (see :func:`marketing_metrics_table`) and ``n_clients`` (clients with a
        purchase). Ratios with a zero denominator are NaN (undefined). The
        ``total`` row always equals the company totals: no money is dropped.
    """
    require_columns(transactions, "transactions", ["client_id", "date", "revenue", "variable_cost"])
    require_columns(marketing_spend, "marketing_spend", ["period", "channel", "amount"])
    require_finite(transactions, "transactions", ["revenue", "variable_cost"])
    require_finite(marketing_spend, "marketing_spend", ["amount"])
    require_no_missing(transactions, "transactions", ["client_id", "date"])
    txn = require_dates(transactions, "transactions", ["date"])
    txn = txn.assign(
        client_id=client_ids(txn["client_id"]),
        margin=txn["revenue"].astype("float64") - txn["variable_cost"].astype("float64"),
        revenue=txn["revenue"].astype("float64"),
    )
    spend = require_dates(marketing_spend, "marketing_spend", ["period"])

    if by is None:
        sales = pd.DataFrame(
            {
                "sales": [txn["revenue"].sum()],
                "gross_margin": [txn["margin"].sum()],
                "n_clients": [txn["client_id"].nunique()],
            },
            index=pd.Index(["total"], name="group"),
        )
        sales["marketing_expenses"] = float(spend["amount"].sum())
        return _finish(sales, n_total=None)

    if isinstance(by, str) and by == "period":
        txn["group"] = txn["date"].dt.to_period(period_freq)
        spend_group = spend["period"].dt.to_period(period_freq)
        table = _group_sales(txn).join(
            spend.groupby(spend_group)["amount"].sum().rename("marketing_expenses"), how="outer"
        )
        table.index = table.index.astype(str)
        table.index.name = "period"
        return _finish(table.fillna(0.0), n_total=txn["client_id"].nunique())

    if clients is None:
        raise ValidationError(f"marketing_metrics(by={by!r}) needs the clients table")
    if isinstance(by, str) and by == "channel":
        require_columns(clients, "clients", ["client_id", "acquisition_channel"])
        channel = pd.Series(
            clients["acquisition_channel"]
            .astype("string")
            .fillna(NO_CHANNEL)
            .astype(object)
            .to_numpy(),
            index=client_ids(clients["client_id"]).to_numpy(),
        )
        txn["group"] = channel.reindex(txn["client_id"]).fillna(NO_CHANNEL).to_numpy()
        table = _group_sales(txn).join(
            spend.groupby(spend["channel"].astype(str))["amount"]
            .sum()
            .rename("marketing_expenses"),
            how="outer",
        )
        table.index.name = "channel"
        return _finish(table.fillna(0.0), n_total=txn["client_id"].nunique())

    if isinstance(by, str) and by == "segment":
        if segments is None:
            raise ValidationError("marketing_metrics(by='segment') needs segments=")
        groups = client_segments(segments, clients)
        name = "segment"
    elif isinstance(by, pd.Series):
        groups = client_segments(by, clients)
        name = by.name if isinstance(by.name, str) else "group"
        segments = segments if segments is not None else by
    else:
        raise ValidationError(
            f"by must be None, 'period', 'channel', 'segment' or a Series, got {by!r}"
        )
    assert groups is not None
    allocation = allocate_marketing_spend(
        marketing_spend,
        clients,
        txn,
        segments=segments,
        period_freq="M",
        acquired_on=acquired_on,
    )
    txn["group"] = groups.reindex(txn["client_id"]).fillna("unassigned").to_numpy()
    per_client = allocation.by_client["allocated_marketing"]
    client_group = groups.reindex(per_client.index).fillna("unassigned")
    table = _group_sales(txn).join(
        per_client.groupby(client_group.to_numpy()).sum().rename("marketing_expenses"),
        how="outer",
    )
    table = table.fillna(0.0)
    table.loc[UNALLOCATED] = {
        "sales": 0.0,
        "gross_margin": 0.0,
        "n_clients": 0,
        "marketing_expenses": allocation.unallocated_total,
    }
    table.index.name = name
    return _finish(table, n_total=txn["client_id"].nunique())


def _group_sales(txn: pd.DataFrame) -> pd.DataFrame:
    grouped = txn.groupby("group")
    return pd.DataFrame(
        {
            "sales": grouped["revenue"].sum(),
            "gross_margin": grouped["margin"].sum(),
            "n_clients": grouped["client_id"].nunique(),
        }
    )


def _finish(table: pd.DataFrame, *, n_total: int | None) -> pd.DataFrame:
    table = table[["sales", "gross_margin", "marketing_expenses", "n_clients"]].astype(
        {"sales": "float64", "gross_margin": "float64", "marketing_expenses": "float64"}
    )
    if n_total is not None:
        total = table.sum(axis=0)
        total["n_clients"] = n_total
        table.loc["total"] = total
    table["n_clients"] = table["n_clients"].astype("int64")
    return finish_metrics(table)
