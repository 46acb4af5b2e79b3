"""Conversion between typed records and pandas tables shaped by :mod:`clientalytics.schema`.

Frames produced here have the columns of the table in schema order and dtypes
that follow the column kinds:

========== ===============================
kind       pandas dtype
========== ===============================
id         ``object`` holding ``str`` (numbers become text)
string     ``object`` holding ``str``
category   ``object`` holding ``str`` (the enum value)
datetime   ``datetime64[ns]`` (naive)
float      ``float64``
int        ``Int64`` (nullable integer)
bool       ``boolean`` (nullable boolean)
========== ===============================

This is the layout of the validated tables of a ``ClientBase``. Missing values are
None in text columns, ``NaN``/``NaT``/``<NA>`` in the others, and None in records.
A survey response spans two tables (``surveys`` and ``survey_dimensions``); it has
its own pair of functions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pydantic

from clientalytics._parsing import coerce_value
from clientalytics.exceptions import ValidationError
from clientalytics.records.activity import MarketingSpend, Touchpoint, Transaction
from clientalytics.records.base import Record
from clientalytics.records.contract import Contract
from clientalytics.records.invoice import Invoice
from clientalytics.records.parties import Client, Manager
from clientalytics.records.request import ClientRequest
from clientalytics.records.survey import DimensionScore, SurveyResponse
from clientalytics.schema import (
    SCHEMAS,
    SURVEY_DIMENSIONS,
    SURVEYS,
    Column,
    TableSchema,
    get_schema,
    require,
)

__all__ = [
    "RECORD_TYPES",
    "frame_to_records",
    "records_to_frame",
    "survey_frames_to_records",
    "survey_records_to_frames",
]

#: Record class of each table (``survey_dimensions`` rows live inside ``SurveyResponse``).
RECORD_TYPES: dict[str, type[Record]] = {
    "clients": Client,
    "managers": Manager,
    "contracts": Contract,
    "transactions": Transaction,
    "invoices": Invoice,
    "touchpoints": Touchpoint,
    "requests": ClientRequest,
    "marketing_spend": MarketingSpend,
    "surveys": SurveyResponse,
}

_SURVEY_TABLES = ("surveys", "survey_dimensions")
_MAX_EXAMPLES = 5


def _column_series(values: Sequence[object], column: Column) -> pd.Series:
    """Build one column with the dtype its schema kind calls for."""
    cells = pd.Series(list(values), dtype=object)
    if column.kind in ("id", "string", "category"):
        return cells
    if column.kind == "datetime":
        return pd.to_datetime(cells).astype("datetime64[ns]")
    if column.kind == "float":
        return cells.astype("float64")
    if column.kind == "int":
        return cells.astype("Int64")
    return cells.astype("boolean")


def _rows_to_frame(rows: Sequence[dict[str, object]], schema: TableSchema) -> pd.DataFrame:
    data = {c.name: _column_series([row[c.name] for row in rows], c) for c in schema.columns}
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _single_type(records: Sequence[Record]) -> type[Record] | None:
    kinds = {type(r) for r in records}
    if len(kinds) > 1:
        names = sorted(k.__name__ for k in kinds)
        raise TypeError(f"records must all be of one type, got {names}")
    return next(iter(kinds), None)


def records_to_frame(records: Iterable[Record], *, table: str | None = None) -> pd.DataFrame:
    """Turn records of one type into a table with the schema's columns and dtypes.

    Parameters
    ----------
    records : iterable of Record
        Records of a single class (e.g. ``Transaction``).
    table : str, optional
        Table name. Required when ``records`` is empty and for survey responses,
        which span two tables: ``"surveys"`` gives one row per response,
        ``"survey_dimensions"`` one row per dimension score (or use
        :func:`survey_records_to_frames` for both).

    Returns
    -------
    pandas.DataFrame
        Exactly the columns of ``schema.SCHEMAS[table]`` in schema order, a
        ``RangeIndex``, dtypes by column kind (see the module docstring).

    Raises
    ------
    TypeError
        If the records mix classes or do not belong to ``table``.
    ValueError
        If the table cannot be inferred.
    """
    items = list(records)
    record_type = _single_type(items)
    if table is None:
        if record_type is None:
            raise ValueError("records is empty: pass table= to choose the columns")
        if record_type is SurveyResponse:
            raise ValueError(
                "survey responses span two tables: pass table='surveys' or "
                "table='survey_dimensions', or use survey_records_to_frames"
            )
        table = record_type.table_schema.name
    if table not in SCHEMAS:
        raise KeyError(f"no records for table {table!r}; input tables: {sorted(SCHEMAS)}")
    schema = get_schema(table)
    owner = SurveyResponse if table in _SURVEY_TABLES else RECORD_TYPES.get(table)
    if record_type is not None and record_type is not owner:
        raise TypeError(f"{record_type.__name__} records do not belong to table {table!r}")
    if table == "survey_dimensions":
        rows = [row for r in items if isinstance(r, SurveyResponse) for row in r.dimension_rows()]
    else:
        rows = [r.to_row() for r in items]
    return _rows_to_frame(rows, schema)


def survey_records_to_frames(
    records: Iterable[SurveyResponse],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn survey responses into the ``surveys`` and ``survey_dimensions`` tables.

    Returns
    -------
    surveys : pandas.DataFrame
        One row per response: ``response_id, client_id, surveyed_at, nps_score,
        csat_score``.
    survey_dimensions : pandas.DataFrame
        One row per (response, dimension): ``response_id, dimension,
        expected_score, perceived_score``, responses in input order.
    """
    items = list(records)
    return (
        records_to_frame(items, table="surveys"),
        records_to_frame(items, table="survey_dimensions"),
    )


def _to_python(value: object) -> object:
    """Turn a frame cell into the plain Python value a record expects."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value)
    if isinstance(value, np.bool_ | np.integer | np.floating | np.str_):
        return value.item()
    return value


def _frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, object]]:
    cells = {c: [_to_python(v) for v in frame[c].astype(object)] for c in columns}
    return [{c: cells[c][i] for c in columns} for i in range(len(frame))]


def _check_columns(frame: pd.DataFrame, schema: TableSchema, wanted: Sequence[str]) -> None:
    unknown = [str(c) for c in frame.columns if c not in wanted]
    if unknown:
        raise ValidationError(
            f"table {schema.name!r}: {len(unknown)} unknown column(s) {unknown[:_MAX_EXAMPLES]}; "
            f"the records accept only {list(wanted)}"
        )
    require(frame, schema, [c for c in wanted if not schema.column(c).nullable])


def _describe_error(error: Any) -> str:
    names = [part for part in error["loc"] if isinstance(part, str)]
    message = str(error["msg"]).removeprefix("Value error, ")
    if not names:
        return message
    return f"field {names[-1]!r}: {message} (got {error['input']!r})"


def _raise_row_errors(
    table: str, failures: list[tuple[Hashable, pydantic.ValidationError]], n_rows: int
) -> None:
    examples = [
        f"row {label!r}, {_describe_error(err)}"
        for label, exc in failures[:_MAX_EXAMPLES]
        for err in exc.errors()
    ][:_MAX_EXAMPLES]
    raise ValidationError(
        f"table {table!r}: {len(failures)} of {n_rows} row(s) failed validation; "
        + "; ".join(examples)
    )


def _validate_rows(
    frame: pd.DataFrame, record_type: type[Record], table: str, columns: Sequence[str]
) -> list[Record]:
    rows = _frame_rows(frame, [c for c in columns if c in frame.columns])
    records: list[Record] = []
    failures: list[tuple[Hashable, pydantic.ValidationError]] = []
    for label, row in zip(frame.index, rows, strict=True):
        try:
            records.append(record_type.model_validate(row))
        except pydantic.ValidationError as exc:
            failures.append((label, exc))
    if failures:
        _raise_row_errors(table, failures, len(frame))
    _check_unique(records, record_type.table_schema)
    return records


def _check_unique(records: Sequence[Record], schema: TableSchema) -> None:
    """Refuse repeated values in the table's unique (key) columns."""
    for column in schema.columns:
        if not column.unique:
            continue
        counts = Counter(getattr(r, column.name) for r in records)
        repeated = [value for value, n in counts.items() if n > 1]
        if repeated:
            raise ValidationError(
                f"table {schema.name!r}: column {column.name!r} must be unique but "
                f"{len(repeated)} value(s) repeat, e.g. {repeated[:_MAX_EXAMPLES]}"
            )


def frame_to_records(frame: pd.DataFrame, table: str) -> list[Record]:
    """Validate each row of a table into a typed record.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with the columns of ``schema.SCHEMAS[table]``; optional columns may be
        absent (they become None). Missing cells (NaN, NaT, ``<NA>``) become None.
    table : str
        Table name, one of ``RECORD_TYPES`` except ``"surveys"`` (use
        :func:`survey_frames_to_records`).

    Returns
    -------
    list of Record
        One record per row, in row order, of class ``RECORD_TYPES[table]``.

    Raises
    ------
    clientalytics.exceptions.ValidationError
        If the frame has unknown columns, lacks a required one, or rows fail; the
        message gives the number of failing rows and, for the first few, the row
        index label, the field and the offending value.
    """
    if table in _SURVEY_TABLES:
        raise ValueError(
            f"table {table!r} holds survey responses, which span two tables: "
            "use survey_frames_to_records(surveys, survey_dimensions)"
        )
    schema = get_schema(table)
    record_type = RECORD_TYPES[schema.name]
    _check_columns(frame, schema, schema.column_names)
    return _validate_rows(frame, record_type, schema.name, schema.column_names)


def _dimension_scores(
    frame: pd.DataFrame, response_ids: set[str]
) -> dict[str, dict[str, DimensionScore]]:
    """Validate ``survey_dimensions`` rows and group them by response id."""
    table = SURVEY_DIMENSIONS.name
    id_column = SURVEY_DIMENSIONS.column("response_id")
    dimension_column = SURVEY_DIMENSIONS.column("dimension")
    _check_columns(frame, SURVEY_DIMENSIONS, SURVEY_DIMENSIONS.column_names)
    rows = _frame_rows(frame, SURVEY_DIMENSIONS.column_names)
    grouped: dict[str, dict[str, DimensionScore]] = {}
    failures: list[str] = []
    for label, row in zip(frame.index, rows, strict=True):
        try:
            response_id = coerce_value(row["response_id"], id_column, table=table)
        except ValueError as exc:
            failures.append(f"row {label!r}, field 'response_id': {exc}")
            continue
        try:
            dimension = coerce_value(row["dimension"], dimension_column, table=table)
        except ValueError as exc:
            failures.append(f"row {label!r}, field 'dimension': {exc} (got {row['dimension']!r})")
            continue
        if response_id not in response_ids:
            failures.append(
                f"row {label!r}, field 'response_id': {response_id!r} is not in the surveys table"
            )
            continue
        if dimension in grouped.get(response_id, {}):
            failures.append(
                f"row {label!r}, field 'dimension': {dimension!r} repeats for response "
                f"{response_id!r}"
            )
            continue
        try:
            score = DimensionScore.model_validate(
                {k: row[k] for k in ("expected_score", "perceived_score")}
            )
        except pydantic.ValidationError as exc:
            failures.append(f"row {label!r}, {_describe_error(exc.errors()[0])}")
            continue
        grouped.setdefault(response_id, {})[dimension] = score
    if failures:
        raise ValidationError(
            f"table {table!r}: {len(failures)} of {len(frame)} row(s) failed validation; "
            + "; ".join(failures[:_MAX_EXAMPLES])
        )
    return grouped


def survey_frames_to_records(
    surveys: pd.DataFrame, survey_dimensions: pd.DataFrame | None = None
) -> list[SurveyResponse]:
    """Combine the ``surveys`` and ``survey_dimensions`` tables into survey responses.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The ``surveys`` table, one row per response.
    survey_dimensions : pandas.DataFrame, optional
        The ``survey_dimensions`` table. Every row must name a ``response_id`` of
        ``surveys`` and a dimension not yet seen for that response. None means
        that no response has dimension scores.

    Returns
    -------
    list of SurveyResponse
        One per row of ``surveys``, in row order, with its dimension scores.

    Raises
    ------
    clientalytics.exceptions.ValidationError
        If a row of either table fails; the message names the table, the number of
        failing rows, and for the first few the row index label and field.
    """
    _check_columns(surveys, SURVEYS, SURVEYS.column_names)
    heads = [
        r
        for r in _validate_rows(surveys, SurveyResponse, SURVEYS.name, SURVEYS.column_names)
        if isinstance(r, SurveyResponse)
    ]
    if survey_dimensions is None:
        return heads
    scores = _dimension_scores(survey_dimensions, {h.response_id for h in heads})
    return [
        SurveyResponse.model_validate(
            {**h.model_dump(exclude={"dimensions"}), "dimensions": scores.get(h.response_id, {})}
        )
        for h in heads
    ]
