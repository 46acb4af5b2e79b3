"""Report section: data overview, validation outcome and the per-client summary."""

from __future__ import annotations

import matplotlib.pyplot as plt

from clientalytics.clientbase import ClientBase
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    number_text,
    paragraph,
    table_to_html,
)

#: Why a total can be undefined: a sum of finite amounts beyond the float range.
TOO_LARGE = "the total exceeds the range of floating-point numbers"


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Describe the tables, what validation rejected, and each client's purchase summary.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs; this section shows ``inputs.summary``.

    Returns
    -------
    ReportSection
    """
    summary = inputs.summary
    tx = base.transactions
    counts = base.row_counts
    rejected = int(counts["rejected"].sum())
    section = ReportSection(title="Data quality and overview", key="data-quality")
    revenue = number_text(tx["revenue"].sum(), ",.2f", TOO_LARGE)
    margin = number_text((tx["revenue"] - tx["variable_cost"]).sum(), ",.2f", TOO_LARGE)
    section.blocks.append(
        paragraph(
            f"Observation window {tx['date'].min().date()} to {base.observation_end.date()}: "
            f"{len(base.clients):,} clients, {len(summary):,} with at least one order, "
            f"{len(tx):,} transactions, revenue {revenue}, margin {margin}."
        )
    )
    section.blocks.append(heading("Rows per table"))
    section.blocks.append(table_to_html(counts, max_rows=20))
    section.blocks.append(heading("Validation"))
    if rejected:
        section.blocks.append(
            paragraph(f"{rejected:,} row(s) were rejected; each problem below names its column.")
        )
        section.blocks.append(table_to_html(base.rejection_summary, max_rows=30, index=False))
    else:
        section.blocks.append(paragraph("Every row of every table passed validation."))
    monthly = tx.groupby(tx["date"].dt.to_period("M").dt.to_timestamp())["revenue"].sum()
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(monthly.index, monthly.to_numpy(), width=20, color="#1f4e79")
    ax.set_title("Revenue by month")
    ax.set_ylabel("revenue")
    section.blocks.append(figure_to_html(fig, alt="Revenue by month"))
    section.blocks.append(heading("Per-client summary (top 20 by revenue)"))
    top = summary.sort_values(["total_revenue"], ascending=False).head(20)
    names = base.clients.set_index("client_id")["name"]
    top = top.join(names.rename("client_name"), how="left")
    section.blocks.append(table_to_html(top, max_rows=20))
    stats = (
        summary[
            ["frequency", "n_orders", "total_revenue", "total_margin", "days_since_last_purchase"]
        ]
        .describe()
        .T
    )
    section.blocks.append(heading("Distribution of the per-client statistics"))
    section.blocks.append(table_to_html(stats))
    section.summary = [
        f"clients: {len(base.clients):,}; transactions: {len(tx):,}; rejected rows: {rejected:,}",
        f"revenue: {number_text(tx['revenue'].sum(), ',.0f', TOO_LARGE)}; one-time buyers: "
        f"{(summary['frequency'] == 0).mean():.0%}",
    ]
    return section
