"""Polars plan of the per-client summary: two lazy group-bys, integer period keys.

The period of a row is an integer computed from the date's day number (days since
1970-01-01, Monday-based weeks as ``(day + 3) // 7``) or its year and month, so the
first group-by keys on (client, Int32). The second group-by produces every summary
column with filtered aggregations and ``min_by`` (the revenue of the first purchase
period): no window, no join. The result is a :class:`polars.LazyFrame`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl

from clientalytics.periods import TimeUnit, period_index


def supports(frame: Any, date_col: str) -> bool:
    """Whether the date column is a naive datetime or a date (time zones take the generic plan)."""
    dtype = frame.collect_schema()[date_col]
    return dtype == pl.Date or (isinstance(dtype, pl.Datetime) and dtype.time_zone is None)


def _period(date: pl.Expr, time_unit: TimeUnit) -> pl.Expr:
    if time_unit == "M":
        return date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32) - 1
    day = date.cast(pl.Date).cast(pl.Int32)
    return (day + 3) // 7 if time_unit == "W" else day


def _rows(
    frame: Any, date_col: str, until: pd.Timestamp | None, after: pd.Timestamp | None
) -> pl.LazyFrame:
    lazy: pl.LazyFrame = frame.lazy()
    date = pl.col(date_col)
    if until is not None:
        lazy = lazy.filter(date <= until.to_pydatetime())
    if after is not None:
        lazy = lazy.filter(date > after.to_pydatetime())
    return lazy


def summary(
    frame: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
    end: pd.Timestamp,
    until: pd.Timestamp | None = None,
) -> pl.LazyFrame:
    """LazyFrame of the per-client summary columns (``client_id`` first)."""
    date = pl.col(date_col)
    revenue = pl.col(revenue_col).cast(pl.Float64)
    cost = pl.col(cost_col).cast(pl.Float64) if cost_col is not None else pl.lit(0.0)
    per_period = (
        _rows(frame, date_col, until, None)
        .group_by(pl.col(client_col).alias("client_id"), _period(date, time_unit).alias("period"))
        .agg(
            revenue.sum().alias("revenue"),
            (pl.col(revenue_col) >= 0).sum().alias("n_orders"),
            cost.sum().alias("cost"),
            date.min().alias("first_date"),
            date.max().alias("last_date"),
        )
    )
    bought = pl.col("n_orders") > 0
    period = pl.col("period").filter(bought)
    per_client = (
        per_period.group_by("client_id")
        .agg(
            period.min().alias("first_period"),
            period.max().alias("last_period"),
            bought.sum().alias("n_periods"),
            pl.col("n_orders").sum().cast(pl.Int64),
            pl.col("first_date").filter(bought).min().alias("first_purchase"),
            pl.col("last_date").filter(bought).max().alias("last_purchase"),
            pl.col("revenue").sum().alias("total_revenue"),
            pl.col("cost").sum().alias("total_cost"),
            (
                pl.col("revenue").filter(bought).sum()
                - pl.col("revenue").filter(bought).min_by(period)
            ).alias("repeat_revenue"),
        )
        .filter(pl.col("n_periods") > 0)
    )
    n_periods = pl.col("n_periods").cast(pl.Int64)
    margin = pl.col("total_revenue") - pl.col("total_cost")
    end_day = pl.lit(end.normalize().to_pydatetime()).cast(pl.Date)
    last_day = pl.col("last_purchase").cast(pl.Date)
    moment = pl.Datetime("us") if frame.collect_schema()[date_col] == pl.Date else None
    return per_client.select(
        pl.col("client_id").cast(pl.String),
        (n_periods - 1).alias("frequency"),
        (pl.col("last_period") - pl.col("first_period")).cast(pl.Float64).alias("recency"),
        (period_index(end, time_unit) - pl.col("first_period")).cast(pl.Float64).alias("T"),
        pl.when(n_periods > 1)
        .then(pl.col("repeat_revenue") / (n_periods - 1))
        .otherwise(0.0)
        .alias("monetary_value"),
        pl.col("n_orders"),
        pl.col("total_revenue"),
        margin.alias("total_margin"),
        (margin / n_periods).alias("mean_margin"),
        *(
            pl.col(name).cast(moment) if moment is not None else pl.col(name)
            for name in ("first_purchase", "last_purchase")
        ),
        (end_day - last_day).dt.total_days().cast(pl.Int64).alias("days_since_last_purchase"),
    )


def holdout(
    frame: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    time_unit: TimeUnit,
    after: pd.Timestamp,
) -> pl.LazyFrame:
    """LazyFrame of purchase periods and mean revenue per purchase period after ``after``."""
    return (
        _rows(frame, date_col, None, after)
        .filter(pl.col(revenue_col) >= 0)
        .group_by(pl.col(client_col).alias("client_id"))
        .agg(
            _period(pl.col(date_col), time_unit).n_unique().alias("frequency_holdout"),
            (
                pl.col(revenue_col).cast(pl.Float64).sum()
                / _period(pl.col(date_col), time_unit).n_unique()
            ).alias("monetary_value_holdout"),
        )
        .with_columns(pl.col("client_id").cast(pl.String))
    )
