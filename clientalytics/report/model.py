"""Building blocks of the HTML report: sections, escaped tables and embedded figures.

Every string that comes from the data goes through :func:`html.escape` here, so a
client named ``<script>`` renders as text. A number that is not defined (NaN, an
infinite ratio, a missing value) is never printed as ``nan`` or ``inf``: tables show
:data:`DASH` and a note under the table says why, and :func:`number_text` puts the
dash and the reason into running text.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


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
    """

    title: str
    key: str
    blocks: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def paragraph(text: str) -> str:
    """Return ``text`` as an escaped HTML paragraph."""
    return f"<p>{html.escape(text)}</p>"


def heading(text: str) -> str:
    """Return ``text`` as an escaped sub-heading."""
    return f"<h3>{html.escape(text)}</h3>"


#: What the report shows in place of a number that is not defined.
DASH = "\u2014"
#: Reason given under a table for a dash in a column without a specific reason.
UNDEFINED_REASON = "no value for that row"


def is_undefined(value: object) -> bool:
    """Whether ``value`` is missing or not a finite number (shown as :data:`DASH`)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    if isinstance(value, pd.Timestamp | np.datetime64):
        return bool(pd.isna(value))
    return False


def number_text(value: object, fmt: str, reason: str) -> str:
    """Format a number for running text, or a dash with the reason it is undefined.

    Parameters
    ----------
    value : number
        The value, e.g. a ratio that may be NaN.
    fmt : str
        Format specification for a defined value, e.g. ``".0%"`` or ``",.0f"``.
    reason : str
        Why the value can be undefined, e.g. ``"no marketing spend recorded"``.

    Returns
    -------
    str
        ``format(value, fmt)``, or ``"— (reason)"`` when ``value`` is missing or
        not finite.
    """
    if is_undefined(value):
        return f"{DASH} ({reason})"
    return format(float(value), fmt)  # type: ignore[arg-type]


def _format_cell(value: object) -> str:
    if is_undefined(value):
        return DASH
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:,.2f}" if abs(number) >= 1 or number == 0 else f"{number:.4f}"
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)


def _undefined_note(shown: pd.DataFrame, undefined: Mapping[str, str], index: bool) -> str:
    """Return the note naming the columns of ``shown`` that hold a dash, with reasons."""
    reasons: dict[str, list[str]] = {}
    columns: list[tuple[str, pd.Series]] = [(str(c), shown[c]) for c in shown.columns]
    if index:
        columns.insert(0, (str(shown.index.name or "index"), shown.index.to_series()))
    for name, values in columns:
        if any(is_undefined(v) for v in values):
            reasons.setdefault(undefined.get(name, UNDEFINED_REASON), []).append(name)
    if not reasons:
        return ""
    parts = [f"{', '.join(names)}: {reason}" for reason, names in reasons.items()]
    return f'<p class="note">{DASH} = not defined. {html.escape("; ".join(parts))}.</p>'


def table_to_html(
    frame: pd.DataFrame,
    *,
    max_rows: int = 20,
    index: bool = True,
    undefined: Mapping[str, str] | None = None,
) -> str:
    """Render a frame as an escaped HTML table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to show.
    max_rows : int
        Rows shown at most; a note says how many more there are.
    index : bool
        Whether to show the index as the first column.
    undefined : mapping of str to str, optional
        Column name -> why a value of that column can be undefined (e.g.
        ``{"nrr": "no revenue in the base period"}``). A missing or non-finite
        cell is shown as :data:`DASH`, and a note under the table gives, for each
        column holding one, this reason (or :data:`UNDEFINED_REASON`).

    Returns
    -------
    str
        An HTML fragment; every header and cell is escaped.
    """
    shown = frame.head(max_rows)
    head_cells = ([html.escape(str(shown.index.name or ""))] if index else []) + [
        html.escape(str(c)) for c in shown.columns
    ]
    rows = []
    for label, record in zip(shown.index, shown.itertuples(index=False), strict=True):
        cells = ([html.escape(_format_cell(label))] if index else []) + [
            html.escape(_format_cell(v)) for v in record
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = len(frame) - len(shown)
    note = f'<p class="note">{more:,} more rows not shown.</p>' if more > 0 else ""
    note += _undefined_note(shown, undefined or {}, index)
    header = "<tr>" + "".join(f"<th>{c}</th>" for c in head_cells) + "</tr>"
    return (
        f'<table class="data"><thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>{note}'
    )


def figure_to_html(fig: Figure, *, alt: str = "chart") -> str:
    """Embed a matplotlib figure as a base64 PNG image and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to embed.
    alt : str
        Alternative text of the image.

    Returns
    -------
    str
        An ``<img>`` fragment with the PNG inlined, so the report needs no other file.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    fig.clear()
    import matplotlib.pyplot as plt

    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
