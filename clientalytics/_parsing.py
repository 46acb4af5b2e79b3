"""One reading rule per column kind, shared by the validator and the typed records.

Each rule takes a whole column (a pandas Series, as read from a file or built in
code) and returns the values coerced to the kind's logical type together with the
problems found, as ``(row mask, reason)`` pairs. :func:`coerce_column` applies the
rule of a column's kind and its contract (missing values, bounds, events in the
future). :func:`clientalytics.validate` calls it once per column;
:mod:`clientalytics.records` calls it on a one-value column per field, so that a
record accepts exactly the values the validator keeps.

Text is normalised once per column: the checks that need the stripped text
(blank cells, NUL bytes) share it, and the kinds with few distinct values (dates,
categories, yes/no) are read once per distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from clientalytics.exceptions import ValidationError
from clientalytics.periods import naive_utc
from clientalytics.schema import Column

__all__ = [
    "MAX_MAGNITUDE",
    "Coerced",
    "DateOptions",
    "NumberFormat",
    "coerce_column",
    "coerce_value",
]

#: Largest magnitude a number may have: beyond it a column sum could lose all precision
#: or overflow, and no amount of money or count in a company's books comes near it.
MAX_MAGNITUDE = 1e15

_NONE = np.array(None, dtype=object)
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})
_EXACT_FLOAT = 2.0**53
_EXAMPLES = 3

_TZ = r"(?P<tz>Z|MSK|(?:UTC|GMT)?\s*[+-]\d{2}(?::?\d{2})?|UTC|GMT)"
_TIME = (
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    rf"(?:\s*{_TZ})?)?"
)
#: Year first: 2024-01-05, 2024-01-05T10:00:00.123+03:00 (also with "/" or ".").
_YEAR_FIRST = re.compile(
    rf"(?P<y>\d{{4}})(?P<sep>[-./])(?P<a>\d{{1,2}})(?P=sep)(?P<b>\d{{1,2}}){_TIME}", re.I
)
#: Day and month first, in either order: 05.01.2024, 1/5/24 10:00, 05-01-2024 10:00:00.
_NUMERIC = re.compile(
    rf"(?P<a>\d{{1,2}})(?P<sep>[-./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}}){_TIME}", re.I
)
_TZ_WORDS = {"Z": 0, "UTC": 0, "GMT": 0, "MSK": 180}
_SPACE = re.compile(r"\s")
_EDGE = re.compile(r"\x00\s|\s\x00|\A\s|\s\Z")
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{2}):?(\d{2})?", re.I)

# Which reading a numeric d/m/y value allows.
_NOT_NUMERIC, _DAY_FIRST, _MONTH_FIRST, _EITHER, _SAME, _NEITHER = range(6)


@dataclass(frozen=True)
class DateOptions:
    """How to read text dates.

    Attributes
    ----------
    date_format : str or mapping of str to str, optional
        A ``strptime`` format for every date column, or one per column name.
    dayfirst : bool, optional
        Read numeric dates day-first (True) or month-first (False), whatever the
        column's values suggest.
    today : pandas.Timestamp, optional
        The reference day for events in the future; None means the wall clock.
    """

    date_format: str | Mapping[str, str] | None = None
    dayfirst: bool | None = None
    today: pd.Timestamp | None = None

    def format_for(self, column: str) -> str | None:
        """Return the ``strptime`` format given for ``column``, if any."""
        if isinstance(self.date_format, str):
            return self.date_format
        if self.date_format is not None:
            return self.date_format.get(column)
        return None

    def reference_day(self) -> pd.Timestamp:
        """Return the day events may not come after (naive, midnight)."""
        today = pd.Timestamp.now() if self.today is None else pd.Timestamp(self.today)
        return naive_utc(today).normalize()


@dataclass
class Coerced:
    """A column read by its rule: coerced values and problems ``(row mask, reason)``."""

    values: pd.Series
    problems: list[tuple[np.ndarray, str]] = field(default_factory=list)

    def add(self, mask: np.ndarray, reason: str) -> None:
        """Record a problem for the rows of ``mask`` (nothing when no row is set)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.problems.append((mask, reason))

    @property
    def bad(self) -> np.ndarray:
        """Rows with at least one problem."""
        out = np.zeros(len(self.values), dtype=bool)
        for mask, _ in self.problems:
            out |= mask
        return out


# --------------------------------------------------------------------------- text


def _all_text(s: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        return True
    return pd.api.types.is_object_dtype(s.dtype) and infer_dtype(s, skipna=True) in (
        "string",
        "empty",
    )


def _scan(cells: np.ndarray) -> bool:
    """Tell whether any cell is blank, holds a NUL byte or needs stripping.

    One pass over the joined text; when no cell does, the cells are already normal.
    """
    joined = "\x00".join(cells)
    if joined.count("\x00") != len(cells) - 1:
        return True  # a cell holds a NUL byte
    if not joined or "\x00\x00" in joined or joined.startswith("\x00") or joined.endswith("\x00"):
        return True  # an empty cell
    if _SPACE.search(joined) is None:
        return False
    return _EDGE.search(joined) is not None


def _number_text(value: float) -> str:
    """Text of a number used as text: whole numbers keep all their digits, no ``.0``."""
    if np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(float(value))


def _element_text(value: object) -> tuple[str | None, str | None]:
    """One cell of a mixed column as text: (text, problem)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, bool | np.bool_):
        return str(bool(value)), "boolean"
    if isinstance(value, int | np.integer):
        return str(int(value)), None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None, None
        if not np.isfinite(value):
            return str(value), "infinite"
        return _number_text(float(value)), None
    return str(value), None


@dataclass
class _Text:
    """A column as stripped text, computed once: values (None where missing) and flags."""

    values: np.ndarray  # object array of str or None
    missing: np.ndarray
    nul: np.ndarray
    boolean: np.ndarray
    infinite: np.ndarray


def _as_text(s: pd.Series) -> _Text:
    n = len(s)
    no = np.zeros(n, dtype=bool)
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy(dtype=bool)
        raw = s.astype(object).to_numpy()
        text = np.array(
            [None if m else str(bool(v)) for v, m in zip(raw, missing, strict=True)], dtype=object
        )
        return _Text(text, missing, no, ~missing, no)
    if pd.api.types.is_integer_dtype(s.dtype):
        missing = s.isna().to_numpy(dtype=bool)
        text = s.astype(object).to_numpy()
        text = np.array(
            [None if m else str(int(v)) for v, m in zip(text, missing, strict=True)], dtype=object
        )
        return _Text(text, missing, no, no, no)
    if pd.api.types.is_float_dtype(s.dtype):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(values)
        infinite = np.isinf(values)
        text = np.full(n, None, dtype=object)
        small = ~missing & ~infinite & (np.abs(values) < _EXACT_FLOAT)
        whole = small & (np.mod(np.where(small, values, 0.0), 1) == 0)
        text[whole] = values[whole].astype("int64").astype(str)
        for i in np.flatnonzero(~missing & ~whole):
            text[i] = _number_text(values[i]) if not infinite[i] else str(values[i])
        return _Text(text, missing, no, no, infinite)
    if _all_text(s):
        values = s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        present = pd.notna(values)
        cells = values[present]
        if not len(cells) or not _scan(cells):
            return _Text(values, ~present, no, no, no)
        stripped = np.array([v.strip() for v in cells], dtype=object)
        text = np.full(n, None, dtype=object)
        text[present] = stripped
        missing = ~present
        missing[present] = stripped == ""
        text[missing] = None
        nul = np.zeros(n, dtype=bool)
        nul[present] = np.array(["\x00" in v for v in stripped], dtype=bool)
        return _Text(text, missing, nul, no, no)
    # A mixed column (numbers, booleans, text, objects): cell by cell.
    pairs = [_element_text(v) for v in s.to_numpy(dtype=object)]
    text = np.array([None if t is None else t.strip() for t, _ in pairs], dtype=object)
    missing = np.array([t is None or t == "" for t in text], dtype=bool)
    text[missing] = None
    nul = np.array([t is not None and "\x00" in t for t in text], dtype=bool)
    boolean = np.array([p == "boolean" for _, p in pairs], dtype=bool)
    infinite = np.array([p == "infinite" for _, p in pairs], dtype=bool)
    return _Text(text, missing, nul, boolean, infinite)


def _text_rule(s: pd.Series, column: Column, what: str) -> tuple[Coerced, _Text]:
    text = _as_text(s)
    out = Coerced(pd.Series(text.values, index=s.index, dtype=object))
    out.add(text.nul, "text contains a NUL byte")
    out.add(text.infinite, f"an infinite number is not {what}")
    if not column.nullable:
        out.add(text.missing, "missing id" if column.kind == "id" else "missing value")
    return out, text


def parse_id(s: pd.Series, column: Column) -> Coerced:
    """Read identifiers: stripped text; whole numbers keep their exact digits; no booleans."""
    out, text = _text_rule(s, column, "an id")
    out.add(text.boolean, "a boolean is not an id")
    return out


def parse_string(s: pd.Series, column: Column) -> Coerced:
    """Free text: stripped; numbers become text as ids do; a blank cell is missing."""
    out, _ = _text_rule(s, column, "text")
    return out


def _normalise_category(value: str) -> str:
    return value.lower().replace(" ", "_").replace("-", "_")


def parse_category(s: pd.Series, column: Column) -> Coerced:
    """One value of a vocabulary: case-insensitive, spaces and dashes read as ``_``."""
    out, text = _text_rule(s, column, "a category")
    codes, uniques = pd.factorize(text.values, use_na_sentinel=True)
    normal = np.array([_normalise_category(u) for u in uniques], dtype=object)
    allowed = set(column.allowed or ())
    known = np.array([u in allowed for u in normal], dtype=bool)
    present = codes >= 0
    values = np.full(len(s), None, dtype=object)
    values[present] = normal[codes[present]]
    unknown = present & ~known[np.where(present, codes, 0)] if len(uniques) else present
    out.add(unknown & ~text.nul, f"not one of {sorted(allowed)}")
    out.values = pd.Series(values, index=s.index, dtype=object)
    return out


def parse_bool(s: pd.Series, column: Column) -> Coerced:
    """Yes/no: true/false, yes/no, t/f, y/n, 1/0 in any case."""
    out = Coerced(pd.Series(pd.NA, index=s.index, dtype="boolean"))
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy(dtype=bool)
        out.values = s.astype("boolean")
    else:
        text = _as_text(s)
        missing = text.missing
        codes, uniques = pd.factorize(text.values, use_na_sentinel=True)
        lowered = [u.lower() for u in uniques]
        truth = np.array([u in _TRUE for u in lowered] + [False], dtype=bool)
        falsity = np.array([u in _FALSE for u in lowered] + [False], dtype=bool)
        index = np.where(codes >= 0, codes, len(uniques))
        is_true, is_false = truth[index], falsity[index]
        out.add(~missing & ~is_true & ~is_false, "not a yes/no value")
        values = pd.Series(pd.NA, index=s.index, dtype="boolean")
        values[is_true] = True
        values[is_false] = False
        out.values = values
    if not column.nullable:
        out.add(missing, "missing value")
    return out


# --------------------------------------------------------------------------- numbers

#: Characters read as a "space" thousands separator: space, no-break space, narrow
#: no-break space (Excel and 1C write all three).
SPACES = " \u00a0\u202f"


@dataclass(frozen=True)
class NumberFormat:
    """How the numbers of one text column are written.

    Attributes
    ----------
    decimal : {".", ","}
        Decimal separator.
    thousands : str, optional
        Thousands separator: ``" "`` (any of space, no-break space and narrow
        no-break space), ``"'"``, ``","`` (with decimal ``"."``) or ``"."`` (with
        decimal ``","``); None when the digits are not grouped.
    """

    decimal: str = "."
    thousands: str | None = None

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise ValueError(f"decimal separator must be '.' or ',', got {self.decimal!r}")
        if self.thousands is not None and (
            self.thousands not in (" ", "'", ",", ".") or self.thousands == self.decimal
        ):
            raise ValueError(
                f"thousands separator must be ' ', \"'\", ',' or '.' and differ from the decimal "
                f"separator, got {self.thousands!r}"
            )

    @property
    def pattern(self) -> re.Pattern[str]:
        """Regular expression of one number written in this format."""
        dec = re.escape(self.decimal)
        if self.thousands is None:
            digits = r"\d+"
        else:
            sep = f"[{SPACES}]" if self.thousands == " " else re.escape(self.thousands)
            digits = rf"\d{{1,3}}(?:{sep}\d{{3}})+|\d+"
        return re.compile(rf"[+-]?(?:(?:{digits})(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?")

    def describe(self) -> str:
        """Describe the format in words, e.g. ``decimal ',', thousands ' '``."""
        thousands = "none" if self.thousands is None else repr(self.thousands)
        return f"decimal {self.decimal!r}, thousands {thousands}"

    def to_plain(self, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rewrite text numbers as plain ``1234.5`` text.

        Returns the rewritten text (None where missing) and the mask of present
        cells that are not a number in this format. Each distinct value is read once.
        """
        codes, uniques = pd.factorize(pd.Series(text, dtype=object), use_na_sentinel=True)
        pattern = self.pattern
        drop = SPACES if self.thousands == " " else (self.thousands or "")
        table: dict[int, str | None] = {ord(c): None for c in drop}
        if self.decimal != ".":
            table[ord(self.decimal)] = "."
        plain = np.full(len(uniques) + 1, None, dtype=object)
        misfit = np.zeros(len(uniques) + 1, dtype=bool)
        for i, value in enumerate(uniques):
            if not isinstance(value, str):
                misfit[i] = True
                continue
            stripped = value.strip()
            if not stripped:
                continue
            if pattern.fullmatch(stripped) is None:
                misfit[i] = True
            else:
                plain[i] = stripped.translate(table)
        index = np.where(codes >= 0, codes, len(uniques))
        return plain[index], misfit[index]


def _numbers_from_text(text: np.ndarray) -> np.ndarray:
    parsed = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce")
    try:
        return np.asarray(parsed, dtype="float64")
    except (OverflowError, TypeError, ValueError):
        return np.array([_float_or_nan(v) for v in parsed], dtype="float64")


def _float_or_nan(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):
        return float("nan")


def parse_number(
    s: pd.Series, column: Column, number_format: NumberFormat | None = None
) -> Coerced:
    """Finite numbers or numeric text; ``int`` columns take whole numbers only.

    Text is read as plain ``1234.5`` (``1.5e3``, a sign) unless ``number_format``
    says how it is written; a text cell that does not fit that format is rejected
    with the format in the reason.
    """
    n = len(s)
    boolean = np.zeros(n, dtype=bool)
    bad_text = np.zeros(n, dtype=bool)
    if number_format is not None and _all_text(s) and not pd.api.types.is_numeric_dtype(s.dtype):
        raw = s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        plain, misfit = number_format.to_plain(raw)
        out = parse_number(pd.Series(plain, index=s.index, dtype=object), column)
        out.problems = [
            (mask & ~misfit, why) for mask, why in out.problems if (mask & ~misfit).any()
        ]
        out.add(misfit, f"not a number written with {number_format.describe()}")
        return out
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy(dtype=bool)
        boolean = ~missing
        values = np.full(n, np.nan)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(values)
    elif _all_text(s):
        raw = s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        values = _numbers_from_text(raw)
        missing = pd.isna(raw)
        failed = np.isnan(values) & ~missing
        if failed.any():
            # Only the cells that did not read as numbers need the blank test.
            blank = np.array([v.strip() == "" for v in raw[failed]], dtype=bool)
            where = np.flatnonzero(failed)
            missing[where[blank]] = True
            bad_text[where[~blank]] = True
    else:
        read = [_cell_number(v) for v in s.to_numpy(dtype=object)]
        values = np.array([r[0] for r in read], dtype="float64")
        missing = np.array([r[1] for r in read], dtype=bool)
        boolean = np.array([r[2] for r in read], dtype=bool)
        bad_text = np.array([r[3] for r in read], dtype=bool)
    out = Coerced(pd.Series(values, index=s.index, dtype="float64"))
    out.problems, kept = _check_numbers(values, missing, boolean, bad_text, column)
    if column.kind == "int":
        out.values = pd.Series(kept, index=s.index).astype("Int64")
    else:
        out.values = pd.Series(kept, index=s.index, dtype="float64")
    return out


def _check_numbers(
    values: np.ndarray,
    missing: np.ndarray,
    boolean: np.ndarray,
    bad_text: np.ndarray,
    column: Column,
) -> tuple[list[tuple[np.ndarray, str]], np.ndarray]:
    """Check numbers as every number is checked; return the problems and the kept values."""
    found: list[tuple[np.ndarray, str]] = []

    def add(mask: np.ndarray, reason: str) -> None:
        if mask.any():
            found.append((mask, reason))

    add(boolean, "a boolean is not a number")
    add(bad_text, "not a number")
    add(np.isinf(values), "infinite value")
    finite = np.isfinite(values)
    huge = finite & (np.abs(values) > MAX_MAGNITUDE)
    add(huge, f"implausibly large number (magnitude above {MAX_MAGNITUDE:.0e})")
    if not column.nullable:
        add(missing, "missing value")
    usable = finite & ~huge
    if column.kind == "int":
        fractional = usable & (np.mod(np.where(usable, values, 0.0), 1) != 0)
        add(fractional, "not a whole number")
        usable = usable & ~fractional
    if column.minimum is not None:
        add(usable & (values < column.minimum), f"below minimum {column.minimum:g}")
    if column.maximum is not None:
        add(usable & (values > column.maximum), f"above maximum {column.maximum:g}")
    return found, np.where(usable, values, np.nan)


def _cell_number(value: object) -> tuple[float, bool, bool, bool]:
    """One cell as a number: (value, missing, boolean, not a number)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan, True, False, False
    if isinstance(value, bool | np.bool_):
        return np.nan, False, True, False
    if isinstance(value, str):
        if not value.strip():
            return np.nan, True, False, False
        number = _float_or_nan(pd.to_numeric(value, errors="coerce"))
        return number, False, False, bool(np.isnan(number))
    number = _float_or_nan(value)
    if np.isnan(number):
        return (
            number,
            isinstance(value, float | np.floating),
            False,
            not isinstance(value, float | np.floating),
        )
    return number, False, False, False


# --------------------------------------------------------------------------- dates


def _offset_minutes(tz: str | None) -> float:
    """Minutes east of UTC of a time-zone suffix; NaN for a naive value."""
    if tz is None:
        return np.nan
    word = tz.strip().upper()
    if word in _TZ_WORDS:
        return float(_TZ_WORDS[word])
    match = _OFFSET.fullmatch(tz.strip())
    if match is None:
        return np.nan
    sign = -1.0 if match.group(1) == "-" else 1.0
    return sign * (int(match.group(2)) * 60 + int(match.group(3) or 0))


@dataclass
class _Fields:
    """Fields of the distinct text values of a date column."""

    shape: np.ndarray  # _NOT_NUMERIC for year-first, a reading for numeric, -1 unmatched
    year: np.ndarray
    first: np.ndarray
    second: np.ndarray
    clock: list[str]
    offset: np.ndarray


def _split_dates(uniques: np.ndarray) -> _Fields:
    n = len(uniques)
    shape = np.full(n, -1, dtype=np.int64)
    year = np.zeros(n, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    second = np.zeros(n, dtype=np.int64)
    clock = ["00:00:00.0"] * n
    offset = np.full(n, np.nan)
    for i, value in enumerate(uniques):
        match = _YEAR_FIRST.fullmatch(value) or _NUMERIC.fullmatch(value)
        if match is None:
            continue
        numeric = match.re is _NUMERIC
        y = int(match.group("y"))
        if numeric and len(match.group("y")) == 2:
            y += 2000 if y < 69 else 1900  # the strptime %y convention
        a, b = int(match.group("a")), int(match.group("b"))
        year[i], first[i], second[i] = y, a, b
        if match.group("H") is not None:
            clock[i] = (
                f"{int(match.group('H')):02d}:{match.group('M')}:{match.group('S') or '00'}"
                f".{match.group('f') or '0'}"
            )
        offset[i] = _offset_minutes(match.group("tz"))
        if not numeric:
            shape[i] = _NOT_NUMERIC
        elif a > 12 and b > 12:
            shape[i] = _NEITHER
        elif a > 12:
            shape[i] = _DAY_FIRST
        elif b > 12:
            shape[i] = _MONTH_FIRST
        else:
            shape[i] = _SAME if a == b else _EITHER
    return _Fields(shape, year, first, second, clock, offset)


def _stamps(fields: _Fields, month: np.ndarray, day: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Naive UTC-or-local datetime64[ns] per distinct value (NaT where not ``ok`` or invalid)."""
    text = [
        f"{y:04d}-{m:02d}-{d:02d}T{c}" if good else ""
        for y, m, d, c, good in zip(fields.year, month, day, fields.clock, ok, strict=True)
    ]
    parsed = pd.to_datetime(
        pd.Series(text, dtype=object), format="%Y-%m-%dT%H:%M:%S.%f", errors="coerce"
    )
    stamps = parsed.to_numpy(dtype="datetime64[ns]")
    aware = ~np.isnan(fields.offset)
    if aware.any():
        shift = np.where(aware, fields.offset, 0.0).astype("int64").astype("timedelta64[m]")
        stamps = stamps - shift.astype("timedelta64[ns]")
    return stamps


def _ambiguous_error(table: str, column: str, examples: list[str]) -> ValidationError:
    return ValidationError(
        f"table {table!r}, column {column!r}: the day/month order of the dates cannot be "
        f"told from the values (every value has day and month 12 or less, e.g. "
        f'{", ".join(map(repr, examples))}); pass date_format="%d.%m.%Y" or dayfirst=True '
        f'for day-first dates (date_format="%m/%d/%Y" or dayfirst=False for month-first), '
        f"or --date-format on the command line",
        table=table,
        column=column,
    )


def _read_text_dates(
    text: np.ndarray, column: Column, options: DateOptions, table: str, out: Coerced
) -> tuple[np.ndarray, np.ndarray]:
    """Read a text date column; returns (datetime64[ns] values, time-zone-aware mask)."""
    n = len(text)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    aware = np.zeros(n, dtype=bool)
    present = pd.notna(text)
    if not present.any():
        return values, aware
    fmt = options.format_for(column.name)
    if fmt is not None:
        zoned = "%z" in fmt or "%Z" in fmt
        parsed = pd.to_datetime(
            pd.Series(text[present], dtype=object), format=fmt, errors="coerce", utc=zoned
        )
        if zoned:
            parsed = naive_utc(parsed)
            aware[present] = True
        values[present] = parsed.to_numpy(dtype="datetime64[ns]")
        return values, aware
    codes, uniques = pd.factorize(text[present])
    fields = _split_dates(np.asarray(uniques, dtype=object))
    rows = np.bincount(codes, minlength=len(uniques))
    shape = fields.shape
    by_shape = {k: int(rows[shape == k].sum()) for k in (_DAY_FIRST, _MONTH_FIRST, _EITHER)}
    problems: dict[str, np.ndarray] = {}
    if options.dayfirst is not None:
        dayfirst = options.dayfirst
    elif by_shape[_DAY_FIRST] and by_shape[_MONTH_FIRST]:
        n_day, n_month = by_shape[_DAY_FIRST], by_shape[_MONTH_FIRST]
        dayfirst = n_day > n_month
        if n_day == n_month:
            tie = "day/month order contradicts other rows (the column mixes both orders equally)"
            problems[tie] = (shape == _DAY_FIRST) | (shape == _MONTH_FIRST)
        else:
            odd, read = (_MONTH_FIRST, "day-first") if dayfirst else (_DAY_FIRST, "month-first")
            problems[
                f"day/month order contradicts the rest of the column (read {read}); "
                "pass date_format= or dayfirst="
            ] = shape == odd
        problems["ambiguous day/month order (the column mixes both orders)"] = shape == _EITHER
    elif by_shape[_DAY_FIRST] or by_shape[_MONTH_FIRST]:
        dayfirst = bool(by_shape[_DAY_FIRST])
    elif by_shape[_EITHER]:
        examples = [str(u) for u in np.asarray(uniques)[shape == _EITHER][:_EXAMPLES]]
        raise _ambiguous_error(table, column.name, examples)
    else:
        dayfirst = True  # only year-first values or values that read the same both ways
    year_first = shape == _NOT_NUMERIC
    month_is_first = year_first | (not dayfirst)
    month = np.where(month_is_first, fields.first, fields.second)
    day = np.where(month_is_first, fields.second, fields.first)
    rejected = np.zeros(len(uniques), dtype=bool)
    for mask in problems.values():
        rejected |= mask
    stamps = _stamps(fields, month, day, (shape >= 0) & ~rejected)
    index = np.flatnonzero(present)
    for reason, mask in problems.items():
        rows_mask = np.zeros(n, dtype=bool)
        rows_mask[index] = mask[codes]
        out.add(rows_mask, reason)
    values[index] = stamps[codes]
    aware[index] = ~np.isnan(fields.offset)[codes]
    return values, aware


def _read_object_dates(
    cells: np.ndarray, column: Column, options: DateOptions, table: str, out: Coerced
) -> tuple[np.ndarray, np.ndarray]:
    """Read a column mixing text, datetime objects and other values, cell by cell."""
    n = len(cells)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    aware = np.zeros(n, dtype=bool)
    is_text = np.array([isinstance(v, str) for v in cells], dtype=bool)
    if is_text.any():
        text = np.where(is_text, cells, _NONE)
        text_values, text_aware = _read_text_dates(text, column, options, table, out)
        values[is_text] = text_values[is_text]
        aware[is_text] = text_aware[is_text]
    for i in np.flatnonzero(~is_text):
        v = cells[i]
        if isinstance(v, np.datetime64):
            v = pd.Timestamp(v)
        if isinstance(v, datetime):
            stamp = pd.Timestamp(v)
            aware[i] = stamp.tzinfo is not None
            values[i] = naive_utc(stamp).to_datetime64()
        elif isinstance(v, date):
            values[i] = np.datetime64(v, "ns")
    return values, aware


def parse_datetime(
    s: pd.Series, column: Column, options: DateOptions | None = None, *, table: str = ""
) -> Coerced:
    """Dates and times, stored naive; aware values are converted to UTC.

    Year-first values (ISO) are read as such. For numeric day/month/year values the
    order is settled by the whole column; see :mod:`clientalytics.validation`.

    Raises
    ------
    ValidationError
        When every numeric value of the column reads both ways and no order was given.
    """
    options = options or DateOptions()
    n = len(s)
    out = Coerced(
        pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), index=s.index)
    )
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        missing = s.isna().to_numpy(dtype=bool)
        values = naive_utc(s).to_numpy(dtype="datetime64[ns]")
        aware = ~missing
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        missing = s.isna().to_numpy(dtype=bool)
        values = s.to_numpy(dtype="datetime64[ns]")
        aware = np.zeros(n, dtype=bool)
    elif _all_text(s):
        text = _as_text(s)
        missing = text.missing
        out.add(text.nul, "text contains a NUL byte")
        cells = np.where(text.nul, _NONE, text.values) if text.nul.any() else text.values
        values, aware = _read_text_dates(cells, column, options, table, out)
    else:
        cells = s.to_numpy(dtype=object)
        missing = np.array(
            [
                v is None
                or v is pd.NaT
                or v is pd.NA
                or (isinstance(v, float) and np.isnan(v))
                or (isinstance(v, np.datetime64) and np.isnat(v))
                or (isinstance(v, str) and not v.strip())
                for v in cells
            ],
            dtype=bool,
        )
        cells = np.where(missing, _NONE, cells)
        cells = np.array([v.strip() if isinstance(v, str) else v for v in cells], dtype=object)
        values, aware = _read_object_dates(cells, column, options, table, out)
    present = ~missing
    naive = present & ~aware
    odd = np.zeros(n, dtype=bool)
    if aware.any() and naive.any():
        # Mixed awareness: keep the majority kind (naive on a tie), reject the rest.
        keep_aware = aware.sum() > naive.sum()
        odd = naive if keep_aware else aware
        kind = "naive" if keep_aware else "timezone-aware"
        out.add(odd, f"{kind} timestamp in a column of the other kind")
    earlier = out.bad
    unparseable = present & np.isnat(values) & ~earlier
    out.add(unparseable, "unparseable date")
    if not column.nullable:
        out.add(missing, "missing date")
    values = np.where(odd | unparseable | earlier, np.datetime64("NaT"), values)
    if column.event_time:
        day = options.reference_day()
        future = ~np.isnat(values) & (values >= (day + pd.Timedelta(days=1)).to_datetime64())
        out.add(future, f"in the future (after today, {day.date()})")
    out.values = pd.Series(values, index=s.index, dtype="datetime64[ns]")
    return out


# --------------------------------------------------------------------------- dispatch


def coerce_column(
    s: pd.Series,
    column: Column,
    options: DateOptions | None = None,
    *,
    table: str = "",
    number_format: NumberFormat | None = None,
) -> Coerced:
    """Read one column by the rule of its kind and check its contract.

    Parameters
    ----------
    s : pandas.Series
        The raw column.
    column : Column
        Its contract (kind, nullability, bounds, allowed values, event time).
    options : DateOptions, optional
        How to read dates and which day is today.
    table : str
        Table name, for error messages.
    number_format : NumberFormat, optional
        How the text numbers of a number column are written (plain ``1234.5`` by
        default).

    Returns
    -------
    Coerced
        Values in the kind's dtype (missing where rejected) and the problems found.

    Raises
    ------
    ValidationError
        When a date column's day/month order cannot be told (see :func:`parse_datetime`).
    """
    if column.kind == "id":
        return parse_id(s, column)
    if column.kind == "string":
        return parse_string(s, column)
    if column.kind == "category":
        return parse_category(s, column)
    if column.kind == "datetime":
        return parse_datetime(s, column, options, table=table)
    if column.kind in ("float", "int"):
        return parse_number(s, column, number_format)
    return parse_bool(s, column)


def _text_cell(value: object, column: Column) -> str | None:
    """One cell of an id, string or category column, as :func:`_text_rule` reads a column."""
    text, problem = _element_text(value)
    what = {"id": "an id", "string": "text"}.get(column.kind, "a category")
    if problem == "infinite":
        raise ValueError(f"an infinite number is not {what}")
    if problem == "boolean" and column.kind == "id":
        raise ValueError("a boolean is not an id")
    text = None if text is None else text.strip()
    if text is not None and "\x00" in text:
        raise ValueError("text contains a NUL byte")
    if not text:
        if not column.nullable:
            raise ValueError("missing id" if column.kind == "id" else "missing value")
        return None
    if column.kind == "category":
        normal = _normalise_category(text)
        allowed = set(column.allowed or ())
        if normal not in allowed:
            raise ValueError(f"not one of {sorted(allowed)}")
        return normal
    return text


def _bool_cell(value: object, column: Column) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text, _ = _element_text(value)
    text = None if text is None else text.strip().lower()
    if not text:
        if not column.nullable:
            raise ValueError("missing value")
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not a yes/no value")


def _number_cell(value: object, column: Column) -> float | int | None:
    number, missing, boolean, bad = _cell_number(value)
    problems, kept = _check_numbers(
        np.array([number]), np.array([missing]), np.array([boolean]), np.array([bad]), column
    )
    if problems:
        raise ValueError(problems[0][1])
    if np.isnan(kept[0]):
        return None
    return int(kept[0]) if column.kind == "int" else float(kept[0])


def _date_cell(value: object, column: Column, table: str) -> datetime | None:
    """One cell of a date column, read as a column holding only it would be."""
    if isinstance(value, str):
        value = value.strip()
        if "\x00" in value:
            raise ValueError("text contains a NUL byte")
    if value is None or value is pd.NaT or value is pd.NA or value == "":
        stamp = None
    elif isinstance(value, float | np.floating) and np.isnan(value):
        stamp = None
    elif isinstance(value, str):
        fields = _split_dates(np.array([value], dtype=object))
        shape = int(fields.shape[0])
        if shape == _EITHER:
            raise ValueError(str(_ambiguous_error(table, column.name, [value])))
        if shape < 0 or shape == _NEITHER:
            raise ValueError("unparseable date")
        month_first = shape in (_NOT_NUMERIC, _MONTH_FIRST)
        a, b = int(fields.first[0]), int(fields.second[0])
        month, day = (a, b) if month_first else (b, a)
        clock, fraction = fields.clock[0].split(".")
        hour, minute, second = (int(x) for x in clock.split(":"))
        nanos = int(fraction.ljust(9, "0")[:9])
        try:
            stamp = pd.Timestamp(
                datetime(int(fields.year[0]), month, day, hour, minute, second, nanos // 1000)
            )
        except ValueError:
            raise ValueError("unparseable date") from None
        if nanos % 1000:
            raise ValueError(
                f"{value} has nanoseconds; records keep microsecond precision, round it first"
            )
        if not np.isnan(fields.offset[0]):
            stamp = stamp - pd.Timedelta(minutes=float(fields.offset[0]))
    elif isinstance(value, datetime | date | np.datetime64):
        stamp = naive_utc(pd.Timestamp(value))
    else:
        raise ValueError("unparseable date")
    if stamp is None:
        if not column.nullable:
            raise ValueError("missing date")
        return None
    if column.event_time:
        today = DateOptions().reference_day()
        if stamp >= today + pd.Timedelta(days=1):
            raise ValueError(f"in the future (after today, {today.date()})")
    return stamp.to_pydatetime()


def coerce_value(value: Any, column: Column, *, table: str = "") -> Any:
    """Read one value by the rule of its column, as :func:`coerce_column` reads a column.

    The value is read as a column holding only this value would be: a date such as
    ``05.01.2024``, whose day/month order only other rows could settle, is refused.

    Returns
    -------
    object
        The value as a record holds it: ``str``, ``datetime``, ``float``, ``int``,
        ``bool``, or None when missing.

    Raises
    ------
    ValueError
        With the reason the validator would give.
    """
    if isinstance(value, pd.Timestamp) and value.nanosecond:
        raise ValueError(
            f"{value} has nanoseconds; records keep microsecond precision, round it first"
        )
    if column.kind in ("id", "string", "category"):
        return _text_cell(value, column)
    if column.kind in ("float", "int"):
        return _number_cell(value, column)
    if column.kind == "bool":
        return _bool_cell(value, column)
    return _date_cell(value, column, table)
