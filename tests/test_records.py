"""Typed records: agreement with schema.py, validation rules, contract lifecycle, frames."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clientalytics import enums, schema
from clientalytics._parsing import MAX_MAGNITUDE
from clientalytics.enums import CONTRACT_TRANSITIONS, ContractStatus, ContractTransitionError
from clientalytics.exceptions import ValidationError
from clientalytics.records import (
    RECORD_TYPES,
    Client,
    ClientRequest,
    Contract,
    DimensionScore,
    FreightRequirements,
    Manager,
    MarketingSpend,
    Record,
    SurveyResponse,
    Touchpoint,
    Transaction,
    frame_to_records,
    record_columns,
    records_to_frame,
    schema_mismatches,
    survey_frames_to_records,
    survey_records_to_frames,
)
from clientalytics.records.base import column_field
from clientalytics.records.fieldtypes import FiniteFloat, RecordId, field_enum, field_kind

ALL_RECORD_TYPES = [
    Client,
    Manager,
    Contract,
    Transaction,
    Touchpoint,
    ClientRequest,
    MarketingSpend,
    SurveyResponse,
    DimensionScore,
    FreightRequirements,
]
HYPOTHESIS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------- schema agreement


def test_record_types_cover_every_table():
    covered = set(RECORD_TYPES) | {"survey_dimensions"}
    assert covered == set(schema.SCHEMAS)
    assert RECORD_TYPES["surveys"] is SurveyResponse
    assert {r.table_schema.name for r in ALL_RECORD_TYPES} == set(schema.SCHEMAS)


@pytest.mark.parametrize("record_type", ALL_RECORD_TYPES, ids=lambda t: t.__name__)
def test_record_fields_match_schema_columns(record_type: type[Record]):
    """Names, order, kinds, nullability, bounds and allowed values equal the schema's."""
    table = record_type.table_schema
    fields = record_columns(record_type)
    assert list(fields) == list(record_type.expected_columns())
    for name, info in fields.items():
        column = table.column(name)
        assert field_kind(info) == column.kind, name
        assert (not info.is_required()) == column.nullable, name
        lower = [m.ge for m in info.metadata if hasattr(m, "ge")]
        upper = [m.le for m in info.metadata if hasattr(m, "le")]
        assert lower == ([] if column.minimum is None else [column.minimum]), name
        assert upper == ([] if column.maximum is None else [column.maximum]), name
        enum = field_enum(info)
        allowed = None if enum is None else tuple(m.value for m in enum)
        assert allowed == column.allowed, name
        assert info.description == column.description, name
    assert schema_mismatches(record_type) == []


def test_flattened_columns_give_whole_tables():
    assert list(record_columns(ClientRequest)) == schema.REQUESTS.column_names
    assert tuple(record_columns(FreightRequirements)) == schema.FREIGHT_REQUIREMENT_COLUMNS
    assert len(schema.FREIGHT_REQUIREMENT_COLUMNS) == 19
    assert list(record_columns(SurveyResponse)) == schema.SURVEYS.column_names
    assert ["response_id", "dimension", *record_columns(DimensionScore)] == (
        schema.SURVEY_DIMENSIONS.column_names
    )


def test_record_drifting_from_schema_is_refused_at_definition():
    with pytest.raises(TypeError, match=r"'amount' has minimum None, the schema says 0"):

        class LooseSpend(Record):
            table_schema: ClassVar[schema.TableSchema] = schema.MARKETING_SPEND

            spend_id: RecordId = column_field(schema.MARKETING_SPEND, "spend_id")
            period: datetime
            channel: str
            purpose: enums.SpendPurpose
            target_segment: str | None = None
            amount: FiniteFloat

    with pytest.raises(TypeError, match=r"fields \['manager_id'\] differ from columns"):

        class ShortManager(Record):
            table_schema: ClassVar[schema.TableSchema] = schema.MANAGERS

            manager_id: RecordId = column_field(schema.MANAGERS, "manager_id")


# --------------------------------------------------------------------------- field rules


def _transaction(**overrides: Any) -> Transaction:
    data: dict[str, Any] = {
        "transaction_id": "T1",
        "client_id": "C1",
        "date": datetime(2024, 3, 1, 9, 30),
        "revenue": 1200.0,
        "variable_cost": 950.0,
    }
    return Transaction(**{**data, **overrides})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(17, "17"), (17.0, "17"), (np.int64(5), "5"), (" C-9 \t", "C-9"), (2.5, "2.5")],
)
def test_ids_become_stripped_text(raw: object, expected: str):
    assert _transaction(client_id=raw).client_id == expected


@pytest.mark.parametrize("raw", ["", "   ", True, float("nan"), None])
def test_bad_ids_are_refused_naming_the_field(raw: object):
    with pytest.raises(pydantic.ValidationError, match=r"client_id"):
        _transaction(client_id=raw)


def test_numbers_must_be_finite_plausible_and_not_boolean():
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*infinite value"):
        _transaction(revenue=math.inf)
    with pytest.raises(pydantic.ValidationError, match=r"variable_cost\n.*boolean"):
        _transaction(variable_cost=True)
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*implausibly large"):
        _transaction(revenue=2e15)
    assert _transaction(revenue=-300.0).revenue == -300.0  # a credit note
    assert _transaction(revenue=" 12.5 ").revenue == 12.5  # numeric text, as the validator


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


def test_dimension_scores_are_bounded():
    with pytest.raises(pydantic.ValidationError, match=r"dimensions\.punctuality\.perceived_score"):
        SurveyResponse(
            response_id="S",
            client_id="C",
            surveyed_at=date(2024, 1, 1),
            dimensions={"punctuality": {"expected_score": 5, "perceived_score": 10.5}},
        )


def test_category_refuses_unknown_value_and_lists_allowed():
    with pytest.raises(pydantic.ValidationError, match=r"behaviour\n.*not one of \[.*'loyal'"):
        Client(client_id="C", behaviour="friendly")
    assert Client(client_id="C", legal_status=" Commercial ").legal_status == "commercial"
    client = Client(client_id="C", behaviour="loyal", relation_to_firm="permanent")
    assert client.behaviour is enums.Behaviour.LOYAL
    assert client.relation_to_firm is enums.RelationToFirm.PERMANENT


def test_records_are_frozen_and_reject_unknown_fields():
    t = _transaction()
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*frozen"):
        t.revenue = 0.0  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match=r"discount\n.*Extra inputs"):
        _transaction(discount=0.1)
    assert hash(t) == hash(_transaction())


def test_dates_mean_midnight_and_aware_datetimes_are_read_in_utc():
    assert _transaction(date=date(2024, 3, 1)).date == datetime(2024, 3, 1)
    assert _transaction(date=pd.Timestamp("2024-03-01 10:00")).date == datetime(2024, 3, 1, 10)
    moscow = datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=3)))
    assert _transaction(date=moscow).date == datetime(2024, 3, 1, 7)
    assert _transaction(date="13.03.2024 10:00 MSK").date == datetime(2024, 3, 13, 7)
    assert _transaction(date="13.03.2024").date == datetime(2024, 3, 13)
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*day/month order.*dayfirst"):
        _transaction(date="05.03.2024")
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*in the future"):
        _transaction(date="2099-01-05")
    with pytest.raises(pydantic.ValidationError, match=r"date\n.*nanoseconds"):
        _transaction(date=pd.Timestamp("2024-03-01 10:00:00.000000001"))


def test_bool_fields_read_yes_no_as_the_validator_does():
    assert Client(client_id="C", relationship_programme=np.bool_(True)).relationship_programme
    assert Client(client_id="C", relationship_programme=" Yes ").relationship_programme is True
    assert Client(client_id="C", relationship_programme=0).relationship_programme is False
    with pytest.raises(pydantic.ValidationError, match=r"relationship_programme\n.*yes/no"):
        Client(client_id="C", relationship_programme="perhaps")


# --------------------------------------------------------------------------- contracts


def _contract(status: str = "draft", **dates: Any) -> Contract:
    return Contract(contract_id="K-1", client_id="C1", status=status, **dates)


FULL_DATES = {
    "first_contact_date": date(2024, 1, 10),
    "sent_date": date(2024, 1, 20),
    "signed_date": date(2024, 2, 1),
    "start_date": date(2024, 2, 15),
    "expiry_date": date(2025, 2, 15),
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expiry_date": date(2024, 2, 15)}, r"expiry_date \(2024-02-15.*must be after start_date"),
        ({"expiry_date": date(2024, 1, 1)}, r"expiry_date \(2024-01-01.*must be after start_date"),
        ({"signed_date": date(2024, 1, 19)}, r"signed_date .* on or after sent_date"),
        ({"first_contact_date": date(2024, 1, 21)}, r"sent_date .* on or after first_contact"),
    ],
)
def test_contract_refuses_impossible_dates(changes: dict, message: str):
    with pytest.raises(pydantic.ValidationError, match=message):
        _contract("active", **{**FULL_DATES, **changes})


def test_same_day_send_and_sign_is_allowed():
    same = {**FULL_DATES, "sent_date": date(2024, 2, 1), "signed_date": date(2024, 2, 1)}
    assert _contract("active", **same).signed_date == datetime(2024, 2, 1)


@pytest.mark.parametrize(
    ("status", "column"),
    [(status, rule.column) for rule in schema.CONTRACTS.required_when for status in rule.values],
)
def test_contract_status_requires_its_dates(status: str, column: str):
    dates = {k: v for k, v in FULL_DATES.items() if k != column}
    with pytest.raises(pydantic.ValidationError, match=rf"{column} is required when status"):
        _contract(status, **dates)
    assert _contract(status, **FULL_DATES).status == status


def test_contract_lifecycle_fills_dates_and_keeps_original():
    draft = _contract(first_contact_date=date(2024, 1, 10))
    sent = draft.transition("sent", on=date(2024, 1, 20))
    signed = sent.transition(ContractStatus.SIGNED, on=date(2024, 2, 1))
    active = signed.transition("active", on=date(2024, 2, 15), expiry_date=date(2025, 2, 15))
    expired = active.transition("expired", on=date(2025, 2, 15))
    assert draft.status is ContractStatus.DRAFT and draft.sent_date is None
    assert sent.sent_date == datetime(2024, 1, 20)
    assert signed.signed_date == datetime(2024, 2, 1)
    assert active.start_date == datetime(2024, 2, 15)
    assert active.expiry_date == datetime(2025, 2, 15)
    assert expired.status is ContractStatus.EXPIRED
    assert expired.model_dump(exclude={"status"}) == active.model_dump(exclude={"status"})


def test_activation_keeps_a_planned_start_date():
    signed = _contract(
        "signed", sent_date=date(2024, 1, 5), signed_date=date(2024, 1, 9)
    ).model_copy()
    planned = Contract.model_validate({**signed.model_dump(), "start_date": datetime(2024, 3, 1)})
    active = planned.transition("active", on=date(2024, 2, 1), expiry_date=date(2025, 3, 1))
    assert active.start_date == datetime(2024, 3, 1)
    explicit = signed.transition(
        "active", on=date(2024, 2, 1), start_date=date(2024, 2, 5), expiry_date=date(2025, 1, 1)
    )
    assert explicit.start_date == datetime(2024, 2, 5)


def _contract_in(status: ContractStatus) -> Contract:
    needed = {rule.column for rule in schema.CONTRACTS.required_when if status.value in rule.values}
    return _contract(status.value, **{k: v for k, v in FULL_DATES.items() if k in needed})


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in ContractStatus for t in ContractStatus if t not in CONTRACT_TRANSITIONS[s]],
)
def test_transitions_outside_the_lifecycle_raise(source: ContractStatus, target: ContractStatus):
    contract = _contract_in(source)
    with pytest.raises(
        ContractTransitionError, match=rf"from '{source.value}' to '{target.value}'"
    ):
        contract.transition(target, on=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in ContractStatus for t in CONTRACT_TRANSITIONS[s]],
)
def test_every_allowed_transition_succeeds(source: ContractStatus, target: ContractStatus):
    moved = _contract_in(source).transition(
        target, on=date(2026, 1, 1), expiry_date=date(2026, 12, 31)
    )
    assert moved.status is target
    assert target in CONTRACT_TRANSITIONS[source]


def test_transition_checks_its_day_against_recorded_dates():
    sent = _contract("sent", sent_date=date(2024, 1, 20))
    with pytest.raises(ContractTransitionError, match=r"precedes sent_date \(2024-01-20\)"):
        sent.transition("signed", on=date(2024, 1, 19))
    active = _contract("active", **FULL_DATES)
    with pytest.raises(ContractTransitionError, match=r"before its expiry_date"):
        active.transition("expired", on=date(2024, 6, 1))
    assert active.transition("terminated", on=date(2024, 6, 1)).status == "terminated"
    with pytest.raises(ContractTransitionError, match=r"unknown status 'paused'"):
        active.transition("paused", on=date(2024, 6, 1))
    assert active.allowed_transitions == {ContractStatus.EXPIRED, ContractStatus.TERMINATED}


def test_activation_without_expiry_names_the_missing_field():
    signed = _contract("signed", sent_date=date(2024, 1, 5), signed_date=date(2024, 1, 9))
    with pytest.raises(pydantic.ValidationError, match=r"expiry_date is required when status"):
        signed.transition("active", on=date(2024, 2, 1))


# --------------------------------------------------------------------------- requests


def _request(**overrides: Any) -> ClientRequest:
    data: dict[str, Any] = {
        "request_id": "R1",
        "client_id": "C1",
        "request_type": "commercial",
        "received_at": datetime(2024, 4, 1, 9, 0),
        "outcome": "pending",
    }
    return ClientRequest(**{**data, **overrides})


@pytest.mark.parametrize("field", ["first_response_at", "quoted_at"])
def test_request_answers_cannot_precede_receipt(field: str):
    with pytest.raises(pydantic.ValidationError, match=rf"{field} .* on or after received_at"):
        _request(**{field: datetime(2024, 4, 1, 8, 59)})
    assert getattr(_request(**{field: datetime(2024, 4, 1, 9, 0)}), field) == datetime(
        2024, 4, 1, 9, 0
    )


def test_freight_items_nested_or_flat():
    nested = _request(
        freight_requirements=FreightRequirements(vehicle_type="tent 20 t", payment_terms_days=30)
    )
    flat = _request(vehicle_type="tent 20 t", payment_terms_days=30)
    assert nested == flat
    assert flat.freight_requirements.payment_terms_days == 30
    assert flat.to_row()["vehicle_type"] == "tent 20 t"
    with pytest.raises(pydantic.ValidationError, match=r"given both flat and in freight_req"):
        _request(vehicle_type="van", freight_requirements={"packaging": "pallets"})
    with pytest.raises(pydantic.ValidationError, match=r"freight_requirements\.payment_terms_days"):
        _request(payment_terms_days=-1)


# --------------------------------------------------------------------------- frames


EXAMPLES: dict[str, list[Record]] = {
    "clients": [
        Client(
            client_id="C1",
            name="Volga Retail",
            manager_id="M1",
            first_contact_date=datetime(2022, 5, 4, 11, 0),
            legal_status="commercial",
            behaviour="demanding",
            price_reaction="rational",
            novelty_attitude="sceptic",
            relation_to_firm="permanent",
            relationship_programme=True,
        ),
        Client(client_id="C2", referred_by="C1", relationship_programme=False),
    ],
    "managers": [
        Manager(manager_id="M1", role="farmer", capacity=40, hired_date=date(2020, 9, 1)),
        Manager(manager_id="M2"),
    ],
    "contracts": [
        _contract("active", **FULL_DATES),
        Contract(
            contract_id="K-2",
            client_id="C2",
            status="draft",
            terms="non_standard",
            legal_approved=False,
            annual_value=1.5e6,
            renewal_of="K-1",
        ),
    ],
    "transactions": [_transaction(), _transaction(transaction_id="T2", revenue=-200.0)],
    "touchpoints": [
        Touchpoint(
            touchpoint_id="X1",
            client_id="C1",
            timestamp=datetime(2024, 1, 2, 10, 15),
            channel="meeting",
            kind="review",
            duration_minutes=45.0,
        )
    ],
    "requests": [
        _request(quoted_at=datetime(2024, 4, 2), quoted_value=80_000.0, weekend_loading=True),
        _request(request_id="R2", channel="email"),
    ],
    "marketing_spend": [
        MarketingSpend(
            spend_id="P1",
            period=date(2024, 1, 1),
            channel="exhibitions",
            purpose="acquisition",
            amount=250_000.0,
        )
    ],
}

SURVEY_EXAMPLE = [
    SurveyResponse(
        response_id="S1",
        client_id="C1",
        surveyed_at=datetime(2024, 5, 2, 14, 0),
        nps_score=9,
        csat_score=4,
        dimensions={
            "punctuality": DimensionScore(expected_score=9, perceived_score=7),
            "communication": DimensionScore(expected_score=8, perceived_score=8.5),
        },
    ),
    SurveyResponse(response_id="S2", client_id="C2", surveyed_at=date(2024, 5, 3)),
]

KIND_DTYPES = {
    "id": "object",
    "string": "object",
    "category": "object",
    "datetime": "datetime64[ns]",
    "float": "float64",
    "int": "Int64",
    "bool": "boolean",
}


def _assert_schema_frame(frame: pd.DataFrame, table: schema.TableSchema) -> None:
    assert list(frame.columns) == table.column_names
    for column in table.columns:
        values = frame[column.name]
        assert values.dtype == pd.api.types.pandas_dtype(KIND_DTYPES[column.kind]), column.name
        if values.dtype == object:
            assert all(v is None or type(v) is str for v in values), column.name


@pytest.mark.parametrize("table", list(EXAMPLES))
def test_frame_round_trip_for_each_table(table: str):
    records = EXAMPLES[table]
    frame = records_to_frame(records)
    _assert_schema_frame(frame, schema.get_schema(table))
    assert len(frame) == len(records)
    assert frame_to_records(frame, table) == records


def test_frame_holds_plain_values():
    frame = records_to_frame(EXAMPLES["clients"])
    assert frame.loc[0, "legal_status"] == "commercial"
    assert type(frame.loc[0, "legal_status"]) is str
    assert frame.loc[1, "relationship_programme"] == False  # noqa: E712
    assert frame.loc[1, "legal_status"] is None
    assert frame.loc[0, "first_contact_date"] == pd.Timestamp("2022-05-04 11:00")


def test_survey_round_trip_through_two_tables():
    surveys, dimensions = survey_records_to_frames(SURVEY_EXAMPLE)
    _assert_schema_frame(surveys, schema.SURVEYS)
    _assert_schema_frame(dimensions, schema.SURVEY_DIMENSIONS)
    assert dimensions["response_id"].tolist() == ["S1", "S1"]
    assert dimensions["dimension"].tolist() == ["punctuality", "communication"]
    assert surveys["nps_score"].tolist() == [9, pd.NA]
    assert survey_frames_to_records(surveys, dimensions) == SURVEY_EXAMPLE
    assert records_to_frame(SURVEY_EXAMPLE, table="survey_dimensions").equals(dimensions)
    bare = survey_frames_to_records(surveys)
    assert [r.dimensions for r in bare] == [{}, {}]


def test_empty_inputs_give_typed_empty_frames():
    frame = records_to_frame([], table="transactions")
    _assert_schema_frame(frame, schema.TRANSACTIONS)
    assert frame.empty
    assert frame_to_records(frame, "transactions") == []
    with pytest.raises(ValueError, match=r"records is empty: pass table="):
        records_to_frame([])


def test_records_to_frame_refuses_mixed_or_misplaced_records():
    with pytest.raises(TypeError, match=r"one type, got \['Client', 'Transaction'\]"):
        records_to_frame([_transaction(), Client(client_id="C")])
    with pytest.raises(TypeError, match=r"Transaction records do not belong to table 'clients'"):
        records_to_frame([_transaction()], table="clients")
    with pytest.raises(ValueError, match=r"span two tables"):
        records_to_frame(SURVEY_EXAMPLE)
    with pytest.raises(ValueError, match=r"survey_frames_to_records"):
        frame_to_records(pd.DataFrame(), "surveys")


def test_frame_to_records_converts_numeric_ids_and_missing_cells():
    frame = pd.DataFrame(
        {
            "transaction_id": [101.0, 102.0],
            "client_id": [7, 8],
            "date": pd.to_datetime(["2024-01-05", "2024-01-06"]),
            "revenue": [10.0, -4.0],
            "variable_cost": [6, 1],
            "manager_id": [np.nan, "M1"],
        }
    )
    records = frame_to_records(frame, "transactions")
    assert [r.transaction_id for r in records] == ["101", "102"]
    assert [r.client_id for r in records] == ["7", "8"]
    assert [r.manager_id for r in records] == [None, "M1"]
    assert records[0].service is None and records[0].variable_cost == 6.0


def test_frame_to_records_names_rows_and_fields():
    frame = pd.DataFrame(
        {
            "transaction_id": ["a", "b", "c"],
            "client_id": ["C1", "C1", " "],
            "date": ["2024-01-05", "2024-01-06", "2024-01-07"],
            "revenue": [1.0, math.inf, 2.0],
            "variable_cost": [0.5, 0.5, 0.5],
        },
        index=[10, 11, 12],
    )
    with pytest.raises(
        ValidationError,
        match=r"'transactions': 2 of 3 row\(s\) failed.*row 11, field 'revenue': .*finite.*"
        r"row 12, field 'client_id'",
    ):
        frame_to_records(frame, "transactions")


def test_frame_to_records_reports_row_rules_and_columns():
    contracts = records_to_frame(EXAMPLES["contracts"])
    contracts.loc[1, "status"] = "signed"
    with pytest.raises(ValidationError, match=r"row 1, sent_date is required when status"):
        frame_to_records(contracts, "contracts")
    with pytest.raises(ValidationError, match=r"unknown column\(s\) \['colour'\]"):
        frame_to_records(records_to_frame(EXAMPLES["managers"]).assign(colour="red"), "managers")
    with pytest.raises(ValidationError, match=r"required column\(s\) missing: \['revenue'\]"):
        frame_to_records(
            records_to_frame(EXAMPLES["transactions"]).drop(columns="revenue"), "transactions"
        )
    repeated = pd.DataFrame({"client_id": ["C1", "C2", 1, "1"]})
    with pytest.raises(ValidationError, match=r"'client_id' must be unique .* e\.g\. \['1'\]"):
        frame_to_records(repeated, "clients")


def test_survey_dimension_rows_are_checked():
    surveys, dimensions = survey_records_to_frames(SURVEY_EXAMPLE)
    orphan = pd.concat(
        [
            dimensions,
            pd.DataFrame(
                {
                    "response_id": ["S9"],
                    "dimension": ["price"],
                    "expected_score": [5.0],
                    "perceived_score": [5.0],
                }
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(ValidationError, match=r"row 2, field 'response_id': 'S9' is not in"):
        survey_frames_to_records(surveys, orphan)
    twice = dimensions.assign(dimension="punctuality")
    with pytest.raises(ValidationError, match=r"row 1, field 'dimension': 'punctuality' repeats"):
        survey_frames_to_records(surveys, twice)
    too_high = dimensions.assign(expected_score=[9.0, 12.0])
    with pytest.raises(
        ValidationError, match=r"'survey_dimensions': 1 of 2 .*row 1, field 'expected_score'"
    ):
        survey_frames_to_records(surveys, too_high)


# --------------------------------------------------------------------------- property tests


def _column_strategy(column: schema.Column) -> st.SearchStrategy[Any]:
    kind = column.kind
    if kind == "id":
        value: st.SearchStrategy[Any] = (
            st.text(min_size=1, max_size=12)
            .filter(lambda s: s.strip() and "\x00" not in s)
            .map(str.strip)
        )
    elif kind == "string":
        value = st.text(max_size=20).filter(lambda s: "\x00" not in s).map(str.strip)
    elif kind == "category":
        value = st.sampled_from(column.allowed or ())
    elif kind == "datetime":
        # Events cannot lie after today; other dates (contract expiry) may.
        latest = datetime(2025, 12, 31) if column.event_time else datetime(2200, 1, 1)
        value = st.datetimes(min_value=datetime(1900, 1, 1), max_value=latest)
    elif kind == "float":
        value = st.floats(
            min_value=-MAX_MAGNITUDE if column.minimum is None else column.minimum,
            max_value=MAX_MAGNITUDE if column.maximum is None else column.maximum,
            allow_nan=False,
            allow_infinity=False,
        )
    elif kind == "int":
        low = -int(MAX_MAGNITUDE) if column.minimum is None else int(column.minimum)
        high = int(MAX_MAGNITUDE) if column.maximum is None else int(column.maximum)
        value = st.integers(min_value=low, max_value=high)
    else:
        value = st.booleans()
    return st.none() | value if column.nullable else value


def _records(record_type: type[Record]) -> st.SearchStrategy[list[Any]]:
    table = record_type.table_schema
    row = st.fixed_dictionaries(
        {
            c.name: _column_strategy(c)
            for c in table.columns
            if c.name in record_columns(record_type)
        }
    )
    return st.lists(row, max_size=6, unique_by=lambda r: r[table.column_names[0]])


def _validated(record_type: type[Record], rows: list[dict[str, Any]]) -> list[Record]:
    out = []
    for row in rows:
        try:
            out.append(record_type.model_validate(row))
        except pydantic.ValidationError:
            assume(False)
    return out


@pytest.mark.parametrize(
    "record_type",
    [Transaction, Client, Manager, Touchpoint, MarketingSpend, ClientRequest, Contract],
    ids=lambda t: t.__name__,
)
@HYPOTHESIS
@given(data=st.data())
def test_round_trip_property(record_type: type[Record], data: st.DataObject):
    rows = data.draw(_records(record_type))
    if record_type is Contract:
        rows = [{**r, "status": "draft"} for r in rows]  # dates are free only for drafts
    records = _validated(record_type, rows)
    frame = records_to_frame(records, table=record_type.table_schema.name)
    _assert_schema_frame(frame, record_type.table_schema)
    assert frame_to_records(frame, record_type.table_schema.name) == records


@HYPOTHESIS
@given(
    heads=_records(SurveyResponse),
    scores=st.lists(
        st.dictionaries(
            st.text(min_size=1, max_size=10)
            .filter(lambda s: s.strip() and "\x00" not in s)
            .map(str.strip),
            st.builds(
                DimensionScore,
                expected_score=st.floats(0, 10),
                perceived_score=st.floats(0, 10),
            ),
            max_size=4,
        ),
        min_size=6,
        max_size=6,
    ),
)
def test_survey_round_trip_property(heads: list[dict[str, Any]], scores: list[dict]):
    records = [
        SurveyResponse.model_validate({**head, "dimensions": dims})
        for head, dims in zip(heads, scores, strict=False)
    ]
    surveys, dimensions = survey_records_to_frames(records)
    assert len(dimensions) == sum(len(r.dimensions) for r in records)
    assert survey_frames_to_records(surveys, dimensions) == records


def test_generated_company_tables_round_trip_exactly():
    """Tables of a generated ClientBase become records and come back identical."""
    from clientalytics.datasets import generate_company

    base = generate_company(n_clients=25, years=1, seed=3)
    for table in RECORD_TYPES:
        if table == "surveys":
            continue
        frame = getattr(base, table)
        records = frame_to_records(frame, table)
        assert len(records) == len(frame) > 0
        back = records_to_frame(records, table=table)
        assert back.dtypes.equals(frame.dtypes), table
        assert back.equals(frame), table  # equals() counts None and NaN both as missing
    responses = survey_frames_to_records(base.surveys, base.survey_dimensions)
    assert sum(len(r.dimensions) for r in responses) == len(base.survey_dimensions)
    surveys, dimensions = survey_records_to_frames(responses)
    assert surveys.equals(base.surveys) and dimensions.equals(base.survey_dimensions)
