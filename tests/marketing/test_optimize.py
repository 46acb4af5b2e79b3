"""Optimal budget split: the marginal conditions of Blattberg & Deighton and Pfeifer."""

import numpy as np
import pytest
from scipy import optimize

from clientalytics.marketing.optimize import equity_of_budgets, marginal_equity, optimal_plan
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import ClientGroup, MarketModel, evaluate_plan, make_plan

from .conftest import BASELINE


def test_fast_equity_matches_table(model):
    plan = make_plan(model, BASELINE)
    fast = equity_of_budgets(
        model, plan["acquisition_budget"].to_numpy(), plan["retention_budget"].to_numpy()
    )
    assert fast == pytest.approx(evaluate_plan(model, plan)["customer_equity"])


def test_optimum_equalises_marginal_cost_of_acquiring_and_retaining():
    """One period, clients worth m either way: a'(A) = r'(R) at the optimum.

    Blattberg & Deighton (1996); Pfeifer (2005): the marginal cost of acquiring a
    client (1 / a'(A)) equals that of retaining one when both are worth the same.
    """
    acq, ret = ResponseCurve(0.3, 0.05), ResponseCurve(0.9, 0.02)
    group = ClientGroup(
        "g",
        clients=500,
        margin=100.0,
        revenue=300.0,
        prospects=1000,
        acquisition=acq,
        retention=ret,
    )
    model = MarketModel([group], horizon=1, discount_rate=0.0)
    budget = 30_000.0
    plan = optimal_plan(model, budget=budget, spend_all=True)
    a_spend = plan.loc["g", "acquisition_budget"] / 1000
    r_spend = plan.loc["g", "retention_budget"] / 500
    assert plan.to_numpy().sum() == pytest.approx(budget)
    assert acq.marginal_rate(a_spend) == pytest.approx(ret.marginal_rate(r_spend), rel=1e-3)
    # independent check: solve a'(x / P) = r'((B - x) / C) with brentq
    x = optimize.brentq(
        lambda x: acq.marginal_rate(x / 1000) - ret.marginal_rate((budget - x) / 500), 0.0, budget
    )
    assert plan.loc["g", "acquisition_budget"] == pytest.approx(x, rel=1e-3)


def test_multi_period_optimum_has_equal_marginal_equity(model):
    plan = optimal_plan(model, budget=30_000.0)
    marg = marginal_equity(model, plan)
    funded = [k for k in marg.index if plan.loc[k.split(":")[0], f"{k.split(':')[1]}_budget"] > 1.0]
    assert len(funded) >= 3
    values = marg[funded].to_numpy()
    np.testing.assert_allclose(values, values.mean(), rtol=2e-2, atol=5e-3)
    unfunded = [k for k in marg.index if k not in funded]
    assert (marg[unfunded] <= values.mean() + 5e-3).all()
