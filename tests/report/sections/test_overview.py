import html
import re
from pathlib import Path

import pytest

from clientalytics.clientbase import ClientBase
from clientalytics.datasets import load_sample
from clientalytics.exceptions import DataQualityWarning
from clientalytics.report.i18n import Translator
from clientalytics.report.sections.overview import _reading_blocks

EXPORTS = Path(__file__).resolve().parents[2] / "data" / "exports"


def _text(blocks):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", "".join(blocks))).split())


@pytest.fixture(scope="module")
def utf16_base():
    return ClientBase.from_folder(EXPORTS / "unicode_text", vat_included=True, vat_rate=0.2)


def test_the_reading_of_each_file_and_the_vat_head_the_section(utf16_base):
    en = Translator("en")
    text = _text(_reading_blocks(utf16_base, en))
    assert "Amounts are in RUB." in text
    assert "including VAT at 20.0%" in text
    assert "orders.txt" in text
    assert "text file, encoding utf-16, separator tab" in text
    assert "revenue: decimal «,», thousands space" in text
    assert "Сумма с НДС → revenue (synonym)" in text
    assert not en.missing


def test_the_russian_reading_has_every_text_translated(utf16_base):
    ru = Translator("ru")
    text = _text(_reading_blocks(utf16_base, ru))
    assert "Суммы в валюте RUB." in text
    assert "текстовый файл, кодировка utf-16, разделитель табуляция" in text
    assert "Сумма с НДС → revenue (синоним)" in text
    assert not ru.missing


def test_a_preset_and_a_tax_id_merge_are_shown():
    with pytest.warns(DataQualityWarning, match="not supplied"):
        base = ClientBase.from_folder(EXPORTS / "1c", preset=["1c-sales", "1c-counterparties"])
    text = _text(_reading_blocks(base, Translator("en")))
    assert "Revenue was supplied as net of VAT" in text
    assert f"{len(base.merged_clients)} duplicate client record(s)" in text
    assert len(base.merged_clients) == 1
    assert "text file, encoding cp1251, separator «;»" in text
    assert "Контрагент → client_id (preset)" in text


def test_tables_passed_from_python_say_so():
    text = _text(_reading_blocks(load_sample(), Translator("en")))
    assert "The tables were passed from Python, not read from files." in text
