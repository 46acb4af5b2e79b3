"""Contract records: dates and lifecycle."""

from __future__ import annotations

from datetime import date, datetime

import pydantic
import pytest

from clientalytics import schema
from clientalytics.enums import CONTRACT_TRANSITIONS, ContractStatus, ContractTransitionError
from clientalytics.records import Contract
from tests.records._helpers import FULL_DATES, make_contract


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
        make_contract("active", **{**FULL_DATES, **changes})


def test_same_day_send_and_sign_is_allowed():
    same = {**FULL_DATES, "sent_date": date(2024, 2, 1), "signed_date": date(2024, 2, 1)}
    assert make_contract("active", **same).signed_date == datetime(2024, 2, 1)


@pytest.mark.parametrize(
    ("status", "column"),
    [(status, rule.column) for rule in schema.CONTRACTS.required_when for status in rule.values],
)
def test_contract_status_requires_its_dates(status: str, column: str):
    dates = {k: v for k, v in FULL_DATES.items() if k != column}
    with pytest.raises(pydantic.ValidationError, match=rf"{column} is required when status"):
        make_contract(status, **dates)
    assert make_contract(status, **FULL_DATES).status == status


def test_contract_lifecycle_fills_dates_and_keeps_original():
    draft = make_contract(first_contact_date=date(2024, 1, 10))
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
    signed = make_contract(
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
    return make_contract(status.value, **{k: v for k, v in FULL_DATES.items() if k in needed})


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
    sent = make_contract("sent", sent_date=date(2024, 1, 20))
    with pytest.raises(ContractTransitionError, match=r"precedes sent_date \(2024-01-20\)"):
        sent.transition("signed", on=date(2024, 1, 19))
    active = make_contract("active", **FULL_DATES)
    with pytest.raises(ContractTransitionError, match=r"before its expiry_date"):
        active.transition("expired", on=date(2024, 6, 1))
    assert active.transition("terminated", on=date(2024, 6, 1)).status == "terminated"
    with pytest.raises(ContractTransitionError, match=r"unknown status 'paused'"):
        active.transition("paused", on=date(2024, 6, 1))
    assert active.allowed_transitions == {ContractStatus.EXPIRED, ContractStatus.TERMINATED}


def test_activation_without_expiry_names_the_missing_field():
    signed = make_contract("signed", sent_date=date(2024, 1, 5), signed_date=date(2024, 1, 9))
    with pytest.raises(pydantic.ValidationError, match=r"expiry_date is required when status"):
        signed.transition("active", on=date(2024, 2, 1))
