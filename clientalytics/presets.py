"""Named layouts of common exports: 1C, Bitrix24, amoCRM and UCI Online Retail.

A :class:`Preset` says which table an export holds, how its headers (as the
system names them) map to the table's columns, how its dates are written, and
what has to be derived (a deal's outcome from its pipeline stage, an order line's
revenue from quantity times price). ``ClientBase.from_folder(..., preset=...)``
and ``clientalytics report --preset NAME`` apply it to every file of the folder
whose headers carry the preset's identifying columns. :data:`PRESETS` holds them
by name; ``docs/your-own-data.md`` shows each with the menu path that produces
the export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.mapping import normalize_header

__all__ = ["PRESETS", "Preset", "get_preset"]

#: Reads one column of the mapped frame as numbers (NaN where a cell is not one).
NumberReader = Callable[[str], pd.Series]


@dataclass(frozen=True)
class Preset:
    """The layout of one kind of export.

    Attributes
    ----------
    name : str
        Name used by ``preset=`` and ``--preset``.
    table : str
        The table the export holds.
    system : str
        The system and report that produce it.
    menu : str
        Where to find the export in the system's menus.
    columns : mapping of str to str
        Export header -> table column.
    identify : tuple of str
        Headers every file of this layout has; a file lacking one is not read
        with the preset.
    dayfirst : bool, optional
        Day/month order of the export's dates, when the system always writes one.
    merge_by_tax_id : bool
        Merge clients that share a tax id (see :class:`~clientalytics.ClientBase`).
    prepare : callable, optional
        Derives columns the export does not hold as such: called with the frame
        (mapped columns renamed, others under their own headers) and a reader of
        number columns; returns the frame to validate.
    """

    name: str
    table: str
    system: str
    menu: str
    columns: Mapping[str, str]
    identify: tuple[str, ...]
    dayfirst: bool | None = None
    merge_by_tax_id: bool = False
    prepare: Callable[[pd.DataFrame, NumberReader], pd.DataFrame] | None = field(
        default=None, compare=False
    )

    def matches(self, headers: Sequence[str]) -> bool:
        """Whether a file with ``headers`` has this layout."""
        have = {normalize_header(h) for h in headers}
        return all(normalize_header(h) in have for h in self.identify)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.full(len(frame), None, dtype=object), index=frame.index, dtype=object)
    values = frame[column].astype(object)
    stripped = values.map(lambda v: v.strip() if isinstance(v, str) else v).astype(object)
    # pandas 3 may infer a string dtype in map, turning None into NaN: missing stays None
    return stripped.where(stripped.notna(), None).astype(object)


def _first_present(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    out = _text(frame, columns[0])
    for name in columns[1:]:
        other = _text(frame, name)
        empty = out.isna() | (out == "")
        out = out.where(~empty, other)
    return out


def _outcome(stages: pd.Series, won: set[str], lost: set[str]) -> pd.Series:
    def one(stage: object) -> object:
        if not isinstance(stage, str) or not stage.strip():
            return None  # a deal without a stage: rejected as a missing outcome
        key = normalize_header(stage)
        if key in won:
            return "won"
        if key in lost:
            return "lost"
        return "pending"

    return stages.map(one).astype(object)


def _deals(
    client_columns: Sequence[str], won: Sequence[str], lost: Sequence[str]
) -> Callable[[pd.DataFrame, NumberReader], pd.DataFrame]:
    won_keys = {normalize_header(s) for s in won}
    lost_keys = {normalize_header(s) for s in lost}

    def prepare(frame: pd.DataFrame, numbers: NumberReader) -> pd.DataFrame:
        out = frame.copy()
        # The company header may already be renamed client_id by its synonym.
        present = [c for c in ("client_id", *client_columns) if c in frame]
        out["client_id"] = _first_present(frame, present) if present else None
        out["outcome"] = _outcome(_text(frame, "stage"), won_keys, lost_keys)
        if "request_type" not in out:
            out["request_type"] = "commercial"
        return out

    return prepare


def _online_retail(frame: pd.DataFrame, numbers: NumberReader) -> pd.DataFrame:
    out = frame.copy()
    for need in ("transaction_id", "Quantity", "UnitPrice"):
        if need not in frame:
            raise ValidationError(f"online-retail: the export has no {need!r} column")
    invoice = _text(frame, "transaction_id").map(
        lambda v: v if v is None else str(v), na_action="ignore"
    )
    invoice = invoice.map(lambda v: v[:-2] if isinstance(v, str) and v.endswith(".0") else v)
    line = invoice.groupby(invoice.fillna("")).cumcount() + 1
    out["transaction_id"] = [
        None if i is None else f"{i}/{n}" for i, n in zip(invoice, line, strict=True)
    ]
    quantity, price = numbers("Quantity"), numbers("UnitPrice")
    revenue = (quantity * price).astype(object)
    bad = quantity.isna() | price.isna()
    shown = _text(frame, "Quantity").astype(str) + " x " + _text(frame, "UnitPrice").astype(str)
    out["revenue"] = revenue.where(~bad, shown.where(bad, None))
    client = _text(out, "client_id").map(lambda v: v if v is None else str(v), na_action="ignore")
    out["client_id"] = client.map(
        lambda v: v[:-2] if isinstance(v, str) and v.endswith(".0") and v[:-2].isdigit() else v
    )
    return out


_BITRIX_WON = ("Сделка успешна", "Успешно", "WON")
_BITRIX_LOST = ("Сделка провалена", "Анализ причины провала", "Провалена", "LOSE", "APOLOGY")
_AMO_WON = ("Успешно реализовано", "Успешно", "142")
_AMO_LOST = ("Закрыто и не реализовано", "Не реализовано", "143")

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="1c-sales",
            table="transactions",
            system="1С:Управление торговлей / 1С:Бухгалтерия: sales register (Продажи)",
            menu="Продажи → Отчеты по продажам → Валовая прибыль (or Отчеты → Продажи); "
            "set grouping by document, then Ещё → Сохранить как… → CSV or Excel",
            columns={
                "Номер": "transaction_id",
                "Дата": "date",
                "Контрагент": "client_id",
                "Договор": "contract_id",
                "Номенклатура": "service",
                "Сумма": "revenue",
                "Себестоимость": "variable_cost",
                "Менеджер": "manager_id",
            },
            identify=("Дата", "Контрагент"),
            dayfirst=True,
        ),
        Preset(
            name="1c-counterparties",
            table="clients",
            system="1С: catalogue of counterparties (Справочник «Контрагенты»)",
            menu="Справочники → Покупатели и поставщики → Контрагенты (or Клиенты → Партнеры); "
            "Ещё → Вывести список… → Сохранить как… → CSV or Excel",
            columns={
                "Наименование": "client_id",
                "Полное наименование": "name",
                "ИНН": "tax_id",
                "Основной менеджер": "manager_id",
                "Основной менеджер покупателя": "manager_id",
                "Регион": "region",
            },
            identify=("Наименование", "ИНН"),
            dayfirst=True,
            merge_by_tax_id=True,
        ),
        Preset(
            name="bitrix24-deals",
            table="requests",
            system="Bitrix24 CRM: deals list (Сделки)",
            menu="CRM → Сделки → list view → ⚙ (settings) → Экспорт в CSV / Экспорт в Excel",
            columns={
                "ID": "request_id",
                "Стадия сделки": "stage",
                "Сумма": "quoted_value",
                "Ответственный": "manager_id",
                "Дата создания": "received_at",
                "Источник": "source",
                "Причина провала": "loss_reason",
            },
            identify=("ID", "Стадия сделки", "Дата создания"),
            dayfirst=True,
            prepare=_deals(("Компания", "Контакт"), _BITRIX_WON, _BITRIX_LOST),
        ),
        Preset(
            name="amocrm-leads",
            table="requests",
            system="amoCRM (Kommo): leads list (Сделки)",
            menu="Сделки → list view → … (more) → Экспорт → Excel or CSV",
            columns={
                "ID": "request_id",
                "Этап сделки": "stage",
                "Бюджет": "quoted_value",
                "Ответственный": "manager_id",
                "Дата создания": "received_at",
                "Причина отказа": "loss_reason",
                "Источник": "source",
            },
            identify=("ID", "Этап сделки", "Дата создания"),
            dayfirst=True,
            prepare=_deals(("Компания", "Основной контакт"), _AMO_WON, _AMO_LOST),
        ),
        Preset(
            name="online-retail",
            table="transactions",
            system="UCI Machine Learning Repository: Online Retail (one row per invoice line)",
            menu="archive.ics.uci.edu → Online Retail → Download (Online Retail.xlsx), or a "
            "CSV saved from it",
            columns={
                "InvoiceNo": "transaction_id",
                "InvoiceDate": "date",
                "CustomerID": "client_id",
            },
            identify=("InvoiceNo", "Quantity", "UnitPrice", "CustomerID", "InvoiceDate"),
            dayfirst=False,
            prepare=_online_retail,
        ),
    )
}


def get_preset(name: str) -> Preset:
    """Return the preset called ``name``.

    Raises
    ------
    ValidationError
        For an unknown name (the message lists the known ones).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValidationError(
            f"unknown preset {name!r}; known presets: {sorted(PRESETS)}"
        ) from None
