"""The one validator: every kind of bad input ends kept or rejected, never lost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import ValidationError, validate
from clientalytics.validation import normalize_ids


def _tx(**overrides):
    base = {
        "transaction_id": ["t1", "t2", "t3"],
        "client_id": ["a", "a", "b"],
        "date": ["2024-01-01", "2024-01-05", "2024-02-01"],
        "revenue": [100.0, 50.0, 80.0],
        "variable_cost": [60.0, 30.0, 50.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _reasons(result):
    return sorted(
        zip(
            result.rejected["row"],
            result.rejected["column"],
            result.rejected["reason"],
            strict=True,
        )
    )


def test_clean_table_is_kept_whole_and_typed():
    result = validate(_tx(), "transactions")
    assert result.ok and result.n_kept == 3 and result.n_rejected == 0
    assert str(result.frame["date"].dtype) == "datetime64[ns]"
    assert result.frame["revenue"].dtype == "float64"
    assert list(result.frame["client_id"]) == ["a", "a", "b"]


def test_missing_and_empty_ids_are_rejected_with_reason():
    result = validate(_tx(client_id=["a", None, "  "]), "transactions")
    assert _reasons(result) == [(1, "client_id", "missing id"), (2, "client_id", "missing id")]
    assert result.n_kept == 1


def test_numeric_ids_become_text_without_decimal_tail():
    result = validate(_tx(client_id=[17.0, 17.0, 18.0], transaction_id=[1, 2, 3]), "transactions")
    assert list(result.frame["client_id"]) == ["17", "17", "18"]
    assert list(result.frame["transaction_id"]) == ["1", "2", "3"]


def test_unparseable_dates_are_rejected():
    result = validate(_tx(date=["2024-01-01", "31/31/2024", "yesterday"]), "transactions")
    assert _reasons(result) == [(1, "date", "unparseable date"), (2, "date", "unparseable date")]


def test_mixed_timezone_aware_and_naive_keeps_the_majority_kind():
    dates = ["2024-01-01 10:00", "2024-01-02 11:00", "2024-01-03T10:00:00+03:00"]
    result = validate(_tx(date=dates), "transactions")
    assert _reasons(result) == [
        (2, "date", "timezone-aware timestamp in a column of the other kind")
    ]
    aware = validate(
        _tx(date=[pd.Timestamp("2024-01-01 10:00", tz="Europe/Moscow")] * 3), "transactions"
    )
    assert aware.ok
    assert aware.frame["date"].iloc[0] == pd.Timestamp("2024-01-01 07:00")  # converted to UTC


def test_dates_after_observation_end_are_rejected():
    result = validate(_tx(), "transactions", observation_end="2024-01-31")
    assert _reasons(result) == [(2, "date", "after observation end 2024-01-31")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [(np.nan, "missing value"), (np.inf, "infinite value"), ("12,5 rub", "not a number")],
)
def test_bad_money_values_are_rejected(value, reason):
    result = validate(_tx(revenue=[100.0, value, 80.0]), "transactions")
    assert _reasons(result) == [(1, "revenue", reason)]


def test_credit_notes_are_netted_unless_they_make_the_total_negative():
    netted = validate(_tx(revenue=[100.0, -40.0, 80.0]), "transactions")
    assert netted.ok
    over = validate(_tx(revenue=[100.0, -140.0, 80.0]), "transactions")
    assert _reasons(over) == [(1, "revenue", "credit notes exceed the client's revenue")]
    strict_policy = validate(
        _tx(revenue=[100.0, -40.0, 80.0]), "transactions", credit_notes="reject"
    )
    assert _reasons(strict_policy) == [
        (1, "revenue", "negative revenue (credit note) not accepted")
    ]


def test_duplicate_ids_exact_copies_keep_first_conflicts_drop_all():
    frame = pd.DataFrame(
        {
            "transaction_id": ["t1", "t1", "t2", "t2"],
            "client_id": ["a", "a", "a", "b"],
            "date": ["2024-01-01"] * 4,
            "revenue": [10.0, 10.0, 20.0, 30.0],
            "variable_cost": [1.0] * 4,
        }
    )
    result = validate(frame, "transactions")
    assert _reasons(result) == [
        (1, "transaction_id", "duplicate row (exact copy of an earlier row)"),
        (2, "transaction_id", "duplicate transaction_id with different content"),
        (3, "transaction_id", "duplicate transaction_id with different content"),
    ]
    assert list(result.frame.index) == [0]


def test_unknown_clients_are_rejected_when_keys_are_given():
    result = validate(_tx(), "transactions", known_keys={"clients": ["a"]})
    assert _reasons(result) == [(2, "client_id", "unknown client_id (not in clients)")]


def test_contract_expiry_before_start_and_missing_status_dates():
    contracts = pd.DataFrame(
        {
            "contract_id": ["c1", "c2", "c3"],
            "client_id": ["a", "b", "c"],
            "status": ["active", "Active", "signed"],
            "sent_date": ["2024-01-01", "2024-01-01", "2024-01-01"],
            "signed_date": ["2024-01-10", "2024-01-10", None],
            "start_date": ["2024-02-01", "2024-02-01", None],
            "expiry_date": ["2025-02-01", "2024-01-15", None],
        }
    )
    result = validate(contracts, "contracts")
    assert _reasons(result) == [
        (1, "start_date", "start_date on or after expiry_date"),
        (2, "signed_date", "required when status is one of ['signed', 'active', 'expired']"),
    ]
    assert result.frame.loc[0, "status"] == "active"


def test_category_values_are_normalised_or_rejected():
    clients = pd.DataFrame({"client_id": ["a", "b"], "legal_status": ["Commercial", "alien"]})
    result = validate(clients, "clients")
    assert result.frame.loc[0, "legal_status"] == "commercial"
    assert result.rejected["column"].tolist() == ["legal_status"]
    assert "not one of" in result.rejected["reason"].iloc[0]


def test_empty_table_and_missing_column_raise():
    with pytest.raises(ValidationError, match=r"table 'transactions' is empty"):
        validate(_tx().iloc[0:0], "transactions")
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['revenue'\]"):
        validate(_tx().drop(columns="revenue"), "transactions")


def test_strict_mode_names_column_count_and_examples():
    frame = _tx(revenue=[np.inf, "abc", 5.0])
    with pytest.raises(
        ValidationError, match=r"column 'revenue': infinite value \(1 row\(s\), e\.g\. 'inf'\)"
    ):
        validate(frame, "transactions", mode="strict")
    with pytest.raises(ValidationError, match=r"2 row\(s\) rejected of 3"):
        validate(frame, "transactions", mode="strict")


def test_bounds_and_whole_numbers():
    surveys = pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r4"],
            "client_id": ["a"] * 4,
            "surveyed_at": ["2024-01-01"] * 4,
            "nps_score": [10, 11, 7.5, None],
        }
    )
    result = validate(surveys, "surveys")
    assert _reasons(result) == [
        (1, "nps_score", "above maximum 10"),
        (2, "nps_score", "not a whole number"),
    ]
    assert str(result.frame["nps_score"].dtype) == "Int64"


def test_summary_counts_rows_per_problem():
    result = validate(_tx(revenue=[np.inf, np.inf, 5.0]), "transactions")
    summary = result.summary()
    assert summary.loc[0, "rows"] == 2 and summary.loc[0, "reason"] == "infinite value"


money = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["abc", "", None, "12.5"]),
)


@settings(max_examples=60, deadline=None)
@given(
    revenue=st.lists(money, min_size=1, max_size=12),
    data=st.data(),
)
def test_rows_in_equal_rows_kept_plus_rows_rejected(revenue, data):
    n = len(revenue)
    ids = data.draw(st.lists(st.sampled_from(["t1", "t2", "t3", "", None]), min_size=n, max_size=n))
    dates = data.draw(
        st.lists(st.sampled_from(["2024-01-01", "bad", None, "2030-01-01"]), min_size=n, max_size=n)
    )
    frame = pd.DataFrame(
        {
            "transaction_id": ids,
            "client_id": ["a"] * n,
            "date": dates,
            "revenue": pd.Series(revenue, dtype=object),
            "variable_cost": [1.0] * n,
        }
    )
    result = validate(frame, "transactions", observation_end="2025-01-01")
    assert result.n_kept + result.n_rejected == n
    assert set(result.frame.index).isdisjoint(set(result.rejected["row"]))
    kept = result.frame
    assert np.isfinite(kept["revenue"]).all()
    assert kept["date"].notna().all() and (kept["date"] <= pd.Timestamp("2025-01-01")).all()
    assert kept["transaction_id"].is_unique


# ---------------------------------- inputs that used to be altered silently or end in a traceback


def _uniform_tx(n: int = 3, **overrides: object) -> pd.DataFrame:
    data: dict[str, object] = {
        "transaction_id": [f"t{i}" for i in range(n)],
        "client_id": ["a"] * n,
        "date": ["2024-01-05"] * n,
        "revenue": [10.0] * n,
        "variable_cost": [5.0] * n,
    }
    data.update(overrides)
    return pd.DataFrame(data)


BIG = [2**63, 2**63 + 1, 2**64 + 7]


@pytest.mark.parametrize(
    "ids",
    [
        pd.Series(BIG, dtype=object),  # Python ints
        pd.Series(np.array([2**63, 2**63 + 1, 2**64 - 1], dtype="uint64")),
        pd.Series([str(v) for v in BIG]),
        pd.Series([2.0**63, 2.0**63 + 2048, 1e19]),  # floats: exact value of each float
    ],
    ids=["python-int", "uint64", "text", "float"],
)
def test_ids_at_or_above_two_to_the_63_stay_exact_and_distinct(ids):
    result = validate(_uniform_tx(transaction_id=ids), "transactions")
    assert result.ok
    kept = list(result.frame["transaction_id"])
    assert kept == [str(int(v)) if not isinstance(v, str) else v for v in ids]
    assert len(set(kept)) == 3
    assert list(normalize_ids(ids)) == kept


def test_a_nul_byte_is_rejected_not_truncated():
    result = validate(
        _uniform_tx(service=["FTL\x00junk", "LTL", None], client_id=["a", "b\x00", "c"]),
        "transactions",
    )
    assert _reasons(result) == [
        (0, "service", "text contains a NUL byte"),
        (1, "client_id", "text contains a NUL byte"),
    ]
    assert list(result.frame["service"]) == [None]


def test_survey_dimensions_have_a_composite_key():
    frame = pd.DataFrame(
        {
            "response_id": ["s1", "s1", "s1", "s1", "s2"],
            "dimension": ["price", "price", "speed", "speed", "price"],
            "expected_score": [5.0, 5.0, 7.0, 8.0, 5.0],
            "perceived_score": [4.0, 4.0, 7.0, 7.0, 4.0],
        }
    )
    result = validate(frame, "survey_dimensions")
    assert _reasons(result) == [
        (1, "response_id, dimension", "duplicate row (exact copy of an earlier row)"),
        (2, "response_id, dimension", "duplicate (response_id, dimension) with different content"),
        (3, "response_id, dimension", "duplicate (response_id, dimension) with different content"),
    ]
    assert list(result.frame.index) == [0, 4]
    assert result.rejected["value"].tolist()[0] == "s1 / price"


@pytest.mark.parametrize("value", [1e16, -2e15, "1e300", 1.7e308])
def test_implausibly_large_money_is_rejected_so_sums_stay_finite(value):
    frame = _uniform_tx(revenue=pd.Series([10.0, value, 20.0], dtype=object))
    result = validate(frame, "transactions")
    assert _reasons(result) == [(1, "revenue", "implausibly large number (magnitude above 1e+15)")]
    assert np.isfinite(result.frame["revenue"].sum())
    assert validate(
        _uniform_tx(revenue=[1e15, 1.0, 2.0]), "transactions"
    ).ok  # the limit itself is kept


@pytest.mark.parametrize(
    "value", ["99999999999999999999", 2**63, 2**70, np.uint64(2**63), "-99999999999999999999"]
)
def test_numbers_beyond_int64_in_int_columns_are_rejected_not_raised(value):
    surveys = pd.DataFrame(
        {
            "response_id": ["r1", "r2"],
            "client_id": ["a", "a"],
            "surveyed_at": ["2024-01-01", "2024-01-02"],
            "capacity_unused": [1, 2],
            "nps_score": pd.Series([5, value], dtype=object),
        }
    )
    result = validate(surveys, "surveys")
    assert _reasons(result) == [
        (1, "nps_score", "implausibly large number (magnitude above 1e+15)")
    ]
    assert result.frame["nps_score"].tolist() == [5]
    assert result.frame["capacity_unused"].tolist() == [1]  # extra columns untouched


def test_every_kept_value_equals_its_source_and_rows_add_up():
    source = _uniform_tx(
        6,
        transaction_id=[" t0 ", "t1", "t2", "t3", "t4", "t5"],
        date=["13.01.2024", "14.01.2024", "15.01.2024", "05.01.2024", "bad", "2099-01-01"],
        revenue=["10", "1 234,5", "12.5", "7", "8", "9"],
    )
    result = validate(source, "transactions", today="2024-06-01")
    assert result.n_kept + result.n_rejected == len(source)
    kept = result.frame
    for label in kept.index:
        assert kept.loc[label, "transaction_id"] == source.loc[label, "transaction_id"].strip()
        assert kept.loc[label, "revenue"] == float(source.loc[label, "revenue"])
        day, month, year = (int(x) for x in source.loc[label, "date"].split("."))
        assert kept.loc[label, "date"] == pd.Timestamp(year, month, day)
    assert sorted(kept.index) == [0, 2, 3]


# ---------------------------------- dates: day/month order from the whole column, time zones read


def _tx_of_dates(dates: list[object]) -> pd.DataFrame:
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


def _row_reasons(result) -> list[tuple[object, str]]:
    return sorted(zip(result.rejected["row"], result.rejected["reason"], strict=True))


def test_one_day_above_twelve_settles_the_whole_column_day_first():
    result = validate(_tx_of_dates(["05.01.2024", "06.02.2024", "13.01.2024"]), "transactions")
    assert result.ok
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-01-13"),
    ]


def test_one_second_field_above_twelve_settles_month_first():
    result = validate(_tx_of_dates(["01/05/2024", "02/06/2024", "01/13/2024"]), "transactions")
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-01-13"),
    ]


def test_all_ambiguous_column_raises_naming_table_column_examples_and_option():
    with pytest.raises(ValidationError) as caught:
        validate(_tx_of_dates(["05.01.2024", "06.02.2024"]), "transactions")
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
    result = validate(_tx_of_dates(["05.01.2024", "06.02.2024"]), "transactions", **options)
    assert result.ok
    assert list(result.frame["date"]) == [pd.Timestamp(d) for d in expected]


def test_values_that_read_the_same_both_ways_need_no_order():
    result = validate(_tx_of_dates(["05.05.2024", "01.01.2024 10:00"]), "transactions")
    assert list(result.frame["date"]) == [
        pd.Timestamp("2024-05-05"),
        pd.Timestamp("2024-01-01 10:00"),
    ]


def test_mixed_orders_are_rejected_row_by_row_against_the_majority():
    dates = ["13.01.2024", "14.01.2024", "01.15.2024", "05.01.2024", "05.05.2024", "2024-03-01"]
    result = validate(_tx_of_dates(dates), "transactions")
    assert _row_reasons(result) == [
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
        _tx_of_dates(["13.01.2024", "01.15.2024", "05.01.2024"]), "transactions", dayfirst=True
    )
    assert _row_reasons(result) == [(1, "unparseable date")]
    assert result.frame.loc[2, "date"] == pd.Timestamp("2024-01-05")


def test_a_format_that_does_not_match_rejects_the_row():
    result = validate(
        _tx_of_dates(["05.01.2024", "2024-01-06"]), "transactions", date_format="%d.%m.%Y"
    )
    assert _row_reasons(result) == [(1, "unparseable date")]


@pytest.mark.parametrize("value", ["31.02.2024", "30.02.2024", "32.01.2024", "13.13.2024"])
def test_impossible_dates_are_unparseable(value):
    result = validate(_tx_of_dates(["13.01.2024", value]), "transactions")
    assert _row_reasons(result) == [(1, "unparseable date")]


def test_two_digit_years_and_times_and_separators():
    result = validate(
        _tx_of_dates(["13.01.24", "13/01/2024 10:30", "13-01-2024 10:30:15", "2024/01/13"]),
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
    result = validate(_tx_of_dates([value, value]), "transactions")
    assert result.ok
    assert result.frame["date"].iloc[0] == pd.Timestamp(utc)


def test_mixed_awareness_keeps_the_majority_kind():
    result = validate(
        _tx_of_dates(["2024-01-05 10:00 MSK", "2024-01-06 10:00+03", "2024-01-07 10:00"]),
        "transactions",
    )
    assert _row_reasons(result) == [(2, "naive timestamp in a column of the other kind")]


def test_iso_keeps_fractions_untouched_and_typed_columns_pass_through():
    stamp = "2024-01-05T10:00:00.123456789"
    assert validate(_tx_of_dates([stamp]), "transactions").frame["date"].iloc[0] == pd.Timestamp(
        stamp
    )
    typed = _tx_of_dates(["x"]).assign(date=pd.to_datetime(["2024-01-05 10:00:00.5"]))
    assert validate(typed, "transactions").frame["date"].iloc[0] == pd.Timestamp(
        "2024-01-05 10:00:00.5"
    )


def test_far_future_events_are_rejected_without_an_observation_end():
    frame = _tx_of_dates(["2024-01-05", "2099-01-05", "2024-06-02"])
    result = validate(frame, "transactions", today="2024-06-01")
    assert _row_reasons(result) == [
        (1, "in the future (after today, 2024-06-01)"),
        (2, "in the future (after today, 2024-06-01)"),
    ]
    wall_clock = validate(frame, "transactions")
    assert _row_reasons(wall_clock)[0][0] == 1  # 2099 is after any plausible today


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
    frame = _tx_of_dates([pd.Timestamp("2024-01-05"), 45296, "13.01.2024", None, object(), 2.5])
    result = validate(frame, "transactions")
    assert result.n_kept + result.n_rejected == 6
    assert _row_reasons(result) == [
        (1, "unparseable date"),
        (3, "missing date"),
        (4, "unparseable date"),
        (5, "unparseable date"),
    ]
