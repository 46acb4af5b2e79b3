"""Our likelihoods and predictions against the ``lifetimes`` implementations.

Likelihoods agree to 1e-8 at arbitrary parameters; fitted parameters agree to 1e-6
(relative) with a ``lifetimes`` fit run with tight tolerances.
"""

import numpy as np
import pandas as pd
import pytest
from lifetimes import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
)

PARAMS = [
    np.array([0.3, 5.0, 0.7, 2.0]),
    np.array([1.7, 0.8, 2.5, 0.9]),
    np.array([0.05, 40.0, 0.2, 7.0]),
]


def _arrays(frame):
    return frame["frequency"].to_numpy(), frame["recency"].to_numpy(), frame["T"].to_numpy()


@pytest.mark.parametrize("params", PARAMS)
def test_bgnbd_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = -BetaGeoFitter._negative_log_likelihood(np.log(params), x, tx, T, np.ones_like(T), 0.0)
    ours = BetaGeoModel()._log_likelihood(params, x.astype(float), tx, T).mean()
    assert ours == pytest.approx(theirs, rel=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_modified_bgnbd_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = -ModifiedBetaGeoFitter._negative_log_likelihood(
        np.log(params), x, tx, T, np.ones_like(T), 0.0
    )
    ours = ModifiedBetaGeoModel()._log_likelihood(params, x.astype(float), tx, T).mean()
    assert ours == pytest.approx(theirs, rel=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_pareto_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = ParetoNBDFitter._conditional_log_likelihood(params, x, tx, T)
    ours = ParetoNBDModel()._log_likelihood(params, x.astype(float), tx, T)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_bgbb_likelihood_matches_lifetimes(donations, params):
    x, tx, T = _arrays(donations)
    theirs = BetaGeoBetaBinomFitter._loglikelihood(params, x, tx, T)
    ours = BetaGeoBetaBinomModel()._log_likelihood(
        params, x.astype(float), tx.astype(float), T.astype(float)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def test_gamma_gamma_likelihood_matches_lifetimes(cdnow_monetary):
    from clientalytics.clv.gamma_gamma import _log_likelihood

    rep = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy()
    params = np.array([3.0, 2.0, 20.0])
    theirs = -GammaGammaFitter._negative_log_likelihood(np.log(params), x, m, np.ones_like(m), 0)
    assert _log_likelihood(params, x, m).mean() == pytest.approx(theirs, rel=1e-8)


@pytest.mark.parametrize(
    ("ours", "theirs", "tol"),
    [
        (BetaGeoModel, BetaGeoFitter, {"tol": 1e-10}),
        (ModifiedBetaGeoModel, ModifiedBetaGeoFitter, {"tol": 1e-9}),
        (ParetoNBDModel, ParetoNBDFitter, {"tol": 1e-12, "maxiter": 20000}),
    ],
    ids=["bgnbd", "mbgnbd", "pareto"],
)
def test_fit_and_predictions_match_lifetimes(cdnow, ours, theirs, tol):
    model = ours().fit(cdnow)
    reference = theirs().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], **tol)
    np.testing.assert_allclose(model.params_.to_numpy(), reference.params_.to_numpy(), rtol=1e-6)
    # with identical parameters, the per-client predictions agree to rounding
    reference.params_ = pd.Series(model.params_.to_numpy(), index=reference.params_.index)
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    np.testing.assert_allclose(
        model.expected_purchases(cdnow, t=39).to_numpy(),
        reference.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        model.probability_alive(cdnow).to_numpy(),
        np.ravel(reference.conditional_probability_alive(x, tx, T)),
        rtol=1e-8,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        model.expected_purchases_new_client([1.0, 10.0, 78.0]),
        reference.expected_number_of_purchases_up_to_time(np.array([1.0, 10.0, 78.0])),
        rtol=1e-8,
    )


def test_bgbb_fit_and_predictions_match_lifetimes(donations):
    model = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    x, tx, n, w = (donations[c] for c in ("frequency", "recency", "T", "weights"))
    reference = BetaGeoBetaBinomFitter().fit(x, tx, n, weights=w, tol=1e-9)
    np.testing.assert_allclose(model.params_.to_numpy(), reference.params_.to_numpy(), rtol=1e-6)
    reference.params_ = pd.Series(model.params_.to_numpy(), index=reference.params_.index)
    np.testing.assert_allclose(
        model.expected_purchases(donations, t=5).to_numpy(),
        reference.conditional_expected_number_of_purchases_up_to_time(5, x, tx, n),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        model.probability_alive(donations).to_numpy(),
        reference.conditional_probability_alive(0, x, tx, n),
        rtol=1e-8,
    )


def test_gamma_gamma_fit_matches_lifetimes(cdnow_monetary):
    model = GammaGammaModel().fit(cdnow_monetary)
    rep = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    reference = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"], tol=1e-10)
    np.testing.assert_allclose(model.params_.to_numpy(), reference.params_.to_numpy(), rtol=1e-6)
    reference.params_ = pd.Series(model.params_.to_numpy(), index=reference.params_.index)
    np.testing.assert_allclose(
        model.expected_value(cdnow_monetary).to_numpy(),
        reference.conditional_expected_average_profit(
            cdnow_monetary["frequency"], cdnow_monetary["monetary_value"]
        ).to_numpy(),
        rtol=1e-10,
    )
