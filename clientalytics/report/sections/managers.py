"""Report section: manager scorecards and a proposed redistribution of the client base."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.engagement.lifecycle import lifecycle_stages
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.managers.redistribution import RedistributionResult, redistribute_portfolio
from clientalytics.managers.scorecard import manager_scorecard
from clientalytics.managers.workload import client_workload
from clientalytics.plotting.managers import plot_redistribution, plot_scorecard
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
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

#: Why a scorecard value can be undefined.
UNDEFINED = {
    "retention_rate": "no client active at the start of the quarter",
    "churn_rate": "no client active at the start of the quarter",
    "median_response_hours": "no request answered in the quarter",
    "csat_mean": "no survey answer in the quarter",
    "nps": "no survey answer in the quarter",
}

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
    section = ReportSection(title="Managers: scorecards and portfolios", key="managers")
    if base.managers.empty:
        section.blocks.append(paragraph("No managers table: scorecards are not available."))
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
    basis = "sum of client CLV" if clv is not None else "quarter's margin"
    section.blocks.append(
        paragraph(
            f"Scorecards per manager for the quarter starting {last.date()}. Retention is "
            "CRR = (E - N) / S over clients active in consecutive quarters; portfolio value is "
            f"the {basis}; response time is the median hours to the first answer."
        )
    )
    section.blocks.append(
        table_to_html(latest[_CARD_COLUMNS], max_rows=30, index=False, undefined=UNDEFINED)
    )
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_scorecard(card, metric="retention_rate", ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Retention rate by manager"))
    section.blocks.append(heading("Redistribution of the client base"))
    try:
        result, note = _redistribute(base, clv)
    except ValidationError as exc:
        section.blocks.append(paragraph(f"No feasible redistribution: {exc}"))
        return section
    section.blocks.append(
        paragraph(
            f"{note} The optimiser (mixed-integer program) proposes {result.n_moves} move(s) "
            f"among {len(result.assignment):,} served clients (status {result.status}, "
            f"optimality gap {number_text(result.mip_gap, '.2%', 'objective is 0')})."
        )
    )
    reasons = result.moves["reason"].value_counts().rename("moves").to_frame()
    section.blocks.append(table_to_html(reasons))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_redistribution(result, quantity="workload", ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Workload before and after"))
    section.blocks.append(table_to_html(result.after.round(1), max_rows=30, index=False))
    section.summary = [
        f"managers: {card['manager_id'].nunique()}; last quarter mean retention "
        f"{number_text(latest['retention_rate'].mean(), '.1%', UNDEFINED['retention_rate'])}",
        f"redistribution: {result.n_moves} move(s), status {result.status}",
    ]
    return section
