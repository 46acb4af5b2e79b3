"""Marketing economics and strategy simulation.

Two ideas, each in its own modules:

* client and company economics: Best's planning metrics for numbers, tables
  and the company's own tables (:mod:`~clientalytics.marketing.metrics`:
  :func:`net_marketing_contribution`, :func:`marketing_ros`,
  :func:`marketing_roi`, :func:`marketing_metrics_table`,
  :func:`marketing_metrics`), the allocation of spend to clients
  (:mod:`~clientalytics.marketing.allocation`), cost to serve
  (:mod:`~clientalytics.marketing.cost_to_serve`), client profitability
  (:mod:`~clientalytics.marketing.profitability`: prospects apart, acquisition
  spend amortised over the expected lifetime, :func:`unit_cost_sensitivity`),
  investment against return
  (:mod:`~clientalytics.marketing.investment`) and all of them on a ClientBase
  (:mod:`~clientalytics.marketing.analysis`: :func:`analyse_marketing`);
* strategy simulation and optimisation: response curves
  (:mod:`~clientalytics.marketing.response`), their calibration and the market
  model from history (:mod:`~clientalytics.marketing.calibration`), client
  groups, plans and their simulation (:mod:`~clientalytics.marketing.simulator`),
  the three strategies (:mod:`~clientalytics.marketing.strategies`), the optimal
  budget split within the observed spend range
  (:mod:`~clientalytics.marketing.optimize`), whether the curves are identified
  and the spend experiment that would identify them
  (:mod:`~clientalytics.marketing.identification`) and sensitivity
  (:mod:`~clientalytics.marketing.sensitivity`).

A ratio with a zero denominator (marketing ROS or ROI, gross margin %, client
ROI) is NaN, undefined, in every form: see :mod:`~clientalytics.marketing.metrics`.
Result types (``SpendAllocation``, ``ClientProfitability``, ``MarketingAnalysis``,
``CalibratedMarket``) and the lower-level helpers live in their modules.
"""

from clientalytics.marketing.allocation import allocate_marketing_spend
from clientalytics.marketing.analysis import (
    DEFAULT_REQUEST_COSTS,
    DEFAULT_TOUCHPOINT_COSTS,
    analyse_marketing,
)
from clientalytics.marketing.calibration import (
    ResponseCurveFitter,
    market_model_from_history,
    value_groups,
)
from clientalytics.marketing.cost_to_serve import cost_to_serve
from clientalytics.marketing.identification import (
    curve_identification,
    sample_size_per_arm,
    spend_experiment,
)
from clientalytics.marketing.investment import client_investment_return
from clientalytics.marketing.metrics import (
    marketing_metrics,
    marketing_metrics_table,
    marketing_roi,
    marketing_ros,
    net_marketing_contribution,
)
from clientalytics.marketing.optimize import marginal_equity, optimal_plan
from clientalytics.marketing.profitability import (
    client_profitability,
    loss_making_clients,
    median_observed_lifetime,
    unit_cost_sensitivity,
)
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.sensitivity import sensitivity_table
from clientalytics.marketing.simulator import (
    ClientGroup,
    MarketModel,
    evaluate_plan,
    plan_extrapolation,
)
from clientalytics.marketing.strategies import best_strategy, compare_strategies, strategy_plans

__all__ = [
    "DEFAULT_REQUEST_COSTS",
    "DEFAULT_TOUCHPOINT_COSTS",
    "ClientGroup",
    "MarketModel",
    "ResponseCurve",
    "ResponseCurveFitter",
    "allocate_marketing_spend",
    "analyse_marketing",
    "best_strategy",
    "client_investment_return",
    "client_profitability",
    "compare_strategies",
    "cost_to_serve",
    "curve_identification",
    "evaluate_plan",
    "loss_making_clients",
    "marginal_equity",
    "market_model_from_history",
    "marketing_metrics",
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "median_observed_lifetime",
    "net_marketing_contribution",
    "optimal_plan",
    "plan_extrapolation",
    "sample_size_per_arm",
    "sensitivity_table",
    "spend_experiment",
    "strategy_plans",
    "unit_cost_sensitivity",
    "value_groups",
]
