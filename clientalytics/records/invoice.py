"""The invoice record: one bill to a client and its payment."""

from __future__ import annotations

from typing import Any, ClassVar

from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import Count, FiniteFloat, RecordId, Timestamp
from clientalytics.schema import INVOICES, TableSchema

__all__ = ["Invoice"]


def _i(name: str) -> Any:
    return column_field(INVOICES, name)


class Invoice(Record):
    """One invoice the firm issued to a client (``invoices`` table).

    ``amount`` is the total billed, VAT included. An empty ``paid_date`` means the
    invoice is not fully paid; ``paid_amount`` is what was paid so far. Validation
    applies the row rules of the schema: ``due_date`` and ``paid_date`` not before
    ``issued_date``, ``paid_amount`` and ``vat_amount`` not above ``amount``.

    Examples
    --------
    >>> from datetime import date
    >>> Invoice(invoice_id="СЧ-17", client_id="C1", issued_date=date(2024, 3, 1),
    ...         due_date=date(2024, 3, 31), amount=120000.0).paid_date is None
    True
    """

    table_schema: ClassVar[TableSchema] = INVOICES

    invoice_id: RecordId = _i("invoice_id")
    client_id: RecordId = _i("client_id")
    contract_id: RecordId | None = _i("contract_id")
    transaction_id: RecordId | None = _i("transaction_id")
    issued_date: Timestamp = _i("issued_date")
    due_date: Timestamp = _i("due_date")
    paid_date: Timestamp | None = _i("paid_date")
    amount: FiniteFloat = _i("amount")
    vat_amount: FiniteFloat | None = _i("vat_amount")
    paid_amount: FiniteFloat | None = _i("paid_amount")
    payment_terms_days: Count | None = _i("payment_terms_days")
