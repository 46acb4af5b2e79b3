"""Spark plan of the per-client summary: two aggregations of the DataFrame API.

The same plan as a hand-written Spark SQL query: group the rows by (client,
period), where the period is the row's date (``to_date``), the Monday of its week
(``date_trunc``) or the first of its month (``trunc``), then group the periods by
client. Conditional aggregates (``when`` inside ``min``, ``max``, ``sum``) and
``min_by`` (the revenue of the first purchase period) produce every column in the
second aggregation, all of fixed width, so Spark runs two hash aggregations: no
window, no join, no sort. Calendar fields are taken in the session time zone, as in
the generic plan.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clientalytics.periods import TimeUnit, period_index


def _functions() -> Any:
    from pyspark.sql import functions

    return functions


def _period(date: Any, time_unit: TimeUnit) -> Any:
    F = _functions()
    if time_unit == "D":
        return F.to_date(date)
    if time_unit == "W":
        return F.to_date(F.date_trunc("week", date))
    return F.trunc(date, "month")


def _index(period: Any, time_unit: TimeUnit) -> Any:
    """Period index (as :func:`clientalytics.periods.period_index`) of a period's first day."""
    F = _functions()
    if time_unit == "D":
        return F.datediff(period, F.lit("1970-01-01").cast("date")).cast("long")
    if time_unit == "W":
        # Mondays differ from Monday 1969-12-29 (the start of week 0) by whole weeks.
        return (F.datediff(period, F.lit("1969-12-29").cast("date")) / 7).cast("long")
    return (F.year(period) * 12 + F.month(period) - 1).cast("long")


def _cut(moment: pd.Timestamp) -> Any:
    """Return the moment as a wall-clock literal, compared on the column's session clock."""
    F = _functions()
    return F.lit(moment.isoformat(sep=" ")).cast("timestamp_ntz")


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
) -> Any:
    """Spark DataFrame of the per-client summary columns (``client_id`` first)."""
    F = _functions()
    date = F.col(date_col)
    revenue = F.col(revenue_col).cast("double")
    rows = frame if until is None else frame.filter(date <= _cut(until))
    cost = F.col(cost_col).cast("double") if cost_col is not None else F.lit(0.0)
    per_period = rows.groupBy(
        F.col(client_col).alias("client_id"), _period(date, time_unit).alias("period")
    ).agg(
        F.sum(revenue).alias("revenue"),
        F.count(F.when(F.col(revenue_col) >= 0, 1)).alias("n_orders"),
        F.sum(cost).alias("cost"),
        F.min(date).alias("first_date"),
        F.max(date).alias("last_date"),
    )
    bought = F.col("n_orders") > 0

    def when_bought(column: Any) -> Any:
        return F.when(bought, column)

    per_client = (
        per_period.groupBy("client_id")
        .agg(
            F.min(when_bought(F.col("period"))).alias("first_period"),
            F.max(when_bought(F.col("period"))).alias("last_period"),
            F.count(when_bought(F.lit(1))).alias("n_periods"),
            F.sum("n_orders").alias("n_orders"),
            F.min(when_bought(F.col("first_date"))).alias("first_purchase"),
            F.max(when_bought(F.col("last_date"))).alias("last_purchase"),
            F.sum("revenue").alias("total_revenue"),
            F.sum("cost").alias("total_cost"),
            F.sum(when_bought(F.col("revenue"))).alias("bought_revenue"),
            # (min_by skips rows whose ordering is null: the periods without orders)
            F.min_by(F.col("revenue"), when_bought(F.col("period"))).alias("first_revenue"),
        )
        .filter(F.col("n_periods") > 0)
    )
    first, last = _index(F.col("first_period"), time_unit), _index(F.col("last_period"), time_unit)
    n_periods = F.col("n_periods")
    margin = F.col("total_revenue") - F.col("total_cost")
    end_day = F.lit(end.date().isoformat()).cast("date")
    repeat = F.col("bought_revenue") - F.col("first_revenue")
    return per_client.select(
        F.col("client_id").cast("string").alias("client_id"),
        (n_periods - 1).cast("long").alias("frequency"),
        (last - first).cast("double").alias("recency"),
        (F.lit(period_index(end, time_unit)) - first).cast("double").alias("T"),
        F.when(n_periods > 1, repeat / (n_periods - 1)).otherwise(0.0).alias("monetary_value"),
        F.col("n_orders").cast("long").alias("n_orders"),
        F.col("total_revenue"),
        margin.alias("total_margin"),
        (margin / n_periods).alias("mean_margin"),
        F.col("first_purchase"),
        F.col("last_purchase"),
        F.datediff(end_day, F.to_date("last_purchase"))
        .cast("long")
        .alias("days_since_last_purchase"),
    )


def holdout(
    frame: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    time_unit: TimeUnit,
    after: pd.Timestamp,
) -> Any:
    """Spark DataFrame of purchase periods and mean revenue per purchase period after ``after``."""
    F = _functions()
    date = F.col(date_col)
    rows = frame.filter((date > _cut(after)) & (F.col(revenue_col) >= 0))
    return (
        rows.groupBy(F.col(client_col).alias("client_id"))
        .agg(
            F.countDistinct(_period(date, time_unit)).alias("frequency_holdout"),
            (
                F.sum(F.col(revenue_col).cast("double")) / F.countDistinct(_period(date, time_unit))
            ).alias("monetary_value_holdout"),
        )
        .withColumn("client_id", F.col("client_id").cast("string"))
    )


def supports(frame: Any, date_col: str) -> bool:
    """Whether the date column is a timestamp (with or without zone) or a date."""
    from pyspark.sql import types

    dtype = frame.schema[date_col].dataType
    return isinstance(dtype, types.TimestampType | types.TimestampNTZType | types.DateType)
