"""Valid records to start from, shared by the record tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from clientalytics.records import ClientRequest, Contract, Transaction


def make_transaction(**overrides: Any) -> Transaction:
    data: dict[str, Any] = {
        "transaction_id": "T1",
        "client_id": "C1",
        "date": datetime(2024, 3, 1, 9, 30),
        "revenue": 1200.0,
        "variable_cost": 950.0,
    }
    return Transaction(**{**data, **overrides})


def make_contract(status: str = "draft", **dates: Any) -> Contract:
    return Contract(contract_id="K-1", client_id="C1", status=status, **dates)


FULL_DATES = {
    "first_contact_date": date(2024, 1, 10),
    "sent_date": date(2024, 1, 20),
    "signed_date": date(2024, 2, 1),
    "start_date": date(2024, 2, 15),
    "expiry_date": date(2025, 2, 15),
}


def make_request(**overrides: Any) -> ClientRequest:
    data: dict[str, Any] = {
        "request_id": "R1",
        "client_id": "C1",
        "request_type": "commercial",
        "received_at": datetime(2024, 4, 1, 9, 0),
        "outcome": "pending",
    }
    return ClientRequest(**{**data, **overrides})
