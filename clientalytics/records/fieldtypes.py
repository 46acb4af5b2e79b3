"""Field types shared by the typed records, one per column kind of :mod:`clientalytics.schema`.

Each alias is an ``Annotated`` type carrying a :class:`KindMarker`, so the kind of a
record field can be read back and compared with the column kind declared in the
schema (see :func:`field_kind`). The values are not read here: every field of a
:class:`~clientalytics.records.Record` is read by the rule of its column kind in
:mod:`clientalytics._parsing`, the same rule :func:`clientalytics.validate` applies
to a whole column, so a record accepts exactly the values the validator keeps.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

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


#: Identifier: non-empty text with surrounding whitespace removed; numbers become text.
RecordId = Annotated[str, KindMarker("id")]
#: Free text, stripped; a blank value is missing.
Text = Annotated[str, KindMarker("string")]
#: Finite real number of plausible magnitude.
FiniteFloat = Annotated[float, KindMarker("float")]
#: Whole number.
Count = Annotated[int, KindMarker("int")]
#: Naive datetime; a ``date`` means midnight of that day, aware values are read in UTC.
Timestamp = Annotated[datetime, KindMarker("datetime")]
#: True or False; "yes"/"no", "true"/"false", 1/0 are read as the validator reads them.
Flag = Annotated[bool, KindMarker("bool")]


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
