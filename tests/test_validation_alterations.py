"""Regression tests: inputs that used to be altered silently or end in a traceback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics import validate
from clientalytics.validation import normalize_ids


def _tx(n: int = 3, **overrides: object) -> pd.DataFrame:
    data: dict[str, object] = {
        "transaction_id": [f"t{i}" for i in range(n)],
        "client_id": ["a"] * n,
        "date": ["2024-01-05"] * n,
        "revenue": [10.0] * n,
        "variable_cost": [5.0] * n,
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _reasons(result) -> list[tuple[object, str, str]]:
    return sorted(
        zip(
            result.rejected["row"],
            result.rejected["column"],
            result.rejected["reason"],
            strict=True,
        )
    )


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
    result = validate(_tx(transaction_id=ids), "transactions")
    assert result.ok
    kept = list(result.frame["transaction_id"])
    assert kept == [str(int(v)) if not isinstance(v, str) else v for v in ids]
    assert len(set(kept)) == 3
    assert list(normalize_ids(ids)) == kept


def test_a_nul_byte_is_rejected_not_truncated():
    result = validate(
        _tx(service=["FTL\x00junk", "LTL", None], client_id=["a", "b\x00", "c"]), "transactions"
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
    frame = _tx(revenue=pd.Series([10.0, value, 20.0], dtype=object))
    result = validate(frame, "transactions")
    assert _reasons(result) == [(1, "revenue", "implausibly large number (magnitude above 1e+15)")]
    assert np.isfinite(result.frame["revenue"].sum())
    assert validate(_tx(revenue=[1e15, 1.0, 2.0]), "transactions").ok  # the limit itself is kept


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
    source = _tx(
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
