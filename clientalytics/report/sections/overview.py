"""Report section: data overview, validation outcome and the per-client summary."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from markupsafe import escape

from clientalytics.clientbase import ClientBase
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)
from clientalytics.status import STATUSES

#: Tables a client base can hold, and the columns each unlocks in the report.
UNLOCKS: dict[str, str] = {
    "clients": "unlock.clients",
    "contracts": "unlock.contracts",
    "managers": "unlock.managers",
    "marketing_spend": "unlock.marketing_spend",
    "requests": "unlock.requests",
    "touchpoints": "unlock.touchpoints",
    "surveys": "unlock.surveys",
}


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Describe the tables, what validation rejected, and each client's purchase summary.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs; this section shows ``inputs.summary`` and the clients'
        status by the report's definition (``inputs.status``).

    Returns
    -------
    ReportSection
    """
    tr = inputs.tr
    summary = inputs.summary
    tx = base.transactions
    counts = base.row_counts
    rejected = int(counts["rejected"].sum())
    section = ReportSection(title=tr("section.overview"), key="data-quality")
    too_large = tr("overview.too_large")
    revenue_total = float(tx["revenue"].sum())
    revenue = number_text(revenue_total, tr.money(revenue_total), too_large)
    if inputs.has_costs:
        margin_total = float((tx["revenue"] - tx["variable_cost"]).sum())
        margin = number_text(margin_total, tr.money(margin_total), too_large)
    else:
        margin = tr("overview.no_margin")
    n_clients = max(len(base.clients), len(summary))
    section.blocks.append(
        paragraph(
            tr(
                "overview.lead",
                start=tr.date(tx["date"].min()),
                end=tr.date(base.observation_end),
                clients=tr.count(n_clients),
                buyers=tr.count(len(summary)),
                transactions=tr.count(len(tx)),
                revenue=revenue,
                margin=margin,
            )
        )
    )
    section.blocks.extend(_reading_blocks(base, tr))
    missing = [name for name in UNLOCKS if getattr(base, name, pd.DataFrame()).empty]
    if missing:
        section.blocks.append(heading(tr("overview.missing_tables")))
        items = "".join(f"<li>{escape(tr(UNLOCKS[name]))}</li>" for name in missing)
        section.blocks.append(f'<ul class="unlock">{items}</ul>')
    if not inputs.has_costs:
        section.blocks.append(paragraph(tr("unlock.variable_cost")))
    if inputs.status is not None:
        status = inputs.status.value_counts().reindex(list(STATUSES), fill_value=0)
        table = pd.DataFrame({"clients": status, "share": status / max(1, int(status.sum()))})
        table.index = pd.Index([tr.term("status", s) for s in table.index], name="status")
        section.blocks.append(heading(tr("overview.status")))
        section.blocks.append(table_to_html(table, tr, name="client-status"))
        section.blocks.append(how_computed(tr, tr("definition.activity")))
    section.blocks.append(heading(tr("overview.rows")))
    rows = counts.copy()
    if not rows.loc["invoices", "rows_in"]:
        rows = rows.drop(index="invoices")  # an optional table, listed once supplied
    rows.index = pd.Index([tr.term("table", t) for t in rows.index], name="table")
    section.blocks.append(table_to_html(rows, tr, name="rows-per-table", max_rows=20))
    section.blocks.append(heading(tr("overview.validation")))
    if rejected:
        section.blocks.append(paragraph(tr("overview.rejected", n=tr.count(rejected))))
        section.blocks.append(
            table_to_html(base.rejection_summary, tr, name="rejections", index=False)
        )
    else:
        section.blocks.append(paragraph(tr("overview.all_valid")))
    monthly = tx.groupby(tx["date"].dt.to_period("M").dt.to_timestamp())["revenue"].sum()
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.bar(monthly.index, monthly.to_numpy(), width=20, color="#1f4e79")
    ax.grid(axis="y", alpha=0.3)
    section.blocks.append(
        figure_to_html(
            fig,
            tr,
            alt=tr("overview.chart_revenue"),
            axes={0: {"y": "money"}},
            labels={0: {"title": tr("overview.chart_revenue"), "x": tr("axis.month"),
                        "y": tr("axis.revenue", symbol=tr.currency_symbol)}},
        )
    )  # fmt: skip
    section.blocks.append(heading(tr("overview.top_clients")))
    top = summary.sort_values(["total_revenue"], ascending=False).head(50)
    names = base.clients.set_index("client_id")["name"] if len(base.clients) else None
    columns = ["n_orders", "total_revenue", "total_margin", "first_purchase", "last_purchase",
               "days_since_last_purchase"]  # fmt: skip
    if not inputs.has_costs:
        columns.remove("total_margin")
    top = top[[c for c in columns if c in top.columns]]
    if names is not None:
        top.insert(0, "client_name", names.reindex(top.index).to_numpy())
    top.index.name = "client_id"
    section.blocks.append(table_to_html(top, tr, name="top-clients"))
    stats_cols = ["n_orders", "total_revenue", "total_margin", "days_since_last_purchase"]
    if not inputs.has_costs:
        stats_cols.remove("total_margin")
    stats = summary[stats_cols].describe(percentiles=[0.25, 0.5, 0.75]).T
    stats = stats.drop(columns="count")
    stats.index = pd.Index([tr(f"col.{c}") for c in stats.index], name="statistic")
    stats.columns = pd.Index([f"stat_{c.rstrip('%')}" for c in stats.columns])
    kinds = {c: "number" for c in stats.columns}
    section.blocks.append(heading(tr("overview.distribution")))
    section.blocks.append(
        table_to_html(stats, tr, name="client-statistics", kinds=kinds)  # type: ignore[arg-type]
    )
    section.summary = [
        f"clients: {n_clients:,}; transactions: {len(tx):,}; rejected rows: {rejected:,}",
        f"revenue: {revenue}; one-time buyers: {(summary['frequency'] == 0).mean():.0%}",
    ]
    return section


def _reading_blocks(base: ClientBase, tr: Translator) -> list[str]:
    """Build the blocks that head the data-quality section: money conventions, file readings."""
    vat_rate = getattr(base, "vat_rate", None)
    if getattr(base, "vat_included", False) and vat_rate is not None:
        vat = tr("overview.vat_net", rate=tr.percent(vat_rate))
    else:
        vat = tr("overview.vat_none")
    blocks = [paragraph(tr("overview.money", currency=getattr(base, "currency", "RUB"), vat=vat))]
    merged = getattr(base, "merged_clients", None)
    if merged is not None and len(merged):
        blocks.append(paragraph(tr("overview.merged", n=tr.count(len(merged)))))
    blocks.append(heading(tr("overview.files")))
    readings = getattr(base, "readings", None) or {}
    if not readings:
        blocks.append(paragraph(tr("overview.files_python")))
        return blocks
    rows = []
    for table, tf in readings.items():
        reading = tf.reading
        how = [tr(f"read.format.{reading.format}")]
        if reading.encoding:
            how.append(tr("read.encoding", value=reading.encoding))
        if reading.separator:
            sep = tr("read.tab") if reading.separator == "\t" else f"«{reading.separator}»"
            how.append(tr("read.separator", value=sep))
        if reading.sheet:
            how.append(tr("read.sheet", value=reading.sheet))
        numbers = []
        for column, fmt in tf.number_formats.items():
            if fmt.thousands is None:
                thousands = tr("read.no_thousands")
            elif fmt.thousands == " ":
                thousands = tr("read.space")
            else:
                thousands = f"«{fmt.thousands}»"
            numbers.append(
                tr("read.decimal", column=column, decimal=f"«{fmt.decimal}»", thousands=thousands)
            )
        mapped = [
            tr("read.by", header=header, column=column, how=tr(f"read.how.{how_}"))
            for header, column in tf.header_map.columns.items()
            if (how_ := tf.header_map.sources.get(header, "exact")) != "exact"
        ]
        rows.append(
            {
                "table": tr.term("table", table),
                "file": tf.reading.path.name,
                "read_as": ", ".join(how),
                "numbers": "; ".join(numbers),
                "headers": "; ".join(mapped),
                "unmapped": ", ".join(tf.header_map.unmapped),
            }
        )
    frame = pd.DataFrame(rows).set_index("table")
    kinds = dict.fromkeys(frame.columns, "text")
    blocks.append(table_to_html(frame, tr, name="files-read", kinds=kinds))  # type: ignore[arg-type]
    return blocks
