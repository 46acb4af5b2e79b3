"""Russian working-day calendar and seasonal order intensity of the synthetic company.

Orders, invoices and payments of the synthetic carrier happen only on Russian
working days: weekdays that are not public holidays or transferred days off, plus
the Saturdays the government's transfer decree turns into working days, as
:class:`clientalytics.calendar.BusinessCalendar` counts them (holidays from the
``holidays`` package).

:func:`seasonal_clock` turns the buy-till-you-die process, drawn in uniform time,
into calendar days: each industry has a monthly seasonal profile, the intensity is
zero on days off, and a time drawn uniformly in ``[0, horizon)`` is mapped to the
working day where the cumulative intensity reaches the same share. A Poisson
process keeps its count and becomes an inhomogeneous one with that intensity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.calendar import BusinessCalendar
from clientalytics.datasets import _vocab as V


def working_day_mask(start: pd.Timestamp, n_days: int) -> np.ndarray:
    """Whether each of the ``n_days`` days from ``start`` is a Russian working day.

    Parameters
    ----------
    start : Timestamp
        First day.
    n_days : int
        Number of days.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` on working days (transferred working Saturdays included).
    """
    days = pd.date_range(start, periods=n_days, freq="D")
    return BusinessCalendar(country="RU").is_working_day(days)


def next_working_day(day: np.ndarray, working: np.ndarray) -> np.ndarray:
    """Move each day index to the first working day at or after it.

    Days beyond the calendar are returned unchanged and days after its last
    working day become ``len(working)``: both lie at or after the observation end,
    and the caller drops them or keeps them as scheduled dates.
    """
    n = len(working)
    idx = np.arange(n)
    nxt = np.where(working, idx, n)
    nxt = np.minimum.accumulate(nxt[::-1])[::-1]
    day = np.asarray(day, dtype=np.int64)
    inside = (day >= 0) & (day < n)
    out = day.copy()
    out[inside] = nxt[day[inside]]
    return out


def last_working_days(start: pd.Timestamp, working: np.ndarray) -> np.ndarray:
    """Day index of the last working day of every calendar month in the window."""
    days = pd.date_range(start, periods=len(working), freq="D")
    month = (days.year * 12 + days.month).to_numpy()
    idx = np.flatnonzero(working)
    m = month[idx]
    last = np.flatnonzero(np.r_[m[1:] != m[:-1], True])
    return idx[last]


def seasonal_intensity(start: pd.Timestamp, working: np.ndarray) -> np.ndarray:
    """Daily order intensity per industry, shape ``(n_industries, n_days)``, mean 1.

    The intensity is the industry's monthly seasonal factor on working days
    (a little lower on Fridays) and zero on days off.
    """
    days = pd.date_range(start, periods=len(working), freq="D")
    month = days.month.to_numpy() - 1
    weekday = days.day_of_week.to_numpy()
    weekday_factor = np.where(weekday == 4, 0.9, np.where(weekday == 0, 1.05, 1.0))
    rows = []
    for name in V.INDUSTRIES:
        profile = np.asarray(V.SEASONALITY[name], dtype=np.float64)
        daily = profile[month] * weekday_factor * working
        rows.append(daily / daily.mean())
    return np.vstack(rows)


def seasonal_clock(t: np.ndarray, industry: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    """Map uniform-time event times to working days by each industry's intensity.

    Parameters
    ----------
    t : numpy.ndarray
        Event times in days after the start, in ``[0, n_days)``.
    industry : numpy.ndarray
        Industry index of each event.
    intensity : numpy.ndarray
        Output of :func:`seasonal_intensity`.

    Returns
    -------
    numpy.ndarray of int64
        Day index of each event; always a day with positive intensity.
    """
    n_days = intensity.shape[1]
    out = np.empty(len(t), dtype=np.int64)
    for k in range(intensity.shape[0]):
        sel = np.flatnonzero(industry == k)
        if len(sel) == 0:
            continue
        cum = np.cumsum(intensity[k])
        cum *= n_days / cum[-1]
        day = np.searchsorted(cum, np.clip(t[sel], 0.0, n_days - 1e-9), side="right")
        out[sel] = np.minimum(day, n_days - 1)
    # A day whose intensity is zero never receives an event: searchsorted lands
    # on the first day whose cumulative intensity exceeds t, which has intensity > 0.
    return out
