"""Gamma-gamma spend model."""

import warnings

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import GammaGammaModel
from clientalytics.exceptions import DataQualityWarning, ModelAssumptionWarning, ValidationError
from tests.clv._helpers import sig3


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
    parameters, Fader, Hardie & Lee 2005, are checked in test_gamma_gamma_cdnow).
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


def test_gamma_gamma_cdnow(cdnow_monetary):
    """Fader, Hardie & Lee (2005) "RFM and CLV", JMR 42(4) / Hardie note 025: the 946 CDNOW
    repeat buyers give p=6.25, q=3.74, gamma=15.44."""
    model = GammaGammaModel().fit(cdnow_monetary)
    p = model.params_
    assert model.n_clients_ == 946
    assert [sig3(p["p"]), sig3(p["q"]), sig3(p["gamma"])] == [6.25, 3.74, 15.4]
    assert p["gamma"] == pytest.approx(15.44, abs=0.01)
