"""Business calendar: hand-computed working days and working hours."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from clientalytics.calendar import BusinessCalendar

RU = BusinessCalendar()


def _hours(cal: BusinessCalendar, start: str, end: str) -> float:
    return float(
        cal.working_hours_between(
            pd.Series([pd.Timestamp(start)]), pd.Series([pd.Timestamp(end)])
        ).iloc[0]
    )


def test_defaults_are_russian_nine_to_six() -> None:
    assert RU.country == "RU"
    assert RU.workday_start == dt.time(9, 0)
    assert RU.workday_end == dt.time(18, 0)
    assert RU.hours_per_day == 9.0
    assert RU.holidays == () and RU.workdays == ()


def test_calendar_is_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RU.country = "DE"  # type: ignore[misc]
    assert hash(BusinessCalendar(holidays=("2024-03-11",))) == hash(
        BusinessCalendar(holidays=(dt.date(2024, 3, 11),))
    )


def test_friday_evening_to_monday_morning_is_twenty_minutes() -> None:
    # Fri 15 March 2024 17:50-18:00 (10 min) + Mon 18 March 09:00-09:10 (10 min)
    assert _hours(RU, "2024-03-15 17:50", "2024-03-18 09:10") == pytest.approx(1 / 3)
    assert round(_hours(RU, "2024-03-15 17:50", "2024-03-18 09:10"), 2) == 0.33


def test_same_day_and_out_of_hours() -> None:
    assert _hours(RU, "2024-03-12 10:00", "2024-03-12 12:30") == pytest.approx(2.5)
    assert _hours(RU, "2024-03-12 07:00", "2024-03-12 20:00") == pytest.approx(9.0)
    assert _hours(RU, "2024-03-12 19:00", "2024-03-12 23:00") == 0.0
    assert _hours(RU, "2024-03-16 10:00", "2024-03-17 17:00") == 0.0  # weekend
    assert _hours(RU, "2024-03-12 10:00", "2024-03-12 10:00") == 0.0


def test_new_year_holidays_are_not_counted() -> None:
    # Fri 29 Dec 2023 17:00-18:00 (1 h); 30 Dec-8 Jan are weekend or public holidays;
    # Tue 9 Jan 2024 09:00-10:00 (1 h)
    assert _hours(RU, "2023-12-29 17:00", "2024-01-09 10:00") == pytest.approx(2.0)
    assert not RU.is_working_day(pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-08"])).any()
    assert list(RU.working_days("2023-12-29", "2024-01-10").strftime("%Y-%m-%d")) == [
        "2023-12-29",
        "2024-01-09",
        "2024-01-10",
    ]


def test_extra_holiday_removes_a_day() -> None:
    cal = BusinessCalendar(holidays=("2024-01-09",))
    # 1 h on 29 Dec + nothing on 9 Jan + 1 h on Wed 10 Jan
    assert _hours(cal, "2023-12-29 17:00", "2024-01-10 10:00") == pytest.approx(2.0)
    assert _hours(RU, "2023-12-29 17:00", "2024-01-10 10:00") == pytest.approx(11.0)


def test_transferred_working_saturday_given_in_workdays() -> None:
    saturday = dt.date(2023, 3, 18)
    assert not RU.is_working_day([saturday])[0]
    cal = BusinessCalendar(workdays=(saturday,))
    assert cal.is_working_day([saturday])[0]
    # Fri 17:00-18:00 (1 h) + Sat 09:00-18:00 (9 h) + Mon 09:00-10:00 (1 h)
    assert _hours(cal, "2023-03-17 17:00", "2023-03-20 10:00") == pytest.approx(11.0)
    assert _hours(RU, "2023-03-17 17:00", "2023-03-20 10:00") == pytest.approx(2.0)


def test_public_working_saturday_from_the_holidays_table() -> None:
    # Saturday 2 November 2024 was a working day in Russia (days moved around 4 November)
    assert RU.is_working_day(["2024-11-02", "2024-11-03", "2024-11-04"]).tolist() == [
        True,
        False,
        False,
    ]


def test_a_date_cannot_be_both_holiday_and_workday() -> None:
    with pytest.raises(ValueError, match=r"1 date\(s\) are both .* e\.g\. 2024-03-11"):
        BusinessCalendar(holidays=("2024-03-11",), workdays=("2024-03-11",))
    with pytest.raises(ValueError, match="workday_end"):
        BusinessCalendar(workday_start=dt.time(18), workday_end=dt.time(9))


def test_custom_working_day_length() -> None:
    cal = BusinessCalendar(workday_start=dt.time(10, 0), workday_end=dt.time(16, 30))
    assert cal.hours_per_day == 6.5
    # Mon 15:00-16:30 (1.5 h) + Tue full (6.5 h) + Wed 10:00-11:00 (1 h)
    assert _hours(cal, "2024-03-11 15:00", "2024-03-13 11:00") == pytest.approx(9.0)


def test_missing_moments_give_nan_and_index_is_kept() -> None:
    start = pd.Series(
        pd.to_datetime(["2024-03-12 10:00", None, "2024-03-12 10:00"]), index=[7, 8, 9]
    )
    end = pd.Series(pd.to_datetime(["2024-03-12 11:00", "2024-03-12 11:00", None]), index=[7, 8, 9])
    out = RU.working_hours_between(start, end)
    assert out.index.tolist() == [7, 8, 9]
    assert out.name == "working_hours"
    assert out.iloc[0] == pytest.approx(1.0)
    assert out.iloc[1:].isna().all()
    assert RU.is_working_day(pd.to_datetime(["2024-03-12", None])).tolist() == [True, False]


def test_end_before_start_names_count_and_example() -> None:
    start = pd.Series(
        pd.to_datetime(["2024-03-12 10:00", "2024-03-12 12:00", "2024-03-13 12:00"]),
        index=["a", "b", "c"],
    )
    end = pd.Series(
        pd.to_datetime(["2024-03-12 11:00", "2024-03-12 11:00", "2024-03-13 09:00"]),
        index=["a", "b", "c"],
    )
    with pytest.raises(ValueError, match=r"2 pair\(s\) end before they start, e\.g\. row 'b'"):
        RU.working_hours_between(start, end)


def test_time_zone_is_read_as_local_wall_time() -> None:
    start = pd.Series(pd.to_datetime(["2024-03-15 17:50"]).tz_localize("Europe/Moscow"))
    end = pd.Series(pd.to_datetime(["2024-03-18 09:10"]).tz_localize("Europe/Moscow"))
    assert RU.working_hours_between(start, end).iloc[0] == pytest.approx(1 / 3)


def test_working_hours_are_additive_and_bounded() -> None:
    rng = np.random.default_rng(20240315)
    base = pd.Timestamp("2023-12-20")
    a = base + pd.to_timedelta(rng.uniform(0, 24 * 60, 500), unit="h")
    b = a + pd.to_timedelta(rng.exponential(40, 500), unit="h")
    c = b + pd.to_timedelta(rng.exponential(40, 500), unit="h")
    a, b, c = pd.Series(a), pd.Series(b), pd.Series(c)
    ab = RU.working_hours_between(a, b)
    bc = RU.working_hours_between(b, c)
    ac = RU.working_hours_between(a, c)
    np.testing.assert_allclose(ac, ab + bc, atol=1e-9)
    calendar_hours = (c - a).dt.total_seconds() / 3600
    assert (ac >= 0).all() and (ac <= calendar_hours + 1e-9).all()


def test_working_hours_match_a_slow_day_by_day_count() -> None:
    rng = np.random.default_rng(7)
    starts = pd.Series(
        pd.Timestamp("2024-04-20") + pd.to_timedelta(rng.uniform(0, 24 * 30, 40), unit="h")
    )
    ends = starts + pd.to_timedelta(rng.uniform(0, 24 * 12, 40), unit="h")
    fast = RU.working_hours_between(starts, ends)
    for s, e, got in zip(starts, ends, fast, strict=True):
        total = 0.0
        for day in pd.date_range(s.normalize(), e.normalize(), freq="D"):
            if RU.is_working_day([day])[0]:
                lo = max(s, day + pd.Timedelta(hours=9))
                hi = min(e, day + pd.Timedelta(hours=18))
                total += max(0.0, (hi - lo).total_seconds() / 3600)
        assert got == pytest.approx(total, abs=1e-9)
