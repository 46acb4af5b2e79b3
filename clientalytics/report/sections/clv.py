"""Report section: customer lifetime value, top clients and customer equity by segment.

Shows the valuation of :func:`clientalytics.report.inputs.report_inputs`: BG/NBD
(purchases, probability alive) and Gamma-Gamma (revenue per purchase) fitted on the
daily client summary value each client's expected margin over the next 12 months,
discounted at 10 % a year. Clients whose repeat purchases net to zero or less after
credit notes are left out of the Gamma-Gamma fit and valued at 0; the section lists
them. Customer equity is broken down by RFM segment.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.clv import customer_equity
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.plotting.clv import plot_clv_distribution
from clientalytics.report.inputs import ReportInputs
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
    p = valuation.purchase_model.params_
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
                r=tr.number(p["r"], 3),
                alpha=tr.number(p["alpha"], 2),
                a=tr.number(p["a"], 3),
                b=tr.number(p["b"], 3),
                spend=valuation.spend_note,
            ),
        )
    )
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
