"""Typed records and the validator accept and refuse the same values, field type by field type.

For each column kind a record field and a validator column of the same contract are
given the same probe value: the record is built with the probe in that field, the
validator gets a one-row table with the probe in that column (once as pandas infers
the column's dtype, once as an ``object`` column). Both must accept, or both must
refuse; when both accept, both must hold the same value.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pydantic
import pytest

from clientalytics import ValidationError, validate
from clientalytics.records import (
    Client,
    Contract,
    Manager,
    MarketingSpend,
    Record,
    SurveyResponse,
    Touchpoint,
    Transaction,
)
from clientalytics.schema import get_schema

BASE: dict[str, tuple[type[Record], dict[str, Any]]] = {
    "transactions": (
        Transaction,
        {
            "transaction_id": "T1",
            "client_id": "C1",
            "date": "2024-03-01",
            "revenue": 10.0,
            "variable_cost": 5.0,
        },
    ),
    "marketing_spend": (
        MarketingSpend,
        {
            "spend_id": "P1",
            "period": "2024-01-01",
            "channel": "exhibitions",
            "purpose": "acquisition",
            "amount": 1.0,
        },
    ),
    "touchpoints": (
        Touchpoint,
        {
            "touchpoint_id": "X1",
            "client_id": "C1",
            "timestamp": "2024-01-02 10:00",
            "channel": "phone",
            "kind": "sales",
        },
    ),
    "clients": (Client, {"client_id": "C1"}),
    "contracts": (Contract, {"contract_id": "K1", "client_id": "C1", "status": "draft"}),
    "surveys": (
        SurveyResponse,
        {"response_id": "S1", "client_id": "C1", "surveyed_at": "2024-05-02"},
    ),
    "managers": (Manager, {"manager_id": "M1"}),
}

#: One required and one optional column per kind (table, column).
FIELDS = {
    "id": [("transactions", "client_id"), ("transactions", "manager_id")],
    "string": [("marketing_spend", "channel"), ("transactions", "service")],
    "category": [("touchpoints", "channel"), ("clients", "legal_status")],
    "datetime": [("transactions", "date"), ("contracts", "expiry_date")],
    "float": [("transactions", "variable_cost"), ("touchpoints", "duration_minutes")],
    "int": [("surveys", "nps_score"), ("managers", "capacity")],
    "bool": [("clients", "relationship_programme")],
}

COMMON = [
    None,
    np.nan,
    "",
    "   ",
    "12",
    " 12 ",
    "1 234,5",
    "12.5",
    "abc",
    "a\x00b",
    math.inf,
    "inf",
    0,
    1,
    7.5,
    11,
    True,
    False,
    "yes",
    " No ",
    2**63,
    2.0**63,
    "9223372036854775808",
    "99999999999999999999",
    1e16,
]
PROBES: dict[str, list[Any]] = {
    "id": [*COMMON, " C-9 \t", "00042", 17.0, 2.5, np.int64(5), -math.inf],
    "string": [*COMMON, " FTL ", "Склад №1", datetime(2024, 1, 5)],
    "category": [*COMMON, "phone", " Phone ", "EMAIL", "commercial", "Commercial", "non-profit"],
    "datetime": [
        *COMMON,
        "05.01.2024",
        "05.05.2024",
        "13.01.2024",
        "01/13/2024",
        "13/13/2024",
        "31.02.2024",
        "13.01.24",
        "13.01.2024 10:30",
        "13-01-2024 10:30:15",
        "2024-01-05",
        "2024/01/05",
        "2024-01-05T10:00:00",
        "2024-01-05T10:00:00.123456",
        "2024-01-05 10:00:00Z",
        "2024-01-05 10:00+03",
        "2024-01-05 10:00 +0300",
        "2024-01-05T10:00:00+03:00",
        "2024-01-05 10:00 UTC",
        "2024-01-05 10:00 GMT",
        "2024-01-05 10:00 MSK",
        "2024-02-30",
        "2099-01-05",
        "yesterday",
        date(2024, 1, 5),
        datetime(2024, 1, 5, 10, 30),
        datetime(2024, 1, 5, 10, tzinfo=timezone(timedelta(hours=3))),
        pd.Timestamp("2024-01-05 10:00", tz="Europe/Moscow"),
        np.datetime64("2024-01-05T10:00"),
        45296,
    ],
    "float": [*COMMON, -1, -0.5, "1e5", "-1e16", 1e15, "+5", ".5", "1_000", np.float32(2.5)],
    "int": [*COMMON, 10, "10", 10.0, -1, "7.0", np.int64(3), "1e1", 2**53 + 1],
    "bool": [*COMMON, "TRUE", "t", "N", 0.0, 1.0, 2, "1", "0", np.bool_(True), "да"],
}


def _cases() -> list[Any]:
    cases = []
    for kind, fields in FIELDS.items():
        for table, column in fields:
            for i, probe in enumerate(PROBES[kind]):
                cases.append(pytest.param(table, column, probe, id=f"{kind}-{column}-{i}"))
    return cases


def _record(table: str, column: str, probe: Any) -> tuple[bool, Any]:
    record_type, base = BASE[table]
    try:
        record = record_type.model_validate({**base, column: probe})
    except pydantic.ValidationError:
        return False, None
    return True, getattr(record, column)


def _validator(table: str, column: str, probe: Any, *, as_object: bool) -> tuple[bool, Any]:
    _, base = BASE[table]
    data = {name: pd.Series([value], dtype=object) for name, value in base.items()}
    data[column] = pd.Series([probe], dtype=object) if as_object else pd.Series([probe])
    try:
        result = validate(pd.DataFrame(data), table)
    except ValidationError:
        return False, None
    if result.n_kept + result.n_rejected != 1:
        raise AssertionError("rows in != kept + rejected")
    if result.n_kept == 0:
        return False, None
    return True, result.frame[column].iloc[0]


def _same(a: Any, b: Any) -> bool:
    missing_a = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or b is pd.NA or b is pd.NaT or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == b
    return bool(a == b) and (not isinstance(a, str) or type(b) is str)


@pytest.mark.parametrize(("table", "column", "probe"), _cases())
def test_record_and_validator_agree(table: str, column: str, probe: Any):
    kind = get_schema(table).column(column).kind
    record_ok, record_value = _record(table, column, probe)
    for as_object in (False, True):
        valid_ok, valid_value = _validator(table, column, probe, as_object=as_object)
        where = f"{kind} {table}.{column} = {probe!r} (object column: {as_object})"
        assert record_ok == valid_ok, f"{where}: record {record_ok}, validator {valid_ok}"
        if record_ok:
            assert _same(record_value, valid_value), f"{where}: {record_value!r} != {valid_value!r}"


@pytest.mark.parametrize(
    ("table", "column", "probe", "expected"),
    [
        ("transactions", "variable_cost", "12", 12.0),
        ("transactions", "date", "13.01.2024", datetime(2024, 1, 13)),
        ("transactions", "date", "2024-01-05 10:00 MSK", datetime(2024, 1, 5, 7)),
        ("transactions", "client_id", 2**63, "9223372036854775808"),
        ("transactions", "client_id", 2.0**63 + 2048, "9223372036854777856"),
        ("clients", "relationship_programme", " Yes ", True),
        ("touchpoints", "channel", " Phone ", "phone"),
    ],
)
def test_both_read_a_value_the_same_known_way(table, column, probe, expected):
    """Hand-checked readings: both sides give exactly these values."""
    assert _record(table, column, probe) == (True, expected)
    assert _validator(table, column, probe, as_object=True) == (True, expected)


@pytest.mark.parametrize(
    ("table", "column", "probe"),
    [
        ("marketing_spend", "channel", "   "),  # blank required text
        ("transactions", "date", "05.01.2024"),  # day/month order unknown
        ("transactions", "variable_cost", True),
        ("transactions", "variable_cost", "1 234,5"),
        ("transactions", "service", "a\x00b"),
        ("transactions", "date", "2099-01-05"),
        ("managers", "capacity", "99999999999999999999"),
    ],
)
def test_both_refuse_a_known_bad_value(table, column, probe):
    assert _record(table, column, probe) == (False, None)
    assert _validator(table, column, probe, as_object=True) == (False, None)
