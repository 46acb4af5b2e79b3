"""From a folder of exports to the raw tables of a company, saying how each file was read.

:func:`read_tables` reads every file of a folder (:mod:`clientalytics.reading`),
tells its table (by file name, the caller's mapping, a preset's identifying
headers, or the headers alone; :mod:`clientalytics.mapping`), renames its headers
to the table's columns, derives what a preset derives, and tells how the numbers
of each number column are written. The result feeds
:meth:`clientalytics.ClientBase.from_folder`, which validates the tables;
:func:`inspect_folder` reports the same facts per file, with the row counts and
first rejections, before any analysis runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clientalytics._parsing import (
    _DAY_FIRST,
    _EITHER,
    _MONTH_FIRST,
    _NOT_NUMERIC,
    NumberFormat,
    _split_dates,
)
from clientalytics.exceptions import ValidationError
from clientalytics.mapping import GENERATED, HeaderMap, check_mapping, map_headers, match_table
from clientalytics.presets import Preset, get_preset
from clientalytics.reading import (
    SUFFIXES,
    FileReading,
    describe_separator,
    detect_number_format,
    read_file,
)
from clientalytics.schema import SCHEMAS

__all__ = [
    "FILE_COLUMNS",
    "FolderInspection",
    "Intake",
    "TableFile",
    "inspect_folder",
    "read_tables",
]

PresetArg = str | Sequence[str] | None


@dataclass
class TableFile:
    """One file read as one table.

    Attributes
    ----------
    table : str
        The table.
    reading : FileReading
        How the file was read (format, encoding, separator, sheet) and its raw cells.
    header_map : HeaderMap
        Header -> column and how each was mapped; the unmapped headers.
    frame : pandas.DataFrame
        The table to validate: mapped columns under the table's names, unmapped
        ones under their own headers, derived columns added.
    number_formats : dict of str to NumberFormat
        How the text numbers of each number column are written.
    preset : str, optional
        The preset the file was read with.
    matched_by : str
        How the table was told: ``name``, ``mapping``, ``preset`` or ``headers``.
    generated : list of str
        Columns made by the reader (a transaction number from the row number).
    """

    table: str
    reading: FileReading
    header_map: HeaderMap
    frame: pd.DataFrame
    number_formats: dict[str, NumberFormat] = field(default_factory=dict)
    preset: str | None = None
    matched_by: str = "name"
    generated: list[str] = field(default_factory=list)


@dataclass
class Intake:
    """What :func:`read_tables` found in a folder.

    Attributes
    ----------
    files : dict of str to TableFile
        The file read for each table, by table name.
    unmatched : list of Path
        Files that were not read (not a table file type).
    dayfirst : bool, optional
        The day/month order the presets in use state (None when none does).
    merge_by_tax_id : bool
        Whether a preset in use asks to merge clients sharing a tax id.
    """

    files: dict[str, TableFile] = field(default_factory=dict)
    unmatched: list[Path] = field(default_factory=list)
    dayfirst: bool | None = None
    merge_by_tax_id: bool = False

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The table of each file, by table name."""
        return {name: f.frame for name, f in self.files.items()}

    @property
    def sources(self) -> dict[str, Path]:
        """The file of each table."""
        return {name: f.reading.path for name, f in self.files.items()}

    @property
    def number_formats(self) -> dict[str, dict[str, NumberFormat]]:
        """How the numbers of each table's number columns are written."""
        return {name: dict(f.number_formats) for name, f in self.files.items()}


def _presets(preset: PresetArg) -> list[Preset]:
    if preset is None:
        return []
    names = [preset] if isinstance(preset, str) else list(preset)
    return [get_preset(n) for n in names]


def _rename(frame: pd.DataFrame, header_map: HeaderMap) -> pd.DataFrame:
    taken = set(header_map.columns.values())
    names: dict[str, str] = {}
    for header in frame.columns:
        header = str(header)
        if header in header_map.columns:
            names[header] = header_map.columns[header]
        elif header in taken:
            names[header] = f"{header} (source)"  # its name went to another header
    out = frame.rename(columns=names)
    return out.reset_index(drop=True)


def _numbers(
    frame: pd.DataFrame, column: str, where: str, decimal: str | None, thousands: str | None
) -> tuple[pd.Series, NumberFormat | None]:
    values = frame[column]
    fmt = detect_number_format(
        values, decimal=decimal, thousands=thousands, where=f"{where}, column {column!r}"
    )
    if fmt is None:
        return pd.to_numeric(values, errors="coerce").astype("float64"), None
    plain, _ = fmt.to_plain(values.to_numpy(dtype=object))
    numbers = pd.to_numeric(pd.Series(plain, index=frame.index, dtype=object), errors="coerce")
    return numbers.astype("float64"), fmt


def _table_file(
    reading: FileReading,
    *,
    mapping: Mapping[str, Mapping[str, str]],
    presets: Sequence[Preset],
    decimal: str | None,
    thousands: str | None,
) -> TableFile:
    path = reading.path
    where = str(path)
    headers = [str(c) for c in reading.frame.columns]
    by_file = mapping.get("files", {})
    preset = next((p for p in presets if p.matches(headers)), None)
    table: str | None = None
    matched_by = "name"
    if path.stem in SCHEMAS:
        table = path.stem
    elif path.name in by_file:
        table, matched_by = by_file[path.name], "mapping"
    elif preset is not None:
        table, matched_by = preset.table, "preset"
    if table is not None and (preset is None or preset.table != table):
        preset = None
    if table is None:
        header_map = match_table(headers, mapping=mapping, where=where)
        table, matched_by = header_map.table, "headers"
    else:
        header_map = map_headers(
            headers,
            table,
            mapping=mapping.get(table),
            preset=preset.columns if preset else None,
            where=where,
        )
    frame = _rename(reading.frame, header_map)
    formats: dict[str, NumberFormat] = {}
    if preset is not None and preset.prepare is not None:

        def numbers(column: str) -> pd.Series:
            return _numbers(frame, column, where, decimal, thousands)[0]

        frame = preset.prepare(frame, numbers)
    generated = []
    for column in sorted(GENERATED.get(table, ())):
        if column not in frame:
            frame[column] = [str(i + 1) for i in range(len(frame))]
            generated.append(column)
    schema = SCHEMAS[table]
    for col in schema.columns:
        if col.kind in ("float", "int") and col.name in frame:
            fmt = detect_number_format(
                frame[col.name],
                decimal=decimal,
                thousands=thousands,
                where=f"{where}, column {_source(header_map, col.name)!r} ({table}.{col.name})",
            )
            if fmt is not None and fmt != NumberFormat():
                formats[col.name] = fmt
    return TableFile(
        table,
        reading,
        header_map,
        frame,
        number_formats=formats,
        preset=preset.name if preset else None,
        matched_by=matched_by,
        generated=generated,
    )


def _source(header_map: HeaderMap, column: str) -> str:
    return next((h for h, c in header_map.columns.items() if c == column), column)


def _folder_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise ValidationError(f"data folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise ValidationError(f"data path {str(folder)!r} is a file, not a folder of table files")
    return [p for p in sorted(folder.iterdir()) if not p.name.startswith(".") and not p.is_dir()]


def read_tables(
    folder: str | Path,
    *,
    mapping: Mapping[str, Any] | None = None,
    preset: PresetArg = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
) -> Intake:
    """Read every table file of ``folder`` and tell its table.

    Parameters
    ----------
    folder : str or Path
        The data folder.
    mapping : mapping, optional
        ``{table: {source header: column}}``, and ``{"files": {file name: table}}``
        (see :func:`clientalytics.mapping.check_mapping`).
    preset : str or sequence of str, optional
        Names of :data:`clientalytics.presets.PRESETS` to apply to matching files.
    encoding, sep, sheet
        Reading options of every file (see :func:`clientalytics.reading.read_file`).
    decimal, thousands
        Number format of every text number column (see
        :func:`clientalytics.reading.detect_number_format`).

    Returns
    -------
    Intake

    Raises
    ------
    ValidationError
        If the folder is missing, a file cannot be read or matched, or two files
        hold one table.
    """
    folder = Path(folder)
    checked = check_mapping(mapping)
    presets = _presets(preset)
    intake = Intake(
        dayfirst=next((p.dayfirst for p in presets if p.dayfirst is not None), None),
        merge_by_tax_id=any(p.merge_by_tax_id for p in presets),
    )
    found: dict[str, list[TableFile]] = {}
    for path in _folder_files(folder):
        if path.suffix.lower() not in SUFFIXES:
            intake.unmatched.append(path)
            continue
        try:
            reading = read_file(path, encoding=encoding, sep=sep, sheet=sheet)
        except ValidationError as exc:
            if exc.table is None and path.stem in SCHEMAS:
                exc.table = path.stem
            raise
        tf = _table_file(
            reading, mapping=checked, presets=presets, decimal=decimal, thousands=thousands
        )
        found.setdefault(tf.table, []).append(tf)
    for name, files in found.items():
        if len(files) > 1:
            listed = " and ".join(f.reading.path.name for f in files)
            raise ValidationError(
                f"data folder {str(folder)!r} holds table {name!r} twice ({listed}); "
                "keep one file per table",
                table=name,
            )
        intake.files[name] = files[0]
    for table, headers in checked.items():
        if table != "files" and headers and table not in intake.files:
            read = {f.reading.path.name: name for name, f in intake.files.items()}
            raise ValidationError(
                f"the mapping names table {table!r} (headers {sorted(headers)}), but no file "
                f"of {str(folder)!r} holds it (read: {read}); check the header names, or say "
                "the file's table with mapping={'files': {file: table}}"
            )
    return intake


# ------------------------------------------------------------------- inspection

#: Columns of :attr:`FolderInspection.files`.
FILE_COLUMNS = [
    "file",
    "table",
    "matched_by",
    "preset",
    "format",
    "encoding",
    "separator",
    "sheet",
    "numbers",
    "dates",
    "rows_in",
    "kept",
    "rejected",
    "error",
]


def _date_shape(values: pd.Series, dayfirst: bool | None, date_format: object) -> str:
    if isinstance(date_format, str):
        return f"given {date_format}"
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "typed dates"
    text = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not text:
        return "typed dates" if values.notna().any() else "empty"
    fields = _split_dates(np.asarray(pd.unique(np.asarray(text, dtype=object)), dtype=object))
    shape = fields.shape
    if (shape == _NOT_NUMERIC).all():
        return "yyyy-mm-dd"
    day, month = bool((shape == _DAY_FIRST).any()), bool((shape == _MONTH_FIRST).any())
    if dayfirst is True or (day and not month):
        order = "dd.mm.yyyy" + ("" if day else " (given day first)")
    elif dayfirst is False or (month and not day):
        order = "mm/dd/yyyy" + ("" if month else " (given month first)")
    elif day and month:
        order = "mixed day/month order"
    elif (shape == _EITHER).any():
        order = "day/month order not settled"
    else:
        order = "unrecognised"
    return order


@dataclass
class FolderInspection:
    """What :func:`inspect_folder` found, file by file.

    Attributes
    ----------
    files : pandas.DataFrame
        One row per file with the columns of :data:`FILE_COLUMNS`: ``file``,
        ``table``, ``matched_by`` (name/mapping/preset/headers), ``preset``,
        ``format``, ``encoding``, ``separator``, ``sheet``, ``numbers`` (the number
        format of each number column), ``dates`` (the date order of each date
        column), ``rows_in``, ``kept``, ``rejected`` and ``error`` (why the file or
        the folder could not be used; empty otherwise).
    columns : pandas.DataFrame
        One row per file and source header: ``file``, ``header``, ``column`` (empty
        when unmapped), ``how`` (``mapping``, ``preset``, ``exact``, ``synonym``,
        ``generated`` or ``unmapped``).
    rejections : pandas.DataFrame
        The first rejected rows of each table (``table``, ``row``, ``column``,
        ``reason``, ``value``).
    base : ClientBase or None
        The validated client base, when the folder loads.
    """

    files: pd.DataFrame
    columns: pd.DataFrame
    rejections: pd.DataFrame
    base: Any = None

    def to_text(self) -> str:
        """Return the inspection as lines of text, as ``clientalytics inspect`` prints it."""
        lines: list[str] = []
        for rec in self.files.to_dict("records"):
            lines.append(f"{rec['file']}: table {rec['table'] or '?'} (by {rec['matched_by']})")
            how = ", ".join(
                f"{k} {rec[k]}"
                for k in ("preset", "format", "encoding", "separator", "sheet")
                if rec[k]
            )
            lines.append(f"  read as {how}")
            if rec["numbers"]:
                lines.append(f"  numbers: {rec['numbers']}")
            if rec["dates"]:
                lines.append(f"  dates: {rec['dates']}")
            mine = self.columns[self.columns["file"] == rec["file"]]
            mapped = [f"{r.header} -> {r.column} ({r.how})" for r in mine.itertuples() if r.column]
            unmapped = [str(r.header) for r in mine.itertuples() if not r.column]
            if mapped:
                lines.append("  columns: " + "; ".join(mapped))
            if unmapped:
                lines.append("  kept unmapped: " + ", ".join(unmapped))
            if rec["error"]:
                lines.append(f"  error: {rec['error']}")
            else:
                lines.append(
                    f"  rows: {rec['rows_in']} in, {rec['kept']} kept, {rec['rejected']} rejected"
                )
                bad = self.rejections[self.rejections["table"] == rec["table"]]
                for r in bad.head(5).itertuples():
                    lines.append(f"    row {r.row}, {r.column}: {r.reason} ({r.value!r})")
        return "\n".join(lines)


def _numbers_text(tf: TableFile, decimal: str | None, thousands: str | None) -> str:
    parts = []
    for col in SCHEMAS[tf.table].columns:
        if col.kind not in ("float", "int") or col.name not in tf.frame:
            continue
        fmt = tf.number_formats.get(col.name)
        if fmt is not None:
            parts.append(f"{col.name}: {fmt.describe()}")
        elif pd.api.types.is_numeric_dtype(tf.frame[col.name].dtype):
            parts.append(f"{col.name}: typed")
        else:
            parts.append(f"{col.name}: decimal '.', thousands none")
    return "; ".join(parts)


def inspect_folder(
    path: str | Path,
    *,
    mapping: Mapping[str, Any] | None = None,
    preset: PresetArg = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    date_format: str | Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    observation_end: pd.Timestamp | str | None = None,
    max_rejections: int = 10,
    **options: Any,
) -> FolderInspection:
    """Say how every file of a folder is read, before any analysis runs.

    Parameters
    ----------
    path : str or Path
        The data folder.
    mapping, preset, encoding, sep, sheet, decimal, thousands
        As for :func:`read_tables`.
    date_format, dayfirst, observation_end
        As for :class:`~clientalytics.ClientBase`.
    max_rejections : int
        Rejected rows shown per table.
    **options
        Further options of :meth:`~clientalytics.ClientBase.from_folder`
        (``vat_included``, ``vat_rate``, ``currency``, ...).

    Returns
    -------
    FolderInspection
        Never raises for a file or folder that cannot be used: the reason is in
        ``files["error"]``. A missing folder still raises
        :class:`~clientalytics.exceptions.ValidationError`.
    """
    from clientalytics.clientbase import ClientBase

    folder = Path(path)
    files = _folder_files(folder)
    rows: list[dict[str, Any]] = []
    column_rows: list[dict[str, Any]] = []
    checked = check_mapping(mapping)
    presets = _presets(preset)
    order = dayfirst
    if order is None:
        order = next((p.dayfirst for p in presets if p.dayfirst is not None), None)
    for file in files:
        row: dict[str, Any] = dict.fromkeys(FILE_COLUMNS, "")
        row["file"] = file.name
        rows.append(row)
        if file.suffix.lower() not in SUFFIXES:
            row["error"] = f"not read: {file.suffix or 'no'} is not a table file type"
            continue
        try:
            reading = read_file(file, encoding=encoding, sep=sep, sheet=sheet)
            row.update(
                format=reading.format,
                encoding=reading.encoding or "",
                separator=describe_separator(reading.separator),
                sheet=reading.sheet or "",
            )
            tf = _table_file(
                reading, mapping=checked, presets=presets, decimal=decimal, thousands=thousands
            )
        except ValidationError as exc:
            row["error"] = str(exc)
            continue
        row.update(table=tf.table, matched_by=tf.matched_by, preset=tf.preset or "")
        row["numbers"] = _numbers_text(tf, decimal, thousands)
        fmt_of = date_format
        dates = []
        for col in SCHEMAS[tf.table].columns:
            if col.kind == "datetime" and col.name in tf.frame:
                given = fmt_of.get(col.name) if isinstance(fmt_of, Mapping) else fmt_of
                dates.append(f"{col.name}: {_date_shape(tf.frame[col.name], order, given)}")
        row["dates"] = "; ".join(dates)
        for header in reading.frame.columns:
            header = str(header)
            column_rows.append(
                {
                    "file": file.name,
                    "header": header,
                    "column": tf.header_map.columns.get(header, ""),
                    "how": tf.header_map.sources.get(header, "unmapped"),
                }
            )
        for column in tf.generated:
            column_rows.append(
                {"file": file.name, "header": "", "column": column, "how": "generated"}
            )
    base = None
    rejections = pd.DataFrame(columns=["table", "row", "column", "reason", "value"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base = ClientBase.from_folder(
                folder,
                mapping=mapping,
                preset=preset,
                encoding=encoding,
                sep=sep,
                sheet=sheet,
                decimal=decimal,
                thousands=thousands,
                date_format=date_format,
                dayfirst=dayfirst,
                observation_end=observation_end,
                **options,
            )
    except ValidationError as exc:
        for row in rows:
            if row["table"] and not row["error"]:
                row["error"] = f"the folder cannot be loaded: {exc}"
    if base is not None:
        counts = base.row_counts
        for row in rows:
            if row["table"] and row["table"] in counts.index:
                row["rows_in"] = int(counts.loc[row["table"], "rows_in"])
                row["kept"] = int(counts.loc[row["table"], "kept"])
                row["rejected"] = int(counts.loc[row["table"], "rejected"])
        parts = [
            r.rejected.drop_duplicates("row").head(max_rejections)
            for r in base.validation.values()
            if len(r.rejected)
        ]
        if parts:
            rejections = pd.concat(parts, ignore_index=True)
    return FolderInspection(
        files=pd.DataFrame(rows, columns=FILE_COLUMNS),
        columns=pd.DataFrame(column_rows, columns=["file", "header", "column", "how"]),
        rejections=rejections,
        base=base,
    )
