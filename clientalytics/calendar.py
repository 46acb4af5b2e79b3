"""Business calendar: working days and working hours between two moments.

The calendar counts Monday to Friday as working days, removes the country's
public holidays and transferred days off (from the ``holidays`` package), adds
back the weekend days the government moved to working days (Russia's "working
Saturdays") and then applies the firm's own extra non-working and working dates.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import holidays as _holidays_pkg
import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["BusinessCalendar"]

_DAY = np.timedelta64(1, "D")

#: A calendar date as accepted by :class:`BusinessCalendar` (stored as ``datetime.date``).
DateLike = dt.date | str | pd.Timestamp


def _as_date(value: Any) -> dt.date:
    """One date from a date, datetime, Timestamp or ISO string."""
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        raise ValueError(f"a calendar date cannot be missing, got {value!r}")
    return dt.date(ts.year, ts.month, ts.day)


@functools.lru_cache(maxsize=64)
def _public_calendar(
    country: str, years: tuple[int, ...]
) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Public non-working dates and transferred working weekend dates of ``years``."""
    table = _holidays_pkg.country_holidays(country, years=list(years))
    off = frozenset(table.keys())
    on = frozenset(getattr(table, "weekend_workdays", ()) or ())
    return off, on


def _day_array(values: Any) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """Day-resolution datetime64 array of ``values`` and its missing-value mask."""
    stamps = _wall_time(_series(values)).to_numpy(dtype="datetime64[ns]")
    return stamps.astype("datetime64[D]"), np.isnat(stamps)


def _wall_time(stamps: pd.Series) -> pd.Series:
    """Timestamps as local wall-clock time (time zone dropped, kept naive)."""
    stamps = pd.to_datetime(stamps)
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    return stamps


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and working hours of a firm.

    Parameters
    ----------
    country : str
        ISO 3166 country code for ``holidays.country_holidays``; default ``"RU"``.
        Public holidays, transferred days off and, where the package knows them,
        transferred working weekend days are taken from it.
    workday_start, workday_end : datetime.time
        Start and end of the working day (default 09:00-18:00, nine hours; a
        lunch break is not subtracted).
    holidays : tuple of date-like
        Extra non-working dates of the firm (e.g. a corporate day off); stored
        as sorted ``datetime.date`` values.
    workdays : tuple of date-like
        Extra working dates, for instance a working Saturday that the public
        table does not list. A date cannot be in both ``holidays`` and ``workdays``.

    Notes
    -----
    Order of rules for a date: weekday Monday-Friday is working; a public
    holiday or transferred day off is not; a public transferred working weekend
    day is; then ``holidays`` make a date non-working and ``workdays`` make it
    working.

    Examples
    --------
    >>> import pandas as pd
    >>> cal = BusinessCalendar()
    >>> cal.working_hours_between(
    ...     pd.Series([pd.Timestamp("2024-03-15 17:50")]),
    ...     pd.Series([pd.Timestamp("2024-03-18 09:10")]),
    ... ).round(2).tolist()
    [0.33]
    """

    country: str = "RU"
    workday_start: dt.time = dt.time(9, 0)
    workday_end: dt.time = dt.time(18, 0)
    holidays: tuple[DateLike, ...] = ()
    workdays: tuple[DateLike, ...] = ()

    def __post_init__(self) -> None:
        extra_off = tuple(sorted({_as_date(d) for d in _iterable(self.holidays)}))
        extra_on = tuple(sorted({_as_date(d) for d in _iterable(self.workdays)}))
        object.__setattr__(self, "holidays", extra_off)
        object.__setattr__(self, "workdays", extra_on)
        both = sorted(set(extra_off) & set(extra_on))
        if both:
            raise ValueError(
                f"{len(both)} date(s) are both extra holidays and extra workdays, "
                f"e.g. {both[0].isoformat()}"
            )
        if self.workday_end <= self.workday_start:
            raise ValueError(
                f"workday_end ({self.workday_end}) must be after "
                f"workday_start ({self.workday_start})"
            )

    @property
    def hours_per_day(self) -> float:
        """Length of one working day in hours."""
        start = self.workday_start
        end = self.workday_end
        seconds = (
            (end.hour - start.hour) * 3600
            + (end.minute - start.minute) * 60
            + (end.second - start.second)
        )
        return (seconds + (end.microsecond - start.microsecond) / 1e6) / 3600.0

    def _working_mask(self, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
        """Working-day flags of a datetime64[D] array without missing values."""
        if days.size == 0:
            return np.zeros(0, dtype=bool)
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        mask = weekday < 5
        years = pd.DatetimeIndex(days).year
        off, on = _public_calendar(
            self.country, tuple(range(int(years.min()), int(years.max()) + 1))
        )
        for dates, value in (
            (off, False),
            (on, True),
            (self.holidays, False),
            (self.workdays, True),
        ):
            if dates:
                marked = np.isin(days, np.array(sorted(dates), dtype="datetime64[D]"))
                mask = np.where(marked, value, mask)
        return np.asarray(mask, dtype=bool)

    def is_working_day(self, dates: Any) -> npt.NDArray[np.bool_]:
        """Whether each date is a working day.

        Parameters
        ----------
        dates : date-like or array-like of date-likes
            Dates or timestamps (the time of day is ignored; a time zone is
            dropped, keeping local wall time).

        Returns
        -------
        numpy.ndarray of bool
            One flag per input value, in input order; a missing date is ``False``.
        """
        days, missing = _day_array(dates)
        out = np.zeros(days.shape, dtype=bool)
        if (~missing).any():
            out[~missing] = self._working_mask(days[~missing])
        return out

    def working_days(self, start: Any, end: Any) -> pd.DatetimeIndex:
        """Working days from ``start`` to ``end``, both included.

        Parameters
        ----------
        start, end : date-like
            First and last calendar date of the range.

        Returns
        -------
        pandas.DatetimeIndex
            Midnight timestamps of the working days, ascending; empty when
            ``end`` is before ``start``.
        """
        first, last = _as_date(start), _as_date(end)
        days = np.arange(
            np.datetime64(first, "D"), np.datetime64(last, "D") + _DAY, dtype="datetime64[D]"
        )
        return pd.DatetimeIndex(
            days[self._working_mask(days)].astype("datetime64[ns]"), name="date"
        )

    def working_hours_between(self, start: Any, end: Any) -> pd.Series:
        """Working hours elapsed between pairs of moments.

        Only time between ``workday_start`` and ``workday_end`` of working days
        counts, so a request logged on Friday at 17:50 and answered on Monday
        at 09:10 took 10 + 10 minutes = 0.33 working hours.

        Parameters
        ----------
        start, end : array-like of datetime-likes (or scalars)
            Start and end moments, paired by position; same length. A Series
            ``start`` lends its index to the result.

        Returns
        -------
        pandas.Series of float
            Working hours per pair, named ``working_hours``; NaN where either
            moment is missing.

        Raises
        ------
        ValueError
            If the lengths differ, or some ``end`` is before its ``start`` (the
            message gives how many and the first example).
        """
        index = start.index if isinstance(start, pd.Series) else None
        s = _wall_time(_series(start))
        e = _wall_time(_series(end))
        if len(s) != len(e):
            raise ValueError(f"start has {len(s)} values but end has {len(e)}")
        s_ns = s.to_numpy(dtype="datetime64[ns]")
        e_ns = e.to_numpy(dtype="datetime64[ns]")
        valid = ~(np.isnat(s_ns) | np.isnat(e_ns))
        backwards = valid & (e_ns < s_ns)
        if backwards.any():
            i = int(np.flatnonzero(backwards)[0])
            label = index[i] if index is not None else i
            raise ValueError(
                f"{int(backwards.sum())} pair(s) end before they start, e.g. row {label!r}: "
                f"start {pd.Timestamp(s_ns[i])}, end {pd.Timestamp(e_ns[i])}"
            )
        hours = np.full(len(s_ns), np.nan)
        if valid.any():
            sv, ev = s_ns[valid], e_ns[valid]
            s_day = sv.astype("datetime64[D]")
            e_day = ev.astype("datetime64[D]")
            first = s_day.min()
            days = np.arange(first, e_day.max() + _DAY, dtype="datetime64[D]")
            working = self._working_mask(days)
            # working days strictly before each day, counted from ``first``
            before = np.concatenate(([0], np.cumsum(working)[:-1]))
            hours[valid] = self._clock(ev, e_day, first, working, before) - self._clock(
                sv, s_day, first, working, before
            )
        return pd.Series(hours, index=index, name="working_hours", dtype=float)

    def _clock(
        self,
        moments: npt.NDArray[np.datetime64],
        days: npt.NDArray[np.datetime64],
        first: np.datetime64,
        working: npt.NDArray[np.bool_],
        before: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.float64]:
        """Working hours from ``first`` 00:00 to each moment."""
        pos = (days - first).astype("int64")
        of_day = (moments - days.astype("datetime64[ns]")).astype("int64") / 3.6e12
        open_h = _hours(self.workday_start)
        within = np.clip(of_day - open_h, 0.0, self.hours_per_day)
        return np.asarray(
            before[pos] * self.hours_per_day + np.where(working[pos], within, 0.0), dtype=float
        )


def _hours(t: dt.time) -> float:
    """Time of day in hours after midnight."""
    return t.hour + t.minute / 60 + t.second / 3600 + t.microsecond / 3.6e9


def _series(values: Any) -> pd.Series:
    """Values as a positional (RangeIndex) datetime Series."""
    if np.ndim(values) == 0:
        values = [values]
    stamps = pd.to_datetime(
        pd.Series(values).reset_index(drop=True) if not isinstance(values, pd.Series) else values
    )
    return pd.Series(
        stamps.to_numpy() if not isinstance(stamps.dtype, pd.DatetimeTZDtype) else stamps.array
    )


def _iterable(values: Iterable[Any] | Any) -> Iterable[Any]:
    """Return a single date as a one-element tuple and ``None`` as an empty one."""
    if values is None:
        return ()
    if isinstance(values, (str, dt.date, pd.Timestamp)):
        return (values,)
    return tuple(values)
