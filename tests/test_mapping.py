"""clientalytics.mapping: headers to columns, files to tables, and the synonym table."""

from __future__ import annotations

import pytest

from clientalytics import ValidationError
from clientalytics.mapping import SYNONYMS, map_headers, match_table, normalize_header
from clientalytics.schema import SCHEMAS


def test_every_synonym_names_a_real_column_and_every_required_column_has_one() -> None:
    for table, columns in SYNONYMS.items():
        assert table in SCHEMAS
        for column, headers in columns.items():
            assert column in SCHEMAS[table].column_names, (table, column)
            assert headers, (table, column)
        required = [c.name for c in SCHEMAS[table].columns if c.required]
        assert set(required) <= set(columns), (table, set(required) - set(columns))


def test_headers_compare_without_case_spaces_or_yo() -> None:
    assert normalize_header("Customer ID") == normalize_header("customer_id") == "customerid"
    assert normalize_header("Дата приёма") == normalize_header("дата  приема")


def test_precedence_mapping_over_preset_over_exact_over_synonym() -> None:
    found = map_headers(
        ["Контрагент", "Дата", "Сумма", "Итого"],
        "transactions",
        mapping={"Итого": "revenue"},
    )
    assert found.columns == {"Контрагент": "client_id", "Дата": "date", "Итого": "revenue"}
    assert found.sources["Итого"] == "mapping"
    assert found.sources["Контрагент"] == "synonym"
    assert found.unmapped == ["Сумма"]


def test_two_headers_for_one_column_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"2 columns map to transactions\.revenue"):
        map_headers(["Клиент", "Дата", "Сумма", "Сумма с НДС"], "transactions", where="x.csv")


def test_a_mapping_naming_an_absent_header_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"x\.csv: the mapping .* \['Покупатель'\]"):
        map_headers(["Клиент"], "transactions", mapping={"Покупатель": "client_id"}, where="x.csv")


def test_a_file_is_matched_to_the_most_specific_table() -> None:
    assert match_table(["Клиент", "Дата", "Сумма"]).table == "transactions"
    assert match_table(["Контрагент", "ИНН", "Регион"]).table == "clients"
    assert match_table(["ID", "Клиент", "Дата", "Канал", "Тип"]).table == "touchpoints"


def test_no_table_or_two_tables_equally_are_errors() -> None:
    with pytest.raises(ValidationError, match="matches no table"):
        match_table(["Город", "Температура"], where="w.csv")
    with pytest.raises(ValidationError, match=r"\['clients', 'managers'\] equally"):
        match_table(["Контрагент", "Сотрудник"], where="p.csv")


def test_invoice_exports_match_the_invoices_table_and_order_exports_do_not() -> None:
    russian = ["Номер счета", "Контрагент", "Дата счета", "Срок оплаты", "Сумма", "Оплачено"]
    found = match_table(russian)
    assert found.table == "invoices"
    assert found.columns["Оплачено"] == "paid_amount"
    english = ["Invoice number", "Customer", "Invoice date", "Due date", "Amount", "Paid"]
    assert match_table(english).table == "invoices"
    # Without a due date a file of documents stays a file of orders.
    assert match_table(["Номер", "Контрагент", "Дата", "Сумма"]).table == "transactions"
    assert match_table(["InvoiceNo", "InvoiceDate", "CustomerID", "Amount"]).table == (
        "transactions"
    )
