"""Report section: customer lifetime value, top clients and customer equity by segment.

Shows the valuation of :func:`clientalytics.report.inputs.report_inputs`: a purchase
model (purchases, probability alive) chosen on a held-out period
(:func:`clientalytics.clv.selection.select_transaction_model`; the section says which,
why, and shows the holdout errors) and Gamma-Gamma (revenue per purchase), fitted on
the daily client summary, value each client's expected margin over the next 12
months, discounted at 10 % a year. Clients whose repeat purchases net to zero or less after
credit notes are left out of the Gamma-Gamma fit and valued at 0; the section lists
them. Customer equity is broken down by RFM segment.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.clv import customer_equity
from clientalytics.clv.selection import SELECTION_COLUMNS
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.plotting.clv import plot_clv_distribution
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import ReportInputs, Valuation
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    how_computed,
    paragraph,
    table_to_html,
)


def _segments(
    base: ClientBase, segments: pd.Series | None, clv: pd.Series
) -> tuple[pd.Series, str]:
    if segments is not None:
        labels = segments.copy()
        labels.index = labels.index.astype(str)
        if clv.index.difference(labels.index).size == 0:
            return labels.reindex(clv.index).astype(str), "segment"
    # A ClientBase holds every declared column, ids as text; the relation may be empty.
    relation = base.clients.set_index("client_id")["relation_to_firm"].reindex(clv.index)
    if relation.notna().all():
        return relation.astype(str), "relation"
    quartile = pd.qcut(clv.rank(method="first"), 4, labels=["Q1", "Q2", "Q3", "Q4"])
    return pd.Series(quartile.astype(str), index=clv.index), "quartile"


#: Relative margin of the selection rule, as the section states it.
_TOLERANCE = 0.02


def _params(tr: Translator, valuation: Valuation) -> str:
    """``r = 0.5, alpha = 10 days, ...``: the fitted parameters of the purchase model."""
    model = valuation.purchase_model
    parts = []
    for name in model.param_names:
        value = tr.number(float(model.params_[name]), 3)
        if name in model.time_params:
            value = tr("clv.param_days", value=value)
        parts.append(f"{name} = {value}")
    return ", ".join(parts)


def _model_choice(
    base: ClientBase, inputs: ReportInputs, valuation: Valuation, section: ReportSection
) -> None:
    """Which purchase model values the clients, why, and the holdout errors behind it."""
    tr = inputs.tr
    selection = valuation.selection
    if selection is None:
        section.blocks.append(paragraph(tr("clv.model_short", model=valuation.model_name)))
        section.summary.append(f"CLV purchase model: {valuation.model_name} (default; no holdout)")
        return
    cutoff = pd.Timestamp(base.observation_end) - pd.DateOffset(months=valuation.holdout_months)
    n_qualified = int(selection.table["qualified"].astype(bool).sum())
    key = "clv.model_default"
    if selection.conclusive:
        key = "clv.model_only" if n_qualified == 1 else "clv.model_chosen"
    mae = float(selection.table["mae"].astype(float)[valuation.model_name])
    section.blocks.append(
        paragraph(
            tr(
                key,
                model=valuation.model_name,
                cutoff=tr.date(cutoff),
                months=valuation.holdout_months,
                mae=tr.number(mae, 2),
                tolerance=tr.percent(_TOLERANCE, 0),
            )
        )
    )
    shown = selection.table[[c for c in SELECTION_COLUMNS if c != "aic"]].copy()
    shown["qualified"] = [
        tr("common.yes") if ok else tr("common.no") for ok in shown["qualified"].astype(bool)
    ]
    section.blocks.append(
        table_to_html(
            shown, tr, name="clv-model-selection", kinds={"model": "text", "mae": "number",
            "aggregate_error": "share", "inactive_one_time_buyers": "count",
            "inactive_alive_share": "share", "qualified": "text"},
        )
    )  # fmt: skip
    section.blocks.append(how_computed(tr, tr("clv.selection_how")))
    errors = ", ".join(f"{name} {row['mae']:.3f}" for name, row in selection.table.iterrows())
    why = {
        "clv.model_chosen": "lowest holdout MAE",
        "clv.model_only": "the only model passing the checks",
        "clv.model_default": "default; holdout inconclusive",
    }[key]
    section.summary.append(
        f"CLV purchase model: {valuation.model_name} ({why}; holdout MAE per client: {errors})"
    )


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Show every client's lifetime value and their sum, customer equity.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the valuation (``inputs.valuation``) and the RFM segments
        (``inputs.segments``), by which equity is broken down; without segments,
        equity is broken down by the clients' relation to the firm, or by CLV
        quartile.

    Returns
    -------
    ReportSection
        ``facts["customer_equity"]`` is the sum of the lifetime values.
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.clv"), key="clv")
    valuation = inputs.valuation
    if valuation is None:
        error = inputs.valuation_error
        if isinstance(error, ConvergenceError):
            section.blocks.append(paragraph(tr("clv.not_fitted", reason=str(error))))
            section.summary.append("CLV: purchase model did not converge")
            return section
        raise error if error is not None else ValidationError("no lifetime values were computed")
    clv = valuation.table
    excluded = valuation.excluded
    horizon, rate = inputs.horizon_months, inputs.annual_discount_rate
    equity_total = float(clv["clv"].sum())
    section.facts["customer_equity"] = equity_total
    basis = tr("clv.basis_margin") if inputs.has_costs else tr("clv.basis_revenue")
    section.blocks.append(
        paragraph(
            tr(
                "clv.lead",
                basis=basis,
                horizon=horizon,
                rate=tr.percent(rate, 0),
                clients=tr.count(len(clv)),
                equity=tr.money(equity_total),
            )
        )
    )
    section.blocks.append(
        how_computed(
            tr,
            tr(
                "clv.how",
                model=valuation.model_name,
                params=_params(tr, valuation),
                spend=valuation.spend_note,
            ),
        )
    )
    _model_choice(base, inputs, valuation, section)
    if not inputs.has_costs:
        section.blocks.append(paragraph(tr("unlock.clv_margin")))
    if len(excluded):
        section.blocks.append(paragraph(tr("clv.excluded", n=tr.count(len(excluded)))))
        shown = excluded.drop(columns="reason", errors="ignore").copy()
        shown.index.name = "client_id"
        section.blocks.append(table_to_html(shown, tr, name="clv-excluded"))
        section.summary.append(
            f"{len(excluded):,} client(s) valued at 0: repeat spend net of credit notes <= 0"
        )
    top = clv.sort_values("clv", ascending=False).head(50)
    top.index.name = "client_id"
    top = top.drop(columns="margin_rate") if not inputs.has_costs else top
    section.blocks.append(heading(tr("clv.top")))
    section.blocks.append(table_to_html(top, tr, name="clv-top", max_rows=20))
    segments, label = _segments(base, inputs.segments, clv["clv"])
    equity = customer_equity(clv, segments=segments)
    equity.index.name = label
    section.blocks.append(heading(tr(f"clv.equity_by.{label}")))
    section.blocks.append(
        table_to_html(
            equity, tr, name="customer-equity", max_rows=30,
            terms={label: {"segment": "segment", "relation": "relation"}.get(label, "quartile")},
            size="n_clients",
        )
    )  # fmt: skip
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_clv_distribution(clv, ax=ax)
    section.blocks.append(
        figure_to_html(
            fig,
            tr,
            alt=tr("clv.chart"),
            axes={0: {"x": "money"}},
            labels={0: {"title": tr("clv.chart"), "x": tr("axis.clv", symbol=tr.currency_symbol),
                        "y": tr("axis.clients")}},
        )
    )  # fmt: skip
    share_top = float(top["clv"].head(20).sum() / equity_total) if equity_total > 0 else np.nan
    section.summary.append(f"customer equity ({horizon} months): {tr.money(equity_total)}")
    if np.isfinite(share_top):
        section.summary.append(f"top 20 clients hold {share_top:.0%} of customer equity")
    return section
