"""The one validator: every kind of bad input ends kept or rejected, never lost."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import ValidationError, validate


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
