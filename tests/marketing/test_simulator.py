import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.optimize import equity_of_budgets, marginal_equity, optimal_plan
from clientalytics.marketing.response import ResponseCurve, response_rate
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


@pytest.fixture
def model() -> MarketModel:
    return MarketModel(
        groups=[
            ClientGroup(
                "prospects",
                clients=0,
                margin=120.0,
                revenue=400.0,
                prospects=2000,
                acquisition=ResponseCurve(0.2, 0.05),
                retention=ResponseCurve(0.85, 0.05, floor=0.5),
            ),
            ClientGroup(
                "valuable",
                clients=200,
                margin=300.0,
                revenue=1000.0,
                retention=ResponseCurve(0.95, 0.03, floor=0.7),
            ),
            ClientGroup(
                "low_value",
                clients=800,
                margin=30.0,
                revenue=150.0,
                retention=ResponseCurve(0.8, 0.1, floor=0.5),
            ),
        ],
        horizon=8,
        discount_rate=0.02,
    )


BASELINE = {
    "prospects": {"acquisition_budget": 4000.0},
    "valuable": {"retention_budget": 4000.0},
    "low_value": {"retention_budget": 8000.0},
}


def test_response_curve_by_hand():
    assert response_rate(10.0, ceiling=0.8, k=0.1) == pytest.approx(0.8 * (1 - math.exp(-1.0)))
    curve = ResponseCurve(ceiling=0.9, k=0.2, floor=0.3)
    assert curve.rate(0.0) == pytest.approx(0.3)
    assert curve.rate(5.0) == pytest.approx(0.3 + 0.6 * (1 - math.exp(-1.0)))
    assert curve.marginal_rate(5.0) == pytest.approx(0.6 * 0.2 * math.exp(-1.0))
    assert curve.spend_for_rate(float(curve.rate(5.0))) == pytest.approx(5.0)
    with pytest.raises(ValidationError, match="0 <= floor <= ceiling <= 1"):
        ResponseCurve(ceiling=1.2, k=0.1)
    with pytest.raises(ValidationError, match="k > 0"):
        ResponseCurve(ceiling=0.5, k=0.0)


def test_one_period_by_hand():
    group = ClientGroup(
        "valuable",
        clients=100,
        margin=50.0,
        revenue=200.0,
        prospects=1000,
        acquisition=ResponseCurve(0.1, 0.02),
        retention=ResponseCurve(0.9, 0.05),
    )
    model = MarketModel([group], horizon=1, discount_rate=0.01)
    plan = {"valuable": {"acquisition_budget": 1000.0, "retention_budget": 500.0}}
    sim = simulate_plan(model, plan).iloc[0]
    a = 0.1 * (1 - math.exp(-0.02 * 1.0))  # 1 per prospect
    r = 0.9 * (1 - math.exp(-0.05 * 5.0))  # 5 per client
    clients = 1000 * a + 100 * r
    assert sim["acquired"] == pytest.approx(1000 * a)
    assert sim["retained"] == pytest.approx(100 * r)
    assert sim["margin"] == pytest.approx(50.0 * clients)
    summary = evaluate_plan(model, plan)
    assert summary["nmc"] == pytest.approx(50.0 * clients - 1500.0)
    assert summary["marketing_ros"] == pytest.approx((50.0 * clients - 1500.0) / (200.0 * clients))
    assert summary["marketing_roi"] == pytest.approx((50.0 * clients - 1500.0) / 1500.0)
    assert summary["customer_equity"] == pytest.approx((50.0 * clients - 1500.0) / 1.01)
    assert summary["clients_retained"] == pytest.approx(100 * r)


def test_second_period_uses_shrunk_pool(model):
    sim = simulate_plan(model, BASELINE)
    p = sim.loc[sim["group"] == "prospects"].set_index("period")
    assert p.loc[2, "prospects_start"] == pytest.approx(2000 - p.loc[1, "acquired"])
    assert p.loc[2, "clients_start"] == pytest.approx(p.loc[1, "clients_end"])


def test_fast_equity_matches_table(model):
    plan = make_plan(model, BASELINE)
    fast = equity_of_budgets(
        model, plan["acquisition_budget"].to_numpy(), plan["retention_budget"].to_numpy()
    )
    assert fast == pytest.approx(evaluate_plan(model, plan)["customer_equity"])


def test_plan_validation(model):
    with pytest.raises(ValidationError, match="unknown group"):
        make_plan(model, {"gold": {"retention_budget": 1.0}})
    with pytest.raises(
        ValidationError, match="'valuable' has an acquisition budget but no acquisition curve"
    ):
        make_plan(model, {"valuable": {"acquisition_budget": 1.0}})


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


def test_strategies_by_hand(model):
    raised = raise_acquisition(model, BASELINE, factor=2.0)
    assert raised.loc["prospects", "acquisition_budget"] == 8000.0
    assert raised["retention_budget"].sum() == 12_000.0
    div = diversify_investment(model, BASELINE)
    # retention 12 000 shared by margin pools: valuable 200*300, low 800*30 (prospects: none)
    assert div.loc["valuable", "retention_budget"] == pytest.approx(12_000 * 60 / 84)
    assert div.loc["low_value", "retention_budget"] == pytest.approx(12_000 * 24 / 84)
    focus = focus_on_best_clients(
        model, BASELINE, best_group="valuable", budget_cut=0.2, best_share=0.6
    )
    # total 16 000 -> 12 800; valuable 7 680; the other 5 120 split 4000 : 8000
    assert focus.to_numpy().sum() == pytest.approx(12_800.0)
    assert focus.loc["valuable", "retention_budget"] == pytest.approx(7_680.0)
    assert focus.loc["prospects", "acquisition_budget"] == pytest.approx(5_120 / 3)


def test_compare_strategies_optimum_dominates_same_budget(model):
    plans = strategy_plans(model, BASELINE, best_group="valuable")
    table = compare_strategies(model, plans)
    assert list(table.index) == [
        "baseline",
        "raise_acquisition",
        "diversify",
        "focus_on_best",
        "optimal",
    ]
    for name in ("baseline", "diversify", "focus_on_best"):
        assert table.loc["optimal", "customer_equity"] >= table.loc[name, "customer_equity"] - 1e-6
    assert (
        table.loc["raise_acquisition", "clients_acquired"]
        > table.loc["baseline", "clients_acquired"]
    )
    assert np.isfinite(table.to_numpy()).all()
    assert isinstance(table, pd.DataFrame)
