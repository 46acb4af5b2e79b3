"""Records to frames and back."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clientalytics import schema
from clientalytics._parsing import MAX_MAGNITUDE
from clientalytics.exceptions import ValidationError
from clientalytics.records import (
    RECORD_TYPES,
    Client,
    ClientRequest,
    Contract,
    DimensionScore,
    Invoice,
    Manager,
    MarketingSpend,
    Record,
    SurveyResponse,
    Touchpoint,
    Transaction,
    frame_to_records,
    record_columns,
    records_to_frame,
    survey_frames_to_records,
    survey_records_to_frames,
)
from tests.records._helpers import FULL_DATES, make_contract, make_request, make_transaction

HYPOTHESIS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


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
        make_contract("active", **FULL_DATES),
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
    "transactions": [make_transaction(), make_transaction(transaction_id="T2", revenue=-200.0)],
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
    "invoices": [
        Invoice(
            invoice_id="СЧ-1",
            client_id="C1",
            contract_id="K-1",
            transaction_id="T1",
            issued_date=date(2024, 3, 1),
            due_date=date(2024, 3, 31),
            paid_date=date(2024, 4, 5),
            amount=1440.0,
            vat_amount=240.0,
            paid_amount=1440.0,
            payment_terms_days=30,
        ),
        Invoice(
            invoice_id="СЧ-2",
            client_id="C2",
            issued_date=date(2024, 4, 1),
            due_date=date(2024, 4, 15),
            amount=600.0,
            paid_amount=250.0,
        ),
    ],
    "requests": [
        make_request(quoted_at=datetime(2024, 4, 2), quoted_value=80_000.0, weekend_loading=True),
        make_request(request_id="R2", channel="email"),
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
        records_to_frame([make_transaction(), Client(client_id="C")])
    with pytest.raises(TypeError, match=r"Transaction records do not belong to table 'clients'"):
        records_to_frame([make_transaction()], table="clients")
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
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['revenue'\]"):
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
    [Transaction, Client, Manager, Touchpoint, Invoice, MarketingSpend, ClientRequest, Contract],
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
        if table == "invoices" and frame.empty:
            continue  # a generated company without invoices (they are optional)
        records = frame_to_records(frame, table)
        assert len(records) == len(frame) > 0
        back = records_to_frame(records, table=table)
        assert back.dtypes.equals(frame.dtypes), table
        assert back.equals(frame), table  # equals() counts None and NaN both as missing
    responses = survey_frames_to_records(base.surveys, base.survey_dimensions)
    assert sum(len(r.dimensions) for r in responses) == len(base.survey_dimensions)
    surveys, dimensions = survey_records_to_frames(responses)
    assert surveys.equals(base.surveys) and dimensions.equals(base.survey_dimensions)
