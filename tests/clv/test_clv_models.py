"""Contract tests over every transaction model, input validation and weight compression."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
)
from clientalytics.exceptions import (
    DataQualityWarning,
    ModelAssumptionWarning,
    NotFittedError,
    ValidationError,
)

CONTINUOUS = [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel]


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_estimator_contract(cls, cdnow):
    model = cls(penalizer_coef=0.0)
    assert clone(model).get_params() == {"penalizer_coef": 0.0}
    with pytest.raises(NotFittedError, match="call fit"):
        model.probability_alive(cdnow)
    assert model.fit(cdnow) is model
    k = len(model.params_)
    assert model.aic_ == pytest.approx(2 * k - 2 * model.log_likelihood_)
    assert model.bic_ == pytest.approx(k * np.log(2357) - 2 * model.log_likelihood_)
    assert model.score(cdnow) == pytest.approx(model.log_likelihood_ / 2357)
    assert model.n_distinct_histories_ == len(
        cdnow[["frequency", "recency", "T"]].drop_duplicates()
    )


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_compressed_fit_equals_weighted_fit(cls, cdnow):
    """Identical rows are merged into weights; fitting pre-aggregated rows with their counts,
    or every row twice, gives the same parameters to 1e-6."""
    plain = cls().fit(cdnow)
    grouped = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    weighted = cls().fit(grouped, sample_weight=grouped["n"])
    doubled = cls().fit(pd.concat([cdnow, cdnow]))
    np.testing.assert_allclose(weighted.params_, plain.params_, rtol=1e-6)
    np.testing.assert_allclose(doubled.params_, plain.params_, rtol=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-9)


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_compressed_fit_equals_row_by_row_fit(cls, cdnow):
    """The same optimiser run on every row separately (no merging of identical histories)
    lands on the same parameters to 1e-6."""
    from clientalytics.clv._data import FitData
    from clientalytics.clv._optimize import minimize_log_params

    model = cls().fit(cdnow)
    scale = 1.0 / cdnow["T"].max()
    rows = FitData(
        cdnow["frequency"].to_numpy(float),
        cdnow["recency"].to_numpy() * scale,
        cdnow["T"].to_numpy() * scale,
        np.ones(len(cdnow)),
    )
    assert rows.x.shape[0] == 2357 > model.n_distinct_histories_

    def objective(log_params):
        return -model._mean_log_likelihood(np.exp(log_params), rows, gradient=False)[0]

    log_params, _ = minimize_log_params(
        objective, np.zeros(4), model=model.model_name, names=model.param_names
    )
    row_by_row = model._scaled(np.exp(log_params), 1.0 / scale)
    np.testing.assert_allclose(model.params_.to_numpy(), row_by_row, rtol=1e-6)


def test_parameters_are_recovered_from_simulated_data():
    truth = BetaGeoModel().fit(
        pd.DataFrame({"frequency": [0, 1, 2, 5], "recency": [0, 5, 20, 30.0], "T": [40.0] * 4}),
        sample_weight=[50, 20, 10, 5],
    )
    truth.params_[:] = [0.5, 6.0, 0.7, 2.5]
    sample = truth.sample(np.full(40_000, 52.0), random_state=7)
    refit = BetaGeoModel().fit(sample)
    np.testing.assert_allclose(refit.params_, [0.5, 6.0, 0.7, 2.5], rtol=0.1)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"frequency": [1], "recency": [2.0]}), r"missing column\(s\) \['T'\]"),
        (
            pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 9.0], "T": [4.0, 10.0]}),
            "'recency' exceeds 'T' for 1 client",
        ),
        (
            pd.DataFrame({"frequency": [1.5], "recency": [2.0], "T": [3.0]}),
            "'frequency' must count whole repeat purchases; 1 value",
        ),
        (
            pd.DataFrame({"frequency": [1], "recency": [-2.0], "T": [3.0]}),
            "'recency' has 1 negative value",
        ),
        (
            pd.DataFrame({"frequency": [1], "recency": [np.nan], "T": [3.0]}),
            "'recency' has 1 missing",
        ),
        (
            pd.DataFrame({"frequency": [2], "recency": [0.0], "T": [3.0]}),
            "repeat purchases but recency 0",
        ),
        (pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]}), "every client has T = 0"),
        (pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [-1.0]}), "'T' has 1 negative"),
    ],
)
def test_invalid_summaries_are_rejected(frame, message):
    with pytest.raises(ValidationError, match=message):
        BetaGeoModel().fit(frame)


def test_bad_sample_weight():
    frame = pd.DataFrame({"frequency": [0, 1], "recency": [0.0, 2.0], "T": [3.0, 3.0]})
    with pytest.raises(ValidationError, match="sample_weight has 1 values for 2 rows"):
        BetaGeoModel().fit(frame, sample_weight=[1.0])
    with pytest.raises(ValidationError, match="negative or non-finite"):
        BetaGeoModel().fit(frame, sample_weight=[1.0, -1.0])


def test_bgbb_needs_whole_periods(cdnow):
    with pytest.raises(ValidationError, match="'recency' must hold whole periods"):
        BetaGeoBetaBinomModel().fit(cdnow)


def test_horizon_must_be_valid(cdnow):
    model = BetaGeoModel().fit(cdnow)
    with pytest.raises(ValidationError, match="horizon t must be a finite number >= 0"):
        model.expected_purchases(cdnow, t=-1)


def test_gamma_gamma_warns_on_spend_frequency_correlation():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 20, size=300)
    spend = 10.0 * x * rng.gamma(3, 1 / 3, 300)  # bigger clients buy more and spend more
    frame = pd.DataFrame({"frequency": x, "monetary_value": spend})
    with pytest.warns(ModelAssumptionWarning, match=r"correlation among repeat buyers is 0\.[6-9]"):
        model = GammaGammaModel().fit(frame)
    assert model.frequency_spend_correlation_ > 0.6


def test_gamma_gamma_silent_on_cdnow(cdnow_monetary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = GammaGammaModel().fit(cdnow_monetary)
    assert abs(model.frequency_spend_correlation_) < 0.3


def test_gamma_gamma_rejects_non_positive_spend_when_asked():
    frame = pd.DataFrame({"frequency": [1, 2, 0], "monetary_value": [5.0, -3.0, 0.0]})
    with pytest.raises(ValidationError, match=r"must be positive and finite .* 1 are not"):
        GammaGammaModel(non_positive="raise").fit(frame)


def test_gamma_gamma_rejects_missing_spend_of_repeat_buyers():
    frame = pd.DataFrame({"frequency": [1, 2, 0], "monetary_value": [5.0, np.nan, 0.0]})
    with pytest.raises(ValidationError, match=r"must be positive and finite .* 1 are not"):
        GammaGammaModel().fit(frame)


def test_gamma_gamma_excludes_credit_note_clients_one_by_one(cdnow_monetary):
    """A repeat buyer whose credit notes net its repeat spend to <= 0 is left out alone.

    The fit on CDNOW plus two such clients equals the fit on CDNOW (the published
    parameters, Fader, Hardie & Lee 2005, are checked in test_clv_published.py).
    """
    extra = pd.DataFrame(
        {"frequency": [3, 1], "recency": [20.0, 5.0], "T": [30.0, 30.0]},
        index=pd.Index([90001, 90002], name=cdnow_monetary.index.name),
    ).assign(monetary_value=[-12.5, 0.0])
    frame = pd.concat([cdnow_monetary, extra])
    with pytest.warns(DataQualityWarning, match=r"2 repeat buyer\(s\) .* valued at 0"):
        model = GammaGammaModel().fit(frame)
    reference = GammaGammaModel().fit(cdnow_monetary)
    np.testing.assert_allclose(model.params_, reference.params_, rtol=1e-10)
    assert model.n_clients_ == reference.n_clients_ == (cdnow_monetary["frequency"] > 0).sum()
    assert model.excluded_.index.tolist() == [90001, 90002]
    assert model.excluded_["monetary_value"].tolist() == [-12.5, 0.0]
    assert model.excluded_["reason"].str.contains("credit notes").all()
    assert reference.excluded_.empty
    value = model.expected_value(frame)
    assert value.loc[[90001, 90002]].tolist() == [0.0, 0.0]
    expected = reference.expected_value(cdnow_monetary)
    pd.testing.assert_series_equal(value.drop([90001, 90002]), expected)
    ll = model.client_log_likelihood(frame)
    assert 90001 not in ll.index and len(ll) == reference.n_clients_


def test_gamma_gamma_needs_one_positive_repeat_buyer():
    frame = pd.DataFrame({"frequency": [1, 0], "monetary_value": [-5.0, 0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError, match="no client with a positive mean value"):
            GammaGammaModel().fit(frame)


def test_gamma_gamma_currency_invariance(cdnow_monetary):
    base = GammaGammaModel().fit(cdnow_monetary)
    scaled = GammaGammaModel().fit(
        cdnow_monetary.assign(monetary_value=cdnow_monetary["monetary_value"] * 90.0)
    )
    np.testing.assert_allclose(scaled.params_[["p", "q"]], base.params_[["p", "q"]], rtol=1e-6)
    assert scaled.params_["gamma"] == pytest.approx(90 * base.params_["gamma"], rel=1e-6)
    # new clients are valued at the population mean
    value = base.expected_value(pd.DataFrame({"frequency": [0], "monetary_value": [0.0]}))
    assert value.iloc[0] == pytest.approx(base.population_mean_value_)


def test_clients_first_seen_at_the_end_add_nothing_and_are_alive(cdnow):
    """T = 0 without repeat purchases: no information for the fit, P(alive) = 1 (BG/NBD)."""
    extra = pd.DataFrame(
        {"frequency": [0, 0], "recency": [0.0, 0.0], "T": [0.0, 0.0]}, index=["new1", "new2"]
    )
    plain = BetaGeoModel().fit(cdnow)
    with_new = BetaGeoModel().fit(pd.concat([cdnow, extra]))
    for name, value in plain.params_.items():
        assert with_new.params_[name] == pytest.approx(value, rel=1e-6)
    np.testing.assert_allclose(with_new.probability_alive(extra), 1.0)
    assert np.isfinite(with_new.expected_purchases(extra, t=10)).all()


def test_forecasts_at_the_edge_of_the_parameter_space_raise_instead_of_nan():
    """Twenty clients of a small generated company drive BG/NBD's a and b to millions."""
    from clientalytics.datasets import generate_company
    from clientalytics.exceptions import ConvergenceError
    from clientalytics.summary import summarize

    base = generate_company(n_clients=20, years=1, seed=3)
    summary = summarize(base.transactions, observation_end=base.observation_end)
    # Depending on where the optimiser stops on the flat ridge, the fit itself reports the
    # unidentified parameters, or it returns them and the forecast refuses to give NaN;
    # either way the caller gets a ConvergenceError with the penalizer hint, never NaN.
    with pytest.raises(ConvergenceError, match=r"penalizer_coef=0\.001"):
        model = BetaGeoModel().fit(summary)
        assert model.params_["a"] > 1e5
        model.expected_purchases(summary, t=365)
    penalized = BetaGeoModel(penalizer_coef=0.001).fit(summary)
    assert np.isfinite(penalized.expected_purchases(summary, t=365)).all()
