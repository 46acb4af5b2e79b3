"""Our likelihoods, predictions and fits against the ``lifetimes`` implementations.

Nothing here relies on ``lifetimes``' own fitting routine reaching a tolerance (that
depends on the scipy and numpy releases installed). Instead:

- likelihoods agree to 1e-8 at arbitrary parameters;
- predictions agree to 1e-8 when both sides are given the same parameters (the
  ``lifetimes`` fitter's ``params_`` is set by hand);
- fitted parameters agree to 1e-6 (relative) with the minimum of ``lifetimes``' own
  negative log-likelihood, found here by scipy from a fixed start with tolerances we
  choose, and accepted only when the optimiser reports success and the gradient at the
  minimum vanishes.

The published values of the original papers are checked in the file of each model
(``test_beta_geo.py``, ``test_pareto_nbd.py``, ``test_gamma_gamma.py``, ...).
"""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from autograd import grad, hessian
from lifetimes import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from scipy.optimize import minimize

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

#: the largest gradient component accepted at a reference minimum (objective: mean
#: negative log-likelihood per client, over log-parameters)
GRADIENT_TOL = 1e-8


def _arrays(frame):
    return (
        frame["frequency"].to_numpy(float),
        frame["recency"].to_numpy(float),
        frame["T"].to_numpy(float),
    )


def _with_params(model, params):
    """Set ``params`` on one of our models, as a fit would."""
    model.params_ = pd.Series(params, index=list(model.param_names), name="value")
    return model


def _central_gradient(fun: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    step = 1e-5
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        e = np.zeros_like(x)
        e[i] = step
        out[i] = (fun(x + e) - fun(x - e)) / (2 * step)
    return out


def _reference_minimum(
    fun: Callable[[np.ndarray], float], n_params: int, *, exact_derivatives: bool = True
) -> np.ndarray:
    """Minimise a ``lifetimes`` objective over log-parameters from ``log(params) = 0``.

    With exact derivatives (``lifetimes`` writes its likelihoods for autograd) a
    trust-region Newton method is used; otherwise BFGS with central differences. The
    minimum is returned only if the optimiser reports success and the gradient there is
    below ``GRADIENT_TOL``.
    """
    start = np.zeros(n_params)
    if exact_derivatives:
        gradient = grad(fun)
        result = minimize(
            fun,
            start,
            jac=gradient,
            hess=hessian(fun),
            method="trust-exact",
            options={"gtol": 1e-9},
        )
        at_minimum = gradient(result.x)
    else:
        result = minimize(
            fun,
            start,
            jac=lambda z: _central_gradient(fun, z),
            method="BFGS",
            options={"gtol": 1e-9},
        )
        at_minimum = _central_gradient(fun, result.x)
    assert result.success, result.message
    assert np.max(np.abs(at_minimum)) < GRADIENT_TOL, at_minimum
    return np.exp(result.x)


# ---------------------------------------------------------------------------- likelihoods
@pytest.mark.parametrize("params", PARAMS)
def test_bgnbd_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = -BetaGeoFitter._negative_log_likelihood(np.log(params), x, tx, T, np.ones_like(T), 0.0)
    ours = BetaGeoModel()._log_likelihood(params, x, tx, T).mean()
    assert ours == pytest.approx(theirs, rel=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_modified_bgnbd_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = -ModifiedBetaGeoFitter._negative_log_likelihood(
        np.log(params), x, tx, T, np.ones_like(T), 0.0
    )
    ours = ModifiedBetaGeoModel()._log_likelihood(params, x, tx, T).mean()
    assert ours == pytest.approx(theirs, rel=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_pareto_likelihood_matches_lifetimes(cdnow, params):
    x, tx, T = _arrays(cdnow)
    theirs = ParetoNBDFitter._conditional_log_likelihood(params, x, tx, T)
    ours = ParetoNBDModel()._log_likelihood(params, x, tx, T)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_bgbb_likelihood_matches_lifetimes(donations, params):
    x, tx, T = _arrays(donations)
    theirs = BetaGeoBetaBinomFitter._loglikelihood(params, x, tx, T)
    ours = BetaGeoBetaBinomModel()._log_likelihood(params, x, tx, T)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def test_gamma_gamma_likelihood_matches_lifetimes(cdnow_monetary):
    from clientalytics.clv.gamma_gamma import _log_likelihood

    rep = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy()
    params = np.array([3.0, 2.0, 20.0])
    theirs = -GammaGammaFitter._negative_log_likelihood(np.log(params), x, m, np.ones_like(m), 0)
    assert _log_likelihood(params, x, m).mean() == pytest.approx(theirs, rel=1e-8)


# ------------------------------------------------------------ predictions at given parameters
CONTINUOUS = [
    (BetaGeoModel, BetaGeoFitter, ["r", "alpha", "a", "b"]),
    (ModifiedBetaGeoModel, ModifiedBetaGeoFitter, ["r", "alpha", "a", "b"]),
    (ParetoNBDModel, ParetoNBDFitter, ["r", "alpha", "s", "beta"]),
]
CONTINUOUS_IDS = ["bgnbd", "mbgnbd", "pareto"]


@pytest.mark.parametrize("params", PARAMS, ids=["p0", "p1", "p2"])
@pytest.mark.parametrize(("ours", "theirs", "names"), CONTINUOUS, ids=CONTINUOUS_IDS)
def test_predictions_match_lifetimes_at_given_parameters(cdnow, ours, theirs, names, params):
    model = _with_params(ours(), params)
    reference = theirs()
    reference.params_ = pd.Series(params, index=names)
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    for t in (1.0, 39.0):
        np.testing.assert_allclose(
            model.expected_purchases(cdnow, t=t).to_numpy(),
            reference.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T),
            rtol=1e-8,
        )
    np.testing.assert_allclose(
        model.probability_alive(cdnow).to_numpy(),
        np.ravel(reference.conditional_probability_alive(x, tx, T)),
        rtol=1e-8,
        atol=1e-12,
    )
    horizons = np.array([1.0, 10.0, 78.0])
    np.testing.assert_allclose(
        model.expected_purchases_new_client(horizons),
        reference.expected_number_of_purchases_up_to_time(horizons),
        rtol=1e-8,
    )


@pytest.mark.parametrize("params", PARAMS, ids=["p0", "p1", "p2"])
def test_bgbb_predictions_match_lifetimes_at_given_parameters(donations, params):
    model = _with_params(BetaGeoBetaBinomModel(), params)
    reference = BetaGeoBetaBinomFitter()
    reference.params_ = pd.Series(params, index=["alpha", "beta", "gamma", "delta"])
    x, tx, n = donations["frequency"], donations["recency"], donations["T"]
    # lifetimes adds 1e-15 to every history's likelihood (a floor against log(0)) and its
    # conditional predictions divide by that likelihood: put ours in its place, or the
    # least likely histories (x = tx = n = 6 at p2: likelihood about 5e-8) differ by 2e-8.
    floor = np.exp(
        BetaGeoBetaBinomFitter._loglikelihood(params, x, tx, n)
        - model.client_log_likelihood(donations).to_numpy()
    )
    for m in (1, 5):
        np.testing.assert_allclose(
            model.expected_purchases(donations, t=m).to_numpy(),
            reference.conditional_expected_number_of_purchases_up_to_time(m, x, tx, n) * floor,
            rtol=1e-8,
        )
    np.testing.assert_allclose(
        model.probability_alive(donations).to_numpy(),
        reference.conditional_probability_alive(0, x, tx, n) * floor,
        rtol=1e-8,
    )
    # lifetimes gives the distribution of purchases in the first n opportunities (counts
    # of clients per x, over the x seen in the data: 0..6 here); its mean is E[X(n)].
    reference.data = donations[["frequency", "weights"]]
    counts = reference.expected_number_of_transactions_in_first_n_periods(6)["model"]
    assert counts.index.tolist() == list(range(7))
    mean_purchases = float((counts.index * counts).sum() / counts.sum())
    assert model.expected_purchases_new_client([6.0])[0] == pytest.approx(mean_purchases, rel=1e-8)


def test_bgbb_expected_purchases_match_high_precision_value():
    """x = tx = n = 6 at (0.05, 40, 0.2, 7), one period ahead: 0.129388346000724 from the
    definition (the likelihood, P(alive) and the purchase probability as sums of beta
    functions) evaluated with 40 significant digits."""
    model = _with_params(BetaGeoBetaBinomModel(), np.array([0.05, 40.0, 0.2, 7.0]))
    history = pd.DataFrame({"frequency": [6], "recency": [6], "T": [6]})
    value = model.expected_purchases(history, t=1).iloc[0]
    assert value == pytest.approx(0.129388346000724, rel=1e-12)


@pytest.mark.parametrize("params", [np.array([3.0, 2.0, 20.0]), np.array([6.25, 3.74, 15.44])])
def test_gamma_gamma_predictions_match_lifetimes_at_given_parameters(cdnow_monetary, params):
    model = GammaGammaModel()
    model.params_ = pd.Series(params, index=["p", "q", "gamma"], name="value")
    reference = GammaGammaFitter()
    reference.params_ = pd.Series(params, index=["p", "q", "v"])
    np.testing.assert_allclose(
        model.expected_value(cdnow_monetary).to_numpy(),
        reference.conditional_expected_average_profit(
            cdnow_monetary["frequency"], cdnow_monetary["monetary_value"]
        ).to_numpy(),
        rtol=1e-10,
    )


# ------------------------------------------------------- fits against a controlled reference
@pytest.mark.parametrize(
    ("ours", "theirs", "time_params"),
    [(BetaGeoModel, BetaGeoFitter, [1]), (ModifiedBetaGeoModel, ModifiedBetaGeoFitter, [1])],
    ids=["bgnbd", "mbgnbd"],
)
def test_fit_matches_minimum_of_lifetimes_likelihood(cdnow, ours, theirs, time_params):
    x, tx, T = _arrays(cdnow)
    # on the time scale lifetimes fits on (oldest client T = 1); alpha is a time parameter
    scale = 1.0 / T.max()
    ones = np.ones_like(T)

    def objective(log_params):
        return theirs._negative_log_likelihood(log_params, x, tx * scale, T * scale, ones, 0.0)

    reference = _reference_minimum(objective, 4)
    reference[time_params] /= scale
    model = ours().fit(cdnow)
    np.testing.assert_allclose(model.params_.to_numpy(), reference, rtol=1e-6)


def test_pareto_fit_matches_minimum_of_lifetimes_likelihood(cdnow):
    x, tx, T = _arrays(cdnow)
    scale = 1.0 / T.max()
    ones = np.ones_like(T)

    def objective(log_params):
        # lifetimes' Pareto/NBD objective is a sum over clients: make it a mean
        nll = ParetoNBDFitter._negative_log_likelihood(
            np.exp(log_params), x, tx * scale, T * scale, ones, 0.0
        )
        return nll / T.shape[0]

    reference = _reference_minimum(objective, 4, exact_derivatives=False)
    reference[[1, 3]] /= scale  # alpha and beta are time parameters
    model = ParetoNBDModel().fit(cdnow)
    np.testing.assert_allclose(model.params_.to_numpy(), reference, rtol=1e-6)


def test_bgbb_fit_matches_minimum_of_lifetimes_likelihood(donations):
    x, tx, n = _arrays(donations)
    w = donations["weights"].to_numpy(float)

    def objective(log_params):
        return BetaGeoBetaBinomFitter._negative_log_likelihood(log_params, x, tx, n, w, 0.0)

    reference = _reference_minimum(objective, 4)
    model = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    np.testing.assert_allclose(model.params_.to_numpy(), reference, rtol=1e-6)


def test_gamma_gamma_fit_matches_minimum_of_lifetimes_likelihood(cdnow_monetary):
    rep = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float)
    ones = np.ones_like(m)

    def objective(log_params):
        return GammaGammaFitter._negative_log_likelihood(log_params, x, m, ones, 0.0)

    reference = _reference_minimum(objective, 3)
    model = GammaGammaModel().fit(cdnow_monetary)
    np.testing.assert_allclose(model.params_.to_numpy(), reference, rtol=1e-6)
