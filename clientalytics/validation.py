"""The one validator of every table the library accepts.

:func:`validate` checks a frame against its declared :mod:`~clientalytics.schema`
contract, coerces each column to its logical type and splits the rows into kept
and rejected ones. Every rejected row comes back in a rejection report with the
column, the reason and the offending value, so that rows in = rows kept + rows
rejected, always. In strict mode any rejection raises
:class:`~clientalytics.exceptions.ValidationError` instead, naming the column, the
number of bad rows and a few example values.

All checks are vectorised (no per-row Python), so a million transactions validate
in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics._parsing import DateOptions, NumberFormat, coerce_column
from clientalytics.exceptions import ValidationError
from clientalytics.periods import naive_utc
from clientalytics.schema import (
    DERIVED_SCHEMAS,
    SCHEMAS,
    Column,
    TableSchema,
    get_schema,
    require,
)

Mode = Literal["lenient", "strict"]
CreditNotePolicy = Literal["net", "reject"]

#: Columns of a rejection report.
REJECTION_COLUMNS = ["table", "row", "column", "reason", "value"]

_EXAMPLES = 3


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of validating one table.

    Attributes
    ----------
    table : str
        Name of the table.
    frame : pandas.DataFrame
        The kept rows, with the original index labels and columns coerced to their
        logical types (ids as text, dates as naive ``datetime64[ns]``, money as float).
    rejected : pandas.DataFrame
        One row per (rejected row, problem) with columns ``table``, ``row`` (index
        label in the input), ``column``, ``reason`` and ``value`` (the offending
        value as text). A row with two problems appears twice.
    n_input : int
        Number of rows in the input.
    """

    table: str
    frame: pd.DataFrame
    rejected: pd.DataFrame
    n_input: int

    @property
    def n_kept(self) -> int:
        """Number of rows kept."""
        return len(self.frame)

    @property
    def n_rejected(self) -> int:
        """Number of distinct input rows rejected."""
        return int(self.rejected["row"].nunique())

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return self.n_rejected == 0

    def summary(self) -> pd.DataFrame:
        """Count rejected rows by column and reason.

        Returns
        -------
        pandas.DataFrame
            Columns ``table``, ``column``, ``reason``, ``rows`` and ``examples`` (up to
            three offending values), most frequent problem first.
        """
        return summarize_rejections(self.rejected)


def summarize_rejections(rejected: pd.DataFrame) -> pd.DataFrame:
    """Count the rows of a rejection report by table, column and reason.

    Parameters
    ----------
    rejected : pandas.DataFrame
        A rejection report with the columns of :data:`REJECTION_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``reason``, ``rows`` and ``examples``.
    """
    if rejected.empty:
        return pd.DataFrame(
            {
                "table": pd.Series(dtype=str),
                "column": pd.Series(dtype=str),
                "reason": pd.Series(dtype=str),
                "rows": pd.Series(dtype="int64"),
                "examples": pd.Series(dtype=str),
            }
        )
    grouped = rejected.groupby(["table", "column", "reason"], sort=False)
    out = grouped.agg(
        rows=("row", "nunique"),
        examples=("value", lambda v: ", ".join(map(repr, pd.unique(v)[:_EXAMPLES]))),
    ).reset_index()
    return out.sort_values(
        ["rows", "table", "column"], ascending=[False, True, True], ignore_index=True
    )


class _Collector:
    """Accumulates (row, column, reason, value) problems for one table."""

    def __init__(self, table: str, index: pd.Index) -> None:
        self.table = table
        self.index = index
        self.bad = np.zeros(len(index), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(
        self, mask: np.ndarray | pd.Series, column: str, reason: str, values: pd.Series
    ) -> None:
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        self.bad |= m
        self.parts.append(
            pd.DataFrame(
                {
                    "table": self.table,
                    "row": self.index[m],
                    "column": column,
                    "reason": reason,
                    "value": np.asarray(values)[m].astype(str) if len(values) else [],
                }
            )
        )

    def report(self) -> pd.DataFrame:
        if not self.parts:
            return empty_rejections()
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["row"].astype(object)
        return out


def empty_rejections() -> pd.DataFrame:
    """Return an empty rejection report with the standard columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in REJECTION_COLUMNS})


def normalize_ids(values: pd.Series) -> pd.Series:
    """Normalise identifiers as the validator does: text, stripped, missing as None.

    Parameters
    ----------
    values : pandas.Series
        Raw identifiers (text, integers, or floats such as ``17.0`` from a CSV).

    Returns
    -------
    pandas.Series
        Object series of stripped strings; missing or empty ids become ``None``.
        Whole numbers keep every digit (``2**63`` becomes ``"9223372036854775808"``).
    """
    probe = Column("id", "id", "identifier", nullable=True)
    return coerce_column(values, probe).values


def _coerce(
    s: pd.Series,
    col: Column,
    bag: _Collector,
    options: DateOptions,
    observation_end: pd.Timestamp | None,
    number_format: NumberFormat | None = None,
) -> pd.Series:
    read = coerce_column(s, col, options, table=bag.table, number_format=number_format)
    for mask, reason in read.problems:
        bag.add(mask, col.name, reason, s)
    if col.event_time and observation_end is not None:
        late = (read.values > observation_end).fillna(False).to_numpy(dtype=bool)
        bag.add(late, col.name, f"after observation end {observation_end.date()}", s)
    return read.values


def _empty_column(col: Column, index: pd.Index) -> pd.Series:
    dtype = {
        "datetime": "datetime64[ns]",
        "float": "float64",
        "int": "Int64",
        "bool": "boolean",
    }.get(col.kind, object)
    if dtype is object:
        # Text columns hold None where missing, on every pandas version (pandas 3 would
        # turn a scalar None into NaN here).
        return pd.Series(np.full(len(index), None, dtype=object), index=index, dtype=object)
    return pd.Series(pd.NA if dtype in ("Int64", "boolean") else None, index=index, dtype=dtype)


def _check_unique(
    frame: pd.DataFrame, key: tuple[str, ...], original: pd.DataFrame, bag: _Collector
) -> None:
    keys = frame[list(key)]
    present = keys.notna().all(axis=1).to_numpy()
    dup = keys.duplicated(keep=False).to_numpy() & present
    if not dup.any():
        return
    name = ", ".join(key)
    label = key[0] if len(key) == 1 else f"({name})"
    shown = keys[key[0]].astype(str)
    for extra in key[1:]:
        shown = shown + " / " + keys[extra].astype(str)
    # An exact copy of an earlier row is a harmless repeat: keep the first copy.
    copies = np.zeros(len(frame), dtype=bool)
    copies[dup] = original[dup].astype(str).duplicated(keep="first").to_numpy()
    bag.add(copies, name, "duplicate row (exact copy of an earlier row)", shown)
    # Rows that share a key but differ in content: no way to know which is right.
    rest = keys[dup & ~copies]
    repeated = rest[rest.duplicated(keep=False)]
    conflicting = np.zeros(len(frame), dtype=bool)
    if len(repeated):
        conflicting = (
            pd.MultiIndex.from_frame(keys).isin(pd.MultiIndex.from_frame(repeated)) & dup & ~copies
        )
    bag.add(conflicting, name, f"duplicate {label} with different content", shown)


def _check_rows(frame: pd.DataFrame, schema: TableSchema, bag: _Collector) -> None:
    for rule in schema.order_rules:
        if rule.earlier not in frame or rule.later not in frame:
            continue
        a, b = frame[rule.earlier], frame[rule.later]
        wrong = (a >= b) if rule.strict else (a > b)
        word = "on or after" if rule.strict else "after"
        bag.add(
            wrong.fillna(False).to_numpy(dtype=bool),
            rule.earlier,
            f"{rule.earlier} {word} {rule.later}",
            a.astype(str) + " / " + b.astype(str),
        )
    for cap in schema.at_most_rules:
        if cap.column not in frame or cap.bound not in frame:
            continue
        a, b = frame[cap.column], frame[cap.bound]
        bag.add(
            (a > b).fillna(False).to_numpy(dtype=bool),
            cap.column,
            f"{cap.column} above {cap.bound}",
            a.astype(str) + " / " + b.astype(str),
        )
    for need in schema.required_when:
        if need.status_column not in frame or need.column not in frame:
            continue
        status = frame[need.status_column]
        lacking = status.isin(need.values).to_numpy() & frame[need.column].isna().to_numpy()
        bag.add(
            lacking,
            need.column,
            f"required when {need.status_column} is one of {list(need.values)}",
            status,
        )


def _check_credit_notes(frame: pd.DataFrame, policy: CreditNotePolicy, bag: _Collector) -> None:
    revenue = frame["revenue"]
    credit = (revenue < 0).fillna(False).to_numpy(dtype=bool)
    if not credit.any():
        return
    if policy == "reject":
        bag.add(credit, "revenue", "negative revenue (credit note) not accepted", revenue)
        return
    ok = ~bag.bad
    totals = revenue[ok].groupby(frame["client_id"][ok]).sum()
    negative_clients = totals.index[totals < 0]
    over = credit & ok & frame["client_id"].isin(negative_clients).to_numpy()
    bag.add(over, "revenue", "credit notes exceed the client's revenue", revenue)


def validate(
    frame: pd.DataFrame,
    table: str | TableSchema,
    *,
    mode: Mode = "lenient",
    observation_end: pd.Timestamp | str | None = None,
    credit_notes: CreditNotePolicy = "net",
    allow_empty: bool = False,
    known_keys: Mapping[str, Sequence[object] | pd.Index | pd.Series] | None = None,
    date_format: str | Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    today: pd.Timestamp | str | None = None,
    number_format: Mapping[str, NumberFormat] | None = None,
) -> ValidationResult:
    """Check ``frame`` against the contract of ``table``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read from a CRM/ERP export. Extra columns are kept untouched.
    table : str or TableSchema
        Table name (``"transactions"``, ``"clients"``, ... see
        :data:`clientalytics.schema.SCHEMAS`) or a schema.
    mode : {"lenient", "strict"}
        ``"lenient"`` returns bad rows in the rejection report; ``"strict"`` raises
        :class:`~clientalytics.exceptions.ValidationError` if any row is bad.
    observation_end : timestamp or str, optional
        End of the observation window: events dated after it are rejected.
    credit_notes : {"net", "reject"}
        Policy for transactions with negative revenue (returns and credit notes).
        ``"net"`` keeps them, so they are netted into the client's revenue, unless
        they would make the client's total revenue negative, in which case those
        credit notes are rejected. ``"reject"`` rejects every negative-revenue row.
    allow_empty : bool
        Whether a table with no rows is acceptable (it is not by default).
    known_keys : mapping of str to sequence, optional
        For foreign-key columns, the keys that exist in the referenced tables, by
        referenced table name (e.g. ``{"clients": clients["client_id"]}``). A row that
        refers to an unknown key is rejected.
    date_format : str or mapping of str to str, optional
        ``strptime`` format of the text dates (``"%d.%m.%Y"``), for every date column
        or per column name. Values that do not match it are rejected.
    dayfirst : bool, optional
        Read numeric dates such as ``05.01.2024`` day-first (True) or month-first
        (False). By default the order is told from the column's values (a first
        field above 12 settles day-first); a column whose values all read both ways
        raises.
    today : timestamp or str, optional
        The day event times may not come after (default: today's date by the wall
        clock). Events dated later are rejected as ``in the future``.
    number_format : mapping of str to NumberFormat, optional
        How the text numbers of a column are written (decimal comma, thousands
        separator), by column name; other columns read plain ``1234.5``. A text cell
        that does not fit its column's format is rejected with the format named.

    Returns
    -------
    ValidationResult
        The kept frame and the rejection report.

    Raises
    ------
    ValidationError
        When a required column is missing, the table is empty and ``allow_empty`` is
        false, the day/month order of a date column cannot be told (the error has
        ``table`` and ``column`` attributes), or (strict mode) any row is rejected.
    KeyError
        When ``table`` is not an input table (unknown, or derived such as ``"summary"``).
    """
    schema = get_schema(table)
    if schema in DERIVED_SCHEMAS.values():
        raise KeyError(
            f"{schema.name!r} is a table the library computes, not an input table; "
            f"input tables: {sorted(SCHEMAS)}"
        )
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(
            f"table {schema.name!r}: expected a pandas DataFrame, got {type(frame).__name__}"
        )
    require(frame, schema)
    if frame.columns.duplicated().any():
        dups = list(frame.columns[frame.columns.duplicated()])
        raise ValidationError(f"table {schema.name!r}: duplicated column name(s) {dups}")
    if len(frame) == 0 and not allow_empty:
        raise ValidationError(f"table {schema.name!r} is empty (0 rows)")
    if not frame.index.is_unique:
        raise ValidationError(
            f"table {schema.name!r}: the index has duplicated labels, so rejected rows could "
            "not be named; call .reset_index(drop=True) first"
        )
    end = naive_utc(pd.Timestamp(observation_end)) if observation_end is not None else None

    options = DateOptions(
        date_format=date_format,
        dayfirst=dayfirst,
        today=None if today is None else pd.Timestamp(today),
    )

    bag = _Collector(schema.name, frame.index)
    coerced: dict[str, pd.Series] = {}
    for col in schema.columns:
        if col.name in frame.columns:
            fmt = number_format.get(col.name) if number_format else None
            coerced[col.name] = _coerce(frame[col.name], col, bag, options, end, fmt)
        else:
            coerced[col.name] = _empty_column(col, frame.index)
    extra = {c: frame[c] for c in frame.columns if c not in coerced}
    out = pd.DataFrame({**coerced, **extra}, index=frame.index)
    key = schema.row_key
    if key:
        _check_unique(out, key, frame, bag)
    _check_rows(out, schema, bag)
    if known_keys:
        for col in schema.columns:
            target = col.references
            if target is not None and target in known_keys and col.name in out:
                values = out[col.name]
                unknown = (
                    values.notna().to_numpy()
                    & ~values.isin(pd.Index(known_keys[target])).to_numpy()
                )
                bag.add(unknown, col.name, f"unknown {col.name} (not in {col.references})", values)
    if schema.name == "transactions":
        _check_credit_notes(out, credit_notes, bag)

    ordered = schema.column_names + [c for c in frame.columns if c not in schema.column_names]
    result = ValidationResult(
        table=schema.name,
        frame=out.loc[~bag.bad, ordered],
        rejected=bag.report(),
        n_input=len(frame),
    )
    assert result.n_kept + result.n_rejected == result.n_input
    if mode == "strict" and not result.ok:
        raise ValidationError(format_rejections(result.rejected, result.n_input))
    return result


def format_rejections(rejected: pd.DataFrame, n_input: int | None = None) -> str:
    """Describe a rejection report in one message: column, row count and examples per problem.

    Parameters
    ----------
    rejected : pandas.DataFrame
        A rejection report.
    n_input : int, optional
        Number of input rows, to state the share rejected.

    Returns
    -------
    str
        A multi-line message.
    """
    summary = summarize_rejections(rejected)
    n_bad = int(rejected["row"].nunique()) if len(rejected) else 0
    head = f"{n_bad} row(s) rejected"
    if n_input is not None:
        head += f" of {n_input}"
    lines = [head + ":"]
    for rec in summary.itertuples(index=False):
        lines.append(
            f"  table {rec.table!r}, column {rec.column!r}: {rec.reason} "
            f"({rec.rows} row(s), e.g. {rec.examples})"
        )
    return "\n".join(lines)
