"""Simulation of client groups under a plan, checked period by period by hand."""

import math

import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import (
    ClientGroup,
    MarketModel,
    evaluate_plan,
    make_plan,
    simulate_plan,
)

from .conftest import BASELINE


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


def test_plan_validation(model):
    with pytest.raises(ValidationError, match="unknown group"):
        make_plan(model, {"gold": {"retention_budget": 1.0}})
    with pytest.raises(
        ValidationError, match="'valuable' has an acquisition budget but no acquisition curve"
    ):
        make_plan(model, {"valuable": {"acquisition_budget": 1.0}})
