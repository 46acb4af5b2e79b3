"""Report section: the executive summary, shown first.

The figures a director asks for, each over the report's window (the 12 months up to
the observation end) with its change against the previous period (the 12 months
before that), then the most important findings with what to do about each. The
window figures are computed here from the transactions and the marketing spend;
customer equity, the golden clients and the value at risk come from the figures of
the other sections (:attr:`ReportSection.facts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import escape

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError
from clientalytics.marketing.metrics import marketing_metrics
from clientalytics.report.i18n import DASH, Translator
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.intervals import wilson_interval
from clientalytics.report.model import ReportSection, how_computed, paragraph
from clientalytics.status import RETAINABLE_DAYS, Window, orders, report_window, retention_over

#: Days of slack allowed between the first order and the start of a window that
#: must be fully observed (data often begins a day or two after a period starts).
SLACK_DAYS = 31


@dataclass(frozen=True)
class Headline:
    """One headline figure with its value in the previous period."""

    key: str
    kind: str
    current: float
    previous: float
    reason_now: str = ""
    reason_prev: str = ""


def _observed(base: ClientBase, start: pd.Timestamp) -> bool:
    first = base.transactions["date"].min()
    return bool(first <= start + pd.Timedelta(days=SLACK_DAYS))


def _window_money(tx: pd.DataFrame, window: Window, costs: bool) -> tuple[float, float]:
    part = tx[window.holds(tx["date"])]
    revenue = float(part["revenue"].sum())
    margin = float((part["revenue"] - part["variable_cost"]).sum()) if costs else math.nan
    return revenue, margin


def _marketing(
    base: ClientBase, tx: pd.DataFrame, window: Window, costs: bool
) -> tuple[float, float, float]:
    """NMC, marketing ROS and ROI over ``window`` (Best's definitions)."""
    if not costs:
        return math.nan, math.nan, math.nan
    spend = base.marketing_spend
    part = tx[window.holds(tx["date"])]
    if len(spend):
        spend = spend[window.holds(pd.to_datetime(spend["period"]))]
    else:
        spend = pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "channel": [],
                              "amount": pd.Series(dtype=float)})  # fmt: skip
    if part.empty:
        return math.nan, math.nan, math.nan
    total: dict[Any, Any] = marketing_metrics(part, spend).loc["total"].to_dict()
    return float(total["nmc"]), float(total["marketing_ros"]), float(total["marketing_roi"])


def headline_figures(
    base: ClientBase, inputs: ReportInputs, sections: Sequence[ReportSection]
) -> list[Headline]:
    """Return the executive summary's figures, now and in the previous period.

    Returns
    -------
    list of Headline
        In display order; an undefined value is NaN with the reason it is.
    """
    tr = inputs.tr
    tx = inputs.transactions if inputs.transactions is not None else base.transactions
    costs = inputs.has_costs
    window = report_window(base.observation_end)
    previous = window.before()
    facts: dict[str, float] = {}
    for section in sections:
        facts.update(section.facts)
    short = tr("exec.reason.short_history")
    prev_ok = _observed(base, previous.start)
    ret_ok = _observed(base, previous.before().start)
    no_cost = tr("exec.reason.no_cost")
    nan = math.nan

    bought = orders(tx)

    def active(at: Window) -> float:
        ids = bought["client_id"][at.holds(bought["date"])]
        return float(ids.nunique())

    def new(at: Window) -> float:
        first = bought.groupby("client_id")["date"].min()
        return float(at.holds(first).sum())

    rev_now, margin_now = _window_money(tx, window, costs)
    rev_prev, margin_prev = _window_money(tx, previous, costs)
    start_now, kept_now = retention_over(tx, window)
    start_prev, kept_prev = retention_over(tx, previous)
    retention_now = kept_now / start_now if start_now and prev_ok else nan
    retention_prev = kept_prev / start_prev if start_prev and ret_ok else nan
    nmc_now, ros_now, roi_now = _marketing(base, tx, window, costs)
    nmc_prev, ros_prev, roi_prev = _marketing(base, tx, previous, costs)
    no_spend = tr("exec.reason.no_spend")
    spend_reason = no_cost if not costs else no_spend
    once = tr("exec.reason.once")
    figures = [
        Headline("active_clients", "count", active(window), active(previous) if prev_ok else nan,
                 reason_prev=short),
        Headline("new_clients", "count", new(window), new(previous) if prev_ok else nan,
                 reason_prev=short),
        Headline("lost_clients", "count",
                 float(start_now - kept_now) if prev_ok else nan,
                 float(start_prev - kept_prev) if ret_ok else nan,
                 reason_now=short, reason_prev=short),
        Headline("revenue", "money", rev_now, rev_prev if prev_ok else nan, reason_prev=short),
        Headline("margin", "money", margin_now, margin_prev if prev_ok else nan,
                 reason_now=no_cost, reason_prev=no_cost if not costs else short),
        Headline("customer_equity", "money", facts.get("customer_equity", nan), nan,
                 reason_now=tr("exec.reason.no_clv"), reason_prev=once),
        Headline("retention_rate", "rate", retention_now, retention_prev,
                 reason_now=short, reason_prev=short),
        Headline("churn_rate", "rate", 1 - retention_now, 1 - retention_prev,
                 reason_now=short, reason_prev=short),
        Headline("nmc", "money", nmc_now, nmc_prev if prev_ok else nan,
                 reason_now=no_cost, reason_prev=no_cost if not costs else short),
        Headline("marketing_ros", "rate", ros_now, ros_prev if prev_ok else nan,
                 reason_now=no_cost, reason_prev=no_cost if not costs else short),
        Headline("marketing_roi", "rate", roi_now, roi_prev if prev_ok else nan,
                 reason_now=spend_reason, reason_prev=spend_reason if not prev_ok else short),
        Headline("golden_share", "rate", facts.get("golden_revenue_share", nan), nan,
                 reason_now=tr("exec.reason.no_golden"), reason_prev=once),
        Headline("value_at_risk", "money", facts.get("value_at_risk", nan), nan,
                 reason_now=tr("exec.reason.no_churn"), reason_prev=once),
    ]  # fmt: skip
    return figures


def _value(tr: Translator, kind: str, value: float) -> str:
    if kind == "money":
        return tr.money(value)
    if kind == "rate":
        return tr.percent(value, 1)
    return tr.count(value)


def _change(tr: Translator, figure: Headline) -> tuple[str, str]:
    """Return the change against the previous period, and its css class."""
    now, before = figure.current, figure.previous
    if not (math.isfinite(now) and math.isfinite(before)):
        reason = figure.reason_prev if math.isfinite(now) else figure.reason_now
        return tr("exec.change_undefined", dash=DASH, reason=reason), ""
    if figure.kind == "rate":
        delta = now - before
        text = tr("exec.change_points", change=tr.points(delta), before=_value(tr, "rate", before))
    else:
        if before == 0:
            return tr("exec.change_undefined", dash=DASH, reason=tr("exec.reason.zero")), ""
        delta = (now - before) / abs(before)
        sign = "+" if delta > 0 else ""
        text = tr(
            "exec.change_relative",
            change=sign + tr.percent(delta, 1),
            before=_value(tr, figure.kind, before),
        )
    good = delta > 0
    if figure.key in ("lost_clients", "churn_rate", "value_at_risk"):
        good = not good
    return text, ("up" if good else "down") if delta != 0 else ""


def _cards(tr: Translator, figures: list[Headline]) -> str:
    cards = []
    for figure in figures:
        if math.isfinite(figure.current):
            value = _value(tr, figure.kind, figure.current)
        else:
            value = DASH
        change, css = _change(tr, figure)
        reason = ""
        if not math.isfinite(figure.current):
            reason = f'<div class="change">{escape(figure.reason_now)}</div>'
            change = ""
        cards.append(
            f'<div class="kpi" data-figure="{figure.key}"><div class="label">'
            f"{escape(tr(f'exec.figure.{figure.key}'))}</div>"
            f'<div class="value">{escape(value)}</div>{reason}'
            + (f'<div class="change {css}">{escape(change)}</div>' if change else "")
            + "</div>"
        )
    return '<div class="kpis">' + "".join(cards) + "</div>"


def _findings(
    base: ClientBase, inputs: ReportInputs, figures: list[Headline], facts: dict[str, float]
) -> list[tuple[str, str]]:
    """Three to five findings, each with what to do about it."""
    tr = inputs.tr
    by_key = {f.key: f for f in figures}
    tx = inputs.transactions if inputs.transactions is not None else base.transactions
    window = report_window(base.observation_end)
    out: list[tuple[str, str]] = []
    retention = by_key["retention_rate"]
    start, kept = retention_over(tx, window)
    if math.isfinite(retention.current) and start:
        low, high = wilson_interval(kept, start)
        trend = ""
        if math.isfinite(retention.previous):
            trend = tr("exec.find.retention_trend", before=tr.percent(retention.previous, 1))
        out.append(
            (
                tr(
                    "exec.find.retention",
                    start=tr.count(start),
                    rate=tr.percent(retention.current, 1),
                    low=tr.percent(low, 1),
                    high=tr.percent(high, 1),
                    lost=tr.count(start - kept),
                    trend=trend,
                ),
                tr("exec.todo.retention"),
            )
        )
    part = tx[window.holds(tx["date"])]
    revenue = part.groupby("client_id")["revenue"].sum().sort_values(ascending=False)
    revenue = revenue[revenue > 0]
    if len(revenue) >= 5:
        top_n = max(1, math.ceil(len(revenue) * 0.2))
        share = float(revenue.head(top_n).sum() / revenue.sum())
        out.append(
            (
                tr(
                    "exec.find.concentration",
                    n=tr.count(top_n),
                    clients=tr.count(len(revenue)),
                    share=tr.percent(share, 0),
                ),
                tr("exec.todo.concentration"),
            )
        )
    at_risk = facts.get("value_at_risk_top20", math.nan)
    total_risk = facts.get("value_at_risk", math.nan)
    if math.isfinite(at_risk) and math.isfinite(total_risk) and total_risk > 0:
        out.append(
            (
                tr(
                    "exec.find.risk",
                    top=tr.money(at_risk),
                    share=tr.percent(at_risk / total_risk, 0),
                    total=tr.money(total_risk),
                    n=tr.count(facts.get("retainable_clients", math.nan)),
                    days=RETAINABLE_DAYS,
                    win_back=tr.count(facts.get("win_back_clients", 0.0)),
                ),
                tr("exec.todo.risk"),
            )
        )
    losses = facts.get("loss_making_clients", math.nan)
    clients = facts.get("profit_clients", math.nan)
    if math.isfinite(losses) and math.isfinite(clients) and clients > 0 and losses > 0:
        out.append(
            (
                tr(
                    "exec.find.losses",
                    n=tr.count(losses),
                    clients=tr.count(clients),
                    loss=tr.money(facts.get("loss_total", 0.0)),
                    lifetime=tr.number(facts.get("acquisition_lifetime", math.nan), 0),
                    low=tr.count(facts.get("loss_making_low", losses)),
                    high=tr.count(facts.get("loss_making_high", losses)),
                    prospects=tr.count(facts.get("prospects", 0.0)),
                ),
                tr("exec.todo.losses"),
            )
        )
    open_total = facts.get("receivables_open", math.nan)
    overdue = facts.get("receivables_overdue", math.nan)
    if math.isfinite(open_total) and math.isfinite(overdue) and open_total > 0:
        out.append(
            (
                tr(
                    "exec.find.receivables",
                    at=tr.date(base.observation_end),
                    open=tr.money(open_total),
                    overdue=tr.money(overdue),
                    share=tr.percent(overdue / open_total, 0),
                    debtors=tr.count(facts.get("receivables_debtors", math.nan)),
                ),
                tr("exec.todo.receivables"),
            )
        )
    roi = by_key["marketing_roi"]
    if math.isfinite(roi.current) and len(out) < 5:
        out.append(
            (
                tr(
                    "exec.find.roi",
                    roi=tr.percent(roi.current, 0),
                    nmc=tr.money(by_key["nmc"].current),
                ),
                tr("exec.todo.roi"),
            )
        )
    if not inputs.has_costs:
        out.append((tr("exec.find.no_cost"), tr("exec.todo.no_cost")))
    return out[:5]


def build_executive(
    base: ClientBase, inputs: ReportInputs, sections: Sequence[ReportSection]
) -> ReportSection:
    """Return the executive summary from the shared inputs and the other sections' figures.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs (translator, transactions with or without costs).
    sections : sequence of ReportSection
        The other sections, already built; their ``facts`` give customer equity,
        the golden clients' share, value at risk and the loss-making clients.

    Returns
    -------
    ReportSection
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.executive"), key="executive")
    window = report_window(base.observation_end)
    previous = window.before()
    section.blocks.append(
        paragraph(
            tr(
                "exec.window",
                start=tr.date(window.start + pd.Timedelta(days=1)),
                end=tr.date(window.end),
                pstart=tr.date(previous.start + pd.Timedelta(days=1)),
                pend=tr.date(previous.end),
            )
        )
    )
    try:
        figures = headline_figures(base, inputs, sections)
    except ClientalyticsError as error:
        section.blocks.append(paragraph(tr("common.not_computed", reason=str(error))))
        return section
    section.blocks.append(_cards(tr, figures))
    section.blocks.append(how_computed(tr, tr("exec.how")))
    facts: dict[str, float] = {}
    for other in sections:
        facts.update(other.facts)
    findings = _findings(base, inputs, figures, facts)
    if findings:
        section.blocks.append(f"<h3>{escape(tr('exec.findings'))}</h3>")
        items = "".join(
            f'<li><p>{escape(text)}</p><p class="todo"><strong>{escape(tr("exec.todo"))}'
            f"</strong> {escape(todo)}</p></li>"
            for text, todo in findings
        )
        section.blocks.append(f'<ol class="findings">{items}</ol>')
        section.blocks.append(paragraph(tr("exec.honesty")))
    section.summary = [
        f"{tr('exec.figure.' + f.key)}: "
        f"{_value(tr, f.kind, f.current) if math.isfinite(f.current) else DASH}"
        for f in figures
    ]
    return section
