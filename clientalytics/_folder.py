"""A company's tables written as a folder of ``<table>.csv`` / ``<table>.parquet`` files.

:func:`write_folder` writes them; CSV text cells that a spreadsheet would run as a
formula get the escape of :func:`escape_formulas`, which :func:`unescape_formulas`
(called by :mod:`clientalytics.reading`) removes again. Reading a folder of any
exports is :mod:`clientalytics.intake`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

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
