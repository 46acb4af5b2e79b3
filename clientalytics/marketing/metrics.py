"""Best's marketing planning metrics: net marketing contribution, marketing ROS and ROI.

Roger Best (*Market-Based Management*) measures the profit a marketing strategy
earns after the money spent on marketing and selling:

* net marketing contribution, NMC (called NMS in some translations)
  = sales × gross margin % − marketing & sales expenses
  = market demand × market share × (revenue per customer − variable cost per
  customer) − marketing & sales expenses;
* marketing ROS = NMC / sales;
* marketing ROI = NMC / marketing & sales expenses (not (NMC − M&S) / M&S).

The same metrics come in three forms: on numbers or arrays
(:func:`net_marketing_contribution`, :func:`marketing_ros`, :func:`marketing_roi`),
on a table of segments (:func:`marketing_metrics_table`) and on the company's
transactions and spend, in total or by period, channel or client group
(:func:`marketing_metrics`).

Zero denominators
-----------------
A ratio whose denominator is zero (marketing ROS or gross margin % without
sales, marketing ROI without marketing expenses) is undefined and is NaN, in
every form alike: ``marketing_ros(5.0, 0.0)`` is NaN, as is the ``marketing_ros``
of a table row without sales. It is never infinite and never an error, so one
empty group does not stop a table or a report, which shows the value as
undefined. The same rule holds for every ratio of the marketing package (client
ROI, lifetime ROI, the ratios of a simulated plan, the relative equity change of
the sensitivity table).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
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
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.schema import require

ArrayLike = float | npt.NDArray[np.float64] | pd.Series

__all__ = [
    "marketing_metrics",
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "net_marketing_contribution",
    "segment_net_marketing_contribution",
]

UNALLOCATED = "(unallocated)"
NO_CHANNEL = "(no channel)"


def net_marketing_contribution(
    sales: ArrayLike, gross_margin_pct: ArrayLike, marketing_expenses: ArrayLike
) -> ArrayLike:
    """Net marketing contribution: sales × gross margin − marketing & sales expenses.

    Parameters
    ----------
    sales : float or array
        Sales (revenue) of the product, segment or client group.
    gross_margin_pct : float or array
        Gross margin as a fraction of sales (0.40 for 40 %).
    marketing_expenses : float or array
        Marketing and sales expenses spent on it.

    Returns
    -------
    float or array
        NMC in the currency of ``sales``.

    Examples
    --------
    Best's Santa Fe Sportswear, first segment ($M):

    >>> round(net_marketing_contribution(56.7, 0.40, 7.0), 2)
    15.68
    """
    return sales * gross_margin_pct - marketing_expenses


def segment_net_marketing_contribution(
    market_demand: ArrayLike,
    market_share: ArrayLike,
    revenue_per_customer: ArrayLike,
    variable_cost_per_customer: ArrayLike,
    marketing_expenses: ArrayLike,
) -> ArrayLike:
    """Segment form of NMC: demand × share × (revenue − variable cost per customer) − M&S.

    Parameters
    ----------
    market_demand : float or array
        Number of customers in the segment (the market's demand).
    market_share : float or array
        Share of those customers the firm serves (0-1).
    revenue_per_customer : float or array
        Revenue per customer served.
    variable_cost_per_customer : float or array
        Variable cost per customer served.
    marketing_expenses : float or array
        Marketing and sales expenses on the segment.

    Returns
    -------
    float or array
        NMC of the segment.

    Examples
    --------
    >>> segment_net_marketing_contribution(1000, 0.2, 500.0, 300.0, 10_000.0)
    30000.0
    """
    return (
        market_demand * market_share * (revenue_per_customer - variable_cost_per_customer)
        - marketing_expenses
    )


def marketing_ros(nmc: ArrayLike, sales: ArrayLike) -> ArrayLike:
    """Marketing return on sales: NMC / sales.

    Parameters
    ----------
    nmc : float or array
        Net marketing contribution.
    sales : float or array
        Sales.

    Returns
    -------
    float or array
        Fraction (0.277 for 27.7 %); NaN where sales are 0 (undefined).

    Examples
    --------
    >>> round(marketing_ros(15.68, 56.7), 3)
    0.277
    >>> marketing_ros(1.0, 0.0)
    nan
    """
    return ratio(nmc, sales)


def marketing_roi(nmc: ArrayLike, marketing_expenses: ArrayLike) -> ArrayLike:
    """Marketing return on investment: NMC / marketing & sales expenses.

    Parameters
    ----------
    nmc : float or array
        Net marketing contribution (already net of the expenses).
    marketing_expenses : float or array
        Marketing and sales expenses.

    Returns
    -------
    float or array
        Fraction (2.24 for 224 %); NaN where the expenses are 0 (undefined).
    """
    return ratio(nmc, marketing_expenses)


def ratio(numerator: ArrayLike, denominator: ArrayLike) -> ArrayLike:
    """Return ``numerator / denominator``, NaN where the denominator is 0 (undefined).

    Numbers give a float, arrays an array and Series a Series (aligned as pandas
    aligns them); a zero denominator never gives an infinite value or an error.
    """
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        quotient = pd.Series(numerator / denominator).astype("float64")
        if isinstance(denominator, pd.Series):
            zero = (denominator == 0).reindex(quotient.index, fill_value=False).to_numpy()
        else:
            zero = np.broadcast_to(np.asarray(denominator, dtype="float64") == 0, quotient.shape)
        return quotient.mask(zero)
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den != 0, num / den, np.nan)
    return float(out) if out.ndim == 0 else out


def marketing_metrics_table(
    segments: pd.DataFrame,
    *,
    sales_col: str = "sales",
    gross_margin_pct_col: str = "gross_margin_pct",
    marketing_expenses_col: str = "marketing_expenses",
    total: bool = True,
) -> pd.DataFrame:
    """NMC, marketing ROS and ROI for each row of a table of segments, plus a total.

    Parameters
    ----------
    segments : DataFrame
        One row per segment (index = segment name) with sales, gross margin as a
        fraction of sales and marketing & sales expenses.
    sales_col, gross_margin_pct_col, marketing_expenses_col : str
        Names of those columns.
    total : bool, default True
        Append a ``"total"`` row; its gross margin % is the sales-weighted mean.

    Returns
    -------
    DataFrame
        Indexed like ``segments`` (plus ``"total"``), columns:

        - ``sales``: sales;
        - ``gross_margin``: sales × gross margin %;
        - ``gross_margin_pct``: gross margin as a fraction of sales;
        - ``marketing_expenses``: marketing & sales expenses;
        - ``nmc``: net marketing contribution;
        - ``marketing_ros``: NMC / sales (NaN where sales are 0: undefined);
        - ``marketing_roi``: NMC / expenses (NaN where expenses are 0: undefined).
    """
    cols = [sales_col, gross_margin_pct_col, marketing_expenses_col]
    require(segments, "segments", cols)
    require_finite(segments, "segments", cols)
    out = pd.DataFrame(index=segments.index.copy())
    out["sales"] = segments[sales_col].astype("float64")
    out["gross_margin"] = out["sales"] * segments[gross_margin_pct_col].astype("float64")
    out["marketing_expenses"] = segments[marketing_expenses_col].astype("float64")
    if total:
        out.loc["total"] = out.sum(axis=0)
    return _finish_metrics(out)


def marketing_metrics(
    transactions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    by: Literal["period", "channel", "segment"] | pd.Series | None = None,
    clients: pd.DataFrame | None = None,
    segments: pd.Series | str | None = None,
    time_unit: TimeUnit = "Q",
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
        period (``time_unit``). ``"channel"``: sales of the clients each channel
        acquired (``clients.acquisition_channel``) against the spend booked on that
        channel. ``"segment"``: by ``segments``; a Series: by that client grouping
        (client_id -> group). For client groupings the spend is allocated to
        clients with :func:`allocate_marketing_spend` and the money no client
        received forms an ``"(unallocated)"`` row. None: the total only.
    clients : DataFrame, optional
        Clients table; needed for ``"channel"`` and client groupings.
    segments : Series or str, optional
        Segment of each client, for ``by="segment"``.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "Q"
        Period for ``by="period"`` (the allocation behind a client grouping
        always uses monthly spend periods).
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
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    require(transactions, "transactions", ["client_id", "date", "revenue", "variable_cost"])
    require(marketing_spend, "marketing_spend", ["period", "channel", "amount"])
    require_finite(transactions, "transactions", ["revenue", "variable_cost"])
    require_finite(marketing_spend, "marketing_spend", ["amount"])
    require_no_missing(transactions, "transactions", ["client_id", "date"])
    txn = require_dates(transactions, "transactions", ["date"])
    spend = require_dates(marketing_spend, "marketing_spend", ["period"])
    if by is None or (isinstance(by, str) and by == "period"):
        return _company_metrics(txn, spend, by=by, time_unit=time_unit)
    if clients is None:
        raise ValidationError(f"marketing_metrics(by={by!r}) needs the clients table")
    if isinstance(by, str) and by == "channel":
        require(clients, "clients", ["client_id", "acquisition_channel"])
        return _company_metrics(txn, spend, by="channel", clients=clients)
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
        time_unit="M",
        acquired_on=acquired_on,
    )
    return _company_metrics(txn, spend, by=groups, name=name, allocation=allocation)


def _company_metrics(
    transactions: pd.DataFrame,
    spend: pd.DataFrame,
    *,
    by: Literal["period", "channel"] | pd.Series | None,
    clients: pd.DataFrame | None = None,
    name: str = "group",
    time_unit: TimeUnit = "Q",
    allocation: SpendAllocation | None = None,
) -> pd.DataFrame:
    """Compute the metrics table of checked tables (dates parsed, money finite).

    ``by`` is None, ``"period"``, ``"channel"`` (needs ``clients``) or a client
    grouping (client_id -> label, with the ``allocation`` of the spend to clients).
    """
    txn = transactions.assign(
        client_id=client_ids(transactions["client_id"]),
        margin=transactions["revenue"].astype("float64")
        - transactions["variable_cost"].astype("float64"),
        revenue=transactions["revenue"].astype("float64"),
    )
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
        txn["group"] = txn["date"].dt.to_period(time_unit)
        spend_group = spend["period"].dt.to_period(time_unit)
        table = _group_sales(txn).join(
            spend.groupby(spend_group)["amount"].sum().rename("marketing_expenses"), how="outer"
        )
        table.index = table.index.astype(str)
        table.index.name = "period"
        return _finish(table.fillna(0.0), n_total=txn["client_id"].nunique())

    if isinstance(by, str) and by == "channel":
        assert clients is not None
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

    assert isinstance(by, pd.Series) and allocation is not None
    groups = by
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
    return _finish_metrics(table)


def _finish_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``gross_margin_pct``, ``nmc``, ``marketing_ros`` and ``marketing_roi`` columns.

    ``frame`` must hold ``sales``, ``gross_margin`` and ``marketing_expenses``.
    Ratios whose denominator is zero are NaN (undefined), never infinite.
    """
    out = frame.copy()
    sales = out["sales"].astype("float64")
    spend = out["marketing_expenses"].astype("float64")
    out["nmc"] = out["gross_margin"] - spend
    out["gross_margin_pct"] = ratio(out["gross_margin"], sales)
    out["marketing_ros"] = ratio(out["nmc"], sales)
    out["marketing_roi"] = ratio(out["nmc"], spend)
    order = ["sales", "gross_margin", "gross_margin_pct", "marketing_expenses", "nmc"]
    rest = [c for c in out.columns if c not in [*order, "marketing_ros", "marketing_roi"]]
    return out[[*order, "marketing_ros", "marketing_roi", *rest]]
