"""Running transaction-level aggregations inside the engine of the input frame.

Functions that aggregate raw transactions accept a pandas or Polars frame, a Polars
LazyFrame, a DuckDB relation or any other frame narwhals supports. They turn it
into a narwhals lazy frame with :func:`to_lazy`, express the aggregation with
narwhals expressions (so the engine does the work), and bring only the small
aggregated result back to pandas with :func:`collect`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.exceptions import ValidationError

TimeUnit = Literal["D", "W", "M"]
#: Time units understood by :func:`period_index_expr` and :func:`period_index`.
TIME_UNITS: tuple[str, ...] = ("D", "W", "M")

_EPOCH = dt.datetime(1970, 1, 1)

#: Days from 1601-01-01 (a Monday, start of a 400-year Gregorian cycle) to 1970-01-01.
_DAYS_1601_TO_1970 = 134_774
#: Whole weeks from 1601-01-01 to Monday 1969-12-29, which starts the week of 1970-01-01.
_WEEKS_1601_TO_1970 = (_DAYS_1601_TO_1970 - 3) // 7


def to_lazy(frame: Any, *, table: str = "transactions") -> Any:
    """Wrap a native frame as a narwhals LazyFrame.

    Parameters
    ----------
    frame : DataFrame-like
        pandas, Polars (eager or lazy), DuckDB relation, or another
        narwhals-supported frame.
    table : str
        Table name used in the error message.

    Returns
    -------
    narwhals.LazyFrame

    Raises
    ------
    ValidationError
        When the object is not a supported frame.
    """
    try:
        wrapped = nw.from_native(frame)
    except TypeError as exc:
        raise ValidationError(
            f"{table}: expected a pandas, Polars, DuckDB (or other narwhals-supported) "
            f"frame, got {type(frame).__name__}"
        ) from exc
    return wrapped.lazy() if isinstance(wrapped, nw.DataFrame) else wrapped


def collect(frame: Any) -> pd.DataFrame:
    """Execute a narwhals (lazy) frame and return the result as pandas.

    Spark's ``TimestampType`` holds instants that Spark shows, and computes calendar
    fields from, in the session time zone; they come back time-zone aware. They are
    returned as naive wall-clock times of that zone, the times the analyst loaded,
    so a Spark result equals the result of the same data on any other engine.
    """
    collected = frame.collect() if hasattr(frame, "collect") else frame
    out: pd.DataFrame = collected.to_pandas()
    if frame.implementation.is_spark_like():
        for name in out.columns:
            if isinstance(out[name].dtype, pd.DatetimeTZDtype):
                out[name] = out[name].dt.tz_localize(None)
    return out


def check_columns(lazy: Any, columns: list[str], *, table: str = "transactions") -> None:
    """Raise :class:`ValidationError` naming any of ``columns`` missing from ``lazy``."""
    present = set(lazy.collect_schema().names())
    missing = [c for c in columns if c not in present]
    if missing:
        raise ValidationError(
            f"{table}: missing required column(s) {missing}; found {sorted(present)[:12]}"
        )


def check_complete(
    lazy: Any,
    columns: Sequence[str],
    *,
    table: str = "transactions",
    extra: Sequence[Any] = (),
) -> pd.Series:
    """Check in one pass that ``columns`` exist, the frame has rows and no missing values.

    Parameters
    ----------
    lazy : narwhals.LazyFrame
        The input, from :func:`to_lazy`.
    columns : sequence of str
        Columns that must be present and complete.
    table : str
        Table name used in error messages.
    extra : sequence of narwhals expressions
        Further named aggregations to compute in the same pass (e.g. the latest date).

    Returns
    -------
    pandas.Series
        The one-row result: ``rows``, ``null:<column>`` for each column, and ``extra``.

    Raises
    ------
    ValidationError
        Naming the missing column, an empty table, or the column and number of
        missing values.
    """
    check_columns(lazy, list(columns), table=table)
    counts = [nw.col(c).is_null().cast(nw.Int64()).sum().alias(f"null:{c}") for c in columns]
    stats = collect(lazy.select(nw.len().alias("rows"), *counts, *extra)).iloc[0]
    if int(stats["rows"]) == 0:
        raise ValidationError(f"{table}: the table is empty (0 rows)")
    for col in columns:
        n_null = int(stats[f"null:{col}"])
        if n_null:
            raise ValidationError(
                f"{table}: column {col!r} has {n_null} missing value(s); validate the table "
                f"first (clientalytics.validate(frame, {table!r})) to see and reject the bad rows"
            )
    return stats


def check_time_unit(time_unit: str) -> None:
    """Raise :class:`ValidationError` unless ``time_unit`` is one of :data:`TIME_UNITS`."""
    if time_unit not in TIME_UNITS:
        raise ValidationError(f"time_unit must be one of {list(TIME_UNITS)}, got {time_unit!r}")


def period_index_expr(date_col: str, time_unit: TimeUnit) -> Any:
    """Narwhals expression: integer index of the period a date falls in.

    Days count from 1970-01-01, weeks run Monday to Sunday, months are calendar
    months (``year * 12 + month - 1``). Differences of two indexes are whole periods.

    The expression uses only calendar fields (year, month, day of the year) and
    integer arithmetic, so every engine evaluates it the same way, PySpark included
    (which has no duration arithmetic in narwhals). Dates from 1601 on are supported.
    """
    if time_unit == "M":
        return nw.col(date_col).dt.year() * 12 + nw.col(date_col).dt.month() - 1
    days = _days_since_1601(date_col)
    if time_unit == "W":
        # 1601-01-01 was a Monday, so whole weeks since then start on Mondays; the
        # constant puts week 0 at the week of 1970-01-01 (a Thursday).
        return days // 7 - _WEEKS_1601_TO_1970
    return days - _DAYS_1601_TO_1970


def _days_since_1601(date_col: str) -> Any:
    """Narwhals expression: whole days from 1601-01-01 to the date (time of day ignored).

    Counted as 365 days a year plus the Gregorian leap days of the years before,
    plus the day of the year. Every operand of ``//`` is non-negative for dates
    from 1601 on, so floor and truncating division agree on every engine.
    """
    years = nw.col(date_col).dt.year().cast(nw.Int64()) - 1601
    leap_days = years // 4 - years // 100 + years // 400
    return years * 365 + leap_days + nw.col(date_col).dt.ordinal_day().cast(nw.Int64()) - 1


def period_index(moment: pd.Timestamp, time_unit: TimeUnit) -> int:
    """Integer index of the period ``moment`` falls in (see :func:`period_index_expr`)."""
    if time_unit == "M":
        return moment.year * 12 + moment.month - 1
    day = (moment.normalize() - pd.Timestamp(_EPOCH)).days
    return (day + 3) // 7 if time_unit == "W" else day


def period_start(index: int | pd.Series, time_unit: TimeUnit) -> Any:
    """First day of the period with the given index (inverse of :func:`period_index`)."""
    if time_unit == "M":
        if isinstance(index, pd.Series):
            years, months = index // 12, index % 12
            return pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    days = index * 7 - 3 if time_unit == "W" else index
    return pd.Timestamp(_EPOCH) + pd.to_timedelta(days, unit="D")
