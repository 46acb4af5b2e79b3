"""Hand-made exports of 1C, Bitrix24, amoCRM, Excel and UCI: read cell by cell as written.

``tests/data/make_exports.py`` writes each export folder and keeps the truth: the
rows a correct reader keeps, with every value in the table's terms, and the rows it
rejects. Each folder is built afresh in a temporary folder, read with
``ClientBase.from_folder`` and the options the export needs, and compared.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.cli import main

DATA = Path(__file__).parent / "data"


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_exports", DATA / "make_exports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


GEN = _load_generator()
GOOD = [b.__name__ for b in GEN.BUILDERS]
BAD = [e.name for e in GEN.bad_exports()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("exports")
    exports = GEN.build(root)
    return root, {e.name: e for e in exports}


def _load(root: Path, export: Any) -> ClientBase:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ClientBase.from_folder(root / export.name, **export.options)


def _same(kept: Any, expected: Any) -> bool:
    if expected is None:
        return kept is None or pd.isna(kept)
    if kept is None or (not isinstance(kept, str) and pd.isna(kept)):
        return False
    if isinstance(expected, float):
        return abs(float(kept) - expected) <= 1e-9 * max(1.0, abs(expected))
    if hasattr(expected, "year"):
        return pd.Timestamp(kept) == pd.Timestamp(expected)
    return bool(kept == expected)


@pytest.mark.parametrize("builder", GOOD)
def test_every_kept_cell_equals_what_was_written(
    builder: str, built: tuple[Path, dict[str, Any]]
) -> None:
    root, exports = built
    export = exports[getattr(GEN, builder)().name]
    base = _load(root, export)
    counts = base.row_counts
    assert (counts["rows_in"] == counts["kept"] + counts["rejected"]).all()
    for table, n in export.rows_in.items():
        assert counts.loc[table, "rows_in"] == n, table
    for table, rows in export.kept.items():
        frame = getattr(base, table)
        assert list(frame.index) == [label for label, _ in rows], table
        for label, cells in rows:
            for column, expected in cells.items():
                kept = frame.at[label, column]
                assert _same(kept, expected), (table, label, column, kept, expected)
    rejected = base.rejections
    for table in export.rows_in:
        mine = rejected[rejected["table"] == table]
        want = export.rejected.get(table, {})
        assert sorted(int(r) for r in mine["row"].unique()) == sorted(want), table
        for row, reason in want.items():
            reasons = mine[mine["row"].astype(int) == row]["reason"]
            assert any(reason in r for r in reasons), (table, row, list(reasons))


def test_the_1c_branch_is_merged_into_its_firm_by_inn(built: tuple[Path, dict[str, Any]]) -> None:
    root, exports = built
    base = _load(root, exports["1c"])
    merged = base.merged_clients
    assert merged[["tax_id", "client_id", "merged_id"]].values.tolist() == [
        ["6605678905", "ООО «Альфа-Склад»", "Альфа-Склад ООО (филиал Тюмень)"]
    ]
    # The branch's orders now belong to the firm.
    assert "Альфа-Склад ООО (филиал Тюмень)" not in set(base.transactions["client_id"])


def test_vat_is_converted_once_and_recorded(built: tuple[Path, dict[str, Any]]) -> None:
    root, exports = built
    base = _load(root, exports["unicode_text"])
    assert (base.vat_included, base.vat_rate, base.currency) == (True, 0.2, "RUB")
    first = exports["unicode_text"].kept["transactions"][0][1]
    assert base.transactions["revenue"].iloc[0] == pytest.approx(first["revenue"])


def test_orders_only_loads_without_variable_cost(built: tuple[Path, dict[str, Any]]) -> None:
    root, exports = built
    base = _load(root, exports["orders_only"])
    assert base.transactions["variable_cost"].isna().all()
    assert len(base.clients) == len(GEN.CLIENTS)
    assert any("numbered by its row" in note for note in base.notes)


@pytest.mark.parametrize("name", BAD)
def test_bad_exports_are_refused_naming_file_and_column(
    name: str, built: tuple[Path, dict[str, Any]]
) -> None:
    root, exports = built
    export = exports[name]
    with pytest.raises(ValidationError) as info:
        _load(root, export)
    for fragment in export.error:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize("name", BAD)
def test_the_cli_inspects_bad_exports_without_a_traceback(
    name: str, built: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, exports = built
    args = ["inspect", str(root / name)]
    mapping = exports[name].options.get("mapping")
    if mapping:
        path = root / f"{name}.json"
        path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
        args += ["--mapping", str(path)]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "error:" in out + err


def test_committed_text_exports_are_what_the_generator_writes(
    built: tuple[Path, dict[str, Any]],
) -> None:
    root, exports = built
    committed = DATA / "exports"
    assert json.loads((committed / "options.json").read_text("utf-8")) == json.loads(
        (root / "options.json").read_text("utf-8")
    )
    for export in exports.values():
        on_disk = sorted(p.name for p in (committed / export.name).iterdir())
        assert on_disk == sorted(export.files), export.name
        for name, data in export.files.items():
            if not name.endswith(".xlsx"):  # a workbook's zip carries write times
                assert (committed / export.name / name).read_bytes() == data, name
