"""NBD model (no dropout benchmark)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import nbinom

from clientalytics.clv import NBDModel
from clientalytics.clv._data import FitData
from clientalytics.clv._optimize import numerical_gradient
from clientalytics.datasets import load_grocery
from clientalytics.summary import summarize


def _weekly_summary(tx: pd.DataFrame, end: str) -> pd.DataFrame:
    """BTYDplus ``elog2cbs`` layout: purchase days, times in (fractional) weeks."""
    daily = summarize(
        tx[tx["date"] <= pd.Timestamp(end)].assign(revenue=1.0),
        cost_col=None,
        time_unit="D",
        observation_end=end,
    )
    return pd.DataFrame(
        {
            "frequency": daily["frequency"],
            "recency": daily["recency"] / 7,
            "T": daily["T"] / 7,
        }
    )


def test_nbd_grocery_published():
    """BTYDplus 1.2.0, ``nbd.EstimateParameters(elog2cbs(groceryElog))`` example output
    (rdrr.io, documentation built 2021-01-21): r = 0.350372, alpha = 5.821382 (weeks)."""
    summary = _weekly_summary(load_grocery(), "2007-12-30")
    assert len(summary) == 1525
    model = NBDModel().fit(summary, time_unit="W")
    assert model.params_["r"] == pytest.approx(0.350372, rel=2e-5)
    assert model.params_["alpha"] == pytest.approx(5.821382, rel=2e-5)


def test_nbd_likelihood_and_predictions_by_hand():
    """LL = log G(r+x) - log G(r) + r log(alpha) - (r+x) log(alpha+T); E = t (r+x)/(alpha+T)."""
    model = NBDModel()
    model.params_ = pd.Series({"r": 0.5, "alpha": 4.0})
    summary = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 20.0], "T": [30.0, 30.0]})
    ll = model.client_log_likelihood(summary).to_numpy()
    by_hand = [0.5 * np.log(4.0) - 0.5 * np.log(34.0)]
    by_hand.append(np.log(0.5 * 1.5 * 2.5) + 0.5 * np.log(4.0) - 3.5 * np.log(34.0))
    np.testing.assert_allclose(ll, by_hand, rtol=1e-12)
    np.testing.assert_allclose(
        model.expected_purchases(summary, t=10).to_numpy(), [10 * 0.5 / 34, 10 * 3.5 / 34]
    )
    np.testing.assert_array_equal(model.probability_alive(summary).to_numpy(), [1.0, 1.0])
    np.testing.assert_allclose(model.expected_purchases_new_client([0, 8]), [0.0, 1.0])
    pmf = model.probability_of_purchases(summary, t=10, k=np.arange(4)).to_numpy()
    np.testing.assert_allclose(pmf[1], nbinom.pmf(np.arange(4), 3.5, 34 / 44), rtol=1e-12)


def test_nbd_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.poisson(2.0, 200).astype(float)
    T = rng.uniform(0.2, 1.0, 200)
    data = FitData(x, np.minimum(T, x * 0.01), T, np.ones(200))
    model = NBDModel()
    params = np.array([0.7, 0.3])
    _, grad = model._mean_log_likelihood(params, data, gradient=True)

    def value(log_params):
        return model._mean_log_likelihood(np.exp(log_params), data, gradient=False)[0]

    np.testing.assert_allclose(grad, numerical_gradient(value, np.log(params)) / params, rtol=1e-6)


def test_nbd_recovers_simulated_parameters():
    truth = NBDModel()
    truth.params_ = pd.Series({"r": 0.85, "alpha": 4.45})
    sample = truth.sample(np.full(4000, 32.0), random_state=1)
    fitted = NBDModel().fit(sample)
    ci = fitted.confidence_intervals(0.99)
    assert (ci["lower"] < truth.params_).all()
    assert (truth.params_ < ci["upper"]).all()
