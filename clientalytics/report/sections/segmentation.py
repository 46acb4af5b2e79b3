"""Report section: RFM segments, relation to the firm, ABC/XYZ, pyramid and golden clients."""

from __future__ import annotations

from math import nan

import matplotlib.pyplot as plt
import pandas as pd

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
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)
from clientalytics.segmentation import (
    abc_classes,
    abc_xyz_matrix,
    active_xyz_classes,
    client_matrix,
    customer_pyramid,
    pyramid_summary,
    relation_to_firm,
    segment_summary,
)
from clientalytics.segmentation.abc_xyz import OTHER_TREATMENTS
from clientalytics.segmentation.typology import RelationRules
from clientalytics.status import ACTIVE_MONTHS, report_window

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
        ``facts["golden_revenue_share"]``: the golden clients' share of the
        revenue of the report's window.
    """
    tr = inputs.tr
    end = base.observation_end
    summary = inputs.summary
    transactions = inputs.transactions if inputs.transactions is not None else base.transactions
    scores, segments = inputs.rfm, inputs.segments
    if scores is None or segments is None:
        raise inputs.rfm_error or ValidationError("no RFM scores were computed")
    clv = inputs.clv
    section = ReportSection(title=tr("section.segmentation"), key="segmentation")
    if not inputs.has_costs:
        # Without costs the margin is unknown: the margin-based views rank by revenue.
        summary = summary.assign(total_margin=summary["total_revenue"])
        section.blocks.append(paragraph(tr("seg.no_cost")))
    if clv is not None:
        uncovered = summary.index.difference(clv.index)
        if len(uncovered) or not clv.reindex(summary.index)["clv"].notna().all():
            section.blocks.append(paragraph(tr("seg.clv_incomplete", n=tr.count(len(uncovered)))))
            clv = None
    profile = segment_summary(segments, summary, clv=clv)
    if not inputs.has_costs:
        profile = profile.drop(columns=[c for c in profile.columns if "margin" in c])
    profile.index.name = "segment"
    section.blocks.append(heading(tr("seg.rfm")))
    section.blocks.append(paragraph(tr("seg.rfm_lead")))
    section.blocks.append(how_computed(tr, tr("seg.rfm_how")))
    for note in inputs.rfm_notes:
        section.blocks.append(paragraph(tr("common.note", text=note)))
    section.blocks.append(
        table_to_html(
            profile, tr, name="rfm-segments", max_rows=20, terms={"segment": "segment"},
            size="n_clients",
        )
    )  # fmt: skip
    translated = profile.rename(index=lambda v: tr.term("segment", v))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    plot_segments(translated, ax=axes[0])
    plot_rf_heatmap(scores, ax=axes[1])
    fig.tight_layout()
    section.blocks.append(
        figure_to_html(
            fig,
            tr,
            alt=tr("seg.chart_rfm"),
            axes={0: {"x": "share"}},
            labels={0: {"title": tr("seg.chart_segments")}},
        )
    )

    relation = relation_to_firm(
        summary,
        observation_end=end,
        clients=base.clients,
        contracts=base.contracts,
        requests=base.requests,
        touchpoints=base.touchpoints,
        rules=RelationRules(),
    )
    if inputs.status is not None:
        # The default rules are the library's status (clientalytics.status); the
        # status itself is applied too, so every section counts the same lost clients.
        status = inputs.status.reindex(relation.index.astype(str))
        lost = (status == "lost").to_numpy()
        relation.loc[lost, "relation"] = "lost"
    counts = relation["relation"].value_counts(sort=False).rename("clients").to_frame()
    counts["share"] = counts["clients"] / float(len(relation))
    counts.index.name = "relation"
    section.blocks.append(heading(tr("seg.relation")))
    section.blocks.append(paragraph(tr("seg.relation_lead")))
    section.blocks.append(how_computed(tr, tr("definition.activity")))
    section.blocks.append(
        table_to_html(counts, tr, name="relation-to-firm", terms={"relation": "relation"})
    )
    section.blocks.append(heading(tr("seg.matrix")))
    try:
        matrix = client_matrix(summary, relation)
    except ValidationError as exc:
        section.blocks.append(paragraph(tr("common.not_shown", reason=str(exc))))
    else:
        section.blocks.append(
            paragraph(tr("seg.matrix_lead", threshold=tr.money(float(matrix["threshold"].iloc[0]))))
        )
        shown = matrix.drop(columns="threshold")
        section.blocks.append(
            table_to_html(
                shown, tr, name="client-matrix", index=False,
                terms={c: "relation" if c == "relation" else "value_class"
                       for c in shown.columns if shown[c].dtype == object},
            )
        )  # fmt: skip

    abc = abc_classes(summary, by="total_revenue")
    # Demand stability of the clients that still order, over the last twelve months;
    # lost clients get their own row (no erratic-demand advice), new ones are judged
    # over their months since the first order.
    xyz = active_xyz_classes(
        transactions,
        observation_end=end,
        window_months=ACTIVE_MONTHS,
        thresholds=REPORT_XYZ_THRESHOLDS,
    )
    cells = abc_xyz_matrix(abc, xyz.reindex(abc.index.astype(str)).set_axis(abc.index))
    cells["treatment"] = [tr.term("treatment", cell) for cell in cells.index]
    cells.index = pd.Index(
        [tr.term("status", c) if c in OTHER_TREATMENTS else c for c in cells.index], name="cell"
    )
    section.blocks.append(heading(tr("seg.abcxyz")))
    low, high = REPORT_XYZ_THRESHOLDS
    section.blocks.append(
        paragraph(tr("seg.abcxyz_lead", low=tr.percent(low, 0), high=tr.percent(high, 0)))
    )
    section.blocks.append(
        table_to_html(cells.drop(columns=["abc", "xyz"]), tr, name="abc-xyz", max_rows=11,
                      kinds={"value": "money"}, size="clients")
    )  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    plot_pareto(abc, ax=axes[0])
    plot_abc_xyz(cells[cells["xyz"].isin(["X", "Y", "Z"])], ax=axes[1])
    fig.tight_layout()
    section.blocks.append(
        figure_to_html(fig, tr, alt=tr("seg.chart_abc"), axes={0: {"y": "share"}})
    )

    by = "total_margin" if inputs.has_costs else "total_revenue"
    pyramid = pyramid_summary(customer_pyramid(summary, by=by))
    pyramid.index = pd.Index([str(t) for t in pyramid.index], name="tier")
    section.blocks.append(heading(tr(f"seg.pyramid.{by}")))
    section.blocks.append(
        table_to_html(
            pyramid, tr, name="customer-pyramid", terms={"tier": "tier"},
            kinds={"value": "money", "mean_value": "money", "min_value": "money",
                   "max_value": "money", "loss_making": "count"},
        )
    )  # fmt: skip
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_pyramid(pyramid.rename(index=lambda v: tr.term("tier", v)), ax=ax)
    section.blocks.append(figure_to_html(fig, tr, alt=tr("seg.chart_pyramid")))

    ranking = rank_golden_clients(
        transactions,
        clv=clv.reindex(summary.index) if clv is not None else None,
        outlook=clv["probability_alive"].reindex(summary.index) if clv is not None else None,
        contracts=base.contracts,
        observation_end=end,
    )
    table = ranking.table
    golden = table.index[table["tier"] == "golden"].astype(str)
    window = report_window(end)
    part = transactions[window.holds(transactions["date"])]
    window_revenue = part.groupby(part["client_id"].astype(str))["revenue"].sum()
    total = float(window_revenue.sum())
    share = float(window_revenue.reindex(golden).fillna(0).sum() / total) if total > 0 else nan
    section.facts["golden_revenue_share"] = share
    section.facts["golden_clients"] = float(len(golden))
    golden_columns = ["rank", "score", "tier", "clv", "margin"] + [
        c for c in table.columns if c.startswith("contrib_")
    ]
    top = table[[c for c in golden_columns if c in table.columns]].head(50).copy()
    if len(base.clients):
        names = base.clients.set_index("client_id")["name"]
        top.insert(0, "client_name", names.reindex(top.index.astype(str)).to_numpy())
    top.index.name = "client_id"
    section.blocks.append(heading(tr("seg.golden")))
    section.blocks.append(
        paragraph(
            tr(
                "seg.golden_lead",
                golden=tr.count(len(golden)),
                clients=tr.count(len(table)),
                share=number_text(share, tr.percent(share, 1), tr("seg.no_window_revenue")),
                basis=tr(f"col.{ranking.value_column}"),
            )
        )
    )
    section.blocks.append(how_computed(tr, tr("seg.golden_how")))
    section.blocks.append(
        table_to_html(top, tr, name="golden-clients", max_rows=20, terms={"tier": "gold_tier"})
    )
    fig, ax = plt.subplots(figsize=(9, 5))
    plot_golden(table, top=20, ax=ax)
    section.blocks.append(figure_to_html(fig, tr, alt=tr("seg.chart_golden")))

    client_share = profile["client_share"]
    biggest = str(client_share.idxmax())
    a_share = float((abc["abc"] == "A").mean())
    section.summary = [
        f"largest RFM segment: {tr.term('segment', biggest)} "
        f"({float(client_share.max()):.0%} of clients); "
        f"A clients: {a_share:.0%} of clients hold 80% of revenue",
        f"golden clients: {len(golden)} of {len(table)}",
    ]
    return section
