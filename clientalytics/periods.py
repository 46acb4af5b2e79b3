"""The one home of time: period units, period indexes, starts and labels.

Every function that groups events by period takes ``time_unit``, one of
:data:`TIME_UNITS`: days ``"D"``, weeks ``"W"`` (Monday to Sunday), calendar
months ``"M"``, quarters ``"Q"`` and years ``"Y"``. A function that supports
only some of them says which, and :func:`check_time_unit` refuses the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

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
    """First day of the period with the given index (inverse of :func:`period_index`)."""
    per_year = {"M": 12, "Q": 4, "Y": 1}.get(time_unit)
    if per_year is not None:
        months_per_period = 12 // per_year
        if isinstance(index, pd.Series):
            years, within = index // per_year, index % per_year
            month = within * months_per_period + 1
            return pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": 1}))
        year, offset = divmod(int(index), per_year)
        return pd.Timestamp(year=year, month=offset * months_per_period + 1, day=1)
    days = index * 7 - 3 if time_unit == "W" else index
    return pd.Timestamp(_EPOCH) + pd.to_timedelta(days, unit="D")
