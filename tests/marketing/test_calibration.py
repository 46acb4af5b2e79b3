import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import NotFittedError, ValidationError
from clientalytics.marketing.calibration import ResponseCurveFitter, response_history
from clientalytics.marketing.response import ResponseCurve


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
    hist = response_history(tiny_transactions, tiny_spend, tiny_clients, period_freq="M")
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
    hist = response_history(txn, spend, clients, period_freq="M")
    acq = hist.loc[hist["purpose"] == "acquisition"].set_index("period")
    assert acq["base"].to_list() == [4, 3, 2]
    assert acq["rate"].to_list() == pytest.approx([0.25, 1 / 3, 0.0])
    assert acq["spend_per_head"].to_list() == pytest.approx([25.0, 20.0, 0.0])
    ret = hist.loc[hist["purpose"] == "retention"].set_index("period")
    assert ret.loc["2024-03", "rate"] == 1.0  # p2 active in Feb buys again in March
