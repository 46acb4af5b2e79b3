"""Building blocks of the HTML report: sections, escaped tables and embedded figures.

Every string that comes from the data goes through :func:`html.escape` here, so a
client named ``<script>`` renders as text.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

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


def _format_cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4f}"
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def table_to_html(frame: pd.DataFrame, *, max_rows: int = 20, index: bool = True) -> str:
    """Render a frame as an escaped HTML table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to show.
    max_rows : int
        Rows shown at most; a note says how many more there are.
    index : bool
        Whether to show the index as the first column.

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
