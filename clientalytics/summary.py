"""Per-client transaction summaries: the sufficient statistics of every client model.

:func:`summarize` turns a transactions table into one row per client with the
buy-till-you-die statistics (frequency, recency, T, monetary value), the RFM
statistics (days since the last purchase, number of orders, revenue, margin) and
the first and last purchase dates. :func:`calibration_holdout_split` does the same
for a calibration window and counts purchases in the holdout window that follows.

The aggregation runs inside the engine of the input frame, by that engine's own
plan (:mod:`clientalytics._engines`): one SQL query on a DuckDB relation, a lazy
query on Polars, the DataFrame API on Spark, array operations on the columns of a
pandas frame with NumPy dates (client ids encoded once, one sort of integer
(client, period) keys, per-client sums by ``bincount``). Other engines, and
time-zone aware dates, take one engine-generic narwhals plan. Only per-client rows
come back to pandas, and with ``output="native"`` none do: the per-client table is
returned in the input's engine.

Purchases are counted per *period* of the chosen time unit: several orders in one
day (``"D"``), week (``"W"``, Monday to Sunday) or month (``"M"``) make one
purchase, their revenue summed. A credit note (negative revenue) never creates a
purchase period; its amount is netted into the revenue of the period it falls in
and into the client's totals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, overload

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from clientalytics._engines import _pandas, backend
from clientalytics.engine import check_columns, check_complete, to_lazy
from clientalytics.engine import collect as _collect
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    SUMMARY_TIME_UNITS,
    TimeUnit,
    check_time_unit,
    naive_utc,
    per_client_period,
    period_index,
    period_index_expr,
)
from clientalytics.schema import SUMMARY

#: Columns of the frame returned by :func:`summarize`, in order (its declared contract,
#: :data:`clientalytics.schema.SUMMARY`).
SUMMARY_COLUMNS = SUMMARY.column_names

#: Where a summary is returned: a pandas frame, or a lazy frame of the input's engine.
Output = Literal["pandas", "native"]


def _has_rows(lazy: Any) -> bool:
    """Whether the (lazy) frame holds at least one row."""
    counted = lazy.select(nw.len().alias("n")).collect()
    return int(counted["n"][0]) > 0


def _check_types(lazy: Any, columns: dict[str, str | None]) -> None:
    """Dates must be datetimes and amounts numbers: text is never guessed into either."""
    schema = lazy.collect_schema()
    date_col = columns["date"]
    assert date_col is not None
    dtype = schema[date_col]
    if not isinstance(dtype, nw.Datetime | nw.Date) and _has_rows(lazy):
        # (An empty table has no typed values: check_complete then says it is empty.)
        raise ValidationError(
            f"transactions: column {date_col!r} holds {dtype} values, not dates; summarize "
            "reads datetime columns only. Validate the table first (clientalytics.validate("
            "frame, 'transactions') reads ISO and dd.mm.yyyy text and reports bad rows) or "
            f"convert it yourself, e.g. pd.to_datetime(frame[{date_col!r}], format='%Y-%m-%d')"
        )
    zone = getattr(dtype, "time_zone", None)
    # Spark's timestamps always carry the session's zone and are counted on its clock;
    # UTC moments are read on the UTC clock, like every aware moment of the library.
    utc = zone in ("UTC", "Etc/UTC", "+00:00")
    if zone is not None and not utc and not lazy.implementation.is_pyspark():
        # Periods are calendar days of one clock: which clock (local or UTC) is the
        # caller's choice, never a silent conversion.
        raise ValidationError(
            f"transactions: column {date_col!r} is time-zone aware ({zone}); periods are "
            "counted on one clock, so pick it: local time with "
            f"frame[{date_col!r}].dt.tz_localize(None), or UTC with "
            f"frame[{date_col!r}].dt.tz_convert('UTC').dt.tz_localize(None)"
        )
    for role in ("revenue", "cost"):
        col = columns[role]
        if col is None:
            continue
        dtype = schema[col]
        if (not dtype.is_numeric() or dtype == nw.Boolean()) and _has_rows(lazy):
            raise ValidationError(
                f"transactions: column {col!r} holds {dtype} values, not numbers; validate "
                "the table first (clientalytics.validate(frame, 'transactions') reads numbers "
                "held as text and reports bad rows) or convert it with pd.to_numeric"
            )


def _check_input(
    lazy: Any, columns: dict[str, str | None], observation_end: pd.Timestamp | None, date_col: str
) -> pd.Timestamp:
    """One pass over the data: required columns, types, nulls, and the observation end."""
    for role in ("client", "date", "revenue"):
        if columns[role] is None:
            raise ValidationError(
                f"{role}_col is required, got None: pass the name of the transactions' "
                f"{role} column (a summary needs each order's client, date and revenue; use "
                "cost_col=None when there is no cost column)"
            )
    needed = [c for c in columns.values() if c is not None]
    check_columns(lazy, needed, table="transactions")
    _check_types(lazy, columns)
    extra = [nw.col(date_col).max().alias("latest")]
    if observation_end is not None:
        late = (nw.col(date_col) > nw.lit(observation_end.to_pydatetime())).cast(nw.Int64()).sum()
        extra.append(late.alias("late"))
    stats = check_complete(lazy, needed, extra=extra)
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
    return naive_utc(pd.Timestamp(observation_end))


def _options(
    client_col: str, date_col: str, revenue_col: str, cost_col: str | None, time_unit: TimeUnit
) -> dict[str, Any]:
    return {
        "client_col": client_col,
        "date_col": date_col,
        "revenue_col": revenue_col,
        "cost_col": cost_col,
        "time_unit": time_unit,
    }


def _run(plan: Any) -> pd.DataFrame:
    """Run an engine plan of per-client rows and return them as pandas, sorted by client.

    DuckDB and Polars sort the rows themselves (in parallel, on their own strings);
    Spark's rows are sorted in pandas, which spares Spark a global sort.
    """
    lazy = nw.from_native(plan)
    if not lazy.implementation.is_spark_like():
        lazy = lazy.sort("client_id")
    return _collect(lazy)


def _tidy(collected: pd.DataFrame) -> pd.DataFrame:
    """Give an engine plan's collected summary the dtypes and sorted index of the contract."""
    out = collected.set_index("client_id")
    if not out.index.is_monotonic_increasing:
        out = out.sort_index()
    for name in ("frequency", "n_orders", "days_since_last_purchase"):
        out[name] = out[name].astype("int64")
    for name in ("first_purchase", "last_purchase"):
        if out[name].dtype != "datetime64[ns]":
            out[name] = pd.to_datetime(out[name]).astype("datetime64[ns]")
    for name in ("recency", "T", "monetary_value", "total_revenue", "total_margin", "mean_margin"):
        out[name] = out[name].astype(float)
    return out


def _per_client_plan(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
) -> Any:
    """Aggregate inside the engine: per (client, period), then per client.

    The (client, period) table of :func:`~clientalytics.periods.per_client_period`
    gets flags (is it a purchase period, is it the client's first) that let a
    second group-by produce every per-client statistic in one pass.
    """
    per_period = per_client_period(
        lazy,
        client_col=client_col,
        date_col=date_col,
        time_unit=time_unit,
        revenue_col=revenue_col,
        cost_col=cost_col,
        dates=True,
    )
    if cost_col is None:
        per_period = per_period.with_columns(nw.lit(0.0).cast(nw.Float64()).alias("cost"))
    is_purchase = nw.col("n_orders") > 0
    flagged = per_period.with_columns(
        nw.when(is_purchase).then(nw.col("period")).alias("purchase_period"),
        nw.when(is_purchase).then(nw.col("first_date")).alias("purchase_first"),
        nw.when(is_purchase).then(nw.col("last_date")).alias("purchase_last"),
        is_purchase.cast(nw.Int64()).alias("is_purchase"),
    ).with_columns(nw.col("purchase_period").min().over("client_id").alias("first_period"))
    flagged = flagged.with_columns(
        nw.when(is_purchase & (nw.col("period") != nw.col("first_period")))
        .then(nw.col("revenue"))
        .alias("repeat_revenue")
    )
    per_client = (
        flagged.group_by("client_id")
        .agg(
            nw.col("purchase_period").min().alias("first_period"),
            nw.col("purchase_period").max().alias("last_period"),
            nw.col("is_purchase").sum().alias("n_periods"),
            nw.col("n_orders").sum(),
            nw.col("purchase_first").min().alias("first_purchase"),
            nw.col("purchase_last").max().alias("last_purchase"),
            nw.col("revenue").sum().alias("total_revenue"),
            nw.col("cost").sum().alias("total_cost"),
            nw.col("repeat_revenue").mean().alias("monetary_value"),
        )
        .filter(nw.col("n_periods") > 0)
    )
    return per_client


@overload
def summarize(
    transactions: Any,
    *,
    client_col: str = ...,
    date_col: str = ...,
    revenue_col: str = ...,
    cost_col: str | None = ...,
    observation_end: pd.Timestamp | str | dt.date | None = ...,
    time_unit: TimeUnit = ...,
    output: Literal["pandas"] = ...,
) -> pd.DataFrame: ...


@overload
def summarize(
    transactions: Any,
    *,
    client_col: str = ...,
    date_col: str = ...,
    revenue_col: str = ...,
    cost_col: str | None = ...,
    observation_end: pd.Timestamp | str | dt.date | None = ...,
    time_unit: TimeUnit = ...,
    output: Output,
) -> Any: ...


def summarize(
    transactions: Any,
    *,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
    observation_end: pd.Timestamp | str | dt.date | None = None,
    time_unit: TimeUnit = "D",
    output: Output = "pandas",
) -> Any:
    """Summarise each client's transactions into model-ready statistics.

    Parameters
    ----------
    transactions : DataFrame-like
        Transactions as a pandas or Polars frame, a Polars LazyFrame, a DuckDB
        relation or another narwhals-supported frame, with one row per order.
        Validate it first (:func:`clientalytics.validate`); missing values raise,
        and so do dates held as text and amounts held as text (they are never
        guessed: :func:`clientalytics.validate` reads them and reports bad rows).
    client_col, date_col, revenue_col : str
        Names of the client id, order date (datetime or date type) and revenue
        (numeric) columns. All three are required.
    cost_col : str or None
        Variable cost column; ``None`` treats costs as zero (margin = revenue).
    observation_end : timestamp, optional
        End of the observation window. Defaults to the latest order date. Orders
        after it raise (use :func:`calibration_holdout_split` to hold them out).
    time_unit : {"D", "W", "M"}
        Period in which recency, T and frequency are counted: days, weeks (Monday
        to Sunday) or calendar months.
    output : {"pandas", "native"}
        ``"pandas"`` runs the aggregation and returns a pandas frame. ``"native"``
        returns the per-client table in the input's engine, not yet run: a DuckDB
        relation, a Polars LazyFrame or a Spark DataFrame with ``client_id`` (text)
        as its first column, then the columns below, rows in no particular order
        (a pandas input gives the pandas frame). Score it in the engine with
        :func:`clientalytics.engine_scores`.

    Returns
    -------
    pandas.DataFrame or native frame
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
        - ``first_purchase``, ``last_purchase``: earliest transaction date in the
          first purchase period and latest in the last one (the first and last order,
          unless a credit note shares that period and falls outside the orders);
        - ``days_since_last_purchase``: whole days from ``last_purchase`` to the
          observation end (the RFM meaning of recency).

    Raises
    ------
    ValidationError
        Missing columns, a column name given as ``None``, a date column that is
        not of a date type (e.g. text), a revenue or cost column that is not
        numeric, missing values, an empty table, orders after the observation end,
        an unknown time unit, or ``output="native"`` for an input without an engine
        plan (time-zone aware dates on DuckDB or Polars, other engines).

    Notes
    -----
    ``frequency``, ``recency``, ``T`` and ``monetary_value`` equal those of
    ``lifetimes.utils.summary_data_from_transaction_data`` with ``freq`` equal to
    ``time_unit``.
    """
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    lazy = to_lazy(transactions)
    columns = {"client": client_col, "date": date_col, "revenue": revenue_col, "cost": cost_col}
    if output not in ("pandas", "native"):
        raise ValidationError(f"output must be 'pandas' or 'native', got {output!r}")
    end = _check_input(lazy, columns, _resolve_end(observation_end), date_col)
    options = _options(client_col, date_col, revenue_col, cost_col, time_unit)
    module = backend(lazy, date_col)
    if module is not None:
        plan = module.summary(nw.to_native(lazy), **options, end=end)
        return plan if output == "native" else _tidy(_run(plan))
    encoded = _pandas.encode(lazy, **options)
    if encoded is not None:
        return _finish(_pandas.per_client(encoded, slice(None)), end, time_unit)
    if output == "native" and not lazy.implementation.is_pandas():
        raise ValidationError(
            f"output='native' needs a DuckDB, Polars or Spark input with naive dates or "
            f"timestamps; column {date_col!r} of this {lazy.implementation} input takes the "
            "generic plan, which returns pandas (use output='pandas')"
        )
    return _finish(_collect(_per_client_plan(lazy, **options)), end, time_unit)


def _finish(raw: pd.DataFrame, end: pd.Timestamp, time_unit: TimeUnit) -> pd.DataFrame:
    raw = raw.assign(client_id=raw["client_id"].astype(str)).set_index("client_id").sort_index()
    end_period = period_index(end, time_unit)
    first = raw["first_period"].astype("int64")
    n_periods = raw["n_periods"].astype("int64")
    # Time-zone aware dates (generic plan) are read on the UTC clock, as everywhere else.
    first_purchase = naive_utc(pd.to_datetime(raw["first_purchase"])).astype("datetime64[ns]")
    last_purchase = naive_utc(pd.to_datetime(raw["last_purchase"])).astype("datetime64[ns]")
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
        ``monetary_value_holdout`` (mean revenue per holdout purchase period, the
        unit of the calibration ``monetary_value``: orders in one period are
        summed first; 0 when none)
        and ``duration_holdout`` (length of the holdout in periods). Clients whose
        first purchase falls in the holdout have no calibration history and are not
        rows of this table; :func:`summarize` over the whole window still counts them.

    Raises
    ------
    ValidationError
        When ``calibration_end`` is not before ``observation_end``, when either
        window has no order, and for the reasons of :func:`summarize`.
    """
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    lazy = to_lazy(transactions)
    columns = {"client": client_col, "date": date_col, "revenue": revenue_col, "cost": cost_col}
    end = _check_input(lazy, columns, _resolve_end(observation_end), date_col)
    cal_end = _resolve_end(calibration_end)
    assert cal_end is not None
    if cal_end >= end:
        raise ValidationError(f"calibration_end {cal_end} must be before observation_end {end}")
    options = _options(client_col, date_col, revenue_col, cost_col, time_unit)
    cut = cal_end.to_pydatetime()
    module = backend(lazy, date_col)
    encoded = _pandas.encode(lazy, **options) if module is None else None
    if module is not None:
        native = nw.to_native(lazy)
        calibrated = module.summary(native, **options, end=cal_end, until=cal_end)
        calibration = _tidy(_run(calibrated))
        hold = _collect(
            nw.from_native(
                module.holdout(
                    native,
                    client_col=client_col,
                    date_col=date_col,
                    revenue_col=revenue_col,
                    time_unit=time_unit,
                    after=cal_end,
                )
            )
        )
    elif encoded is not None:
        in_cal = encoded.moment.view(encoded.dtype) <= np.datetime64(cut, "us")
        calibration = _finish(_pandas.per_client(encoded, in_cal), cal_end, time_unit)
        hold = _pandas.holdout(encoded, ~in_cal)
    else:
        in_window = lazy.filter(nw.col(date_col) <= nw.lit(cut))
        cal_raw = _collect(_per_client_plan(in_window, **options))
        calibration = _finish(cal_raw, cal_end, time_unit) if not cal_raw.empty else cal_raw
        hold = _collect(
            lazy.filter(nw.col(date_col) > nw.lit(cut))
            .select(
                nw.col(client_col).alias("client_id"),
                period_index_expr(date_col, time_unit).alias("period"),
                nw.col(revenue_col).cast(nw.Float64()).alias("revenue"),
            )
            .filter(nw.col("revenue") >= 0)
            .group_by("client_id")
            .agg(
                nw.col("period").n_unique().alias("frequency_holdout"),
                nw.col("revenue").sum().alias("revenue_holdout"),
            )
            .with_columns(
                (nw.col("revenue_holdout") / nw.col("frequency_holdout")).alias(
                    "monetary_value_holdout"
                )
            )
            .drop("revenue_holdout")
        )
    if calibration.empty:
        raise ValidationError(f"no order on or before calibration_end {cal_end.date()}")
    calibration = calibration.add_suffix("_cal")
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
