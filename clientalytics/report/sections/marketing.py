"""Report section: marketing metrics (NMC, ROS, ROI), loss-making clients, strategies."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.marketing.analysis import analyse_marketing
from clientalytics.marketing.calibration import market_model_from_history, value_groups
from clientalytics.marketing.strategies import compare_strategies, strategy_plans
from clientalytics.plotting.marketing import (
    plot_metrics_by_segment,
    plot_nmc_waterfall,
    plot_strategy_comparison,
)
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

METRIC_COLUMNS = [
    "sales",
    "gross_margin",
    "marketing_expenses",
    "nmc",
    "marketing_ros",
    "marketing_roi",
]


def _undefined(tr: Translator) -> dict[str, str]:
    return {
        "marketing_ros": tr("mkt.no_sales"),
        "marketing_roi": tr("mkt.no_spend"),
        "gross_margin_pct": tr("mkt.no_sales"),
    }


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Report NMC, marketing ROS and ROI, loss-making clients and the three strategies.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the RFM segments (``inputs.segments``) give the breakdown
        by segment; without them clients are split into valuable and low-value by
        margin.

    Returns
    -------
    ReportSection
        ``facts``: ``loss_making_clients``, ``profit_clients`` and ``loss_total``.
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.marketing"), key="marketing")
    if not inputs.has_costs:
        section.blocks.append(paragraph(tr("unlock.marketing_margin")))
        section.summary = ["not computed: transactions carry no variable_cost"]
        return section
    groups = value_groups(base.transactions)
    segments = inputs.segments if inputs.segments is not None else groups
    analysis = analyse_marketing(base, segments=segments)
    undefined = _undefined(tr)
    total: dict[Any, Any] = analysis.metrics.loc["total"].to_dict()
    ros = number_text(
        total["marketing_ros"],
        tr.percent(float(total["marketing_ros"]), 1),
        undefined["marketing_ros"],
    )
    roi = number_text(total["marketing_roi"], tr.percent(float(total["marketing_roi"]), 0),
                      undefined["marketing_roi"])  # fmt: skip
    section.blocks.append(
        paragraph(
            tr(
                "mkt.lead",
                nmc=tr.money(float(total["nmc"])),
                sales=tr.money(float(total["sales"])),
                expenses=tr.money(float(total["marketing_expenses"])),
                ros=ros,
                roi=roi,
            )
        )
    )
    section.blocks.append(how_computed(tr, tr("mkt.how")))
    if base.marketing_spend.empty:
        section.blocks.append(paragraph(tr("unlock.marketing_spend")))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    plot_nmc_waterfall(analysis.metrics, ax=axes[0])
    by_segment = analysis.by_segment if analysis.by_segment is not None else analysis.by_channel
    named = by_segment.rename(index=lambda v: tr.term("segment", v))
    plot_metrics_by_segment(named, ax=axes[1])
    fig.tight_layout()
    section.blocks.append(
        figure_to_html(
            fig, tr, alt=tr("mkt.chart_nmc"), axes={0: {"y": "money"}, 1: {"y": "money"}}
        )
    )
    section.blocks.append(heading(tr("mkt.by_channel")))
    channel = analysis.by_channel[[*METRIC_COLUMNS, "n_clients"]].copy()
    channel.index.name = "channel"
    section.blocks.append(
        table_to_html(channel, tr, name="marketing-by-channel", undefined=undefined,
                      terms={"channel": "channel"}, size="n_clients")
    )  # fmt: skip
    section.blocks.append(heading(tr("mkt.by_segment")))
    seg = by_segment[[*METRIC_COLUMNS, "n_clients"]].copy()
    seg.index.name = "segment"
    section.blocks.append(
        table_to_html(seg, tr, name="marketing-by-segment", undefined=undefined,
                      terms={"segment": "segment"}, size="n_clients")
    )  # fmt: skip
    profit = analysis.profitability
    losses = analysis.loss_making
    section.facts["loss_making_clients"] = float(len(losses))
    section.facts["profit_clients"] = float(len(profit.table))
    section.facts["loss_total"] = float(-losses["profit"].sum())
    section.blocks.append(heading(tr("mkt.losses")))
    section.blocks.append(
        paragraph(
            tr(
                "mkt.losses_lead",
                n=tr.count(len(losses)),
                clients=tr.count(len(profit.table)),
                loss=tr.money(float(-losses["profit"].sum())),
                unallocated=tr.money(float(profit.unallocated_marketing)),
            )
        )
    )
    cols = ["revenue", "gross_margin", "cost_to_serve", "allocated_marketing", "profit"]
    shown = losses[cols].copy()
    shown["loss_drivers"] = [
        "; ".join(tr.term("driver", d.strip()) for d in str(v).split(";") if d.strip())
        for v in losses["loss_drivers"]
    ]
    shown.index.name = "client_id"
    section.blocks.append(table_to_html(shown, tr, name="loss-making-clients", max_rows=15))
    section.blocks.append(heading(tr("mkt.strategies")))
    try:
        market = market_model_from_history(
            base.transactions, base.marketing_spend, base.clients, groups=groups
        )
        plans = strategy_plans(market.model, market.baseline, best_group="valuable")
        comparison = compare_strategies(market.model, plans)
    except (ValidationError, ConvergenceError) as err:
        section.blocks.append(paragraph(tr("mkt.strategies_failed", reason=str(err))))
        section.summary = [f"NMC {tr.money(float(total['nmc']))}; ROI {roi}"]
        return section
    section.blocks.append(
        paragraph(
            tr("mkt.strategies_lead", points=tr.count(len(market.history)),
               quarters=market.model.horizon)
        )
    )  # fmt: skip
    calibration = market.calibration.reset_index()
    section.blocks.append(
        table_to_html(calibration, tr, name="response-calibration", index=False,
                      terms={"group": "value_group", "purpose": "purpose"})
    )  # fmt: skip
    comparison = comparison.rename(index=lambda v: tr.term("strategy", v))
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_strategy_comparison(comparison, ax=ax)
    fig.tight_layout()
    section.blocks.append(
        figure_to_html(fig, tr, alt=tr("mkt.chart_strategies"), axes={0: {"y": "money"}})
    )
    shown_cols = [
        "budget_per_period",
        "clients_acquired",
        "clients_retained",
        "revenue",
        "nmc",
        "marketing_ros",
        "marketing_roi",
        "customer_equity",
    ]
    table = comparison[shown_cols].copy()
    table.index.name = "strategy"
    section.blocks.append(
        table_to_html(table, tr, name="strategies", undefined=undefined,
                      kinds={"clients_acquired": "number", "clients_retained": "number"})
    )  # fmt: skip
    section.blocks.append(paragraph(tr("mkt.strategies_honesty")))
    best = str(comparison["customer_equity"].astype(float).idxmax())
    section.summary = [
        f"NMC {tr.money(float(total['nmc']))}; ROS {ros}; ROI {roi}",
        f"loss-making clients: {len(losses):,}; best strategy by customer equity: {best}",
    ]
    return section
