"""The command line: the main job on a folder of files, clear errors, tiny companies."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clientalytics.cli import main
from clientalytics.datasets import generate_company
from clientalytics.report.build import (
    OPTIONAL_SECTION_MODULES,
    SECTION_MODULES,
    build_report,
    default_builders,
)


@pytest.fixture(scope="module")
def company_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("company")
    generate_company(n_clients=60, years=2, seed=5).to_folder(folder)
    return folder


def test_report_on_a_folder_writes_every_section(company_folder, tmp_path, capsys):
    output = tmp_path / "out.html"
    assert main(["report", "--data", str(company_folder), "--output", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    for key in ("data-quality", "clv", "segmentation", "retention", "marketing"):
        assert f'id="{key}"' in page
    assert "This section could not be computed" not in page
    captured = capsys.readouterr()
    assert "clients: 60; transactions:" in captured.out
    shown = len(SECTION_MODULES) + len(OPTIONAL_SECTION_MODULES)  # the company has invoices
    assert f"[{shown}/{shown}]" in captured.err


def test_bad_rows_are_reported_not_fatal_unless_strict(company_folder, tmp_path, capsys):
    folder = tmp_path / "messy"
    folder.mkdir()
    for path in company_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    tx = pd.read_csv(folder / "transactions.csv", dtype=str)
    tx.loc[0, "revenue"] = "n/a"
    tx.loc[1, "client_id"] = "GHOST"
    tx.to_csv(folder / "transactions.csv", index=False)
    # the invoices billing the two bad orders refer to rejected orders: rejected too
    invoices = pd.read_csv(folder / "invoices.csv", dtype=str)
    billing = int(invoices["transaction_id"].isin(tx["transaction_id"].iloc[:2]).sum())
    output = tmp_path / "messy.html"
    assert main(["report", "--data", str(folder), "--output", str(output), "--quiet"]) == 0
    assert f"rejected rows: {2 + billing}" in capsys.readouterr().out
    page = output.read_text(encoding="utf-8")
    assert "unknown client_id (not in clients)" in page and "not a number" in page
    assert main(["report", "--data", str(folder), "--output", str(output), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "column 'revenue': not a number (1 row(s), e.g. 'n/a')" in err


def test_unusable_input_exits_2_with_a_message(tmp_path, capsys):
    assert main(["report", "--data", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "transactions.csv").write_text("id,when\n1,2024-01-01\n", encoding="utf-8")
    assert main(["report", "--data", str(tmp_path)]) == 2
    assert "missing required column(s) ['client_id', 'date', 'revenue']" in capsys.readouterr().err


@pytest.mark.parametrize(("n_clients", "years", "seed"), [(3, 1, 2), (20, 1, 3)])
def test_tiny_companies_still_get_a_whole_report(n_clients, years, seed):
    base = generate_company(n_clients=n_clients, years=years, seed=seed)
    page, sections = build_report(base)
    keys = [s.key for s in sections]
    assert keys.index("data-quality") < keys.index("clv")
    # the executive summary comes first, before the sections of SECTION_MODULES (and
    # the optional ones the company's data calls for)
    assert keys[0] == "executive"
    assert len(sections) == len(default_builders(base)) + 1 == page.count("<section ")
    assert "nan" not in " ".join(line for s in sections for line in s.summary).lower()


# ---------------------------------------------------------------- no traceback, ever
def _tiny_folder(folder, dates=("2024-01-05", "2024-02-06", "2024-03-20")):
    folder.mkdir(exist_ok=True)
    pd.DataFrame(
        {
            "transaction_id": [f"t{i}" for i in range(len(dates))],
            "client_id": ["a", "b", "a"][: len(dates)],
            "date": list(dates),
            "revenue": ["10", "20", "30"][: len(dates)],
            "variable_cost": ["1", "2", "3"][: len(dates)],
        }
    ).to_csv(folder / "transactions.csv", index=False)
    return folder


@pytest.fixture
def no_report(monkeypatch):
    """Replace the (slow) report writer: these tests are about loading and errors."""
    seen = {}

    def fake_write_report(base, output, *, progress=None, **options):
        seen["base"] = base
        return []

    monkeypatch.setattr("clientalytics.report.write_report", fake_write_report)
    return seen


def _error_line(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_observation_end_not_a_date(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data")
    argv = ["report", "--data", str(folder), "--observation-end", "not-a-date"]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert (
        "clientalytics: error: --observation-end: observation end 'not-a-date' is not a date" in err
    )
    assert "loading data" not in err and "base" not in no_report


def test_data_pointing_at_a_file_or_nowhere(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data")
    assert main(["report", "--data", str(folder / "transactions.csv")]) == 2
    assert "is a file, not a folder" in _error_line(capsys)
    assert main(["report", "--data", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in _error_line(capsys)


def test_unwritable_output_is_refused_before_any_work(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data")
    missing = tmp_path / "no-such-dir" / "out.html"
    assert main(["report", "--data", str(folder), "--output", str(missing)]) == 2
    err = _error_line(capsys)
    assert f"clientalytics: error: --output '{missing}': the folder" in err
    assert "does not exist" in err and "loading data" not in err
    assert main(["report", "--data", str(folder), "--output", str(tmp_path)]) == 2
    assert "is a folder" in _error_line(capsys)
    under_a_file = folder / "transactions.csv" / "out.html"
    assert main(["report", "--data", str(folder), "--output", str(under_a_file)]) == 2
    assert "does not exist" in _error_line(capsys)
    assert "base" not in no_report


def test_output_in_a_read_only_folder_is_refused(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        probe = locked / "probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:  # running with rights that ignore permissions (root)
            probe.unlink()
            pytest.skip("this user can write into a read-only folder")
        assert main(["report", "--data", str(folder), "--output", str(locked / "r.html")]) == 2
        assert "cannot write into" in _error_line(capsys)
        assert "base" not in no_report
    finally:
        locked.chmod(0o700)


def test_output_on_a_read_only_file_system_is_refused(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data")
    target = Path("/proc/clientalytics-report.html")
    if not Path("/proc").is_dir():
        pytest.skip("no /proc on this system")
    assert main(["report", "--data", str(folder), "--output", str(target)]) == 2
    assert "clientalytics: error: --output" in _error_line(capsys)


def test_an_unexpected_error_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    folder = _tiny_folder(tmp_path / "data")

    def broken(base, output, *, progress=None, **options):
        raise KeyError("boom")

    monkeypatch.setattr("clientalytics.report.write_report", broken)
    assert main(["report", "--data", str(folder), "--output", str(tmp_path / "r.html")]) == 2
    err = _error_line(capsys)
    assert "clientalytics: error: internal error (KeyError: 'boom')" in err


def test_date_options_and_the_files_read_are_shown(tmp_path, capsys, no_report):
    folder = _tiny_folder(tmp_path / "data", dates=("05.01.2024", "06.02.2024", "07.03.2024"))
    (folder / "transaction.pdf").write_text("x\n", encoding="utf-8")
    out = str(tmp_path / "r.html")
    assert main(["report", "--data", str(folder), "--output", out, "--quiet"]) == 2
    err = _error_line(capsys)
    assert f"clientalytics: error: {folder / 'transactions.csv'}: " in err
    assert "column 'date'" in err and "'05.01.2024'" in err and "--date-format" in err
    assert main(["report", "--data", str(folder), "--output", out, "--dayfirst"]) == 0
    captured = capsys.readouterr()
    assert no_report["base"].transactions["date"].tolist() == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-03-07"),
    ]
    assert f"read transactions from {folder / 'transactions.csv'}" in captured.out
    assert "clientalytics: warning: data folder" in captured.err
    assert "transaction.pdf" in captured.err
    args = ["report", "--data", str(folder), "--output", out, "--monthfirst", "--quiet"]
    assert main(args) == 0
    assert no_report["base"].transactions["date"].iloc[0] == pd.Timestamp("2024-05-01")
    args = ["report", "--data", str(folder), "--output", out, "--date-format", "%d.%m.%Y"]
    assert main([*args, "--quiet"]) == 0
    assert no_report["base"].transactions["date"].iloc[-1] == pd.Timestamp("2024-03-07")


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--observation-end", "not-a-date"],
        ["report", "--data", "{folder}/transactions.csv"],
        ["report", "--data", "{folder}", "--output", "{tmp}/missing/out.html"],
    ],
)
def test_real_process_exits_2_without_a_traceback(tmp_path, argv):
    folder = _tiny_folder(tmp_path / "data")
    argv = [a.format(folder=folder, tmp=tmp_path) for a in argv]
    done = subprocess.run(
        [sys.executable, "-m", "clientalytics.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("clientalytics: error: ")


# ---------------------------------------------------------------- own exports
EXPORTS = Path(__file__).parent / "data" / "exports"


def test_inspect_says_how_each_file_is_read(capsys):
    assert main(["inspect", str(EXPORTS / "1c"), "--preset", "1c-sales", "--preset",
                 "1c-counterparties"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "sales.csv: table transactions (by preset)" in out
    assert "encoding cp1251, separator ';'" in out
    assert "revenue: decimal ',', thousands ' '" in out
    assert "date: dd.mm.yyyy" in out
    assert "Контрагент -> client_id (preset)" in out
    assert "kept unmapped: Количество" in out
    assert "rows: 9 in, 8 kept, 1 rejected" in out
    assert "merged into client" in out


def test_report_with_a_preset_and_vat_options(tmp_path, capsys, no_report):
    args = ["report", "--data", str(EXPORTS / "unicode_text"), "--output", str(tmp_path / "r.html")]
    assert main([*args, "--vat-included", "--vat-rate", "0.2", "--currency", "rub"]) == 0
    base = no_report["base"]
    assert (base.vat_included, base.vat_rate, base.currency) == (True, 0.2, "RUB")
    assert main([*args, "--vat-included"]) == 2
    assert "needs vat_rate=" in _error_line(capsys)


def test_mapping_file_in_yaml_or_json(tmp_path, capsys, no_report):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "export.csv").write_text(
        "Плательщик;Когда;Итого\nООО А;15.01.2024;100,5\nООО Б;20.02.2024;200\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "transactions:\n  Когда: date\n  Итого: revenue\nfiles:\n  export.csv: transactions\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(folder), "--output", str(out), "--mapping",
                 str(mapping)]) == 0  # fmt: skip
    assert no_report["base"].transactions["revenue"].tolist() == [100.5, 200.0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"transactions": {"Сумма": "revenue"}}', encoding="utf-8")
    assert main(["report", "--data", str(folder), "--output", str(out), "--mapping",
                 str(bad)]) == 2  # fmt: skip
    assert "Сумма" in _error_line(capsys)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["report", "--data", str(folder), "--output", str(out), "--mapping",
                 str(broken)]) == 2  # fmt: skip
    assert "not valid JSON" in _error_line(capsys)
