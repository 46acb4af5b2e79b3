"""Message catalogues and locale formats of the report (issue 21, items 2 and 4)."""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest

from clientalytics.report.columns import COLUMN_KINDS, format_value
from clientalytics.report.i18n import (
    DASH,
    LANGS,
    Translator,
    catalogue,
    check_lang,
    default_lang,
)
from clientalytics.segmentation import rfm_segments
from clientalytics.segmentation.segments import DEFAULT_SEGMENT_MAP, SEGMENT_NAMES_RU

NBSP = "\u00a0"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_in_both_catalogues_with_the_same_placeholders():
    en, ru = catalogue("en"), catalogue("ru")
    # English charts are drawn in English: only the Russian catalogue maps chart texts
    assert set(en) == {k for k in ru if not k.startswith("chart.")}
    for key, text in en.items():
        assert _fields(text) == _fields(ru[key]), key
        assert ru[key].strip(), key


def test_every_column_kind_has_a_heading_in_both_languages():
    for lang in LANGS:
        texts = catalogue(lang)
        shown = [c for c in COLUMN_KINDS if f"col.{c}" in texts]
        # the registry may know columns no section shows; the shown ones are named
        assert len(shown) > 100


def test_the_russian_catalogue_uses_the_analysts_terms():
    ru = catalogue("ru")
    assert ru["col.retention_rate"] == "Коэффициент удержания"
    assert ru["col.churn_rate"] == "Коэффициент оттока"
    assert ru["seg.abcxyz"] == "ABC/XYZ-анализ"
    assert ru["col.margin_rate"] == "Маржинальность"
    assert "LTV" in ru["section.clv"]


def test_numbers_money_percentages_and_dates_by_locale():
    en, ru = Translator("en"), Translator("ru")
    assert en.money(1234567.4) == "\u20bd1,234,567"
    assert ru.money(1234567.4) == f"1{NBSP}234{NBSP}567{NBSP}\u20bd"
    assert en.money(12.5) == "\u20bd12.50" and Translator("en", currency="USD").money(5) == "$5.00"
    assert en.percent(0.1234) == "12.3%"
    assert ru.percent(0.1234) == f"12,3{NBSP}%"
    assert en.count(28149) == "28,149" and ru.count(28149) == f"28{NBSP}149"
    assert en.date("2025-01-05") == "Jan 5, 2025"
    assert ru.date("2025-01-05") == "5 янв. 2025\u202fг."
    assert ru.quarter("2025-10-01") == "4 кв. 2025" and en.quarter("2025-10-01") == "Q4 2025"
    assert ru.money_short(1_250_000) == "1,2 млн \u20bd" and en.money_short(950) == "950 \u20bd"
    assert en.points(-0.104) == "\u221210.4 pp"


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1049.0, "days", "1,049"),
        (905.0, "count", "905"),
        (0.1204, "share", "12.0%"),
        (2.22, "rate", "222.0%"),
        (0.0, "money", "\u20bd0.00"),
        (float("nan"), "rate", DASH),
        (None, "money", DASH),
        (pd.Timestamp("2024-03-01"), "date", "Mar 1, 2024"),
        (True, "text", "yes"),
    ],
)
def test_a_value_is_formatted_by_its_kind(value, kind, text):
    """The issue's examples: "1,049.00" days, "count 905.00", shares "0.1204", ROI 2.22."""
    assert format_value(value, kind, Translator("en")) == text


def test_a_missing_key_is_recorded_and_shown_in_english():
    tr = Translator("ru")
    assert tr("no.such.key") == "no.such.key" and "no.such.key" in tr.missing
    assert tr.term("segment", "Champions") == "Чемпионы" and not tr.missing - {"no.such.key"}
    assert tr.chart("Distribution of customer lifetime value") == "Распределение LTV"
    assert tr.chart("Renewal pipeline: 12 contract(s) expiring") == "Договоры к продлению: 12"
    assert tr.chart("M012") == "M012" and tr.chart("1,234") == f"1{NBSP}234"


def test_default_language_from_the_locale():
    assert default_lang({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert default_lang({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"
    assert default_lang({}) == "en" and default_lang({"LANG": "C.UTF-8"}) == "en"
    with pytest.raises(ValueError, match="lang must be one of en, ru"):
        check_lang("de")


def test_rfm_segment_names_in_russian_match_the_report():
    scores = pd.DataFrame({"R": [5, 1, 3], "F": [5, 1, 3], "M": [5, 1, 3]}, index=list("abc"))
    english = rfm_segments(scores, bins=5)
    russian = rfm_segments(scores, bins=5, lang="ru")
    assert [SEGMENT_NAMES_RU[v] for v in english] == list(russian)
    assert list(russian.cat.categories) == [
        SEGMENT_NAMES_RU[n] for n in DEFAULT_SEGMENT_MAP.segment_names
    ]
    tr = Translator("ru")
    for name, russian_name in SEGMENT_NAMES_RU.items():
        assert tr.term("segment", name) == russian_name
    assert not re.search(r"[A-Za-z]", "".join(SEGMENT_NAMES_RU.values()))
