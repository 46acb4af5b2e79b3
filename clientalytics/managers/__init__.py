"""Relationship management by manager: scorecards, KPI attainment and redistribution.

Measure each manager by the retention, churn and value of the clients they hold
(:func:`manager_scorecard`, :func:`kpi_attainment`, :func:`bonus_scores`), rank
them only where the groups are large enough (:func:`rank_managers`), and
redistribute the client base between specialised sellers within a move budget
(:func:`redistribute_portfolio`).
"""

from clientalytics.managers.activity import client_period_activity
from clientalytics.managers.eligibility import DEFAULT_ROLE_RULES, eligibility
from clientalytics.managers.kpi import bonus_scores, kpi_attainment
from clientalytics.managers.redistribution import (
    DEFAULT_MAX_MOVE_SHARE,
    RedistributionResult,
    move_budget,
    move_costs,
    redistribute_portfolio,
)
from clientalytics.managers.scorecard import SCORECARD_COLUMNS, manager_scorecard
from clientalytics.managers.small_groups import (
    MIN_CLIENTS,
    MIN_RESPONSES,
    RANKING_COLUMNS,
    nps_bounds,
    rank_managers,
    wilson_bounds,
)
from clientalytics.managers.workload import client_workload

__all__ = [
    "DEFAULT_MAX_MOVE_SHARE",
    "DEFAULT_ROLE_RULES",
    "MIN_CLIENTS",
    "MIN_RESPONSES",
    "RANKING_COLUMNS",
    "SCORECARD_COLUMNS",
    "RedistributionResult",
    "bonus_scores",
    "client_period_activity",
    "client_workload",
    "eligibility",
    "kpi_attainment",
    "manager_scorecard",
    "move_budget",
    "move_costs",
    "nps_bounds",
    "rank_managers",
    "redistribute_portfolio",
    "wilson_bounds",
]
