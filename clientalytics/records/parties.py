"""Records of the people on both sides: clients and the firm's managers."""

from __future__ import annotations

from typing import Any, ClassVar

from clientalytics import enums
from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import Count, Flag, RecordId, Text, Timestamp
from clientalytics.schema import CLIENTS, MANAGERS, TableSchema

__all__ = ["Client", "Manager"]


def _c(name: str) -> Any:
    return column_field(CLIENTS, name)


def _m(name: str) -> Any:
    return column_field(MANAGERS, name)


class Client(Record):
    """One client, with the five-criteria typology as optional categories.

    Fields are the columns of the ``clients`` table (see ``docs/data-model.md``):
    ``client_id`` is required, everything else is optional. The typology fields are
    ``relation_to_firm``, ``legal_status``, ``behaviour``, ``price_reaction`` and
    ``novelty_attitude``.

    Examples
    --------
    >>> Client(client_id=" 17 ", legal_status="commercial").client_id
    '17'
    """

    table_schema: ClassVar[TableSchema] = CLIENTS

    client_id: RecordId = _c("client_id")
    name: Text | None = _c("name")
    region: Text | None = _c("region")
    industry: Text | None = _c("industry")
    manager_id: RecordId | None = _c("manager_id")
    acquisition_channel: Text | None = _c("acquisition_channel")
    first_contact_date: Timestamp | None = _c("first_contact_date")
    legal_status: enums.LegalStatus | None = _c("legal_status")
    behaviour: enums.Behaviour | None = _c("behaviour")
    price_reaction: enums.PriceReaction | None = _c("price_reaction")
    novelty_attitude: enums.NoveltyAttitude | None = _c("novelty_attitude")
    relation_to_firm: enums.RelationToFirm | None = _c("relation_to_firm")
    relationship_programme: Flag | None = _c("relationship_programme")
    referred_by: RecordId | None = _c("referred_by")
    tax_id: RecordId | None = _c("tax_id")


class Manager(Record):
    """One sales or account manager (``managers`` table); ``capacity`` is at least 1."""

    table_schema: ClassVar[TableSchema] = MANAGERS

    manager_id: RecordId = _m("manager_id")
    name: Text | None = _m("name")
    role: enums.ManagerRole | None = _m("role")
    region: Text | None = _m("region")
    capacity: Count | None = _m("capacity")
    specialisation: Text | None = _m("specialisation")
    hired_date: Timestamp | None = _m("hired_date")
