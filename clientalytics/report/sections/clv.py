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
        return relation.astype(str), "relation to the firm"
    quartile = pd.qcut(clv.rank(method="first"), 4, labels=["Q1 (lowest)", "Q2", "Q3", "Q4 (top)"])
    return pd.Series(quartile.astype(str), index=clv.index), "CLV quartile"


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
    """
    section = ReportSection(title="Customer lifetime value", key="clv")
    valuation = inputs.valuation
    if valuation is None:
        error = inputs.valuation_error
        if isinstance(error, ConvergenceError):
            section.blocks.append(paragraph(f"The purchase model could not be fitted: {error}"))
            section.summary.append("CLV: purchase model did not converge")
            return section
        raise error if error is not None else ValidationError("no lifetime values were computed")
    clv = valuation.table
    excluded = valuation.excluded
    horizon, rate = inputs.horizon_months, inputs.annual_discount_rate
    equity_total = float(clv["clv"].sum())
    p = valuation.purchase_model.params_
    section.blocks.append(
        paragraph(
            f"Lifetime value here is the expected margin of each client over the next "
            f"{horizon} months, discounted at {rate:.0%} a year: "
            f"expected purchases (BG/NBD, r={p['r']:.3g}, alpha={p['alpha']:.3g} days, "
            f"a={p['a']:.3g}, b={p['b']:.3g}) times expected revenue per purchase "
            f"({valuation.spend_note}) times each client's margin rate. Customer equity, the sum "
            f"over {len(clv):,} clients, is {equity_total:,.2f}."
        )
    )
    if len(excluded):
        section.blocks.append(
            paragraph(
                f"{len(excluded):,} client(s) whose repeat purchases net to zero or less after "
                "credit notes are outside the spend model: they are left out of its fit and "
                "valued at 0 per future purchase (so their lifetime value is 0)."
            )
        )
        shown = excluded.copy()
        shown.index.name = "client_id"
        section.blocks.append(table_to_html(shown, max_rows=10))
        section.summary.append(
            f"{len(excluded):,} client(s) valued at 0: repeat spend net of credit notes <= 0"
        )
    top = clv.sort_values("clv", ascending=False).head(20)
    top.index.name = "client_id"
    section.blocks.append(heading("Top 20 clients by lifetime value"))
    section.blocks.append(table_to_html(top, max_rows=20))
    segments, label = _segments(base, inputs.segments, clv["clv"])
    equity = customer_equity(clv, segments=segments)
    equity.index.name = label
    section.blocks.append(heading(f"Customer equity by {label}"))
    section.blocks.append(table_to_html(equity, max_rows=30))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    plot_clv_distribution(clv, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="distribution of customer lifetime value"))
    share_top = float(top["clv"].sum() / equity_total) if equity_total > 0 else np.nan
    section.summary.append(f"customer equity ({horizon} months): {equity_total:,.2f}")
    if np.isfinite(share_top):
        section.summary.append(f"top 20 clients hold {share_top:.0%} of customer equity")
    return section
