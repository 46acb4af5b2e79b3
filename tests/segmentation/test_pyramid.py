"""Customer pyramid: hand-computed tiers, ties, loss-making clients, summaries."""

import numpy as np
import pandas as pd
import pytest

from clientalytics import ValidationError
from clientalytics.segmentation import PYRAMID_TIERS, customer_pyramid, pyramid_summary


def test_twenty_distinct_clients_default_shares():
    values = pd.Series(np.arange(20, 0, -1, dtype=float), index=[f"c{i:02d}" for i in range(20)])
    out = customer_pyramid(values)
    # positions 0, .05, ..., .95: platinum < .05, gold < .20, iron < .80, lead rest
    assert out["tier"].value_counts().reindex(list(PYRAMID_TIERS)).tolist() == [1, 3, 12, 4]
    assert out.index[0] == "c00" and out["tier"].iloc[0] == "platinum"
    assert out.loc["c19", "tier"] == "lead"


def test_ties_share_the_higher_tier():
    values = pd.Series([9.0, 9.0, 8.0, 7, 6, 5, 4, 3, 2, 1], index=list("abcdefghij"))
    out = customer_pyramid(values, shares=(0.1, 0.2, 0.5))
    assert out.loc[["a", "b"], "tier"].tolist() == ["platinum", "platinum"]
    assert out.loc["c", "tier"] == "gold"  # 2 of 10 strictly above: position .2 < .3


def test_negative_profit_is_lead():
    values = pd.DataFrame({"total_margin": [10.0, -1.0, -2.0, -3.0]}, index=list("wxyz"))
    out = customer_pyramid(values, shares=(0.25, 0.25, 0.25))
    assert out.loc["x", "tier"] == "lead"
    relaxed = customer_pyramid(values, shares=(0.25, 0.25, 0.25), negative_is_lead=False)
    assert relaxed.loc["x", "tier"] == "gold" and relaxed.loc["y", "tier"] == "iron"
    summary = pyramid_summary(out)
    assert summary.loc["lead", "loss_making"] == 3 and summary.loc["lead", "clients"] == 3
    assert summary.loc["gold", "clients"] == 0 and summary.loc["gold", "mean_value"] == 0.0
    assert summary["clients"].sum() == 4
    assert summary.loc["platinum", "value_share"] == pytest.approx(10.0 / 4.0)


def test_bad_input():
    with pytest.raises(ValidationError, match="three positive numbers"):
        customer_pyramid(pd.Series({"a": 1.0}), shares=(0.5, 0.4, 0.3))
    with pytest.raises(ValidationError, match="'total_margin' has 1 missing"):
        customer_pyramid(pd.DataFrame({"total_margin": [1.0, np.nan]}, index=["a", "b"]))
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['total_margin'\]"):
        customer_pyramid(pd.DataFrame({"x": [1.0]}))
    one = customer_pyramid(pd.Series({"solo": 5.0}))
    assert one["tier"].tolist() == ["platinum"]
