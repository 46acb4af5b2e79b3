"""Field types of the records: ids, numbers, bounds, categories, dates, booleans."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pydantic
import pytest

from clientalytics import enums
from clientalytics.records import (
    Client,
    Contract,
    DimensionScore,
    Manager,
    MarketingSpend,
    Record,
    SurveyResponse,
    Touchpoint,
)
from tests.records._helpers import make_transaction


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(17, "17"), (17.0, "17"), (np.int64(5), "5"), (" C-9 \t", "C-9"), (2.5, "2.5")],
)
def test_ids_become_stripped_text(raw: object, expected: str):
    assert make_transaction(client_id=raw).client_id == expected


@pytest.mark.parametrize("raw", ["", "   ", True, float("nan"), None])
def test_bad_ids_are_refused_naming_the_field(raw: object):
    with pytest.raises(pydantic.ValidationError, match=r"client_id"):
        make_transaction(client_id=raw)


def test_numbers_must_be_finite_plausible_and_not_boolean():
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*infinite value"):
        make_transaction(revenue=math.inf)
    with pytest.raises(pydantic.ValidationError, match=r"variable_cost\n.*boolean"):
        make_transaction(variable_cost=True)
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*implausibly large"):
        make_transaction(revenue=2e15)
    assert make_transaction(revenue=-300.0).revenue == -300.0  # a credit note
    assert make_transaction(revenue=" 12.5 ").revenue == 12.5  # numeric text, as the validator


@pytest.mark.parametrize(
    ("record_type", "data", "field"),
    [
        (SurveyResponse, {"nps_score": 11}, "nps_score"),
        (SurveyResponse, {"nps_score": -1}, "nps_score"),
        (SurveyResponse, {"csat_score": 0}, "csat_score"),
        (SurveyResponse, {"csat_score": 6}, "csat_score"),
        (SurveyResponse, {"nps_score": 7.5}, "nps_score"),
        (Manager, {"capacity": 0}, "capacity"),
        (MarketingSpend, {"amount": -0.01}, "amount"),
        (Touchpoint, {"duration_minutes": -1.0}, "duration_minutes"),
        (Contract, {"annual_value": -5.0}, "annual_value"),
    ],
)
def test_bounds_from_schema_are_enforced(record_type: type[Record], data: dict, field: str):
    base: dict[type[Record], dict[str, Any]] = {
        SurveyResponse: {"response_id": "S", "client_id": "C", "surveyed_at": date(2024, 1, 1)},
        Manager: {"manager_id": "M"},
        MarketingSpend: {
            "spend_id": "P",
            "period": date(2024, 1, 1),
            "channel": "exhibitions",
            "purpose": "acquisition",
            "amount": 1.0,
        },
        Touchpoint: {
            "touchpoint_id": "X",
            "client_id": "C",
            "timestamp": datetime(2024, 1, 1),
            "channel": "phone",
            "kind": "sales",
        },
        Contract: {"contract_id": "K", "client_id": "C", "status": "draft"},
    }
    with pytest.raises(pydantic.ValidationError, match=rf"(?m)^{field}\n"):
        record_type(**{**base[record_type], **data})


def test_bounds_are_inclusive():
    r = SurveyResponse(
        response_id="S",
        client_id="C",
        surveyed_at=date(2024, 1, 1),
        nps_score=10,
        csat_score=1,
        dimensions={"punctuality": DimensionScore(expected_score=0, perceived_score=10)},
    )
    assert (r.nps_score, r.csat_score) == (10, 1)
    assert r.dimensions["punctuality"].gap == 10.0


def test_category_refuses_unknown_value_and_lists_allowed():
    with pytest.raises(pydantic.ValidationError, match=r"behaviour\n.*not one of \[.*'loyal'"):
        Client(client_id="C", behaviour="friendly")
    assert Client(client_id="C", legal_status=" Commercial ").legal_status == "commercial"
    client = Client(client_id="C", behaviour="loyal", relation_to_firm="permanent")
    assert client.behaviour is enums.Behaviour.LOYAL
    assert client.relation_to_firm is enums.RelationToFirm.PERMANENT


def test_dates_mean_midnight_and_aware_datetimes_are_read_in_utc():
    assert make_transaction(date=date(2024, 3, 1)).date == datetime(2024, 3, 1)
    assert make_transaction(date=pd.Timestamp("2024-03-01 10:00")).date == datetime(2024, 3, 1, 10)
    moscow = datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=3)))
    assert make_transaction(date=moscow).date == datetime(2024, 3, 1, 7)
    assert make_transaction(date="13.03.2024 10:00 MSK").date == datetime(2024, 3, 13, 7)
    assert make_transaction(date="13.03.2024").date == datetime(2024, 3, 13)
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*day/month order.*dayfirst"):
        make_transaction(date="05.03.2024")
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*in the future"):
        make_transaction(date="2099-01-05")
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*nanoseconds"):
        make_transaction(date=pd.Timestamp("2024-03-01 10:00:00.000000001"))


def test_bool_fields_read_yes_no_as_the_validator_does():
    assert Client(client_id="C", relationship_programme=np.bool_(True)).relationship_programme
    assert Client(client_id="C", relationship_programme=" Yes ").relationship_programme is True
    assert Client(client_id="C", relationship_programme=0).relationship_programme is False
    with pytest.raises(pydantic.ValidationError, match=r"relationship_programme\n.*yes/no"):
        Client(client_id="C", relationship_programme="perhaps")
