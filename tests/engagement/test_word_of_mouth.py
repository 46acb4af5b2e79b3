import pandas as pd

from clientalytics.engagement import word_of_mouth_reach

T = pd.Timestamp


def test_word_of_mouth(surveys):
    out = word_of_mouth_reach(surveys, time_unit="Y", told_by_unhappy=10, told_by_happy=3)
    y23 = out.set_index("period").loc[T("2023-01-01")]
    assert (y23["n_unhappy"], y23["n_happy"]) == (1, 1)
    assert y23["net_reach"] == 3 - 10
    csat = word_of_mouth_reach(surveys, time_unit="Y", score="csat_score").set_index("period")
    assert csat.loc[T("2024-01-01"), "positive_reach"] == 2.5
