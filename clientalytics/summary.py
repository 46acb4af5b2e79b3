"""Per-client transaction summaries: the sufficient statistics of every client model.

:func:`summarize` turns a transactions table into one row per client with the
buy-till-you-die statistics (frequency, recency, T, monetary value), the RFM
statistics (days since the last purchase, number of orders, revenue, margin) and
the first and last purchase dates. :func:`calibration_holdout_split` does the same
for a calibration window and counts purchases in the holdout window that follows.

The aggregation runs inside the engine of the input frame (pandas, Polars eager or
lazy, a DuckDB relation, or anything else narwhals supports): only per-client rows
come back to pandas.

Purchases are counted per *period* of the chosen time unit: several orders in one
day (``"D"``), week (``"W"``, Monday to Sunday) or month (``"M"``) make one
purchase, their revenue summed. A credit note (negative revenue) never creates a
purchase period; its amount is netted into the revenue of the period it falls in
and into the client's totals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.engine import (
    TimeUnit,
    check_columns,
    check_time_unit,
    period_index,
    period_index_expr,
    to_lazy,
)
from clientalytics.engine import collect as _collect
from clientalytics.exceptions import ValidationError

#: Columns of the frame returned by :func:`summarize`, in order.
SUMMARY_COLUMNS = [
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "n_orders",
    "total_revenue",
    "total_margin",
    "mean_margin",
    "first_purchase",
    "last_purchase",
    "days_since_last_purchase",
]


def _check_input(
    lazy: Any, columns: dict[str, str | None], observation_end: pd.Timestamp | None, date_col: str
) -> pd.Timestamp:
    """One pass over the data: required columns, nulls, and the observation end."""
    needed = [c for c in columns.values() if c is not None]
    check_columns(lazy, needed)
    checks = [nw.col(c).is_null().cast(nw.Int64()).sum().alias(f"null:{c}") for c in needed]
    checks += [nw.len().alias("rows"), nw.col(date_col).max().alias("latest")]
    if observation_end is not None:
        late = (nw.col(date_col) > nw.lit(observation_end.to_pydatetime())).cast(nw.Int64()).sum()
        checks.append(late.alias("late"))
    stats = _collect(lazy.select(*checks)).iloc[0]
    if int(stats["rows"]) == 0:
        raise ValidationError("transactions: the table is empty (0 rows)")
    for col in needed:
        n_null = int(stats[f"null:{col}"])
        if n_null:
            raise ValidationError(
                f"transactions: column {col!r} has {n_null} missing value(s); validate the "
                "table first (clientalytics.validate(frame, 'transactions')) to see and "
                "reject the bad rows"
            )
    if observation_end is None:
        return pd.Timestamp(stats["latest"])
    if int(stats["late"]):
        raise ValidationError(
            f"transactions: column {date_col!r} has {int(stats['late'])} row(s) after "
            f"observation_end {observation_end.date()} (latest {pd.Timestamp(stats['latest'])}); "
            "pass a later observation_end, or use calibration_holdout_split to hold them out"
        )
    return observation_end


def _resolve_end(observation_end: pd.Timestamp | str | dt.date | None) -> pd.Timestamp | None:
    if observation_end is None:
        return None
    end = pd.Timestamp(observation_end)
    if end.tzinfo is not None:
        end = end.tz_convert("UTC").tz_localize(None)
    return end


def _per_client(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
) -> pd.DataFrame:
    """Aggregate inside the engine: per (client, period), then per client."""
    cost = nw.col(cost_col) if cost_col is not None else nw.lit(0.0)
    per_period = (
        lazy.select(
            nw.col(client_col).alias("client_id"),
            period_index_expr(date_col, time_unit).alias("period"),
            nw.col(date_col).alias("date"),
            nw.col(revenue_col).cast(nw.Float64()).alias("revenue"),
            cost.cast(nw.Float64()).alias("cost"),
            (nw.col(revenue_col) >= 0).cast(nw.Int64()).alias("is_order"),
        )
        .group_by("client_id", "period")
        .agg(
            nw.col("revenue").sum(),
            nw.col("cost").sum(),
            nw.col("is_order").sum().alias("n_orders"),
            nw.col("date").min().alias("first_date"),
            nw.col("date").max().alias("last_date"),
        )
    )
    totals = per_period.group_by("client_id").agg(
        nw.col("revenue").sum().alias("total_revenue"),
        nw.col("cost").sum().alias("total_cost"),
    )
    purchases = per_period.filter(nw.col("n_orders") > 0)
    per_client = purchases.group_by("client_id").agg(
        nw.col("period").min().alias("first_period"),
        nw.col("period").max().alias("last_period"),
        nw.len().alias("n_periods"),
        nw.col("n_orders").sum(),
        nw.col("first_date").min().alias("first_purchase"),
        nw.col("last_date").max().alias("last_purchase"),
    )
    repeat = (
        purchases.join(per_client.select("client_id", "first_period"), on="client_id")
        .filter(nw.col("period") != nw.col("first_period"))
        .group_by("client_id")
        .agg(nw.col("revenue").mean().alias("monetary_value"))
    )
    joined = per_client.join(totals, on="client_id", how="left").join(
        repeat, on="client_id", how="left"
    )
    return _collect(joined)


def summarize(
    transactions: Any,
    *,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
    observation_end: pd.Timestamp | str | dt.date | None = None,
    time_unit: TimeUnit = "D",
) -> pd.DataFrame:
    """Summarise each client's transactions into model-ready statistics.

    Parameters
    ----------
    transactions : DataFrame-like
        Transactions as a pandas or Polars frame, a Polars LazyFrame, a DuckDB
        relation or another narwhals-supported frame, with one row per order.
        Validate it first (:func:`clientalytics.validate`); missing values raise.
    client_col, date_col, revenue_col : str
        Names of the client id, order date and revenue columns.
    cost_col : str or None
        Variable cost column; ``None`` treats costs as zero (margin = revenue).
    observation_end : timestamp, optional
        End of the observation window. Defaults to the latest order date. Orders
        after it raise (use :func:`calibration_holdout_split` to hold them out).
    time_unit : {"D", "W", "M"}
        Period in which recency, T and frequency are counted: days, weeks (Monday
        to Sunday) or calendar months.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (sorted), one row per client with at least one
        purchase, columns:

        - ``frequency``: number of repeat purchase periods (purchase periods - 1);
        - ``recency``: periods from the first to the last purchase (the
          buy-till-you-die meaning; 0 for one-period clients);
        - ``T``: periods from the first purchase to the observation end (age);
        - ``monetary_value``: mean revenue of the repeat purchase periods (0 when
          ``frequency`` is 0), as in the Gamma-Gamma model;
        - ``n_orders``: number of orders (credit notes excluded);
        - ``total_revenue``, ``total_margin``: sums over all rows, credit notes
          netted; margin = revenue - variable cost;
        - ``mean_margin``: ``total_margin`` per purchase period;
        - ``first_purchase``, ``last_purchase``: dates of the first and last order;
        - ``days_since_last_purchase``: whole days from the last order to the
          observation end (the RFM meaning of recency).

    Raises
    ------
    ValidationError
        Missing columns, missing values, an empty table, orders after the
        observation end or an unknown time unit.

    Notes
    -----
    ``frequency``, ``recency``, ``T`` and ``monetary_value`` equal those of
    ``lifetimes.utils.summary_data_from_transaction_data`` with ``freq`` equal to
    ``time_unit``.
    """
    check_time_unit(time_unit)
    lazy = to_lazy(transactions)
    columns = {"client": client_col, "date": date_col, "revenue": revenue_col, "cost": cost_col}
    end = _check_input(lazy, columns, _resolve_end(observation_end), date_col)
    raw = _per_client(
        lazy,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
        time_unit=time_unit,
    )
    return _finish(raw, end, time_unit)


def _finish(raw: pd.DataFrame, end: pd.Timestamp, time_unit: TimeUnit) -> pd.DataFrame:
    raw = raw.assign(client_id=raw["client_id"].astype(str)).set_index("client_id").sort_index()
    end_period = period_index(end, time_unit)
    first = raw["first_period"].astype("int64")
    n_periods = raw["n_periods"].astype("int64")
    first_purchase = pd.to_datetime(raw["first_purchase"]).astype("datetime64[ns]")
    last_purchase = pd.to_datetime(raw["last_purchase"]).astype("datetime64[ns]")
    total_margin = raw["total_revenue"].astype(float) - raw["total_cost"].astype(float)
    out = pd.DataFrame(
        {
            "frequency": n_periods - 1,
            "recency": (raw["last_period"].astype("int64") - first).astype(float),
            "T": (end_period - first).astype(float),
            "monetary_value": raw["monetary_value"].astype(float).fillna(0.0),
            "n_orders": raw["n_orders"].astype("int64"),
            "total_revenue": raw["total_revenue"].astype(float),
            "total_margin": total_margin,
            "mean_margin": total_margin / n_periods,
            "first_purchase": first_purchase,
            "last_purchase": last_purchase,
            "days_since_last_purchase": (end.normalize() - last_purchase.dt.normalize()).dt.days,
        },
        index=raw.index,
    )
    out.index.name = "client_id"
    return out


def calibration_holdout_split(
    transactions: Any,
    *,
    calibration_end: pd.Timestamp | str | dt.date,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
    time_unit: TimeUnit = "D",
) -> pd.DataFrame:
    """Summarise a calibration window and count purchases in the holdout after it.

    Parameters
    ----------
    transactions : DataFrame-like
        As for :func:`summarize`.
    calibration_end : timestamp
        Last moment of the calibration window (inclusive).
    observation_end : timestamp, optional
        End of the holdout window (inclusive); defaults to the latest order date.
        Later orders raise.
    client_col, date_col, revenue_col, cost_col, time_unit
        As for :func:`summarize`.

    Returns
    -------
    pandas.DataFrame
        One row per client with a purchase in the calibration window, indexed by
        ``client_id``: every :func:`summarize` column with the suffix ``_cal``,
        then ``frequency_holdout`` (purchase periods in the holdout),
        ``monetary_value_holdout`` (mean revenue per holdout order, 0 when none)
        and ``duration_holdout`` (length of the holdout in periods). Clients whose
        first purchase falls in the holdout have no calibration history and are not
        rows of this table; :func:`summarize` over the whole window still counts them.

    Raises
    ------
    ValidationError
        When ``calibration_end`` is not before ``observation_end``, when either
        window has no order, and for the reasons of :func:`summarize`.
    """
    check_time_unit(time_unit)
    lazy = to_lazy(transactions)
    columns = {"client": client_col, "date": date_col, "revenue": revenue_col, "cost": cost_col}
    end = _check_input(lazy, columns, _resolve_end(observation_end), date_col)
    cal_end = _resolve_end(calibration_end)
    assert cal_end is not None
    if cal_end >= end:
        raise ValidationError(f"calibration_end {cal_end} must be before observation_end {end}")
    in_cal = lazy.filter(nw.col(date_col) <= nw.lit(cal_end.to_pydatetime()))
    holdout = lazy.filter(nw.col(date_col) > nw.lit(cal_end.to_pydatetime()))
    options = dict(
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
        time_unit=time_unit,
    )
    cal_raw = _per_client(in_cal, **options)  # type: ignore[arg-type]
    if cal_raw.empty:
        raise ValidationError(f"no order on or before calibration_end {cal_end.date()}")
    calibration = _finish(cal_raw, cal_end, time_unit).add_suffix("_cal")
    hold = _collect(
        holdout.select(
            nw.col(client_col).alias("client_id"),
            period_index_expr(date_col, time_unit).alias("period"),
            nw.col(revenue_col).cast(nw.Float64()).alias("revenue"),
        )
        .filter(nw.col("revenue") >= 0)
        .group_by("client_id")
        .agg(
            nw.col("period").n_unique().alias("frequency_holdout"),
            nw.col("revenue").mean().alias("monetary_value_holdout"),
        )
    )
    if hold.empty:
        raise ValidationError(
            f"no order after calibration_end {cal_end.date()} up to observation_end {end.date()}"
        )
    hold = hold.assign(client_id=hold["client_id"].astype(str)).set_index("client_id")
    out = calibration.join(hold, how="left")
    out["frequency_holdout"] = out["frequency_holdout"].fillna(0).astype("int64")
    out["monetary_value_holdout"] = out["monetary_value_holdout"].astype(float).fillna(0.0)
    out["duration_holdout"] = float(period_index(end, time_unit) - period_index(cal_end, time_unit))
    return out
