"""Per-client transaction summaries: the sufficient statistics of every client model.

:func:`summarize` turns a transactions table into one row per client with the
buy-till-you-die statistics (frequency, recency, T, monetary value), the RFM
statistics (days since the last purchase, number of orders, revenue, margin) and
the first and last purchase dates. :func:`calibration_holdout_split` does the same
for a calibration window and counts purchases in the holdout window that follows.

The aggregation runs inside the engine of the input frame (pandas, Polars eager or
lazy, a DuckDB relation, or anything else narwhals supports): only per-client rows
come back to pandas. A pandas frame with a NumPy datetime column is aggregated
with array operations on its columns (client ids encoded once, one sort of
integer (client, period) keys, per-client sums by ``bincount``), which gives the
same numbers as the engine-generic plan in a fraction of its time and memory.

Purchases are counted per *period* of the chosen time unit: several orders in one
day (``"D"``), week (``"W"``, Monday to Sunday) or month (``"M"``) make one
purchase, their revenue summed. A credit note (negative revenue) never creates a
purchase period; its amount is netted into the revenue of the period it falls in
and into the client's totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

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


#: Units of NumPy datetime64 values per day, for the integer day index.
_PER_DAY = {
    "D": 1,
    "h": 24,
    "m": 24 * 60,
    "s": 86_400,
    "ms": 86_400_000,
    "us": 86_400_000_000,
    "ns": 86_400_000_000_000,
}


@dataclass(frozen=True)
class _Encoded:
    """Columns of a pandas transactions frame as NumPy arrays, client ids encoded.

    ``codes`` numbers the clients of ``clients`` (0, 1, ...), ``period`` is the
    period index of every row (as :func:`~clientalytics.periods.period_index`),
    ``moment`` the dates as integers of the column's datetime unit (``dtype``).
    """

    codes: np.ndarray
    clients: pd.Index
    period: np.ndarray
    low: int
    span: int
    moment: np.ndarray
    dtype: np.dtype[Any]
    revenue: np.ndarray
    cost: np.ndarray | None

    def keys(self, rows: np.ndarray | slice) -> np.ndarray:
        """Integer key ``client * span + period - low`` of the selected rows.

        Keys sort by client, then period; ``key // span`` is the client code and
        ``key % span + low`` the period.
        """
        key: np.ndarray = self.codes[rows] * self.span + (self.period[rows] - self.low)
        return key


def _encode(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
) -> _Encoded | None:
    """Arrays of a pandas input, or ``None`` when the generic plan must run.

    Only pandas frames whose date column holds naive NumPy datetimes and whose
    revenue and cost columns are numeric take the array path; anything else
    (time-zone aware or Arrow dates, other engines) is aggregated by the engine.
    """
    if not lazy.implementation.is_pandas():
        return None
    frame = nw.to_native(lazy)
    dates = frame[date_col]
    if not (isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M"):
        return None
    unit, count = np.datetime_data(dates.dtype)
    amounts = [frame[c] for c in (revenue_col, cost_col) if c is not None]
    if unit not in _PER_DAY or not all(_is_number(a) for a in amounts) or len(frame) == 0:
        return None
    values = dates.to_numpy()
    if time_unit == "M":
        period = values.astype("datetime64[M]").view("int64") + 1970 * 12
    elif count == 1:
        period = values.view("int64") // _PER_DAY[unit]  # floor: whole days since 1970
    else:
        period = values.astype("datetime64[D]").view("int64")
    if time_unit == "W":
        period += 3  # 1970-01-01 is a Thursday; weeks start on the Monday before
        period //= 7
    codes, clients = pd.factorize(frame[client_col])
    low = int(period.min())
    span = int(period.max()) - low + 1
    if len(clients) * span >= 2**62:  # (client, period) keys would not fit in int64
        return None
    return _Encoded(
        codes=codes.astype(np.int64, copy=False),
        clients=pd.Index(clients),
        period=period,
        low=low,
        span=span,
        moment=values.view("int64"),
        dtype=values.dtype,
        revenue=amounts[0].to_numpy(dtype=np.float64),
        cost=amounts[1].to_numpy(dtype=np.float64) if cost_col is not None else None,
    )


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (one in-place sort of ``keys``)."""
    keys.sort()
    return keys[_run_starts(keys)]


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the elements that differ from their predecessor (and the first)."""
    starts = np.empty(len(values), dtype=bool)
    starts[:1] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _per_client_arrays(enc: _Encoded, rows: np.ndarray | slice) -> pd.DataFrame:
    """Per-client statistics of the selected rows, computed with NumPy.

    Same columns and meaning as the engine plan of :func:`_per_client`: purchase
    periods are the (client, period) pairs with at least one order; a credit note
    adds its amount to the revenue of its period (a repeat purchase period or not)
    and to the client's totals.
    """
    n_clients, low, span = len(enc.clients), enc.low, enc.span
    codes, period, revenue = enc.codes[rows], enc.period[rows], enc.revenue[rows]
    is_order = revenue >= 0
    key = enc.keys(rows)
    # Distinct (client, period) keys of the orders, sorted: runs of one client each.
    order_keys = _distinct(key[is_order])
    owner = order_keys // span
    n_periods = np.bincount(owner, minlength=n_clients)
    starts = np.flatnonzero(_run_starts(owner))
    ends = np.append(starts[1:], len(owner)) - 1 if len(starts) else starts
    buyers = owner[starts]
    first_period = np.full(n_clients, low - 1)
    last_period = np.full(n_clients, low - 1)
    first_period[buyers] = order_keys[starts] % span + low
    last_period[buyers] = order_keys[ends] % span + low
    del owner
    # A credit note belongs to a purchase period when its key is an order key.
    in_purchase = is_order.copy()
    notes = np.flatnonzero(~is_order)
    if len(notes) and len(order_keys):
        where = np.minimum(np.searchsorted(order_keys, key[notes]), len(order_keys) - 1)
        in_purchase[notes[order_keys[where] == key[notes]]] = True
    del key, order_keys
    in_first = period == first_period[codes]
    in_last = period == last_period[codes]
    repeat_revenue = np.bincount(
        codes, weights=np.where(in_purchase & ~in_first, revenue, 0.0), minlength=n_clients
    )
    del in_purchase
    moment = enc.moment[rows]
    first_purchase = np.full(n_clients, np.iinfo(np.int64).max)
    np.minimum.at(first_purchase, codes[in_first], moment[in_first])
    last_purchase = np.full(n_clients, np.iinfo(np.int64).min)
    np.maximum.at(last_purchase, codes[in_last], moment[in_last])
    del in_first, in_last
    total_cost = (
        np.bincount(codes, weights=enc.cost[rows], minlength=n_clients)
        if enc.cost is not None
        else np.zeros(n_clients)
    )
    per_client = {
        "first_period": first_period,
        "last_period": last_period,
        "n_periods": n_periods,
        "n_orders": np.bincount(codes[is_order], minlength=n_clients),
        "first_purchase": first_purchase.view(enc.dtype),
        "last_purchase": last_purchase.view(enc.dtype),
        "total_revenue": np.bincount(codes, weights=revenue, minlength=n_clients),
        "total_cost": total_cost,
        "monetary_value": np.divide(
            repeat_revenue,
            n_periods - 1,
            out=np.full(n_clients, np.nan),
            where=n_periods > 1,
        ),
    }
    bought = n_periods > 0
    columns = {name: values[bought] for name, values in per_client.items()}
    return pd.DataFrame({"client_id": enc.clients[bought], **columns})


def _holdout_arrays(enc: _Encoded, rows: np.ndarray) -> pd.DataFrame:
    """Purchase periods and mean order revenue per client over the selected rows."""
    n_clients = len(enc.clients)
    rows = rows & (enc.revenue >= 0)
    codes = enc.codes[rows]
    n_orders = np.bincount(codes, minlength=n_clients)
    revenue = np.bincount(codes, weights=enc.revenue[rows], minlength=n_clients)
    n_periods = np.bincount(_distinct(enc.keys(rows)) // enc.span, minlength=n_clients)
    ordered = n_orders > 0
    return pd.DataFrame(
        {
            "client_id": enc.clients[ordered],
            "frequency_holdout": n_periods[ordered],
            "monetary_value_holdout": revenue[ordered] / n_orders[ordered],
        }
    )


def _per_client(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
) -> pd.DataFrame:
    """Per-client statistics of all rows: array path for pandas, else the engine plan."""
    options = dict(
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
        time_unit=time_unit,
    )
    encoded = _encode(lazy, **options)  # type: ignore[arg-type]
    if encoded is not None:
        return _per_client_arrays(encoded, slice(None))
    return _collect(_per_client_plan(lazy, **options))  # type: ignore[arg-type]


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
        numeric, missing values, an empty table, orders after the observation end
        or an unknown time unit.

    Notes
    -----
    ``frequency``, ``recency``, ``T`` and ``monetary_value`` equal those of
    ``lifetimes.utils.summary_data_from_transaction_data`` with ``freq`` equal to
    ``time_unit``.
    """
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
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
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    lazy = to_lazy(transactions)
    columns = {"client": client_col, "date": date_col, "revenue": revenue_col, "cost": cost_col}
    end = _check_input(lazy, columns, _resolve_end(observation_end), date_col)
    cal_end = _resolve_end(calibration_end)
    assert cal_end is not None
    if cal_end >= end:
        raise ValidationError(f"calibration_end {cal_end} must be before observation_end {end}")
    options = dict(
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
        time_unit=time_unit,
    )
    cut = cal_end.to_pydatetime()
    encoded = _encode(lazy, **options)  # type: ignore[arg-type]
    if encoded is not None:
        in_cal = encoded.moment.view(encoded.dtype) <= np.datetime64(cut, "us")
        cal_raw = _per_client_arrays(encoded, in_cal)
        hold = _holdout_arrays(encoded, ~in_cal)
    else:
        in_window = lazy.filter(nw.col(date_col) <= nw.lit(cut))
        cal_raw = _collect(_per_client_plan(in_window, **options))  # type: ignore[arg-type]
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
                nw.col("revenue").mean().alias("monetary_value_holdout"),
            )
        )
    if cal_raw.empty:
        raise ValidationError(f"no order on or before calibration_end {cal_end.date()}")
    calibration = _finish(cal_raw, cal_end, time_unit).add_suffix("_cal")
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
