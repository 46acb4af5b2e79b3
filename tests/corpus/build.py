"""Write the bad-input corpus: one folder per case, the manifest and the README table.

Every case is a folder of files the way CRM / ERP exports arrive (CSV in UTF-8,
CP1251, UTF-16 or UTF-8 with a BOM, ``,`` or ``;`` separated, Parquet where a case
needs typed columns). ``cases.toml`` states, for every case, what it probes, the
expected outcome (``rejected``, ``error`` or ``handled``), the options to pass, the
expected rejections with their reason text, the expected error fragments and how the
source dates are meant to be read. ``tests/test_corpus.py`` runs the cases.

The folders are committed; this script keeps them reproducible. Run it from the
repository root after changing a case::

    python tests/corpus/build.py

``tests/test_corpus.py`` checks that the script reproduces the committed folders
(text files byte for byte, Parquet files value for value and type for type).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

TX = ("transaction_id", "client_id", "date", "revenue", "variable_cost")
CLIENTS = ("client_id", "name", "region")

#: Six valid orders of three clients (ISO dates), the base most cases alter.
BASE_TX: tuple[tuple[str, ...], ...] = (
    ("T1", "C1", "2024-01-05", "1000", "600"),
    ("T2", "C1", "2024-02-10", "1500", "900"),
    ("T3", "C2", "2024-01-20", "800", "500"),
    ("T4", "C2", "2024-03-15", "1200", "700"),
    ("T5", "C3", "2024-02-25", "900", "400"),
    ("T6", "C3", "2024-03-30", "1100", "650"),
)
BASE_CLIENTS: tuple[tuple[str, ...], ...] = (
    ("C1", "ООО Альфа", "Москва"),
    ("C2", "ООО Бета", "Казань"),
    ("C3", "ИП Гамма", "Самара"),
)


# ---------------------------------------------------------------- file helpers
@dataclass(frozen=True)
class File:
    """One file of a case: its bytes and how a reader should decode it."""

    data: bytes
    format: str  # "csv", "parquet" or "other"
    encoding: str = "utf-8"
    sep: str = ","


def csv_file(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    eol: str = "\n",
) -> File:
    """A CSV file written field by field (cells are written as given, unquoted)."""
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    text = eol.join(lines) + eol
    return File(text.encode(encoding), "csv", encoding=encoding, sep=sep)


def raw_csv(text: str, *, encoding: str = "utf-8", sep: str = ",") -> File:
    """A CSV file whose text (quotes included) is given verbatim."""
    return File(text.encode(encoding), "csv", encoding=encoding, sep=sep)


def parquet_file(columns: dict[str, pa.Array]) -> File:
    """A Parquet file holding the given typed columns."""
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer, compression="none")
    return File(buffer.getvalue(), "parquet")


def other_file(data: bytes) -> File:
    """A file that is no table (a stray spreadsheet, an empty file)."""
    return File(data, "other")


def tx(rows: Sequence[Sequence[str]] = BASE_TX, **kwargs: Any) -> File:
    """A transactions CSV with the five required columns."""
    return csv_file(TX, rows, **kwargs)


def clients(rows: Sequence[Sequence[str]] = BASE_CLIENTS, **kwargs: Any) -> File:
    """A clients CSV with id, name and region."""
    return csv_file(CLIENTS, rows, **kwargs)


def with_column(rows: Sequence[Sequence[str]], position: int, values: Sequence[str]) -> list[tuple]:
    """Rows with the cells at ``position`` replaced by ``values``."""
    out = []
    for row, value in zip(rows, values, strict=True):
        cells = list(row)
        cells[position] = value
        out.append(tuple(cells))
    return out


def dated(dates: Sequence[str]) -> list[tuple]:
    """The base transactions with the given order dates."""
    return with_column(BASE_TX, 2, dates)


def spread_rows(n_clients: int, n_orders: int, extra: int = 0) -> list[tuple[str, ...]]:
    """Deterministic orders spread over 2023-2024 (no randomness)."""
    rows = []
    for i in range(n_orders):
        month = 1 + (i * 5) % 12
        year = 2023 + (i // 12) % 2
        day = 1 + (i * 7) % 28
        rows.append(
            (
                f"T{i + 1}",
                f"C{1 + i % n_clients}",
                f"{year}-{month:02d}-{day:02d}",
                str(1000 + 37 * i + extra),
                str(600 + 11 * i),
            )
        )
    return rows


# ---------------------------------------------------------------- case helpers
def rej(table: str, row: int, column: str, reason: str | Sequence[str]) -> dict[str, Any]:
    """An expected rejection: row label, column and reason (any of the substrings)."""
    reasons = [reason] if isinstance(reason, str) else list(reason)
    return {"table": table, "row": row, "column": column, "reason": reasons}


def unknown_client(row: int) -> dict[str, Any]:
    """A transaction rejected because its client was not kept."""
    return rej("transactions", row, "client_id", "unknown client_id")


@dataclass
class Case:
    """One corpus case (see the module docstring and ``README.md``)."""

    name: str
    probes: str
    outcome: str
    files: dict[str, File]
    options: dict[str, Any] = field(default_factory=dict)
    cli: list[str] | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    error: list[list[str]] = field(default_factory=list)
    error_not: list[str] = field(default_factory=list)
    warns: list[list[str]] = field(default_factory=list)
    dates: dict[str, dict[str, Any]] = field(default_factory=dict)
    observation_end: str | None = None
    roundtrip: bool = False
    alternative: dict[str, Any] | None = None
    numbers: dict[str, dict[str, str]] = field(default_factory=dict)

    def manifest(self) -> dict[str, Any]:
        """The case as a manifest entry (files described, not their content)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "probes": self.probes,
            "outcome": self.outcome,
            "interface": "cli" if self.cli is not None else "folder",
        }
        entry["files"] = [
            {"name": name, "format": f.format, "encoding": f.encoding, "sep": f.sep}
            for name, f in sorted(self.files.items())
        ]
        optional: dict[str, Any] = {
            "options": self.options,
            "cli": self.cli,
            "reasons": self.reasons,
            "error": self.error,
            "error_not": self.error_not,
            "warns": self.warns,
            "dates": self.dates,
            "numbers": self.numbers,
            "observation_end": self.observation_end,
            "roundtrip": self.roundtrip or None,
            "alternative": self.alternative,
        }
        entry.update({k: v for k, v in optional.items() if v or (k == "cli" and v is not None)})
        return entry


def fragments(*groups: str | Sequence[str]) -> list[list[str]]:
    """Error fragments: each group must appear (any one string of a group)."""
    return [[g] if isinstance(g, str) else list(g) for g in groups]


def day_first(column: str = "transactions.date", fmt: str = "%d.%m.%Y") -> dict[str, Any]:
    """Date spec: the column is meant in the given strptime format."""
    return {column: {"formats": [fmt]}}


CASES: list[Case] = []


def case(name: str, probes: str, outcome: str, files: dict[str, File], **spec: Any) -> None:
    """Register a case."""
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    assert all(c.name != name for c in CASES), name
    CASES.append(Case(name, probes, outcome, files, **spec))


UNPARSEABLE = ["unparseable", "invalid", "impossible", "not a date", "does not match"]
ORDER = ["order", "day-first", "month-first", "dayfirst", "day first", "month first"]
FUTURE = ["future", "today", "beyond", "far after", "implausib"]
NUL = ["nul", "null byte", "\\x00", "\\0", "control character"]
TOO_LARGE = ["large", "int64", "out of range", "overflow", "exceeds", "above maximum"]
IMPLAUSIBLE = ["implausib", "large", "out of range", "overflow", "exceeds", "above maximum"]
NOT_A_NUMBER = "not a number"
DUPLICATE = "duplicate"
DATE_OPTION = ["date_format", "dayfirst"]


# ======================================================================= dates
case(
    "dates_ru_decisive_day",
    "dd.mm.yyyy dates where days above 12 settle day-first; 05.01.2024 is 5 January",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                ["05.01.2024", "10.02.2024", "20.01.2024", "15.03.2024", "25.02.2024", "30.03.2024"]
            )
        )
    },
    dates=day_first(),
)
case(
    "dates_ru_decisive_day_with_time",
    "dd.mm.yyyy hh:mm timestamps, one day above 12 settles day-first",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                [
                    "05.01.2024 09:30",
                    "10.02.2024 18:05",
                    "02.01.2024 00:00",
                    "11.03.2024 12:00",
                    "25.02.2024 08:15",
                    "03.03.2024 23:59",
                ]
            )
        )
    },
    dates=day_first(fmt="%d.%m.%Y %H:%M"),
)
AMBIGUOUS_RU = ["05.01.2024", "10.02.2024", "02.01.2024", "11.03.2024", "07.02.2024", "03.03.2024"]
case(
    "dates_ru_all_ambiguous_no_option",
    "every dd.mm date has day <= 12 and no format is given: refuse to guess",
    "error",
    {"transactions.csv": tx(dated(AMBIGUOUS_RU))},
    error=fragments("transactions", "date", "05.01.2024", DATE_OPTION),
)
case(
    "dates_ru_all_ambiguous_date_format",
    "all-ambiguous dd.mm dates read with date_format='%d.%m.%Y'",
    "handled",
    {"transactions.csv": tx(dated(AMBIGUOUS_RU))},
    options={"date_format": "%d.%m.%Y"},
    dates=day_first(),
)
case(
    "dates_ru_all_ambiguous_dayfirst",
    "all-ambiguous dd.mm dates read with dayfirst=True",
    "handled",
    {"transactions.csv": tx(dated(AMBIGUOUS_RU))},
    options={"dayfirst": True},
    dates=day_first(),
)
case(
    "dates_us_all_ambiguous_monthfirst",
    "all-ambiguous mm/dd/yyyy dates read with dayfirst=False",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                ["01/05/2024", "02/10/2024", "01/02/2024", "03/11/2024", "02/07/2024", "03/03/2024"]
            )
        )
    },
    options={"dayfirst": False},
    dates=day_first(fmt="%m/%d/%Y"),
)
case(
    "dates_us_decisive_month_first",
    "mm/dd/yyyy dates where a second field above 12 settles month-first",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                ["01/05/2024", "02/10/2024", "01/20/2024", "03/15/2024", "02/25/2024", "03/30/2024"]
            )
        )
    },
    dates=day_first(fmt="%m/%d/%Y"),
)
case(
    "dates_mixed_orders",
    "a column mixing day-first (25.01) and month-first (02.28) dates: the contradicting row "
    "and the ambiguous 05.01 (which order?) are rejected",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                ["25.01.2024", "05.01.2024", "20.02.2024", "02.28.2024", "15.03.2024", "30.03.2024"]
            )
        )
    },
    reasons=[rej("transactions", 1, "date", ORDER), rej("transactions", 3, "date", ORDER)],
    dates=day_first(),
)
case(
    "dates_iso",
    "ISO yyyy-mm-dd dates (all with day <= 12) need no option",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                ["2024-01-05", "2024-02-10", "2024-01-02", "2024-03-11", "2024-02-07", "2024-03-03"]
            )
        )
    },
    dates=day_first(fmt="%Y-%m-%d"),
)
case(
    "dates_iso_t_fraction",
    "ISO datetimes with T and fractional seconds",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                [
                    "2024-01-05T09:30:00.123456",
                    "2024-02-10T18:05:07.5",
                    "2024-01-02T00:00:00.000001",
                    "2024-03-11T12:00:00.250",
                    "2024-02-07T08:15:59.999",
                    "2024-03-03T23:59:59.1",
                ]
            )
        )
    },
    dates=day_first(fmt="%Y-%m-%dT%H:%M:%S.%f"),
)
case(
    "dates_impossible_ru",
    "31.02.2024 and 30.02.2024 in a day-first column are impossible dates",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                ["25.01.2024", "31.02.2024", "20.01.2024", "30.02.2024", "25.02.2024", "30.03.2024"]
            )
        )
    },
    reasons=[
        rej("transactions", 1, "date", UNPARSEABLE),
        rej("transactions", 3, "date", UNPARSEABLE),
    ],
    dates=day_first(),
)
case(
    "dates_impossible_iso",
    "2024-02-30 and 2023-02-29 (not a leap year) are impossible",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                ["2024-01-05", "2024-02-30", "2024-01-20", "2023-02-29", "2024-02-25", "2024-03-30"]
            )
        )
    },
    reasons=[
        rej("transactions", 1, "date", UNPARSEABLE),
        rej("transactions", 3, "date", UNPARSEABLE),
    ],
)
case(
    "dates_text_and_excel_serial",
    "free text ('вчера') and an Excel serial day number (45296) are not dates",
    "rejected",
    {
        "transactions.csv": tx(
            dated(["2024-01-05", "вчера", "2024-01-20", "45296", "2024-02-25", "2024-03-30"])
        )
    },
    reasons=[
        rej("transactions", 1, "date", UNPARSEABLE),
        rej("transactions", 3, "date", UNPARSEABLE),
    ],
)
case(
    "dates_format_mismatch",
    "date_format='%d.%m.%Y' given while one row is ISO: that row does not match",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                ["05.01.2024", "10.02.2024", "2024-01-20", "11.03.2024", "07.02.2024", "03.03.2024"]
            )
        )
    },
    options={"date_format": "%d.%m.%Y"},
    reasons=[rej("transactions", 2, "date", [*UNPARSEABLE, "format"])],
    dates=day_first(),
)

TZ_TIMES = [
    "2024-01-05 10:00:00",
    "2024-02-10 23:30:00",
    "2024-01-20 00:15:00",
    "2024-03-15 12:00:00",
    "2024-02-25 02:59:00",
    "2024-03-30 18:45:00",
]
for label, suffix, offset in [
    ("z", "Z", "+00:00"),
    ("plus03", "+03", "+03:00"),
    ("plus0300", "+0300", "+03:00"),
    ("plus03_colon", "+03:00", "+03:00"),
    ("utc", " UTC", "+00:00"),
    ("gmt", " GMT", "+00:00"),
]:
    case(
        f"tz_suffix_{label}",
        f"timestamps with the time-zone suffix {suffix.strip()!r} are converted to UTC",
        "handled",
        {"transactions.csv": tx(dated([t + suffix for t in TZ_TIMES]))},
        dates={
            "transactions.date": {"formats": ["%Y-%m-%d %H:%M:%S" + suffix], "utc_offset": offset}
        },
    )
case(
    "tz_suffix_msk",
    "timestamps suffixed ' MSK' (Moscow, UTC+3): read as UTC+3, or rejected with a reason",
    "handled",
    {"transactions.csv": tx(dated([t + " MSK" for t in TZ_TIMES]))},
    dates={"transactions.date": {"formats": ["%Y-%m-%d %H:%M:%S MSK"], "utc_offset": "+03:00"}},
    alternative={
        "outcome": "rejected",
        "reasons": [
            rej("transactions", i, "date", ["time zone", "timezone", "msk"]) for i in range(6)
        ],
    },
)
case(
    "tz_mixed_offsets",
    "aware timestamps with different offsets (+03:00, +05:00) are each converted to UTC",
    "handled",
    {
        "transactions.csv": tx(
            dated(
                [
                    TZ_TIMES[0] + "+03:00",
                    TZ_TIMES[1] + "+05:00",
                    TZ_TIMES[2] + "+03:00",
                    TZ_TIMES[3] + "+05:00",
                    TZ_TIMES[4] + "+00:00",
                    TZ_TIMES[5] + "-02:00",
                ]
            )
        )
    },
    dates={"transactions.date": {"formats": ["%Y-%m-%d %H:%M:%S%z"]}},
)
case(
    "tz_mixed_aware_naive",
    "one aware timestamp among naive ones is rejected, the naive majority kept",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                [
                    TZ_TIMES[0],
                    TZ_TIMES[1],
                    TZ_TIMES[2] + "+03:00",
                    TZ_TIMES[3],
                    TZ_TIMES[4],
                    TZ_TIMES[5],
                ]
            )
        )
    },
    reasons=[rej("transactions", 2, "date", "timestamp in a column of the other kind")],
    dates={"transactions.date": {"formats": ["%Y-%m-%d %H:%M:%S"]}},
)
case(
    "dates_typed_parquet",
    "a Parquet timestamp column is taken as it is",
    "handled",
    {
        "transactions.parquet": parquet_file(
            {
                "transaction_id": pa.array([r[0] for r in BASE_TX]),
                "client_id": pa.array([r[1] for r in BASE_TX]),
                "date": pa.array([f"{r[2]}T08:30:00" for r in BASE_TX]).cast(pa.timestamp("us")),
                "revenue": pa.array([float(r[3]) for r in BASE_TX]),
                "variable_cost": pa.array([float(r[4]) for r in BASE_TX]),
            }
        )
    },
)
case(
    "dates_typed_parquet_moscow",
    "a Parquet timestamp column in Europe/Moscow is converted to naive UTC",
    "handled",
    {
        "transactions.parquet": parquet_file(
            {
                "transaction_id": pa.array([r[0] for r in BASE_TX]),
                "client_id": pa.array([r[1] for r in BASE_TX]),
                "date": pa.array([f"{r[2]}T01:30:00" for r in BASE_TX])
                .cast(pa.timestamp("us"))
                .cast(pa.timestamp("us", tz="Europe/Moscow")),
                "revenue": pa.array([float(r[3]) for r in BASE_TX]),
                "variable_cost": pa.array([float(r[4]) for r in BASE_TX]),
            }
        )
    },
)

# ------------------------------------------------- future dates, observation end
case(
    "dates_future_typo_2099",
    "one order typed as 2099: rejected, never adopted as the observation end",
    "rejected",
    {"transactions.csv": tx((*BASE_TX, ("T7", "C1", "2099-02-14", "700", "300")))},
    reasons=[rej("transactions", 6, "date", FUTURE)],
    observation_end="2024-03-30",
)
case(
    "dates_several_far_future",
    "orders dated 2098 and 2099 among 2024 data are all rejected",
    "rejected",
    {
        "transactions.csv": tx(
            dated(
                ["2024-01-05", "2098-11-10", "2024-01-20", "2024-03-15", "2099-01-25", "2024-03-30"]
            )
        )
    },
    reasons=[rej("transactions", 1, "date", FUTURE), rej("transactions", 4, "date", FUTURE)],
    observation_end="2024-03-30",
)
case(
    "dates_recent_gap_kept",
    "a last order three weeks after the rest is a real order, not a typo",
    "handled",
    {"transactions.csv": tx((*BASE_TX, ("T7", "C1", "2024-04-20", "700", "300")))},
    observation_end="2024-04-20",
)
case(
    "events_after_observation_end",
    "observation_end='2024-02-29': the two later orders are rejected",
    "rejected",
    {"transactions.csv": tx()},
    options={"observation_end": "2024-02-29"},
    reasons=[
        rej("transactions", 3, "date", "after observation end 2024-02-29"),
        rej("transactions", 5, "date", "after observation end 2024-02-29"),
    ],
    observation_end="2024-02-29",
)
CONTRACTS = (
    "contract_id",
    "client_id",
    "status",
    "sent_date",
    "signed_date",
    "start_date",
    "expiry_date",
)
case(
    "contract_expiry_far_future_kept",
    "a contract expiring in 2090 is legitimate (expiry is not an event)",
    "handled",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            CONTRACTS,
            [
                ("K1", "C1", "active", "2023-12-01", "2023-12-10", "2024-01-01", "2090-12-31"),
                ("K2", "C2", "active", "2023-11-01", "2023-11-05", "2023-11-10", "2025-11-09"),
            ],
        ),
    },
    observation_end="2024-03-30",
)
case(
    "contract_expiry_before_start",
    "a contract whose expiry_date precedes its start_date",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            CONTRACTS,
            [
                ("K1", "C1", "active", "2023-12-01", "2023-12-10", "2024-01-01", "2024-12-31"),
                ("K2", "C2", "expired", "2023-01-01", "2023-01-05", "2023-01-10", "2023-01-09"),
            ],
        ),
    },
    reasons=[rej("contracts", 1, "start_date", "start_date on or after expiry_date")],
)

# ========================================================================== ids
case(
    "ids_leading_zeros",
    "ids 00042, 0007 and 42 stay distinct text with their leading zeros",
    "handled",
    {
        "clients.csv": clients(
            [
                ("00042", "ООО Альфа", "Москва"),
                ("0007", "ООО Бета", "Казань"),
                ("42", "ИП Гамма", "Самара"),
            ]
        ),
        "transactions.csv": tx(
            with_column(BASE_TX, 1, ["00042", "0007", "42", "00042", "0007", "42"])
        ),
    },
)
case(
    "ids_leading_zeros_no_match",
    "transaction client 42 does not match client 00042: unknown, never guessed",
    "rejected",
    {
        "clients.csv": clients(
            [
                ("00042", "ООО Альфа", "Москва"),
                ("C2", "ООО Бета", "Казань"),
                ("C3", "ИП Гамма", "Самара"),
            ]
        ),
        "transactions.csv": tx(with_column(BASE_TX, 1, ["00042", "42", "C2", "C2", "C3", "C3"])),
    },
    reasons=[unknown_client(1)],
)
case(
    "ids_whitespace_stripped",
    "ids padded with spaces and tabs are stripped and still match",
    "handled",
    {
        "clients.csv": clients(
            [
                (" C1", "ООО Альфа", "Москва"),
                ("C2 ", "ООО Бета", "Казань"),
                ("\tC3", "ИП Гамма", "Самара"),
            ]
        ),
        "transactions.csv": tx(with_column(BASE_TX, 1, ["C1 ", " C1", "C2", "\tC2", "C3\t", "C3"])),
    },
)
case(
    "ids_missing_blank_whitespace",
    "empty and whitespace-only ids are missing ids",
    "rejected",
    {
        "transactions.csv": tx(
            [
                BASE_TX[0],
                ("", "C1", "2024-02-10", "1500", "900"),
                ("   ", "C2", "2024-01-20", "800", "500"),
                ("T4", "", "2024-03-15", "1200", "700"),
                ("T5", " ", "2024-02-25", "900", "400"),
                BASE_TX[5],
            ]
        )
    },
    reasons=[
        rej("transactions", 1, "transaction_id", "missing id"),
        rej("transactions", 2, "transaction_id", "missing id"),
        rej("transactions", 3, "client_id", "missing id"),
        rej("transactions", 4, "client_id", "missing id"),
    ],
)
BIG = 2**63


def _typed_tx(tid: pa.Array, cid: pa.Array) -> File:
    n = len(tid)
    return parquet_file(
        {
            "transaction_id": tid,
            "client_id": cid,
            "date": pa.array([r[2] for r in BASE_TX[:n]]),
            "revenue": pa.array([float(r[3]) for r in BASE_TX[:n]]),
            "variable_cost": pa.array([float(r[4]) for r in BASE_TX[:n]]),
        }
    )


case(
    "ids_uint64_parquet",
    "uint64 ids at and above 2^63 stay distinct and exact as text",
    "handled",
    {
        "transactions.parquet": _typed_tx(
            pa.array([BIG, BIG + 1, BIG + 2, 2**64 - 1, 2**64 - 2, 17], pa.uint64()),
            pa.array([BIG, BIG, BIG + 1, BIG + 1, 2**64 - 1, 2**64 - 1], pa.uint64()),
        )
    },
)
case(
    "ids_int64_extremes_parquet",
    "int64 ids at 2^63-1 and -2^63 stay exact as text",
    "handled",
    {
        "transactions.parquet": _typed_tx(
            pa.array([BIG - 1, BIG - 2, -BIG, -BIG + 1, 0, 1], pa.int64()),
            pa.array([BIG - 1, BIG - 1, BIG - 2, BIG - 2, -BIG, -BIG], pa.int64()),
        )
    },
)
case(
    "ids_float_parquet_large",
    "whole-number float ids beyond 2^63 become the exact integer text of the float",
    "handled",
    {
        "transactions.parquet": _typed_tx(
            pa.array([float(BIG), float(2**64), 1e19, 17.0, 18.0, 1e20]),
            pa.array([float(BIG), float(BIG), 1e19, 1e19, 17.0, 17.0]),
        )
    },
)
case(
    "ids_float_parquet_gaps",
    "float ids (an integer column with gaps): 17.0 is '17', NaN is a missing id",
    "rejected",
    {
        "transactions.parquet": _typed_tx(
            pa.array([17.0, 18.0, None, 20.0, float("nan"), 22.0]),
            pa.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0]),
        )
    },
    reasons=[
        rej("transactions", 2, "transaction_id", "missing id"),
        rej("transactions", 4, "transaction_id", "missing id"),
    ],
)
case(
    "ids_long_and_scientific_text",
    "25-digit and scientific-looking ids in a CSV are kept as written",
    "handled",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX,
                0,
                [
                    "1234567890123456789012345",
                    "1234567890123456789012346",
                    "1.5E+18",
                    "1.5E+19",
                    "9223372036854775808",
                    "18446744073709551616",
                ],
            )
        )
    },
)
case(
    "ids_duplicate_exact_copy",
    "an exact copy of an order: the later copy is rejected, the first kept",
    "rejected",
    {"transactions.csv": tx((*BASE_TX, BASE_TX[2]))},
    reasons=[rej("transactions", 6, "transaction_id", "exact copy")],
)
case(
    "ids_duplicate_conflicting",
    "two orders share T3 with different revenue: both rejected",
    "rejected",
    {"transactions.csv": tx((*BASE_TX, ("T3", "C2", "2024-01-20", "880", "500")))},
    reasons=[
        rej("transactions", 2, "transaction_id", "different content"),
        rej("transactions", 6, "transaction_id", "different content"),
    ],
)
case(
    "clients_duplicate_conflicting",
    "client C2 appears twice with different names: both rows and C2's orders rejected",
    "rejected",
    {
        "clients.csv": clients((*BASE_CLIENTS, ("C2", "ООО Бета-2", "Казань"))),
        "transactions.csv": tx(),
    },
    reasons=[
        rej("clients", 1, "client_id", "different content"),
        rej("clients", 3, "client_id", "different content"),
        unknown_client(2),
        unknown_client(3),
    ],
)

# ===================================================================== NUL bytes
case(
    "nul_in_csv_text",
    "a NUL byte inside a service cell of a CSV",
    "rejected",
    {
        "transactions.csv": csv_file(
            (*TX, "service"),
            [
                (*r, s)
                for r, s in zip(
                    BASE_TX, ["FTL", "FTL\x00LTL", "LTL", "FTL", "склад", "LTL"], strict=True
                )
            ],
        )
    },
    reasons=[rej("transactions", 1, "service", NUL)],
)
case(
    "nul_in_csv_id",
    "a NUL byte inside a transaction id of a CSV",
    "rejected",
    {"transactions.csv": tx(with_column(BASE_TX, 0, ["T1", "T2", "T\x003", "T4", "T5", "T6"]))},
    reasons=[rej("transactions", 2, "transaction_id", NUL)],
)
case(
    "nul_in_parquet_text",
    "a NUL byte inside a Parquet client name",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.parquet": parquet_file(
            {
                "client_id": pa.array(["C1", "C2", "C3"]),
                "name": pa.array(["ООО Альфа", "ООО Бе\x00та", "ИП Гамма"]),
            }
        ),
    },
    reasons=[rej("clients", 1, "name", NUL), unknown_client(2), unknown_client(3)],
)

# ======================================================================= numbers
MANAGERS = ("manager_id", "name", "capacity")
case(
    "int_beyond_int64",
    "a manager capacity of 99999999999999999999 (beyond int64)",
    "rejected",
    {
        "transactions.csv": tx(),
        "managers.csv": csv_file(
            MANAGERS,
            [
                ("M1", "Иванов", "10"),
                ("M2", "Петров", "99999999999999999999"),
                ("M3", "Сидоров", "-99999999999999999999"),
                ("M4", "Орлов", "3.0"),
            ],
        ),
    },
    reasons=[
        rej("managers", 1, "capacity", TOO_LARGE),
        rej("managers", 2, "capacity", [*TOO_LARGE, "below minimum"]),
    ],
)
case(
    "money_nan_inf_text",
    "revenue 'NaN', 'inf', '-inf', 'abc' and blank",
    "rejected",
    {"transactions.csv": tx(with_column(BASE_TX, 3, ["1000", "NaN", "inf", "-inf", "abc", ""]))},
    reasons=[
        rej("transactions", 1, "revenue", [NOT_A_NUMBER, "missing"]),
        rej("transactions", 2, "revenue", "infinite"),
        rej("transactions", 3, "revenue", "infinite"),
        rej("transactions", 4, "revenue", NOT_A_NUMBER),
        rej("transactions", 5, "revenue", "missing value"),
    ],
)
case(
    "money_parquet_nan_inf",
    "typed float revenue holding NaN, null and inf",
    "rejected",
    {
        "transactions.parquet": parquet_file(
            {
                "transaction_id": pa.array([r[0] for r in BASE_TX]),
                "client_id": pa.array([r[1] for r in BASE_TX]),
                "date": pa.array([r[2] for r in BASE_TX]),
                "revenue": pa.array([1000.0, float("nan"), None, float("inf"), 900.0, 1100.0]),
                "variable_cost": pa.array([600.0, 900.0, 500.0, 700.0, float("-inf"), 650.0]),
            }
        )
    },
    reasons=[
        rej("transactions", 1, "revenue", "missing value"),
        rej("transactions", 2, "revenue", "missing value"),
        rej("transactions", 3, "revenue", "infinite"),
        rej("transactions", 4, "variable_cost", "infinite"),
    ],
)
case(
    "money_implausibly_large",
    "revenue of 1e308 twice for one client (their sum overflows to inf)",
    "rejected",
    {
        "transactions.csv": tx(
            with_column(BASE_TX, 3, ["1000", "1500", "1e308", "1e308", "900", "1100"])
        )
    },
    reasons=[
        rej("transactions", 2, "revenue", IMPLAUSIBLE),
        rej("transactions", 3, "revenue", IMPLAUSIBLE),
    ],
)
case(
    "money_decimal_comma",
    "revenue with a decimal comma (1000,50; 0,5) is detected and read as 1000.5 and 0.5",
    "handled",
    {
        "transactions.csv": tx(
            with_column(BASE_TX, 3, ["1000", '"1000,50"', "800", '"0,5"', "900", "1100"])
        )
    },
    numbers={"transactions.revenue": {"decimal": ","}},
)
case(
    "money_thousands_separators",
    "a revenue column mixing conventions equally (1 000.50 and 1 100,00 styles, 1,234.50, "
    "1'200): a clear error naming the file, column and examples",
    "error",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX, 3, ["1 000", "1\u00a0500.50", '"1,234.50"', "1'200", "900", '"1 100,00"']
            )
        )
    },
    error=fragments("transactions.csv", "revenue", "mixes number formats"),
)
case(
    "money_thousands_space_decimal_comma",
    "revenue as 1C and Excel write it: space, no-break and narrow no-break space thousands, "
    "decimal comma",
    "handled",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX,
                3,
                ["1 000", '"1\u00a0500,50"', '"1\u202f234,50"', "800", "900", '"1 100,00"'],
            ),
            sep=",",
        )
    },
    numbers={"transactions.revenue": {"decimal": ",", "thousands": " "}},
)
case(
    "money_thousands_apostrophe",
    "revenue with apostrophe thousands (1'200) and a decimal point",
    "handled",
    {
        "transactions.csv": tx(
            with_column(BASE_TX, 3, ["1'000", "1'500.50", "800", "1'200", "900", "1'100"])
        )
    },
    numbers={"transactions.revenue": {"decimal": ".", "thousands": "'"}},
)
case(
    "money_mixed_decimal_minority",
    "one revenue written 1234.50 among decimal-comma values: that row is rejected with the "
    "column's format as the reason, the others read",
    "rejected",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX, 3, ['"1 000,00"', '"1 500,50"', "1234.50", '"800,25"', '"900,00"', "1100"]
            )
        )
    },
    numbers={"transactions.revenue": {"decimal": ",", "thousands": " "}},
    reasons=[rej("transactions", 2, "revenue", "not a number written with decimal ','")],
)
case(
    "money_ambiguous_comma",
    "every revenue is like 1,234 (1.234 or 1234?): a clear error, never a guess",
    "error",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX, 3, ['"1,234"', '"2,500"', '"3,125"', '"1,000"', '"4,750"', '"2,250"']
            )
        )
    },
    error=fragments("transactions.csv", "revenue", "two different numbers", "decimal="),
)
case(
    "money_ambiguous_comma_option",
    "the 1,234 revenues with decimal=',' are read as 1.234",
    "handled",
    {
        "transactions.csv": tx(
            with_column(
                BASE_TX, 3, ['"1,234"', '"2,500"', '"3,125"', '"1,000"', '"4,750"', '"2,250"']
            )
        )
    },
    options={"decimal": ","},
    numbers={"transactions.revenue": {"decimal": ","}},
)
case(
    "money_currency_symbols",
    "revenue written with a currency (руб., ₽, $)",
    "rejected",
    {
        "transactions.csv": tx(
            with_column(BASE_TX, 3, ["1000 руб.", "₽1500", "$800", "1200", "900", "1100"])
        )
    },
    reasons=[rej("transactions", i, "revenue", NOT_A_NUMBER) for i in (0, 1, 2)],
)
case(
    "money_plain_variants",
    "revenue written 1.5e3, +1200, ' 900 ' and 1100.00 is read as those numbers",
    "handled",
    {
        "transactions.csv": tx(
            with_column(BASE_TX, 3, ["1000", "1.5e3", "800", "+1200", " 900 ", "1100.00"])
        )
    },
)
case(
    "credit_note_netting",
    "a credit note smaller than the client's revenue is kept and netted",
    "handled",
    {"transactions.csv": tx((*BASE_TX, ("T7", "C1", "2024-03-01", "-300", "0")))},
)
case(
    "credit_note_exceeds_revenue",
    "credit notes larger than the client's revenue are rejected",
    "rejected",
    {"transactions.csv": tx((*BASE_TX, ("T7", "C2", "2024-03-20", "-2500", "0")))},
    reasons=[rej("transactions", 6, "revenue", "credit notes exceed")],
)
case(
    "credit_notes_reject_policy",
    "credit_notes='reject' rejects every negative-revenue row",
    "rejected",
    {"transactions.csv": tx((*BASE_TX, ("T7", "C1", "2024-03-01", "-300", "0")))},
    options={"credit_notes": "reject"},
    reasons=[rej("transactions", 6, "revenue", "credit note")],
)

# ================================================================ tables, refs
case(
    "dup_csv_header",
    "a CSV with the column revenue twice must not be renamed revenue.1 silently",
    "error",
    {"transactions.csv": csv_file((*TX, "revenue"), [(*r, "0") for r in BASE_TX])},
    error=fragments("transactions.csv", "revenue", [DUPLICATE, "more than once"]),
)
SURVEYS = ("response_id", "client_id", "surveyed_at", "nps_score")
DIMS = ("response_id", "dimension", "expected_score", "perceived_score")
SURVEY_ROWS = [("R1", "C1", "2024-02-01", "9"), ("R2", "C2", "2024-02-02", "6")]
case(
    "survey_dimension_key_exact_copy",
    "a (response_id, dimension) row repeated exactly: the later copy is rejected",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "surveys.csv": csv_file(SURVEYS, SURVEY_ROWS),
        "survey_dimensions.csv": csv_file(
            DIMS,
            [
                ("R1", "punctuality", "9", "8"),
                ("R1", "communication", "8", "8"),
                ("R1", "punctuality", "9", "8"),
                ("R2", "punctuality", "7", "5"),
            ],
        ),
    },
    reasons=[rej("survey_dimensions", 2, "response_id", DUPLICATE)],
)
case(
    "survey_dimension_key_conflicting",
    "two (R1, punctuality) rows with different scores: both rejected",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "surveys.csv": csv_file(SURVEYS, SURVEY_ROWS),
        "survey_dimensions.csv": csv_file(
            DIMS,
            [
                ("R1", "punctuality", "9", "8"),
                ("R1", "communication", "8", "8"),
                ("R1", "punctuality", "9", "3"),
                ("R2", "punctuality", "7", "5"),
            ],
        ),
    },
    reasons=[
        rej("survey_dimensions", 0, "response_id", DUPLICATE),
        rej("survey_dimensions", 2, "response_id", DUPLICATE),
    ],
)
case(
    "survey_scores_out_of_range",
    "NPS of 11, -1 and 7.5 on a 0-10 whole-number scale",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "surveys.csv": csv_file(
            SURVEYS,
            [
                ("R1", "C1", "2024-02-01", "11"),
                ("R2", "C2", "2024-02-02", "-1"),
                ("R3", "C3", "2024-02-03", "7.5"),
                ("R4", "C3", "2024-02-04", "10"),
            ],
        ),
    },
    reasons=[
        rej("surveys", 0, "nps_score", "above maximum 10"),
        rej("surveys", 1, "nps_score", "below minimum 0"),
        rej("surveys", 2, "nps_score", "not a whole number"),
    ],
)
case(
    "unknown_client_reference",
    "an order for client C9, absent from clients.csv",
    "rejected",
    {
        "transactions.csv": tx(with_column(BASE_TX, 1, ["C1", "C1", "C2", "C9", "C3", "C3"])),
        "clients.csv": clients(),
    },
    reasons=[unknown_client(3)],
)
REF = ("client_id", "name", "legal_status", "referred_by")
case(
    "referred_by_rejected_client",
    "C3 was referred by C2, whose row is rejected: C3 is rejected too (kept rows only)",
    "rejected",
    {
        "clients.csv": csv_file(
            REF,
            [
                ("C1", "ООО Альфа", "commercial", ""),
                ("C2", "ООО Бета", "неизвестно", ""),
                ("C3", "ИП Гамма", "individual", "C2"),
            ],
        ),
        "transactions.csv": tx(),
    },
    reasons=[
        rej("clients", 1, "legal_status", "not one of"),
        rej("clients", 2, "referred_by", "unknown referred_by"),
        unknown_client(2),
        unknown_client(3),
        unknown_client(4),
        unknown_client(5),
    ],
)
case(
    "referred_by_unknown",
    "C3 was referred by C9, who is not a client",
    "rejected",
    {
        "clients.csv": csv_file(
            REF,
            [
                ("C1", "ООО Альфа", "commercial", ""),
                ("C2", "ООО Бета", "commercial", "C1"),
                ("C3", "ИП Гамма", "individual", "C9"),
            ],
        ),
        "transactions.csv": tx(),
    },
    reasons=[
        rej("clients", 2, "referred_by", "unknown referred_by"),
        unknown_client(4),
        unknown_client(5),
    ],
)
RENEW = ("contract_id", "client_id", "status", "renewal_of")
case(
    "renewal_of_rejected_contract",
    "K3 renews K2, whose row is rejected: K3 is rejected too",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            RENEW,
            [("K1", "C1", "draft", ""), ("K2", "C2", "подписан", ""), ("K3", "C2", "draft", "K2")],
        ),
    },
    reasons=[
        rej("contracts", 1, "status", "not one of"),
        rej("contracts", 2, "renewal_of", "unknown renewal_of"),
    ],
)
case(
    "unsupplied_tables_not_checked",
    "transactions-only folder with manager_id and contract_id: kept unchecked, with a warning",
    "handled",
    {
        "transactions.csv": csv_file(
            (*TX, "manager_id", "contract_id"),
            [
                (*r, m, k)
                for r, m, k in zip(
                    BASE_TX,
                    ["M1", "M1", "M2", "M2", "", "M1"],
                    ["K1", "K1", "K2", "", "K3", "K1"],
                    strict=True,
                )
            ],
        )
    },
    warns=fragments("manager_id", "contract_id"),
)
case(
    "unsupplied_managers_for_clients",
    "clients.csv with manager_id but no managers.csv: kept unchecked, with a warning",
    "handled",
    {
        "transactions.csv": tx(),
        "clients.csv": csv_file(
            ("client_id", "name", "manager_id"),
            [("C1", "ООО Альфа", "M1"), ("C2", "ООО Бета", "M2"), ("C3", "ИП Гамма", "")],
        ),
    },
    warns=fragments("manager_id"),
)
case(
    "supplied_managers_unknown_reference",
    "managers.csv supplied and a client refers to manager M9 absent from it",
    "rejected",
    {
        "transactions.csv": tx(),
        "managers.csv": csv_file(MANAGERS, [("M1", "Иванов", "10")]),
        "clients.csv": csv_file(
            ("client_id", "name", "manager_id"),
            [("C1", "ООО Альфа", "M1"), ("C2", "ООО Бета", "M9"), ("C3", "ИП Гамма", "")],
        ),
    },
    reasons=[
        rej("clients", 1, "manager_id", "unknown manager_id"),
        unknown_client(2),
        unknown_client(3),
    ],
)
case(
    "no_kept_transactions",
    "every order has revenue 'abc': nothing is left to analyse",
    "error",
    {"transactions.csv": tx(with_column(BASE_TX, 3, ["abc"] * 6))},
    error=fragments("transactions", ["kept", "no transactions", "no valid", "all "]),
)

# =============================================================== files, formats
case(
    "empty_transactions_file",
    "a 0-byte transactions.csv",
    "error",
    {"transactions.csv": other_file(b"")},
    error=fragments("transactions.csv", ["empty", "no columns", "0 bytes"]),
)
case(
    "empty_optional_file",
    "a 0-byte clients.csv beside a valid transactions.csv",
    "error",
    {"transactions.csv": tx(), "clients.csv": other_file(b"")},
    error=fragments("clients.csv", ["empty", "no columns", "0 bytes"]),
)
case(
    "header_only_transactions",
    "transactions.csv with a header and no rows",
    "error",
    {"transactions.csv": tx([])},
    error=fragments("transactions", ["empty", "0 rows", "no rows"]),
    error_not=["table 'clients'"],
)
case(
    "header_only_optional",
    "touchpoints.csv with a header and no rows is an empty optional table",
    "handled",
    {
        "transactions.csv": tx(),
        "touchpoints.csv": csv_file(
            ("touchpoint_id", "client_id", "timestamp", "channel", "kind"), []
        ),
    },
)
case(
    "missing_required_column",
    "transactions.csv without a date column",
    "error",
    {
        "transactions.csv": csv_file(
            ("transaction_id", "client_id", "revenue"), [(r[0], r[1], r[3]) for r in BASE_TX]
        )
    },
    error=fragments("transactions", "date"),
)
case(
    "orders_without_variable_cost",
    "transactions.csv without variable_cost: variable cost is optional",
    "handled",
    {"transactions.csv": csv_file(TX[:4], [r[:4] for r in BASE_TX])},
)
case(
    "semicolon_separated",
    "a ';'-separated transactions.csv: the separator is detected",
    "handled",
    {"transactions.csv": tx(sep=";")},
)
case(
    "semicolon_separated_clients",
    "a ';'-separated clients.csv beside a ','-separated transactions.csv",
    "handled",
    {"transactions.csv": tx(), "clients.csv": clients(sep=";")},
)
case(
    "ru_export_1c_style",
    "a 1C-style export: CP1251, ';', dd.mm.yyyy, decimal commas: all detected",
    "handled",
    {
        "transactions.csv": tx(
            [
                ("T1", "C1", "05.01.2024", "1000,50", "600,00"),
                ("T2", "C1", "25.02.2024", "1500,00", "900,10"),
            ],
            sep=";",
            encoding="cp1251",
        ),
        "clients.csv": clients([("C1", "ООО Альфа", "Москва")], sep=";", encoding="cp1251"),
    },
    dates=day_first(),
    numbers={
        "transactions.revenue": {"decimal": ","},
        "transactions.variable_cost": {"decimal": ","},
    },
)
ENC_ALT = {
    "outcome": "error",
    "error": fragments("clients.csv", ["utf-8", "encoding", "decode", "cp1251", "utf-16"]),
}
case(
    "encoding_cp1251",
    "clients.csv in Windows-1251: read correctly, or a clear error naming the file",
    "handled",
    {"transactions.csv": tx(), "clients.csv": clients(encoding="cp1251")},
    alternative=ENC_ALT,
)
case(
    "encoding_utf16",
    "clients.csv in UTF-16 (with BOM): read correctly, or a clear error naming the file",
    "handled",
    {"transactions.csv": tx(), "clients.csv": clients(encoding="utf-16")},
    alternative=ENC_ALT,
)
case(
    "encoding_utf8_bom",
    "transactions.csv and clients.csv in UTF-8 with a byte-order mark",
    "handled",
    {"transactions.csv": tx(encoding="utf-8-sig"), "clients.csv": clients(encoding="utf-8-sig")},
)
case(
    "crlf_line_endings",
    "Windows line endings",
    "handled",
    {"transactions.csv": tx(eol="\r\n"), "clients.csv": clients(eol="\r\n")},
)
case(
    "quoted_fields",
    "quoted names holding commas, doubled quotes and a line break",
    "handled",
    {
        "transactions.csv": tx(),
        "clients.csv": raw_csv(
            "client_id,name,region\n"
            'C1,"ООО ""Альфа"", склад №2",Москва\n'
            'C2,"ООО Бета\nфилиал",Казань\n'
            'C3,ИП Гамма,"Самара, Россия"\n'
        ),
    },
)
case(
    "csv_and_parquet_together",
    "transactions.csv and transactions.parquet in one folder: refuse to choose",
    "error",
    {
        "transactions.csv": tx(),
        "transactions.parquet": _typed_tx(
            pa.array([r[0] for r in BASE_TX]), pa.array([r[1] for r in BASE_TX])
        ),
    },
    error=fragments("transactions.csv", "transactions.parquet"),
)
case(
    "misspelled_table_file",
    "transaction.csv (misspelled) beside transactions.csv: both hold orders by their headers, "
    "so the folder holds the table twice: refuse to choose",
    "error",
    {"transactions.csv": tx(), "transaction.csv": tx()},
    error=fragments("transaction.csv", "transactions.csv", "twice"),
)
XLSX = b"PK\x03\x04" + b"\x00" * 26
case(
    "xlsx_beside_csv",
    "a broken clients.xlsx beside transactions.csv: a clear error naming the workbook",
    "error",
    {"transactions.csv": tx(), "clients.xlsx": other_file(XLSX)},
    error=fragments("clients.xlsx", "workbook"),
)
case(
    "capitalised_file_name",
    "only Transactions.csv (capital T): read as the orders its headers say it holds",
    "handled",
    {"Transactions.csv": tx()},
)
case(
    "csv_injection_roundtrip",
    "cells starting with =, +, -, @ survive reading and are neutralised by to_folder",
    "handled",
    {
        "transactions.csv": csv_file(
            (*TX, "service"),
            [
                (*r, s)
                for r, s in zip(
                    BASE_TX, ["=1+2", "FTL", "@SUM(A1)", "-LTL", "+склад", "LTL"], strict=True
                )
            ],
        ),
        "clients.csv": clients(
            [
                ("C1", '"=HYPERLINK(""http://x"",""y"")"', "Москва"),
                ("C2", "+79161234567", "-Казань"),
                ("C3", "@ivanov", "Самара"),
            ]
        ),
    },
    roundtrip=True,
)

# ============================================================ bool and category
CONTRACT_BOOL = ("contract_id", "client_id", "status", "terms", "legal_approved")
case(
    "bool_odd_values",
    "legal_approved 'yes', 'FALSE', '1', ' No ' kept; 'да', 'maybe', '2' rejected",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            CONTRACT_BOOL,
            [
                ("K1", "C1", "draft", "standard", "yes"),
                ("K2", "C1", "draft", "standard", "FALSE"),
                ("K3", "C2", "draft", "standard", "1"),
                ("K4", "C2", "draft", "standard", " No "),
                ("K5", "C3", "draft", "standard", "да"),
                ("K6", "C3", "draft", "standard", "maybe"),
                ("K7", "C3", "draft", "standard", "2"),
            ],
        ),
    },
    reasons=[rej("contracts", i, "legal_approved", "not a yes/no value") for i in (4, 5, 6)],
)
case(
    "category_case_and_spaces",
    "status 'Draft', ' TERMINATED ', terms 'Non Standard', 'non-standard' are read; "
    "'черновик' is not a status",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            ("contract_id", "client_id", "status", "terms"),
            [
                ("K1", "C1", "Draft", "Non Standard"),
                ("K2", "C1", " TERMINATED ", "non-standard"),
                ("K3", "C2", "REJECTED", "STANDARD"),
                ("K4", "C3", "черновик", "standard"),
            ],
        ),
    },
    reasons=[rej("contracts", 3, "status", "not one of")],
)
TOUCH = ("touchpoint_id", "client_id", "timestamp", "channel", "kind", "duration_minutes")
case(
    "touchpoint_channel_and_duration",
    "channel 'Phone' is read, 'E-mail' and 'телефон' are not channels; a negative duration",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "touchpoints.csv": csv_file(
            TOUCH,
            [
                ("P1", "C1", "2024-01-03 10:00:00", "Phone", "Sales", "15"),
                ("P2", "C1", "2024-01-04 11:00:00", "E-mail", "sales", "5"),
                ("P3", "C2", "2024-01-05 12:00:00", "телефон", "service", "5"),
                ("P4", "C3", "2024-01-06 13:00:00", "meeting", "review", "-5"),
            ],
        ),
    },
    reasons=[
        rej("touchpoints", 1, "channel", "not one of"),
        rej("touchpoints", 2, "channel", "not one of"),
        rej("touchpoints", 3, "duration_minutes", "below minimum 0"),
    ],
)
REQ = ("request_id", "client_id", "request_type", "received_at", "first_response_at", "outcome")
case(
    "request_answered_before_received",
    "a request whose first response precedes its arrival",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "requests.csv": csv_file(
            REQ,
            [
                ("Q1", "C1", "commercial", "2024-01-03 10:00:00", "2024-01-03 11:00:00", "won"),
                ("Q2", "C2", "service", "2024-01-05 12:00:00", "2024-01-05 09:00:00", "pending"),
            ],
        ),
    },
    reasons=[rej("requests", 1, "received_at", "received_at after first_response_at")],
)
case(
    "contract_status_needs_dates",
    "an active contract without start and expiry dates",
    "rejected",
    {
        "transactions.csv": tx(),
        "clients.csv": clients(),
        "contracts.csv": csv_file(
            CONTRACTS,
            [
                ("K1", "C1", "active", "2023-12-01", "2023-12-10", "", ""),
                ("K2", "C2", "draft", "", "", "", ""),
            ],
        ),
    },
    reasons=[
        rej("contracts", 0, "start_date", "required when status"),
        rej("contracts", 0, "expiry_date", "required when status"),
    ],
)
case(
    "marketing_spend_negative_amount",
    "a negative marketing spend amount",
    "rejected",
    {
        "transactions.csv": tx(),
        "marketing_spend.csv": csv_file(
            ("spend_id", "period", "channel", "purpose", "amount"),
            [
                ("S1", "2024-01-01", "выставки", "acquisition", "50000"),
                ("S2", "2024-02-01", "контекст", "Retention", "-100"),
            ],
        ),
    },
    reasons=[rej("marketing_spend", 1, "amount", "below minimum 0")],
)

# ========================================================================== CLI
GOOD = {
    "transactions.csv": tx(spread_rows(6, 36)),
    "clients.csv": clients([(f"C{i}", f"Клиент {i}", "Москва") for i in range(1, 7)]),
}
case(
    "cli_observation_end_not_a_date",
    "--observation-end not-a-date",
    "error",
    GOOD,
    cli=["--observation-end", "not-a-date"],
    error=fragments("not-a-date"),
)
case(
    "cli_data_is_a_file",
    "--data pointing at a CSV file instead of a folder",
    "error",
    GOOD,
    cli=["--data", "{case}/transactions.csv"],
    error=fragments("transactions.csv", ["folder", "directory"]),
)
case(
    "cli_unwritable_output",
    "--output inside a path that is a file, on data that would fail too: the output is "
    "checked first",
    "error",
    {"transactions.csv": tx(with_column(BASE_TX, 3, ["abc"] * 6))},
    cli=["--output", "{case}/transactions.csv/report.html"],
    error=fragments("report.html"),
)
case(
    "cli_semicolon_separated",
    "a ';'-separated export given to the CLI: read and reported",
    "handled",
    {"transactions.csv": tx(sep=";")},
    cli=[],
)
case(
    "cli_no_kept_transactions",
    "the CLI on a folder where no order survives validation",
    "error",
    {"transactions.csv": tx(with_column(BASE_TX, 3, ["abc"] * 6))},
    cli=[],
    error=fragments("transactions"),
)
AMBIGUOUS_EXPORT = csv_file(
    (*TX, "manager_id", "contract_id"),
    [
        (
            *r[:2],
            f"{1 + i % 12:02d}.{1 + (i * 5) % 12:02d}.{2023 + (i // 12) % 2}",
            *r[3:],
            f"$M{i % 3}$",
            f"K{i % 4}",
        )
        for i, r in enumerate(spread_rows(6, 36))
    ],
)
case(
    "cli_date_format_missing",
    "all-ambiguous dd.mm dates given to the CLI without --date-format: the error says what to pass",
    "error",
    {"transactions.csv": AMBIGUOUS_EXPORT},
    cli=[],
    error=fragments("transactions", "date", ["--date-format", "date_format"]),
)
case(
    "cli_date_format",
    "--date-format %d.%m.%Y on a small transactions-only export (all-ambiguous dd.mm dates, "
    "manager_id with '$', contract_id): the report is written, with no nan or inf",
    "handled",
    {"transactions.csv": AMBIGUOUS_EXPORT},
    cli=["--date-format", "%d.%m.%Y"],
)


# ================================================================ writing
def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "[\n" + "".join(f"    {_toml_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def manifest_text(cases: Sequence[Case]) -> str:
    """The manifest ``cases.toml`` of ``cases``."""
    out = [
        "# Bad-input corpus: one entry per folder. Written by tests/corpus/build.py; edit",
        "# the script, not this file. See tests/corpus/README.md for the keys.",
        "",
    ]
    for c in cases:
        out.append("[[cases]]")
        for key, value in c.manifest().items():
            out.append(f"{_toml_key(key)} = {_toml_value(value)}")
        out.append("")
    return "\n".join(out)


README_HEAD = """\
# Bad-input corpus

One folder per case, holding files the way CRM / ERP exports arrive. Each folder is
read with `ClientBase.from_folder(folder, **options)` or, for `cli_*` cases, given to
`clientalytics report --data folder`. `cases.toml` states for every case what it
probes and the expected outcome:

- `rejected`: the folder loads; exactly the listed rows are rejected, each with a
  reason containing the expected text (`reasons`: table, row label, column, reason;
  a list of strings means any one of them);
- `error`: `ValidationError` (or the CLI exits 2 with `clientalytics: error:` and no
  traceback) whose message contains every fragment group in `error` and none of the
  strings in `error_not`;
- `handled`: the folder loads with no rejection and the stated outcome
  (`observation_end`, `warns` listing stray files, a `roundtrip` through `to_folder`;
  a CLI case writes its report and prints no `nan` or `inf`).

A case with an `alternative` also passes when that outcome holds (an encoding may be
read, or refused by name). For every case that loads, `tests/test_corpus.py` checks
that rows in = kept + rejected for every table, that the row counts match the source
files, and that every kept cell equals its source value: ids and text stripped,
categories lower-cased with spaces and dashes as `_`, numbers parsed by Python's
`float` (after removing the thousands separator and reading the decimal separator
stated in `numbers`), and dates read with the strptime formats in `dates` (ISO by default), shifted
by `utc_offset` or their own `%z` offset to naive UTC. Row labels are 0-based data
rows of the source file.

Regenerate the folders and this file with `python tests/corpus/build.py`; the test
checks that the script reproduces the committed files (text byte for byte, Parquet by
schema and values, which do not depend on the writer's version string).

| case | outcome | probes |
|---|---|---|
"""


def readme_text(cases: Sequence[Case]) -> str:
    """The README with one table row per case."""
    rows = [f"| `{c.name}` | {c.outcome} | {c.probes.replace('|', '/')} |" for c in cases]
    return README_HEAD + "\n".join(rows) + f"\n\n{len(cases)} cases.\n"


def build(root: Path) -> None:
    """Write every case folder, ``cases.toml`` and ``README.md`` under ``root``."""
    cases_dir = root / "cases"
    if cases_dir.exists():
        shutil.rmtree(cases_dir)
    for c in CASES:
        folder = cases_dir / c.name
        folder.mkdir(parents=True)
        for name, f in c.files.items():
            (folder / name).write_bytes(f.data)
    (root / "cases.toml").write_text(manifest_text(CASES), encoding="utf-8")
    (root / "README.md").write_text(readme_text(CASES), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
