"""Standard errors, confidence intervals and summaries of every fitted CLV model.

References:

- ``lifetimes`` 0.11 (``BetaGeoFitter``, ``ModifiedBetaGeoFitter``,
  ``BetaGeoBetaBinomFitter``, ``GammaGammaFitter``): ``summary['se(coef)']``,
  computed from the autograd Hessian of the same likelihoods; run here.
- CLVTools, ``tests/testthat/test_correctness_pnbd_nocovstaticcov.R``
  (``fct.testthat.correctness.clvfitted.nocov.correct.se``): Pareto/NBD on CDNOW,
  weeks, estimation split 39: se r = 0.0476264, alpha = 0.8427222, s = 0.1872594,
  beta = 6.2105448 (``lifetimes`` has no Pareto/NBD standard errors).
"""

import numpy as np
import pandas as pd
import pytest
from lifetimes import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
)
from scipy.stats import norm

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    ShiftedBetaGeometricModel,
)
from clientalytics.clv.base import SUMMARY_COLUMNS
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError

#: relative tolerance against lifetimes' standard errors: both sides differentiate the
#: same likelihood at the same optimum (ours by central differences of the exact
#: gradient or of the objective, lifetimes by autograd)
SE_RTOL = 1e-4


@pytest.fixture(scope="module")
def fitted(cdnow, cdnow_monetary, donations):
    return {
        "bgnbd": BetaGeoModel().fit(cdnow),
        "mbgnbd": ModifiedBetaGeoModel().fit(cdnow),
        "pareto": ParetoNBDModel().fit(cdnow),
        "bgbb": BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"]),
        "gg": GammaGammaModel().fit(cdnow_monetary),
        "sbg": ShiftedBetaGeometricModel().fit([1000, 631, 468, 382, 326, 289, 262, 241]),
    }


@pytest.mark.parametrize(
    ("key", "fitter"),
    [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)],
    ids=["bgnbd", "mbgnbd"],
)
def test_standard_errors_match_lifetimes_on_cdnow(fitted, cdnow, key, fitter):
    theirs = fitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]).summary
    ours = fitted[key].standard_errors_
    np.testing.assert_allclose(ours.to_numpy(), theirs["se(coef)"].to_numpy(), rtol=SE_RTOL)


def test_bgbb_standard_errors_match_lifetimes_on_donations(fitted, donations):
    theirs = BetaGeoBetaBinomFitter().fit(
        donations["frequency"], donations["recency"], donations["T"], donations["weights"]
    )
    np.testing.assert_allclose(
        fitted["bgbb"].standard_errors_.to_numpy(),
        theirs.summary["se(coef)"].to_numpy(),
        rtol=SE_RTOL,
    )


def test_gamma_gamma_standard_errors_match_lifetimes(fitted, cdnow_monetary):
    rep = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    theirs = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"]).summary
    np.testing.assert_allclose(
        fitted["gg"].standard_errors_.to_numpy(), theirs["se(coef)"].to_numpy(), rtol=SE_RTOL
    )


def test_pareto_standard_errors_match_clvtools_on_cdnow(fitted):
    """CLVTools' published values (module docstring), printed to 7 significant digits;
    its optimiser stops at a slightly different point, hence 3e-4."""
    published = {"r": 0.0476264, "alpha": 0.8427222, "s": 0.1872594, "beta": 6.2105448}
    ours = fitted["pareto"].standard_errors_
    for name, value in published.items():
        assert ours[name] == pytest.approx(value, rel=3e-4), name


def test_sbg_standard_errors_from_the_binomial_information(fitted):
    """sBG on the 'regular' cohort of Fader & Hardie (2007): the information is the
    Hessian of the likelihood, recomputed here by central differences on the natural
    scale, independent of the log-scale machinery."""
    model = fitted["sbg"]
    counts = np.array([1000, 631, 468, 382, 326, 289, 262, 241], dtype=float)
    theta = model.params_.to_numpy()
    h = 1e-4 * theta

    def ll(p):
        return ShiftedBetaGeometricModel._log_likelihood(p, counts)

    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            corners = ll(theta + ei + ej) - ll(theta + ei - ej)
            corners += ll(theta - ei - ej) - ll(theta - ei + ej)
            hess[i, j] = corners / (4 * h[i] * h[j])
    expected = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(model.standard_errors_.to_numpy(), expected, rtol=1e-4)


@pytest.mark.parametrize("key", ["bgnbd", "mbgnbd", "pareto", "bgbb", "gg", "sbg"])
def test_summary_and_intervals_contract(fitted, key):
    model = fitted[key]
    summary = model.summary
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert list(summary.index) == list(model.params_.index)
    np.testing.assert_allclose(summary["estimate"], model.params_)
    np.testing.assert_allclose(summary["standard_error"], model.standard_errors_)
    # log-scale interval: symmetric around log(theta) with half-width z * se / theta
    se_log = model.standard_errors_ / model.params_
    log_mid = (np.log(summary["lower"]) + np.log(summary["upper"])) / 2
    np.testing.assert_allclose(log_mid, np.log(model.params_), rtol=1e-10)
    half = (np.log(summary["upper"]) - np.log(summary["lower"])) / 2
    np.testing.assert_allclose(half, norm.ppf(0.975) * se_log, rtol=1e-10)
    assert (summary["lower"] > 0).all()
    narrow = model.confidence_intervals(level=0.5)
    assert (narrow["lower"] > summary["lower"]).all()
    assert (narrow["upper"] < summary["upper"]).all()
    cov = model.covariance_
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), model.standard_errors_, rtol=1e-12)
    assert np.all(np.linalg.eigvalsh(cov.to_numpy()) > 0)


def test_standard_errors_do_not_depend_on_the_time_unit(cdnow):
    weeks = BetaGeoModel().fit(cdnow)
    days = BetaGeoModel().fit(cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7))
    rel_weeks = weeks.standard_errors_ / weeks.params_
    rel_days = days.standard_errors_ / days.params_
    np.testing.assert_allclose(rel_days, rel_weeks, rtol=1e-4)
    alpha_se = weeks.standard_errors_["alpha"]
    assert days.standard_errors_["alpha"] == pytest.approx(7 * alpha_se, rel=1e-4)


def test_weights_scale_the_information(cdnow):
    """Doubling every client halves the variance: standard errors shrink by sqrt(2)."""
    once = BetaGeoModel().fit(cdnow)
    twice = BetaGeoModel().fit(cdnow, sample_weight=np.full(len(cdnow), 2.0))
    np.testing.assert_allclose(
        twice.standard_errors_, once.standard_errors_ / np.sqrt(2), rtol=1e-4
    )


def test_fitted_repr_shows_parameters(fitted):
    text = repr(fitted["bgnbd"])
    assert text.startswith("BetaGeoModel() fitted: r=0.2426, alpha=4.414, a=0.7929, b=2.426")
    assert repr(BetaGeoModel(penalizer_coef=0.1)) == "BetaGeoModel(penalizer_coef=0.1)"


def test_uncertainty_needs_a_fit():
    model = BetaGeoModel()
    with pytest.raises(NotFittedError, match="not fitted"):
        model.summary  # noqa: B018
    with pytest.raises(NotFittedError, match="not fitted"):
        model.confidence_intervals()


def test_level_is_checked(fitted):
    with pytest.raises(ValidationError, match="level"):
        fitted["bgnbd"].confidence_intervals(level=95)


# ---------------------------------------------------------------- degenerate data
def test_bgnbd_boundary_solution_raises(cdnow):
    """Twenty CDNOW clients push BG/NBD's a and b beyond 1e8: the beta distribution of
    dropout probabilities collapses to a point. The fit says so instead of returning it:
    where the search stops first (on the bound, or on the flat ridge leading to it)
    depends on the scipy release, and both messages name the cause and the remedy."""
    small = cdnow.sample(20, random_state=3)
    stopped = r"(boundary solution.*\['a', 'b'\]|likelihood is flat.*a=.*b=).*penalizer_coef"
    with pytest.raises(ConvergenceError, match=stopped):
        BetaGeoModel().fit(small)
    assert np.isfinite(BetaGeoModel(penalizer_coef=0.01).fit(small).standard_errors_).all()


def test_modified_bgnbd_boundary_solution_raises(cdnow):
    """Here r and alpha run to millions: purchase rates are the same for everyone.

    Where the search stops on the ridge decides which check reports it (the bound
    reached, or the flat likelihood there); both name r and alpha and the remedy.
    """
    small = cdnow.sample(20, random_state=0)
    pattern = r"(boundary solution.*'r', 'alpha'|likelihood is flat around r=.*alpha=).*penalizer"
    with pytest.raises(ConvergenceError, match=pattern):
        ModifiedBetaGeoModel().fit(small)


def test_pareto_degenerate_fit_raises(cdnow):
    small = cdnow.sample(20, random_state=6)
    with pytest.raises(ConvergenceError, match="penalizer_coef"):
        ParetoNBDModel().fit(small)


def test_bgbb_everybody_buys_every_period_raises():
    """No variation in purchase probabilities and nobody drops out: not identified."""
    frame = pd.DataFrame({"frequency": [6] * 40, "recency": [6] * 40, "T": [6] * 40})
    with pytest.raises(ConvergenceError, match="penalizer_coef"):
        BetaGeoBetaBinomModel().fit(frame)


def test_gamma_gamma_identical_values_raise():
    """Every repeat buyer spends exactly 50: no spread to tell p from q and gamma."""
    frame = pd.DataFrame({"frequency": [1, 2, 3, 4] * 25, "monetary_value": [50.0] * 100})
    with pytest.raises(ConvergenceError, match="penalizer_coef"):
        GammaGammaModel().fit(frame)
