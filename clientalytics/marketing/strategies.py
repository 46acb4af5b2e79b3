"""The three investment strategies of client-oriented marketing, and their comparison.

Starting from a baseline budget plan the firm can (a) invest more in acquiring
new clients, (b) diversify its investment between valuable and low-value
clients, or (c) cut the total marketing investment while raising the share that
goes to the best clients. :func:`compare_strategies` simulates each, and the
optimal split of a budget, and reports clients, revenue, NMC, ROS, ROI and
customer equity side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.optimize import optimal_plan
from clientalytics.marketing.simulator import (
    MarketModel,
    evaluate_plan,
    make_plan,
    plan_extrapolation,
)

__all__ = [
    "best_strategy",
    "compare_strategies",
    "diversify_investment",
    "focus_on_best_clients",
    "raise_acquisition",
    "strategy_plans",
]

PlanLike = pd.DataFrame | Mapping[str, Mapping[str, float]]


def raise_acquisition(
    model: MarketModel, baseline: PlanLike, *, factor: float = 1.5
) -> pd.DataFrame:
    """Strategy (a): multiply every acquisition budget by ``factor``, retention unchanged.

    Parameters
    ----------
    model : MarketModel
        The groups.
    baseline : DataFrame or mapping
        Current per-period plan.
    factor : float, default 1.5
        Multiplier of acquisition budgets (> 1 raises them).

    Returns
    -------
    DataFrame
        The new plan.
    """
    if factor < 0:
        raise ValidationError(f"factor must be >= 0, got {factor}")
    plan = make_plan(model, baseline)
    plan["acquisition_budget"] *= factor
    return plan


def diversify_investment(
    model: MarketModel,
    baseline: PlanLike,
    *,
    weights: Literal["margin", "clients"] = "margin",
) -> pd.DataFrame:
    """Strategy (b): spread the retention budget over all client groups, valuable and low-value.

    The total retention budget stays the same; each group with clients and a
    retention curve gets a share proportional to its margin pool
    (clients × margin, ``weights="margin"``) or to its number of clients
    (``weights="clients"``). Acquisition budgets are unchanged.

    Parameters
    ----------
    model : MarketModel
        The groups.
    baseline : DataFrame or mapping
        Current per-period plan.
    weights : {"margin", "clients"}
        How the retention budget is shared.

    Returns
    -------
    DataFrame
        The new plan.
    """
    plan = make_plan(model, baseline)
    eligible = [g for g in model.groups if g.retention is not None and g.clients > 0]
    if not eligible:
        raise ValidationError("no group has clients and a retention curve to invest in")
    if weights == "margin":
        w = {g.name: g.clients * max(g.margin, 0.0) for g in eligible}
    elif weights == "clients":
        w = {g.name: g.clients for g in eligible}
    else:
        raise ValidationError(f"weights must be 'margin' or 'clients', got {weights!r}")
    total_w = sum(w.values())
    if total_w <= 0:
        raise ValidationError("the retention weights are all zero (no margin in any group)")
    total = float(plan["retention_budget"].sum())
    plan["retention_budget"] = [total * w.get(name, 0.0) / total_w for name in plan.index]
    return plan


def focus_on_best_clients(
    model: MarketModel,
    baseline: PlanLike,
    *,
    best_group: str,
    budget_cut: float = 0.2,
    best_share: float = 0.6,
) -> pd.DataFrame:
    """Strategy (c): cut the total budget and give a larger share of it to the best clients.

    The new total is ``(1 − budget_cut)`` × the baseline total; the retention
    budget of ``best_group`` becomes ``best_share`` of it, and the rest is shared
    by the other lines in proportion to their baseline budgets.

    Parameters
    ----------
    model : MarketModel
        The groups.
    baseline : DataFrame or mapping
        Current per-period plan.
    best_group : str
        The group of the best (most valuable) clients.
    budget_cut : float, default 0.2
        Fraction of the total budget cut, in [0, 1).
    best_share : float, default 0.6
        Share of the new total spent on retaining ``best_group``, in [0, 1].

    Returns
    -------
    DataFrame
        The new plan.
    """
    if not 0 <= budget_cut < 1:
        raise ValidationError(f"budget_cut must lie in [0, 1), got {budget_cut}")
    if not 0 <= best_share <= 1:
        raise ValidationError(f"best_share must lie in [0, 1], got {best_share}")
    if model.group(best_group).retention is None:
        raise ValidationError(f"best group {best_group!r} has no retention curve")
    plan = make_plan(model, baseline)
    new_total = (1.0 - budget_cut) * float(plan.to_numpy().sum())
    others = plan.copy()
    others.loc[best_group, "retention_budget"] = 0.0
    other_total = float(others.to_numpy().sum())
    rest = (1.0 - best_share) * new_total
    if other_total > 0:
        plan = others * (rest / other_total)
        plan.loc[best_group, "retention_budget"] = best_share * new_total
    else:
        plan = others
        plan.loc[best_group, "retention_budget"] = new_total
    return make_plan(model, plan)


def strategy_plans(
    model: MarketModel,
    baseline: PlanLike,
    *,
    best_group: str,
    acquisition_factor: float = 1.5,
    diversify_weights: Literal["margin", "clients"] = "margin",
    budget_cut: float = 0.2,
    best_share: float = 0.6,
    optimal_budget: float | None = None,
    spend_range_factor: float | None = 1.0,
    random_state: int | None = 0,
) -> dict[str, pd.DataFrame]:
    """Build the plans of the baseline, the three strategies and the optimum.

    Parameters
    ----------
    model : MarketModel
        The groups.
    baseline : DataFrame or mapping
        Current per-period plan.
    best_group : str
        Group of the best clients (strategy c).
    acquisition_factor : float, default 1.5
        Strategy (a) multiplier.
    diversify_weights : {"margin", "clients"}
        Strategy (b) weights.
    budget_cut, best_share : float
        Strategy (c) parameters.
    optimal_budget : float, optional
        Budget per period for the optimum (default: the baseline total).
    spend_range_factor : float or None, default 1.0
        Limit of the optimum's spend per head, as a multiple of the highest
        spend per head each curve was fitted on (None: no limit); see
        :func:`~clientalytics.marketing.optimize.optimal_plan`.
    random_state : int, optional
        Seed of the optimiser's extra starting points.

    Returns
    -------
    dict
        ``{"baseline", "raise_acquisition", "diversify", "focus_on_best", "optimal"}``
        -> plan.
    """
    base = make_plan(model, baseline)
    budget = optimal_budget if optimal_budget is not None else float(base.to_numpy().sum())
    return {
        "baseline": base,
        "raise_acquisition": raise_acquisition(model, base, factor=acquisition_factor),
        "diversify": diversify_investment(model, base, weights=diversify_weights),
        "focus_on_best": focus_on_best_clients(
            model, base, best_group=best_group, budget_cut=budget_cut, best_share=best_share
        ),
        "optimal": optimal_plan(
            model, budget=budget, spend_range_factor=spend_range_factor, random_state=random_state
        ),
    }


def compare_strategies(
    model: MarketModel,
    plans: Mapping[str, PlanLike],
) -> pd.DataFrame:
    """Evaluate several plans side by side.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    plans : mapping
        Strategy name -> plan (e.g. the output of :func:`strategy_plans`).

    Returns
    -------
    DataFrame
        One row per strategy (index ``strategy``) with the columns of
        :func:`evaluate_plan`: ``budget_per_period``, ``clients_acquired``,
        ``clients_retained``, ``clients_end``, ``revenue``, ``margin``,
        ``marketing_spend``, ``nmc``, ``marketing_ros``, ``marketing_roi``,
        ``discounted_margin``, ``customer_equity``; then ``max_times_observed``
        (the largest ``times_observed_max`` of the plan's lines: above 1 the plan
        spends more per head than ever observed, by that multiple; NaN when no
        curve has a spend range) and ``extrapolated`` (bool: some line spends
        outside the observed range, above or below; see
        :func:`~clientalytics.marketing.simulator.plan_extrapolation`).
    """
    rows = {name: evaluate_plan(model, plan) for name, plan in plans.items()}
    out = pd.DataFrame(rows).T.astype("float64")
    out.index.name = "strategy"
    reach = {name: plan_extrapolation(model, plan) for name, plan in plans.items()}
    out["max_times_observed"] = [
        float(reach[n]["times_observed_max"].max()) if len(reach[n]) else float("nan")
        for n in out.index
    ]
    out["extrapolated"] = [bool(reach[n]["extrapolated"].any()) for n in out.index]
    return out


def best_strategy(
    comparison: pd.DataFrame,
    calibration: pd.DataFrame,
    *,
    by: str = "customer_equity",
) -> str | None:
    """Name the best strategy, or None when the response curves do not support a ranking.

    Every strategy is simulated with every curve of the model, so a ranking is
    only made when all of them are identified (``calibration["identified"]``,
    see :func:`~clientalytics.marketing.identification.curve_identification`).

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`compare_strategies`.
    calibration : DataFrame
        Calibration report with an ``identified`` column (e.g.
        ``CalibratedMarket.calibration``).
    by : str, default "customer_equity"
        Column to rank by (highest wins).

    Returns
    -------
    str or None
        The strategy with the highest ``by``, or None if any curve is not identified.
    """
    if "identified" not in calibration.columns:
        raise ValidationError("calibration has no 'identified' column; run curve_identification")
    if not bool(calibration["identified"].astype(bool).all()):
        return None
    return str(comparison[by].astype("float64").idxmax())
