"""clientalytics.intake.inspect_folder: the facts of each file, before any analysis."""

from __future__ import annotations

from pathlib import Path

from clientalytics.intake import FILE_COLUMNS, inspect_folder

EXPORTS = Path(__file__).parent / "data" / "exports"


def test_inspection_of_an_orders_only_folder() -> None:
    found = inspect_folder(EXPORTS / "orders_only")
    assert found.files.columns.tolist() == FILE_COLUMNS
    row = found.files.iloc[0].to_dict()
    assert row["table"] == "transactions" and row["matched_by"] == "headers"
    assert (row["format"], row["encoding"], row["separator"]) == ("csv", "utf-8-sig", "';'")
    assert row["numbers"] == "revenue: decimal ',', thousands ' '"
    assert row["dates"] == "date: dd.mm.yyyy"
    assert (row["rows_in"], row["kept"], row["rejected"]) == (150, 150, 0)
    how = dict(zip(found.columns["column"], found.columns["how"], strict=True))
    assert how == {
        "client_id": "synonym",
        "date": "synonym",
        "revenue": "synonym",
        "transaction_id": "generated",
    }
    assert found.base is not None and found.base.currency == "RUB"


def test_inspection_reports_a_refused_folder_instead_of_raising() -> None:
    found = inspect_folder(EXPORTS / "bad_mixed_decimals")
    assert "mixes number formats" in found.files.loc[0, "error"]
    assert found.base is None


def test_first_rejections_are_listed() -> None:
    found = inspect_folder(EXPORTS / "online_retail", preset="online-retail")
    assert found.files.loc[0, "rejected"] == 6
    assert set(found.rejections["reason"]) == {"missing id"}
    assert "row 9, client_id: missing id" in found.to_text()
