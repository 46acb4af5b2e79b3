"""Conversion of fitted models from and to ``lifetimes``, both ways on CDNOW.

Every prediction is compared with the other library's own method on the same
histories and must agree to 1e-10 (absolute): the CDNOW sample (2,357 customers,
39 weeks) for BG/NBD, MBG/NBD and Pareto/NBD, its 946 repeat buyers' mean values for
Gamma-Gamma, and the donation data of Fader, Hardie & Shang (2010) for BG/BB.
"""

import lifetimes
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
    ShiftedBetaGeometricModel,
    customer_lifetime_value,
    frequency_recency_matrix,
    from_lifetimes,
    to_lifetimes,
)
from clientalytics.exceptions import NotFittedError, ValidationError

#: largest absolute difference accepted between the two libraries' predictions
TOL = 1e-10

CONTINUOUS = {
    "bgnbd": (BetaGeoFitter, BetaGeoModel),
    "mbgnbd": (ModifiedBetaGeoFitter, ModifiedBetaGeoModel),
    "pareto": (ParetoNBDFitter, ParetoNBDModel),
}
HORIZONS = (1.0, 10.0, 39.0)


def _assert_close(ours, theirs):
    ours, theirs = np.asarray(ours, dtype=float), np.ravel(np.asarray(theirs, dtype=float))
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) <= TOL


@pytest.fixture(scope="module")
def fitted_fitters(cdnow):
    """lifetimes' own fits on CDNOW (weeks)."""
    return {
        key: fitter_cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
        for key, (fitter_cls, _) in CONTINUOUS.items()
    }


@pytest.fixture(scope="module")
def fitted_models(cdnow):
    """Our own fits on CDNOW (weeks)."""
    return {
        key: model_cls().fit(cdnow, time_unit="W") for key, (_, model_cls) in CONTINUOUS.items()
    }


@pytest.fixture(scope="module")
def repeat_buyers(cdnow_monetary):
    return cdnow_monetary[cdnow_monetary["frequency"] > 0]


def _compare_continuous(model, fitter, summary):
    x, tx, T = summary["frequency"], summary["recency"], summary["T"]
    for t in HORIZONS:
        _assert_close(
            model.expected_purchases(summary, t=t),
            fitter.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T),
        )
    _assert_close(model.probability_alive(summary), fitter.conditional_probability_alive(x, tx, T))
    horizons = np.array([1.0, 10.0, 78.0])
    _assert_close(
        model.expected_purchases_new_client(horizons),
        fitter.expected_number_of_purchases_up_to_time(horizons),
    )


# ------------------------------------------------------------------ lifetimes -> ours
@pytest.mark.parametrize("key", CONTINUOUS)
def test_from_lifetimes_predicts_like_the_fitter(cdnow, fitted_fitters, key):
    fitter = fitted_fitters[key]
    model = from_lifetimes(fitter, time_unit="W")
    assert type(model) is CONTINUOUS[key][1]
    assert model.converted_from_ == f"lifetimes.{type(fitter).__name__}"
    assert model.time_unit_ == "W"
    np.testing.assert_array_equal(model.params_.to_numpy(), fitter.params_.to_numpy())
    _compare_continuous(model, fitter, cdnow)


def test_from_lifetimes_bgbb_predicts_like_the_fitter(donations):
    x, tx, n = donations["frequency"], donations["recency"], donations["T"]
    fitter = BetaGeoBetaBinomFitter().fit(x, tx, n, weights=donations["weights"])
    model = from_lifetimes(fitter)
    assert type(model) is BetaGeoBetaBinomModel
    for m in (1, 5):
        _assert_close(
            model.expected_purchases(donations, t=m),
            fitter.conditional_expected_number_of_purchases_up_to_time(m, x, tx, n),
        )
    _assert_close(
        model.probability_alive(donations), fitter.conditional_probability_alive(0, x, tx, n)
    )
    # the weighted training data come across: lifetimes' objective is the weighted mean
    # negative log-likelihood (no time rescaling, no penalty here)
    assert model.n_clients_ == 11_104
    assert model.log_likelihood_ == pytest.approx(
        -fitter._negative_log_likelihood_ * 11_104, rel=1e-12
    )
    assert model.n_distinct_histories_ == len(donations)
    assert model.T_max_ == 6


def test_from_lifetimes_gamma_gamma_predicts_like_the_fitter(cdnow_monetary, repeat_buyers):
    fitter = GammaGammaFitter().fit(repeat_buyers["frequency"], repeat_buyers["monetary_value"])
    model = from_lifetimes(fitter)
    assert type(model) is GammaGammaModel
    assert model.params_.index.tolist() == ["p", "q", "gamma"]
    np.testing.assert_array_equal(model.params_.to_numpy(), fitter.params_[["p", "q", "v"]])
    # every client, those without repeat purchases (population mean) included
    _assert_close(
        model.expected_value(cdnow_monetary),
        fitter.conditional_expected_average_profit(
            cdnow_monetary["frequency"], cdnow_monetary["monetary_value"]
        ),
    )
    p, q, v = fitter.params_[["p", "q", "v"]]
    assert model.population_mean_value_ == pytest.approx(p * v / (q - 1), rel=1e-14)
    assert model.n_clients_ == 946
    assert model.excluded_.empty
    assert list(model.excluded_.columns) == ["frequency", "monetary_value", "reason"]


def test_converted_training_statistics_match_our_fit(cdnow, fitted_fitters, fitted_models):
    """lifetimes' BG/NBD optimum is ours (to its tolerance): the statistics computed from
    its data agree with our fit's, LL = -9582.4 as in Fader, Hardie & Lee (2005)."""
    model = from_lifetimes(fitted_fitters["bgnbd"])
    ours = fitted_models["bgnbd"]
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.log_likelihood_ == pytest.approx(ours.log_likelihood_, abs=1e-4)
    for name in ("n_clients_", "n_distinct_histories_", "T_max_"):
        assert getattr(model, name) == getattr(ours, name), name
    assert model.aic_ == pytest.approx(8 - 2 * model.log_likelihood_, rel=1e-14)
    assert model.bic_ == pytest.approx(4 * np.log(2357) - 2 * model.log_likelihood_, rel=1e-14)


@pytest.mark.parametrize("key", ["bgnbd", "mbgnbd"])
def test_converted_standard_errors_are_lifetimes_ones(fitted_fitters, key):
    fitter = fitted_fitters[key]
    model = from_lifetimes(fitter)
    np.testing.assert_allclose(
        model.standard_errors_.to_numpy(), fitter.standard_errors_.to_numpy(), rtol=1e-10
    )
    # lifetimes' intervals are params -+ 1.96 se; ours are on the log scale
    assert (model.summary["lower"] > 0).all()


def test_converted_standard_errors_bgbb_and_gamma_gamma(donations, repeat_buyers):
    bgbb = BetaGeoBetaBinomFitter().fit(
        donations["frequency"], donations["recency"], donations["T"], weights=donations["weights"]
    )
    gg = GammaGammaFitter().fit(repeat_buyers["frequency"], repeat_buyers["monetary_value"])
    for fitter in (bgbb, gg):
        np.testing.assert_allclose(
            from_lifetimes(fitter).standard_errors_.to_numpy(),
            fitter.standard_errors_.to_numpy(),
            rtol=1e-10,
        )


def test_converted_pareto_gets_the_standard_errors_of_a_fit(cdnow, fitted_models):
    """lifetimes keeps no Pareto/NBD Hessian: the conversion computes it as fit does.

    Both Hessians are central differences of the objective (fit takes its own before
    the last Newton steps), so they agree to 1e-3, not to rounding error.
    """
    ours = fitted_models["pareto"]
    fitter = ParetoNBDFitter()
    fitter.params_ = pd.Series(ours.params_.to_numpy(), index=["r", "alpha", "s", "beta"])
    fitter.data = cdnow.assign(weights=1)
    model = from_lifetimes(fitter)
    np.testing.assert_allclose(
        model.standard_errors_.to_numpy(), ours.standard_errors_.to_numpy(), rtol=1e-3
    )


def test_converted_model_values_clients(cdnow_monetary, fitted_fitters, repeat_buyers):
    """time_unit given to the conversion lets customer_lifetime_value convert months."""
    purchases = from_lifetimes(fitted_fitters["bgnbd"], time_unit="W")
    spend = from_lifetimes(
        GammaGammaFitter().fit(repeat_buyers["frequency"], repeat_buyers["monetary_value"])
    )
    clv = customer_lifetime_value(purchases, spend, cdnow_monetary, value="revenue")
    same = customer_lifetime_value(
        from_lifetimes(fitted_fitters["bgnbd"]),
        spend,
        cdnow_monetary,
        value="revenue",
        time_unit="W",
    )
    pd.testing.assert_frame_equal(clv, same)
    assert (clv["clv"] > 0).all()


# ------------------------------------------------------------------ ours -> lifetimes
@pytest.mark.parametrize("key", CONTINUOUS)
def test_to_lifetimes_predicts_like_the_model(cdnow, fitted_models, key):
    model = fitted_models[key]
    fitter = to_lifetimes(model)
    assert type(fitter) is CONTINUOUS[key][0]
    assert fitter.params_.index.tolist() == list(model.param_names)
    _compare_continuous(model, fitter, cdnow)
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    _assert_close(model.predict(cdnow, t=39.0), fitter.predict(39.0, x, tx, T))
    # and the standard errors, so lifetimes' summary works
    np.testing.assert_allclose(
        fitter.summary["se(coef)"].to_numpy(), model.standard_errors_.to_numpy(), rtol=1e-12
    )


def test_to_lifetimes_bgbb_predicts_like_the_model(donations):
    model = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    fitter = to_lifetimes(model, summary=donations, sample_weight=donations["weights"])
    x, tx, n = donations["frequency"], donations["recency"], donations["T"]
    for m in (1, 5):
        _assert_close(
            model.expected_purchases(donations, t=m),
            fitter.conditional_expected_number_of_purchases_up_to_time(m, x, tx, n),
        )
    _assert_close(
        model.probability_alive(donations), fitter.conditional_probability_alive(0, x, tx, n)
    )
    # lifetimes' distribution of purchases in the first 6 opportunities reads fitter.data
    counts = fitter.expected_number_of_transactions_in_first_n_periods(6)["model"]
    assert counts.sum() == pytest.approx(11_104, rel=1e-10)
    mean = float((counts.index * counts).sum() / counts.sum())
    assert mean == pytest.approx(model.expected_purchases_new_client([6.0])[0], rel=1e-10)


def test_to_lifetimes_gamma_gamma_predicts_like_the_model(cdnow_monetary):
    model = GammaGammaModel().fit(cdnow_monetary)
    fitter = to_lifetimes(model, summary=cdnow_monetary)
    assert fitter.params_.index.tolist() == ["p", "q", "v"]
    # without arguments lifetimes predicts for its data
    _assert_close(
        model.expected_value(cdnow_monetary), fitter.conditional_expected_average_profit()
    )


def test_to_lifetimes_with_summary_supports_lifetimes_simulation(cdnow, fitted_models):
    fitter = to_lifetimes(fitted_models["bgnbd"], summary=cdnow)
    assert fitter.data[["frequency", "recency", "T"]].equals(cdnow.astype(float))
    assert (fitter.data["weights"] == 1).all()
    simulated = fitter.generate_new_data(size=len(cdnow))
    assert len(simulated) == len(cdnow)
    np.testing.assert_array_equal(simulated["T"].to_numpy(), cdnow["T"].to_numpy())


@pytest.mark.parametrize("key", CONTINUOUS)
def test_round_trips_keep_parameters_and_penalty(cdnow, fitted_fitters, key):
    fitter = fitted_fitters[key]
    fitter_back = to_lifetimes(from_lifetimes(fitter))
    pd.testing.assert_series_equal(fitter_back.params_, fitter.params_, check_names=False)
    model = CONTINUOUS[key][1](penalizer_coef=0.01)
    model.params_ = pd.Series(fitter.params_.to_numpy(), index=list(model.param_names))
    again = from_lifetimes(to_lifetimes(model))
    assert again.penalizer_coef == 0.01
    pd.testing.assert_series_equal(again.params_, model.params_, check_names=False)


# ------------------------------------------------------- converted without training data
def test_converted_without_data_predicts_and_says_what_it_lacks(cdnow, fitted_models):
    ours = fitted_models["bgnbd"]
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(ours.params_.to_numpy(), index=["r", "alpha", "a", "b"])
    model = from_lifetimes(fitter)
    assert model.converted_from_ == "lifetimes.BetaGeoFitter"
    assert model.time_unit_ is None
    pd.testing.assert_series_equal(model.probability_alive(cdnow), ours.probability_alive(cdnow))
    for name in ("log_likelihood_", "n_clients_", "T_max_", "log_params_covariance_"):
        assert not hasattr(model, name), name
    with pytest.raises(ValidationError, match=r"no training data .*lifetimes\.BetaGeoFitter.*T="):
        frequency_recency_matrix(model)
    pd.testing.assert_frame_equal(
        frequency_recency_matrix(model, T=ours.T_max_), frequency_recency_matrix(ours)
    )
    with pytest.raises(ValidationError, match="time_unit is required"):
        customer_lifetime_value(model, pd.Series(1.0, index=cdnow.index), cdnow, value="revenue")


def test_refit_of_a_converted_model_fits(cdnow, fitted_fitters, fitted_models):
    model = from_lifetimes(fitted_fitters["bgnbd"])
    assert model.converted_from_ == "lifetimes.BetaGeoFitter"
    model.fit(cdnow)
    pd.testing.assert_series_equal(model.params_, fitted_models["bgnbd"].params_)
    assert not hasattr(model, "converted_from_")


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "expects a fitted lifetimes fitter .*BetaGeoFitter.*got builtins.object"),
        (BetaGeoModel(), "expects a fitted lifetimes fitter"),
        (lifetimes.fitters.BaseFitter(), "BaseFitter has no clientalytics counterpart"),
    ],
    ids=["object", "our-model", "other-lifetimes-fitter"],
)
def test_from_lifetimes_refuses_what_is_not_a_convertible_fitter(value, message):
    with pytest.raises(ValidationError, match=message):
        from_lifetimes(value)


@pytest.mark.parametrize(
    "fitter_cls",
    [
        BetaGeoFitter,
        ModifiedBetaGeoFitter,
        ParetoNBDFitter,
        BetaGeoBetaBinomFitter,
        GammaGammaFitter,
    ],
)
def test_from_lifetimes_refuses_an_unfitted_fitter(fitter_cls):
    with pytest.raises(NotFittedError, match=f"lifetimes {fitter_cls.__name__} is not fitted"):
        from_lifetimes(fitter_cls())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"r": 0.2, "alpha": 4.0, "a": 0.8}, r"must hold \['r', 'alpha', 'a', 'b'\]"),
        ({"r": 0.2, "alpha": -4.0, "a": 0.8, "b": 2.4}, "positive and finite"),
        ({"r": 0.2, "alpha": np.nan, "a": 0.8, "b": 2.4}, "positive and finite"),
    ],
)
def test_from_lifetimes_refuses_bad_parameters(params, message):
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(params)
    with pytest.raises(ValidationError, match=message):
        from_lifetimes(fitter)


def test_from_lifetimes_refuses_gamma_gamma_without_a_mean_and_a_bad_unit(fitted_fitters):
    fitter = GammaGammaFitter()
    fitter.params_ = pd.Series({"p": 6.0, "q": 0.9, "v": 15.0})
    with pytest.raises(ValidationError, match=r"q = 0\.9 <= 1.*q_constraint=True"):
        from_lifetimes(fitter)
    with pytest.raises(ValidationError, match="time_unit must be one of"):
        from_lifetimes(fitted_fitters["bgnbd"], time_unit="Q")


@pytest.mark.parametrize(
    "model", [BetaGeoModel(), ParetoNBDModel(), BetaGeoBetaBinomModel(), GammaGammaModel()]
)
def test_to_lifetimes_refuses_an_unfitted_model(model):
    with pytest.raises(NotFittedError, match=f"{type(model).__name__} is not fitted"):
        to_lifetimes(model)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (ShiftedBetaGeometricModel(), "ShiftedBetaGeometricModel has no lifetimes counterpart"),
        ("BG/NBD", "str has no lifetimes counterpart"),
        (BetaGeoFitter(), "BetaGeoFitter is a lifetimes object already"),
    ],
)
def test_to_lifetimes_refuses_other_objects(value, message):
    with pytest.raises(ValidationError, match=f"to_lifetimes converts BetaGeoModel.*{message}"):
        to_lifetimes(value)


def test_to_lifetimes_checks_the_summary(cdnow, fitted_models):
    model = fitted_models["bgnbd"]
    with pytest.raises(ValidationError, match="'recency' exceeds 'T'"):
        to_lifetimes(model, summary=cdnow.assign(recency=cdnow["T"] + 1))
    with pytest.raises(ValidationError, match="pass summary too"):
        to_lifetimes(model, sample_weight=np.ones(len(cdnow)))
    with pytest.raises(ValidationError, match="sample_weight has 3 values"):
        to_lifetimes(model, summary=cdnow, sample_weight=[1, 2, 3])


def test_lifetimes_is_imported_only_inside_the_functions():
    """Importing clientalytics.clv does not load lifetimes (and its autograd and dill)."""
    import ast
    import inspect

    from clientalytics.clv import lifetimes_interop

    tree = ast.parse(inspect.getsource(lifetimes_interop))
    top_level = [
        alias.name if isinstance(node, ast.Import) else node.module
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [None])
    ]
    assert not [name for name in top_level if name and name.split(".")[0] == "lifetimes"]
    assert "clientalytics.clv.base" in top_level
