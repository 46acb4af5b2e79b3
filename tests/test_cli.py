"""The command line: the main job on a folder of files, clear errors, tiny companies."""

import pandas as pd
import pytest

from clientalytics.cli import main
from clientalytics.datasets import generate_company
from clientalytics.report.build import SECTION_MODULES, build_report


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
    assert f"[{len(SECTION_MODULES)}/{len(SECTION_MODULES)}]" in captured.err


def test_bad_rows_are_reported_not_fatal_unless_strict(company_folder, tmp_path, capsys):
    folder = tmp_path / "messy"
    folder.mkdir()
    for path in company_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    tx = pd.read_csv(folder / "transactions.csv", dtype=str)
    tx.loc[0, "revenue"] = "n/a"
    tx.loc[1, "client_id"] = "GHOST"
    tx.to_csv(folder / "transactions.csv", index=False)
    output = tmp_path / "messy.html"
    assert main(["report", "--data", str(folder), "--output", str(output), "--quiet"]) == 0
    assert "rejected rows: 2" in capsys.readouterr().out
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
    assert "missing required column(s) ['transaction_id'" in capsys.readouterr().err


@pytest.mark.parametrize(("n_clients", "years", "seed"), [(3, 1, 2), (20, 1, 3)])
def test_tiny_companies_still_get_a_whole_report(n_clients, years, seed):
    page, sections = build_report(generate_company(n_clients=n_clients, years=years, seed=seed))
    assert [s.key for s in sections][:2] == ["data-quality", "clv"]
    assert len(sections) == len(SECTION_MODULES) == page.count("<section ")
    assert "nan" not in " ".join(line for s in sections for line in s.summary).lower()
