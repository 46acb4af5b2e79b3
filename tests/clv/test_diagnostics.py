"""Diagnostics of fitted CLV models: cumulative tracking against the data."""

import pandas as pd
import pytest

from clientalytics.clv import BetaGeoModel, cumulative_transactions
from clientalytics.exceptions import ValidationError


def test_cumulative_tracking_follows_the_data(cdnow, cdnow_transactions):
    """On CDNOW the BG/NBD tracks cumulative repeat purchases within 5 % at the end of the
    39-week calibration period (Fader, Hardie & Lee 2005, figure 3)."""
    model = BetaGeoModel().fit(cdnow)
    track = cumulative_transactions(
        model,
        cdnow_transactions,
        time_unit="W",
        observation_end=pd.Timestamp("1998-06-30"),
        count_unit="D",
    )
    assert list(track.columns) == [
        "period_start",
        "actual",
        "model",
        "actual_incremental",
        "model_incremental",
    ]
    assert track["actual"].is_monotonic_increasing
    assert track["actual_incremental"].cumsum().equals(track["actual"])
    assert track["model_incremental"].cumsum().to_numpy() == pytest.approx(track["model"])
    assert track["model"].is_monotonic_increasing
    week_38 = track.loc[38]
    assert week_38["model"] == pytest.approx(week_38["actual"], rel=0.05)


def test_tracking_takes_the_unit_the_model_was_fitted_in(cdnow, cdnow_transactions):
    """Without ``time_unit`` the model's ``time_unit_`` is used; a conflicting or no unit raises."""
    end = pd.Timestamp("1998-06-30")
    weekly = BetaGeoModel().fit(cdnow, time_unit="W")
    implicit = cumulative_transactions(
        weekly, cdnow_transactions, observation_end=end, count_unit="D"
    )
    explicit = cumulative_transactions(
        BetaGeoModel().fit(cdnow),
        cdnow_transactions,
        time_unit="W",
        observation_end=end,
        count_unit="D",
    )
    pd.testing.assert_frame_equal(implicit, explicit)
    with pytest.raises(ValidationError, match="differs from the unit the transaction model"):
        cumulative_transactions(weekly, cdnow_transactions, time_unit="D", observation_end=end)
    with pytest.raises(ValidationError, match="time_unit is required"):
        cumulative_transactions(BetaGeoModel().fit(cdnow), cdnow_transactions)
    with pytest.raises(ValidationError, match="time_unit must be one of"):
        cumulative_transactions(weekly, cdnow_transactions, count_unit="w")


def test_tracking_uses_exact_ages(cdnow):
    """Two clients acquired on a Wednesday and a Sunday of week 0: at the end of week 1
    (Monday 2024-01-15) their ages are 12 and 8 days, i.e. 12/7 and 8/7 weeks, not 2 and
    1 whole weeks; the last, partial week ends the day after ``observation_end``."""
    model = BetaGeoModel().fit(cdnow, time_unit="W")
    tx = pd.DataFrame(
        {
            "client_id": ["a", "b", "a"],
            "date": pd.to_datetime(["2024-01-03", "2024-01-07", "2024-01-10"]),
        }
    )
    track = cumulative_transactions(model, tx, observation_end=pd.Timestamp("2024-01-17"))
    new = model.expected_purchases_new_client
    assert track.loc[0, "model"] == pytest.approx(float(new(5 / 7) + new(1 / 7)), rel=1e-12)
    assert track.loc[1, "model"] == pytest.approx(float(new(12 / 7) + new(8 / 7)), rel=1e-12)
    # week 2 is cut at the end of 2024-01-17: ages 15 and 11 days
    assert track.loc[2, "model"] == pytest.approx(float(new(15 / 7) + new(11 / 7)), rel=1e-12)
    assert track["actual_incremental"].tolist() == [0.0, 1.0, 0.0]
