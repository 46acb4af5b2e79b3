"""Report section: marketing metrics (NMC, ROS, ROI), loss-making clients, strategies."""

from __future__ import annotations

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
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    number_text,
    paragraph,
    table_to_html,
)

#: Why marketing ROS and ROI can be undefined.
NO_SALES = "no sales"
NO_SPEND = "no marketing spend recorded"
UNDEFINED = {
    "marketing_ros": NO_SALES,
    "marketing_roi": NO_SPEND,
    "gross_margin_pct": NO_SALES,
}

METRIC_COLUMNS = [
    "sales",
    "gross_margin",
    "marketing_expenses",
    "nmc",
    "marketing_ros",
    "marketing_roi",
]


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
    """
    groups = value_groups(base.transactions)
    segments = inputs.segments if inputs.segments is not None else groups
    analysis = analyse_marketing(base, segments=segments)
    section = ReportSection(title="Marketing economics", key="marketing")
    total = analysis.metrics.loc["total"]
    ros = number_text(total["marketing_ros"], ".1%", NO_SALES)
    roi = number_text(total["marketing_roi"], ".0%", NO_SPEND)
    section.blocks.append(
        paragraph(
            f"Net marketing contribution {total['nmc']:,.0f} on sales of {total['sales']:,.0f} "
            f"and marketing & sales expenses of {total['marketing_expenses']:,.0f}: marketing "
            f"ROS {ros}, marketing ROI {roi} (NMC / expenses, Best)."
        )
    )
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    plot_nmc_waterfall(analysis.metrics, ax=axes[0])
    by_segment = analysis.by_segment if analysis.by_segment is not None else analysis.by_channel
    plot_metrics_by_segment(by_segment, ax=axes[1])
    fig.tight_layout()
    section.blocks.append(figure_to_html(fig, alt="NMC waterfall and NMC by segment"))
    section.blocks.append(heading("By acquisition channel"))
    section.blocks.append(
        table_to_html(analysis.by_channel[[*METRIC_COLUMNS, "n_clients"]], undefined=UNDEFINED)
    )
    section.blocks.append(heading("By segment"))
    section.blocks.append(
        table_to_html(by_segment[[*METRIC_COLUMNS, "n_clients"]], undefined=UNDEFINED)
    )
    profit = analysis.profitability
    losses = analysis.loss_making
    section.blocks.append(heading("Loss-making clients"))
    section.blocks.append(
        paragraph(
            f"{len(losses):,} of {len(profit.table):,} clients lose money after cost to serve and "
            f"allocated marketing (total loss {-losses['profit'].sum():,.0f}); "
            f"{profit.unallocated_marketing:,.0f} of marketing spend could not be tied to any "
            "client. Unit costs of contacts and requests are illustrative defaults."
        )
    )
    cols = [
        "revenue",
        "gross_margin",
        "cost_to_serve",
        "allocated_marketing",
        "profit",
        "loss_drivers",
    ]
    section.blocks.append(table_to_html(losses[cols], max_rows=15))
    section.blocks.append(heading("Investment strategies"))
    try:
        market = market_model_from_history(
            base.transactions, base.marketing_spend, base.clients, groups=groups
        )
        plans = strategy_plans(market.model, market.baseline, best_group="valuable")
        comparison = compare_strategies(market.model, plans)
    except (ValidationError, ConvergenceError) as err:
        section.blocks.append(paragraph(f"The strategy comparison could not be computed: {err}"))
        section.summary = [f"NMC {total['nmc']:,.0f}; ROI {roi}"]
        return section
    section.blocks.append(
        paragraph(
            f"Response curves calibrated from {len(market.history):,} quarterly points; "
            f"simulated over {market.model.horizon} quarters. (a) raise acquisition spending "
            "by half, (b) share retention spending by the groups' margin, (c) cut the budget "
            "by a fifth and spend 60 % of it on retaining valuable clients, and the optimal "
            "split of the current budget."
        )
    )
    section.blocks.append(table_to_html(market.calibration.reset_index(), index=False))
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_strategy_comparison(comparison, ax=ax)
    fig.tight_layout()
    section.blocks.append(figure_to_html(fig, alt="Strategy comparison"))
    shown = [
        "budget_per_period",
        "clients_acquired",
        "clients_retained",
        "revenue",
        "nmc",
        "marketing_ros",
        "marketing_roi",
        "customer_equity",
    ]
    section.blocks.append(table_to_html(comparison[shown], undefined=UNDEFINED))
    best = str(comparison["customer_equity"].idxmax())
    section.summary = [
        f"NMC {total['nmc']:,.0f}; ROS {ros}; ROI {roi}",
        f"loss-making clients: {len(losses):,}; best strategy by customer equity: {best}",
    ]
    return section
