"""Dates are never silently misread: day/month order from the whole column, time zones read."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics import ValidationError, validate


def _tx(dates: list[object]) -> pd.DataFrame:
    n = len(dates)
    return pd.DataFrame(
        {
            "transaction_id": [f"t{i}" for i in range(n)],
            "client_id": ["a"] * n,
            "date": pd.Series(dates, dtype=object),
            "revenue": [10.0] * n,
            "variable_cost": [5.0] * n,
        }
    )


def _reasons(result) -> list[tuple[object, str]]:
    return sorted(zip(result.rejected["row"], result.rejected["reason"], strict=True))


def test_one_day_above_twelve_settles_the_whole_column_day_first():
    result = validate(_tx(["05.01.2024", "06.02.2024", "13.01.2024"]), "transactions")
    assert result.ok
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-01-13"),
    ]


def test_one_second_field_above_twelve_settles_month_first():
    result = validate(_tx(["01/05/2024", "02/06/2024", "01/13/2024"]), "transactions")
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-01-13"),
    ]


def test_all_ambiguous_column_raises_naming_table_column_examples_and_option():
    with pytest.raises(ValidationError) as caught:
        validate(_tx(["05.01.2024", "06.02.2024"]), "transactions")
    message = str(caught.value)
    assert "table 'transactions', column 'date'" in message
    assert "'05.01.2024'" in message
    assert 'date_format="%d.%m.%Y"' in message and "dayfirst=True" in message
    assert "--date-format" in message
    assert caught.value.table == "transactions" and caught.value.column == "date"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"dayfirst": True}, ["2024-01-05", "2024-02-06"]),
        ({"dayfirst": False}, ["2024-05-01", "2024-06-02"]),
        ({"date_format": "%d.%m.%Y"}, ["2024-01-05", "2024-02-06"]),
        ({"date_format": {"date": "%m.%d.%Y"}}, ["2024-05-01", "2024-06-02"]),
    ],
)
def test_caller_settles_an_ambiguous_column(options, expected):
    result = validate(_tx(["05.01.2024", "06.02.2024"]), "transactions", **options)
    assert result.ok
    assert list(result.frame["date"]) == [pd.Timestamp(d) for d in expected]


def test_values_that_read_the_same_both_ways_need_no_order():
    result = validate(_tx(["05.05.2024", "01.01.2024 10:00"]), "transactions")
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-05-05"),
        pd.Timestamp("2024-01-01 10:00"),
    ]


def test_mixed_orders_are_rejected_row_by_row_against_the_majority():
    dates = ["13.01.2024", "14.01.2024", "01.15.2024", "05.01.2024", "05.05.2024", "2024-03-01"]
    result = validate(_tx(dates), "transactions")
    assert _reasons(result) == [
        (
            2,
            "day/month order contradicts the rest of the column (read day-first); "
            "pass date_format= or dayfirst=",
        ),
        (3, "ambiguous day/month order (the column mixes both orders)"),
    ]
    assert list(result.frame.index) == [0, 1, 4, 5]
    assert result.frame.loc[5, "date"] == pd.Timestamp("2024-03-01")  # ISO untouched


def test_an_explicit_order_turns_contradicting_rows_into_unparseable_dates():
    result = validate(
        _tx(["13.01.2024", "01.15.2024", "05.01.2024"]), "transactions", dayfirst=True
    )
    assert _reasons(result) == [(1, "unparseable date")]
    assert result.frame.loc[2, "date"] == pd.Timestamp("2024-01-05")


def test_a_format_that_does_not_match_rejects_the_row():
    result = validate(_tx(["05.01.2024", "2024-01-06"]), "transactions", date_format="%d.%m.%Y")
    assert _reasons(result) == [(1, "unparseable date")]


@pytest.mark.parametrize("value", ["31.02.2024", "30.02.2024", "32.01.2024", "13.13.2024"])
def test_impossible_dates_are_unparseable(value):
    result = validate(_tx(["13.01.2024", value]), "transactions")
    assert _reasons(result) == [(1, "unparseable date")]


def test_two_digit_years_and_times_and_separators():
    result = validate(
        _tx(["13.01.24", "13/01/2024 10:30", "13-01-2024 10:30:15", "2024/01/13"]),
        "transactions",
    )
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-01-13"),
        pd.Timestamp("2024-01-13 10:30"),
        pd.Timestamp("2024-01-13 10:30:15"),
        pd.Timestamp("2024-01-13"),
    ]


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2024-01-05T10:00:00Z", "2024-01-05 10:00"),
        ("2024-01-05 10:00+03", "2024-01-05 07:00"),
        ("2024-01-05 10:00 +0300", "2024-01-05 07:00"),
        ("2024-01-05T10:00:00+03:00", "2024-01-05 07:00"),
        ("2024-01-05T10:00:00.250-05:00", "2024-01-05 15:00:00.250"),
        ("2024-01-05 10:00 UTC", "2024-01-05 10:00"),
        ("2024-01-05 10:00 GMT", "2024-01-05 10:00"),
        ("2024-01-05 10:00 MSK", "2024-01-05 07:00"),
        ("13.01.2024 10:00 MSK", "2024-01-13 07:00"),
    ],
)
def test_time_zone_suffixes_are_read_and_stored_as_utc(value, utc):
    result = validate(_tx([value, value]), "transactions")
    assert result.ok
    assert result.frame["date"].iloc[0] == pd.Timestamp(utc)


def test_mixed_awareness_keeps_the_majority_kind():
    result = validate(
        _tx(["2024-01-05 10:00 MSK", "2024-01-06 10:00+03", "2024-01-07 10:00"]), "transactions"
    )
    assert _reasons(result) == [(2, "naive timestamp in a column of the other kind")]


def test_iso_keeps_fractions_untouched_and_typed_columns_pass_through():
    stamp = "2024-01-05T10:00:00.123456789"
    assert validate(_tx([stamp]), "transactions").frame["date"].iloc[0] == pd.Timestamp(stamp)
    typed = _tx(["x"]).assign(date=pd.to_datetime(["2024-01-05 10:00:00.5"]))
    assert validate(typed, "transactions").frame["date"].iloc[0] == pd.Timestamp(
        "2024-01-05 10:00:00.5"
    )


def test_far_future_events_are_rejected_without_an_observation_end():
    frame = _tx(["2024-01-05", "2099-01-05", "2024-06-02"])
    result = validate(frame, "transactions", today="2024-06-01")
    assert _reasons(result) == [
        (1, "in the future (after today, 2024-06-01)"),
        (2, "in the future (after today, 2024-06-01)"),
    ]
    wall_clock = validate(frame, "transactions")
    assert _reasons(wall_clock)[0][0] == 1  # 2099 is after any plausible today


def test_contract_expiry_may_lie_in_the_future():
    contracts = pd.DataFrame(
        {
            "contract_id": ["k"],
            "client_id": ["a"],
            "status": ["draft"],
            "expiry_date": ["2099-01-01"],
        }
    )
    assert validate(contracts, "contracts").ok


def test_odd_object_columns_never_raise_a_raw_error():
    frame = _tx([pd.Timestamp("2024-01-05"), 45296, "13.01.2024", None, object(), 2.5])
    result = validate(frame, "transactions")
    assert result.n_kept + result.n_rejected == 6
    assert _reasons(result) == [
        (1, "unparseable date"),
        (3, "missing date"),
        (4, "unparseable date"),
        (5, "unparseable date"),
    ]
