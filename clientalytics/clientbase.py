"""The tables of one company, validated together.

A :class:`ClientBase` bundles the clients, managers, contracts, transactions,
touchpoints, requests, marketing spend and survey tables of one company. Building
one validates every table against its schema, checks the references between
tables (a transaction for an unknown client is rejected, not kept), and keeps the
rejection report of every table, so that for each table rows in = rows kept +
rows rejected. It reads itself from, and writes itself to, a folder of CSV or
Parquet files named after the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import SCHEMAS
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
    "touchpoints",
    "requests",
    "marketing_spend",
    "surveys",
    "survey_dimensions",
)

#: Tables that must have at least one row.
_REQUIRED_TABLES = frozenset({"clients", "transactions"})


def _raw_ids(column: pd.Series) -> pd.Index:
    """Distinct ids of a not yet validated column, normalised as the validator does."""
    ids = normalize_ids(column)
    return pd.Index(ids.dropna().unique())


class ClientBase:
    """One company's client data: validated tables with their rejection reports.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Orders / shipments (see ``docs/data-model.md`` for every table's columns).
    clients : pandas.DataFrame, optional
        Client master data. When omitted, a bare clients table is derived from the
        client ids in ``transactions``.
    managers, contracts, touchpoints, requests, marketing_spend, surveys, \
survey_dimensions : pandas.DataFrame, optional
        The other tables; an omitted table is empty.
    observation_end : timestamp or str, optional
        End of the observation window. Events after it are rejected. Defaults to the
        latest event time found in the data.
    mode : {"strict", "lenient"}
        ``"strict"`` (default) raises :class:`~clientalytics.exceptions.ValidationError`
        if any row of any table is bad; ``"lenient"`` keeps the good rows and reports
        the bad ones in :attr:`rejections`.
    credit_notes : {"net", "reject"}
        Policy for negative-revenue transactions, see
        :func:`clientalytics.validation.validate`.

    Attributes
    ----------
    clients, managers, contracts, transactions, touchpoints, requests, \
marketing_spend, surveys, survey_dimensions : pandas.DataFrame
        The kept rows of each table, with columns coerced to their logical types.
    observation_end : pandas.Timestamp
        End of the observation window.
    validation : dict of str to ValidationResult
        Per-table validation outcome.
    """

    clients: pd.DataFrame
    managers: pd.DataFrame
    contracts: pd.DataFrame
    transactions: pd.DataFrame
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
        requests: pd.DataFrame | None = None,
        marketing_spend: pd.DataFrame | None = None,
        surveys: pd.DataFrame | None = None,
        survey_dimensions: pd.DataFrame | None = None,
        observation_end: pd.Timestamp | str | None = None,
        mode: Mode = "strict",
        credit_notes: CreditNotePolicy = "net",
    ) -> None:
        if clients is None:
            if not isinstance(transactions, pd.DataFrame) or "client_id" not in transactions:
                # Validate first: the message lists every missing column, not just the id.
                validate(transactions, "transactions")
            clients = pd.DataFrame({"client_id": list(_raw_ids(transactions["client_id"]))})
        raw: dict[str, pd.DataFrame | None] = {
            "managers": managers,
            "clients": clients,
            "contracts": contracts,
            "transactions": transactions,
            "touchpoints": touchpoints,
            "requests": requests,
            "marketing_spend": marketing_spend,
            "surveys": surveys,
            "survey_dimensions": survey_dimensions,
        }
        end = None if observation_end is None else pd.Timestamp(observation_end)
        if end is not None and end.tzinfo is not None:
            end = end.tz_convert("UTC").tz_localize(None)

        results: dict[str, ValidationResult] = {}
        keys: dict[str, pd.Index] = {}
        for name in TABLES:
            schema = SCHEMAS[name]
            frame = raw[name]
            if frame is None:
                frame = pd.DataFrame({c: pd.Series(dtype=object) for c in schema.column_names})
            known = dict(keys)
            key = schema.primary_key
            if key is not None and key in frame.columns:
                # Self-references (referrals, renewals) point into the same table.
                known[name] = _raw_ids(frame[key])
            result = validate(
                frame,
                name,
                mode="lenient",
                observation_end=end,
                credit_notes=credit_notes,
                allow_empty=name not in _REQUIRED_TABLES,
                known_keys=known,
            )
            results[name] = result
            if key is not None:
                keys[name] = pd.Index(result.frame[key])
        self.validation = results
        if mode == "strict":
            rejected = self.rejections
            if len(rejected):
                raise ValidationError(format_rejections(rejected))
        for name in TABLES:
            setattr(self, name, results[name].frame)
        self.observation_end = end if end is not None else self._latest_event()

    def _latest_event(self) -> pd.Timestamp:
        latest: list[pd.Timestamp] = []
        for name in TABLES:
            frame = self.validation[name].frame
            for col in SCHEMAS[name].columns:
                if col.event_time and len(frame) and frame[col.name].notna().any():
                    latest.append(pd.Timestamp(frame[col.name].max()))
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
    ) -> ClientBase:
        """Read a company from a folder of ``<table>.csv`` or ``<table>.parquet`` files.

        Parameters
        ----------
        path : str or Path
            Folder holding files named after the tables (``transactions.csv``,
            ``clients.parquet``, ...). ``transactions`` is required; other files are
            optional. CSV values are read as text and typed by the validator, so ids
            such as ``00042`` keep their leading zeros.
        observation_end : timestamp or str, optional
            See :class:`ClientBase`.
        mode : {"lenient", "strict"}
            Lenient by default: bad rows are reported in :attr:`rejections`.
        credit_notes : {"net", "reject"}
            See :func:`clientalytics.validation.validate`.

        Returns
        -------
        ClientBase

        Raises
        ------
        ValidationError
            If the folder does not exist, has no transactions file, or a file cannot
            be parsed.
        """
        folder = Path(path)
        if not folder.is_dir():
            raise ValidationError(f"data folder {str(folder)!r} does not exist")
        frames: dict[str, pd.DataFrame] = {}
        for name in TABLES:
            frame = _read_table(folder, name)
            if frame is not None:
                frames[name] = frame
        if "transactions" not in frames:
            raise ValidationError(
                f"data folder {str(folder)!r} has no transactions.csv or transactions.parquet; "
                f"found {sorted(p.name for p in folder.iterdir())[:12]}"
            )
        return cls(
            **frames,
            observation_end=observation_end,
            mode=mode,
            credit_notes=credit_notes,
        )

    def to_folder(
        self, path: str | Path, *, file_format: Literal["csv", "parquet"] = "csv"
    ) -> None:
        """Write every table to ``path/<table>.<file_format>``.

        Parameters
        ----------
        path : str or Path
            Destination folder (created if needed).
        file_format : {"csv", "parquet"}
            File format. CSV money columns are written as they are held (call
            :meth:`pandas.DataFrame.round` first for fixed decimals).
        """
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            frame = getattr(self, name)
            if file_format == "csv":
                frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
            else:
                frame.to_parquet(folder / f"{name}.parquet", index=False)


def _read_table(folder: Path, name: str) -> pd.DataFrame | None:
    csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
    try:
        if parquet.exists():
            return pd.read_parquet(parquet)
        if csv.exists():
            return pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        source = parquet if parquet.exists() else csv
        raise ValidationError(f"cannot read {str(source)!r}: {exc}") from exc
    return None


def build_client_base(tables: Mapping[str, pd.DataFrame], **options: object) -> ClientBase:
    """Build a :class:`ClientBase` from a mapping of table name to frame.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Frames by table name; unknown names raise.
    **options
        Keyword options of :class:`ClientBase` (``observation_end``, ``mode``,
        ``credit_notes``).

    Returns
    -------
    ClientBase
    """
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValidationError(f"unknown table name(s) {unknown}; known tables: {list(TABLES)}")
    return ClientBase(**tables, **options)  # type: ignore[arg-type]
