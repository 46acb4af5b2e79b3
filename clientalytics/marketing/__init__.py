"""Marketing economics: NMC, marketing ROS and ROI, client profitability, investment strategies.

Best's planning metrics (:func:`net_marketing_contribution`, :func:`marketing_ros`,
:func:`marketing_roi`, :func:`marketing_metrics`), client economics
(:func:`allocate_marketing_spend`, :func:`cost_to_serve`, :func:`client_profitability`,
:func:`loss_making_clients`, :func:`client_investment_return`) and the strategy
simulator (:class:`ResponseCurve`, :class:`ClientGroup`, :class:`MarketModel`,
:func:`compare_strategies`, :func:`optimal_plan`, :func:`sensitivity_table`).
"""

from clientalytics.marketing.allocation import SpendAllocation, allocate_marketing_spend
from clientalytics.marketing.calibration import ResponseCurveFitter, response_history
from clientalytics.marketing.company import (
    CalibratedMarket,
    MarketingAnalysis,
    analyse_marketing,
    market_model_from_history,
    value_groups,
)
from clientalytics.marketing.company_metrics import marketing_metrics
from clientalytics.marketing.cost_to_serve import cost_to_serve
from clientalytics.marketing.investment import client_investment_return
from clientalytics.marketing.metrics import (
    marketing_metrics_table,
    marketing_roi,
    marketing_ros,
    net_marketing_contribution,
    nms,
    segment_net_marketing_contribution,
)
from clientalytics.marketing.optimize import equity_of_budgets, marginal_equity, optimal_plan
from clientalytics.marketing.profitability import (
    ClientProfitability,
    client_profitability,
    loss_making_clients,
)
from clientalytics.marketing.response import ResponseCurve, response_rate
from clientalytics.marketing.sensitivity import sensitivity_table
from clientalytics.marketing.simulator import (
    ClientGroup,
    MarketModel,
    evaluate_plan,
    make_plan,
    simulate_plan,
)
from clientalytics.marketing.strategies import (
    compare_strategies,
    diversify_investment,
    focus_on_best_clients,
    raise_acquisition,
    strategy_plans,
)

__all__ = [
    "CalibratedMarket",
    "ClientGroup",
    "ClientProfitability",
    "MarketModel",
    "MarketingAnalysis",
    "ResponseCurve",
    "ResponseCurveFitter",
    "SpendAllocation",
    "allocate_marketing_spend",
    "analyse_marketing",
    "client_investment_return",
    "client_profitability",
    "compare_strategies",
    "cost_to_serve",
    "diversify_investment",
    "equity_of_budgets",
    "evaluate_plan",
    "focus_on_best_clients",
    "loss_making_clients",
    "make_plan",
    "marginal_equity",
    "market_model_from_history",
    "marketing_metrics",
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "net_marketing_contribution",
    "nms",
    "optimal_plan",
    "raise_acquisition",
    "response_history",
    "response_rate",
    "segment_net_marketing_contribution",
    "sensitivity_table",
    "simulate_plan",
    "strategy_plans",
    "value_groups",
]
