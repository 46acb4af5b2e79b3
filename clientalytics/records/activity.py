"""Records of what happens with a client: orders, contacts and marketing spend lines."""

from __future__ import annotations

from typing import Any, ClassVar

from clientalytics import enums
from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import FiniteFloat, RecordId, Text, Timestamp
from clientalytics.schema import MARKETING_SPEND, TOUCHPOINTS, TRANSACTIONS, TableSchema

__all__ = ["MarketingSpend", "Touchpoint", "Transaction"]


def _t(name: str) -> Any:
    return column_field(TRANSACTIONS, name)


def _p(name: str) -> Any:
    return column_field(TOUCHPOINTS, name)


def _s(name: str) -> Any:
    return column_field(MARKETING_SPEND, name)


class Transaction(Record):
    """One order or shipment (``transactions`` table).

    ``revenue`` may be negative: a negative revenue is a credit note or a return.

    Examples
    --------
    >>> from datetime import date
    >>> Transaction(transaction_id=1, client_id="C1", date=date(2024, 3, 1),
    ...             revenue=1200.0, variable_cost=900.0).transaction_id
    '1'
    """

    table_schema: ClassVar[TableSchema] = TRANSACTIONS

    transaction_id: RecordId = _t("transaction_id")
    client_id: RecordId = _t("client_id")
    date: Timestamp = _t("date")
    revenue: FiniteFloat = _t("revenue")
    variable_cost: FiniteFloat = _t("variable_cost")
    manager_id: RecordId | None = _t("manager_id")
    contract_id: RecordId | None = _t("contract_id")
    service: Text | None = _t("service")
    origin: Text | None = _t("origin")
    destination: Text | None = _t("destination")
    distance_km: FiniteFloat | None = _t("distance_km")
    empty_run_km: FiniteFloat | None = _t("empty_run_km")


class Touchpoint(Record):
    """One contact between the firm and a client (``touchpoints`` table)."""

    table_schema: ClassVar[TableSchema] = TOUCHPOINTS

    touchpoint_id: RecordId = _p("touchpoint_id")
    client_id: RecordId = _p("client_id")
    manager_id: RecordId | None = _p("manager_id")
    timestamp: Timestamp = _p("timestamp")
    channel: enums.TouchpointChannel = _p("channel")
    kind: enums.TouchpointKind = _p("kind")
    duration_minutes: FiniteFloat | None = _p("duration_minutes")


class MarketingSpend(Record):
    """One marketing or sales expense line (``marketing_spend`` table); ``amount`` >= 0."""

    table_schema: ClassVar[TableSchema] = MARKETING_SPEND

    spend_id: RecordId = _s("spend_id")
    period: Timestamp = _s("period")
    channel: Text = _s("channel")
    purpose: enums.SpendPurpose = _s("purpose")
    target_segment: Text | None = _s("target_segment")
    amount: FiniteFloat = _s("amount")
