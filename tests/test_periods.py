"""Hand-computed cases for the period functions of clientalytics.periods."""

from __future__ import annotations

import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pytest

from clientalytics.engine import collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    CALENDAR_TIME_UNITS,
    MONTHS_PER_PERIOD,
    TIME_UNITS,
    check_time_unit,
    naive_utc,
    per_client_period,
    period_floor,
    period_index,
    period_label,
    period_range,
    period_start,
)

AUG_15 = pd.Timestamp("2024-08-15 13:45")


@pytest.mark.parametrize(
    ("time_unit", "index", "start", "label"),
    [
        ("Y", 2024, "2024-01-01", "2024"),
        ("Q", 2024 * 4 + 2, "2024-07-01", "2024-Q3"),
        ("M", 2024 * 12 + 7, "2024-08-01", "2024-08"),
        # Thursday 15 August 2024: its week starts on Monday 12 August
        ("W", 2850, "2024-08-12", "2024-08-12"),
        ("D", 19950, "2024-08-15", "2024-08-15"),
    ],
)
def test_index_start_and_label_of_one_date(time_unit, index, start, label):
    assert period_index(AUG_15, time_unit) == index
    assert period_start(index, time_unit) == pd.Timestamp(start)
    assert period_label(index, time_unit) == label


@pytest.mark.parametrize(
    ("date", "quarter", "year"),
    [
        ("2023-12-31", "2023-Q4", "2023"),
        ("2024-01-01", "2024-Q1", "2024"),
        ("2024-03-31", "2024-Q1", "2024"),
        ("2024-04-01", "2024-Q2", "2024"),
        ("2024-09-30", "2024-Q3", "2024"),
        ("2024-10-01", "2024-Q4", "2024"),
    ],
)
def test_quarter_and_year_boundaries(date, quarter, year):
    moment = pd.Timestamp(date)
    assert period_label(period_index(moment, "Q"), "Q") == quarter
    assert period_label(period_index(moment, "Y"), "Y") == year


def test_series_of_indexes_keep_their_index():
    indexes = pd.Series([2024 * 4, 2024 * 4 + 3, 2025 * 4 + 1], index=[7, 8, 9])
    starts = period_start(indexes, "Q")
    assert starts.tolist() == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-10-01"),
        pd.Timestamp("2025-04-01"),
    ]
    assert starts.index.tolist() == [7, 8, 9]
    assert pd.api.types.is_datetime64_dtype(starts.dtype)
    labels = period_label(indexes, "Q")
    assert labels.tolist() == ["2024-Q1", "2024-Q4", "2025-Q2"]
    assert labels.index.tolist() == [7, 8, 9]


def test_period_floor_maps_dates_to_the_first_day_of_their_period():
    dates = pd.Series(pd.to_datetime(["2024-08-15 13:45", "2024-01-01 00:00", None]))
    assert period_floor(dates, "Q").tolist()[:2] == [
        pd.Timestamp("2024-07-01"),
        pd.Timestamp("2024-01-01"),
    ]
    assert period_floor(dates, "Y").tolist()[:2] == [pd.Timestamp("2024-01-01")] * 2
    assert period_floor(dates, "W")[0] == pd.Timestamp("2024-08-12")
    assert pd.isna(period_floor(dates, "M")[2])


@pytest.mark.parametrize("time_unit", TIME_UNITS)
def test_period_floor_is_the_start_of_the_period_index(time_unit):
    dates = pd.Series(pd.date_range("2023-11-20 06:00", "2024-03-10", freq="29h"))
    expected = [period_start(period_index(d, time_unit), time_unit) for d in dates]
    assert period_floor(dates, time_unit).tolist() == expected


def test_period_range_of_quarters():
    got = period_range(pd.Timestamp("2023-11-20"), pd.Timestamp("2024-08-15"), "Q")
    assert got.name == "period"
    assert got.tolist() == [
        pd.Timestamp("2023-10-01"),
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-04-01"),
        pd.Timestamp("2024-07-01"),
    ]
    assert period_range(pd.Timestamp("2024-08-15"), pd.Timestamp("2023-01-01"), "Y").empty


@pytest.mark.parametrize("time_unit", CALENDAR_TIME_UNITS)
def test_months_per_period_agrees_with_the_period_index(time_unit):
    k = int(MONTHS_PER_PERIOD[time_unit])
    for date in pd.date_range("2022-12-15", "2025-02-15", freq="17D"):
        assert period_index(date, "M") // k == period_index(date, time_unit)


def test_check_time_unit_names_the_allowed_units():
    assert check_time_unit("Q", CALENDAR_TIME_UNITS) == "Q"
    with pytest.raises(ValidationError, match=r"time_unit must be one of \['M', 'Q', 'Y'\]"):
        check_time_unit("W", CALENDAR_TIME_UNITS)
    with pytest.raises(ValidationError, match="got 'quarter'"):
        check_time_unit("quarter")


#: a: two orders and a credit note in 2024-Q1, one order in Q3; b: one order in Q2.
TINY = pd.DataFrame(
    {
        "client": ["a", "a", "a", "b", "a"],
        "day": pd.to_datetime(
            ["2024-01-05", "2024-02-10", "2024-03-31", "2024-04-01", "2024-08-15"]
        ),
        "amount": [10.0, 20.0, -5.0, 7.0, 4.0],
        "cost": [1.0, 2.0, 0.0, 3.0, 0.5],
    }
)


def _per_client_period(frame, time_unit, **options):
    lazy = to_lazy(frame)
    grouped = per_client_period(
        lazy,
        client_col="client",
        date_col="day",
        time_unit=time_unit,
        revenue_col="amount",
        **options,
    )
    out = collect(grouped)
    return out.sort_values(["client_id", "period"]).reset_index(drop=True)


@pytest.mark.parametrize("to_frame", [lambda f: f, lambda f: pl.from_pandas(f).lazy()])
def test_per_client_period_hand_case_by_quarter(to_frame):
    out = _per_client_period(to_frame(TINY), "Q", cost_col="cost", dates=True)
    assert out["client_id"].tolist() == ["a", "a", "b"]
    assert out["period"].tolist() == [2024 * 4, 2024 * 4 + 2, 2024 * 4 + 1]
    # the credit note nets into the revenue of its quarter but is not an order
    assert out["revenue"].tolist() == [25.0, 4.0, 7.0]
    assert out["n_orders"].tolist() == [2, 1, 1]
    assert out["cost"].tolist() == [3.0, 0.5, 3.0]
    assert pd.to_datetime(out["first_date"]).tolist() == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-08-15"),
        pd.Timestamp("2024-04-01"),
    ]
    assert pd.to_datetime(out["last_date"]).tolist() == [
        pd.Timestamp("2024-03-31"),
        pd.Timestamp("2024-08-15"),
        pd.Timestamp("2024-04-01"),
    ]


def test_per_client_period_by_month_and_year_columns():
    monthly = _per_client_period(TINY, "M")
    assert list(monthly.columns) == ["client_id", "period", "revenue", "n_orders"]
    assert monthly["period"].tolist() == [
        2024 * 12,
        2024 * 12 + 1,
        2024 * 12 + 2,
        2024 * 12 + 7,
        2024 * 12 + 3,
    ]
    # a month of credit notes only is a row with no order
    assert monthly["n_orders"].tolist() == [1, 1, 0, 1, 1]
    assert monthly["revenue"].tolist() == [10.0, 20.0, -5.0, 4.0, 7.0]
    yearly = _per_client_period(TINY, "Y")
    assert yearly[["client_id", "period", "revenue", "n_orders"]].to_numpy().tolist() == [
        ["a", 2024, 29.0, 3],
        ["b", 2024, 7.0, 1],
    ]
    schema = per_client_period(
        to_lazy(TINY), client_col="client", date_col="day", time_unit="Y", revenue_col="amount"
    ).collect_schema()
    assert schema["period"] == nw.Int64()
    assert schema["revenue"] == nw.Float64()


def test_naive_utc_converts_aware_moments_and_keeps_naive_ones():
    assert naive_utc(pd.Timestamp("2024-03-01 01:30+02:00")) == pd.Timestamp("2024-02-29 23:30")
    naive = pd.Timestamp("2024-03-01 01:30")
    assert naive_utc(naive) is naive
    aware = pd.Series(pd.to_datetime(["2024-07-01 00:30", "2024-01-01 00:30"])).dt.tz_localize(
        "Europe/Berlin"
    )
    # summer time is UTC+2, winter time UTC+1
    assert naive_utc(aware).tolist() == [
        pd.Timestamp("2024-06-30 22:30"),
        pd.Timestamp("2023-12-31 23:30"),
    ]
    plain = pd.Series(pd.to_datetime(["2024-07-01 00:30"]))
    assert naive_utc(plain) is plain
