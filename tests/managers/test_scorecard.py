import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.managers import (
    bonus_scores,
    client_period_activity,
    client_workload,
    kpi_attainment,
    manager_scorecard,
)


def _tx(rows):
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue", "variable_cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    return frame


@pytest.fixture
def company():
    # Manager M1: a, b, c. Manager M2: d. Quarters of 2024.
    tx = _tx(
        [
            ("a", "2024-01-10", 100, 60),
            ("b", "2024-02-10", 50, 30),
            ("c", "2024-03-10", 20, 10),
            ("a", "2024-04-10", 100, 60),
            ("b", "2024-05-10", 40, 20),
            ("c", "2024-09-10", 30, 10),
            ("d", "2024-04-15", 70, 35),
            ("d", "2024-07-15", 80, 40),
            ("a", "2024-07-20", -10, 0),  # credit note alone: not an active quarter
        ]
    )
    clients = pd.DataFrame({"client_id": list("abcd"), "manager_id": ["M1", "M1", "M1", "M2"]})
    return tx, clients


def test_activity_rolls_up_months_to_quarters(company):
    tx, _ = company
    act = client_period_activity(tx, freq="Q")
    a = act[act["client_id"] == "a"].set_index("period")
    assert a["revenue"].to_dict() == {
        pd.Timestamp("2024-01-01"): 100.0,
        pd.Timestamp("2024-04-01"): 100.0,
        pd.Timestamp("2024-07-01"): -10.0,
    }
    assert a["margin"].tolist() == [40.0, 40.0, -10.0]
    assert a["active"].tolist() == [True, True, False]
    assert len(act) == 9
    assert act["active"].sum() == 8  # the lone credit note of a in Q3 is not activity


def test_activity_names_the_column_with_missing_values(company):
    tx, _ = company
    tx.loc[2, "revenue"] = np.nan
    with pytest.raises(ValidationError, match=r"column 'revenue' has 1 missing value"):
        client_period_activity(tx, freq="Q")
    with pytest.raises(ValidationError, match=r"the table is empty"):
        client_period_activity(tx.iloc[0:0], freq="Q")


def test_scorecard_retention_by_hand(company):
    tx, clients = company
    card = manager_scorecard(tx, clients, freq="Q", observation_end="2024-09-30")
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
    card = manager_scorecard(tx, clients, freq="Q", requests=requests, surveys=surveys)
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
    partial = manager_scorecard(tx, clients, freq="Q", observation_end="2024-09-29")
    assert partial["period"].max() == pd.Timestamp("2024-04-01")
    kept = manager_scorecard(tx, clients, observation_end="2024-09-29", include_partial=True)
    assert kept["period"].max() == pd.Timestamp("2024-07-01")


def test_scorecard_uses_clv_and_external_retention(company):
    tx, clients = company
    clv = pd.Series({"a": 500.0, "b": 100.0, "c": 50.0, "d": 300.0})
    external = pd.DataFrame(
        {"manager_id": ["M1"], "period": [pd.Timestamp("2024-04-01")], "retention_rate": [0.9]}
    )
    card = manager_scorecard(tx, clients, freq="Q", clv=clv, retention=external)
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


def test_kpi_attainment_and_bonus():
    card = pd.DataFrame(
        {
            "manager_id": ["M1", "M2"],
            "period": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "retention_rate": [0.9, 0.6],
            "median_response_hours": [2.0, np.nan],
        }
    )
    att = kpi_attainment(
        card,
        {"retention_rate": 0.8, "median_response_hours": 4.0},
        weights={"retention_rate": 3.0},
    )
    m1 = att[att["manager_id"] == "M1"].set_index("kpi")
    assert m1.loc["retention_rate", "attainment"] == pytest.approx(0.9 / 0.8)
    assert m1.loc["median_response_hours", "attainment"] == pytest.approx(1.5)  # 4/2=2 capped
    m2 = att[att["manager_id"] == "M2"].set_index("kpi")
    assert not m2.loc["median_response_hours", "has_data"]
    assert m2.loc["median_response_hours", "attainment"] == 0.0
    scores = bonus_scores(att).set_index("manager_id")
    assert scores.loc["M1", "weighted_attainment"] == pytest.approx((3 * 0.9 / 0.8 + 1.5) / 4)
    assert scores.loc["M1", "all_met"] and scores.loc["M2", "kpis_met"] == 0
    with pytest.raises(ValidationError, match="not scorecard columns: \\['nps'\\]"):
        kpi_attainment(card, {"nps": 30})


def test_client_workload_hours():
    clients = pd.DataFrame({"client_id": ["a", "b"]})
    tp = pd.DataFrame(
        {
            "client_id": ["a", "a", "a"],
            "timestamp": pd.to_datetime(["2024-06-01", "2024-07-01", "2022-01-01"]),
            "duration_minutes": [30.0, None, 600.0],
        }
    )
    rq = pd.DataFrame({"client_id": ["b"], "received_at": pd.to_datetime(["2024-08-01"])})
    w = client_workload(clients, tp, requests=rq, observation_end="2024-12-31")
    assert w["a"] == pytest.approx((30 + 15) / 60)
    assert w["b"] == pytest.approx(0.5)
