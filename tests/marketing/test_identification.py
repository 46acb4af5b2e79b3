"""Identification of response curves, spend limits of the optimum, and the spend experiment."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.calibration import ResponseCurveFitter
from clientalytics.marketing.identification import (
    curve_identification,
    sample_size_per_arm,
    spend_experiment,
)
from clientalytics.marketing.optimize import optimal_plan
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import ClientGroup, MarketModel, plan_extrapolation
from clientalytics.marketing.strategies import best_strategy, compare_strategies, strategy_plans


def _flat_points():
    """Rates that do not move with spend (noise around 0.9): R² of any curve is about 0."""
    spend = np.array([50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 55.0, 65.0, 75.0, 85.0])
    rate = np.array([0.90, 0.88, 0.91, 0.89, 0.90, 0.88, 0.91, 0.89, 0.90, 0.91])
    return spend, rate


def _calibration(fitters):
    rows = [{"group": g, "purpose": p, **f.fit_report, "source": "fitted"} for (g, p), f in fitters]
    return pd.DataFrame(rows).set_index(["group", "purpose"])


def test_flat_curve_is_not_identified_and_no_plan_is_called_best():
    spend, rate = _flat_points()
    flat = ResponseCurveFitter(fit_floor=True).fit(spend, rate)
    assert flat.r2_ < 0.1
    x = np.linspace(10, 200, 8)
    good = ResponseCurveFitter().fit(x, 0.6 * (1 - np.exp(-0.02 * x)))
    cal = curve_identification(_calibration([(("valuable", "retention"), flat),
                                             (("prospects", "acquisition"), good)]))  # fmt: skip
    assert not cal.loc[("valuable", "retention"), "identified"]
    assert "R²" in cal.loc[("valuable", "retention"), "not_identified_because"]
    assert cal.loc[("prospects", "acquisition"), "identified"]
    comparison = pd.DataFrame({"customer_equity": [1.0, 2.0]}, index=["baseline", "optimal"])
    assert best_strategy(comparison, cal) is None
    assert best_strategy(comparison, cal.loc[cal["identified"]]) == "optimal"
    design = spend_experiment(cal, effect=0.05)
    assert list(design.index) == [("valuable", "retention")]
    assert design["n_per_arm"].iloc[0] == sample_size_per_arm(flat.mean_rate_, 0.05)


def test_too_few_spend_levels_and_bound_parameters_are_reported():
    cal = pd.DataFrame(
        {"r2": [0.9], "n_levels": [2], "at_bound": ["ceiling"], "source": ["fitted"]},
        index=pd.MultiIndex.from_tuples([("valuable", "retention")], names=["group", "purpose"]),
    )
    why = curve_identification(cal).iloc[0]["not_identified_because"]
    assert why == "ceiling at a bound of the fit; 2 distinct spend level(s) < 4"


def test_fitter_records_the_observed_range_and_levels():
    spend, rate = _flat_points()
    f = ResponseCurveFitter(fit_floor=True).fit(spend, rate)
    assert (f.spend_min_, f.spend_max_) == (50.0, 100.0)
    assert f.curve_.spend_range == (50.0, 100.0)
    assert f.n_levels_ == 10
    same = ResponseCurveFitter().fit([60.0, 60.0, 60.0, 61.0, 60.0], [0.5, 0.6, 0.55, 0.5, 0.52])
    assert same.n_levels_ == 1


def test_sample_size_per_arm_textbook_value():
    """Fleiss (1981) without continuity correction: 0.5 vs 0.6, α 0.05, power 0.8 -> 388 per arm."""
    assert sample_size_per_arm(0.5, 0.1) == 388
    assert sample_size_per_arm(0.9, 0.05) == 435  # 0.90 vs 0.95


def _model(range_hi=100.0):
    return MarketModel(
        groups=[
            ClientGroup(
                "valuable",
                clients=100,
                margin=500.0,
                revenue=1000.0,
                # steep and high: without a limit the optimum would pour money in
                retention=ResponseCurve(1.0, 0.01, floor=0.5, spend_range=(50.0, range_hi)),
            ),
            ClientGroup(
                "low_value",
                clients=100,
                margin=20.0,
                revenue=100.0,
                retention=ResponseCurve(0.8, 0.05, floor=0.5, spend_range=(50.0, 100.0)),
            ),
        ],
        horizon=4,
        discount_rate=0.0,
    )


def test_optimum_never_exceeds_the_observed_range_by_default():
    model = _model()
    budget = 200_000.0
    free = optimal_plan(model, budget=budget, spend_range_factor=None)
    assert free.loc["valuable", "retention_budget"] / 100 > 130  # beyond the observed 100
    plan = optimal_plan(model, budget=budget)
    reach = plan_extrapolation(model, plan)
    assert (reach["times_observed_max"] <= 1 + 1e-6).all()
    assert (reach["times_observed_min"] >= 1 - 1e-6).all()
    assert not reach["extrapolated"].any()
    assert plan.loc["valuable", "retention_budget"] == pytest.approx(100 * 100.0, rel=1e-4)
    wider = optimal_plan(model, budget=budget, spend_range_factor=1.2)
    assert wider.loc["valuable", "retention_budget"] == pytest.approx(100 * 120.0, rel=1e-4)
    table = compare_strategies(model, {"free": free, "limited": plan})
    assert table.loc["free", "extrapolated"] and table.loc["free", "max_times_observed"] > 1.3
    assert table.loc["limited", "max_times_observed"] <= 1 + 1e-6


def test_strategy_plans_limit_the_optimum():
    model = _model()
    base = {"valuable": {"retention_budget": 7000.0}, "low_value": {"retention_budget": 6000.0}}
    plans = strategy_plans(model, base, best_group="valuable", optimal_budget=200_000.0)
    assert plans["optimal"].loc["valuable", "retention_budget"] <= 100 * 100.0 * (1 + 1e-6)


def test_budget_below_the_least_observed_spend_is_refused():
    # least observed: 50 per head on 100 + 100 clients = 10 000 per period
    with pytest.raises(ValidationError, match=r"budget 9,000.00 is below the least spend per head"):
        optimal_plan(_model(), budget=9_000.0)
    plan = optimal_plan(_model(), budget=9_000.0, spend_range_factor=None)
    assert plan.to_numpy().sum() <= 9_000.0 + 1e-6


def test_experiment_arms_by_hand():
    """Observed spend 50-100 per head, mean rate 0.9: arms at 0, 75, 150; 0.90 vs 0.95 -> 435."""
    cal = pd.DataFrame(
        {"r2": [0.01], "n_levels": [6], "at_bound": [""], "source": ["fitted"],
         "spend_min": [50.0], "spend_max": [100.0], "mean_rate": [0.9]},
        index=pd.MultiIndex.from_tuples([("valuable", "retention")], names=["group", "purpose"]),
    )  # fmt: skip
    design = spend_experiment(curve_identification(cal))
    row = design.iloc[0]
    assert row["arm_spend_per_head"] == (0.0, 75.0, 150.0)
    assert (row["n_per_arm"], row["n_total"]) == (435, 3 * 435)
    assert row["not_identified_because"] == "R² 0.01 < 0.3"
