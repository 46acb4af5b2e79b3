"""A company's tables as a folder of ``<table>.csv`` / ``<table>.parquet`` files.

Reading is strict about what it cannot know: two files for one table, or a CSV
header that names a column twice, raise
:class:`~clientalytics.exceptions.ValidationError`; files that match no table are
listed so the caller can say so. CSV cells are read as text, unchanged (a NUL byte
inside a cell is kept whole, so that the validator rejects it), except for the formula escape
that :func:`write_folder` adds on export and :func:`read_table_file` removes again.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from clientalytics.exceptions import ValidationError

FileFormat = Literal["csv", "parquet"]

#: File suffixes read as tables.
SUFFIXES: tuple[str, ...] = (".csv", ".parquet")

#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = "=+-@\t\r"

#: Prefix written before such a cell (and before a cell that already starts with it).
ESCAPE = "'"

_NEEDS_ESCAPE = "[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS + ESCAPE)
_NEEDS_ESCAPE += "]"
_ESCAPED = ESCAPE + _NEEDS_ESCAPE


@dataclass
class FolderContents:
    """What :func:`read_folder` found.

    Attributes
    ----------
    frames : dict of str to pandas.DataFrame
        The raw table of each file read, by table name.
    sources : dict of str to Path
        The file each table was read from.
    unmatched : list of Path
        Files of the folder that match no table name (hidden files excluded).
    """

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    unmatched: list[Path] = field(default_factory=list)


def read_folder(folder: Path, tables: Sequence[str]) -> FolderContents:
    """Read every ``<table>.csv`` or ``<table>.parquet`` file of ``folder``.

    Parameters
    ----------
    folder : Path
        The data folder.
    tables : sequence of str
        Known table names.

    Returns
    -------
    FolderContents
        Raw frames, the file read for each table, and the files that match no table.

    Raises
    ------
    ValidationError
        If ``folder`` is missing or not a folder, if a table has both a CSV and a
        Parquet file, or if a file cannot be read.
    """
    if not folder.exists():
        raise ValidationError(f"data folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise ValidationError(f"data path {str(folder)!r} is a file, not a folder of table files")
    found: dict[str, list[Path]] = {}
    contents = FolderContents()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix in SUFFIXES and path.stem in tables:
            found.setdefault(path.stem, []).append(path)
        else:
            contents.unmatched.append(path)
    for name in tables:
        paths = found.get(name, [])
        if len(paths) > 1:
            listed = " and ".join(p.name for p in paths)
            raise ValidationError(
                f"data folder {str(folder)!r} holds table {name!r} twice ({listed}); "
                "keep one file per table",
                table=name,
            )
        if paths:
            contents.frames[name] = read_table_file(paths[0], table=name)
            contents.sources[name] = paths[0]
    return contents


def read_table_file(path: Path, *, table: str | None = None) -> pd.DataFrame:
    """Read one table file: Parquet as stored, CSV as text.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.parquet`` file.
    table : str, optional
        Table name, for error messages.

    Returns
    -------
    pandas.DataFrame
        The raw table. CSV cells are strings (empty cells missing), with the
        formula escape of :func:`escape_formulas` removed.

    Raises
    ------
    ValidationError
        If the file cannot be read or its header repeats a column name.
    """
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return _read_csv(path, table)
    except ValidationError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValidationError(f"cannot read {str(path)!r}: {exc}", table=table) from exc
    except Exception as exc:  # pyarrow raises its own error classes
        raise ValidationError(
            f"cannot read {str(path)!r}: {type(exc).__name__}: {exc}", table=table
        ) from exc


def _read_csv(path: Path, table: str | None) -> pd.DataFrame:
    data = path.read_bytes()
    # The C parser ends a cell at a NUL byte and drops the rest of it silently; the
    # Python parser keeps the whole cell, so the row can be rejected with a reason.
    engine: Literal["c", "python"] = "python" if b"\x00" in data else "c"
    header = _parse_csv(data, engine, header_only=True)
    names = [str(v) for v in header.iloc[0].tolist()] if len(header) else []
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationError(
            f"cannot read {str(path)!r}: column name(s) {repeated} appear more than once in "
            "the header; keep one column per name",
            table=table,
            column=repeated[0],
        )
    frame = _parse_csv(data, engine, header_only=False)
    if ESCAPE.encode() in data:
        frame = unescape_formulas(frame)
    return frame


def _parse_csv(data: bytes, engine: Literal["c", "python"], *, header_only: bool) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data),
        header=None if header_only else "infer",
        nrows=1 if header_only else None,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8-sig",
        engine=engine,
    )


def _text_mask(values: pd.Series, pattern: str) -> pd.Series | None:
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return None
    try:
        mask = values.str.match(pattern, na=False)
    except AttributeError:  # an object column holding no text at all
        return None
    return mask.astype(bool)


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    for name in frame.columns:
        values = frame[name]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        try:
            if values.str.contains("\r", regex=False, na=False).any():
                return True
        except AttributeError:  # an object column holding no text at all
            continue
    return False


def _rewrite_text(
    frame: pd.DataFrame,
    pattern: str,
    rewrite: Callable[[pd.Series, pd.Series], pd.Series],
) -> pd.DataFrame:
    """Replace the text cells matching ``pattern`` by ``rewrite(values, mask)``.

    Returns ``frame`` itself when no cell matches, else a copy.
    """
    out = frame
    for name in frame.columns:
        values = frame[name]
        mask = _text_mask(values, pattern)
        if mask is None or not mask.any():
            continue
        if out is frame:
            out = frame.copy()
        out[name] = values.where(~mask, rewrite(values, mask))
    return out


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with ``'``.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading ``'`` (which Excel and LibreOffice hide and read as "text"), and so
    does a text cell that already starts with ``'``, so that
    :func:`unescape_formulas` restores every value exactly. Numbers, dates and
    missing cells are not touched.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table about to be written as CSV.

    Returns
    -------
    pandas.DataFrame
        A copy with the text cells escaped (``frame`` itself when nothing needs it).
    """
    return _rewrite_text(
        frame, _NEEDS_ESCAPE, lambda values, mask: ESCAPE + values.astype(object).where(mask, "")
    )


def unescape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`escape_formulas`: drop the ``'`` before an escaped text cell.

    Only a ``'`` followed by one of the escaped first characters (or by another
    ``'``) is removed; ``'abc`` stays ``'abc``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table as read from CSV.

    Returns
    -------
    pandas.DataFrame
        A copy with the escape removed (``frame`` itself when there is none).
    """
    return _rewrite_text(frame, _ESCAPED, lambda values, mask: values.str[1:])


def write_folder(
    tables: Mapping[str, pd.DataFrame], folder: Path, *, file_format: FileFormat = "csv"
) -> dict[str, Path]:
    r"""Write each table to ``folder/<table>.<file_format>``.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Tables by name.
    folder : Path
        Destination folder, created if needed.
    file_format : {"csv", "parquet"}
        CSV text cells are escaped with :func:`escape_formulas`, lines end with
        ``\n`` (``\r\n`` in a table with a carriage return inside a text cell,
        so that the cell is quoted); Parquet is written as held.

    Returns
    -------
    dict of str to Path
        The file written for each table.
    """
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be 'csv' or 'parquet', got {file_format!r}")
    for name in tables:
        other = folder / f"{name}.{'parquet' if file_format == 'csv' else 'csv'}"
        if other.exists():
            raise FileExistsError(
                f"{str(other)!r} already holds table {name!r}; writing {name}.{file_format} "
                "next to it would make the folder ambiguous (remove it or use another folder)"
            )
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, frame in tables.items():
        path = folder / f"{name}.{file_format}"
        if file_format == "csv":
            # The csv writer quotes a cell holding a carriage return only when the line
            # end contains one; such a table gets CRLF line ends, every other LF.
            end = "\r\n" if _has_carriage_return(frame) else "\n"
            escape_formulas(frame).to_csv(path, index=False, lineterminator=end)
        else:
            frame.to_parquet(path, index=False)
        written[name] = path
    return written
