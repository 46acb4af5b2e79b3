import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from clientalytics.exceptions import ValidationError
from clientalytics.retention import (
    client_lifetimes,
    compare_survival,
    median_lifetime,
    survival_curve,
)

SMALL = pd.DataFrame(
    {
        "duration": [1.0, 2.0, 2.0, 3.0, 4.0, 5.0],
        "churned": [True, True, False, True, False, True],
        "group": ["a", "a", "a", "b", "b", "b"],
    }
)


def test_kaplan_meier_matches_hand_computation():
    """S(1)=5/6, S(2)=5/6*4/5, S(3)=S(2)*(1-1/3), S(4) unchanged (censoring), S(5)=0."""
    curve = survival_curve(SMALL.assign(group="all"))
    assert curve["time"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert curve["at_risk"].tolist() == [6, 6, 5, 3, 2, 1]
    assert curve["churned"].tolist() == [0, 1, 1, 1, 0, 1]
    assert curve["censored"].tolist() == [0, 0, 1, 0, 1, 0]
    expected = [1.0, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0.0]
    assert curve["survival"].tolist() == pytest.approx(expected)
    inner = curve.iloc[1:4]
    assert (inner["lower"] < inner["survival"]).all()
    assert (inner["survival"] < inner["upper"]).all()


def test_median_and_log_rank_by_hand():
    """Log-rank, group a: observed 2, expected 3/6 + 2/5 = 0.9, variance 0.25 + 0.24.

    Chi-squared = (2 - 0.9)^2 / 0.49 on 1 degree of freedom.
    """
    med = median_lifetime(SMALL)
    assert med.loc["a", "median"] == 2.0
    assert med.loc["b", "median"] == 5.0
    assert bool(med.loc["a", "median_reached"])
    test = compare_survival(SMALL).iloc[0]
    stat = 1.1**2 / 0.49
    assert test["test_statistic"] == pytest.approx(stat)
    assert test["p_value"] == pytest.approx(chi2.sf(stat, 1))
    assert test["degrees_of_freedom"] == 1


def test_median_not_reached_is_flagged():
    lt = pd.DataFrame({"duration": [1.0, 2.0, 3.0], "churned": [True, False, False], "group": "x"})
    med = median_lifetime(lt)
    assert not bool(med.loc["x", "median_reached"])
    assert np.isnan(med.loc["x", "median"])


def test_client_lifetimes_purchases_and_contracts():
    tx = pd.DataFrame(
        {
            "client_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"]),
            "revenue": [10.0, 10.0, 5.0],
            "variable_cost": [1.0, 1.0, 1.0],
        }
    )
    lt = client_lifetimes(tx, observation_end="2024-06-30", activity_window=3, time_unit="D")
    # a: last order Feb 1 + 3 months = May 1 -> churned after 121 days; b censored at end.
    assert bool(lt.loc["a", "churned"]) and lt.loc["a", "duration"] == 121.0
    assert not bool(lt.loc["b", "churned"])
    assert lt.loc["b", "duration"] == float(
        (pd.Timestamp("2024-06-30") - pd.Timestamp("2024-05-01")).days
    )
    contracts = pd.DataFrame(
        {
            "client_id": ["a", "a", "b"],
            "start_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-03-01"]),
            "expiry_date": pd.to_datetime(["2024-01-01", "2024-04-01", "2025-03-01"]),
        }
    )
    lc = client_lifetimes(
        tx, observation_end="2024-06-30", activity="contracts", contracts=contracts, time_unit="D"
    )
    assert bool(lc.loc["a", "churned"])
    assert lc.loc["a", "end"] == pd.Timestamp("2024-04-01")
    assert not bool(lc.loc["b", "churned"])
    # The same 121 days in weeks and in mean Gregorian months (365.25 / 12 days).
    weeks = client_lifetimes(tx, observation_end="2024-06-30", activity_window=3, time_unit="W")
    months = client_lifetimes(tx, observation_end="2024-06-30", activity_window=3)
    assert weeks.loc["a", "duration"] == pytest.approx(121.0 / 7.0, rel=1e-15)
    assert months.loc["a", "duration"] == pytest.approx(121.0 / 30.4375, rel=1e-15)
    with pytest.raises(ValidationError, match="time_unit must be one of"):
        client_lifetimes(tx, observation_end="2024-06-30", time_unit="months")


def test_log_rank_needs_two_groups():
    with pytest.raises(ValidationError, match="at least 2 groups, found 1"):
        compare_survival(SMALL.assign(group="all"))
    with pytest.raises(ValidationError, match="'duration' has 1 missing or negative"):
        survival_curve(SMALL.assign(duration=[1.0, -2.0, 2.0, 3.0, 4.0, 5.0]))
