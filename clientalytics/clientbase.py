"""The tables of one company, validated together.

A :class:`ClientBase` bundles the clients, managers, contracts, transactions,
touchpoints, invoices, requests, marketing spend and survey tables of one company. Building
one validates every table against its schema, checks the references between
tables (a transaction for an unknown client is rejected, not kept), and keeps the
rejection report of every table, so that for each table rows in = rows kept +
rows rejected. It reads itself from, and writes itself to, a folder of CSV or
Parquet files named after the tables.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clientalytics._folder import FileFormat, write_folder
from clientalytics._parsing import DateOptions, NumberFormat, parse_datetime
from clientalytics.exceptions import DataQualityWarning, ValidationError
from clientalytics.schema import SCHEMAS, Column
from clientalytics.validation import (
    CreditNotePolicy,
    Mode,
    ValidationResult,
    empty_rejections,
    format_rejections,
    normalize_ids,
    summarize_rejections,
    validate,
)

#: Table names in the order they are validated (referenced tables first).
TABLES: tuple[str, ...] = (
    "managers",
    "clients",
    "contracts",
    "transactions",
    "invoices",
    "touchpoints",
    "requests",
    "marketing_spend",
    "surveys",
    "survey_dimensions",
)

#: Tables that must have at least one row.
_REQUIRED_TABLES = frozenset({"clients", "transactions"})

#: Without an explicit ``observation_end``, event dates more than this many days
#: after every other event date of the company are rejected as typos (see
#: :func:`_far_beyond`).
FAR_BEYOND_DAYS = 365

#: ... but only when such dates are at most this share of all event dates (and at
#: least one date may always be rejected); a larger group after a long gap is data.
FAR_BEYOND_SHARE = 0.01

#: Event-time columns of each table.
_EVENT_COLUMNS: dict[str, list[str]] = {
    name: [c.name for c in SCHEMAS[name].columns if c.event_time] for name in TABLES
}
#: The last table (in validation order) with an event-time column. No table validated
#: before it refers to a table with event times, so rejecting late events once it is
#: validated leaves every earlier reference check valid.
_LAST_EVENT_TABLE = [name for name in TABLES if _EVENT_COLUMNS[name]][-1]

#: How an observation end given as text is read: by the rule of a date column.
_END_COLUMN = Column("observation_end", "datetime", "end of the observation window")

DateFormat = str | Mapping[str, str] | None

#: Columns of :attr:`ClientBase.merged_clients`.
MERGED_COLUMNS = ["tax_id", "client_id", "merged_id", "row"]

#: Tables whose ``client_id`` follows a merge of clients by tax id.
_CLIENT_TABLES = ("contracts", "transactions", "touchpoints", "invoices", "requests", "surveys")


def _raw_ids(column: pd.Series) -> pd.Index:
    """Distinct ids of a not yet validated column, normalised as the validator does."""
    ids = normalize_ids(column)
    return pd.Index(ids.dropna().unique())


def parse_observation_end(
    value: pd.Timestamp | str | None,
    *,
    date_format: DateFormat = None,
    dayfirst: bool | None = None,
) -> pd.Timestamp | None:
    """Read an observation end without guessing the day/month order.

    Parameters
    ----------
    value : timestamp or str, optional
        ISO text (``2024-06-30``), a timestamp, or numeric day/month text such as
        ``30.06.2024``. Numeric text whose first two fields could both be the day
        needs ``date_format`` (a string) or ``dayfirst``.
    date_format : str or mapping, optional
        When a string, tried first for text values.
    dayfirst : bool, optional
        Order of ``dd.mm.yyyy`` / ``mm.dd.yyyy`` text.

    Returns
    -------
    pandas.Timestamp or None
        A naive timestamp (aware ones are converted to UTC).

    Raises
    ------
    ValidationError
        If the value is not a date, or its day/month order is ambiguous.
    """
    if value is None:
        return None
    cell = pd.Series([value.strip() if isinstance(value, str) else value], dtype=object)
    # A string date_format is tried first; a value it does not fit (say an ISO end beside
    # dd.mm.yyyy data) is then read by the rule of any date column.
    tries = [DateOptions(dayfirst=dayfirst)]
    if isinstance(date_format, str):
        tries.insert(0, DateOptions(date_format=date_format))
    for options in tries:
        try:
            read = parse_datetime(cell, _END_COLUMN, options)
        except ValidationError:
            raise ValidationError(
                f"observation end {value!r} is ambiguous: it reads as day.month and as "
                "month.day; write it as YYYY-MM-DD or pass dayfirst=True / False"
            ) from None
        end = read.values.iloc[0]
        if not read.bad.any() and not pd.isna(end):
            return pd.Timestamp(end)
    raise ValidationError(f"observation end {value!r} is not a date; write it as YYYY-MM-DD")


def _formats_by_table(date_format: DateFormat) -> dict[str, str | dict[str, str] | None]:
    """Split ``date_format`` into the option of each table's :func:`validate` call."""
    if date_format is None or isinstance(date_format, str):
        return dict.fromkeys(TABLES, date_format)
    out: dict[str, str | dict[str, str] | None] = {}
    used: set[str] = set()
    for name in TABLES:
        formats: dict[str, str] = {}
        for col in SCHEMAS[name].columns:
            if col.kind != "datetime":
                continue
            for key in (col.name, f"{name}.{col.name}"):
                if key in date_format:
                    formats[col.name] = date_format[key]
                    used.add(key)
        out[name] = formats or None
    unknown = sorted(set(date_format) - used)
    if unknown:
        raise ValidationError(
            f"date_format names no date column: {unknown}; use a column name such as "
            "'date' or 'table.column' such as 'contracts.signed_date'"
        )
    return out


def _reject(
    result: ValidationResult, rows: pd.Index, column: str, reason: str, source: pd.Series
) -> ValidationResult:
    """Move ``rows`` (input labels) from kept to rejected, reporting their ``source`` text."""
    if rows.empty:
        return result
    extra = pd.DataFrame(
        {
            "table": result.table,
            "row": pd.Series(list(rows), dtype=object),
            "column": column,
            "reason": reason,
            "value": source.loc[rows].astype(str).to_numpy(),
        }
    )
    if len(result.rejected):
        extra = pd.concat([result.rejected, extra], ignore_index=True)
    return replace(result, frame=result.frame.drop(index=rows), rejected=extra)


def _reject_dangling_self_references(
    result: ValidationResult, name: str, key: str, raw: pd.DataFrame
) -> ValidationResult:
    """Reject kept rows whose self-reference points at a row that was not kept.

    A referral to a rejected client is as unknown as a referral to a missing one.
    Rejecting a row can leave another dangling (a chain of referrals), so the check
    repeats until a pass rejects nothing.
    """
    columns = [c.name for c in SCHEMAS[name].columns if c.references == name and c.name in raw]
    while columns:
        kept = pd.Index(result.frame[key])
        before = result.n_kept
        for col in columns:
            values = result.frame[col]
            dangling = values.notna() & ~values.isin(kept)
            reason = f"unknown {col} (not in {name})"
            result = _reject(result, values.index[dangling], col, reason, raw[col])
        if result.n_kept == before:
            break
    return result


def _far_beyond(
    results: Mapping[str, ValidationResult],
) -> tuple[pd.Timestamp, list[tuple[str, str, pd.Index]]] | None:
    """Event dates far beyond the rest of the company's events.

    The event dates of every kept row (all event-time columns of all tables) are
    sorted. A date is *far beyond the rest* when a gap of more than
    :data:`FAR_BEYOND_DAYS` days separates it from every earlier event date and the
    dates after that gap are at most :data:`FAR_BEYOND_SHARE` of all event dates (at
    least one may always be). Returns the latest date before the gap and the
    offending cells by table and column, or None when there are none.
    """
    stamps: list[np.ndarray] = []
    for name, columns in _EVENT_COLUMNS.items():
        if name not in results:
            continue
        frame = results[name].frame
        for col in columns:
            stamps.append(frame[col].dropna().to_numpy(dtype="datetime64[ns]"))
    times = np.concatenate(stamps) if stamps else np.array([], dtype="datetime64[ns]")
    n = len(times)
    if n < 2:
        return None
    limit = max(1, int(n * FAR_BEYOND_SHARE))
    # Only the latest limit + 1 dates matter: select them in linear time, sort just those.
    latest = np.sort(np.partition(times, n - limit - 1)[n - limit - 1 :])
    wide = np.flatnonzero(np.diff(latest) > np.timedelta64(FAR_BEYOND_DAYS, "D"))
    if not len(wide):
        return None
    cut = pd.Timestamp(latest[wide[0]])
    cells: list[tuple[str, str, pd.Index]] = []
    for name, columns in _EVENT_COLUMNS.items():
        if name not in results:
            continue
        frame = results[name].frame
        for col in columns:
            late = frame[col] > cut
            if late.any():
                cells.append((name, col, frame.index[late]))
    return cut, cells


def _check_currency(currency: object) -> str:
    if not isinstance(currency, str) or not currency.strip():
        raise ValidationError(f"currency must be a currency code such as 'RUB', got {currency!r}")
    return currency.strip().upper()


def _check_vat(vat_included: object, vat_rate: object) -> tuple[bool, float | None]:
    if not isinstance(vat_included, bool | np.bool_):
        raise ValidationError(f"vat_included must be True or False, got {vat_included!r}")
    if vat_rate is None:
        if vat_included:
            raise ValidationError(
                "vat_included=True needs vat_rate= (the VAT rate as a fraction, e.g. 0.2 "
                "for 20 %); the rate is not assumed"
            )
        return False, None
    if isinstance(vat_rate, bool) or not isinstance(vat_rate, int | float):
        raise ValidationError(f"vat_rate must be a number such as 0.2, got {vat_rate!r}")
    rate = float(vat_rate)
    if not 0 <= rate < 1:
        raise ValidationError(
            f"vat_rate must be a fraction in [0, 1) such as 0.2 (for 20 %), got {vat_rate!r}"
        )
    return bool(vat_included), rate


def _merge_by_tax_id(
    result: ValidationResult, raw: pd.DataFrame
) -> tuple[ValidationResult, dict[str, str], pd.DataFrame]:
    """Keep the first client of each tax id and reject the others as merged into it."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in MERGED_COLUMNS})
    frame = result.frame
    if "tax_id" not in frame or not frame["tax_id"].notna().any():
        return result, {}, empty
    taxed = frame[frame["tax_id"].notna()]
    later = taxed[taxed["tax_id"].duplicated(keep="first")]
    if later.empty:
        return result, {}, empty
    first = taxed.drop_duplicates("tax_id").set_index("tax_id")["client_id"]
    kept_ids = later["tax_id"].map(first)
    aliases = dict(zip(later["client_id"], kept_ids, strict=True))
    merged = pd.DataFrame(
        {
            "tax_id": later["tax_id"].to_numpy(dtype=object),
            "client_id": kept_ids.to_numpy(dtype=object),
            "merged_id": later["client_id"].to_numpy(dtype=object),
            "row": pd.Series(list(later.index), dtype=object).to_numpy(),
        }
    )
    kept_of = {str(k): v for k, v in first.items()}
    for tax_id, rows in later.groupby("tax_id").groups.items():
        reason = f"merged into client {kept_of[str(tax_id)]!r} (same tax_id {tax_id})"
        source = raw["client_id"] if "client_id" in raw else frame["client_id"]
        result = _reject(result, pd.Index(rows), "client_id", reason, source)
    return result, aliases, merged


def _follow_merges(frame: pd.DataFrame, aliases: Mapping[str, str]) -> pd.DataFrame:
    """Rewrite the ``client_id`` of merged clients to the client they were merged into."""
    if "client_id" not in frame:
        return frame
    ids = normalize_ids(frame["client_id"])
    hit = ids.isin(list(aliases))
    if not hit.any():
        return frame
    out = frame.copy()
    out["client_id"] = frame["client_id"].astype(object).where(~hit, ids.map(aliases))
    return out


class ClientBase:
    """One company's client data: validated tables with their rejection reports.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Orders / shipments (see ``docs/data-model.md`` for every table's columns).
        Without a ``transaction_id`` column each row is one order, numbered 1, 2, ...
    clients : pandas.DataFrame, optional
        Client master data. When omitted, a bare clients table is derived from the
        client ids in ``transactions`` (and in ``requests``, ``touchpoints``,
        ``contracts``, ``invoices`` and ``surveys``, so that prospects are clients too).
    managers, contracts, invoices, touchpoints, requests, marketing_spend, surveys, \
survey_dimensions : pandas.DataFrame, optional
        The other tables; an omitted table is empty. References to an omitted (or
        empty) table other than clients and transactions are not checked: the rows
        are kept, a :class:`~clientalytics.exceptions.DataQualityWarning` is issued
        and :attr:`notes` says so. ``invoices`` are the firm's bills to clients and
        their payment (receivables); their amounts are held as given, VAT included,
        whatever ``vat_included`` says of the revenue.
    observation_end : timestamp or str, optional
        End of the observation window. Events after it are rejected. Defaults to the
        latest event time found in the data, after rejecting event dates more than
        :data:`FAR_BEYOND_DAYS` days beyond every other event date (typos such as a
        year 2099 that would otherwise become the end). Text is read as ISO
        ``YYYY-MM-DD`` or numeric day/month text, never guessing the order.
    mode : {"strict", "lenient"}
        ``"strict"`` (default) raises :class:`~clientalytics.exceptions.ValidationError`
        if any row of any table is bad; ``"lenient"`` keeps the good rows and reports
        the bad ones in :attr:`rejections`.
    credit_notes : {"net", "reject"}
        Policy for negative-revenue transactions, see
        :func:`clientalytics.validation.validate`.
    date_format : str or mapping of str to str, optional
        Explicit format of text dates (``"%d.%m.%Y"``): one string for every date
        column, or a mapping keyed by column name (``"date"``, applied in every
        table that has the column) or by ``"table.column"``.
    dayfirst : bool, optional
        Read dates whose day/month order cannot be inferred from the column as
        day-first (``True``) or month-first (``False``); see
        :func:`clientalytics.validation.validate`.
    number_formats : mapping of str to mapping of str to NumberFormat, optional
        How the text numbers of a column are written, by table and column
        (decimal comma, thousands separator); :meth:`from_folder` detects them.
    vat_included : bool
        Whether the transactions' ``revenue`` includes VAT. When True, revenue is
        converted once to net of VAT, ``revenue / (1 + vat_rate)``; variable cost is
        taken as given (net).
    vat_rate : float, optional
        The VAT rate as a fraction (``0.2`` for 20 %); required with ``vat_included``.
    currency : str
        Currency code of every money column (default ``"RUB"``).
    merge_by_tax_id : bool
        Merge clients sharing a ``tax_id``: the first row is kept, the others are
        rejected with the reason "merged into client ..." and every ``client_id``
        of the other tables that named them is rewritten to the kept client;
        :attr:`merged_clients` lists each merge.

    Attributes
    ----------
    clients, managers, contracts, transactions, invoices, touchpoints, requests, \
marketing_spend, surveys, survey_dimensions : pandas.DataFrame
        The kept rows of each table, with columns coerced to their logical types.
    observation_end : pandas.Timestamp
        End of the observation window.
    validation : dict of str to ValidationResult
        Per-table validation outcome.
    notes : list of str
        What was not checked or not read, in words (references to a table that was
        not supplied, files of a folder that match no table).
    sources : dict of str to Path
        The file each table was read from (filled by :meth:`from_folder`; empty for
        a base built from frames).
    currency : str
        Currency code of the money columns.
    vat_included : bool
        Whether the source revenue included VAT (the held revenue never does).
    vat_rate : float or None
        The VAT rate the revenue was converted with.
    merged_clients : pandas.DataFrame
        One row per client merged into another by tax id: ``tax_id``, ``client_id``
        (kept), ``merged_id`` (merged into it), ``row`` (its row in the clients table).
    readings : dict
        How each table's file was read (filled by :meth:`from_folder`, see
        :class:`clientalytics.intake.TableFile`).

    Raises
    ------
    ValidationError
        A table cannot be used (missing required column, empty, ambiguous dates),
        strict mode and any bad row, or no transaction is kept at all (the message
        lists the most frequent rejection reasons).
    """

    clients: pd.DataFrame
    managers: pd.DataFrame
    contracts: pd.DataFrame
    transactions: pd.DataFrame
    invoices: pd.DataFrame
    touchpoints: pd.DataFrame
    requests: pd.DataFrame
    marketing_spend: pd.DataFrame
    surveys: pd.DataFrame
    survey_dimensions: pd.DataFrame

    def __init__(
        self,
        *,
        transactions: pd.DataFrame,
        clients: pd.DataFrame | None = None,
        managers: pd.DataFrame | None = None,
        contracts: pd.DataFrame | None = None,
        touchpoints: pd.DataFrame | None = None,
        invoices: pd.DataFrame | None = None,
        requests: pd.DataFrame | None = None,
        marketing_spend: pd.DataFrame | None = None,
        surveys: pd.DataFrame | None = None,
        survey_dimensions: pd.DataFrame | None = None,
        observation_end: pd.Timestamp | str | None = None,
        mode: Mode = "strict",
        credit_notes: CreditNotePolicy = "net",
        date_format: DateFormat = None,
        dayfirst: bool | None = None,
        number_formats: Mapping[str, Mapping[str, NumberFormat]] | None = None,
        vat_included: bool = False,
        vat_rate: float | None = None,
        currency: str = "RUB",
        merge_by_tax_id: bool = False,
    ) -> None:
        end = parse_observation_end(observation_end, date_format=date_format, dayfirst=dayfirst)
        formats = _formats_by_table(date_format)
        self.currency = _check_currency(currency)
        self.vat_included, self.vat_rate = _check_vat(vat_included, vat_rate)
        self.merged_clients = pd.DataFrame({c: pd.Series(dtype=object) for c in MERGED_COLUMNS})
        self.readings: dict[str, object] = {}
        number_formats = number_formats or {}
        unknown_tables = sorted(set(number_formats) - set(TABLES))
        if unknown_tables:
            raise ValidationError(f"number_formats names unknown table(s) {unknown_tables}")
        if (
            isinstance(transactions, pd.DataFrame)
            and len(transactions.columns)
            and "transaction_id" not in transactions.columns
        ):
            # An orders export without order numbers: each row is one order, numbered
            # by its position (1, 2, ...).
            transactions = transactions.copy()
            transactions["transaction_id"] = [str(i + 1) for i in range(len(transactions))]
        if clients is None:
            if (
                not isinstance(transactions, pd.DataFrame)
                or "client_id" not in transactions
                or len(transactions) == 0
            ):
                # Validate first: the message lists every missing column (or says the table
                # is empty) about the transactions, not about the clients derived from them.
                validate(transactions, "transactions")
            # Clients are every id the tables name: buyers, and prospects that only sent
            # requests (a CRM's lost deals) or were contacted.
            named = [transactions, requests, touchpoints, contracts, invoices, surveys]
            ids = pd.Index([])
            for other in named:
                if isinstance(other, pd.DataFrame) and "client_id" in other and len(other):
                    ids = ids.append(_raw_ids(other["client_id"]))
            clients = pd.DataFrame({"client_id": list(pd.unique(ids.to_numpy(dtype=object)))})
        raw: dict[str, pd.DataFrame | None] = {
            "managers": managers,
            "clients": clients,
            "contracts": contracts,
            "transactions": transactions,
            "invoices": invoices,
            "touchpoints": touchpoints,
            "requests": requests,
            "marketing_spend": marketing_spend,
            "surveys": surveys,
            "survey_dimensions": survey_dimensions,
        }
        supplied = {
            name
            for name, frame in raw.items()
            if frame is not None and (not isinstance(frame, pd.DataFrame) or len(frame) > 0)
        } | _REQUIRED_TABLES
        self.notes: list[str] = []
        self.sources: dict[str, Path] = {}

        results: dict[str, ValidationResult] = {}
        keys: dict[str, pd.Index] = {}
        used: dict[str, pd.DataFrame] = {}
        aliases: dict[str, str] = {}
        for name in TABLES:
            schema = SCHEMAS[name]
            frame = raw[name]
            if frame is None:
                frame = pd.DataFrame({c: pd.Series(dtype=object) for c in schema.column_names})
            if aliases and name in _CLIENT_TABLES and isinstance(frame, pd.DataFrame):
                frame = _follow_merges(frame, aliases)
            used[name] = frame
            known = dict(keys)
            key = schema.primary_key
            if key is not None and isinstance(frame, pd.DataFrame) and key in frame.columns:
                # Self-references (referrals, renewals) point into the same table; they
                # are checked against its kept rows below.
                known[name] = _raw_ids(frame[key])
            self._note_unchecked_references(name, frame, supplied)
            try:
                result = validate(
                    frame,
                    name,
                    mode="lenient",
                    observation_end=end,
                    credit_notes=credit_notes,
                    allow_empty=name not in _REQUIRED_TABLES,
                    known_keys=known,
                    date_format=formats[name],
                    dayfirst=dayfirst,
                    number_format=number_formats.get(name),
                )
            except ValidationError as exc:
                if exc.table is None:
                    exc.table = name
                raise
            if key is not None:
                result = _reject_dangling_self_references(result, name, key, frame)
            if name == "clients" and merge_by_tax_id:
                result, aliases, self.merged_clients = _merge_by_tax_id(result, frame)
            results[name] = result
            if name == _LAST_EVENT_TABLE and end is None:
                results = self._reject_far_beyond(results, used)
                for done, done_result in results.items():
                    done_key = SCHEMAS[done].primary_key
                    if done_key is not None and done in supplied:
                        keys[done] = pd.Index(done_result.frame[done_key])
            if key is not None and name in supplied:
                keys[name] = pd.Index(results[name].frame[key])
        self.validation = results
        if mode == "strict":
            rejected = self.rejections
            if len(rejected):
                raise ValidationError(format_rejections(rejected))
        tx = results["transactions"]
        if tx.n_kept == 0:
            raise ValidationError(
                f"table 'transactions': none of the {tx.n_input} row(s) was kept, so there "
                f"is nothing to analyse; {format_rejections(tx.rejected, tx.n_input)}",
                table="transactions",
            )
        if self.vat_included and self.vat_rate:
            net = tx.frame.copy()
            net["revenue"] = net["revenue"] / (1.0 + self.vat_rate)
            results["transactions"] = replace(tx, frame=net)
        for name in TABLES:
            setattr(self, name, results[name].frame)
        self.observation_end = end if end is not None else self._latest_event()

    def _note_unchecked_references(
        self, name: str, frame: pd.DataFrame, supplied: set[str]
    ) -> None:
        if not isinstance(frame, pd.DataFrame):
            return
        for col in SCHEMAS[name].columns:
            target = col.references
            if target is None or target == name or target in supplied:
                continue
            if col.name not in frame.columns:
                continue
            present = int(normalize_ids(frame[col.name]).notna().sum())
            if present:
                note = (
                    f"{name}.{col.name}: {present} value(s) refer to table {target!r}, which "
                    "was not supplied; these references were not checked and the rows are kept"
                )
                self.notes.append(note)
                warnings.warn(note, DataQualityWarning, stacklevel=3)

    def _reject_far_beyond(
        self, results: dict[str, ValidationResult], raw: Mapping[str, pd.DataFrame]
    ) -> dict[str, ValidationResult]:
        found = _far_beyond(results)
        if found is None:
            return results
        cut, cells = found
        reason = (
            f"more than {FAR_BEYOND_DAYS} days after every other event "
            f"(latest other event {cut.date()}); pass observation_end to keep it"
        )
        out = dict(results)
        for name, column, rows in cells:
            source = raw[name][column] if column in raw[name] else out[name].frame[column]
            out[name] = _reject(out[name], rows, column, reason, source)
        return out

    def _latest_event(self) -> pd.Timestamp:
        latest: list[pd.Timestamp] = []
        for name in TABLES:
            frame = self.validation[name].frame
            for col in _EVENT_COLUMNS[name]:
                if len(frame) and frame[col].notna().any():
                    latest.append(pd.Timestamp(frame[col].max()))
        if not latest:
            raise ValidationError(
                "no kept row has an event date, so the observation end is unknown; "
                "pass observation_end"
            )
        return max(latest)

    # ------------------------------------------------------------------ reports
    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The kept tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    @property
    def rejections(self) -> pd.DataFrame:
        """Rejection report of all tables (columns ``table, row, column, reason, value``)."""
        parts = [r.rejected for r in self.validation.values() if len(r.rejected)]
        return pd.concat(parts, ignore_index=True) if parts else empty_rejections()

    @property
    def rejection_summary(self) -> pd.DataFrame:
        """Rejected rows counted by table, column and reason, with example values."""
        return summarize_rejections(self.rejections)

    @property
    def row_counts(self) -> pd.DataFrame:
        """Rows in, kept and rejected per table.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``table`` with columns ``rows_in``, ``kept`` and ``rejected``;
            ``rows_in == kept + rejected`` on every row.
        """
        return pd.DataFrame(
            {
                "rows_in": [r.n_input for r in self.validation.values()],
                "kept": [r.n_kept for r in self.validation.values()],
                "rejected": [r.n_rejected for r in self.validation.values()],
            },
            index=pd.Index(list(self.validation), name="table"),
        )

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{n}={len(getattr(self, n)):,}" for n in TABLES if len(getattr(self, n))
        )
        return f"ClientBase({counts}, observation_end={self.observation_end.date()})"

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_folder(
        cls,
        path: str | Path,
        *,
        observation_end: pd.Timestamp | str | None = None,
        mode: Mode = "lenient",
        credit_notes: CreditNotePolicy = "net",
        date_format: DateFormat = None,
        dayfirst: bool | None = None,
        mapping: Mapping[str, Any] | None = None,
        preset: str | Sequence[str] | None = None,
        encoding: str | None = None,
        sep: str | None = None,
        sheet: str | int | None = None,
        decimal: str | None = None,
        thousands: str | None = None,
        vat_included: bool = False,
        vat_rate: float | None = None,
        currency: str = "RUB",
        merge_by_tax_id: bool | None = None,
    ) -> ClientBase:
        """Read a company from a folder of export files.

        Parameters
        ----------
        path : str or Path
            Folder of table files: CSV/TSV text, Excel workbooks (``.xlsx``,
            ``.xls``) or Parquet. A file is the table its name says
            (``transactions.csv``), the table ``mapping["files"]`` or a preset gives
            it, or the table its headers fit (see :func:`clientalytics.mapping.match_table`);
            a transactions table is required. Text cells are read as written and typed
            by the validator, so ids such as ``00042`` keep their leading zeros; the
            ``'`` that :meth:`to_folder` puts before a text cell starting with ``=``,
            ``+``, ``-``, ``@``, a tab, a carriage return or ``'`` is removed again.
        observation_end : timestamp or str, optional
            See :class:`ClientBase`.
        mode : {"lenient", "strict"}
            Lenient by default: bad rows are reported in :attr:`rejections`.
        credit_notes : {"net", "reject"}
            See :func:`clientalytics.validation.validate`.
        date_format : str or mapping of str to str, optional
            See :class:`ClientBase`.
        dayfirst : bool, optional
            See :class:`ClientBase`; a preset may state it for its files.
        mapping : mapping, optional
            ``{table: {source header: column}}`` and ``{"files": {file name: table}}``;
            see :mod:`clientalytics.mapping`.
        preset : str or sequence of str, optional
            Export layouts by name (:data:`clientalytics.presets.PRESETS`):
            ``"1c-sales"``, ``"1c-counterparties"``, ``"bitrix24-deals"``,
            ``"amocrm-leads"``, ``"online-retail"``.
        encoding, sep, sheet : optional
            Text encoding, separator and workbook sheet of every file; detected by
            default (see :func:`clientalytics.reading.read_file`).
        decimal, thousands : str, optional
            Decimal and thousands separators of the text numbers; detected per
            column by default (see :func:`clientalytics.reading.detect_number_format`).
        vat_included, vat_rate, currency
            See :class:`ClientBase`.
        merge_by_tax_id : bool, optional
            See :class:`ClientBase`; by default True when a preset asks for it
            (``1c-counterparties``).

        Returns
        -------
        ClientBase
            With :attr:`sources` naming the file read for each table and
            :attr:`readings` how each was read. Files of another type are listed in
            :attr:`notes` and in a :class:`~clientalytics.exceptions.DataQualityWarning`.

        Raises
        ------
        ValidationError
            If the path is missing or not a folder, has no transactions table, holds
            one table in two files, a file cannot be read, matched or mapped, or a
            table cannot be used; a message about one table starts with the file it
            was read from.
        """
        from clientalytics.intake import read_tables

        folder = Path(path)
        intake = read_tables(
            folder,
            mapping=mapping,
            preset=preset,
            encoding=encoding,
            sep=sep,
            sheet=sheet,
            decimal=decimal,
            thousands=thousands,
        )
        if "transactions" not in intake.files:
            found = sorted(p.name for p in folder.iterdir())
            read = {name: f.reading.path.name for name, f in intake.files.items()}
            raise ValidationError(
                f"data folder {str(folder)!r} has no transactions.csv or other file of orders "
                "(a file whose headers name a client, a date and an amount); "
                f"found {found[:12]}" + (f", read as {read}" if read else ""),
                table="transactions",
            )
        unmatched = ""
        if intake.unmatched:
            names = [p.name for p in intake.unmatched]
            unmatched = (
                f"data folder {str(folder)!r}: {len(names)} file(s) are not table files and "
                f"were not read: {names[:12]}; readable: .csv, .tsv, .txt, .xlsx, .xls, "
                ".parquet"
            )
            warnings.warn(unmatched, DataQualityWarning, stacklevel=2)
        if dayfirst is None and date_format is None:
            dayfirst = intake.dayfirst
        if merge_by_tax_id is None:
            merge_by_tax_id = intake.merge_by_tax_id
        try:
            base = cls(
                **intake.frames,
                observation_end=observation_end,
                mode=mode,
                credit_notes=credit_notes,
                date_format=date_format,
                dayfirst=dayfirst,
                number_formats=intake.number_formats,
                vat_included=vat_included,
                vat_rate=vat_rate,
                currency=currency,
                merge_by_tax_id=merge_by_tax_id,
            )
        except ValidationError as exc:
            raise _in_source(exc, intake.sources) from exc
        base.sources = dict(intake.sources)
        base.readings = dict(intake.files)
        for tf in intake.files.values():
            if tf.generated:
                base.notes.append(
                    f"{tf.reading.path.name}: no order number column; each row is one order, "
                    f"numbered by its row (1, 2, ...) as {tf.generated}"
                )
        if unmatched:
            base.notes.append(unmatched)
        return base

    def to_folder(self, path: str | Path, *, file_format: FileFormat = "csv") -> dict[str, Path]:
        """Write every table to ``path/<table>.<file_format>``.

        Parameters
        ----------
        path : str or Path
            Destination folder (created if needed). It may not already hold a table
            in the other format, which would make it ambiguous to read.
        file_format : {"csv", "parquet"}
            File format. CSV money columns are written as they are held (call
            :meth:`pandas.DataFrame.round` first for fixed decimals). A CSV text cell
            that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
            is written with a leading ``'`` so that a spreadsheet shows it as text
            instead of running it as a formula; a text cell that starts with ``'``
            gets one more. :meth:`from_folder` removes that ``'`` again, so the
            round trip is exact. Numbers and dates are never changed.

        Returns
        -------
        dict of str to Path
            The file written for each table.
        """
        return write_folder(self.tables, Path(path), file_format=file_format)


def _in_source(exc: ValidationError, sources: Mapping[str, Path]) -> ValidationError:
    """Name the file a table was read from in an error about that table."""
    table, column = exc.table, exc.column
    if table is not None and table in sources:
        message = f"{sources[table]}: {exc}"
    else:
        read = ", ".join(f"{name} from {p}" for name, p in sources.items())
        message = f"{exc}\n(read {read})"
    return ValidationError(message, table=table, column=column)


def build_client_base(
    tables: Mapping[str, pd.DataFrame],
    *,
    observation_end: pd.Timestamp | str | None = None,
    mode: Mode = "strict",
    credit_notes: CreditNotePolicy = "net",
    date_format: DateFormat = None,
    dayfirst: bool | None = None,
) -> ClientBase:
    """Build a :class:`ClientBase` from a mapping of table name to frame.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Frames by table name; unknown names raise. ``transactions`` is required.
    observation_end, mode, credit_notes, date_format, dayfirst
        Options of :class:`ClientBase`.

    Returns
    -------
    ClientBase
    """
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValidationError(f"unknown table name(s) {unknown}; known tables: {list(TABLES)}")
    if "transactions" not in tables:
        raise ValidationError("a transactions table is required")
    frames = dict(tables)
    return ClientBase(
        transactions=frames.pop("transactions"),
        **frames,  # type: ignore[arg-type]
        observation_end=observation_end,
        mode=mode,
        credit_notes=credit_notes,
        date_format=date_format,
        dayfirst=dayfirst,
    )
