"""Assemble the report from its section builders and render one self-contained HTML page."""

from __future__ import annotations

import datetime as dt
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module, resources
from pathlib import Path

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError, ValidationError
from clientalytics.report.i18n import (
    Lang,
    MissingTranslationWarning,
    Translator,
    check_lang,
    default_lang,
)
from clientalytics.report.inputs import ReportInputs, report_inputs
from clientalytics.report.model import ReportSection, environment, join_blocks, paragraph
from clientalytics.status import report_window

SectionBuilder = Callable[[ClientBase, ReportInputs], ReportSection]
Progress = Callable[[str], None]

#: Section modules of :mod:`clientalytics.report.sections`, in report order. Each
#: exposes ``build_section(base, inputs) -> ReportSection``, which reads the shared
#: :class:`~clientalytics.report.inputs.ReportInputs` and writes nothing shared, so
#: the order changes only the order of the page. The executive summary
#: (:mod:`clientalytics.report.sections.executive`) is built after them, from their
#: figures, and shown first.
SECTION_MODULES: tuple[str, ...] = (
    "overview",
    "clv",
    "segmentation",
    "retention",
    "marketing",
    "managers",
    "service",
)

#: Section modules shown only for a base that holds their data, after those of
#: :data:`SECTION_MODULES`. Each also exposes ``applies(base) -> bool``; a base
#: without that data gets the report it would get without the module.
OPTIONAL_SECTION_MODULES: tuple[str, ...] = ("receivables",)


def _asset(name: str) -> str:
    return (
        resources.files("clientalytics.report")
        .joinpath(f"templates/{name}")
        .read_text(encoding="utf-8")
    )


def default_builders(base: ClientBase | None = None) -> list[SectionBuilder]:
    """Return the builder of every section in :data:`SECTION_MODULES`, in order.

    Given ``base``, the builders of the :data:`OPTIONAL_SECTION_MODULES` that apply
    to it (a base with invoices gets the receivables section) follow.
    """
    builders: list[SectionBuilder] = []
    for name in SECTION_MODULES:
        module = import_module(f"clientalytics.report.sections.{name}")
        builders.append(module.build_section)
    if base is not None:
        for name in OPTIONAL_SECTION_MODULES:
            module = import_module(f"clientalytics.report.sections.{name}")
            if module.applies(base):
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


@dataclass(frozen=True)
class Identity:
    """What the report is about, shown under its title.

    Attributes
    ----------
    title : str
        Page title: the company's name, or a given title.
    window : str
        Observation window, e.g. ``2 Jan 2023 - 1 Jan 2026``.
    source : str
        Where the data was read from.
    generated : str
        When the report was generated (UTC).
    version : str
        Version of clientalytics that wrote it.
    """

    title: str
    window: str
    source: str
    generated: str
    version: str


def _version() -> str:
    from clientalytics import __version__

    return str(__version__)


def report_identity(
    base: ClientBase,
    tr: Translator,
    *,
    title: str | None = None,
    generated_at: dt.datetime | None = None,
) -> Identity:
    """Title, observation window, data source, generation time and version of a report.

    The title is ``title``, else the company name the data declares
    (``base.company_name``), else the name of the folder the data was read from,
    else a generic title in the report's language.
    """
    folders = {Path(str(p)).parent for p in base.sources.values()}
    company = getattr(base, "company_name", None)
    if title:
        chosen = title
    elif company:
        chosen = tr("page.title_company", company=company)
    elif len(folders) == 1 and next(iter(folders)).name not in ("", "."):
        chosen = tr("page.title_company", company=next(iter(folders)).name)
    else:
        chosen = tr("page.title")
    first = base.transactions["date"].min()
    window = tr("page.window", start=tr.date(first), end=tr.date(base.observation_end))
    if base.sources:
        source = "; ".join(sorted({str(folder) for folder in folders}))
    else:
        source = tr("page.source_memory")
    moment = generated_at if generated_at is not None else dt.datetime.now(dt.UTC)
    return Identity(chosen, window, source, tr.datetime(moment), _version())


def _not_computed(label: str, tr: Translator, error: ClientalyticsError) -> ReportSection:
    title = tr(f"section.{label}") if tr.has(f"section.{label}") else label.capitalize()
    section = ReportSection(title=title, key=label)
    section.blocks.append(paragraph(tr("common.not_computed", reason=str(error))))
    section.summary.append(f"not computed: {error}")
    return section


def build_report(
    base: ClientBase,
    *,
    builders: Sequence[SectionBuilder] | None = None,
    progress: Progress | None = None,
    title: str | None = None,
    lang: str | None = None,
    generated_at: dt.datetime | None = None,
    executive: bool = True,
) -> tuple[str, list[ReportSection]]:
    """Build every section and render the report page.

    Parameters
    ----------
    base : ClientBase
        The company to report on.
    builders : sequence of callables, optional
        Section builders; defaults to :func:`default_builders` of ``base``.
    progress : callable, optional
        Called with a line of text as each section starts and ends.
    title : str, optional
        Page title; by default the company's name (see :func:`report_identity`).
    lang : {"en", "ru"}, optional
        Language of the report; by default the user's locale
        (:func:`~clientalytics.report.i18n.default_lang`), else English.
    generated_at : datetime, optional
        Generation time shown in the header (UTC); now by default.
    executive : bool
        Whether to open the report with the executive summary.

    Notes
    -----
    The inputs the sections share (:func:`~clientalytics.report.inputs.report_inputs`)
    are computed once, before the first section. A section whose analysis the data
    cannot support (a builder raising a
    :class:`~clientalytics.exceptions.ClientalyticsError`, e.g. a model that does not
    converge on a handful of clients) is rendered with the reason instead, and the
    other sections are still built. A text the chosen language's catalogue lacks is
    shown in English and reported with a
    :class:`~clientalytics.report.i18n.MissingTranslationWarning`.

    Returns
    -------
    html : str
        The whole page, with charts and CSV files embedded.
    sections : list of ReportSection
        The sections, in order, for a terminal summary.

    Raises
    ------
    EmptyBaseError
        When ``base`` keeps no transaction (see :func:`check_reportable`); no
        section is built.
    """
    check_reportable(base)
    chosen_lang: Lang = check_lang(lang) if lang is not None else default_lang()
    tr = Translator(lang=chosen_lang, currency=str(getattr(base, "currency", "RUB") or "RUB"))
    chosen = list(builders) if builders is not None else default_builders(base)
    started = time.perf_counter()
    if progress is not None:
        progress("shared inputs (summary, lifetime values, RFM segments) ...")
    inputs = report_inputs(base, tr=tr)
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
            section = _not_computed(label, tr, error)
        sections.append(section)
        if progress is not None:
            progress(
                f"[{number}/{len(chosen)}] {section.title}: {time.perf_counter() - started:.1f} s"
            )
    shown = sections
    if executive:
        from clientalytics.report.sections.executive import build_executive

        try:
            shown = [build_executive(base, inputs, sections), *sections]
        except ClientalyticsError as error:
            shown = [_not_computed("executive", tr, error), *sections]
    identity = report_identity(base, tr, title=title, generated_at=generated_at)
    page = render_page(shown, identity=identity, tr=tr)
    if tr.missing:
        warnings.warn(
            f"report ({tr.lang}): {len(tr.missing)} text(s) without a translation, shown "
            f"in English: {', '.join(sorted(tr.missing)[:20])}",
            MissingTranslationWarning,
            stacklevel=2,
        )
    return page, shown


def render_page(
    sections: Sequence[ReportSection],
    *,
    identity: Identity,
    tr: Translator | None = None,
) -> str:
    """Render sections into one self-contained HTML page.

    Parameters
    ----------
    sections : sequence of ReportSection
        Sections in order.
    identity : Identity
        Title and the facts shown under it (see :func:`report_identity`).
    tr : Translator, optional
        Language of the page's own texts (English by default).

    Returns
    -------
    str
        The HTML document: styles, script, charts and CSV files inline, no link to
        any other resource.
    """
    tr = tr if tr is not None else Translator()
    items = [
        {"label": tr("page.window_label"), "value": identity.window},
        {"label": tr("page.source_label"), "value": identity.source},
        {"label": tr("page.generated_label"), "value": identity.generated},
        {"label": tr("page.version_label"), "value": f"clientalytics {identity.version}"},
        {
            "label": tr("page.definition_label"),
            "value": tr("page.definition_short", window=report_window_text(tr)),
        },
    ]
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            lang=tr.lang,
            title=identity.title,
            identity=items,
            version=identity.version,
            css=_asset("report.css"),
            script=join_blocks([_asset("report.js")]),
            nav_label=tr("page.nav"),
            sections=[
                {"key": s.key, "title": s.title, "html": join_blocks(s.blocks)} for s in sections
            ],
            footer=tr("page.footer", version=identity.version),
        )
    )


def report_window_text(tr: Translator) -> str:
    """Return the length of the report's activity window, in words."""
    from clientalytics.status import ACTIVE_MONTHS

    return tr("page.months", n=ACTIVE_MONTHS)


def write_report(
    base: ClientBase,
    path: str | Path,
    *,
    builders: Sequence[SectionBuilder] | None = None,
    progress: Progress | None = None,
    title: str | None = None,
    lang: str | None = None,
    generated_at: dt.datetime | None = None,
) -> list[ReportSection]:
    """Build the report and write it to ``path``.

    Parameters
    ----------
    base : ClientBase
        The company to report on.
    path : str or Path
        Output HTML file.
    builders, progress, title, lang, generated_at
        As for :func:`build_report`.

    Returns
    -------
    list of ReportSection
        The sections written, the executive summary first.

    Raises
    ------
    EmptyBaseError
        When ``base`` keeps no transaction; nothing is written.
    """
    page, sections = build_report(
        base,
        builders=builders,
        progress=progress,
        title=title,
        lang=lang,
        generated_at=generated_at,
    )
    Path(path).write_text(page, encoding="utf-8")
    return sections


__all__ = [
    "EmptyBaseError",
    "Identity",
    "build_report",
    "check_reportable",
    "default_builders",
    "render_page",
    "report_identity",
    "report_window",
    "write_report",
]
