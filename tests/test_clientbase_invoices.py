"""The invoices table in a ClientBase: references, row rules, folder round trip, merges."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.clientbase import TABLES
from clientalytics.validation import validate


def _tables() -> dict[str, pd.DataFrame]:
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "first_contact_date": ["2024-02-01", "2024-01-01"],
            "tax_id": ["7701", "7702"],
        }
    )
    transactions = pd.DataFrame(
        {
            "transaction_id": ["t1", "t2", "t3"],
            "client_id": ["a", "b", "a"],
            "date": ["2024-01-10", "2024-01-20", "2024-03-01"],
            "revenue": [100.0, 50.0, 80.0],
            "variable_cost": [60.0, 30.0, 50.0],
        }
    )
    invoices = pd.DataFrame(
        {
            "invoice_id": ["i1", "i2", "i3", "i4", "i5", "i6", "i7"],
            # i1 bills client a before its first contact (2024-02-01): that is fine.
            "client_id": ["a", "b", "a", "zzz", "b", "a", "b"],
            "transaction_id": ["t1", "t2", "t3", None, "t9", None, None],
            "issued_date": [
                "2024-01-10",
                "2024-01-20",
                "2024-03-01",
                "2024-03-01",
                "2024-03-01",
                "2024-03-01",
                "2024-03-01",
            ],
            # due dates may lie after the observation end (2024-03-31)
            "due_date": [
                "2024-02-09",
                "2024-02-19",
                "2024-05-30",
                "2024-03-31",
                "2024-03-31",
                "2024-02-28",
                "2024-03-31",
            ],
            "paid_date": [None, "2024-02-25", None, None, None, None, None],
            "amount": [120.0, 60.0, 96.0, 10.0, 10.0, 10.0, 10.0],
            "paid_amount": [30.0, None, None, None, None, None, 12.5],
        }
    )
    return {"clients": clients, "transactions": transactions, "invoices": invoices}


def test_invoices_are_validated_after_transactions():
    assert TABLES.index("invoices") == TABLES.index("transactions") + 1


def test_bad_invoices_are_rejected_with_column_and_reason():
    base = ClientBase(**_tables(), observation_end="2024-03-31", mode="lenient")
    rejected = base.rejections[base.rejections["table"] == "invoices"].set_index("row")
    assert rejected.loc[3, "reason"] == "unknown client_id (not in clients)"
    assert rejected.loc[4, "reason"] == "unknown transaction_id (not in transactions)"
    assert rejected.loc[5, "reason"] == "issued_date after due_date"
    assert rejected.loc[6, ["column", "reason", "value"]].tolist() == [
        "paid_amount",
        "paid_amount above amount",
        "12.5 / 10.0",
    ]
    assert list(base.invoices["invoice_id"]) == ["i1", "i2", "i3"]
    counts = base.row_counts.loc["invoices"]
    assert (counts["rows_in"], counts["kept"], counts["rejected"]) == (7, 3, 4)
    assert base.invoices["due_date"].dtype == "datetime64[ns]"
    assert base.invoices["paid_amount"].tolist()[0] == 30.0


def test_strict_base_names_the_column_the_count_and_examples():
    tables = _tables()
    tables["invoices"] = tables["invoices"].iloc[[0, 1, 2, 6]].reset_index(drop=True)
    with pytest.raises(ValidationError) as err:
        ClientBase(**tables, observation_end="2024-03-31")
    message = str(err.value)
    assert "column 'paid_amount': paid_amount above amount (1 row(s), e.g. '12.5 / 10.0')" in (
        message
    )


def test_due_dates_do_not_set_the_observation_end_but_paid_dates_are_events():
    tables = _tables()
    tables["invoices"] = tables["invoices"].iloc[:3]
    base = ClientBase(**tables)
    # latest event: the 2024-03-01 order and invoice; the 2024-05-30 due date is no event
    assert base.observation_end == pd.Timestamp("2024-03-01")
    late = tables["invoices"].assign(paid_date=[None, "2024-04-02", None])
    lenient = ClientBase(
        **{**tables, "invoices": late}, observation_end="2024-03-31", mode="lenient"
    )
    assert lenient.rejections.iloc[0][["table", "column", "reason"]].tolist() == [
        "invoices",
        "paid_date",
        "after observation end 2024-03-31",
    ]


def test_a_base_without_invoices_has_an_empty_invoices_table():
    tables = _tables()
    del tables["invoices"]
    base = ClientBase(**tables)
    assert base.invoices.empty
    assert list(base.invoices.columns)[:3] == ["invoice_id", "client_id", "contract_id"]
    assert "invoices" not in repr(base)


def test_invoice_clients_become_clients_when_no_clients_table_is_given():
    tables = _tables()
    invoices = tables["invoices"].iloc[:3].assign(client_id=["a", "b", "x"], transaction_id=None)
    base = ClientBase(transactions=tables["transactions"], invoices=invoices)
    assert set(base.clients["client_id"]) == {"a", "b", "x"}
    assert len(base.invoices) == 3


def test_merged_clients_carry_their_invoices():
    tables = _tables()
    tables["clients"] = tables["clients"].assign(tax_id=["7701", "7701"])
    invoices = tables["invoices"].iloc[:3]
    base = ClientBase(**{**tables, "invoices": invoices}, merge_by_tax_id=True, mode="lenient")
    assert list(base.merged_clients["merged_id"]) == ["b"]
    assert list(base.invoices["client_id"]) == ["a", "a", "a"]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_invoices_round_trip_through_a_folder(tmp_path, file_format):
    tables = _tables()
    base = ClientBase(**{**tables, "invoices": tables["invoices"].iloc[:3]})
    written = base.to_folder(tmp_path, file_format=file_format)
    assert written["invoices"].name == f"invoices.{file_format}"
    back = ClientBase.from_folder(tmp_path)
    pd.testing.assert_frame_equal(back.invoices, base.invoices)


def test_a_russian_invoice_export_is_recognised_by_its_headers(tmp_path):
    base = ClientBase(**{**_tables(), "invoices": None})
    base.to_folder(tmp_path)
    (tmp_path / "invoices.csv").unlink()
    pd.DataFrame(
        {
            "Номер счета": ["СЧ-1", "СЧ-2"],
            "Контрагент": ["a", "b"],
            "Дата счета": ["10.01.2024", "20.01.2024"],
            "Срок оплаты": ["09.02.2024", "19.02.2024"],
            "Дата оплаты": ["", "25.02.2024"],
            "Сумма": ["1 200,50", "600,00"],
            "Сумма НДС": ["200,08", "100,00"],
            "Оплачено": ["300,00", "600,00"],
            "Отсрочка, дней": ["30", "30"],
        }
    ).to_csv(tmp_path / "счета.csv", sep=";", index=False, encoding="cp1251")
    read = ClientBase.from_folder(tmp_path, observation_end="2024-03-31")
    assert read.sources["invoices"].name == "счета.csv"
    inv = read.invoices
    assert inv["amount"].tolist() == [1200.5, 600.0]
    assert inv["paid_amount"].tolist() == [300.0, 600.0]
    assert inv["issued_date"].tolist() == [pd.Timestamp("2024-01-10"), pd.Timestamp("2024-01-20")]
    assert inv["payment_terms_days"].tolist() == [30, 30]


def test_validate_accepts_an_invoice_table_alone():
    frame = _tables()["invoices"].iloc[:3]
    result = validate(frame, "invoices")
    assert result.ok and result.n_kept == 3
