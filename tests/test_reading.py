"""clientalytics.reading: encodings, separators, workbooks and number formats, told or refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from clientalytics import ValidationError
from clientalytics._parsing import NumberFormat
from clientalytics.reading import (
    detect_encoding,
    detect_number_format,
    detect_separator,
    read_file,
)

TEXT = "Клиент;Дата;Сумма\nООО «Ромашка»;15.01.2024;1 234,50\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1251", "cp1251"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
    ],
)
def test_encodings_are_told_and_the_text_read_as_written(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert detect_encoding(path.read_bytes()) == expected
    reading = read_file(path)
    assert reading.encoding == expected
    assert reading.separator == ";"
    assert reading.frame.columns.tolist() == ["Клиент", "Дата", "Сумма"]
    assert reading.frame.iloc[0].tolist() == ["ООО «Ромашка»", "15.01.2024", "1 234,50"]


def test_a_given_encoding_that_does_not_fit_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(TEXT.encode("cp1251"))
    with pytest.raises(ValidationError, match=r"orders\.csv.*as utf-8"):
        read_file(path, encoding="utf-8")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators_are_told_despite_decimal_commas_in_cells(sep: str) -> None:
    rows = [
        "a" + sep + "b" + sep + "c",
        "1" + sep + "2,5" + sep + "x",
        "3" + sep + "4,5" + sep + "y",
    ]
    if sep == ",":
        rows = ["a,b,c", '1,"2,5",x', '3,"4,5",y']
    assert detect_separator("\n".join(rows) + "\n") == sep


def test_two_separators_that_both_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="more than one separator"):
        detect_separator("a;b,c\n1;2,3\n")


def test_a_workbook_is_read_with_its_types_and_a_sheet_must_be_chosen(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Продажи"
    sheet.append(["Клиент", "Дата", "Сумма"])
    sheet.append(["ООО А", dt.datetime(2024, 1, 15), 1234.5])
    other = book.create_sheet("Справка")
    other.append(["note"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    with pytest.raises(ValidationError, match=r"2 sheets with data.*sheet="):
        read_file(path)
    reading = read_file(path, sheet="Продажи")
    assert reading.sheet == "Продажи"
    first = reading.frame.iloc[0].tolist()
    assert first[0] == "ООО А" and first[2] == 1234.5
    assert pd.Timestamp(first[1]) == pd.Timestamp("2024-01-15")
    with pytest.raises(ValidationError, match="no sheet 'Итог'"):
        read_file(path, sheet="Итог")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1 234,50", "12,5", "7"], NumberFormat(",", " ")),
        (["1\u00a0234,50", "1\u202f000,00", "900"], NumberFormat(",", " ")),
        (["1'234.50", "12.5"], NumberFormat(".", "'")),
        (["1,234.50", "12.5"], NumberFormat(".", ",")),
        (["1.234,50", "12,5"], NumberFormat(",", ".")),
        (["1234.5", "12"], NumberFormat(".", None)),
        (["1,5", "2,25"], NumberFormat(",", None)),
    ],
)
def test_number_formats_are_told(values: list[str], expected: NumberFormat) -> None:
    assert detect_number_format(pd.Series(values, dtype=object)) == expected


def test_a_number_that_reads_two_ways_is_refused_with_count_and_examples() -> None:
    values = pd.Series(["1,234", "2,500", "1,234"], dtype=object)
    with pytest.raises(ValidationError, match=r"sales\.csv, column 'x': 3 value\(s\).*'1,234'"):
        detect_number_format(values, where="sales.csv, column 'x'")
    assert detect_number_format(values, decimal=",") == NumberFormat(",", None)
    assert detect_number_format(values, decimal=".", thousands=",") == NumberFormat(".", ",")


def test_equally_mixed_decimal_conventions_are_refused() -> None:
    values = pd.Series(["1 234,50", "1,234.50"], dtype=object)
    with pytest.raises(ValidationError, match="mixes number formats equally"):
        detect_number_format(values)


def test_typed_numbers_need_no_format() -> None:
    assert detect_number_format(pd.Series([1.5, 2.0])) is None
