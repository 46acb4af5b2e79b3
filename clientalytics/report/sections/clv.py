"""Report section: customer lifetime value, top clients and customer equity by segment.

Fits BG/NBD (purchases, probability alive) and Gamma-Gamma (revenue per purchase) on
the daily client summary and values each client's expected margin over the next
12 months, discounted at 10 % a year. Clients whose repeat purchases net to zero or
less after credit notes are left out of the Gamma-Gamma fit and valued at 0; the
section lists them. Stores the per-client table as
``context["clv"]`` for later sections.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    customer_equity,
    customer_lifetime_value,
)
from clientalytics.exceptions import ConvergenceError, DataQualityWarning, ValidationError
from clientalytics.plotting.clv import plot_clv_distribution
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    paragraph,
    table_to_html,
)
from clientalytics.summary import summarize

#: valuation horizon (months) and annual discount rate of the report
HORIZON_MONTHS = 12
ANNUAL_DISCOUNT_RATE = 0.10


def _summary(base: ClientBase, context: dict[str, object]) -> pd.DataFrame:
    summary = context.get("summary")
    if isinstance(summary, pd.DataFrame) and {"frequency", "recency", "T"} <= set(summary):
        return summary
    summary = summarize(base.transactions, observation_end=base.observation_end, time_unit="D")
    context["summary"] = summary
    return summary


def _transaction_model(summary: pd.DataFrame) -> BetaGeoModel:
    """BG/NBD, with a small penalty when the plain fit fails or its forecasts are not finite."""
    try:
        model = BetaGeoModel().fit(summary)
        model.expected_purchases(summary, t=float(summary["T"].max()))
        return model
    except ConvergenceError:
        return BetaGeoModel(penalizer_coef=0.001).fit(summary)


def _value_per_purchase(
    summary: pd.DataFrame,
) -> tuple[GammaGammaModel | pd.Series, str, pd.DataFrame]:
    """Gamma-Gamma on repeat buyers with positive mean revenue, else observed means.

    Also returns the repeat buyers left out of the spend model, with the reason.
    """
    try:
        with warnings.catch_warnings():
            # The clients left out are listed in the section from ``excluded_``.
            warnings.simplefilter("ignore", DataQualityWarning)
            model = GammaGammaModel(non_positive="exclude").fit(summary)
    except (ConvergenceError, ValidationError) as err:
        observed = summary["total_revenue"] / (summary["frequency"] + 1)
        floored = observed < 0
        excluded = pd.DataFrame(
            {
                "frequency": summary.loc[floored, "frequency"],
                "monetary_value": summary.loc[floored, "monetary_value"],
                "reason": "revenue net of credit notes is negative: valued at 0 per purchase",
            }
        )
        return observed.clip(lower=0.0), f"observed mean revenue per purchase ({err})", excluded
    note = (
        f"Gamma-Gamma p={model.params_['p']:.3g}, q={model.params_['q']:.3g}, "
        f"gamma={model.params_['gamma']:.4g}; correlation of frequency and revenue per "
        f"purchase {model.frequency_spend_correlation_:.2f}"
    )
    return model, note, model.excluded_


def _segments(
    base: ClientBase, context: dict[str, object], clv: pd.Series
) -> tuple[pd.Series, str]:
    segments = context.get("segments")
    if isinstance(segments, pd.Series):
        labels = segments.copy()
        labels.index = labels.index.astype(str)
        if clv.index.difference(labels.index).size == 0:
            return labels.reindex(clv.index).astype(str), "segment"
    clients = base.clients
    if "relation_to_firm" in clients.columns:
        relation = clients.set_index(clients["client_id"].astype(str))["relation_to_firm"]
        relation = relation.reindex(clv.index)
        if relation.notna().all():
            return relation.astype(str), "relation to the firm"
    quartile = pd.qcut(clv.rank(method="first"), 4, labels=["Q1 (lowest)", "Q2", "Q3", "Q4 (top)"])
    return pd.Series(quartile.astype(str), index=clv.index), "CLV quartile"


def build_section(base: ClientBase, context: dict[str, object]) -> ReportSection:
    """Value every client and sum the values into customer equity.

    Parameters
    ----------
    base : ClientBase
        The company.
    context : dict
        Shared report context. Reads ``context["summary"]`` (daily summary) and
        ``context["segments"]`` (client id -> segment Series) when present; without
        segments, equity is broken down by the clients' relation to the firm, or by
        CLV quartile. Stores ``context["clv"]``: the
        :func:`~clientalytics.clv.customer_lifetime_value` table indexed by client id,
        plus a ``p_alive`` copy of ``probability_alive``.

    Returns
    -------
    ReportSection
    """
    section = ReportSection(title="Customer lifetime value", key="clv")
    summary = _summary(base, context)
    try:
        transactions_model = _transaction_model(summary)
    except ConvergenceError as err:
        section.blocks.append(paragraph(f"The purchase model could not be fitted: {err}"))
        section.summary.append("CLV: purchase model did not converge")
        return section
    spend, spend_note, excluded = _value_per_purchase(summary)
    clv = customer_lifetime_value(
        transactions_model,
        spend,
        summary,
        time_unit="D",
        horizon_months=HORIZON_MONTHS,
        annual_discount_rate=ANNUAL_DISCOUNT_RATE,
    )
    clv.index = clv.index.astype(str)
    stored = clv.assign(p_alive=clv["probability_alive"])
    context["clv"] = stored
    equity_total = float(clv["clv"].sum())
    p = transactions_model.params_
    section.blocks.append(
        paragraph(
            f"Lifetime value here is the expected margin of each client over the next "
            f"{HORIZON_MONTHS} months, discounted at {ANNUAL_DISCOUNT_RATE:.0%} a year: "
            f"expected purchases (BG/NBD, r={p['r']:.3g}, alpha={p['alpha']:.3g} days, "
            f"a={p['a']:.3g}, b={p['b']:.3g}) times expected revenue per purchase "
            f"({spend_note}) times each client's margin rate. Customer equity, the sum "
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
    segments, label = _segments(base, context, clv["clv"])
    equity = customer_equity(clv, segments=segments)
    equity.index.name = label
    section.blocks.append(heading(f"Customer equity by {label}"))
    section.blocks.append(table_to_html(equity, max_rows=30))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    plot_clv_distribution(clv, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="distribution of customer lifetime value"))
    share_top = float(top["clv"].sum() / equity_total) if equity_total > 0 else np.nan
    section.summary.append(f"customer equity ({HORIZON_MONTHS} months): {equity_total:,.2f}")
    if np.isfinite(share_top):
        section.summary.append(f"top 20 clients hold {share_top:.0%} of customer equity")
    return section
