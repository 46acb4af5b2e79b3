"""Model-based activity: a client is active while a model deems it alive."""

import pandas as pd
import polars as pl
import pytest

from clientalytics import ValidationError
from clientalytics.retention import AliveRule, client_activity, retention_coefficients


class RepeatBuyersAlive:
    """Stand-in model: alive exactly when the client has bought again (frequency >= 1)."""

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        return (summary["frequency"] >= 1).astype(float)


def _tx():
    return pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "c", "c"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-02-10", "2024-01-20", "2024-02-01", "2024-03-15"]
            ),
            "revenue": [10.0, 12.0, 5.0, 7.0, 9.0],
        }
    )


def test_active_months_follow_the_model_by_hand():
    activity = client_activity(
        _tx(),
        activity="alive",
        alive=AliveRule(RepeatBuyersAlive(), 0.5, "D"),
        observation_end="2024-03-31",
    )
    active = activity[activity["active"]]
    got = sorted(zip(active["client_id"], active["month"].dt.month, strict=True))
    # a repeats in February; c repeats in March; b never repeats.
    assert got == [("a", 2), ("a", 3), ("c", 3)]


def test_coefficients_with_the_alive_rule_by_hand():
    coefs = retention_coefficients(
        _tx(),
        time_unit="M",
        activity="alive",
        alive=AliveRule(RepeatBuyersAlive(), 0.5, "D"),
        observation_end="2024-03-31",
    )
    march = coefs[coefs["period"] == pd.Timestamp("2024-03-01")].iloc[0]
    # Active at the start of March (end of February): a. At the end of March: a and c.
    assert march["clients_start"] == 1 and march["lost"] == 0
    assert march["clients_end"] == 2 and march["retention_rate"] == 1.0
    assert march["clients_start"] - march["lost"] + march["new"] == march["clients_end"]


def test_same_active_months_on_polars():
    rule = AliveRule(RepeatBuyersAlive(), 0.5, "D")
    expected = client_activity(_tx(), activity="alive", alive=rule, observation_end="2024-03-31")
    got = client_activity(
        pl.from_pandas(_tx()), activity="alive", alive=rule, observation_end="2024-03-31"
    )
    pd.testing.assert_frame_equal(got, expected)


def test_alive_rule_needs_a_model_and_a_sane_threshold():
    with pytest.raises(ValidationError, match="needs a fitted model"):
        retention_coefficients(_tx(), activity="alive")
    with pytest.raises(ValidationError, match=r"threshold must be in \(0, 1\]"):
        retention_coefficients(_tx(), activity="alive", alive=AliveRule(RepeatBuyersAlive(), 0))


def test_bg_nbd_rule_on_the_sample_keeps_the_identities():
    from clientalytics import summarize
    from clientalytics.clv import BetaGeoModel
    from clientalytics.datasets import load_sample

    base = load_sample()
    summary = summarize(base.transactions, observation_end=base.observation_end, time_unit="W")
    rule = AliveRule(BetaGeoModel().fit(summary), 0.5, "W")
    coefs = retention_coefficients(
        base.transactions,
        time_unit="Q",
        activity="alive",
        alive=rule,
        observation_end=base.observation_end,
    )
    assert len(coefs) >= 8
    assert ((coefs["retention_rate"] >= 0) & (coefs["retention_rate"] <= 1)).all()
    identity = coefs["clients_start"] - coefs["lost"] + coefs["new"] == coefs["clients_end"]
    assert identity.all()
