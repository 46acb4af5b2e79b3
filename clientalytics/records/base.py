"""The :class:`Record` base class: a frozen pydantic model tied to one table schema.

A record class names its table in ``table_schema``; every field is declared with
:func:`column_field`, which copies the column's description, bounds and
nullability from :mod:`clientalytics.schema`. When the class is created,
:func:`schema_mismatches` compares its fields with the table's columns (names,
order, kinds, nullability, bounds, allowed values) and refuses a class that
drifted from the schema. A model validator applies the table's row rules
(date ordering, a number capped by another, fields required by a status).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo

from clientalytics._parsing import coerce_value
from clientalytics.records.fieldtypes import field_enum, field_kind
from clientalytics.schema import TableSchema

__all__ = ["Record", "column_field", "record_columns", "schema_mismatches"]


def column_field(table: TableSchema, name: str) -> Any:
    """Declare a record field from the contract of column ``name`` of ``table``.

    Parameters
    ----------
    table : TableSchema
        The table the column belongs to.
    name : str
        Column name; the record field must carry the same name.

    Returns
    -------
    pydantic.fields.FieldInfo
        Field with the column's description, its inclusive bounds as ``ge``/``le``
        and a None default when the column is nullable (required otherwise).
    """
    column = table.column(name)
    ge = _bound_value(column.minimum, column.kind)
    le = _bound_value(column.maximum, column.kind)
    if column.nullable:
        return Field(default=None, description=column.description, ge=ge, le=le)
    return Field(description=column.description, ge=ge, le=le)


def _bound_value(value: float | None, kind: str) -> float | None:
    if value is None:
        return None
    return int(value) if kind == "int" else float(value)


class Record(BaseModel):
    """Base of every typed record: immutable, unknown fields refused, finite numbers only.

    Every column field is read by the rule of its column kind, shared with
    :func:`clientalytics.validate`: a value the validator keeps is accepted (and
    coerced the same way: ``"12"`` is 12.0 in a number field, ``" C-9 "`` is
    ``"C-9"`` in an id, ``"13.01.2024"`` is 13 January), a value it rejects is
    refused with the same reason.

    Class attributes
    ----------------
    table_schema : TableSchema
        The table the record is one row of.
    nested_fields : tuple of str
        Fields holding a nested record whose fields are flat columns of the same table.
    child_fields : tuple of str
        Fields holding rows of another table (not columns of ``table_schema``).
    key_columns : tuple of str
        Columns of ``table_schema`` supplied by the enclosing record, not by this one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    table_schema: ClassVar[TableSchema]
    nested_fields: ClassVar[tuple[str, ...]] = ()
    child_fields: ClassVar[tuple[str, ...]] = ()
    key_columns: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "table_schema" in cls.__dict__:
            problems = schema_mismatches(cls)
            if problems:
                raise TypeError(
                    f"{cls.__name__} does not match schema table {cls.table_schema.name!r}: "
                    + "; ".join(problems)
                )

    @classmethod
    def expected_columns(cls) -> tuple[str, ...]:
        """Columns of ``table_schema`` this record holds (flattened), in schema order."""
        return tuple(c for c in cls.table_schema.column_names if c not in cls.key_columns)

    def to_row(self) -> dict[str, object]:
        """Return the record as one flat table row.

        Returns
        -------
        dict
            Column name to value for every column of :meth:`expected_columns`, nested
            fields flattened, enum members as their plain string value, missing as None.
        """
        flat: dict[str, object] = {}
        for name in type(self).model_fields:
            if name in self.child_fields:
                continue
            value = getattr(self, name)
            if name in self.nested_fields:
                flat.update(value.to_row())
            else:
                flat[name] = value.value if isinstance(value, StrEnum) else value
        return {c: flat[c] for c in self.expected_columns()}

    @field_validator("*", mode="before")
    @classmethod
    def _read_cell(cls, value: Any, info: ValidationInfo) -> Any:
        """Read a column field by its kind's rule, the one the validator applies."""
        name = info.field_name
        if name is None or name in cls.nested_fields or name in cls.child_fields:
            return value
        column = next((c for c in cls.table_schema.columns if c.name == name), None)
        if column is None:
            return value
        return coerce_value(value, column, table=cls.table_schema.name)

    @model_validator(mode="after")
    def _check_row_rules(self) -> Self:
        fields = type(self).model_fields
        for rule in self.table_schema.order_rules:
            if rule.earlier not in fields or rule.later not in fields:
                continue
            earlier, later = getattr(self, rule.earlier), getattr(self, rule.later)
            if earlier is None or later is None:
                continue
            if later < earlier or (rule.strict and later == earlier):
                relation = "after" if rule.strict else "on or after"
                raise ValueError(
                    f"{rule.later} ({_show(later)}) must be {relation} "
                    f"{rule.earlier} ({_show(earlier)})"
                )
        for cap in self.table_schema.at_most_rules:
            if cap.column not in fields or cap.bound not in fields:
                continue
            value, bound = getattr(self, cap.column), getattr(self, cap.bound)
            if value is not None and bound is not None and value > bound:
                raise ValueError(
                    f"{cap.column} ({_show(value)}) must not exceed {cap.bound} ({_show(bound)})"
                )
        for need in self.table_schema.required_when:
            if need.column not in fields or need.status_column not in fields:
                continue
            status = getattr(self, need.status_column)
            if status is not None and status in need.values and getattr(self, need.column) is None:
                raise ValueError(
                    f"{need.column} is required when {need.status_column} is {str(status)!r}"
                )
        return self


def _show(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def record_columns(record_type: type[Record]) -> dict[str, FieldInfo]:
    """Return the flat column view of a record class: column name to field.

    Nested records listed in ``nested_fields`` are expanded into their own fields;
    ``child_fields`` are left out.
    """
    columns: dict[str, FieldInfo] = {}
    for name, info in record_type.model_fields.items():
        if name in record_type.child_fields:
            continue
        if name in record_type.nested_fields:
            nested = info.annotation
            if not (isinstance(nested, type) and issubclass(nested, Record)):
                raise TypeError(f"nested field {name!r} must hold a Record subclass")
            columns.update(record_columns(nested))
        else:
            columns[name] = info
    return columns


def _bound(info: FieldInfo, kind: type) -> float | None:
    for item in info.metadata:
        if isinstance(item, kind):
            return float(getattr(item, "ge" if kind is annotated_types.Ge else "le"))
    return None


def schema_mismatches(record_type: type[Record]) -> list[str]:
    """List every difference between a record class and its table schema.

    Compared: field names and order against :meth:`Record.expected_columns`, and per
    column the kind, nullability (optional with a None default), inclusive bounds,
    the allowed values of categories and the description.

    Returns
    -------
    list of str
        One sentence per difference; empty when the record matches its schema.
    """
    table = record_type.table_schema
    fields = record_columns(record_type)
    expected = list(record_type.expected_columns())
    problems: list[str] = []
    if list(fields) != expected:
        problems.append(f"fields {list(fields)} differ from columns {expected}")
    for name in expected:
        if name not in fields:
            continue
        column, info = table.column(name), fields[name]
        kind = field_kind(info)
        if kind != column.kind:
            problems.append(f"{name!r} has kind {kind!r}, the schema says {column.kind!r}")
        optional = not info.is_required() and info.default is None
        if optional != column.nullable:
            problems.append(
                f"{name!r} optional={optional}, the schema says nullable={column.nullable}"
            )
        for label, found, declared in (
            ("minimum", _bound(info, annotated_types.Ge), column.minimum),
            ("maximum", _bound(info, annotated_types.Le), column.maximum),
        ):
            if found != (None if declared is None else float(declared)):
                problems.append(f"{name!r} has {label} {found}, the schema says {declared}")
        enum = field_enum(info)
        allowed = None if enum is None else tuple(member.value for member in enum)
        if allowed != column.allowed:
            problems.append(f"{name!r} allows {allowed}, the schema says {column.allowed}")
        if info.description != column.description:
            problems.append(f"{name!r} description differs from the schema")
    return problems
