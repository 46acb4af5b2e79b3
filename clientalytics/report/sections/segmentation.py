"""Report section: RFM segments, relation to the firm, ABC/XYZ, pyramid and golden clients."""

from __future__ import annotations

import matplotlib.pyplot as plt

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.segmentation import (
    plot_abc_xyz,
    plot_golden,
    plot_pareto,
    plot_pyramid,
    plot_rf_heatmap,
    plot_segments,
)
from clientalytics.ranking import rank_golden_clients
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    paragraph,
    table_to_html,
)
from clientalytics.segmentation import (
    abc_classes,
    abc_xyz_matrix,
    client_matrix,
    customer_pyramid,
    pyramid_summary,
    relation_to_firm,
    segment_summary,
    xyz_classes,
)

#: XYZ limits used in the report. A client's monthly freight revenue is far lumpier
#: than the stock demand the classic 10 % / 25 % limits were made for; with those
#: limits nearly every client would be Z.
REPORT_XYZ_THRESHOLDS = (1.0, 2.0)


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Segment the client base and rank the golden clients.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the daily summary, the RFM scores and segments, and the
        lifetime values (``clv`` and ``probability_alive``, the outlook of the
        golden-client ranking) when they cover every client.

    Returns
    -------
    ReportSection
    """
    end = base.observation_end
    summary = inputs.summary
    scores, segments = inputs.rfm, inputs.segments
    if scores is None or segments is None:
        raise inputs.rfm_error or ValidationError("no RFM scores were computed")
    clv = inputs.clv
    section = ReportSection(title="Segmentation and golden clients", key="segmentation")
    if clv is not None:
        uncovered = summary.index.difference(clv.index)
        if len(uncovered) or not clv.reindex(summary.index)["clv"].notna().all():
            section.blocks.append(
                paragraph(
                    f"Note: the lifetime values miss {len(uncovered):,} client(s) or hold "
                    "missing values; they are not used here."
                )
            )
            clv = None
    profile = segment_summary(segments, summary, clv=clv)
    section.blocks.append(heading("RFM segments"))
    section.blocks.append(
        paragraph(
            "Each client is scored 1-5 on recency (days since the last order), frequency "
            "(orders) and monetary value (revenue) by quintiles, and named by the first "
            "matching rule of the R x F segment map."
        )
    )
    for note in inputs.rfm_notes:
        section.blocks.append(paragraph(f"Note: {note}"))
    section.blocks.append(table_to_html(profile, max_rows=20))
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
    plot_segments(profile, ax=axes[0])
    plot_rf_heatmap(scores, ax=axes[1])
    section.blocks.append(figure_to_html(fig, alt="RFM segments and R x F heatmap"))

    relation = relation_to_firm(
        summary,
        observation_end=end,
        clients=base.clients,
        contracts=base.contracts,
        requests=base.requests,
        touchpoints=base.touchpoints,
    )
    counts = relation["relation"].value_counts(sort=False).rename("clients").to_frame()
    counts["share"] = counts["clients"] / float(len(relation))
    section.blocks.append(heading("Relation to the firm"))
    section.blocks.append(
        paragraph(
            "Derived from orders and contracts: potential (no order yet), new (first order "
            "within 180 days), permanent (regular orders, still ordering), occasional, lost "
            "(stopped ordering with an expired contract, or no order for over a year)."
        )
    )
    section.blocks.append(table_to_html(counts))
    section.blocks.append(heading("New vs permanent x valuable vs low-value"))
    try:
        matrix = client_matrix(summary, relation)
    except ValidationError as exc:
        section.blocks.append(paragraph(f"Not shown: {exc}"))
    else:
        section.blocks.append(
            paragraph(
                f"Valuable = mean order value at or above the median "
                f"({float(matrix['threshold'].iloc[0]):,.2f}) of new and permanent clients."
            )
        )
        section.blocks.append(table_to_html(matrix.drop(columns="threshold"), index=False))

    abc = abc_classes(summary, by="total_revenue")
    xyz = xyz_classes(
        base.transactions,
        time_unit="M",
        since="first_purchase",
        observation_end=end,
        thresholds=REPORT_XYZ_THRESHOLDS,
    )
    cells = abc_xyz_matrix(abc, xyz.reindex(abc.index))
    section.blocks.append(heading("ABC x XYZ"))
    low, high = REPORT_XYZ_THRESHOLDS
    section.blocks.append(
        paragraph(
            "ABC: A = the top clients holding 80 % of revenue, B the next 15 %, C the rest. "
            f"XYZ: coefficient of variation of monthly revenue since the first order; X below "
            f"{low:.0%}, Y up to {high:.0%}, Z above."
        )
    )
    section.blocks.append(table_to_html(cells, max_rows=9))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    plot_pareto(abc, ax=axes[0])
    plot_abc_xyz(cells, ax=axes[1])
    section.blocks.append(figure_to_html(fig, alt="Pareto curve and ABC x XYZ matrix"))

    pyramid = pyramid_summary(customer_pyramid(summary, by="total_margin"))
    section.blocks.append(heading("Customer pyramid (by margin)"))
    section.blocks.append(table_to_html(pyramid))
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_pyramid(pyramid, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Customer pyramid"))

    ranking = rank_golden_clients(
        base.transactions,
        clv=clv.reindex(summary.index) if clv is not None else None,
        outlook=clv["probability_alive"].reindex(summary.index) if clv is not None else None,
        contracts=base.contracts,
        observation_end=end,
    )
    top = ranking.table.head(20)
    names = base.clients.set_index("client_id")["name"]
    top = top.join(names.rename("client_name"), how="left")
    section.blocks.append(heading("Golden clients (top 20 with each criterion's contribution)"))
    section.blocks.append(paragraph(ranking.describe()))
    section.blocks.append(table_to_html(top, max_rows=20))
    fig, ax = plt.subplots(figsize=(9, 5))
    plot_golden(ranking.table, top=20, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Golden clients score contributions"))

    share = profile["client_share"]
    biggest = str(share.idxmax())
    a_share = float((abc["abc"] == "A").mean())
    section.summary = [
        f"largest RFM segment: {biggest} ({float(share.max()):.0%} of clients); "
        f"A clients: {a_share:.0%} of clients hold 80% of revenue",
        f"golden clients: {len(ranking.golden)} of {len(ranking.table)}",
    ]
    return section
