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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import Column, TableSchema, get_schema

Mode = Literal["lenient", "strict"]
CreditNotePolicy = Literal["net", "reject"]

#: Columns of a rejection report.
REJECTION_COLUMNS = ["table", "row", "column", "reason", "value"]

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})
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


def _is_missing_text(s: pd.Series) -> np.ndarray:
    missing = s.isna().to_numpy()
    as_text = s.astype(str).str.strip()
    return missing | (as_text == "").to_numpy()


def _coerce_id(s: pd.Series, col: Column, bag: _Collector) -> pd.Series:
    if pd.api.types.is_float_dtype(s.dtype):
        # CSV readers turn integer ids with gaps into floats: 17.0 is id "17".
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values)
        whole = finite & (np.mod(np.where(finite, values, 0.0), 1) == 0)
        text = s.astype(str).to_numpy(dtype=object)
        text[whole] = values[whole].astype("int64").astype(str)
        text[~finite] = None
        s = pd.Series(text, index=s.index, dtype=object)
    elif pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(str)
    missing = _is_missing_text(s)
    if not col.nullable:
        bag.add(missing, col.name, "missing id", s)
    out = s.astype(str).str.strip()
    return out.where(~missing, None).astype(object)


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
    """
    probe = Column("id", "id", "identifier", nullable=True)
    return _coerce_id(values, probe, _Collector("ids", values.index))


def _coerce_string(s: pd.Series, col: Column, bag: _Collector) -> pd.Series:
    missing = _is_missing_text(s)
    if not col.nullable:
        bag.add(missing, col.name, "missing value", s)
    out = s.astype(str).str.strip()
    return out.where(~missing, None).astype(object)


def _coerce_category(s: pd.Series, col: Column, bag: _Collector) -> pd.Series:
    missing = _is_missing_text(s)
    text = s.astype(str).str.strip().str.lower().str.replace(" ", "_").str.replace("-", "_")
    allowed = set(col.allowed or ())
    unknown = ~missing & ~text.isin(allowed).to_numpy()
    bag.add(unknown, col.name, f"not one of {sorted(allowed)}", s)
    if not col.nullable:
        bag.add(missing, col.name, "missing value", s)
    return text.where(~missing, None).astype(object)


def _tz_aware_mask(s: pd.Series, missing: np.ndarray) -> np.ndarray:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return ~missing
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return np.zeros(len(s), dtype=bool)
    present = s[~missing]
    if pd.api.types.is_string_dtype(s.dtype) or present.map(lambda v: isinstance(v, str)).all():
        text = s.astype(str).str.strip()
        aware = text.str.contains(_TZ_SUFFIX.pattern, regex=True) & (text.str.len() > 10)
        return aware.to_numpy(dtype=bool) & ~missing
    tz = s.map(lambda v: getattr(v, "tzinfo", None) is not None)
    return tz.to_numpy(dtype=bool) & ~missing


def _coerce_datetime(
    s: pd.Series, col: Column, bag: _Collector, observation_end: pd.Timestamp | None
) -> pd.Series:
    missing = s.isna().to_numpy() | _is_missing_text(s)
    aware = _tz_aware_mask(s, missing)
    if aware.any() and (~aware & ~missing).any():
        # Mixed awareness: keep the majority kind (naive on a tie), reject the rest.
        keep_aware = aware.sum() > (~aware & ~missing).sum()
        odd = (~aware & ~missing) if keep_aware else aware
        kind = "naive" if keep_aware else "timezone-aware"
        bag.add(odd, col.name, f"{kind} timestamp in a column of the other kind", s)
        s = s.where(~odd, None)
        aware = aware & ~odd
    else:
        odd = np.zeros(len(s), dtype=bool)
    blank = missing | odd
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = s.dt.tz_convert("UTC").dt.tz_localize(None)
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        parsed = s
    elif aware.any():
        parsed = pd.to_datetime(
            s.where(~blank, None), errors="coerce", utc=True, format="mixed"
        ).dt.tz_localize(None)
    else:
        parsed = pd.to_datetime(s.where(~blank, None), errors="coerce", format="mixed")
    parsed = parsed.astype("datetime64[ns]")
    unparseable = parsed.isna().to_numpy() & ~blank
    bag.add(unparseable, col.name, "unparseable date", s)
    if not col.nullable:
        bag.add(missing, col.name, "missing date", s)
    if col.event_time and observation_end is not None:
        late = (parsed > observation_end).fillna(False).to_numpy(dtype=bool)
        bag.add(late, col.name, f"after observation end {observation_end.date()}", s)
    return parsed


def _coerce_number(s: pd.Series, col: Column, bag: _Collector) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("int64")
    missing = s.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(s.dtype):
        numbers = s.astype("float64")
    else:
        text_missing = _is_missing_text(s)
        missing = missing | text_missing
        numbers = pd.to_numeric(s.where(~text_missing, None), errors="coerce").astype("float64")
        bad_text = numbers.isna().to_numpy() & ~missing
        bag.add(bad_text, col.name, "not a number", s)
    values = numbers.to_numpy()
    infinite = np.isinf(values)
    bag.add(infinite, col.name, "infinite value", s)
    if not col.nullable:
        bag.add(missing, col.name, "missing value", s)
    finite = np.isfinite(values)
    if col.kind == "int":
        fractional = finite & (np.mod(np.where(finite, values, 0.0), 1) != 0)
        bag.add(fractional, col.name, "not a whole number", s)
    if col.minimum is not None:
        bag.add(finite & (values < col.minimum), col.name, f"below minimum {col.minimum:g}", s)
    if col.maximum is not None:
        bag.add(finite & (values > col.maximum), col.name, f"above maximum {col.maximum:g}", s)
    if col.kind == "int":
        whole = np.where(finite, np.floor(values), np.nan)
        return pd.Series(whole, index=s.index).astype("Int64")
    return pd.Series(np.where(finite, values, np.nan), index=s.index, dtype="float64")


def _coerce_bool(s: pd.Series, col: Column, bag: _Collector) -> pd.Series:
    missing = _is_missing_text(s)
    text = s.astype(str).str.strip().str.lower()
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    bag.add(~missing & ~is_true & ~is_false, col.name, "not a yes/no value", s)
    if not col.nullable:
        bag.add(missing, col.name, "missing value", s)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[is_true & ~missing] = True
    out[is_false & ~missing] = False
    return out


def _coerce(
    s: pd.Series, col: Column, bag: _Collector, observation_end: pd.Timestamp | None
) -> pd.Series:
    if col.kind == "id":
        return _coerce_id(s, col, bag)
    if col.kind == "string":
        return _coerce_string(s, col, bag)
    if col.kind == "category":
        return _coerce_category(s, col, bag)
    if col.kind == "datetime":
        return _coerce_datetime(s, col, bag, observation_end)
    if col.kind in ("float", "int"):
        return _coerce_number(s, col, bag)
    return _coerce_bool(s, col, bag)


def _empty_column(col: Column, index: pd.Index) -> pd.Series:
    dtype = {
        "datetime": "datetime64[ns]",
        "float": "float64",
        "int": "Int64",
        "bool": "boolean",
    }.get(col.kind, object)
    return pd.Series(pd.NA if dtype in ("Int64", "boolean") else None, index=index, dtype=dtype)


def _check_unique(frame: pd.DataFrame, key: str, original: pd.DataFrame, bag: _Collector) -> None:
    keys = frame[key]
    dup = keys.duplicated(keep=False).to_numpy() & keys.notna().to_numpy()
    if not dup.any():
        return
    # An exact copy of an earlier row is a harmless repeat: keep the first copy.
    copies = np.zeros(len(frame), dtype=bool)
    copies[dup] = original[dup].astype(str).duplicated(keep="first").to_numpy()
    bag.add(copies, key, "duplicate row (exact copy of an earlier row)", keys)
    # Rows that share an id but differ in content: no way to know which is right.
    counts = keys[dup & ~copies].value_counts()
    conflicting = keys.isin(counts.index[counts > 1]).to_numpy() & ~copies
    bag.add(conflicting, key, f"duplicate {key} with different content", keys)


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

    Returns
    -------
    ValidationResult
        The kept frame and the rejection report.

    Raises
    ------
    ValidationError
        When a required column is missing, the table is empty and ``allow_empty`` is
        false, or (strict mode) any row is rejected.
    """
    schema = get_schema(table)
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(
            f"table {schema.name!r}: expected a pandas DataFrame, got {type(frame).__name__}"
        )
    missing_cols = [c.name for c in schema.columns if c.required and c.name not in frame.columns]
    if missing_cols:
        raise ValidationError(
            f"table {schema.name!r}: missing required column(s) {missing_cols}; "
            f"found columns {list(frame.columns)[:12]}"
        )
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
    end = pd.Timestamp(observation_end) if observation_end is not None else None
    if end is not None and end.tzinfo is not None:
        end = end.tz_convert("UTC").tz_localize(None)

    bag = _Collector(schema.name, frame.index)
    out = frame.copy()
    for col in schema.columns:
        if col.name in frame.columns:
            out[col.name] = _coerce(frame[col.name], col, bag, end)
        else:
            out[col.name] = _empty_column(col, frame.index)
    key = schema.primary_key
    if key is not None:
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
