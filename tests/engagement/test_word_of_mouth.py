import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import referrals_by_nps, word_of_mouth_reach
from clientalytics.exceptions import ValidationError
from clientalytics.report.intervals import wilson_interval

T = pd.Timestamp


def test_word_of_mouth_rule_is_the_multipliers_times_the_counts(surveys):
    out = word_of_mouth_reach(surveys, time_unit="Y", told_by_unhappy=10, told_by_happy=3)
    y23 = out.set_index("period").loc[T("2023-01-01")]
    assert (y23["n_unhappy"], y23["n_happy"]) == (1, 1)
    assert y23["net_reach"] == 3 - 10
    csat = word_of_mouth_reach(surveys, time_unit="Y", score="csat_score").set_index("period")
    assert csat.loc[T("2024-01-01"), "positive_reach"] == 2.5


def _referral_frame():
    # a (promoter) brought b, c and d; b (detractor) brought e; c (passive) and the
    # unsurveyed d, e, f brought nobody; "zz" is not a client and is not counted.
    clients = pd.DataFrame(
        {
            "client_id": list("abcdef"),
            "referred_by": [None, "a", "a", "a", "b", "zz"],
        }
    )
    surveys = pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "c", "d"],
            "surveyed_at": pd.to_datetime(
                ["2023-01-10", "2024-01-10", "2023-05-01", "2023-05-01", "2024-02-01"]
            ),
            # a: detractor first, promoter in its latest answer; d answered without NPS
            "nps_score": [3, 10, 5, 8, None],
        }
    )
    return clients, surveys


def test_referrals_by_nps_counts_referred_by():
    clients, surveys = _referral_frame()
    out = referrals_by_nps(clients, surveys, min_clients=2).set_index("nps_group")
    assert out.index.tolist() == ["all", "promoter", "passive", "detractor", "no_answer"]
    assert out.loc["all", "n_clients"] == 6 and out.loc["all", "n_referrals"] == 4
    assert out.loc["all", "referrals_per_client"] == pytest.approx(4 / 6)
    assert out.loc["promoter", "n_clients"] == 1 and out.loc["promoter", "n_referrals"] == 3
    assert out.loc["detractor", "referrals_per_client"] == 1.0  # b brought e
    assert out.loc["passive", "n_referrals"] == 0
    assert out.loc["no_answer", "n_clients"] == 3 and out.loc["no_answer", "n_referrals"] == 0
    assert out.loc["all", "share_referring"] == pytest.approx(2 / 6)
    low, high = wilson_interval(2, 6)
    assert out.loc["all", "share_referring_low"] == pytest.approx(low)
    assert out.loc["all", "share_referring_high"] == pytest.approx(high)
    assert out["small_group"].to_dict() == {
        "all": False, "promoter": True, "passive": True, "detractor": True, "no_answer": False
    }  # fmt: skip
    # the rule of thumb would say the promoter reached 2.5 people and the detractor 10:
    # the clients table says the promoter brought 3 clients, the detractor 1


def test_referrals_without_surveys_and_errors():
    clients, _ = _referral_frame()
    only = referrals_by_nps(clients)
    assert only["nps_group"].tolist() == ["all"] and only["n_referrals"].iloc[0] == 4
    empty = referrals_by_nps(clients.iloc[:0])
    assert empty["n_clients"].iloc[0] == 0 and np.isnan(empty["referrals_per_client"].iloc[0])
    with pytest.raises(ValidationError, match="referred_by"):
        referrals_by_nps(clients[["client_id"]])
