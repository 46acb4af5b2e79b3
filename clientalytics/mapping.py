"""From a file's own headers to the columns of a table.

A header is matched to a column of a table, in this order of precedence: the
caller's mapping (``mapping``), a preset's mapping, the column's own name
(``exact``), one of the built-in Russian and English synonyms in
:data:`SYNONYMS` (``synonym``). Headers are compared case-insensitively,
with ``ё`` read as ``е`` and spaces, underscores and punctuation ignored
(``Customer ID`` = ``customer_id`` = ``CustomerID``).

A file is matched to a table by its name (``transactions.csv``), by the caller's
``files`` mapping, or by its headers: the table whose required columns all
match and that matches the most of them. Every problem is an error that names
the file: a mapping naming an absent header, two headers for one column, a file
matching no table or two tables equally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from clientalytics.exceptions import ValidationError
from clientalytics.schema import SCHEMAS

__all__ = [
    "GENERATED",
    "SYNONYMS",
    "HeaderMap",
    "MappingSource",
    "check_mapping",
    "map_headers",
    "match_table",
    "normalize_header",
]

MappingSource = Literal["mapping", "preset", "exact", "synonym"]

_PRECEDENCE: tuple[MappingSource, ...] = ("mapping", "preset", "exact", "synonym")

#: Required columns a folder may lack because the reader makes them: a
#: transaction without a number gets its row number in the file.
GENERATED: dict[str, frozenset[str]] = {"transactions": frozenset({"transaction_id"})}

_CLIENT = (
    "Контрагент",
    "Клиент",
    "Покупатель",
    "Заказчик",
    "Компания",
    "Грузоотправитель",
    "Плательщик",
    "Наименование контрагента",
    "Код клиента",
    "ID клиента",
    "Customer",
    "Customer ID",
    "Client",
    "Client ID",
    "Account",
)
_MANAGER = (
    "Ответственный",
    "Менеджер",
    "Ответственный менеджер",
    "Основной менеджер",
    "Основной менеджер покупателя",
    "Manager",
    "Account manager",
    "Sales manager",
    "Responsible",
    "Owner",
)

#: Built-in header synonyms: table -> column -> headers read as that column.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "client_id": _CLIENT,
        "name": (
            "Наименование",
            "Название",
            "Полное наименование",
            "Название компании",
            "Name",
            "Company name",
            "Customer name",
        ),
        "region": ("Регион", "Область", "Город", "Region", "City"),
        "industry": ("Отрасль", "Сфера деятельности", "Вид деятельности", "Industry"),
        "manager_id": _MANAGER,
        "acquisition_channel": (
            "Канал привлечения",
            "Источник",
            "Acquisition channel",
            "Source",
            "Lead source",
        ),
        "first_contact_date": (
            "Дата первого контакта",
            "Дата создания",
            "First contact",
            "Created",
        ),
        "referred_by": ("Рекомендатель", "Кто порекомендовал", "Referred by"),
        "tax_id": ("ИНН", "INN", "Tax ID", "TIN", "Taxpayer ID"),
    },
    "managers": {
        "manager_id": (
            "Менеджер",
            "Сотрудник",
            "Ответственный",
            "Код сотрудника",
            "Табельный номер",
            "Manager",
            "Employee",
            "Employee ID",
        ),
        "name": ("ФИО", "Full name", "Name"),
        "region": ("Регион", "Region"),
        "hired_date": ("Дата приема", "Дата приема на работу", "Hired", "Hire date"),
        "specialisation": ("Специализация", "Specialisation", "Specialization"),
    },
    "contracts": {
        "contract_id": (
            "Договор",
            "Номер договора",
            "№ договора",
            "Contract",
            "Contract ID",
            "Contract number",
        ),
        "client_id": _CLIENT,
        "manager_id": _MANAGER,
        "status": ("Статус", "Состояние", "Статус договора", "Status"),
        "sent_date": ("Дата отправки", "Sent", "Sent date"),
        "signed_date": ("Дата подписания", "Signed", "Signed date"),
        "start_date": ("Дата начала", "Дата начала действия", "Start date", "Valid from"),
        "expiry_date": (
            "Дата окончания",
            "Дата окончания действия",
            "Срок действия",
            "Expiry date",
            "Valid until",
        ),
        "annual_value": ("Сумма договора", "Годовой объем", "Annual value", "Contract value"),
    },
    "transactions": {
        "transaction_id": (
            "Номер",
            "Номер документа",
            "№ документа",
            "Документ",
            "Номер заказа",
            "Номер накладной",
            "Номер реализации",
            "ID заказа",
            "Order ID",
            "Order number",
            "Invoice",
            "Invoice number",
            "InvoiceNo",
            "Document",
        ),
        "client_id": _CLIENT,
        "date": (
            "Дата",
            "Дата документа",
            "Дата заказа",
            "Дата отгрузки",
            "Дата реализации",
            "Дата продажи",
            "Период",
            "Date",
            "Order date",
            "Invoice date",
            "InvoiceDate",
        ),
        "revenue": (
            "Сумма",
            "Сумма с НДС",
            "Сумма без НДС",
            "Выручка",
            "Сумма продажи",
            "Сумма документа",
            "Стоимость",
            "Amount",
            "Revenue",
            "Sales",
            "Total",
            "Order total",
        ),
        "variable_cost": (
            "Себестоимость",
            "Себестоимость продаж",
            "Затраты",
            "Расходы",
            "Стоимость перевозчика",
            "Cost",
            "Variable cost",
            "COGS",
        ),
        "manager_id": _MANAGER,
        "contract_id": (
            "Договор",
            "Договор контрагента",
            "Номер договора",
            "Contract",
            "Contract ID",
        ),
        "service": ("Услуга", "Вид услуги", "Номенклатура", "Service", "Product"),
    },
    "invoices": {
        "invoice_id": (
            "Номер счета",
            "Счет",
            "Счет на оплату",
            "Номер счета на оплату",
            "Номер",
            "Invoice",
            "Invoice number",
            "Invoice ID",
            "InvoiceNo",
        ),
        "client_id": _CLIENT,
        "contract_id": (
            "Договор",
            "Договор контрагента",
            "Номер договора",
            "Contract",
            "Contract ID",
        ),
        "transaction_id": (
            "Реализация",
            "Документ реализации",
            "Номер реализации",
            "Номер заказа",
            "Заказ",
            "Order",
            "Order ID",
            "Order number",
        ),
        "issued_date": (
            "Дата счета",
            "Дата выставления",
            "Дата",
            "Invoice date",
            "InvoiceDate",
            "Issue date",
            "Issued",
            "Date",
        ),
        "due_date": ("Срок оплаты", "Оплатить до", "Due date", "Payment due", "Due"),
        "paid_date": (
            "Дата оплаты",
            "Дата поступления оплаты",
            "Paid date",
            "Payment date",
            "Date paid",
        ),
        "amount": (
            "Сумма",
            "Сумма счета",
            "Сумма с НДС",
            "Сумма документа",
            "Amount",
            "Invoice amount",
            "Total",
        ),
        "vat_amount": ("Сумма НДС", "НДС", "VAT", "VAT amount"),
        "paid_amount": (
            "Оплачено",
            "Сумма оплаты",
            "Оплата",
            "Paid",
            "Paid amount",
            "Amount paid",
        ),
        "payment_terms_days": (
            "Отсрочка, дней",
            "Отсрочка",
            "Отсрочка платежа",
            "Отсрочка платежа, дней",
            "Payment terms",
            "Payment terms days",
            "Terms, days",
        ),
    },
    "touchpoints": {
        "touchpoint_id": ("ID", "Номер", "ID активности", "Activity ID"),
        "client_id": _CLIENT,
        "manager_id": _MANAGER,
        "timestamp": ("Дата и время", "Дата", "Время", "Date", "Timestamp"),
        "channel": ("Канал", "Тип связи", "Channel"),
        "kind": ("Цель", "Тип", "Kind", "Purpose"),
        "duration_minutes": ("Длительность", "Длительность (мин)", "Duration", "Duration minutes"),
    },
    "requests": {
        "request_id": (
            "ID",
            "Номер",
            "Номер заявки",
            "ID сделки",
            "ID лида",
            "Deal ID",
            "Lead ID",
            "Request ID",
        ),
        "client_id": _CLIENT,
        "manager_id": _MANAGER,
        "channel": ("Канал обращения", "Channel"),
        "request_type": ("Тип заявки", "Тип обращения", "Request type"),
        "received_at": (
            "Дата создания",
            "Дата заявки",
            "Дата поступления",
            "Создана",
            "Created",
            "Created at",
            "Date created",
        ),
        "first_response_at": ("Дата первого ответа", "First response"),
        "quoted_at": ("Дата КП", "Дата коммерческого предложения", "Quoted at"),
        "outcome": ("Результат", "Итог", "Outcome", "Result"),
        "quoted_value": (
            "Сумма",
            "Бюджет",
            "Сумма сделки",
            "Amount",
            "Budget",
            "Deal amount",
            "Opportunity",
        ),
        "stage": (
            "Стадия",
            "Стадия сделки",
            "Этап",
            "Этап сделки",
            "Статус",
            "Stage",
            "Status",
            "Pipeline stage",
        ),
        "loss_reason": (
            "Причина отказа",
            "Причина проигрыша",
            "Причина провала",
            "Loss reason",
            "Lost reason",
        ),
        "source": ("Источник", "Источник лида", "Источник сделки", "Source", "Lead source"),
    },
    "marketing_spend": {
        "spend_id": ("ID", "Номер", "Spend ID"),
        "period": ("Период", "Месяц", "Period", "Month"),
        "channel": ("Канал", "Channel"),
        "purpose": ("Цель", "Назначение", "Purpose"),
        "target_segment": ("Сегмент", "Target segment", "Segment"),
        "amount": ("Сумма", "Расход", "Затраты", "Amount", "Spend"),
    },
    "surveys": {
        "response_id": ("ID ответа", "ID", "Response ID"),
        "client_id": _CLIENT,
        "surveyed_at": ("Дата опроса", "Дата", "Date", "Surveyed at"),
        "nps_score": ("NPS", "Оценка NPS", "NPS score"),
        "csat_score": ("CSAT", "Удовлетворенность", "CSAT score"),
    },
    "survey_dimensions": {
        "response_id": ("ID ответа", "Response ID"),
        "dimension": ("Параметр", "Критерий", "Dimension"),
        "expected_score": ("Ожидание", "Ожидаемая оценка", "Expected", "Expected score"),
        "perceived_score": ("Восприятие", "Оценка", "Perceived", "Perceived score"),
    },
}

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_header(header: object) -> str:
    """Return a header as compared: lower case, ``ё`` as ``е``, only letters and digits."""
    text = str(header).casefold().replace("ё", "е").replace("№", "номер")
    return _NOT_WORD.sub("", text)


def _synonym_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for table, columns in SYNONYMS.items():
        known: dict[str, str] = {}
        for column, headers in columns.items():
            for header in headers:
                key = normalize_header(header)
                if known.get(key, column) != column:
                    raise AssertionError(f"synonym {header!r} names two columns of {table}")
                known[key] = column
        index[table] = known
    return index


_SYNONYM_INDEX = _synonym_index()


@dataclass
class HeaderMap:
    """How the headers of one file map to the columns of one table.

    Attributes
    ----------
    table : str
        The table.
    columns : dict of str to str
        Source header -> table column, for the mapped headers.
    sources : dict of str to str
        Source header -> how it was mapped: ``mapping``, ``preset``, ``exact`` or
        ``synonym``.
    unmapped : list of str
        Headers that map to no column; their columns are kept under their own names.
    """

    table: str
    columns: dict[str, str] = field(default_factory=dict)
    sources: dict[str, MappingSource] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Required columns of the table no header maps to (generated ones aside)."""
        have = set(self.columns.values())
        spare = GENERATED.get(self.table, frozenset())
        return [
            c.name
            for c in SCHEMAS[self.table].columns
            if c.required and c.name not in have and c.name not in spare
        ]


def check_mapping(mapping: Mapping[str, object] | None) -> dict[str, dict[str, str]]:
    """Check a caller's mapping and return it as ``{table: {header: column}}`` plus ``files``.

    The mapping is ``{table: {source header: column}}``, optionally with a
    ``"files"`` entry ``{file name: table}`` for files whose name and headers do not
    say their table.

    Raises
    ------
    ValidationError
        For an unknown table or column, or a value that is not a mapping.
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ValidationError(
            f"mapping must be a dict of table -> {{header: column}}, got {type(mapping).__name__}"
        )
    out: dict[str, dict[str, str]] = {}
    for table, headers in mapping.items():
        if not isinstance(headers, Mapping):
            raise ValidationError(
                f"mapping[{table!r}] must be a dict, got {type(headers).__name__}"
            )
        if table == "files":
            bad = sorted({str(t) for t in headers.values()} - set(SCHEMAS))
            if bad:
                raise ValidationError(
                    f"mapping['files'] names unknown table(s) {bad}; known: {sorted(SCHEMAS)}"
                )
            out["files"] = {str(k): str(v) for k, v in headers.items()}
            continue
        if table not in SCHEMAS:
            raise ValidationError(
                f"mapping names unknown table {table!r}; known tables: {sorted(SCHEMAS)} "
                "(and 'files' for file -> table)"
            )
        names = set(SCHEMAS[table].column_names)
        wrong = sorted(str(c) for c in headers.values() if c not in names)
        if wrong:
            raise ValidationError(
                f"mapping[{table!r}] maps to unknown column(s) {wrong}; columns of {table}: "
                f"{SCHEMAS[table].column_names}"
            )
        out[table] = {str(k): str(v) for k, v in headers.items()}
    return out


def map_headers(
    headers: Sequence[str],
    table: str,
    *,
    mapping: Mapping[str, str] | None = None,
    preset: Mapping[str, str] | None = None,
    where: str = "",
    strict: bool = True,
) -> HeaderMap:
    """Map the headers of one file to the columns of ``table``.

    Parameters
    ----------
    headers : sequence of str
        The file's headers.
    table : str
        The table.
    mapping, preset : mapping of str to str, optional
        Header -> column given by the caller and by a preset.
    where : str
        The file, for messages.
    strict : bool
        Whether a caller's mapping naming an absent header is an error (it is when
        the file is known to hold ``table``).

    Raises
    ------
    ValidationError
        When ``mapping`` names a header the file lacks, or two headers map to one
        column at the same precedence.
    """
    mapping = dict(mapping or {})
    preset = dict(preset or {})
    if strict:
        absent = [h for h in mapping if h not in headers]
        if absent:
            raise ValidationError(
                f"{where}: the mapping for {table} names column(s) {absent} that the file does "
                f"not have; its columns: {list(headers)[:20]}",
                table=table,
            )
    schema = SCHEMAS[table]
    exact = {normalize_header(c): c for c in schema.column_names}
    synonyms = _SYNONYM_INDEX.get(table, {})
    preset_norm = {normalize_header(h): c for h, c in preset.items()}
    claims: dict[str, list[tuple[int, str]]] = {}
    chosen: dict[str, tuple[str, MappingSource]] = {}
    for header in headers:
        key = normalize_header(header)
        found: tuple[str, MappingSource] | None = None
        if header in mapping:
            found = (mapping[header], "mapping")
        elif key in preset_norm:
            found = (preset_norm[key], "preset")
        elif key in exact:
            found = (exact[key], "exact")
        elif key in synonyms:
            found = (synonyms[key], "synonym")
        if found is not None:
            chosen[header] = found
            claims.setdefault(found[0], []).append((_PRECEDENCE.index(found[1]), header))
    out = HeaderMap(table)
    for column, claimants in claims.items():
        rank = min(r for r, _ in claimants)
        top = [h for r, h in claimants if r == rank]
        if len(top) > 1:
            raise ValidationError(
                f"{where}: {len(top)} columns map to {table}.{column}: {top} "
                f"(by {_PRECEDENCE[rank]}); keep one, or map one of them to another column "
                "with mapping= (--mapping)",
                table=table,
                column=column,
            )
        winner = top[0]
        out.columns[winner] = column
        out.sources[winner] = chosen[winner][1]
    out.unmapped = [h for h in headers if h not in out.columns]
    return out


def match_table(
    headers: Sequence[str],
    *,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    where: str = "",
) -> HeaderMap:
    """Tell which table a file holds from its headers.

    A table fits when every required column maps (see :data:`GENERATED`); among
    the tables that fit, the one with the most required columns wins, then the one
    with the most mapped columns.

    Raises
    ------
    ValidationError
        When no table fits (the message lists what the closest tables lack) or
        two fit equally.
    """
    mapping = mapping or {}
    fits: list[tuple[int, int, HeaderMap]] = []
    near: list[tuple[int, str, list[str]]] = []
    for table in SCHEMAS:
        own = {h: c for h, c in mapping.get(table, {}).items() if h in headers}
        found = map_headers(headers, table, mapping=own, where=where, strict=False)
        missing = found.missing
        if missing:
            near.append((len(missing), table, missing))
            continue
        required = sum(1 for c in found.columns.values() if SCHEMAS[table].column(c).required)
        fits.append((required, len(found.columns), found))
    if not fits:
        near.sort()
        closest = "; ".join(f"{t} lacks {m}" for _, t, m in near[:3])
        raise ValidationError(
            f"{where}: the file matches no table by its headers {list(headers)[:12]} "
            f"(closest: {closest}); name the file <table>.csv, give mapping= (--mapping) "
            "or a preset (--preset)"
        )
    fits.sort(key=lambda f: (f[0], f[1]), reverse=True)
    if len(fits) > 1 and fits[0][:2] == fits[1][:2]:
        tied = [f[2].table for f in fits if f[:2] == fits[0][:2]]
        raise ValidationError(
            f"{where}: the headers fit the tables {tied} equally; name the file <table>.csv "
            "or say its table with mapping={'files': {file: table}}"
        )
    best = fits[0][2]
    # The caller's mapping for the chosen table must name only headers the file has.
    map_headers(headers, best.table, mapping=mapping.get(best.table), where=where, strict=True)
    return best
