"""Declared column contracts of every table the library accepts.

One :class:`TableSchema` per entity lists its columns (kind, whether required,
nullable, unique, bounds, allowed values, foreign keys) and its row rules
(date ordering, a number capped by another, fields required by a status).
:mod:`clientalytics.validation` is the single function that enforces these
contracts; the documentation in ``docs/data-model.md`` describes the same tables.

The tables the library computes from them (the client summary, its
calibration/holdout split, RFM scores, churn features) have contracts too, kept
apart in :data:`DERIVED_SCHEMAS`: they are never validated or loaded as inputs, but
say what each column means and let :func:`require` name what a caller needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from clientalytics import enums
from clientalytics.exceptions import ValidationError

ColumnKind = Literal["id", "string", "category", "datetime", "float", "int", "bool"]


@dataclass(frozen=True)
class Column:
    """Contract of one column.

    Parameters
    ----------
    name : str
        Column name in the frame.
    kind : {"id", "string", "category", "datetime", "float", "int", "bool"}
        Logical type. ``id`` is a non-empty string (numbers are converted to text);
        ``float`` and ``int`` must be finite numbers.
    description : str
        What the column holds, in the domain's words.
    required : bool
        Whether the column must be present in the frame.
    nullable : bool
        Whether missing values are allowed in the column.
    unique : bool
        Whether values must be unique (primary keys).
    minimum, maximum : float, optional
        Inclusive numeric bounds.
    allowed : tuple of str, optional
        Allowed values of a ``category`` column.
    references : str, optional
        Name of the table whose primary key this column refers to.
    event_time : bool
        Whether the column is the time of an observed event, which cannot lie after
        the observation end (contract expiry dates, for example, may).
    """

    name: str
    kind: ColumnKind
    description: str
    required: bool = True
    nullable: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    references: str | None = None
    event_time: bool = False


@dataclass(frozen=True)
class OrderRule:
    """Row rule: ``earlier`` must not come after ``later`` (when both are present)."""

    earlier: str
    later: str
    strict: bool = False


@dataclass(frozen=True)
class AtMostRule:
    """Row rule: number ``column`` must not exceed number ``bound`` (when both are present)."""

    column: str
    bound: str


@dataclass(frozen=True)
class RequiredWhen:
    """Row rule: ``column`` must be present when ``status_column`` is one of ``values``."""

    column: str
    status_column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """Contract of one table: its columns and row rules.

    ``composite_key`` names the columns that together identify a row of a table
    that has no unique column (``survey_dimensions``: one row per response and
    dimension). ``index`` names the frame's index when the rows are identified by
    it rather than by a column (the derived tables, indexed by ``client_id``).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    order_rules: tuple[OrderRule, ...] = field(default=())
    required_when: tuple[RequiredWhen, ...] = field(default=())
    at_most_rules: tuple[AtMostRule, ...] = field(default=())
    composite_key: tuple[str, ...] = field(default=())
    index: str | None = None

    @property
    def primary_key(self) -> str | None:
        """Name of the first unique column (the table's key), or None if it has none."""
        return next((c.name for c in self.columns if c.unique), None)

    @property
    def row_key(self) -> tuple[str, ...]:
        """Columns that identify a row: the primary key, else the composite key (maybe none)."""
        key = self.primary_key
        return (key,) if key is not None else self.composite_key

    def column(self, name: str) -> Column:
        """Return the contract of column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        """Names of all declared columns, in declaration order."""
        return [c.name for c in self.columns]


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _cat(name: str, enum: type[StrEnum], description: str, *, nullable: bool = True) -> Column:
    return Column(
        name,
        "category",
        description,
        required=not nullable,
        nullable=nullable,
        allowed=_values(enum),
    )


def _opt(name: str, kind: ColumnKind, description: str, **kwargs: object) -> Column:
    return Column(name, kind, description, required=False, nullable=True, **kwargs)  # type: ignore[arg-type]


CLIENTS = TableSchema(
    "clients",
    "One row per client (a company or person the firm serves or tries to win).",
    (
        Column("client_id", "id", "Unique client identifier.", unique=True),
        _opt("name", "string", "Client's company or person name."),
        _opt("region", "string", "Region the client is served from."),
        _opt("industry", "string", "Client's industry (e.g. retail, FMCG, construction)."),
        _opt(
            "manager_id", "id", "Account manager responsible for the client.", references="managers"
        ),
        _opt("acquisition_channel", "string", "Marketing channel that brought the client."),
        _opt("first_contact_date", "datetime", "Date of the first contact with the client."),
        _cat("legal_status", enums.LegalStatus, "Legal / socio-economic status."),
        _cat("behaviour", enums.Behaviour, "Behaviour type in the relationship."),
        _cat("price_reaction", enums.PriceReaction, "Reaction to price."),
        _cat("novelty_attitude", enums.NoveltyAttitude, "Attitude to new services."),
        _cat(
            "relation_to_firm", enums.RelationToFirm, "Relation to the firm as recorded in the CRM."
        ),
        _opt(
            "relationship_programme", "bool", "Whether the client joined a relationship programme."
        ),
        _opt("referred_by", "id", "Client who referred this client.", references="clients"),
        _opt(
            "tax_id", "id", "Taxpayer number (in Russia the INN); clients sharing one are one firm."
        ),
    ),
)

MANAGERS = TableSchema(
    "managers",
    "One row per sales / account manager.",
    (
        Column("manager_id", "id", "Unique manager identifier.", unique=True),
        _opt("name", "string", "Manager's name."),
        _cat("role", enums.ManagerRole, "Hunter (wins clients), farmer (grows them) or universal."),
        _opt("region", "string", "Region the manager covers."),
        _opt("capacity", "int", "Largest number of clients the manager can serve.", minimum=1),
        _opt("specialisation", "string", "Client type or industry the manager specialises in."),
        _opt("hired_date", "datetime", "Date the manager joined."),
    ),
)

CONTRACTS = TableSchema(
    "contracts",
    "Contract registry: one row per contract with its lifecycle dates.",
    (
        Column("contract_id", "id", "Contract code (unique number in the registry).", unique=True),
        Column("client_id", "id", "Client the contract is with.", references="clients"),
        _opt("manager_id", "id", "Sales manager who made the deal.", references="managers"),
        _cat("status", enums.ContractStatus, "Lifecycle status.", nullable=False),
        _cat(
            "terms", enums.ContractTerms, "Standard terms or non-standard (needs legal approval)."
        ),
        _opt("legal_approved", "bool", "Whether legal approved non-standard terms."),
        _opt("first_contact_date", "datetime", "First contact with the client about this deal."),
        _opt("sent_date", "datetime", "Date the contract was sent to the client."),
        _opt("signed_date", "datetime", "Date the signed contract came back."),
        _opt("start_date", "datetime", "Date the contract takes effect."),
        _opt("expiry_date", "datetime", "Date the contract ends."),
        _opt("annual_value", "float", "Expected annual revenue under the contract.", minimum=0),
        _opt("renewal_of", "id", "Contract this one renews.", references="contracts"),
    ),
    order_rules=(
        OrderRule("first_contact_date", "sent_date"),
        OrderRule("sent_date", "signed_date"),
        OrderRule("start_date", "expiry_date", strict=True),
    ),
    required_when=(
        RequiredWhen("sent_date", "status", ("sent", "signed", "active", "expired")),
        RequiredWhen("signed_date", "status", ("signed", "active", "expired")),
        RequiredWhen("start_date", "status", ("active", "expired")),
        RequiredWhen("expiry_date", "status", ("active", "expired")),
    ),
)

TRANSACTIONS = TableSchema(
    "transactions",
    "One row per order / shipment (negative revenue = return or credit note).",
    (
        Column("transaction_id", "id", "Unique order / shipment identifier.", unique=True),
        Column("client_id", "id", "Client who placed the order.", references="clients"),
        Column("date", "datetime", "Order / shipment date.", event_time=True),
        Column("revenue", "float", "Revenue of the order; negative for a credit note."),
        Column(
            "variable_cost",
            "float",
            "Variable cost of fulfilling the order (carrier, fuel, handling); "
            "margin-based results need it.",
            required=False,
        ),
        _opt("manager_id", "id", "Manager credited with the order.", references="managers"),
        _opt("contract_id", "id", "Contract the order was placed under.", references="contracts"),
        _opt("service", "string", "Service line (e.g. FTL, LTL, warehousing)."),
        _opt("origin", "string", "City the shipment was loaded in (transport lines)."),
        _opt("destination", "string", "City the shipment was delivered to (transport lines)."),
        _opt("distance_km", "float", "Loaded road distance of the shipment, km.", minimum=0),
        _opt(
            "empty_run_km",
            "float",
            "Empty kilometres run for the shipment (to the loading point and back).",
            minimum=0,
        ),
    ),
)

TOUCHPOINTS = TableSchema(
    "touchpoints",
    "One row per contact between the firm and a client.",
    (
        Column("touchpoint_id", "id", "Unique contact identifier.", unique=True),
        Column("client_id", "id", "Client contacted.", references="clients"),
        _opt("manager_id", "id", "Manager who made or took the contact.", references="managers"),
        Column("timestamp", "datetime", "When the contact happened.", event_time=True),
        _cat("channel", enums.TouchpointChannel, "Channel of the contact.", nullable=False),
        _cat("kind", enums.TouchpointKind, "Purpose of the contact.", nullable=False),
        _opt("duration_minutes", "float", "Time the contact took.", minimum=0),
    ),
)

INVOICES = TableSchema(
    "invoices",
    "One row per invoice the firm issued to a client, with its payment (receivables).",
    (
        Column("invoice_id", "id", "Unique invoice number.", unique=True),
        Column("client_id", "id", "Client billed (the payer).", references="clients"),
        _opt("contract_id", "id", "Contract the invoice was issued under.", references="contracts"),
        _opt(
            "transaction_id",
            "id",
            "Order / shipment the invoice bills.",
            references="transactions",
        ),
        Column("issued_date", "datetime", "Date the invoice was issued.", event_time=True),
        Column(
            "due_date",
            "datetime",
            "Date payment is due; may lie after the observation end.",
        ),
        _opt(
            "paid_date",
            "datetime",
            "Date the invoice was paid in full; empty while it is not fully paid.",
            event_time=True,
        ),
        Column("amount", "float", "Total billed, VAT included.", minimum=0),
        _opt("vat_amount", "float", "VAT included in the amount.", minimum=0),
        _opt(
            "paid_amount",
            "float",
            "Paid so far; the full amount when paid_date is set and this is empty.",
            minimum=0,
        ),
        _opt("payment_terms_days", "int", "Payment deferral granted, in days.", minimum=0),
    ),
    order_rules=(
        OrderRule("issued_date", "due_date"),
        OrderRule("issued_date", "paid_date"),
    ),
    at_most_rules=(AtMostRule("paid_amount", "amount"), AtMostRule("vat_amount", "amount")),
)

_FREIGHT_COLUMNS: tuple[Column, ...] = (
    _opt("origin_warehouse", "string", "Location of the loading warehouses."),
    _opt("cargo_description", "string", "What the cargo is."),
    _opt(
        "cargo_value_per_truck", "float", "Approximate value of the cargo in one truck.", minimum=0
    ),
    _opt("vehicle_type", "string", "Vehicle types required."),
    _opt("temperature_regime", "string", "Temperature range required, if any (e.g. '+2..+8')."),
    _opt("packaging", "string", "How goods are shipped: pallets, boxes, bulk."),
    _opt("securing_required", "bool", "Whether cargo must be secured in the body."),
    _opt(
        "tent_removal_required", "bool", "Whether side/top loading with the tent removed is needed."
    ),
    _opt("armed_escort_required", "bool", "Whether an armed escort is needed."),
    _opt("insurance_required", "bool", "Whether the cargo must be insured."),
    _opt("payment_terms_days", "int", "Payment deferral the client asks for, in days.", minimum=0),
    _opt(
        "power_of_attorney",
        "string",
        "Power-of-attorney practice: originals, copies, none, with invoice.",
    ),
    _opt("weekend_loading", "bool", "Whether loading on weekends is needed."),
    _opt(
        "order_lead_time_hours", "float", "How long before loading the order is placed.", minimum=0
    ),
    _opt("free_waiting_hours", "float", "Unpaid waiting time at loading/unloading.", minimum=0),
    _opt("late_delivery_penalty", "float", "Penalty for late arrival or no-show.", minimum=0),
    _opt("idle_time_penalty", "float", "Penalty for idle time at loading/unloading.", minimum=0),
    _opt("extra_stop_cost", "float", "Price of extra loading points or services.", minimum=0),
    _opt("tariff_change_mechanism", "string", "How and how often tariffs may change."),
)

#: Names of the 19 freight-request intake items, in questionnaire order.
FREIGHT_REQUIREMENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in _FREIGHT_COLUMNS)

REQUESTS = TableSchema(
    "requests",
    "One row per incoming client request (commercial, service or complaint).",
    (
        Column("request_id", "id", "Unique request identifier.", unique=True),
        Column(
            "client_id", "id", "Client (or prospect) who sent the request.", references="clients"
        ),
        _opt("manager_id", "id", "Manager who handled the request.", references="managers"),
        _cat("channel", enums.TouchpointChannel, "Channel the request came through."),
        _cat(
            "request_type", enums.RequestType, "Commercial, service or complaint.", nullable=False
        ),
        Column("received_at", "datetime", "When the request arrived.", event_time=True),
        _opt("first_response_at", "datetime", "When the firm first answered."),
        _opt("quoted_at", "datetime", "When a price quote was sent."),
        _cat(
            "outcome",
            enums.RequestOutcome,
            "Won, lost or declined (a quote), resolved (a service question or complaint) "
            "or pending.",
            nullable=False,
        ),
        _opt("quoted_value", "float", "Value of the quote.", minimum=0),
        _opt("stage", "string", "Pipeline stage as the CRM names it."),
        _opt("loss_reason", "string", "Why the deal was lost, as recorded in the CRM."),
        _opt("source", "string", "Lead source (marketing channel) the request came from."),
        *_FREIGHT_COLUMNS,
    ),
    order_rules=(
        OrderRule("received_at", "first_response_at"),
        OrderRule("received_at", "quoted_at"),
    ),
)

MARKETING_SPEND = TableSchema(
    "marketing_spend",
    "Marketing and sales expenses by period, channel and purpose.",
    (
        Column("spend_id", "id", "Unique spend line identifier.", unique=True),
        Column(
            "period",
            "datetime",
            "First day of the period the money was spent in.",
            event_time=True,
        ),
        Column(
            "channel", "string", "Marketing channel (e.g. exhibitions, search ads, cold calls)."
        ),
        _cat(
            "purpose", enums.SpendPurpose, "Acquisition, retention or development.", nullable=False
        ),
        _opt("target_segment", "string", "Client segment the spend targeted, if any."),
        Column("amount", "float", "Money spent.", minimum=0),
    ),
)

SURVEYS = TableSchema(
    "surveys",
    "One row per satisfaction survey response.",
    (
        Column("response_id", "id", "Unique response identifier.", unique=True),
        Column("client_id", "id", "Client who answered.", references="clients"),
        Column("surveyed_at", "datetime", "When the client answered.", event_time=True),
        _opt("nps_score", "int", "Likelihood to recommend, 0-10.", minimum=0, maximum=10),
        _opt("csat_score", "int", "Overall satisfaction, 1-5.", minimum=1, maximum=5),
    ),
)

SURVEY_DIMENSIONS = TableSchema(
    "survey_dimensions",
    "Expected vs perceived score per service dimension within a survey response.",
    (
        Column("response_id", "id", "Survey response the scores belong to.", references="surveys"),
        Column("dimension", "string", "Service dimension (e.g. punctuality, communication)."),
        Column("expected_score", "float", "What the client expected, 0-10.", minimum=0, maximum=10),
        Column("perceived_score", "float", "What the client got, 0-10.", minimum=0, maximum=10),
    ),
    composite_key=("response_id", "dimension"),
)

#: Contracts of the input tables (the tables a company supplies) by table name.
SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        CLIENTS,
        MANAGERS,
        CONTRACTS,
        TRANSACTIONS,
        INVOICES,
        TOUCHPOINTS,
        REQUESTS,
        MARKETING_SPEND,
        SURVEYS,
        SURVEY_DIMENSIONS,
    )
}


# ----------------------------------------------------------------- derived tables
# Tables the library computes from the input tables. They are never validated or
# loaded as inputs (validate and ClientBase read SCHEMAS only); their contracts say
# what a function that accepts one needs, and what each column means.


SUMMARY = TableSchema(
    "summary",
    "One row per client with at least one purchase: output of summarize.",
    (
        Column("frequency", "int", "Repeat purchase periods (purchase periods - 1).", minimum=0),
        Column(
            "recency",
            "float",
            "Periods from the first to the last purchase (buy-till-you-die recency).",
            minimum=0,
        ),
        Column("T", "float", "Periods from the first purchase to the observation end.", minimum=0),
        Column(
            "monetary_value",
            "float",
            "Mean revenue of the repeat purchase periods (0 without repeat purchases).",
        ),
        Column("n_orders", "int", "Number of orders, credit notes excluded.", minimum=0),
        Column("total_revenue", "float", "Revenue of all rows, credit notes netted."),
        Column("total_margin", "float", "Revenue minus variable cost of all rows."),
        Column("mean_margin", "float", "Total margin per purchase period."),
        Column("first_purchase", "datetime", "Earliest date in the first purchase period."),
        Column("last_purchase", "datetime", "Latest date in the last purchase period."),
        Column(
            "days_since_last_purchase",
            "int",
            "Whole days from the last purchase to the observation end (RFM recency).",
            minimum=0,
        ),
    ),
    order_rules=(OrderRule("first_purchase", "last_purchase"),),
    index="client_id",
)

CALIBRATION_HOLDOUT = TableSchema(
    "calibration_holdout",
    "One row per client with a purchase in the calibration window: output of "
    "calibration_holdout_split.",
    (
        *(
            Column(
                f"{c.name}_cal",
                c.kind,
                f"{c.description.removesuffix('.')}, over the calibration window.",
                minimum=c.minimum,
            )
            for c in SUMMARY.columns
        ),
        Column("frequency_holdout", "int", "Purchase periods in the holdout window.", minimum=0),
        Column(
            "monetary_value_holdout",
            "float",
            "Mean revenue per holdout order (0 without holdout orders).",
        ),
        Column(
            "duration_holdout",
            "float",
            "Length of the holdout window in periods (the same for every client).",
            minimum=0,
        ),
    ),
    order_rules=(OrderRule("first_purchase_cal", "last_purchase_cal"),),
    index="client_id",
)

RFM_SCORES = TableSchema(
    "rfm_scores",
    "One row per client with its RFM measures and 1..bins scores: output of rfm_scores.",
    (
        Column("recency_days", "float", "Days since the last purchase (the R measure).", minimum=0),
        Column("frequency", "float", "The F measure (n_orders or frequency of the summary)."),
        Column("monetary", "float", "The M measure (a revenue or margin column of the summary)."),
        Column("R", "int", "Recency score; the most recent clients get bins.", minimum=1),
        Column("F", "int", "Frequency score; the most frequent clients get bins.", minimum=1),
        Column("M", "int", "Monetary score; the highest-spending clients get bins.", minimum=1),
        Column("RFM", "string", "The three scores as text, e.g. '545' ('10-3-7' from 10 bins)."),
        Column("rfm_score", "int", "R + F + M.", minimum=3),
    ),
    index="client_id",
)

_CHURN_FEATURES: tuple[tuple[str, ColumnKind, str], ...] = (
    ("days_since_last_purchase", "float", "Days from the last purchase to the cutoff."),
    ("frequency", "float", "Repeat purchase days."),
    ("recency", "float", "Days from the first to the last purchase."),
    ("tenure_days", "float", "Days from the first purchase to the cutoff."),
    ("n_orders", "float", "Number of orders."),
    ("monetary_value", "float", "Mean revenue of the repeat purchase days."),
    ("total_revenue", "float", "Revenue up to the cutoff, credit notes netted."),
    ("total_margin", "float", "Margin up to the cutoff."),
    ("margin_rate", "float", "Total margin over total revenue (0 without revenue)."),
    ("orders_per_month", "float", "Orders per 30 days of tenure (at least 30 days)."),
    (
        "mean_gap_days",
        "float",
        "Mean days between purchase days (tenure without a repeat purchase).",
    ),
    ("overdue_ratio", "float", "Days since the last purchase over the mean gap."),
    ("orders_recent", "float", "Orders in the 90 days before the cutoff."),
    ("orders_prior", "float", "Orders in the 90 days before those."),
    ("order_trend", "float", "Recent minus prior orders over their sum, in [-1, 1]."),
    ("revenue_trend", "float", "Recent minus prior revenue over their sum, in [-1, 1]."),
    (
        "order_value_trend",
        "float",
        "Mean order value of the last 180 days over the client's mean, minus 1.",
    ),
    ("touchpoints_recent", "float", "Contacts in the 90 days before the cutoff."),
    ("touchpoints_total", "float", "Contacts up to the cutoff."),
    ("days_since_contact", "float", "Days since the last contact (3,650 when none)."),
    ("complaints_recent", "float", "Complaint contacts and requests in the last 90 days."),
    ("complaints_total", "float", "Complaint contacts and requests up to the cutoff."),
    ("days_since_complaint", "float", "Days since the last complaint (3,650 when none)."),
    ("requests_recent", "float", "Requests in the 90 days before the cutoff."),
    ("requests_total", "float", "Requests up to the cutoff."),
    (
        "response_hours",
        "float",
        "Median hours to the first response (the overall median when none).",
    ),
    ("surveyed", "float", "1 if the client answered a survey, else 0."),
    ("last_nps", "float", "Last NPS answer (the overall median when none)."),
    ("last_csat", "float", "Last CSAT answer (the overall median when none)."),
    ("satisfaction_gap", "float", "Mean perceived minus expected score (0 when none)."),
    ("has_contract", "float", "1 if a contract runs at the cutoff, else 0."),
    ("days_to_expiry", "float", "Days to the expiry of the running contract (0 when none)."),
    ("next_contract_signed", "float", "1 if a signed contract starts after the cutoff, else 0."),
    ("contracts_signed", "float", "Contracts signed up to the cutoff."),
    ("renewals", "float", "Signed contracts that renew another one."),
    ("legal_status", "string", "Legal / socio-economic status ('unknown' when missing)."),
    ("behaviour", "string", "Behaviour type ('unknown' when missing)."),
    ("price_reaction", "string", "Reaction to price ('unknown' when missing)."),
    ("novelty_attitude", "string", "Attitude to new services ('unknown' when missing)."),
    ("relationship_programme", "float", "1 if the client joined a relationship programme."),
)

CHURN_FEATURES = TableSchema(
    "churn_features",
    "One row per client as known at a cutoff date: output of churn_features.",
    tuple(Column(name, kind, text) for name, kind, text in _CHURN_FEATURES),
    index="client_id",
)

#: Contracts of the tables the library derives from the inputs, by table name.
DERIVED_SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (SUMMARY, CALIBRATION_HOLDOUT, RFM_SCORES, CHURN_FEATURES)
}


def get_schema(table: str | TableSchema) -> TableSchema:
    """Return the schema of ``table`` (a name or a schema), input or derived."""
    if isinstance(table, TableSchema):
        return table
    try:
        return SCHEMAS[table] if table in SCHEMAS else DERIVED_SCHEMAS[table]
    except KeyError:
        known = sorted(SCHEMAS) + sorted(DERIVED_SCHEMAS)
        raise KeyError(f"unknown table {table!r}; known tables: {known}") from None


def _column_names(frame: Any) -> list[str]:
    """Column names of a pandas frame, a narwhals (lazy) frame or a native engine frame."""
    if hasattr(frame, "collect_schema"):
        return list(frame.collect_schema().names())
    columns = getattr(frame, "columns", None)
    if columns is None:
        raise ValidationError(f"expected a table, got {type(frame).__name__}")
    return [str(c) for c in columns]


def require(
    frame: Any,
    table: str | TableSchema,
    columns: Iterable[str] | None = None,
    *,
    hint: str | None = None,
) -> None:
    """Raise :class:`ValidationError` naming every required column ``frame`` lacks.

    This is the one check of column presence in the library, with one message:
    ``"<table>: missing required column(s) [...]; found [...]"``, followed by
    ``hint`` when given (what to pass instead).

    Parameters
    ----------
    frame : DataFrame-like
        pandas, narwhals (lazy) or any frame with ``columns``.
    table : str or TableSchema
        The table's name, used in the message. When ``columns`` is omitted it must
        be a declared table (:data:`SCHEMAS` or :data:`DERIVED_SCHEMAS`), whose
        required columns are checked.
    columns : iterable of str, optional
        The columns this caller needs; by default the table's required columns.
    hint : str, optional
        What the caller should pass instead, appended to the message.

    Raises
    ------
    ValidationError
        When any column is missing.
    """
    name = table.name if isinstance(table, TableSchema) else table
    if columns is None:
        columns = [c.name for c in get_schema(table).columns if c.required]
    present = _column_names(frame)
    have = set(present)
    missing = [c for c in columns if c not in have]
    if missing:
        message = f"{name}: missing required column(s) {missing}; found {sorted(present)[:12]}"
        raise ValidationError(f"{message}; {hint}" if hint else message)
