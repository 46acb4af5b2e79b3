"""The contract registry record and its status lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from clientalytics import enums
from clientalytics.enums import CONTRACT_TRANSITIONS, ContractStatus, ContractTransitionError
from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import FiniteFloat, Flag, RecordId, Timestamp
from clientalytics.schema import CONTRACTS, TableSchema

__all__ = ["Contract"]


def _k(name: str) -> Any:
    return column_field(CONTRACTS, name)


def _as_datetime(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


class Contract(Record):
    """One contract of the registry (``contracts`` table) with its lifecycle dates.

    Validation applies the row rules of the schema: ``sent_date`` not before
    ``first_contact_date``, ``signed_date`` not before ``sent_date``, ``expiry_date``
    strictly after ``start_date``; a contract that is sent, signed, active or expired
    must carry the dates those steps imply (see ``docs/data-model.md``).

    Status changes go through :meth:`transition`, which follows
    :data:`clientalytics.enums.CONTRACT_TRANSITIONS`.

    Examples
    --------
    >>> from datetime import date
    >>> draft = Contract(contract_id="K-1", client_id="C1", status="draft")
    >>> sent = draft.transition("sent", on=date(2024, 2, 1))
    >>> sent.status, sent.sent_date.date()
    (<ContractStatus.SENT: 'sent'>, datetime.date(2024, 2, 1))
    """

    table_schema: ClassVar[TableSchema] = CONTRACTS

    contract_id: RecordId = _k("contract_id")
    client_id: RecordId = _k("client_id")
    manager_id: RecordId | None = _k("manager_id")
    status: enums.ContractStatus = _k("status")
    terms: enums.ContractTerms | None = _k("terms")
    legal_approved: Flag | None = _k("legal_approved")
    first_contact_date: Timestamp | None = _k("first_contact_date")
    sent_date: Timestamp | None = _k("sent_date")
    signed_date: Timestamp | None = _k("signed_date")
    start_date: Timestamp | None = _k("start_date")
    expiry_date: Timestamp | None = _k("expiry_date")
    annual_value: FiniteFloat | None = _k("annual_value")
    renewal_of: RecordId | None = _k("renewal_of")

    @property
    def allowed_transitions(self) -> frozenset[ContractStatus]:
        """Statuses this contract may move to next (empty for a final status)."""
        return CONTRACT_TRANSITIONS[self.status]

    def transition(
        self,
        new_status: ContractStatus | str,
        *,
        on: dt.date,
        start_date: dt.date | None = None,
        expiry_date: dt.date | None = None,
    ) -> Contract:
        """Return a copy of the contract moved to ``new_status`` on day ``on``.

        Parameters
        ----------
        new_status : ContractStatus or str
            Target status; must be in ``CONTRACT_TRANSITIONS[self.status]``.
        on : datetime.date or datetime.datetime
            When the change happened. It sets ``sent_date`` on ``"sent"`` and
            ``signed_date`` on ``"signed"``; on ``"active"`` it becomes the
            ``start_date`` unless the contract already has one or ``start_date`` is
            given. ``"terminated"`` and ``"rejected"`` have no date column; ``on`` is
            only checked. It may not precede the first contact, sent or signed date
            already recorded, and an ``"expired"`` contract needs ``on`` on or after
            its ``expiry_date``.
        start_date, expiry_date : datetime.date, optional
            Dates to record with the change (typically with ``"active"``, which
            requires an expiry date).

        Returns
        -------
        Contract
            A new, validated record; ``self`` is unchanged.

        Raises
        ------
        clientalytics.enums.ContractTransitionError
            If the lifecycle does not allow the change or ``on`` contradicts the
            recorded dates.
        pydantic.ValidationError
            If the new record breaks a row rule (e.g. ``"active"`` without an
            ``expiry_date``); the message names the field.
        """
        try:
            target = ContractStatus(new_status)
        except ValueError:
            raise ContractTransitionError(
                f"contract {self.contract_id!r}: unknown status {new_status!r}; "
                f"statuses are {[s.value for s in ContractStatus]}"
            ) from None
        allowed = self.allowed_transitions
        if target not in allowed:
            options = sorted(s.value for s in allowed)
            raise ContractTransitionError(
                f"contract {self.contract_id!r}: status cannot change from "
                f"{self.status.value!r} to {target.value!r}; allowed next statuses: "
                + (", ".join(repr(o) for o in options) if options else "none (final status)")
            )
        moment = _as_datetime(on)
        recorded = {
            name: getattr(self, name)
            for name in ("first_contact_date", "sent_date", "signed_date")
            if getattr(self, name) is not None
        }
        for name, value in recorded.items():
            if moment < value:
                raise ContractTransitionError(
                    f"contract {self.contract_id!r}: {target.value!r} on {moment.date()} "
                    f"precedes {name} ({value.date()})"
                )
        if (
            target is ContractStatus.EXPIRED
            and self.expiry_date is not None
            and moment < self.expiry_date
        ):
            raise ContractTransitionError(
                f"contract {self.contract_id!r}: cannot expire on {moment.date()}, before its "
                f"expiry_date ({self.expiry_date.date()}); use 'terminated' for an early end"
            )
        updates: dict[str, object] = {"status": target}
        if target is ContractStatus.SENT:
            updates["sent_date"] = moment
        elif target is ContractStatus.SIGNED:
            updates["signed_date"] = moment
        elif target is ContractStatus.ACTIVE and self.start_date is None and start_date is None:
            updates["start_date"] = moment
        if start_date is not None:
            updates["start_date"] = _as_datetime(start_date)
        if expiry_date is not None:
            updates["expiry_date"] = _as_datetime(expiry_date)
        return Contract.model_validate({**self.model_dump(), **updates})
