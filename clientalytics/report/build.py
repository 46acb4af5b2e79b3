"""Assemble the report from its section builders and render one self-contained HTML page."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError, ValidationError
from clientalytics.report.inputs import ReportInputs, report_inputs
from clientalytics.report.model import ReportSection, paragraph

SectionBuilder = Callable[[ClientBase, ReportInputs], ReportSection]
Progress = Callable[[str], None]

#: Section modules of :mod:`clientalytics.report.sections`, in report order. Each
#: exposes ``build_section(base, inputs) -> ReportSection``, which reads the shared
#: :class:`~clientalytics.report.inputs.ReportInputs` and writes nothing shared, so
#: the order changes only the order of the page.
SECTION_MODULES: tuple[str, ...] = (
    "overview",
    "clv",
    "segmentation",
    "retention",
    "marketing",
    "managers",
    "service",
)

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2933;
background:#f5f7fa}
header{background:#1f4e79;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.6rem}
nav{background:#fff;padding:.6rem 2rem;border-bottom:1px solid #d9e2ec}
nav a{margin-right:1.2rem;color:#1f4e79;text-decoration:none}
main{padding:1rem 2rem;max-width:1200px}
section{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:1rem 1.5rem;
margin:1rem 0}
h2{color:#1f4e79;margin-top:0}table.data{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
table.data th,table.data td{border:1px solid #d9e2ec;padding:.25rem .5rem;text-align:right}
table.data th{background:#f0f4f8}table.data td:first-child{text-align:left}
img.chart{max-width:100%;height:auto;display:block;margin:.5rem 0}
.note{color:#627d98;font-size:.8rem}
"""


def default_builders() -> list[SectionBuilder]:
    """Return the builder of every section in :data:`SECTION_MODULES`, in order."""
    builders: list[SectionBuilder] = []
    for name in SECTION_MODULES:
        module = import_module(f"clientalytics.report.sections.{name}")
        builders.append(module.build_section)
    return builders


class EmptyBaseError(ValidationError):
    """The client base keeps no transaction, so there is nothing to report on."""


def check_reportable(base: ClientBase) -> None:
    """Refuse a client base that keeps no transaction, before any section runs.

    Parameters
    ----------
    base : ClientBase
        The company to report on.

    Raises
    ------
    EmptyBaseError
        When ``base.transactions`` is empty. The message says how many rows were
        read and rejected and the most frequent rejection reasons.
    """
    if len(base.transactions):
        return
    counts = base.row_counts
    rows_in = int(counts["rows_in"].get("transactions", 0))
    summary = base.rejection_summary
    mine = summary[summary["table"] == "transactions"]
    if rows_in == 0:
        cause = "the transactions table has no rows"
    elif mine.empty:
        cause = f"none of the {rows_in:,} transaction rows read is in the kept table"
    else:
        top = mine.sort_values("rows", ascending=False).head(3)
        reasons = "; ".join(
            f"column {row['column']!r}: {row['reason']} ({int(row['rows']):,} rows)"
            for _, row in top.iterrows()
        )
        cause = f"all {rows_in:,} transaction rows were rejected ({reasons})"
    raise EmptyBaseError(
        f"transactions: no transaction was kept, so there is nothing to report on: {cause}. "
        "Fix the rows named in the rejection report (ClientBase.rejection_summary) and run again"
    )


def build_report(
    base: ClientBase,
    *,
    builders: Sequence[SectionBuilder] | None = None,
    progress: Progress | None = None,
    title: str = "Client base report",
) -> tuple[str, list[ReportSection]]:
    """Build every section and render the report page.

    Parameters
    ----------
    base : ClientBase
        The company to report on.
    builders : sequence of callables, optional
        Section builders; defaults to :func:`default_builders`.
    progress : callable, optional
        Called with a line of text as each section starts and ends.
    title : str
        Page title.

    Notes
    -----
    The inputs the sections share (:func:`~clientalytics.report.inputs.report_inputs`)
    are computed once, before the first section. A section whose analysis the data
    cannot support (a builder raising a
    :class:`~clientalytics.exceptions.ClientalyticsError`, e.g. a model that does not
    converge on a handful of clients) is rendered with the reason instead, and the
    other sections are still built.

    Returns
    -------
    html : str
        The whole page, with images embedded.
    sections : list of ReportSection
        The sections, in order, for a terminal summary.

    Raises
    ------
    EmptyBaseError
        When ``base`` keeps no transaction (see :func:`check_reportable`); no
        section is built.
    """
    check_reportable(base)
    chosen = list(builders) if builders is not None else default_builders()
    started = time.perf_counter()
    if progress is not None:
        progress("shared inputs (summary, lifetime values, RFM segments) ...")
    inputs = report_inputs(base)
    if progress is not None:
        progress(f"shared inputs: {time.perf_counter() - started:.1f} s")
    sections: list[ReportSection] = []
    for number, builder in enumerate(chosen, start=1):
        started = time.perf_counter()
        label = getattr(builder, "__module__", "section").rsplit(".", 1)[-1]
        if progress is not None:
            progress(f"[{number}/{len(chosen)}] {label} ...")
        try:
            section = builder(base, inputs)
        except ClientalyticsError as error:
            # The data cannot support this analysis (too little history, a model that
            # does not converge): say so in its place and go on with the others.
            section = ReportSection(title=label.replace("_", " ").capitalize(), key=label)
            section.blocks.append(paragraph(f"This section could not be computed: {error}"))
            section.summary.append(f"not computed: {error}")
        sections.append(section)
        if progress is not None:
            progress(
                f"[{number}/{len(chosen)}] {section.title}: {time.perf_counter() - started:.1f} s"
            )
    return render_page(sections, title=title, subtitle=repr(base)), sections


def render_page(sections: Sequence[ReportSection], *, title: str, subtitle: str = "") -> str:
    """Render sections into one self-contained HTML page.

    Parameters
    ----------
    sections : sequence of ReportSection
        Sections in order.
    title : str
        Page title (escaped).
    subtitle : str
        Line under the title (escaped).

    Returns
    -------
    str
        The HTML document.
    """
    nav = "".join(f'<a href="#{html.escape(s.key)}">{html.escape(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{html.escape(s.key)}"><h2>{html.escape(s.title)}</h2>'
        + "".join(s.blocks)
        + "</section>"
        for s in sections
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1><div>{html.escape(subtitle)}</div></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>"
    )


def write_report(
    base: ClientBase,
    path: str | Path,
    *,
    builders: Sequence[SectionBuilder] | None = None,
    progress: Progress | None = None,
) -> list[ReportSection]:
    """Build the report and write it to ``path``.

    Parameters
    ----------
    base : ClientBase
        The company to report on.
    path : str or Path
        Output HTML file.
    builders, progress
        As for :func:`build_report`.

    Returns
    -------
    list of ReportSection
        The sections written.

    Raises
    ------
    EmptyBaseError
        When ``base`` keeps no transaction; nothing is written.
    """
    page, sections = build_report(base, builders=builders, progress=progress)
    Path(path).write_text(page, encoding="utf-8")
    return sections
