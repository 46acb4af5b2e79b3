"""Typed records: agreement with schema.py, frozen records, whole tables."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import pydantic
import pytest

from clientalytics import enums, schema
from clientalytics.records import (
    RECORD_TYPES,
    Client,
    ClientRequest,
    Contract,
    DimensionScore,
    FreightRequirements,
    Invoice,
    Manager,
    MarketingSpend,
    Record,
    SurveyResponse,
    Touchpoint,
    Transaction,
    record_columns,
    schema_mismatches,
)
from clientalytics.records.base import column_field
from clientalytics.records.fieldtypes import FiniteFloat, RecordId, field_enum, field_kind
from tests.records._helpers import make_transaction

ALL_RECORD_TYPES = [
    Client,
    Manager,
    Contract,
    Transaction,
    Touchpoint,
    Invoice,
    ClientRequest,
    MarketingSpend,
    SurveyResponse,
    DimensionScore,
    FreightRequirements,
]


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


def test_records_are_frozen_and_reject_unknown_fields():
    t = make_transaction()
    with pytest.raises(pydantic.ValidationError, match=r"revenue\n.*frozen"):
        t.revenue = 0.0  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match=r"discount\n.*Extra inputs"):
        make_transaction(discount=0.1)
    assert hash(t) == hash(make_transaction())


def _invoice(**overrides: object) -> Invoice:
    data: dict[str, object] = {
        "invoice_id": "СЧ-1",
        "client_id": "C1",
        "issued_date": datetime(2024, 3, 1),
        "due_date": datetime(2024, 3, 31),
        "amount": 120_000.0,
    }
    return Invoice.model_validate({**data, **overrides})


def test_invoice_applies_its_row_rules():
    paid = _invoice(paid_date="2024-04-10", paid_amount="120000", vat_amount=20_000.0)
    assert paid.paid_date == datetime(2024, 4, 10) and paid.paid_amount == 120_000.0
    # Due and paid on the day of issue are allowed ("not after").
    assert _invoice(due_date=datetime(2024, 3, 1), paid_date=datetime(2024, 3, 1)).amount > 0
    with pytest.raises(pydantic.ValidationError, match=r"paid_amount \(120000.5\) must not exceed"):
        _invoice(paid_amount=120_000.5)
    with pytest.raises(pydantic.ValidationError, match=r"vat_amount .* must not exceed amount"):
        _invoice(vat_amount=130_000.0)
    with pytest.raises(pydantic.ValidationError, match=r"due_date .* must be on or after issued"):
        _invoice(due_date=datetime(2024, 2, 1))
    with pytest.raises(pydantic.ValidationError, match=r"paid_date .* must be on or after issued"):
        _invoice(paid_date=datetime(2024, 2, 28))
    with pytest.raises(pydantic.ValidationError, match=r"payment_terms_days"):
        _invoice(payment_terms_days=-1)
