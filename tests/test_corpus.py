"""Bad-input corpus: every folder under tests/corpus/cases ends as cases.toml says.

Each case is read with ``ClientBase.from_folder`` (or given to the CLI) and checked
against its manifest entry: the exact rejected rows and their reasons, the error
fragments, rows in = kept + rejected for every table, and every kept cell equal to
its source value as read here independently (csv module, pyarrow, explicit strptime
formats), not by the library's own parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import math
import re
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.cli import main
from clientalytics.clientbase import TABLES
from clientalytics.schema import SCHEMAS

CORPUS = Path(__file__).parent / "corpus"
CASES_DIR = CORPUS / "cases"
MANIFEST: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["cases"]
FOLDER_CASES = [c for c in MANIFEST if c["interface"] == "folder"]
CLI_CASES = [c for c in MANIFEST if c["interface"] == "cli"]

ISO_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
TRUE_TEXT = {"true", "yes", "1"}
FALSE_TEXT = {"false", "no", "0"}
DANGEROUS_START = ("=", "+", "-", "@")
MISSING = object()


# ------------------------------------------------------------ independent reading
def read_source(folder: Path, meta: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of one source file, read with the csv module or pyarrow."""
    path = folder / meta["name"]
    if meta["format"] == "parquet":
        table = pq.read_table(path)
        return table.column_names, table.to_pylist()
    text = path.read_bytes().decode(meta["encoding"])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=meta["sep"]))
    header = rows[0]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def source_tables(case: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Source rows of every table file of a case, by table name."""
    folder = CASES_DIR / case["name"]
    out = {}
    for meta in case["files"]:
        stem, _, suffix = meta["name"].partition(".")
        if stem in TABLES and suffix in ("csv", "parquet") and meta["format"] != "other":
            out[stem] = read_source(folder, meta)
    return out


def _offset(text: str) -> dt.timedelta:
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes))


def reference_date(value: Any, spec: dict[str, Any]) -> dt.datetime:
    """The naive UTC moment a source date means, by the case's stated formats."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    formats = spec.get("formats", ISO_FORMATS)
    for fmt in formats:
        try:
            moment = dt.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            return moment.astimezone(dt.UTC).replace(tzinfo=None)
        if "utc_offset" in spec:
            return moment - _offset(spec["utc_offset"])
        return moment
    raise AssertionError(f"source date {value!r} matches none of the formats {formats}")


def reference_number(value: Any, spec: dict[str, Any]) -> float:
    """A source number as the case's ``numbers`` spec says it is written."""
    if not isinstance(value, str):
        return float(value)
    text = value.strip()
    thousands = spec.get("thousands")
    if thousands == " ":
        text = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    elif thousands:
        text = text.replace(thousands, "")
    if spec.get("decimal", ".") == ",":
        text = text.replace(",", ".")
    return float(text)


def reference_value(kind: str, value: Any, spec: dict[str, Any]) -> Any:
    """What the kept cell must equal, given its source value and column kind."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if kind == "id":
        if isinstance(value, float):
            assert value.is_integer(), f"fractional id {value!r} was kept"
            return str(int(value))
        return str(value).strip()
    if kind == "string":
        return value.strip()
    if kind == "category":
        return value.strip().lower().replace(" ", "_").replace("-", "_")
    if kind in ("float", "int"):
        return reference_number(value, spec)
    if kind == "bool":
        text = value.strip().lower()
        assert text in TRUE_TEXT | FALSE_TEXT, f"odd yes/no value {value!r} was kept"
        return text in TRUE_TEXT
    return reference_date(value, spec)


def assert_cell(table: str, row: Any, column: str, kind: str, kept: Any, expected: Any) -> None:
    where = f"{table} row {row} column {column}: kept {kept!r}, source means {expected!r}"
    if expected is MISSING:
        assert kept is None or pd.isna(kept), where
        return
    assert not (kept is None or pd.isna(kept)), where
    if kind in ("float", "int"):
        assert float(kept) == expected, where
    elif kind == "bool":
        assert bool(kept) is expected, where
    elif kind == "datetime":
        assert pd.Timestamp(kept) == pd.Timestamp(expected), where
    else:
        assert isinstance(kept, str) and kept == expected, where


def assert_kept_cells_equal_source(case: dict[str, Any], base: ClientBase) -> None:
    dates = case.get("dates", {})
    numbers = case.get("numbers", {})
    for table, (header, rows) in source_tables(case).items():
        kept = getattr(base, table)
        schema = SCHEMAS[table]
        for label in kept.index:
            source = rows[label]
            for col in schema.columns:
                if col.name not in header:
                    continue
                key = f"{table}.{col.name}"
                spec = numbers.get(key, {}) if col.kind in ("float", "int") else dates.get(key, {})
                expected = reference_value(col.kind, source[col.name], spec)
                assert_cell(table, label, col.name, col.kind, kept.at[label, col.name], expected)


# ------------------------------------------------------------------ outcomes
def _matches(text: str, alternatives: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in alternatives)


def check_error(spec: dict[str, Any], error: BaseException | None, base: Any) -> None:
    assert error is not None, f"expected a ValidationError, but the folder loaded: {base!r}"
    assert isinstance(error, ValidationError), f"{type(error).__name__}: {error}"
    message = str(error)
    for group in spec["error"]:
        assert _matches(message, group), f"message lacks any of {group}: {message!r}"
    for wrong in spec.get("error_not", []):
        assert wrong not in message, f"message names {wrong!r}: {message!r}"


def check_loaded(
    case: dict[str, Any],
    spec: dict[str, Any],
    base: ClientBase | None,
    error: BaseException | None,
    caught: list[warnings.WarningMessage],
) -> None:
    if error is not None:
        raise AssertionError(f"expected the folder to load: {type(error).__name__}: {error}")
    assert base is not None
    counts = base.row_counts
    assert (counts["rows_in"] == counts["kept"] + counts["rejected"]).all(), counts
    for table, (_, rows) in source_tables(case).items():
        assert counts.loc[table, "rows_in"] == len(rows), (table, counts.loc[table].to_dict())

    rejected = base.rejections
    actual = {(t, int(r)) for t, r in zip(rejected["table"], rejected["row"], strict=True)}
    expected = {(r["table"], r["row"]) for r in spec.get("reasons", [])}
    assert actual == expected, (
        f"rejected rows {sorted(actual)} != expected {sorted(expected)}\n" + rejected.to_string()
    )
    for want in spec.get("reasons", []):
        mine = rejected[
            (rejected["table"] == want["table"])
            & (rejected["row"].astype(int) == want["row"])
            & rejected["column"].isin(
                [c for c in rejected["column"] if want["column"] in c.split(", ")]
            )
        ]
        assert any(_matches(reason, want["reason"]) for reason in mine["reason"]), (
            f"{want}: reasons given {list(mine['reason'])} "
            f"(all for that row: {rejected[rejected['row'].astype(int) == want['row']].values})"
        )
    assert_kept_cells_equal_source(case, base)
    if "observation_end" in case:
        assert base.observation_end == pd.Timestamp(case["observation_end"])

    messages = [str(w.message) for w in caught]
    for group in case.get("warns", []):
        assert any(_matches(m, group) for m in messages), f"no warning names {group}: {messages}"
    stray = [m for m in messages if not any(_matches(m, g) for g in case.get("warns", []))]
    assert not stray, f"unexpected warnings: {stray}"


def check_roundtrip(base: ClientBase, tmp_path: Path) -> None:
    out = tmp_path / "export"
    base.to_folder(out)
    for table in TABLES:
        text_columns = [c.name for c in SCHEMAS[table].columns if c.kind == "string"]
        with (out / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in text_columns:
                    cell = row.get(column) or ""
                    assert not cell.startswith(DANGEROUS_START), (table, column, cell)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = ClientBase.from_folder(out)
    assert back.rejections.empty, back.rejections.to_string()
    for table in TABLES:
        before, after = getattr(base, table), getattr(back, table)
        assert len(before) == len(after), table
        for col in SCHEMAS[table].columns:
            if col.kind != "string":
                continue
            for a, b in zip(before[col.name], after[col.name], strict=True):
                if a is None or pd.isna(a):
                    assert b is None or pd.isna(b)
                    continue
                # The export neutralises formula-like cells with a documented prefix.
                assert b == a or b == "'" + a or b.strip() == a, (table, col.name, a, b)


def load(
    case: dict[str, Any],
) -> tuple[ClientBase | None, BaseException | None, list[warnings.WarningMessage]]:
    folder = CASES_DIR / case["name"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            base = ClientBase.from_folder(folder, **case.get("options", {}))
        except Exception as exc:  # judged against the manifest below
            return None, exc, list(caught)
    return base, None, list(caught)


def check_outcome(
    case: dict[str, Any],
    spec: dict[str, Any],
    base: ClientBase | None,
    error: BaseException | None,
    caught: list[warnings.WarningMessage],
    tmp_path: Path,
) -> None:
    if spec["outcome"] == "error":
        check_error(spec, error, base)
        return
    check_loaded(case, spec, base, error, caught)
    if case.get("roundtrip"):
        check_roundtrip(base, tmp_path)


@pytest.mark.parametrize("case", FOLDER_CASES, ids=[c["name"] for c in FOLDER_CASES])
def test_folder_case(case: dict[str, Any], tmp_path: Path) -> None:
    base, error, caught = load(case)
    try:
        check_outcome(case, case, base, error, caught, tmp_path)
    except AssertionError as first:
        alternative = case.get("alternative")
        if alternative is None:
            raise
        try:
            check_outcome(case, alternative, base, error, caught, tmp_path)
        except AssertionError as second:
            raise AssertionError(
                f"neither outcome holds:\n  {case['outcome']}: {first}\n"
                f"  {alternative['outcome']}: {second}"
            ) from None


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_cli_case(case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = CASES_DIR / case["name"]
    extra = [a.replace("{case}", str(folder)) for a in case["cli"]]
    args = ["report"]
    if "--data" not in extra:
        args += ["--data", str(folder)]
    output = tmp_path / "report.html"
    if "--output" not in extra:
        args += ["--output", str(output)]
    args += ["--quiet", *extra]
    with warnings.catch_warnings(record=True):
        # A warning is printed to the user, not raised, when the CLI runs for real.
        warnings.simplefilter("always")
        try:
            status = main(args)
        except SystemExit as exc:
            status = exc.code
        except Exception as exc:
            pytest.fail(f"traceback instead of an error message: {type(exc).__name__}: {exc}")
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case["outcome"] == "error":
        assert status == 2, (status, out, err)
        assert "clientalytics: error:" in err, err
        for group in case["error"]:
            assert _matches(err, group), f"message lacks any of {group}: {err!r}"
    else:
        assert status == 0, (status, out, err)
        assert output.stat().st_size > 0
        undefined = re.findall(r"(?i)\b(?:nan|inf)\b[^\n]*", out)
        assert not undefined, f"the report prints undefined values: {undefined}"


# ------------------------------------------------------------------ the corpus
def test_corpus_covers_the_classes_and_stays_small() -> None:
    names = [c["name"] for c in MANIFEST]
    assert len(names) == len(set(names)) >= 60
    assert sorted(p.name for p in CASES_DIR.iterdir()) == sorted(names)
    for case in MANIFEST:
        on_disk = sorted(p.name for p in (CASES_DIR / case["name"]).iterdir())
        assert on_disk == sorted(f["name"] for f in case["files"]), case["name"]
        assert case["outcome"] in ("rejected", "error", "handled")
        assert (case["outcome"] == "rejected") == bool(case.get("reasons")), case["name"]
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 1_000_000


def _tree(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_script_reproduces_the_committed_corpus(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    module.build(tmp_path)
    committed = {
        k: v
        for k, v in _tree(CORPUS).items()
        if k.startswith("cases/") or k in ("cases.toml", "README.md")
    }
    rebuilt = _tree(tmp_path)
    assert sorted(committed) == sorted(rebuilt)
    for name, path in rebuilt.items():
        if name.endswith(".parquet"):
            a, b = pq.read_table(path), pq.read_table(committed[name])
            assert a.schema.remove_metadata() == b.schema.remove_metadata(), name
            assert repr(a.to_pylist()) == repr(b.to_pylist()), name
        else:
            assert path.read_bytes() == committed[name].read_bytes(), name
