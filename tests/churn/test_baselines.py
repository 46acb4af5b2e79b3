"""The churn baselines: the BG/NBD P(alive) score and the recency rule."""

import warnings

import numpy as np
import pandas as pd
import pytest

from clientalytics.churn import RecencyBaseline, btyd_churn_probability, churn_features
from clientalytics.clv import BetaGeoModel
from clientalytics.datasets import load_sample
from clientalytics.exceptions import ValidationError

CUTOFF = "2025-04-01"


@pytest.fixture(scope="module")
def features():
    return churn_features(load_sample(), cutoff=CUTOFF)


def _weekly_summary(features):
    return pd.DataFrame(
        {
            "frequency": features["frequency"].to_numpy(dtype=float),
            "recency": features["recency"].to_numpy(dtype=float) / 7.0,
            "T": features["tenure_days"].to_numpy(dtype=float) / 7.0,
        }
    )


def test_btyd_baseline_fits_the_same_bg_nbd_as_lifetimes(features):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifetimes sets a deprecated pandas option
        from lifetimes import BetaGeoFitter

        summary = _weekly_summary(features)
        reference = BetaGeoFitter(penalizer_coef=0.01).fit(
            summary["frequency"], summary["recency"], summary["T"]
        )
    ours = BetaGeoModel(penalizer_coef=0.01).fit(summary)
    for name in ("r", "alpha", "a", "b"):
        np.testing.assert_allclose(ours.params_[name], reference.params_[name], rtol=1e-4)
    alive = reference.conditional_probability_alive(
        summary["frequency"], summary["recency"], summary["T"]
    )
    np.testing.assert_allclose(
        btyd_churn_probability(features).to_numpy(), 1.0 - np.asarray(alive), atol=1e-6
    )


def test_btyd_baseline_scores_are_those_of_the_lifetimes_fit(features):
    """Scores of ``lifetimes.BetaGeoFitter`` on the sample, recorded for runs without lifetimes."""
    score = btyd_churn_probability(features)
    assert len(score) == 557
    assert score.name == "btyd_churn"
    np.testing.assert_allclose(score.sum(), 85.99178871852877, rtol=1e-6)
    np.testing.assert_allclose(
        score.iloc[[0, 1, 2, 100, 300]],
        [
            0.001400226829745277,
            0.06556015310798313,
            0.03162879134888252,
            0.028556868228939325,
            0.9999895334857576,
        ],
        atol=1e-6,
    )


def test_recency_baseline_is_a_monotone_map_of_silence():
    X = pd.DataFrame({"days_since_last_purchase": [10.0, 20.0, 30.0, 40.0], "other": list("abab")})
    y = [0, 1, 0, 1]
    model = RecencyBaseline().fit(X, y)
    # isotonic fit of 0, 1, 0, 1: the middle pair pools to 0.5
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], [0.0, 0.5, 0.5, 1.0])
    np.testing.assert_array_equal(model.predict(X), [0, 1, 1, 1])
    by_position = RecencyBaseline(column=0).fit(X[["days_since_last_purchase"]].to_numpy(), y)
    np.testing.assert_allclose(by_position.predict_proba([[25.0], [99.0]])[:, 1], [0.5, 1.0])
    labelled = RecencyBaseline().fit(X, ["stay", "went", "stay", "went"])
    assert labelled.predict(X).tolist() == ["stay", "went", "went", "went"]


def test_btyd_baseline_is_pluggable(sample):
    _, (_, _, X_te, _) = sample
    X = X_te.droplevel("cutoff")
    fitted = btyd_churn_probability(X)
    assert fitted.between(0, 1).all()
    given = pd.Series(0.25, index=X.index)
    assert btyd_churn_probability(X, p_alive=given).eq(0.75).all()
    assert btyd_churn_probability(X, p_alive=lambda f: np.full(len(f), 0.4)).eq(0.6).all()

    class Model:
        def conditional_probability_alive(self, frequency, recency, T):
            return np.where(frequency > 0, 0.9, 0.5)

    scored = btyd_churn_probability(X, p_alive=Model())
    assert set(np.round(scored.unique(), 6)) <= {0.1, 0.5}
    with pytest.raises(ValidationError, match="missing"):
        btyd_churn_probability(X, p_alive=given.iloc[:5])


def test_btyd_baseline_names_the_feature_columns_it_lacks():
    lacking = pd.DataFrame({"frequency": [1.0, 2.0]}, index=["a", "b"])
    with pytest.raises(
        ValidationError,
        match=r"churn_features: missing required column\(s\) \['recency', 'tenure_days'\]",
    ):
        btyd_churn_probability(lacking)
