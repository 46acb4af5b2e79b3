"""Report section: manager scorecards and a proposed redistribution of the client base."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.engagement.lifecycle import lifecycle_stages
from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.managers.eligibility import eligibility
from clientalytics.managers.redistribution import (
    DEFAULT_MAX_MOVE_SHARE,
    RedistributionResult,
    redistribute_portfolio,
)
from clientalytics.managers.scorecard import manager_scorecard
from clientalytics.managers.small_groups import MIN_CLIENTS, MIN_RESPONSES, rank_managers
from clientalytics.managers.workload import client_workload
from clientalytics.plotting.managers import plot_redistribution, plot_scorecard
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

#: Work limit of the redistribution solver: branch-and-bound nodes, not seconds, so
#: the same data always gives the same proposal. The solver stops earlier once the
#: proposal is proven within :data:`REDISTRIBUTION_GAP` of the best possible one.
REDISTRIBUTION_NODE_LIMIT = 200
#: Relative optimality gap at which the redistribution solver stops.
REDISTRIBUTION_GAP = 0.01
#: Most clients the proposal moves, as a share of the served clients.
REDISTRIBUTION_MOVE_SHARE = DEFAULT_MAX_MOVE_SHARE
#: Cost, in points of the objective, of a client left with a manager whose region or
#: role does not fit (and of each client above a manager's capacity): the proposal
#: fixes such breaches one by one, within the budget, where the fix pays for its move.
REDISTRIBUTION_BREACH_COST = 10.0

_CARD_COLUMNS = [
    "manager_id",
    "portfolio_size",
    "active_clients",
    "clients_won",
    "retention_base",
    "retention_rate",
    "retention_ci",
    "revenue",
    "margin",
    "portfolio_value",
    "median_response_hours",
    "csat_mean",
    "n_nps_answers",
    "nps",
]
#: Columns of the table of moves.
_MOVE_COLUMNS = ["client_id", "current_manager", "new_manager", "reason", "gain", "move_cost"]


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


def _tenure_years(base: ClientBase) -> pd.Series:
    """Years from each client's first order to the observation end (0 without orders)."""
    first = base.transactions.groupby(base.transactions["client_id"].astype(str))["date"].min()
    days = (base.observation_end - first).dt.days.clip(lower=0)
    ids = base.clients["client_id"].astype(str)
    return (days / 365.25).reindex(ids).fillna(0.0)


def _redistribute(base: ClientBase, clv: pd.Series | None) -> tuple[RedistributionResult, str]:
    """Propose moves within regions, hunter / farmer roles and the move budget.

    Clients may stay where a rule or capacity is breached (at
    :data:`REDISTRIBUTION_BREACH_COST` each): the budget then goes to the fixes
    that pay most. Regions are never relaxed.
    """
    end = base.observation_end
    stages = lifecycle_stages(base.transactions, observation_end=end, clients=base.clients)
    served = stages.index[~stages["stage"].isin(["lost"])]
    clients = base.clients[base.clients["client_id"].astype(str).isin(served)].copy()
    ids = clients["client_id"].astype(str)
    workload = client_workload(
        base.clients, base.touchpoints, requests=base.requests, observation_end=end
    )
    clients["workload"] = workload.reindex(ids).to_numpy()
    clients["value"] = _client_values(base, clv).reindex(ids).to_numpy()
    clients["tenure_years"] = _tenure_years(base).reindex(ids).to_numpy()
    label = "region and hunter / farmer role"
    try:
        result = redistribute_portfolio(
            clients,
            base.managers,
            match_region=True,
            max_move_share=REDISTRIBUTION_MOVE_SHARE,
            tenure_col="tenure_years",
            breach_cost=REDISTRIBUTION_BREACH_COST,
            node_limit=REDISTRIBUTION_NODE_LIMIT,
            time_limit=None,
            mip_rel_gap=REDISTRIBUTION_GAP,
        )
    except ConvergenceError as exc:
        raise ValidationError(f"With rules '{label}': {exc}.") from exc
    return result, f"Rules applied: {label}."


def _fit_counts(base: ClientBase, result: RedistributionResult) -> tuple[int, int, int]:
    """Count clients with a manager that does not fit, before and after, and crossing moves.

    A manager does not fit when the region or hunter / farmer rule excludes the pair.
    """
    assignment = result.assignment
    clients = base.clients.set_index(base.clients["client_id"].astype(str))
    served = clients.loc[assignment["client_id"].to_numpy()].reset_index(drop=True)
    allowed, _ = eligibility(served, base.managers)
    known = set(allowed.columns)

    def breaches(owners: pd.Series) -> int:
        return sum(
            1
            for client, manager in zip(assignment["client_id"], owners, strict=True)
            if manager in known and not allowed.at[client, manager]
        )

    region = base.managers.set_index(base.managers["manager_id"].astype(str))["region"]
    moves = result.moves
    before_region = region.reindex(moves["current_manager"].astype(str)).to_numpy()
    after_region = region.reindex(moves["new_manager"].astype(str)).to_numpy()
    crossing = int(
        sum(
            1
            for a, b in zip(before_region, after_region, strict=True)
            if pd.notna(a) and pd.notna(b) and a != b
        )
    )
    return breaches(assignment["current_manager"]), breaches(assignment["new_manager"]), crossing


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
        "retention_ci": no_start,
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
    section.blocks.append(
        how_computed(tr, tr("mgr.how", min_clients=MIN_CLIENTS, min_responses=MIN_RESPONSES))
    )
    # the interval as one "low–high" cell keeps the table within the page
    low, high = latest["retention_ci_low"], latest["retention_ci_high"]
    latest = latest.assign(
        retention_ci=[
            f"{tr.percent(lo, 0)}–{tr.percent(hi, 0)}" if pd.notna(lo) and pd.notna(hi) else None
            for lo, hi in zip(low, high, strict=True)
        ]
    )
    shown = latest[_CARD_COLUMNS].set_index("manager_id").astype({"retention_rate": object})
    shown = shown.astype({"csat_mean": object, "nps": object})
    few = tr("mgr.not_enough_data")
    for flag, columns in (
        ("retention_enough_data", ["retention_rate"]),
        ("csat_enough_data", ["csat_mean"]),
        ("nps_enough_data", ["nps"]),
    ):
        flags = latest.set_index("manager_id")[flag]
        # "not enough data" where the group exists but is below the minimum
        size = latest.set_index("manager_id")[
            "retention_base" if flag.startswith("retention") else "n_survey_responses"
        ]
        small = ~flags & (size > 0)
        for column in columns:
            shown.loc[small[small].index, column] = few
    section.blocks.append(
        table_to_html(shown, tr, name="manager-scorecards", max_rows=30,
                      undefined=_undefined(tr), size="retention_base", min_group=MIN_CLIENTS,
                      kinds={"retention_ci": "text", "revenue": "money_short",
                             "margin": "money_short", "portfolio_value": "money_short"})
    )  # fmt: skip
    ranking = rank_managers(card, metric="retention_rate", period=last)
    ranked = ranking[ranking["enough_data"]]
    section.blocks.append(
        paragraph(
            tr(
                "mgr.ranking",
                quarter=tr.quarter(last),
                ranked=tr.count(len(ranked)),
                total=tr.count(len(ranking)),
                n=MIN_CLIENTS,
                excluded=tr.count(len(ranking) - len(ranked)),
            )
        )
    )
    if len(ranked):
        table = ranked.set_index("manager_id")[["rank", "value", "ci_low", "ci_high", "group_size"]]
        table = table.rename(columns={"value": "retention_rate", "group_size": "retention_base"})
        section.blocks.append(
            table_to_html(
                table,
                tr,
                name="manager-retention-ranking",
                max_rows=30,
                kinds={"ci_low": "share", "ci_high": "share", "retention_base": "count"},
            )
        )
    nps_ranking = rank_managers(card, metric="nps", period=last)
    nps_shown = int(nps_ranking["enough_data"].sum())
    section.blocks.append(
        paragraph(
            tr(
                "mgr.nps_shown",
                shown=tr.count(nps_shown),
                total=tr.count(len(nps_ranking)),
                n=MIN_RESPONSES,
                excluded=tr.count(len(nps_ranking) - nps_shown),
            )
        )
    )
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
        ("Rules applied:", "mgr.rules.applied"),
    ):
        note = note.replace(english, tr(key))
    gap = number_text(result.mip_gap, tr.percent(float(result.mip_gap), 2), tr("mgr.gap_zero"))
    breaches_before, breaches_after, crossing = _fit_counts(base, result)
    section.blocks.append(
        paragraph(
            tr(
                "mgr.redistribution_lead",
                rules=note,
                budget=tr.count(result.budget if result.budget is not None else result.n_moves),
                share=tr.percent(REDISTRIBUTION_MOVE_SHARE, 0),
                moves=tr.count(result.n_moves),
                clients=tr.count(len(result.assignment)),
                status=tr.term("solver_status", result.status),
                gap=gap,
                cross=tr.count(crossing),
                gain=tr.number(result.total_gain, 1),
                cost=tr.number(result.total_move_cost, 1),
            )
        )
    )
    section.blocks.append(
        paragraph(
            tr(
                "mgr.breaches",
                cost=tr.number(REDISTRIBUTION_BREACH_COST, 0),
                before=tr.count(breaches_before),
                after=tr.count(breaches_after),
            )
        )
    )
    reasons = result.moves["reason"].value_counts().rename("moves").to_frame()
    reasons.index = pd.Index([_move_reason(tr, r) for r in reasons.index], name="reason")
    section.blocks.append(table_to_html(reasons, tr, name="move-reasons"))
    moves = result.moves.sort_values("gain", ascending=False)[_MOVE_COLUMNS].copy()
    moves["reason"] = [_move_reason(tr, r) for r in moves["reason"]]
    section.blocks.append(table_to_html(moves, tr, name="proposed-moves", max_rows=10, index=False))
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
        f"redistribution: {result.n_moves} move(s) of at most {result.budget}, "
        f"{crossing} across regions, status {result.status}",
    ]
    return section
