import pandas as pd
import pytest

from clientalytics.engagement import (
    expectation_gaps,
    net_promoter_score,
    satisfaction_retention,
    satisfaction_summary,
)
from clientalytics.exceptions import ValidationError
from tests._helpers import tx_frame


def test_nps_definition():
    # 3 promoters, 2 passives, 5 detractors -> 30 % - 50 % = -20
    scores = pd.Series([10, 9, 9, 8, 7, 6, 5, 0, 3, 4, None])
    assert net_promoter_score(scores) == pytest.approx(-20.0)
    with pytest.raises(ValidationError, match="1 score"):
        net_promoter_score(pd.Series([11, 5]))


def test_satisfaction_summary_by_client_column(surveys):
    clients = pd.DataFrame({"client_id": ["a", "b", "c"], "segment": ["gold", "gold", "iron"]})
    out = satisfaction_summary(surveys, by="segment", clients=clients).set_index("segment")
    gold = out.loc["gold"]
    assert gold["n_responses"] == 3 and gold["n_nps"] == 2
    assert gold["nps"] == pytest.approx(0.0)  # one promoter, one detractor
    assert gold["csat_mean"] == pytest.approx(10 / 3)
    assert gold["csat_satisfied_share"] == pytest.approx(2 / 3)
    assert out.loc["iron", "passives_share"] == 1.0


def test_expectation_gaps(surveys):
    dims = pd.DataFrame(
        {
            "response_id": ["s1", "s1", "s2", "s2"],
            "dimension": ["punctuality", "communication", "punctuality", "communication"],
            "expected_score": [9.0, 6.0, 8.0, 7.0],
            "perceived_score": [6.0, 7.0, 7.0, 7.0],
        }
    )
    gaps = expectation_gaps(surveys, dims).set_index("dimension")
    assert gaps.loc["punctuality", "gap"] == pytest.approx(-2.0)
    assert gaps.loc["punctuality", "share_below_expectation"] == 1.0
    assert gaps.loc["communication", "gap"] == pytest.approx(0.5)
    assert gaps.index[0] == "punctuality"  # worst first
    with pytest.raises(ValidationError, match=r"1 row\(s\) name responses missing.*zz"):
        expectation_gaps(surveys, dims.assign(response_id=["s1", "s1", "s2", "zz"]))


def test_satisfaction_retention(surveys):
    tx = tx_frame(
        [
            ("a", "2023-01-01", 10, 5),
            ("a", "2023-06-01", 10, 5),  # a reorders after its survey
            ("b", "2023-01-01", 10, 5),
            ("c", "2023-01-01", 10, 5),
            ("c", "2024-05-01", 10, 5),  # after the 365-day horizon
        ]
    )
    out = satisfaction_retention(surveys, tx, observation_end="2024-06-30").set_index(
        "nps_category"
    )
    assert out.index.tolist() == ["detractor", "passive", "promoter"]
    assert out["retention_rate"].tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValidationError, match="no response"):
        satisfaction_retention(surveys, tx, observation_end="2023-06-30")
