"""Report section: manager scorecards and a proposed redistribution of the client base."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.engagement.lifecycle import lifecycle_stages
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.managers.redistribution import RedistributionResult, redistribute_portfolio
from clientalytics.managers.scorecard import manager_scorecard
from clientalytics.managers.workload import client_workload
from clientalytics.plotting.managers import plot_redistribution, plot_scorecard
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.intervals import wilson_interval
from clientalytics.report.model import (
    MIN_GROUP,
    ReportSection,
    figure_to_html,
    heading,
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)

#: Work limit of the redistribution solver: branch-and-bound nodes, not seconds, so
#: the same data always gives the same proposal. The solver stops earlier once the
#: proposal is proven within :data:`REDISTRIBUTION_GAP` of the best possible one.
REDISTRIBUTION_NODE_LIMIT = 200
#: Relative optimality gap at which the redistribution solver stops.
REDISTRIBUTION_GAP = 0.01

_CARD_COLUMNS = [
    "manager_id",
    "portfolio_size",
    "active_clients",
    "clients_won",
    "retention_rate",
    "churn_rate",
    "revenue",
    "margin",
    "portfolio_value",
    "median_response_hours",
    "csat_mean",
    "nps",
]


def _client_values(base: ClientBase, clv: pd.Series | None) -> pd.Series:
    ids = base.clients["client_id"].astype(str)
    if clv is not None:
        values = clv.copy()
        values.index = values.index.astype(str)
        return values.reindex(ids).fillna(0.0).clip(lower=0.0)
    tx = base.transactions
    recent = tx[tx["date"] > base.observation_end - pd.Timedelta(days=365)]
    margin = (recent["revenue"] - recent["variable_cost"]).groupby(recent["client_id"]).sum()
    return margin.reindex(ids).fillna(0.0).clip(lower=0.0)


def _redistribute(base: ClientBase, clv: pd.Series | None) -> tuple[RedistributionResult, str]:
    """Run the redistribution with the strictest rules that the capacities allow."""
    end = base.observation_end
    stages = lifecycle_stages(base.transactions, observation_end=end, clients=base.clients)
    served = stages.index[~stages["stage"].isin(["lost"])]
    clients = base.clients[base.clients["client_id"].astype(str).isin(served)].copy()
    workload = client_workload(
        base.clients, base.touchpoints, requests=base.requests, observation_end=end
    )
    clients["workload"] = workload.reindex(clients["client_id"].astype(str)).to_numpy()
    clients["value"] = _client_values(base, clv).reindex(clients["client_id"]).to_numpy()
    attempts = [
        ("region and hunter / farmer role", {}),
        ("role only (regions relaxed)", {"match_region": False}),
        ("capacity only", {"match_region": False, "stage_col": None}),
    ]
    notes = []
    for label, options in attempts:
        try:
            result = redistribute_portfolio(
                clients,
                base.managers,
                node_limit=REDISTRIBUTION_NODE_LIMIT,
                time_limit=None,
                mip_rel_gap=REDISTRIBUTION_GAP,
                **options,  # type: ignore[arg-type]
            )
        except (ValidationError, ConvergenceError) as exc:
            notes.append(f"With rules '{label}': {exc}.")
            continue
        return result, " ".join([*notes, f"Rules applied: {label}."])
    raise ValidationError(" ".join(notes))


_OVER_CAPACITY = re.compile(r"^current manager (?P<manager>\S+) over capacity$")


def _move_reason(tr: Translator, reason: object) -> str:
    """Why a client moves, in the report's language."""
    match = _OVER_CAPACITY.match(str(reason))
    if match is not None:
        return tr("move_reason_re.over_capacity", manager=match["manager"])
    return tr.term("move_reason", reason)


def _undefined(tr: Translator) -> dict[str, str]:
    no_start = tr("mgr.undefined.no_start")
    return {
        "retention_rate": no_start,
        "churn_rate": no_start,
        "ci_low": no_start,
        "ci_high": no_start,
        "median_response_hours": tr("mgr.undefined.no_answer"),
        "csat_mean": tr("mgr.undefined.no_survey"),
        "nps": tr("mgr.undefined.no_survey"),
    }


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Report manager scorecards for the last quarter and a redistribution proposal.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the lifetime values (``inputs.clv``) give portfolio value;
        margin is used without them.

    Returns
    -------
    ReportSection
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.managers"), key="managers")
    if base.managers.empty:
        section.blocks.append(paragraph(tr("unlock.managers")))
        return section
    if not inputs.has_costs:
        section.blocks.append(paragraph(tr("unlock.manager_margin")))
        return section
    clv = inputs.clv["clv"] if inputs.clv is not None else None
    card = manager_scorecard(
        base.transactions,
        base.clients,
        time_unit="Q",
        observation_end=base.observation_end,
        requests=base.requests,
        surveys=base.surveys,
        clv=clv,
    )
    last = card["period"].max()
    latest = card[card["period"] == last].sort_values("portfolio_value", ascending=False)
    basis = tr("mgr.basis_clv") if clv is not None else tr("mgr.basis_margin")
    section.blocks.append(paragraph(tr("mgr.lead", quarter=tr.quarter(last), basis=basis)))
    section.blocks.append(how_computed(tr, tr("mgr.how", n=MIN_GROUP)))
    shown = latest[_CARD_COLUMNS].set_index("manager_id")
    start = shown["active_clients"].astype(float)
    retained = (shown["retention_rate"] * start).round()
    bounds = [
        wilson_interval(float(k), float(n)) if n > 0 and k == k else (float("nan"),) * 2
        for k, n in zip(retained, start, strict=True)
    ]
    position = list(shown.columns).index("retention_rate") + 1
    shown.insert(position, "ci_low", [b[0] for b in bounds])
    shown.insert(position + 1, "ci_high", [b[1] for b in bounds])
    section.blocks.append(
        table_to_html(shown, tr, name="manager-scorecards", max_rows=30,
                      undefined=_undefined(tr), size="active_clients")
    )  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 3.6))
    plot_scorecard(card, metric="retention_rate", ax=ax)
    section.blocks.append(
        figure_to_html(fig, tr, alt=tr("mgr.chart_retention"), axes={0: {"y": "share"}})
    )
    section.blocks.append(heading(tr("mgr.redistribution")))
    try:
        result, note = _redistribute(base, clv)
    except ValidationError as exc:
        section.blocks.append(paragraph(tr("mgr.no_redistribution", reason=str(exc))))
        return section
    for english, key in (
        ("region and hunter / farmer role", "mgr.rules.region_role"),
        ("role only (regions relaxed)", "mgr.rules.role"),
        ("capacity only", "mgr.rules.capacity"),
        ("Rules applied:", "mgr.rules.applied"),
        ("With rules", "mgr.rules.with"),
    ):
        note = note.replace(english, tr(key))
    gap = number_text(result.mip_gap, tr.percent(float(result.mip_gap), 2), tr("mgr.gap_zero"))
    section.blocks.append(
        paragraph(
            tr(
                "mgr.redistribution_lead",
                rules=note,
                moves=tr.count(result.n_moves),
                clients=tr.count(len(result.assignment)),
                status=tr.term("solver_status", result.status),
                gap=gap,
            )
        )
    )
    reasons = result.moves["reason"].value_counts().rename("moves").to_frame()
    reasons.index = pd.Index([_move_reason(tr, r) for r in reasons.index], name="reason")
    section.blocks.append(table_to_html(reasons, tr, name="move-reasons"))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    plot_redistribution(result, quantity="workload", ax=ax)
    section.blocks.append(figure_to_html(fig, tr, alt=tr("mgr.chart_workload")))
    section.blocks.append(
        table_to_html(result.after, tr, name="portfolios-after", max_rows=30, index=False)
    )
    mean_retention = float(latest["retention_rate"].mean())
    section.summary = [
        f"managers: {card['manager_id'].nunique()}; last quarter mean retention "
        f"{number_text(mean_retention, tr.percent(mean_retention, 1), 'undefined')}",
        f"redistribution: {result.n_moves} move(s), status {result.status}",
    ]
    return section
