"""Beta-geometric/beta-Bernoulli (BG/BB) model for whole-period transactions."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics.clv import BetaGeoBetaBinomModel
from clientalytics.exceptions import ValidationError


def test_bgbb_needs_whole_periods(cdnow):
    with pytest.raises(ValidationError, match="'recency' must hold whole periods"):
        BetaGeoBetaBinomModel().fit(cdnow)


_FITTED: dict = {}


@settings(max_examples=40, deadline=None)
@given(
    x=st.integers(min_value=0, max_value=6),
    gap=st.integers(min_value=0, max_value=6),
    extra=st.integers(min_value=0, max_value=6),
    m=st.integers(min_value=0, max_value=30),
)
def test_bgbb_predictions_finite(donations, x, gap, extra, m):
    if "bgbb" not in _FITTED:
        _FITTED["bgbb"] = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    model = _FITTED["bgbb"]
    rec = x + gap if x > 0 else 0
    frame = pd.DataFrame({"frequency": [x], "recency": [rec], "T": [rec + extra + 1]})
    alive = float(model.probability_alive(frame).iloc[0])
    purchases = float(model.expected_purchases(frame, t=m).iloc[0])
    assert 0.0 <= alive <= 1.0
    assert np.isfinite(purchases) and purchases >= 0


def test_bgbb_donations(donations):
    """Fader, Hardie & Shang (2010), Marketing Science 29(6), table 2: alpha=1.204,
    beta=0.750, gamma=0.657, delta=2.783, LL=-33,225.6 on 11,104 donors over 6 years."""
    model = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    p = model.params_
    assert p.round(3).tolist() == [1.204, 0.750, 0.657, 2.783]
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    assert model.n_clients_ == 11104
