"""Extreme histories give finite predictions; failed fits raise ConvergenceError."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
)
from clientalytics.exceptions import ConvergenceError

CONTINUOUS = [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel]


@pytest.fixture(scope="module")
def fitted(cdnow):
    return {cls: cls().fit(cdnow) for cls in CONTINUOUS}


EXTREMES = pd.DataFrame(
    {
        "frequency": [0, 500, 300, 1, 1, 200, 0, 50, 1000],
        "recency": [0.0, 38.85, 1e4, 1e-3, 38.86, 0.5, 0.0, 1e4, 1e5],
        "T": [1e-4, 38.86, 1e4, 1e-3, 38.86, 1e5, 1e6, 1e4, 1e5],
    }
)


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_extreme_histories_are_finite(fitted, cls):
    model = fitted[cls]
    alive = model.probability_alive(EXTREMES).to_numpy()
    assert np.all(np.isfinite(alive))
    assert np.all((alive >= 0) & (alive <= 1))
    for t in (1e-3, 1.0, 52.0, 1e4):
        purchases = model.expected_purchases(EXTREMES, t=t).to_numpy()
        assert np.all(np.isfinite(purchases)), (t, purchases)
        assert np.all(purchases >= 0)
    ll = model.client_log_likelihood(EXTREMES).to_numpy()
    assert np.all(np.isfinite(ll))
    # 500 purchases in 38.86 weeks, the last one an hour ago: a very active client
    assert alive[1] > 0.99
    assert model.expected_purchases(EXTREMES, t=1.0).iloc[1] > 5


def test_recency_equal_to_T(fitted):
    """A purchase at the very end: Pareto/NBD clients are surely alive; BG/NBD clients may have
    dropped out at that purchase with probability E[p | x], so P(alive) = 1/(1 + a/(b+x-1))."""
    frame = pd.DataFrame({"frequency": [3, 30], "recency": [20.0, 20.0], "T": [20.0, 20.0]})
    np.testing.assert_allclose(fitted[ParetoNBDModel].probability_alive(frame), 1.0)
    a, b = fitted[BetaGeoModel].params_[["a", "b"]]
    x = frame["frequency"].to_numpy()
    np.testing.assert_allclose(
        fitted[BetaGeoModel].probability_alive(frame), 1 / (1 + a / (b + x - 1)), rtol=1e-12
    )
    a, b = fitted[ModifiedBetaGeoModel].params_[["a", "b"]]
    np.testing.assert_allclose(
        fitted[ModifiedBetaGeoModel].probability_alive(frame), 1 / (1 + a / (b + x)), rtol=1e-12
    )


histories = st.tuples(
    st.integers(min_value=0, max_value=400),
    st.floats(min_value=1e-3, max_value=1e4),
    st.floats(min_value=0.0, max_value=1.0),
)


@settings(max_examples=60, deadline=None)
@given(history=histories, t=st.floats(min_value=1e-3, max_value=1e3))
def test_predictions_finite_and_monotone(cdnow, history, t):
    x, T, share = history
    rec = 0.0 if x == 0 else max(share * T, 1e-6)
    frame = pd.DataFrame({"frequency": [x], "recency": [rec], "T": [T]})
    for cls in CONTINUOUS:
        if cls not in _FITTED:
            _FITTED[cls] = cls().fit(cdnow)
        model = _FITTED[cls]
        alive = float(model.probability_alive(frame).iloc[0])
        near = float(model.expected_purchases(frame, t=t).iloc[0])
        far = float(model.expected_purchases(frame, t=2 * t).iloc[0])
        assert 0.0 <= alive <= 1.0
        assert np.isfinite(near) and np.isfinite(far)
        assert 0.0 <= near <= far * (1 + 1e-9) + 1e-12


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


@pytest.mark.parametrize("cls", [*CONTINUOUS])
@pytest.mark.parametrize("penalizer", [0.0, 0.01])
def test_no_repeat_purchase_raises_convergence_error_with_hint(cls, penalizer):
    """Nobody ever came back: the dropout process is not identified."""
    frame = pd.DataFrame(
        {"frequency": [0] * 50, "recency": [0.0] * 50, "T": np.linspace(5, 40, 50)}
    )
    with pytest.raises(ConvergenceError, match=r"penalizer_coef.*time unit"):
        cls(penalizer_coef=penalizer).fit(frame)


def test_small_sample_still_fits(cdnow):
    model = ParetoNBDModel().fit(cdnow.sample(30, random_state=1))
    assert np.all(np.isfinite(model.params_.to_numpy()))
