"""Minimum group sizes, intervals and rankings of manager KPIs (hand-built companies)."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.managers import (
    manager_scorecard,
    nps_bounds,
    rank_managers,
    wilson_bounds,
)
from clientalytics.report.intervals import wilson_interval
from tests._helpers import tx_frame

Q1, Q2 = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")
END = "2024-06-30"


def test_wilson_bounds_match_published_values_and_the_report():
    """Wilson (1927) 95 % intervals: 8 of 10 -> 0.490..0.943, 0 of 10 -> 0..0.278."""
    low, high = wilson_bounds(np.array([8.0, 0.0, 5.0]), np.array([10.0, 10.0, 0.0]))
    assert low[0] == pytest.approx(0.4902, abs=1e-4) and high[0] == pytest.approx(0.9433, abs=1e-4)
    assert low[1] == 0.0 and high[1] == pytest.approx(0.2775, abs=1e-4)
    assert np.isnan(low[2]) and np.isnan(high[2])
    for k, n in [(3, 7), (19, 25), (1, 1)]:
        assert wilson_bounds(np.array([k]), np.array([n]))[0][0] == pytest.approx(
            wilson_interval(k, n)[0]
        )


def test_nps_bounds_by_hand():
    # 5 promoters, 2 detractors of 10: NPS 30, Var = (0.5 + 0.2 - 0.3^2) / 10 = 0.061
    low, high = nps_bounds(np.array([5]), np.array([2]), np.array([10]))
    half = 100 * 1.959963984540054 * np.sqrt(0.061)
    assert low[0] == pytest.approx(30 - half) and high[0] == pytest.approx(30 + half)
    # 1 promoter, 2 detractors of 3 (NPS -33.3): the interval nearly spans the scale
    low, high = nps_bounds(np.array([1]), np.array([2]), np.array([3]))
    assert low[0] == -100.0 and high[0] > 30


@pytest.fixture
def two_managers():
    """M1 holds 25 clients who all order in Q1 and Q2 2024; M2 holds 5, one of whom stops."""
    big = [f"b{i}" for i in range(25)]
    small = [f"s{i}" for i in range(5)]
    rows = [(c, "2024-02-01", 100, 50) for c in big + small]
    rows += [(c, "2024-05-01", 100, 50) for c in big + small[:4]]
    clients = pd.DataFrame({"client_id": big + small, "manager_id": ["M1"] * 25 + ["M2"] * 5})
    # Q2 surveys: M1 12 answers (6 promoters, 3 passives, 3 detractors: NPS 25);
    # M2 3 answers (1 promoter, 2 detractors: NPS -33.3 from three people)
    scores = [10] * 6 + [8] * 3 + [3] * 3 + [10, 2, 2]
    who = big[:12] + small[:3]
    surveys = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(len(who))],
            "client_id": who,
            "surveyed_at": pd.Timestamp("2024-05-15"),
            "nps_score": scores,
            "csat_score": 4,
        }
    )
    return tx_frame(rows), clients, surveys


def test_small_groups_are_not_enough_data(two_managers):
    tx, clients, surveys = two_managers
    card = manager_scorecard(tx, clients, surveys=surveys, observation_end=END).set_index(
        ["manager_id", "period"]
    )
    big, small = card.loc[("M1", Q2)], card.loc[("M2", Q2)]
    assert big["retention_rate"] == 1.0 and big["retention_base"] == 25
    assert big["retention_enough_data"]
    # M2: 4 of 5 retained, but 5 clients are fewer than 20: no rate, a flag, an interval
    assert small["retention_base"] == 5 and not small["retention_enough_data"]
    assert np.isnan(small["retention_rate"]) and np.isnan(small["churn_rate"])
    low, high = wilson_interval(4, 5)
    assert (small["retention_ci_low"], small["retention_ci_high"]) == pytest.approx((low, high))
    # NPS: 12 answers are enough, 3 are not
    assert big["nps"] == pytest.approx(25.0) and big["nps_enough_data"]
    assert big["n_nps_answers"] == 12 and big["nps_ci_low"] < 25 < big["nps_ci_high"]
    assert small["n_nps_answers"] == 3 and not small["nps_enough_data"]
    assert np.isnan(small["nps"]) and np.isnan(small["csat_mean"])
    assert not small["csat_enough_data"] and big["csat_mean"] == 4.0
    # with smaller minimums the same data gives the raw values
    loose = manager_scorecard(
        tx, clients, surveys=surveys, observation_end=END, min_clients=5, min_responses=3
    )
    loose = loose.set_index(["manager_id", "period"]).loc[("M2", Q2)]
    assert loose["retention_rate"] == pytest.approx(0.8)
    assert loose["nps"] == pytest.approx(-100 / 3)
    with pytest.raises(ValidationError, match="min_clients must be a positive whole number"):
        manager_scorecard(tx, clients, min_clients=0)


def test_ranking_leaves_out_small_groups_and_counts_them(two_managers):
    tx, clients, surveys = two_managers
    card = manager_scorecard(tx, clients, surveys=surveys, observation_end=END)
    ranking = rank_managers(card, metric="retention_rate")
    assert ranking["manager_id"].tolist() == ["M1", "M2"]
    assert ranking["rank"].tolist()[0] == 1 and pd.isna(ranking["rank"].iloc[1])
    assert int((~ranking["enough_data"]).sum()) == 1
    assert ranking["group_size"].tolist() == [25.0, 5.0]
    nps = rank_managers(card, metric="nps")
    assert nps.set_index("manager_id")["enough_data"].to_dict() == {"M1": True, "M2": False}
    # margin: M2 has 4 active clients in Q2, fewer than 20
    margin = rank_managers(card, metric="margin")
    assert margin["enough_data"].tolist() == [True, False]
    assert rank_managers(card, metric="margin", min_clients=4)["rank"].tolist() == [1, 2]


def test_ranking_direction_and_ties():
    card = pd.DataFrame(
        {
            "manager_id": ["A", "B", "C", "D"],
            "period": Q1,
            "churn_rate": [0.2, 0.1, 0.2, 0.05],
            "retention_base": [30, 40, 25, 3],
        }
    )
    ranking = rank_managers(card, metric="churn_rate")
    # lower churn is better; C and A tie; D has 3 clients and is left out
    assert ranking["manager_id"].tolist() == ["B", "A", "C", "D"]
    assert ranking["rank"].tolist()[:3] == [1, 2, 2] and pd.isna(ranking["rank"].iloc[3])
    with pytest.raises(ValidationError, match="missing column"):
        rank_managers(card, metric="nps")
