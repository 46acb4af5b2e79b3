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
    assert list(track.columns) == ["period_start", "actual", "model"]
    assert track["actual"].is_monotonic_increasing
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
