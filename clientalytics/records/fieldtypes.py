"""Field types shared by the typed records, one per column kind of :mod:`clientalytics.schema`.

Each alias is an ``Annotated`` type carrying a :class:`KindMarker`, so the kind of a
record field can be read back and compared with the column kind declared in the
schema (see :func:`field_kind`).
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BeforeValidator, StrictBool
from pydantic.fields import FieldInfo

from clientalytics.schema import ColumnKind

__all__ = [
    "Count",
    "FiniteFloat",
    "Flag",
    "KindMarker",
    "RecordId",
    "Text",
    "Timestamp",
    "field_enum",
    "field_kind",
]


@dataclass(frozen=True)
class KindMarker:
    """Metadata tag naming the schema column kind a field type stands for."""

    kind: ColumnKind


def _to_id(value: object) -> object:
    """Turn an id into stripped, non-empty text; whole numbers become their digits."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"an id cannot be a boolean (got {value!r})")
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"an id must be text or a finite number (got {value!r})")
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("an id must be non-empty text, not an empty or blank string")
        return text
    return value


def _reject_bool(value: object) -> object:
    """Refuse booleans where a number is expected (pydantic would read True as 1)."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"expected a number, got the boolean {value!r}")
    return value


def _to_datetime(value: object) -> object:
    """Accept dates (midnight), pandas Timestamps and numpy datetime64 as datetimes."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        if value.nanosecond:
            raise ValueError(
                f"{value} has nanoseconds; records keep microsecond precision, round it first"
            )
        return value.to_pydatetime()
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def _naive(value: datetime) -> datetime:
    """Refuse time-zone-aware datetimes: every table holds naive local times."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        raise ValueError(
            f"{value.isoformat()} carries a time zone; convert it to local time and drop tzinfo"
        )
    return value


def _to_bool(value: object) -> object:
    """Accept numpy booleans as Python booleans."""
    return bool(value) if isinstance(value, np.bool_) else value


#: Identifier: non-empty text with surrounding whitespace removed; numbers become text.
RecordId = Annotated[str, BeforeValidator(_to_id), KindMarker("id")]
#: Free text.
Text = Annotated[str, KindMarker("string")]
#: Finite real number (NaN and infinities are refused by the record configuration).
FiniteFloat = Annotated[float, BeforeValidator(_reject_bool), KindMarker("float")]
#: Whole number.
Count = Annotated[int, BeforeValidator(_reject_bool), KindMarker("int")]
#: Naive datetime; a ``date`` means midnight of that day.
Timestamp = Annotated[
    datetime, BeforeValidator(_to_datetime), AfterValidator(_naive), KindMarker("datetime")
]
#: True or False (no 0/1 or "yes"/"no" coercion).
Flag = Annotated[StrictBool, BeforeValidator(_to_bool), KindMarker("bool")]


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def field_kind(field: FieldInfo) -> ColumnKind | None:
    """Return the schema column kind a record field stands for.

    Parameters
    ----------
    field : pydantic.fields.FieldInfo
        A field of a record class (``Record.model_fields[name]``).

    Returns
    -------
    str or None
        ``"category"`` for a string enum, the :class:`KindMarker` kind for the field
        types of this module, None for anything else (nested models, mappings).
    """
    markers = [m for m in field.metadata if isinstance(m, KindMarker)]
    if markers:
        return markers[0].kind
    annotation = _strip_optional(field.annotation)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return "category"
    if typing.get_origin(annotation) is Annotated:
        markers = [m for m in annotation.__metadata__ if isinstance(m, KindMarker)]
        if markers:
            return markers[0].kind
    return None


def field_enum(field: FieldInfo) -> type[StrEnum] | None:
    """Return the string enum of a category field, or None for other fields."""
    annotation = _strip_optional(field.annotation)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    return None
