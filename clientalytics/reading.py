"""Reading one export file: CSV/TSV text, Excel workbooks and Parquet, as raw cells.

:func:`read_file` turns a file into a frame of its cells exactly as written (text
for CSV, the workbook's own cell types for Excel, the stored types for Parquet)
and a :class:`FileReading` that says how it was read: format, encoding,
separator, sheet. Whatever cannot be told for sure is either given by the caller
or refused with a :class:`~clientalytics.exceptions.ValidationError` that names
the file and the option to pass; nothing is guessed silently.

:func:`detect_number_format` does the same for the numbers of one text column:
decimal comma or point, thousands separated by a space (also no-break and narrow
no-break space), an apostrophe, a comma or a point. A column whose values read
as two different numbers (``1,234``: 1.234 or 1234) is an error unless the
caller says which.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics._folder import ESCAPE, unescape_formulas
from clientalytics._parsing import SPACES, NumberFormat
from clientalytics.exceptions import ValidationError

__all__ = [
    "SEPARATORS",
    "SUFFIXES",
    "FileReading",
    "detect_encoding",
    "detect_number_format",
    "detect_separator",
    "read_file",
]

ReadFormat = Literal["csv", "excel", "parquet"]

#: File suffixes read as tables, and how.
SUFFIXES: dict[str, ReadFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".ods": "excel",
    ".parquet": "parquet",
}

#: Separators a text file may use.
SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")

#: Encodings tried, in order, for a text file without a byte-order mark.
_FALLBACK_ENCODINGS = ("utf-8", "cp1251")

_SAMPLE_ROWS = 50
_EXAMPLES = 3


@dataclass
class FileReading:
    """How one file was read.

    Attributes
    ----------
    path : Path
        The file.
    format : {"csv", "excel", "parquet"}
        How it was read (``csv`` covers every delimited text file).
    encoding : str, optional
        Text encoding (``utf-8``, ``utf-8-sig`` for UTF-8 with a byte-order mark,
        ``cp1251``, ``utf-16``); None for a binary format.
    separator : str, optional
        Field separator of a text file.
    sheet : str, optional
        Sheet of a workbook.
    frame : pandas.DataFrame
        The cells under the file's own headers: text for a text file (empty cells
        missing), typed values for Excel and Parquet.
    detected : dict of str to str
        Which of encoding, separator and sheet were detected (``"detected"``) or
        given (``"given"``).
    """

    path: Path
    format: ReadFormat
    frame: pd.DataFrame
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    detected: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------- text files


def detect_encoding(data: bytes) -> str:
    """Tell the encoding of a text file from its bytes.

    A byte-order mark settles UTF-8 (``utf-8-sig``) and UTF-16 (``utf-16``); UTF-16
    without one is recognised by its zero bytes. Otherwise the text is UTF-8 when
    it decodes as UTF-8 (a Windows-1251 text almost never does), else Windows-1251.

    Raises
    ------
    ValueError
        When the bytes decode in none of these encodings.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) >= 4:
        half = len(data) // 2
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if odd > 0.4 * half and even == 0:
            return "utf-16-le"
        if even > 0.4 * half and odd == 0:
            return "utf-16-be"
    for encoding in _FALLBACK_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError("the bytes are neither UTF-8, UTF-16 nor Windows-1251 text")


def _sample_rows(text: str, sep: str) -> list[list[str]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= _SAMPLE_ROWS:
                break
    except csv.Error:
        return []
    return rows


def detect_separator(text: str) -> str:
    """Tell the field separator of a delimited text: ``,``, ``;``, tab or ``|``.

    A separator fits when it splits the header and the first rows (quotes honoured)
    into the same number of fields, more than one. Exactly one may fit; a file with
    one column reads as comma-separated.

    Raises
    ------
    ValueError
        When two separators fit (say a header ``a;b,c`` with rows to match) or none
        does while the header splits.
    """
    head = text[:200_000]
    if len(text) > len(head):
        head = head[: head.rfind("\n") + 1] or head
    fits: list[str] = []
    splits: list[str] = []
    for sep in SEPARATORS:
        rows = _sample_rows(head, sep)
        if not rows:
            continue
        widths = {len(r) for r in rows}
        if len(rows[0]) > 1:
            splits.append(sep)
        if len(widths) == 1 and len(rows[0]) > 1:
            fits.append(sep)
    if len(fits) == 1:
        return fits[0]
    shown = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
    if len(fits) > 1:
        raise ValueError(
            "more than one separator splits every row into the same number of fields ("
            + ", ".join(shown[s] for s in fits)
            + "); pass sep="
        )
    if not splits:
        return ","
    raise ValueError(
        "no separator splits the rows into the same number of fields (tried "
        + ", ".join(shown[s] for s in SEPARATORS)
        + "); check the file, or pass sep="
    )


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is None:
        try:
            encoding = detect_encoding(data)
        except ValueError as exc:
            raise ValidationError(
                f"cannot read {str(path)!r}: {exc}; pass encoding= (--encoding), e.g. cp1251"
            ) from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValidationError(
            f"cannot read {str(path)!r} as {encoding}: {exc}; pass another encoding= "
            "(--encoding): utf-8, cp1251, utf-16"
        ) from None
    return text.removeprefix("\ufeff"), encoding


def _read_text(path: Path, encoding: str | None, sep: str | None) -> FileReading:
    data = path.read_bytes()
    text, used = _decode(path, data, encoding)
    detected = {"encoding": "given" if encoding else "detected"}
    if not text.strip():
        raise ValidationError(f"cannot read {str(path)!r}: the file is empty")
    if sep is None:
        try:
            sep = detect_separator(text)
        except ValueError as exc:
            raise ValidationError(f"cannot read {str(path)!r}: {exc}") from None
        detected["separator"] = "detected"
    else:
        detected["separator"] = "given"
    # The C parser ends a cell at a NUL byte and drops the rest of it silently; the
    # Python parser keeps the whole cell, so the row can be rejected with a reason.
    engine: Literal["c", "python"] = "python" if "\x00" in text else "c"
    options = {
        "sep": sep,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [""],
        "engine": engine,
    }
    try:
        header = pd.read_csv(io.StringIO(text), header=None, nrows=1, **options)  # type: ignore[call-overload]
        names = [str(v) for v in header.iloc[0].tolist()] if len(header) else []
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValidationError(
                f"cannot read {str(path)!r}: column name(s) {repeated} appear more than once "
                "in the header; keep one column per name",
                column=repeated[0],
            )
        frame = pd.read_csv(io.StringIO(text), **options)  # type: ignore[call-overload]
    except (ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"cannot read {str(path)!r}: {exc}") from exc
    if ESCAPE in text:
        frame = unescape_formulas(frame)
    return FileReading(path, "csv", frame, encoding=used, separator=sep, detected=detected)


# ------------------------------------------------------------------- workbooks


def _cell(value: object) -> object:
    return None if isinstance(value, str) and value == "" else value


def _read_excel(path: Path, sheet: str | int | None) -> FileReading:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:
        raise ValidationError(
            f"cannot read {str(path)!r}: reading workbooks needs the 'excel' extra "
            "(pip install 'clientalytics[excel]'), or save the sheet as CSV"
        ) from exc

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        contents = {}
        for name in names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=True)
            rows = [r for r in rows if any(v not in ("", None) for v in r)]
            contents[name] = rows
    except Exception as exc:  # calamine raises its own error classes
        raise ValidationError(
            f"cannot read {str(path)!r} as a workbook: {type(exc).__name__}: {exc}"
        ) from exc
    if sheet is None:
        filled = [n for n in names if contents[n]]
        if not filled:
            raise ValidationError(f"cannot read {str(path)!r}: every sheet is empty")
        if len(filled) > 1:
            raise ValidationError(
                f"cannot read {str(path)!r}: the workbook has {len(filled)} sheets with data "
                f"({filled}); pass sheet= (--sheet) to say which one holds the table"
            )
        chosen, how = filled[0], "detected"
    else:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ValidationError(
                    f"{str(path)!r} has {len(names)} sheet(s) {names}; no sheet number {sheet}"
                )
            chosen = names[sheet]
        elif sheet in names:
            chosen = str(sheet)
        else:
            raise ValidationError(f"{str(path)!r} has no sheet {sheet!r}; its sheets: {names}")
        how = "given"
    rows = contents[chosen]
    if not rows:
        raise ValidationError(f"cannot read {str(path)!r}: sheet {chosen!r} is empty")
    header = [
        str(v).strip() if v not in ("", None) else f"column {i + 1}" for i, v in enumerate(rows[0])
    ]
    repeated = sorted({n for n in header if header.count(n) > 1})
    if repeated:
        raise ValidationError(
            f"cannot read {str(path)!r}, sheet {chosen!r}: column name(s) {repeated} appear more "
            "than once in the header; keep one column per name",
            column=repeated[0],
        )
    width = len(header)
    body = [[_cell(v) for v in (list(r) + [None] * width)[:width]] for r in rows[1:]]
    frame = pd.DataFrame(
        {name: pd.Series([r[i] for r in body], dtype=object) for i, name in enumerate(header)}
    )
    return FileReading(path, "excel", frame, sheet=chosen, detected={"sheet": how})


# ------------------------------------------------------------------- any file


def read_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
) -> FileReading:
    """Read one table file as its raw cells.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt`` text file, an ``.xlsx``/``.xlsm``/``.xls``/``.ods``
        workbook or a ``.parquet`` file.
    encoding : str, optional
        Encoding of a text file; detected by default (see :func:`detect_encoding`).
    sep : str, optional
        Separator of a text file; detected by default (see :func:`detect_separator`).
    sheet : str or int, optional
        Sheet of a workbook, by name or 0-based number; by default the only sheet
        holding data.

    Returns
    -------
    FileReading

    Raises
    ------
    ValidationError
        If the file cannot be read, its encoding, separator or sheet cannot be told,
        or its header names a column twice. The message names the file.
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ValidationError(
            f"cannot read {str(path)!r}: unknown file type {path.suffix!r}; "
            f"readable: {sorted(SUFFIXES)}"
        )
    if sep is not None and sep not in SEPARATORS and len(sep) != 1:
        raise ValidationError(f"sep must be one character such as ';', got {sep!r}")
    try:
        if kind == "csv":
            return _read_text(path, encoding, sep)
        if kind == "excel":
            return _read_excel(path, sheet)
        return FileReading(path, "parquet", pd.read_parquet(path))
    except ValidationError:
        raise
    except OSError as exc:
        raise ValidationError(f"cannot read {str(path)!r}: {exc}") from exc
    except Exception as exc:  # pyarrow raises its own error classes
        raise ValidationError(f"cannot read {str(path)!r}: {type(exc).__name__}: {exc}") from exc


# ------------------------------------------------------------------- numbers

_DIGITS = str.maketrans("0123456789", "9999999999")

_CANDIDATES: tuple[NumberFormat, ...] = (
    NumberFormat(".", None),
    NumberFormat(",", None),
    NumberFormat(".", " "),
    NumberFormat(",", " "),
    NumberFormat(".", ","),
    NumberFormat(",", "."),
    NumberFormat(".", "'"),
    NumberFormat(",", "'"),
)


def _thousands_option(thousands: str | None) -> str | Literal[False] | None:
    """Return the ``thousands`` option as a candidate filter (False: not given)."""
    if thousands is None:
        return False
    if thousands in ("", "none"):
        return None
    if thousands in SPACES or thousands == "space":
        return " "
    return thousands


def detect_number_format(
    values: pd.Series,
    *,
    decimal: str | None = None,
    thousands: str | None = None,
    where: str = "",
) -> NumberFormat | None:
    """Tell how the numbers of a text column are written.

    Every format of decimal separator (``.`` or ``,``) and thousands separator
    (none, space, ``'``, ``,`` or ``.``) is tried on the distinct values. The format
    that reads the most cells wins; cells it does not read are rejected later with
    the format in the reason (a column mixing ``1 234,5`` and ``1234.5``).

    Parameters
    ----------
    values : pandas.Series
        The raw column.
    decimal : {".", ","}, optional
        The decimal separator, when known.
    thousands : str, optional
        The thousands separator when known: ``" "`` (or ``"space"``, also matching
        no-break spaces), ``"'"``, ``","``, ``"."``, or ``""``/``"none"`` for none.
    where : str
        File and column, for the error message.

    Returns
    -------
    NumberFormat or None
        None when the column is not text (numbers are taken as stored) or holds no
        value.

    Raises
    ------
    ValidationError
        When two formats read the same cells as different numbers (``1,234``) or
        read different cells equally well (as many ``1,5`` as ``1.5``) and the
        options do not settle it. The message names the column, the count and
        example values.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return None
    cells = values.to_numpy(dtype=object)
    is_text = np.array([isinstance(v, str) for v in cells], dtype=bool)
    if not is_text.any():
        return None
    text = pd.Series(cells[is_text], dtype=object).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    counts = text.value_counts(sort=False)
    uniques = counts.index.to_series().reset_index(drop=True)
    weight = counts.to_numpy()
    values_u = uniques.to_numpy(dtype=object)
    shape_codes, shapes = pd.factorize(
        pd.Series([u.translate(_DIGITS) for u in values_u], dtype=object)
    )
    joined = "".join(uniques.head(200_000))
    wanted = _thousands_option(thousands)
    fits: list[tuple[NumberFormat, np.ndarray, np.ndarray]] = []
    for fmt in _CANDIDATES:
        if decimal is not None and fmt.decimal != decimal:
            continue
        if wanted is not False and fmt.thousands != wanted:
            continue
        if fmt.thousands is not None and wanted is False:
            chars = SPACES if fmt.thousands == " " else fmt.thousands
            if not any(c in joined for c in chars):
                continue
        if fmt.decimal == "," and "," not in joined and decimal is None:
            continue
        pattern = fmt.pattern
        # Whether a value fits depends only on where its digits are: test each shape once.
        ok_shape = np.array([pattern.fullmatch(u) is not None for u in shapes], dtype=bool)
        fits.append((fmt, ok_shape[shape_codes], np.empty(0)))
    if not fits:
        return NumberFormat(decimal or ".", None if wanted is False else wanted)
    scores = [int(weight[ok].sum()) for _, ok, _ in fits]
    best = max(scores)
    top = [f for f, s in zip(fits, scores, strict=True) if s == best]
    top = [(f, o, _as_numbers(f, values_u)) for f, o, _ in top] if len(top) > 1 else top
    chosen, ok, number = top[0]
    for other, other_ok, other_number in top[1:]:
        same = np.array_equal(ok, other_ok) and np.allclose(
            number[ok], other_number[ok], rtol=0, atol=0, equal_nan=True
        )
        if same:
            continue
        if np.array_equal(ok, other_ok):
            differ = ok & (number != other_number)
            examples = list(uniques[differ].head(_EXAMPLES))
            n = int(weight[differ].sum())
            raise ValidationError(
                f"{where}: {n} value(s) read as two different numbers, e.g. "
                f"{', '.join(map(repr, examples))} ({chosen.describe()}: "
                f"{number[differ][0]:g}; {other.describe()}: {other_number[differ][0]:g}); "
                "pass decimal= and thousands= (--decimal, --thousands)"
            )
        mine = list(uniques[ok & ~other_ok].head(_EXAMPLES))
        theirs = list(uniques[other_ok & ~ok].head(_EXAMPLES))
        raise ValidationError(
            f"{where}: the column mixes number formats equally ({best} value(s) each): "
            f"{chosen.describe()} (e.g. {', '.join(map(repr, mine))}) and "
            f"{other.describe()} (e.g. {', '.join(map(repr, theirs))}); pass decimal= and "
            "thousands= (--decimal, --thousands)"
        )
    return chosen


def _as_numbers(fmt: NumberFormat, values: np.ndarray) -> np.ndarray:
    plain, _ = fmt.to_plain(values)
    return np.asarray(
        pd.to_numeric(pd.Series(plain, dtype=object), errors="coerce"), dtype="float64"
    )


def describe_separator(sep: str | None) -> str:
    """Show a separator to a user: ``';'``, ``tab``."""
    if sep is None:
        return ""
    return "tab" if sep == "\t" else repr(sep)


def readable(paths: Sequence[Path]) -> list[Path]:
    """Return the paths among ``paths`` that :func:`read_file` can read (by suffix)."""
    return [p for p in paths if p.suffix.lower() in SUFFIXES]
