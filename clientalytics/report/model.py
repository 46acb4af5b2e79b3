"""Building blocks of the HTML report: sections, formatted tables and vector charts.

Every string that comes from the data is escaped (the templates are Jinja2 with
autoescaping), so a client named ``<script>`` renders as text. A number that is not
defined (NaN, an infinite ratio, a missing value) is never printed as ``nan`` or
``inf``: tables show :data:`DASH` and a note under the table says why, and
:func:`number_text` puts the dash and the reason into running text.

Tables are formatted column by column by their kind
(:mod:`clientalytics.report.columns`), show their top rows with the rest one click
away, sort by a click on a heading and offer the whole table as a CSV file embedded
in the page. Charts are embedded as SVG, with their texts in the report's language
and money and dates on the axes formatted for the locale.
"""

from __future__ import annotations

import base64
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, Formatter, FuncFormatter, PercentFormatter

from clientalytics.plotting._text import _LiteralFormatter
from clientalytics.report.columns import Kind, format_value, kind_of, sort_key
from clientalytics.report.i18n import DASH, Translator, is_undefined

__all__ = [
    "DASH",
    "MIN_GROUP",
    "ReportSection",
    "figure_to_html",
    "heading",
    "how_computed",
    "is_undefined",
    "number_text",
    "paragraph",
    "table_to_html",
]

#: Groups smaller than this are flagged in tables; their rates carry an interval.
MIN_GROUP = 30
#: Rows a table shows before "show all".
TOP_ROWS = 10
#: Rows a table holds in the page at most (the CSV file holds every row).
PAGE_ROWS = 200


@dataclass
class ReportSection:
    """One section of the report.

    Attributes
    ----------
    title : str
        Heading shown in the report and its table of contents.
    key : str
        Stable anchor id of the section (letters, digits and dashes).
    blocks : list of str
        HTML fragments, in order, built with :func:`paragraph`,
        :func:`table_to_html` and :func:`figure_to_html`.
    summary : list of str
        Short plain-text lines for the terminal summary.
    facts : dict of str to float
        Figures the executive summary reads (e.g. ``"customer_equity"``).
    """

    title: str
    key: str
    blocks: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    facts: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Return the Jinja2 environment of the report's templates (autoescaping on)."""
    return Environment(
        loader=PackageLoader("clientalytics.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        keep_trailing_newline=False,
    )


def paragraph(text: str) -> str:
    """Return ``text`` as an escaped HTML paragraph."""
    return f"<p>{escape(text)}</p>"


def heading(text: str) -> str:
    """Return ``text`` as an escaped sub-heading."""
    return f"<h3>{escape(text)}</h3>"


def how_computed(tr: Translator, text: str) -> str:
    """Return a "how computed" note, one click away (a ``<details>`` element)."""
    return (
        f'<details class="how"><summary>{escape(tr("common.how"))}</summary>'
        f"<p>{escape(text)}</p></details>"
    )


def number_text(value: object, text: str, reason: str) -> str:
    """``text`` (a formatted value), or a dash with the reason the value is undefined.

    Parameters
    ----------
    value : number
        The value, e.g. a ratio that may be NaN.
    text : str
        How a defined value reads, e.g. ``tr.percent(value)``; not used when
        ``value`` is undefined.
    reason : str
        Why the value can be undefined, e.g. ``"no marketing spend recorded"``.

    Returns
    -------
    str
        ``text``, or ``"— (reason)"``.
    """
    if is_undefined(value):
        return f"{DASH} ({reason})"
    return text


def _safe(value: object, formatter: object) -> str:
    return DASH if is_undefined(value) else formatter(value)  # type: ignore[operator]


def _cell_class(kind: str, value: object, text: str) -> str:
    """Return a cell's CSS kind: ``k-long`` for long texts, ``k-note`` for a note in numbers.

    A note such as "not enough data" in a column of numbers may wrap; numbers never do.
    """
    if kind == "money_short":  # styled as money
        kind = "money"
    if kind == "text":
        return f"{kind} k-long" if len(text) > 40 else kind
    if isinstance(value, str) and " " in text:
        return f"{kind} k-note"
    return kind


def table_to_html(
    frame: pd.DataFrame,
    tr: Translator,
    *,
    name: str = "table",
    max_rows: int = TOP_ROWS,
    index: bool = True,
    kinds: Mapping[str, Kind] | None = None,
    terms: Mapping[str, str] | None = None,
    undefined: Mapping[str, str] | None = None,
    size: str | None = None,
    min_group: int = MIN_GROUP,
) -> str:
    """Render a frame as a formatted, sortable, collapsible table with a CSV download.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to show; its columns are named as the library returns them.
    tr : Translator
        Language and currency: headings are the catalogue entries ``col.<name>``.
    name : str
        Base name of the CSV file offered for download.
    max_rows : int
        Rows shown before "show all".
    index : bool
        Whether to show the index as the first column.
    kinds : mapping of str to Kind, optional
        Kinds of columns :data:`~clientalytics.report.columns.COLUMN_KINDS` does
        not know, or overrides.
    terms : mapping of str to str, optional
        Column -> catalogue namespace whose values are labels to translate (e.g.
        ``{"segment": "segment"}``).
    undefined : mapping of str to str, optional
        Column -> why a value of that column can be undefined (translated text).
        A missing or non-finite cell shows :data:`DASH`; a note under the table
        gives the reason of each column holding one.
    size : str, optional
        Column holding the size of each row's group; a row whose group is smaller
        than ``min_group`` is flagged.
    min_group : int
        Smallest group not flagged.

    Returns
    -------
    str
        An HTML fragment; every heading and cell is escaped.
    """
    data = frame.reset_index() if index else frame
    if index and frame.index.name is None and "index" in data.columns:
        data = data.rename(columns={"index": "_label"})
    terms = dict(terms or {})
    columns = [str(c) for c in data.columns]
    column_kinds = {c: kind_of(c, data[c], dict(kinds or {})) for c in columns}
    headings = [
        {"text": tr("col.label") if c == "_label" else tr(f"col.{c}"), "kind": column_kinds[c]}
        for c in columns
    ]
    labels = [h["text"] for h in headings]
    flag_text = tr("table.small_group", n=min_group)
    rows = []
    flagged = False
    for position, record in enumerate(data.head(PAGE_ROWS).itertuples(index=False)):
        cells = []
        small = False
        if size is not None and size in columns:
            n = record[columns.index(size)]
            small = not is_undefined(n) and float(n) < min_group
            flagged |= small
        for column, value in zip(columns, record, strict=True):
            kind = column_kinds[column]
            if column in terms and not is_undefined(value):
                text = tr.term(terms[column], value)
            else:
                text = format_value(value, kind, tr)
            cells.append(
                {
                    "text": text,
                    "key": sort_key(text if column in terms else value),
                    "kind": _cell_class(kind, value, text),
                    "label": labels[columns.index(column)],
                    "flag": flag_text if small and column == columns[0] else "",
                }
            )
        classes = " ".join(
            c for c in ("extra" if position >= max_rows else "", "small" if small else "") if c
        )
        rows.append({"cells": cells, "classes": classes})
    notes = []
    if flagged:
        notes.append(f"\u2691 {flag_text}")
    reasons: dict[str, list[str]] = {}
    for column, heading_ in zip(columns, labels, strict=True):
        if any(is_undefined(v) for v in data[column].head(PAGE_ROWS)):
            reason = (undefined or {}).get(column, tr("table.undefined_default"))
            reasons.setdefault(reason, []).append(heading_)
    if reasons:
        parts = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in reasons.items())
        notes.append(tr("table.undefined", dash=DASH, reasons=parts))
    csv_frame = data.copy()
    csv_frame.columns = pd.Index(labels)
    csv = base64.b64encode(("\ufeff" + csv_frame.to_csv(index=False)).encode("utf-8")).decode()
    hidden = min(len(data), PAGE_ROWS) > max_rows
    truncated = (
        tr("table.truncated", shown=tr.count(PAGE_ROWS), total=tr.count(len(data)))
        if len(data) > PAGE_ROWS
        else ""
    )
    return (
        environment()
        .get_template("table.html.j2")
        .render(
            headings=headings,
            rows=rows,
            notes=notes,
            top=max_rows,
            hidden=hidden,
            more_text=tr("table.show_all", n=tr.count(min(len(data), PAGE_ROWS))),
            less_text=tr("table.show_top", n=tr.count(max_rows)),
            csv=csv,
            csv_name=f"{name}.csv",
            csv_text=tr("table.csv", n=tr.count(len(data))),
            sort_hint=tr("table.sort_hint"),
            truncated=truncated,
        )
    )


class _LocaleNumbers(Formatter):
    """Tick labels with the locale's decimal separator and as many decimals as needed."""

    def __init__(self, tr: Translator, *, percent_of: float | None = None) -> None:
        self.tr = tr
        self.percent_of = percent_of

        self.digits = 0

    def _digits_of(self, values: Sequence[float]) -> int:
        locs = [float(v) for v in values]
        steps = [abs(b - a) for a, b in itertools.pairwise(locs) if b != a]
        if not steps:
            return 0
        step = min(steps)
        if self.percent_of is not None:
            step = step / self.percent_of * 100
        digits = 0
        while digits < 4 and abs(step * 10**digits - round(step * 10**digits)) > 1e-6:
            digits += 1
        return digits

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """Return the labels of ``values``, with the decimals their spacing needs."""
        self.digits = self._digits_of(values)
        return [self(v) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        """Return one tick label."""
        if self.percent_of is not None:
            return self.tr.percent(x / self.percent_of, self.digits)
        return self.tr.number(x, self.digits)


def _localise_axis(axis: matplotlib.axis.Axis, tr: Translator, kind: str | None) -> None:
    formatter = axis.get_major_formatter()
    if isinstance(formatter, _LiteralFormatter):
        formatter = formatter.inner
    if kind == "money":
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.money_short(v)))
    elif kind == "share":
        axis.set_major_formatter(_LocaleNumbers(tr, percent_of=1.0))
    elif isinstance(formatter, mdates.AutoDateFormatter | mdates.ConciseDateFormatter):
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        axis.set_major_locator(locator)
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.month(mdates.num2date(v))))
    elif isinstance(formatter, PercentFormatter):
        axis.set_major_formatter(_LocaleNumbers(tr, percent_of=float(formatter.xmax)))
    elif isinstance(formatter, FixedFormatter):
        axis.set_major_formatter(
            _LiteralFormatter(FixedFormatter([tr.chart(str(t)) for t in formatter.seq]))
        )
    elif type(formatter).__name__ == "ScalarFormatter" and axis.get_scale() == "linear":
        axis.set_major_formatter(_LocaleNumbers(tr))


def figure_to_html(
    fig: Figure,
    tr: Translator,
    *,
    alt: str,
    axes: Mapping[int, Mapping[str, str]] | None = None,
    labels: Mapping[int, Mapping[str, str]] | None = None,
) -> str:
    """Embed a matplotlib figure as an SVG image, in the report's language, and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to embed.
    tr : Translator
        Language: titles, axis labels and legend entries are translated
        (:meth:`Translator.chart`), numbers on the axes use the locale's separators.
    alt : str
        Alternative text of the image (translated).
    axes : mapping, optional
        Axes number -> ``{"x": kind, "y": kind}`` with kind ``"money"`` (amounts with
        the currency symbol) or ``"share"`` (fractions as percentages).
    labels : mapping, optional
        Axes number -> ``{"title": ..., "x": ..., "y": ...}`` replacing the texts the
        plotting function drew (already translated).

    Returns
    -------
    str
        An ``<img>`` fragment with the SVG inlined, so the report needs no other file.
    """
    import matplotlib.pyplot as plt

    for number, ax in enumerate(fig.axes):
        chosen = (labels or {}).get(number, {})
        ax.set_title(chosen.get("title", tr.chart(ax.get_title())))
        ax.set_xlabel(chosen.get("x", tr.chart(ax.get_xlabel())))
        ax.set_ylabel(chosen.get("y", tr.chart(ax.get_ylabel())))
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_text(tr.chart(text.get_text()))
            title = legend.get_title()
            title.set_text(tr.chart(title.get_text()))
        for text in ax.texts:
            text.set_text(tr.chart(text.get_text()))
        kinds = (axes or {}).get(number, {})
        _localise_axis(ax.xaxis, tr, kinds.get("x"))
        _localise_axis(ax.yaxis, tr, kinds.get("y"))
        for label in ax.get_xticklabels():
            if mdates.AutoDateLocator is type(ax.xaxis.get_major_locator()):
                label.set_rotation(0)
    if fig.get_suptitle():
        fig.suptitle(tr.chart(fig.get_suptitle()))
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "clientalytics", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    fig.clear()
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
    return (
        f'<figure><img class="chart" alt="{escape(alt)}" '
        f'src="data:image/svg+xml;base64,{data}"></figure>'
    )


def join_blocks(blocks: Sequence[str]) -> Markup:
    """Return the blocks of a section as one trusted HTML fragment (they are escaped already)."""
    return Markup("\n".join(blocks))
