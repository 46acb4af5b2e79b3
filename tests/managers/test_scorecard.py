import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.managers import manager_scorecard as _scorecard


def manager_scorecard(*args, **kwargs):
    """The scorecard with every group large enough, to check the formulas on tiny frames."""
    kwargs.setdefault("min_clients", 1)
    kwargs.setdefault("min_responses", 1)
    return _scorecard(*args, **kwargs)


def test_scorecard_retention_by_hand(company):
    tx, clients = company
    card = manager_scorecard(tx, clients, time_unit="Q", observation_end="2024-09-30")
    ret = card.set_index(["manager_id", "period"])["retention_rate"]
    # M1: Q1 active {a,b,c}; Q2 {a,b}: S=3, E=2, N=0 -> 2/3
    assert ret[("M1", pd.Timestamp("2024-04-01"))] == pytest.approx(2 / 3)
    # M1 Q3: S=2 {a,b}, E=1 {c, won back}, N=1 -> (1-1)/2 = 0 (a's credit note is no order)
    assert ret[("M1", pd.Timestamp("2024-07-01"))] == 0.0
    # M2 Q3: S=1, E=1, N=0 -> 1; M2 Q2 has S=0 (d starts in Q2): undefined
    assert ret[("M2", pd.Timestamp("2024-07-01"))] == 1.0
    assert np.isnan(ret[("M2", pd.Timestamp("2024-04-01"))])


def test_scorecard_by_hand(company):
    tx, clients = company
    requests = pd.DataFrame(
        {
            "request_id": ["r1", "r2", "r3"],
            "client_id": ["a", "b", "d"],
            "manager_id": [None, "M1", None],
            "received_at": pd.to_datetime(
                ["2024-04-01 09:00", "2024-04-02 09:00", "2024-04-03 09:00"]
            ),
            "first_response_at": pd.to_datetime(["2024-04-01 11:00", "2024-04-02 15:00", None]),
        }
    )
    surveys = pd.DataFrame(
        {
            "response_id": ["s1", "s2", "s3"],
            "client_id": ["a", "b", "c"],
            "surveyed_at": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-03"]),
            "nps_score": [10, 5, 8],
            "csat_score": [5, 2, 4],
        }
    )
    card = manager_scorecard(tx, clients, time_unit="Q", requests=requests, surveys=surveys)
    card = card.set_index(["manager_id", "period"])
    q2 = card.loc[("M1", pd.Timestamp("2024-04-01"))]
    assert q2["portfolio_size"] == 3
    assert q2["active_clients"] == 2
    assert q2["clients_won"] == 0
    assert q2["revenue"] == 140.0 and q2["margin"] == 60.0
    assert q2["portfolio_value"] == 60.0 and q2["value_basis"] == "margin"
    assert q2["retention_rate"] == pytest.approx(2 / 3)
    assert q2["n_requests"] == 2 and q2["median_response_hours"] == pytest.approx(4.0)
    assert q2["n_survey_responses"] == 3
    assert q2["csat_mean"] == pytest.approx(11 / 3)
    assert q2["nps"] == pytest.approx(100 * (1 / 3 - 1 / 3))
    m2 = card.loc[("M2", pd.Timestamp("2024-04-01"))]
    assert m2["clients_won"] == 1 and m2["n_requests"] == 1
    assert np.isnan(m2["median_response_hours"])  # the only request was not answered
    # Q3 credit note of a is netted into revenue of M1 but a is not active
    q3 = card.loc[("M1", pd.Timestamp("2024-07-01"))]
    assert q3["active_clients"] == 1 and q3["revenue"] == 30.0 - 10.0
    assert len(card) == 2 * 3
    partial = manager_scorecard(tx, clients, time_unit="Q", observation_end="2024-09-29")
    assert partial["period"].max() == pd.Timestamp("2024-04-01")
    kept = manager_scorecard(tx, clients, observation_end="2024-09-29", include_partial=True)
    assert kept["period"].max() == pd.Timestamp("2024-07-01")


def test_scorecard_uses_clv_and_external_retention(company):
    tx, clients = company
    clv = pd.Series({"a": 500.0, "b": 100.0, "c": 50.0, "d": 300.0})
    external = pd.DataFrame(
        {"manager_id": ["M1"], "period": [pd.Timestamp("2024-04-01")], "retention_rate": [0.9]}
    )
    card = manager_scorecard(tx, clients, time_unit="Q", clv=clv, retention=external)
    card = card.set_index(["manager_id", "period"])
    assert card.loc[("M1", pd.Timestamp("2024-01-01")), "portfolio_value"] == 650.0
    assert card.loc[("M2", pd.Timestamp("2024-01-01")), "portfolio_value"] == 0.0
    assert card.loc[("M2", pd.Timestamp("2024-04-01")), "portfolio_value"] == 300.0
    assert card.loc[("M1", pd.Timestamp("2024-04-01")), "churn_rate"] == pytest.approx(0.1)
    assert np.isnan(card.loc[("M1", pd.Timestamp("2024-07-01")), "retention_rate"])
    with pytest.raises(ValidationError, match=r"retention_rate.*1 value"):
        manager_scorecard(tx, clients, retention=external.assign(retention_rate=[1.5]))


def test_scorecard_rejects_unknown_clients(company):
    tx, clients = company
    with pytest.raises(ValidationError, match=r"1 client.*missing from the clients table"):
        manager_scorecard(tx, clients[clients["client_id"] != "d"])
