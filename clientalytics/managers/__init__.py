"""Relationship management by manager: scorecards, KPI attainment and redistribution.

Measure each manager by the retention, churn and value of the clients they hold
(:func:`manager_scorecard`, :func:`kpi_attainment`, :func:`bonus_scores`), and
redistribute the client base between specialised sellers
(:func:`redistribute_portfolio`).
"""

from clientalytics.managers.activity import client_period_activity
from clientalytics.managers.eligibility import DEFAULT_ROLE_RULES, eligibility
from clientalytics.managers.kpi import bonus_scores, kpi_attainment
from clientalytics.managers.redistribution import RedistributionResult, redistribute_portfolio
from clientalytics.managers.scorecard import SCORECARD_COLUMNS, manager_scorecard
from clientalytics.managers.workload import client_workload

__all__ = [
    "DEFAULT_ROLE_RULES",
    "SCORECARD_COLUMNS",
    "RedistributionResult",
    "bonus_scores",
    "client_period_activity",
    "client_workload",
    "eligibility",
    "kpi_attainment",
    "manager_scorecard",
    "redistribute_portfolio",
]
