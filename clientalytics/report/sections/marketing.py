"""Report section: marketing metrics (NMC, ROS, ROI), loss-making clients, strategies."""

from __future__ import annotations

from typing import Any, cast

import matplotlib.pyplot as plt

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.marketing.analysis import analyse_marketing
from clientalytics.marketing.calibration import market_model_from_history, value_groups
from clientalytics.marketing.identification import MIN_R2, MIN_SPEND_LEVELS, spend_experiment
from clientalytics.marketing.profitability import unit_cost_sensitivity
from clientalytics.marketing.strategies import best_strategy, compare_strategies, strategy_plans
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


def _reasons(tr: Translator, row: Any) -> str:
    """Why a curve is not identified, in the report's language (see curve_identification)."""
    out: list[str] = []
    r2 = float(row["r2"])
    if not r2 >= MIN_R2:
        out.append(tr("mkt.reason_r2", r2=tr.number(r2, 2), min=tr.number(MIN_R2, 1)))
    bound = [b.strip() for b in str(row.get("at_bound", "") or "").split(",") if b.strip()]
    if bound:
        params = ", ".join(tr(f"mkt.param_{b}") for b in bound)
        out.append(tr("mkt.reason_bound", params=params))
    levels = float(row.get("n_levels", float("nan")))
    if not levels >= MIN_SPEND_LEVELS:
        out.append(tr("mkt.reason_levels", n=tr.count(levels), min=tr.count(MIN_SPEND_LEVELS)))
    return "; ".join(out)


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
        ``facts``: ``loss_making_clients``, ``profit_clients`` (buying clients),
        ``loss_total``, ``prospects``, ``prospect_cost``, ``acquisition_lifetime``
        (months), ``loss_making_low`` and ``loss_making_high`` (loss-making clients
        at unit costs ×0.5 and ×1.5).
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
    sens = unit_cost_sensitivity(profit, factors=(0.5, 1.0, 1.5)).counts["n_loss_making"]
    section.facts["loss_making_clients"] = float(len(losses))
    section.facts["profit_clients"] = float(len(profit.clients))
    section.facts["loss_total"] = float(-losses["profit"].sum())
    section.facts["prospects"] = float(len(profit.prospects))
    section.facts["prospect_cost"] = profit.prospect_cost
    section.facts["acquisition_lifetime"] = profit.acquisition_lifetime
    section.facts["loss_making_low"] = float(sens.loc[0.5])
    section.facts["loss_making_high"] = float(sens.loc[1.5])
    section.blocks.append(heading(tr("mkt.losses")))
    source = (
        tr("mkt.lifetime_median")
        if profit.lifetime_source == "median observed lifetime"
        else tr("mkt.lifetime_given")
    )
    section.blocks.append(
        paragraph(
            tr(
                "mkt.losses_lead",
                n=tr.count(len(losses)),
                clients=tr.count(len(profit.clients)),
                loss=tr.money(float(-losses["profit"].sum())),
                unallocated=tr.money(float(profit.unallocated_marketing)),
                lifetime=tr.number(profit.acquisition_lifetime, 0),
                source=source,
                deferred=tr.money(profit.deferred_acquisition),
            )
        )
    )
    if len(profit.prospects):
        section.blocks.append(
            paragraph(
                tr(
                    "mkt.losses_prospects",
                    prospects=tr.count(len(profit.prospects)),
                    cost=tr.money(profit.prospect_cost),
                )
            )
        )
    marginal = unit_cost_sensitivity(profit).verdicts["is_marginal"]
    section.blocks.append(
        paragraph(
            tr(
                "mkt.losses_sensitivity",
                low=tr.count(float(sens.loc[0.5])),
                mid=tr.count(float(sens.loc[1.0])),
                high=tr.count(float(sens.loc[1.5])),
                marginal=tr.count(float(marginal.sum())),
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
    shown_fit = ["ceiling", "k", "floor", "r2", "rmse", "n_points", "source"]
    calibration = market.calibration[shown_fit].reset_index()
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
    beyond = comparison["max_times_observed"].astype("float64")
    extrapolated = [
        f"{name} (×{tr.number(float(beyond[name]), 1)})" for name in beyond.index[beyond > 1 + 1e-6]
    ]
    if extrapolated:
        section.blocks.append(paragraph(tr("mkt.extrapolated", plans=", ".join(extrapolated))))
    best = best_strategy(comparison, market.calibration)
    if best is not None:
        section.blocks.append(paragraph(tr("mkt.best", best=best)))
        verdict = f"best strategy by customer equity: {best}"
    else:
        section.blocks.append(paragraph(tr("mkt.no_best")))
        todo = market.unidentified
        for key, row in todo.iterrows():
            group, purpose = cast(tuple[str, str], key)
            curve = f"{tr.term('value_group', group)} / {tr.term('purpose', purpose)}"
            section.blocks.append(
                paragraph(tr("mkt.not_identified_item", curve=curve, reason=_reasons(tr, row)))
            )
        design = spend_experiment(market.calibration)
        if len(design):
            section.blocks.append(
                paragraph(
                    tr(
                        "mkt.experiment",
                        arms=tr.count(float(design["n_arms"].iloc[0])),
                        effect=tr.number(100 * float(design["effect"].iloc[0]), 0),
                    )
                )
            )
        for key, row in design.iterrows():
            group, purpose = cast(tuple[str, str], key)
            g = market.model.group(str(group))
            size = g.prospects if purpose == "acquisition" or g.clients == 0 else g.clients
            short = tr("mkt.experiment_short") if row["n_total"] > size else ""
            section.blocks.append(
                paragraph(
                    tr(
                        "mkt.experiment_item",
                        curve=f"{tr.term('value_group', group)} / {tr.term('purpose', purpose)}",
                        levels=" / ".join(tr.money(v) for v in row["arm_spend_per_head"]),
                        n=tr.count(float(row["n_per_arm"])),
                        size=tr.count(float(size)),
                        short=short,
                    )
                )
            )
        names = ", ".join(f"{g} {p}" for g, p in todo.index)
        verdict = f"no strategy called best: response curves not identified ({names})"
    section.summary = [
        f"NMC {tr.money(float(total['nmc']))}; ROS {ros}; ROI {roi}",
        f"loss-making buying clients: {len(losses):,} of {len(profit.clients):,} "
        f"({len(profit.prospects):,} prospects apart); {verdict}",
    ]
    return section
