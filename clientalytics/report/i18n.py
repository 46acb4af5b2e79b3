"""Languages of the report: message catalogues and locale-aware number and date formats.

Every sentence, heading, column heading, segment name and chart label the report
shows comes from a message catalogue, ``clientalytics/report/locales/<lang>.json``:
a flat mapping of keys (``"clv.title"``, ``"col.revenue"``, ``"segment.Champions"``)
to texts with ``{name}`` placeholders. Numbers, money, percentages and dates are
formatted with Babel for the language's locale (``ru_RU``: ``1 234,5``, ``12,4 %``;
``en_US``: ``1,234.5``, ``12.4%``) and the currency of the data.

A key missing from the chosen catalogue is never fatal: the report shows the
English text (or the key) and :class:`Translator` records it in ``missing``;
:func:`clientalytics.report.build_report` then warns with
:class:`MissingTranslationWarning`, which the test suite turns into an error.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal, cast

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_currency_symbol

Lang = Literal["en", "ru"]
#: Languages the report is written in.
LANGS: tuple[Lang, ...] = ("en", "ru")
#: Babel locale of each language.
LOCALES: dict[Lang, str] = {"en": "en_US", "ru": "ru_RU"}
#: What the report shows in place of a number that is not defined.
DASH = "\u2014"


class MissingTranslationWarning(UserWarning):
    """A text shown in the report has no entry in the chosen language's catalogue."""


def default_lang(environ: dict[str, str] | None = None) -> Lang:
    """Language of the user's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.

    Parameters
    ----------
    environ : dict, optional
        Environment to read; defaults to :data:`os.environ`.

    Returns
    -------
    {"en", "ru"}
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if the report speaks it, else raise :class:`ValueError`."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return cast(Lang, lang)


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Return the message catalogue of ``lang`` (key -> text), read once."""
    text = (
        resources.files("clientalytics.report")
        .joinpath(f"locales/{lang}.json")
        .read_text(encoding="utf-8")
    )
    return cast(dict[str, str], json.loads(text))


@cache
def _values(lang: Lang) -> frozenset[str]:
    """Every text of the catalogue of ``lang`` (to tell a translated label)."""
    return frozenset(catalogue(lang).values())


_NUMERIC = re.compile(r"^[\s\d.,:%\u2212+\-\u2009\u00a0\u202f()]*$")
#: An id from the data (``M012``, ``C00040``): shown as is in charts.
_ID = re.compile(r"^[A-Z]{1,3}\d+$")
#: Chart texts with numbers in them, drawn by :mod:`clientalytics.plotting`:
#: pattern -> catalogue key of the text with the matched groups filled in.
_CHART_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<name>.+) \(top-10% lift (?P<lift>[\d.]+)\)$"), "chart_re.lift"),
    (re.compile(r"^Renewal pipeline: (?P<n>\d+) contract\(s\) expiring$"), "chart_re.pipeline"),
    (
        re.compile(r"^retention rate by manager, period from (?P<date>[\d-]+)$"),
        "chart_re.manager_retention",
    ),
    (re.compile(r"^workload per manager: (?P<n>\d+) move\(s\)$"), "chart_re.workload"),
    (re.compile(r"^Top (?P<n>\d+) clients: what makes the score$"), "chart_re.top_score"),
    (re.compile(r"^saturation at (?P<x>[\d.]+)$"), "chart_re.saturation"),
    (
        re.compile(r"^(?P<n>\d+) clients\n(?P<pct_value>-?[\d.]+)% of value$"),
        "chart_re.abc_cell",
    ),
    (
        re.compile(
            r"^(?P<name>[^\n]*)\n(?P<n>\d+) clients \((?P<pct_clients>[\d.]+)%\), "
            r"(?P<pct_value>-?[\d.]+)% of value$"
        ),
        "chart_re.pyramid",
    ),
    (re.compile(r"^(?P<name>[ABC]): (?P<pct_clients>[\d.]+)% of clients$"), "chart_re.abc_cut"),
    (re.compile(r"^Segments: share of clients and of (?P<name>\w+)$"), "chart_re.segments"),
)
_ENGLISH_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$")


@dataclass
class Translator:
    """Texts and formats of one language and currency.

    Parameters
    ----------
    lang : {"en", "ru"}
        Language of the report.
    currency : str
        ISO 4217 code of the money amounts (e.g. ``"RUB"``).

    Attributes
    ----------
    missing : set of str
        Keys asked for that the catalogue of ``lang`` does not hold.
    """

    lang: Lang = "en"
    currency: str = "RUB"
    missing: set[str] = field(default_factory=set)

    @property
    def locale(self) -> str:
        """Babel locale name of :attr:`lang`."""
        return LOCALES[self.lang]

    def has(self, key: str) -> bool:
        """Whether the catalogue of :attr:`lang` holds ``key``."""
        return key in catalogue(self.lang)

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the text of ``key`` with ``values`` filled in.

        A key missing from the catalogue is recorded in :attr:`missing` and the
        English text (or the key itself) is used.
        """
        texts = catalogue(self.lang)
        if key in texts:
            message = texts[key]
        else:
            self.missing.add(key)
            message = catalogue("en").get(key, key)
        if not values:
            return message
        try:
            return message.format(**values)
        except (KeyError, IndexError, ValueError):
            # a catalogue entry whose placeholders do not match: never fatal
            self.missing.add(key)
            return catalogue("en").get(key, key).format_map(_Blank(values))

    def term(self, namespace: str, value: object) -> str:
        """Return a label from the data (a segment, a stage, a class) in :attr:`lang`.

        ``namespace.value`` is looked up; a value the catalogue does not name is
        recorded as missing unless it is English text shown as is (``lang="en"``).
        """
        key = f"{namespace}.{value}"
        texts = catalogue(self.lang)
        if key in texts:
            return texts[key]
        if self.lang != "en" or key not in catalogue("en"):
            if self.lang != "en":
                self.missing.add(key)
        return catalogue("en").get(key, str(value))

    def chart(self, text: str) -> str:
        """Return a chart's title, axis label or legend entry in :attr:`lang`.

        Charts are drawn by :mod:`clientalytics.plotting` in English; their texts
        are looked up under ``chart.<English text>``. Numbers are left as they are.
        """
        if self.lang != "en" and "," in text and _ENGLISH_NUMBER.match(text):
            digits = len(text.split(".")[1]) if "." in text else 0
            return self.number(float(text.replace(",", "")), digits)
        if not text or _NUMERIC.match(text) or _ID.match(text):
            return text
        for pattern, key in _CHART_PATTERNS:
            match = pattern.match(text)
            if match is not None:
                return self(key, **self._chart_values(match.groupdict()))
        if _ENGLISH_NUMBER.match(text) and self.lang != "en" and "," in text:
            number = float(text.replace(",", ""))
            digits = len(text.split(".")[1]) if "." in text else 0
            return self.number(number, digits)
        if self.lang == "en" or not re.search(r"[A-Za-z]", text) or text in _values(self.lang):
            # English charts are drawn in English; a text without Latin letters is
            # already in the report's language (a translated label from the data).
            return text
        key = f"chart.{text}"
        texts = catalogue(self.lang)
        if key in texts:
            return texts[key]
        for namespace in ("churn_method", "segment"):
            if f"{namespace}.{text}" in texts:
                return texts[f"{namespace}.{text}"]
        self.missing.add(key)
        return text

    def _chart_values(self, values: dict[str, str]) -> dict[str, str]:
        out = {}
        for name, value in values.items():
            if name == "name":
                out[name] = self.chart(value)
            elif name == "date":
                out[name] = self.date(value)
            elif name in ("lift", "x"):
                out[name] = self.number(float(value), 2 if name == "lift" else 0)
            elif name.startswith("pct_"):
                digits = len(value.split(".")[1]) if "." in value else 0
                out[name] = self.percent(float(value) / 100, digits)
            else:
                out[name] = self.count(float(value))
        return out

    # ------------------------------------------------------------ numbers and dates

    def number(self, value: float, digits: int = 0) -> str:
        """``value`` with the locale's separators and ``digits`` decimals."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def count(self, value: float) -> str:
        """Return a whole count, e.g. ``1,234`` / ``1 234``."""
        return self.number(round(float(value)), 0)

    def money(self, value: float, *, digits: int | None = None) -> str:
        """Return an amount in :attr:`currency`: no decimals from 100 up, else 2."""
        if digits is None:
            digits = 0 if abs(value) >= 100 else 2
        number = self.number(value, digits)
        symbol = self.currency_symbol
        if self.lang == "en":
            sign, number = ("-", number[1:]) if number.startswith("-") else ("", number)
            return (
                f"{sign}{symbol}{number}" if len(symbol) == 1 else f"{sign}{symbol}\u00a0{number}"
            )
        return f"{number}\u00a0{symbol}"

    def money_short(self, value: float) -> str:
        """Return a compact amount for chart axes (``1.2M ₽`` / ``1,2 млн ₽``)."""
        symbol = self.currency_symbol
        size = abs(value)
        for limit, key in ((1e9, "unit.billion"), (1e6, "unit.million"), (1e3, "unit.thousand")):
            if size >= limit:
                scaled = value / limit
                digits = 0 if abs(scaled) >= 10 or scaled == round(scaled) else 1
                return self(key, value=self.number(scaled, digits), symbol=symbol)
        return self(
            "unit.plain",
            value=self.number(value, 0 if size >= 10 or size == 0 else 1),
            symbol=symbol,
        )

    @property
    def currency_symbol(self) -> str:
        """Symbol of :attr:`currency` (``₽``, ``$``): the locale's, else its home locale's.

        ``en_US`` writes the rouble as ``RUB``; the report uses ``₽`` then, as the
        ``ru_RU`` locale does.
        """
        return _symbol(self.currency, self.locale)

    def percent(self, value: float, digits: int = 1) -> str:
        """Return a share or rate as a percentage, e.g. ``12.4%`` / ``12,4 %``."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        pattern += "\u00a0%" if self.lang == "ru" else "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def points(self, value: float) -> str:
        """Return a change of a percentage in percentage points, signed."""
        sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
        return self("unit.points", value=sign + self.number(abs(value) * 100, 1))

    def date(self, value: object) -> str:
        """Return a date in the locale's medium format (``Jan 5, 2025`` / ``5 янв. 2025 г.``)."""
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        return format_date(stamp.date(), format="medium", locale=self.locale)

    def month(self, value: object) -> str:
        """Month and year for chart ticks (``Jan 2025`` / ``янв. 2025``)."""
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        return format_date(stamp.date(), format="LLL yyyy", locale=self.locale)

    def quarter(self, value: object) -> str:
        """Return a quarter (``Q1 2025`` / ``I кв. 2025``)."""
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        return self("unit.quarter", q=(stamp.month - 1) // 3 + 1, year=stamp.year)

    def datetime(self, value: dt.datetime) -> str:
        """Return a moment to the minute, UTC (``2026-01-05 14:03 UTC``)."""
        return value.strftime("%Y-%m-%d %H:%M UTC")


class _Blank(dict[str, object]):
    """Format values where an unknown placeholder reads as itself."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def _symbol(currency: str, locale: str) -> str:
    symbol = get_currency_symbol(currency, locale=locale)
    if symbol != currency:
        return symbol
    for home in ("ru_RU", "en_US", "de_DE", "kk_KZ", "uk_UA", "be_BY", "zh_CN", "tr_TR"):
        other = get_currency_symbol(currency, locale=home)
        if other != currency:
            return other
    return currency


def is_undefined(value: object) -> bool:
    """Whether ``value`` is missing or not a finite number (shown as :data:`DASH`)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    try:
        import numpy as np

        if isinstance(value, np.floating):
            return not math.isfinite(float(value))
        if isinstance(value, pd.Timestamp | np.datetime64):
            return bool(pd.isna(value))
    except TypeError:  # pragma: no cover - exotic scalars
        return False
    return False
