"""Controlled vocabularies of the client data model.

Every categorical column the library accepts draws its values from one of these
string enums, so that records, table schemas and documentation agree on the
spelling of each value.
"""

from __future__ import annotations

from enum import StrEnum


class RelationToFirm(StrEnum):
    """A client's relation to the firm (typology criterion 1)."""

    POTENTIAL = "potential"
    NEW = "new"
    PERMANENT = "permanent"
    OCCASIONAL = "occasional"
    LOST = "lost"


class LegalStatus(StrEnum):
    """A client's socio-economic / legal status (typology criterion 2)."""

    INDIVIDUAL = "individual"
    COMMERCIAL = "commercial"
    GOVERNMENT = "government"


class Behaviour(StrEnum):
    """How a client behaves in the relationship (typology criterion 3)."""

    LOYAL = "loyal"
    DIFFICULT = "difficult"
    CONFLICT_PRONE = "conflict_prone"
    CAPRICIOUS = "capricious"
    PROBLEMATIC = "problematic"
    DEMANDING = "demanding"


class PriceReaction(StrEnum):
    """How a client reacts to price (typology criterion 4)."""

    RATIONAL = "rational"
    PRESTIGE = "prestige"
    APATHETIC = "apathetic"
    ETHICAL = "ethical"


class NoveltyAttitude(StrEnum):
    """A client's attitude to new services (typology criterion 5)."""

    INNOVATOR = "innovator"
    PROGRESSIVE = "progressive"
    SCEPTIC = "sceptic"
    CONSERVATIVE = "conservative"


class ManagerRole(StrEnum):
    """Sales specialisation of a manager: acquires new clients or grows existing ones."""

    HUNTER = "hunter"
    FARMER = "farmer"
    UNIVERSAL = "universal"


class ContractStatus(StrEnum):
    """Lifecycle status of a contract in the registry."""

    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    REJECTED = "rejected"


class ContractTerms(StrEnum):
    """Whether a contract uses the firm's standard terms or needs legal approval."""

    STANDARD = "standard"
    NON_STANDARD = "non_standard"


class TouchpointChannel(StrEnum):
    """Channel through which a contact with a client happened."""

    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    MESSENGER = "messenger"
    WEB = "web"
    EVENT = "event"


class TouchpointKind(StrEnum):
    """Purpose of a contact with a client."""

    SALES = "sales"
    SERVICE = "service"
    COMPLAINT = "complaint"
    LOYALTY_PROGRAMME = "loyalty_programme"
    ONBOARDING = "onboarding"
    REVIEW = "review"


class RequestType(StrEnum):
    """Kind of an incoming client request."""

    COMMERCIAL = "commercial"
    SERVICE = "service"
    COMPLAINT = "complaint"


class RequestOutcome(StrEnum):
    """Final state of a client request.

    ``won``, ``lost`` and ``declined`` (the firm refused to quote) end a commercial
    request; ``resolved`` closes a service question or a complaint, which is not a
    sale; ``pending`` is any request still open.
    """

    WON = "won"
    LOST = "lost"
    DECLINED = "declined"
    RESOLVED = "resolved"
    PENDING = "pending"


class SpendPurpose(StrEnum):
    """What a marketing spend line was meant to achieve."""

    ACQUISITION = "acquisition"
    RETENTION = "retention"
    DEVELOPMENT = "development"


class ContractTransitionError(ValueError):
    """Raised when a contract status change is not allowed by the lifecycle."""


#: Allowed status transitions of a contract (from -> set of to). A renewal is a new
#: contract whose ``renewal_of`` names the expired one, not a transition back to active.
CONTRACT_TRANSITIONS: dict[ContractStatus, frozenset[ContractStatus]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.SENT, ContractStatus.REJECTED}),
    ContractStatus.SENT: frozenset({ContractStatus.SIGNED, ContractStatus.REJECTED}),
    ContractStatus.SIGNED: frozenset({ContractStatus.ACTIVE, ContractStatus.TERMINATED}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.EXPIRED, ContractStatus.TERMINATED}),
    ContractStatus.EXPIRED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
    ContractStatus.REJECTED: frozenset(),
}
