"""The one home of time: period units, period indexes, starts and labels.

Every function that groups events by period takes ``time_unit``, one of
:data:`TIME_UNITS`: days ``"D"``, weeks ``"W"`` (Monday to Sunday), calendar
months ``"M"``, quarters ``"Q"`` and years ``"Y"``. A function that supports
only some of them says which, and :func:`check_time_unit` refuses the others.

Periods are numbered by :func:`period_index` (and, inside an engine, by
:func:`period_index_expr`); :func:`period_start` turns an index back into the
first day of its period, :func:`period_floor` maps dates to the first day of their
period and :func:`period_label` writes an index as text. :func:`per_client_period`
is the one aggregation of transactions per client and period, and
:func:`naive_utc` the one rule for time-zone aware moments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, overload

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.exceptions import ValidationError

#: A period unit: day, week, calendar month, quarter or year.
TimeUnit = Literal["D", "W", "M", "Q", "Y"]
#: Every period unit, shortest first.
TIME_UNITS: tuple[TimeUnit, ...] = ("D", "W", "M", "Q", "Y")
#: Units of client summaries (recency and ``T``) and of the lifetime-value models.
SUMMARY_TIME_UNITS: tuple[TimeUnit, ...] = ("D", "W", "M")
#: Calendar units of retention, cohort and activity tables.
CALENDAR_TIME_UNITS: tuple[TimeUnit, ...] = ("M", "Q", "Y")
#: Length of one period in months: whole months for the calendar units, and the
#: mean Gregorian month (365.25 / 12 days) for days and weeks.
MONTHS_PER_PERIOD: dict[TimeUnit, float] = {
    "D": 12.0 / 365.25,
    "W": 12.0 * 7.0 / 365.25,
    "M": 1.0,
    "Q": 3.0,
    "Y": 12.0,
}

_EPOCH = dt.datetime(1970, 1, 1)

#: Days from 1601-01-01 (a Monday, start of a 400-year Gregorian cycle) to 1970-01-01.
_DAYS_1601_TO_1970 = 134_774
#: Whole weeks from 1601-01-01 to Monday 1969-12-29, which starts the week of 1970-01-01.
_WEEKS_1601_TO_1970 = (_DAYS_1601_TO_1970 - 3) // 7


def check_time_unit(time_unit: object, allowed: Sequence[str] = TIME_UNITS) -> TimeUnit:
    """Return ``time_unit`` if it is one of ``allowed``, else raise :class:`ValidationError`.

    Parameters
    ----------
    time_unit : object
        The value passed by the caller.
    allowed : sequence of str
        Units the calling function supports (all of :data:`TIME_UNITS` by default).
    """
    if not isinstance(time_unit, str) or time_unit not in allowed:
        raise ValidationError(f"time_unit must be one of {list(allowed)}, got {time_unit!r}")
    return time_unit  # type: ignore[return-value]


def period_index_expr(date_col: str, time_unit: TimeUnit) -> Any:
    """Narwhals expression: integer index of the period a date falls in.

    Days count from 1970-01-01, weeks run Monday to Sunday, months are calendar
    months (``year * 12 + month - 1``), quarters calendar quarters
    (``year * 4 + (month - 1) // 3``) and years the calendar year. Differences of
    two indexes are whole periods.

    The expression uses only calendar fields (year, month, day of the year) and
    integer arithmetic, so every engine evaluates it the same way, PySpark included
    (which has no duration arithmetic in narwhals). Dates from 1601 on are supported.
    """
    if time_unit == "Y":
        return nw.col(date_col).dt.year().cast(nw.Int64())
    if time_unit == "Q":
        month = nw.col(date_col).dt.month().cast(nw.Int64())
        return nw.col(date_col).dt.year().cast(nw.Int64()) * 4 + (month - 1) // 3
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
    if time_unit == "Y":
        return moment.year
    if time_unit == "Q":
        return moment.year * 4 + (moment.month - 1) // 3
    if time_unit == "M":
        return moment.year * 12 + moment.month - 1
    day = (moment.normalize() - pd.Timestamp(_EPOCH)).days
    return (day + 3) // 7 if time_unit == "W" else day


def period_start(index: int | pd.Series, time_unit: TimeUnit) -> Any:
    """First day of the period with the given index (inverse of :func:`period_index`).

    A single index gives a :class:`pandas.Timestamp`, a Series of indexes a Series
    of ``datetime64`` values (midnight of the first day, at the resolution pandas
    gives: nanoseconds on pandas 2, microseconds on pandas 3).
    """
    if time_unit in CALENDAR_TIME_UNITS:
        months = int(MONTHS_PER_PERIOD[time_unit])
        per_year = 12 // months
        if isinstance(index, pd.Series):
            years, within = index // per_year, index % per_year
            month = within * months + 1
            return pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": 1}))
        year, offset = divmod(int(index), per_year)
        return pd.Timestamp(year=year, month=offset * months + 1, day=1)
    days = index * 7 - 3 if time_unit == "W" else index
    return pd.Timestamp(_EPOCH) + pd.to_timedelta(days, unit="D")


def period_range(start: pd.Timestamp, end: pd.Timestamp, time_unit: TimeUnit) -> pd.DatetimeIndex:
    """First days of every period from the one holding ``start`` to the one holding ``end``.

    Empty when ``end`` falls in a period before ``start``'s. The index is named ``period``.
    """
    first = period_index(pd.Timestamp(start), time_unit)
    last = period_index(pd.Timestamp(end), time_unit)
    indexes = pd.Series(range(first, last + 1), dtype="int64")
    return pd.DatetimeIndex(period_start(indexes, time_unit), name="period")


def period_floor(dates: pd.Series, time_unit: TimeUnit) -> pd.Series:
    """First day of the period each date falls in, as ``datetime64[ns]`` (time of day dropped).

    ``period_floor(dates, u)`` equals ``period_start(period_index(date, u), u)`` for
    every date; missing dates stay missing.
    """
    floored: pd.Series = dates.dt.to_period(time_unit).dt.start_time.astype("datetime64[ns]")
    return floored


def period_label(index: int | pd.Series, time_unit: TimeUnit) -> Any:
    """Text label of the period with the given index (one label, or a Series of them).

    The labels sort in time order and read as follows:

    - ``"Y"``: the year, ``"2024"``;
    - ``"Q"``: year and quarter, ``"2024-Q3"`` (July to September);
    - ``"M"``: year and month, ``"2024-03"``;
    - ``"W"``: the ISO date of the week's Monday, ``"2024-03-04"``;
    - ``"D"``: the ISO date of the day, ``"2024-03-06"``.
    """
    if isinstance(index, pd.Series):
        return pd.Series(
            [period_label(int(i), time_unit) for i in index], index=index.index, dtype=object
        )
    i = int(index)
    if time_unit == "Y":
        return f"{i:04d}"
    if time_unit == "Q":
        year, quarter = divmod(i, 4)
        return f"{year:04d}-Q{quarter + 1}"
    if time_unit == "M":
        year, month = divmod(i, 12)
        return f"{year:04d}-{month + 1:02d}"
    start: pd.Timestamp = period_start(i, time_unit)
    return start.strftime("%Y-%m-%d")


def per_client_period(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    time_unit: TimeUnit,
    revenue_col: str,
    cost_col: str | None = None,
    dates: bool = False,
) -> Any:
    """Aggregate transactions per client and period, inside the engine of ``lazy``.

    Parameters
    ----------
    lazy : narwhals.LazyFrame
        Transactions (see :func:`clientalytics.engine.to_lazy`), already checked
        for missing columns and values.
    client_col, date_col, revenue_col : str
        Client id, date and revenue columns.
    time_unit : {"D", "W", "M", "Q", "Y"}
        Period unit (see :func:`period_index_expr`).
    cost_col : str, optional
        Variable-cost column to sum as well.
    dates : bool
        Also return the earliest and latest date of each (client, period).

    Returns
    -------
    narwhals.LazyFrame
        One row per (client, period) with at least one transaction, in no
        particular order, columns:

        - ``client_id``: the client column as given (not cast);
        - ``period``: :func:`period_index_expr` of the date (``Int64``);
        - ``revenue``: sum of the revenue (``Float64``, credit notes netted);
        - ``n_orders``: rows with non-negative revenue (credit notes are not
          orders, so a period of credit notes alone has ``n_orders == 0``);
        - ``cost``: sum of the cost (``Float64``), when ``cost_col`` is given;
        - ``first_date``, ``last_date``: earliest and latest date, when ``dates``.
    """
    columns = [
        nw.col(client_col).alias("client_id"),
        period_index_expr(date_col, time_unit).cast(nw.Int64()).alias("period"),
        nw.col(revenue_col).cast(nw.Float64()).alias("revenue"),
        (nw.col(revenue_col) >= 0).cast(nw.Int64()).alias("n_orders"),
    ]
    sums = [nw.col("revenue").sum(), nw.col("n_orders").sum()]
    if cost_col is not None:
        columns.append(nw.col(cost_col).cast(nw.Float64()).alias("cost"))
        sums.append(nw.col("cost").sum())
    if dates:
        columns.append(nw.col(date_col).alias("date"))
        sums += [nw.col("date").min().alias("first_date"), nw.col("date").max().alias("last_date")]
    return lazy.select(*columns).group_by("client_id", "period").agg(*sums)


@overload
def naive_utc(moment: pd.Timestamp) -> pd.Timestamp: ...
@overload
def naive_utc(moment: pd.Series) -> pd.Series: ...
def naive_utc(moment: pd.Timestamp | pd.Series) -> pd.Timestamp | pd.Series:
    """Moments as naive timestamps: aware ones are converted to UTC, then the zone dropped.

    Takes one timestamp or a Series of them. Naive values are returned unchanged
    (they are taken as already on the data's clock). So ``2024-03-01 01:30+02:00``
    becomes ``2024-02-29 23:30``: every aware moment given to the library (dates in
    a table being validated, an observation end, a cutoff) is read on the UTC clock.
    """
    if isinstance(moment, pd.Series):
        if isinstance(moment.dtype, pd.DatetimeTZDtype):
            return moment.dt.tz_convert("UTC").dt.tz_localize(None)
        return moment
    if moment.tzinfo is None:
        return moment
    return moment.tz_convert("UTC").tz_localize(None)
