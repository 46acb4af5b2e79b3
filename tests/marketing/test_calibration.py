import numpy as np
import pandas as pd
import pytest

from clientalytics.datasets import load_sample
from clientalytics.exceptions import NotFittedError, ValidationError
from clientalytics.marketing.calibration import (
    ResponseCurveFitter,
    market_model_from_history,
    response_history,
    value_groups,
)
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.strategies import compare_strategies, strategy_plans


def test_fit_recovers_known_curve():
    rng = np.random.default_rng(3)
    spend = np.linspace(0, 100, 25)
    truth = ResponseCurve(ceiling=0.6, k=0.04)
    rate = truth.rate(spend) + rng.normal(0, 0.005, spend.size)
    fitter = ResponseCurveFitter().fit(spend, np.clip(rate, 0, 1))
    assert fitter.ceiling_ == pytest.approx(0.6, abs=0.02)
    assert fitter.k_ == pytest.approx(0.04, rel=0.08)
    assert fitter.r2_ > 0.99
    assert fitter.n_points_ == 25
    assert fitter.fit_report["n_points"] == 25


def test_fit_with_floor_on_exact_points():
    spend = np.array([0.0, 5, 10, 20, 40, 80])
    truth = ResponseCurve(ceiling=0.9, k=0.05, floor=0.55)
    fitter = ResponseCurveFitter(fit_floor=True).fit(spend, truth.rate(spend))
    assert fitter.floor_ == pytest.approx(0.55, abs=1e-4)
    assert fitter.ceiling_ == pytest.approx(0.9, abs=1e-4)
    assert fitter.r2_ == pytest.approx(1.0, abs=1e-8)
    np.testing.assert_allclose(fitter.predict(spend), truth.rate(spend), atol=1e-5)


def test_too_few_points_are_refused():
    with pytest.raises(ValidationError, match=r"to calibrate a response curve: 3, need at least 4"):
        ResponseCurveFitter().fit([1.0, 2.0, 3.0], [0.1, 0.2, 0.25])
    with pytest.raises(ValidationError, match=r"1 point\(s\) have spend < 0"):
        ResponseCurveFitter().fit([1.0, 2.0, -3.0, 4.0], [0.1, 0.2, 0.25, 0.3])
    with pytest.raises(NotFittedError):
        ResponseCurveFitter().predict([1.0])


def test_retention_points_by_hand(tiny_transactions, tiny_spend, tiny_clients):
    hist = response_history(tiny_transactions, tiny_spend, tiny_clients, time_unit="M")
    ret = hist.loc[hist["purpose"] == "retention"].set_index("period")
    # Feb: Jan actives c1, c2, c4; only c4 buys in Feb; 90 of retention spend
    assert ret.loc["2024-02", ["base", "outcome"]].to_list() == [3, 1]
    assert ret.loc["2024-02", "spend_per_head"] == pytest.approx(30.0)
    # Mar: Feb actives c3, c4; neither buys in Mar; 40 of retention spend
    assert ret.loc["2024-03", "rate"] == 0.0
    assert ret.loc["2024-03", "spend_per_head"] == pytest.approx(20.0)


def test_acquisition_points_by_hand():
    clients = pd.DataFrame(
        {
            "client_id": ["p1", "p2", "p3", "p4"],
            "acquisition_channel": ["ads"] * 4,
            "first_contact_date": pd.to_datetime(["2023-12-05"] * 4),
        }
    )
    txn = pd.DataFrame(
        {
            "client_id": ["p1", "p2", "p1", "p2"],
            "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-10", "2024-03-12"]),
        }
    )
    spend = pd.DataFrame(
        {
            "spend_id": ["a", "b"],
            "period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "channel": ["ads", "ads"],
            "purpose": ["acquisition", "acquisition"],
            "amount": [100.0, 60.0],
        }
    )
    hist = response_history(txn, spend, clients, time_unit="M")
    acq = hist.loc[hist["purpose"] == "acquisition"].set_index("period")
    assert acq["base"].to_list() == [4, 3, 2]
    assert acq["rate"].to_list() == pytest.approx([0.25, 1 / 3, 0.0])
    assert acq["spend_per_head"].to_list() == pytest.approx([25.0, 20.0, 0.0])
    ret = hist.loc[hist["purpose"] == "retention"].set_index("period")
    assert ret.loc["2024-03", "rate"] == 1.0  # p2 active in Feb buys again in March


def _margins(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": list(values),
            "revenue": list(values.values()),
            "variable_cost": 0.0,
        }
    )


def test_value_groups_by_hand():
    # margins 50, 30, 15, 5 and a loss: the top two hold exactly 80 % of 100
    groups = value_groups(_margins({"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0, "e": -10.0}))
    assert groups.to_dict() == {
        "a": "valuable",
        "b": "valuable",
        "c": "low_value",
        "d": "low_value",
        "e": "low_value",
    }
    # 81 % takes the client that crosses the line
    crossed = value_groups(_margins({"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0}), margin_share=0.81)
    assert crossed.to_dict() == {
        "a": "valuable",
        "b": "valuable",
        "c": "valuable",
        "d": "low_value",
    }


def test_value_groups_share_reached_up_to_rounding():
    # a holds 0.7 of 0.7 + 0.6 + 0.1, exactly half, although the float sums put the
    # margin held above b a hair below half the float total: a alone is valuable
    groups = value_groups(_margins({"a": 0.7, "b": 0.6, "c": 0.1}), margin_share=0.5)
    assert groups.to_dict() == {"a": "valuable", "b": "low_value", "c": "low_value"}


def test_market_model_from_the_sample_history():
    base = load_sample()
    groups = value_groups(base.transactions)
    market = market_model_from_history(
        base.transactions, base.marketing_spend, base.clients, groups=groups
    )
    assert set(market.calibration["source"]) == {"fitted", "pooled"}
    assert (market.calibration["n_points"] >= 4).all()
    assert market.model.group_names == ["prospects", "low_value", "valuable"]
    plans = strategy_plans(market.model, market.baseline, best_group="valuable")
    table = compare_strategies(market.model, plans)
    assert table.loc["optimal", "customer_equity"] >= table.loc["baseline", "customer_equity"]
    assert np.isfinite(table.drop(columns="extrapolated").to_numpy()).all()
    assert table.loc["optimal", "max_times_observed"] <= 1 + 1e-6
    with pytest.raises(ValidationError, match="time_unit must be one of"):
        market_model_from_history(
            base.transactions, base.marketing_spend, base.clients, groups=groups, time_unit="QS"
        )
