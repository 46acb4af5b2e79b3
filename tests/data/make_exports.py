"""Write hand-made export files the way 1C, Bitrix24, amoCRM, Excel and UCI lay them out.

The content is synthetic and deterministic (no randomness): a few dozen logistics
clients with orders over 2023-2024. Each export folder comes with its *truth*: the
rows a correct reader must keep, cell by cell in the table's terms, and the rows
it must reject. ``tests/test_exports.py`` builds the folders in a temporary folder,
reads them with :meth:`clientalytics.ClientBase.from_folder` and compares; it also
checks that the committed text files under ``tests/data/exports/`` are what this
script writes. Run it from the repository root to rewrite them::

    python tests/data/make_exports.py
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXPORTS = HERE / "exports"

NBSP, NNBSP = "\u00a0", "\u202f"

CLIENTS = [
    ("ООО «Вектор Логистик»", "7701234561", "770101001"),
    ("ООО «Северный путь»", "7802345672", "780201001"),
    ("АО «ТрансКарго»", "5003456783", "500301001"),
    ("ИП Смирнов А. В.", "526304567894", ""),
    ("ООО «Альфа-Склад»", "6605678905", "660501001"),
    ("ООО «Волга Трейд»", "6316789016", "631601001"),
    ("ООО «Ромашка»", "1657890127", "165701001"),
    ("ЗАО «Полюс»", "2308901238", "230801001"),
]
#: A second card of ООО «Альфа-Склад» (a branch: same INN, another KPP, another name).
DUPLICATE = ("Альфа-Склад ООО (филиал Тюмень)", "6605678905", "720301001")
MANAGERS = ["Иванова Е.", "Петров С.", "Кузнецов Д."]
SERVICES = ["FTL", "LTL", "Складское хранение", "Экспедирование"]


def _money_1c(value: float) -> str:
    """A sum as 1C writes it to CSV: no-break-space thousands, decimal comma."""
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return NBSP.join(groups) + "," + cents


def _orders(n: int, clients: list[str], start: dt.date, step: int = 5) -> list[dict[str, Any]]:
    """Deterministic orders: client, date, revenue, cost, manager, service."""
    rows = []
    for i in range(n):
        day = start + dt.timedelta(days=(i * step) % 700)
        revenue = round(12_000 + (i * 7919) % 480_000 + ((i * 37) % 100) / 100, 2)
        rows.append(
            {
                "client": clients[(i * 3 + i // 7) % len(clients)],
                "date": day,
                "revenue": revenue,
                "cost": round(revenue * (0.55 + (i % 5) * 0.05), 2),
                "manager": MANAGERS[i % len(MANAGERS)],
                "service": SERVICES[i % len(SERVICES)],
            }
        )
    return rows


@dataclass
class Export:
    """One export folder: files (name -> bytes) and the truth about them."""

    name: str
    description: str
    files: dict[str, bytes]
    options: dict[str, Any] = field(default_factory=dict)
    #: table -> list of (row label, {column: expected value}) of the kept rows.
    kept: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    #: table -> {row label: reason fragment} of the rejected rows.
    rejected: dict[str, dict[int, str]] = field(default_factory=dict)
    #: table -> number of data rows in its file.
    rows_in: dict[str, int] = field(default_factory=dict)
    #: what reading must fail with, for a bad-input folder.
    error: list[str] = field(default_factory=list)


def _csv(lines: list[list[str]], sep: str) -> str:
    out = []
    for cells in lines:
        quoted = [
            '"' + c.replace('"', '""') + '"' if (sep in c or '"' in c or "\n" in c) else c
            for c in cells
        ]
        out.append(sep.join(quoted))
    return "\r\n".join(out) + "\r\n"


# ------------------------------------------------------------------- the exports


def one_c() -> Export:
    """1C sales register (CP1251, ';', dd.mm.yyyy, NBSP thousands, decimal comma) and cards."""
    names = [c[0] for c in CLIENTS] + [DUPLICATE[0]]
    orders = _orders(120, names, dt.date(2023, 1, 9))
    header = [
        "Дата", "Номер", "Контрагент", "Договор", "Номенклатура", "Количество", "Сумма",
        "Себестоимость", "Менеджер",
    ]  # fmt: skip
    lines = [header]
    kept: list[tuple[int, dict[str, Any]]] = []
    for i, o in enumerate(orders):
        number = f"00БП-{i + 1:06d}"
        lines.append(
            [
                o["date"].strftime("%d.%m.%Y"),
                number,
                o["client"],
                f"Договор № {10 + i % 8} от 01.01.2023",
                o["service"],
                str(1 + i % 4),
                _money_1c(o["revenue"]),
                _money_1c(o["cost"]),
                o["manager"],
            ]
        )
        client = CLIENTS[4][0] if o["client"] == DUPLICATE[0] else o["client"]
        kept.append(
            (
                i,
                {
                    "transaction_id": number,
                    "client_id": client,
                    "date": dt.datetime.combine(o["date"], dt.time()),
                    "revenue": o["revenue"],
                    "variable_cost": o["cost"],
                    "manager_id": o["manager"],
                    "service": o["service"],
                },
            )
        )
    sales = _csv(lines, ";").encode("cp1251")
    cards = [["Код", "Наименование", "Полное наименование", "ИНН", "КПП", "Основной менеджер"]]
    client_rows: list[tuple[int, dict[str, Any]]] = []
    everyone = [*CLIENTS, DUPLICATE]
    for i, (name, inn, kpp) in enumerate(everyone):
        full = name.replace("ООО", "Общество с ограниченной ответственностью")
        manager = MANAGERS[i % len(MANAGERS)]
        cards.append([f"00-{i + 1:05d}", name, full, inn, kpp, manager])
        if (name, inn, kpp) != DUPLICATE:
            client_rows.append(
                (i, {"client_id": name, "name": full, "tax_id": inn, "manager_id": manager})
            )
    counterparties = ("\ufeff" + _csv(cards, ";")).encode("utf-8")
    return Export(
        "1c",
        "1C: sales register (Продажи) in CP1251 and the counterparties catalogue with a "
        "branch sharing its INN",
        {"sales.csv": sales, "counterparties.csv": counterparties},
        options={"preset": ["1c-sales", "1c-counterparties"]},
        kept={"transactions": kept, "clients": client_rows},
        rejected={"clients": {len(everyone) - 1: "merged into client"}},
        rows_in={"transactions": len(orders), "clients": len(everyone)},
    )


def _plain_orders(names: list[str], n: int) -> tuple[bytes, list[tuple[int, dict[str, Any]]]]:
    """An orders export as an analyst saves it from Excel: client, date, amount."""
    orders = _orders(n, names, dt.date(2023, 2, 1), step=7)
    lines = [["Клиент", "Дата", "Сумма"]]
    kept = []
    for i, o in enumerate(orders):
        lines.append([o["client"], o["date"].strftime("%d.%m.%Y"), f"{o['revenue']:.2f}"])
        kept.append(
            (
                i,
                {
                    "transaction_id": str(i + 1),
                    "client_id": o["client"],
                    "date": dt.datetime.combine(o["date"], dt.time()),
                    "revenue": o["revenue"],
                },
            )
        )
    return ("\ufeff" + _csv(lines, ";")).encode("utf-8"), kept


BITRIX_STAGES = ["Новая", "В работе", "Счёт на предоплату", "Сделка успешна", "Сделка провалена"]
AMO_STAGES = ["Первичный контакт", "Переговоры", "Успешно реализовано", "Закрыто и не реализовано"]
PROSPECTS = ["ООО «Новый клиент»", "ООО «Магистраль»"]


def _deals(stages: list[str], won: str, lost: str) -> list[dict[str, Any]]:
    names = [c[0] for c in CLIENTS[:6]] + PROSPECTS
    deals = []
    for i in range(40):
        stage = stages[i % len(stages)]
        deals.append(
            {
                "id": str(1000 + i),
                "title": f"Перевозка Москва — Казань #{i + 1}",
                "stage": stage,
                "amount": 50_000 + (i * 12_345) % 400_000,
                "company": "" if i % 9 == 4 else names[i % len(names)],
                "contact": f"Контакт {i}",
                "manager": MANAGERS[i % 3],
                "created": dt.datetime(2024, 1 + i % 11, 1 + (i * 3) % 27, 9 + i % 8, (i * 7) % 60),
                "source": ["Сайт", "Звонок", "Выставка", "Рекомендация"][i % 4],
                "loss": "Дорого" if stage == lost else "",
                "outcome": "won" if stage == won else ("lost" if stage == lost else "pending"),
            }
        )
    return deals


def bitrix24() -> Export:
    """Bitrix24 deals CSV (CP1251, ';', dd.mm.yyyy hh:mm:ss) beside an orders export."""
    deals = _deals(BITRIX_STAGES, "Сделка успешна", "Сделка провалена")
    header = [
        "ID", "Название сделки", "Стадия сделки", "Сумма", "Валюта", "Компания", "Контакт",
        "Ответственный", "Дата создания", "Источник", "Причина провала",
    ]  # fmt: skip
    lines = [header]
    kept = []
    for i, d in enumerate(deals):
        lines.append(
            [
                d["id"], d["title"], d["stage"], f"{d['amount']:.2f}", "RUB", d["company"],
                d["contact"], d["manager"], d["created"].strftime("%d.%m.%Y %H:%M:%S"),
                d["source"], d["loss"],
            ]
        )  # fmt: skip
        kept.append(
            (
                i,
                {
                    "request_id": d["id"],
                    "client_id": d["company"] or d["contact"],
                    "stage": d["stage"],
                    "outcome": d["outcome"],
                    "request_type": "commercial",
                    "quoted_value": float(d["amount"]),
                    "manager_id": d["manager"],
                    "received_at": d["created"],
                    "source": d["source"],
                    "loss_reason": d["loss"] or None,
                },
            )
        )
    orders, order_rows = _plain_orders([c[0] for c in CLIENTS[:6]], 60)
    return Export(
        "bitrix24",
        "Bitrix24: deals list exported to CSV, and an orders export from Excel",
        {"deals.csv": _csv(lines, ";").encode("cp1251"), "orders.csv": orders},
        options={"preset": "bitrix24-deals"},
        kept={"requests": kept, "transactions": order_rows},
        rows_in={"requests": len(deals), "transactions": len(order_rows)},
    )


def amocrm() -> Export:
    """amoCRM leads workbook (.xlsx, text dates dd.mm.yyyy hh:mm:ss) beside an orders export."""
    from openpyxl import Workbook

    deals = _deals(AMO_STAGES, "Успешно реализовано", "Закрыто и не реализовано")
    book = Workbook()
    sheet = book.active
    sheet.title = "Сделки"
    sheet.append(
        [
            "ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Этап сделки",
            "Воронка", "Компания", "Основной контакт", "Причина отказа", "Теги",
        ]
    )  # fmt: skip
    kept = []
    for i, d in enumerate(deals):
        sheet.append(
            [
                int(d["id"]), d["title"], d["amount"], d["manager"],
                d["created"].strftime("%d.%m.%Y %H:%M:%S"), d["stage"], "Основная воронка",
                d["company"] or None, d["contact"], d["loss"] or None, "логистика",
            ]
        )  # fmt: skip
        kept.append(
            (
                i,
                {
                    "request_id": d["id"],
                    "client_id": d["company"] or d["contact"],
                    "stage": d["stage"],
                    "outcome": d["outcome"],
                    "quoted_value": float(d["amount"]),
                    "manager_id": d["manager"],
                    "received_at": d["created"],
                    "loss_reason": d["loss"] or None,
                },
            )
        )
    book.properties.created = dt.datetime(2024, 12, 1)
    book.properties.modified = dt.datetime(2024, 12, 1)
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    orders, order_rows = _plain_orders([c[0] for c in CLIENTS[:6]], 60)
    return Export(
        "amocrm",
        "amoCRM: leads exported to Excel, and an orders export",
        {"leads.xlsx": buffer.getvalue(), "orders.csv": orders},
        options={"preset": "amocrm-leads"},
        kept={"requests": kept, "transactions": order_rows},
        rows_in={"requests": len(deals), "transactions": len(order_rows)},
    )


def unicode_text() -> Export:
    """Excel's "Unicode text" (UTF-16 with BOM, tab-separated); revenue with VAT 20 %."""
    names = [c[0] for c in CLIENTS]
    orders = _orders(80, names, dt.date(2023, 3, 1))
    lines = [["Покупатель", "Дата документа", "Номер документа", "Сумма с НДС", "Себестоимость"]]
    kept = []
    for i, o in enumerate(orders):
        whole = f"{o['revenue']:,.2f}".replace(",", NNBSP).replace(".", ",")
        lines.append(
            [o["client"], o["date"].strftime("%d.%m.%Y"), f"РН-{i + 1}", whole,
             f"{o['cost']:.2f}".replace(".", ",")]
        )  # fmt: skip
        kept.append(
            (
                i,
                {
                    "transaction_id": f"РН-{i + 1}",
                    "client_id": o["client"],
                    "date": dt.datetime.combine(o["date"], dt.time()),
                    "revenue": o["revenue"] / 1.2,
                    "variable_cost": o["cost"],
                },
            )
        )
    text = "\r\n".join("\t".join(r) for r in lines) + "\r\n"
    return Export(
        "unicode_text",
        "Excel 'Unicode text' export: UTF-16, tabs, narrow no-break-space thousands, "
        "revenue including VAT at 20 %",
        {"orders.txt": text.encode("utf-16")},
        options={"vat_included": True, "vat_rate": 0.2},
        kept={"transactions": kept},
        rows_in={"transactions": len(orders)},
    )


def online_retail() -> Export:
    """UCI Online Retail as a CSV (m/d/yyyy h:mm dates, lines of invoices, cancellations)."""
    header = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
              "CustomerID", "Country"]  # fmt: skip
    lines = [header]
    kept = []
    rejected: dict[int, str] = {}
    row = 0
    customers = ["17850", "13047", "12583", "13748", "15100", "15291", "14688"]
    for invoice in range(30):
        number = f"{536365 + invoice}"
        when = dt.datetime(2010, 12, 1) + dt.timedelta(days=invoice * 9, hours=8, minutes=invoice)
        customer = customers[invoice % len(customers)] if invoice % 11 != 5 else ""
        for line in range(1 + invoice % 3):
            quantity = 6 * (1 + line) if invoice % 13 != 7 else -(1 + line)
            price = round(1.25 + 0.85 * ((invoice + line) % 6), 2)
            inv = ("C" + number) if quantity < 0 else number
            lines.append(
                [inv, f"85{123 + line}A", "WHITE HANGING HEART T-LIGHT HOLDER", str(quantity),
                 f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}",
                 f"{price}", customer, "United Kingdom"]
            )  # fmt: skip
            if not customer:
                rejected[row] = "missing id"
            else:
                kept.append(
                    (
                        row,
                        {
                            "transaction_id": f"{inv}/{line + 1}",
                            "client_id": customer,
                            "date": when,
                            "revenue": quantity * price,
                        },
                    )
                )
            row += 1
    return Export(
        "online_retail",
        "UCI Online Retail layout: invoice lines, month-first dates, rows without a customer",
        {"online_retail.csv": _csv(lines, ",").encode("utf-8")},
        options={"preset": "online-retail"},
        kept={"transactions": kept},
        rejected={"transactions": rejected},
        rows_in={"transactions": row},
    )


def orders_only() -> Export:
    """Only an orders export: client, date, amount (UTF-8 BOM, ';', NBSP thousands)."""
    names = [c[0] for c in CLIENTS]
    orders = _orders(150, names, dt.date(2023, 1, 16), step=4)
    lines = [["Контрагент", "Дата", "Сумма"]]
    kept = []
    for i, o in enumerate(orders):
        lines.append([o["client"], o["date"].strftime("%d.%m.%Y"), _money_1c(o["revenue"])])
        kept.append(
            (
                i,
                {
                    "transaction_id": str(i + 1),
                    "client_id": o["client"],
                    "date": dt.datetime.combine(o["date"], dt.time()),
                    "revenue": o["revenue"],
                    "variable_cost": None,
                },
            )
        )
    return Export(
        "orders_only",
        "only an orders export (client, date, amount), no variable cost, no other table",
        {"Продажи 2023-2024.csv": ("\ufeff" + _csv(lines, ";")).encode("utf-8")},
        kept={"transactions": kept},
        rows_in={"transactions": len(orders)},
    )


# ------------------------------------------------------------------- bad input


def _bad(
    name: str, description: str, files: dict[str, str], error: list[str], **options: Any
) -> Export:
    data = {k: v.encode("utf-8") for k, v in files.items()}
    return Export(name, description, data, options=options, error=error)


ORDERS = "Клиент;Дата;Сумма\r\nООО А;15.01.2024;100,50\r\nООО Б;20.02.2024;200\r\n"


def bad_exports() -> list[Export]:
    """Folders that must be refused with a clear message."""
    return [
        _bad(
            "bad_no_table",
            "a file whose headers fit no table",
            {"orders.csv": ORDERS, "weather.csv": "Город;Температура\r\nКазань;-5\r\n"},
            ["weather.csv", "matches no table"],
        ),
        _bad(
            "bad_mapping_absent_column",
            "a mapping naming a header the file does not have",
            {"orders.csv": ORDERS},
            ["orders.csv", "Покупатель", "does not have"],
            mapping={"transactions": {"Покупатель": "client_id"}},
        ),
        _bad(
            "bad_two_columns_one_field",
            "two headers (Сумма, Сумма с НДС) that both mean revenue",
            {"orders.csv": "Клиент;Дата;Сумма;Сумма с НДС\r\nООО А;15.01.2024;100;120\r\n"},
            ["orders.csv", "revenue", "Сумма с НДС"],
        ),
        _bad(
            "bad_ambiguous_dates",
            "every date has day and month 12 or less",
            {"orders.csv": "Клиент;Дата;Сумма\r\nООО А;05.01.2024;100\r\nООО Б;03.02.2024;200\r\n"},
            ["orders.csv", "date", "day/month order", "05.01.2024"],
        ),
        _bad(
            "bad_mixed_decimals",
            "a money column mixing 1 234,50 and 1,234.50 equally",
            {
                "orders.csv": "Клиент;Дата;Сумма\r\nООО А;15.01.2024;1 234,50\r\n"
                "ООО Б;20.02.2024;1,234.50\r\n"
            },
            ["orders.csv", "Сумма", "mixes number formats"],
        ),
        _bad(
            "bad_ambiguous_table",
            "a file whose headers fit two tables equally (clients and managers)",
            {"orders.csv": ORDERS, "people.csv": "Контрагент;Сотрудник\r\nООО А;Иванова Е.\r\n"},
            ["people.csv", "equally"],
        ),
    ]


BUILDERS: list[Callable[[], Export]] = [
    one_c,
    bitrix24,
    amocrm,
    unicode_text,
    online_retail,
    orders_only,
]


def build(root: Path = EXPORTS) -> list[Export]:
    """Write every export folder under ``root`` and return them with their truth.

    The options each folder is read with go to ``root/options.json``, outside the
    folders (a data folder holds only the exports).
    """
    exports = [b() for b in BUILDERS] + bad_exports()
    for export in exports:
        folder = root / export.name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in export.files:
                old.unlink()
        for name, data in export.files.items():
            (folder / name).write_bytes(data)
    options = {e.name: e.options for e in exports}
    (root / "options.json").write_text(
        json.dumps(options, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return exports


if __name__ == "__main__":
    for export in build():
        print(f"{export.name}: {', '.join(export.files)}")
