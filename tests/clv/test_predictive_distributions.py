"""Predictive distributions: P(X(t) = k), P(alive) at a future horizon and DERT.

References: ``lifetimes`` 0.11 (``probability_of_n_purchases_up_to_time`` of BG/NBD and
modified BG/NBD, ``conditional_probability_of_n_purchases_up_to_time`` of Pareto/NBD,
``conditional_probability_alive(m_periods_in_future, ...)`` of BG/BB), evaluated at our
parameters; Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time
noncontractual setting", Marketing Science 29(6): a donor who gave in each of the 6
years 1996-2001 is alive in 2002 with probability 0.93 (one period ahead).
"""

import numpy as np
import pandas as pd
import pytest
from lifetimes import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from scipy import integrate, stats

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
)
from clientalytics.clv.base import TransactionModel
from clientalytics.exceptions import ValidationError

HISTORIES = pd.DataFrame(
    {
        "frequency": [0, 1, 2, 7, 25, 3],
        "recency": [0.0, 5.0, 30.4, 35.0, 38.0, 3.0],
        "T": [38.9, 38.9, 38.9, 38.0, 38.9, 30.0],
    }
)


@pytest.fixture(scope="module")
def models(cdnow, donations):
    return {
        "bgnbd": BetaGeoModel().fit(cdnow),
        "mbgnbd": ModifiedBetaGeoModel().fit(cdnow),
        "pareto": ParetoNBDModel().fit(cdnow),
        "bgbb": BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"]),
    }


def _histories(key, donations):
    return donations.head(11) if key == "bgbb" else HISTORIES


@pytest.mark.parametrize("key", ["bgnbd", "mbgnbd", "pareto", "bgbb"])
def test_pmf_sums_to_one_and_its_mean_is_the_expectation(models, donations, key):
    model = models[key]
    frame = _histories(key, donations)
    t = 5 if key == "bgbb" else 39.0
    k = np.arange(0, 400 if key != "bgbb" else 6)
    pmf = model.probability_of_purchases(frame, t=t, k=k)
    assert list(pmf.columns) == k.tolist()
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-10)
    mean = pmf.to_numpy() @ k
    np.testing.assert_allclose(mean, model.expected_purchases(frame, t=t), rtol=1e-9)
    new = model.probability_of_purchases_new_client(t=t, k=k)
    assert new.sum() == pytest.approx(1.0, abs=1e-10)
    assert new @ k == pytest.approx(float(model.expected_purchases_new_client(float(t))), rel=1e-9)


@pytest.mark.parametrize(
    ("key", "fitter"), [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)]
)
def test_new_client_pmf_matches_lifetimes(models, key, fitter):
    model = models[key]
    reference = fitter()
    reference.params_ = pd.Series(model.params_.to_numpy(), index=["r", "alpha", "a", "b"])
    for t in (1.0, 30.0, 78.0):
        ours = model.probability_of_purchases_new_client(t=t, k=np.arange(10))
        theirs = [reference.probability_of_n_purchases_up_to_time(t, n) for n in range(10)]
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-15)


def test_pareto_conditional_pmf_matches_lifetimes(models):
    model = models["pareto"]
    reference = ParetoNBDFitter()
    reference.params_ = pd.Series(model.params_.to_numpy(), index=["r", "alpha", "s", "beta"])
    x, tx, T = HISTORIES["frequency"], HISTORIES["recency"], HISTORIES["T"]
    pmf = model.probability_of_purchases(HISTORIES, t=39.0, k=np.arange(8))
    for n in range(8):
        theirs = reference.conditional_probability_of_n_purchases_up_to_time(n, 39.0, x, tx, T)
        np.testing.assert_allclose(pmf[n], theirs, rtol=1e-9, atol=1e-14)


def test_hand_computed_cases(models):
    # BG/NBD: dropout happens only at purchases, so a new client with no purchase by t is
    # still active: P(X(t) = 0) = (alpha / (alpha + t)) ** r
    r, alpha, _, _ = models["bgnbd"].params_
    p0 = models["bgnbd"].probability_of_purchases_new_client(t=10.0, k=0)
    assert p0[0] == pytest.approx((alpha / (alpha + 10.0)) ** r, rel=1e-12)
    # BG/BB: one opportunity, buy iff survive (E[1 - theta]) and buy (E[p])
    a, b, g, d = models["bgbb"].params_
    p1 = models["bgbb"].probability_of_purchases_new_client(t=1, k=[0, 1])
    assert p1[1] == pytest.approx(d / (g + d) * a / (a + b), rel=1e-12)
    # horizon 0: no purchase for sure
    zero = models["pareto"].probability_of_purchases(HISTORIES, t=0.0, k=[0, 1])
    np.testing.assert_allclose(zero[0], 1.0)
    np.testing.assert_allclose(zero[1], 0.0)
    # a client who has certainly left buys nothing: P(0) >= 1 - P(alive)
    single = models["bgnbd"].probability_of_purchases(HISTORIES, t=39.0, k=0)
    assert isinstance(single, pd.Series)
    alive = models["bgnbd"].probability_alive(HISTORIES)
    assert (single >= 1 - alive - 1e-12).all()


def test_bgbb_alive_next_period_reproduces_published_table(models):
    frame = pd.DataFrame({"frequency": [6, 3, 0], "recency": [6, 6, 0], "T": [6, 6, 6]})
    model = models["bgbb"]
    now = model.probability_alive(frame)
    ahead = model.probability_alive(frame, t=1)
    assert now.iloc[0] == pytest.approx(1.0)
    assert round(ahead.iloc[0], 2) == 0.93
    reference = BetaGeoBetaBinomFitter()
    reference.params_ = pd.Series(
        model.params_.to_numpy(), index=["alpha", "beta", "gamma", "delta"]
    )
    theirs = reference.conditional_probability_alive(
        1, frame["frequency"], frame["recency"], frame["T"]
    )
    np.testing.assert_allclose(ahead, theirs, rtol=1e-10)


def test_bgnbd_future_alive_by_numerical_integration(models):
    """P(alive at T + t) = P(alive at T) * E[(1 + p t / (alpha + T)) ** -(r + x)] over the
    posterior p ~ Beta(a, b + x): integrated here with scipy.integrate.quad."""
    model = models["bgnbd"]
    r, alpha, a, b = model.params_
    t = 26.0
    ahead = model.probability_alive(HISTORIES, t=t)
    now = model.probability_alive(HISTORIES)
    for i, (x, _, T) in enumerate(HISTORIES.itertuples(index=False)):
        density = stats.beta(a, b + x).pdf
        factor = integrate.quad(
            lambda p, x=x, T=T, density=density: density(p) * (1 + p * t / (alpha + T)) ** -(r + x),
            0,
            1,
        )[0]
        assert ahead.iloc[i] == pytest.approx(now.iloc[i] * factor, rel=1e-8)


def test_pareto_future_alive_closed_form(models):
    model = models["pareto"]
    _, _, s, beta = model.params_
    T = HISTORIES["T"]
    expected = model.probability_alive(HISTORIES) * ((beta + T) / (beta + T + 52.0)) ** s
    np.testing.assert_allclose(model.probability_alive(HISTORIES, t=52.0), expected, rtol=1e-12)


@pytest.mark.parametrize("key", ["bgnbd", "mbgnbd", "pareto"])
def test_future_alive_decreases_with_the_horizon(models, key):
    model = models[key]
    values = [model.probability_alive(HISTORIES, t=t).to_numpy() for t in (0.0, 10.0, 100.0)]
    assert np.all(np.diff(np.array(values), axis=0) <= 1e-12)


def test_pareto_dert_closed_form_equals_quadrature(models):
    """FHL (2005) closed form against the generic Gauss-Laguerre integral."""
    model = models["pareto"]
    weekly = 1.15 ** (1 / 52) - 1
    closed = model.discounted_expected_purchases(HISTORIES, discount_rate=weekly)
    cols = [HISTORIES[c].to_numpy(float) for c in ("frequency", "recency", "T")]
    generic = TransactionModel._dert(model, model.params_.to_numpy(), np.log1p(weekly), *cols)
    # s < 1: E[X] grows without bound, which 60 Laguerre nodes resolve to ~1e-6
    np.testing.assert_allclose(closed, generic, rtol=3e-6)
    assert closed.name == "dert"


def test_bgnbd_dert_by_numerical_integration(models):
    """DERT = int_0^inf delta exp(-delta t) E[X(T, T + t)] dt, integrated with quad."""
    model = models["bgnbd"]
    rate = 0.01
    delta = np.log1p(rate)
    dert = model.discounted_expected_purchases(HISTORIES, discount_rate=rate)
    params = model.params_.to_numpy()
    x, tx, T = (HISTORIES[c].to_numpy(float)[3:4] for c in ("frequency", "recency", "T"))
    value = integrate.quad(
        lambda t: delta * np.exp(-delta * t) * model._conditional_expected(params, t, x, tx, T)[0],
        0,
        np.inf,
        limit=200,
    )[0]
    assert dert.iloc[3] == pytest.approx(value, rel=1e-6)


def test_bgbb_dert_is_the_discounted_sum_of_period_expectations(models, donations):
    model = models["bgbb"]
    frame = donations.head(5)
    dert = model.discounted_expected_purchases(frame, discount_rate=0.1)
    paths = model.expected_purchases_path(frame, times=np.arange(400))
    brute = (np.diff(paths, axis=1) * 1.1 ** -np.arange(1, 400)[None, :]).sum(axis=1)
    np.testing.assert_allclose(dert, brute, rtol=1e-9)


def test_inputs_are_checked(models):
    with pytest.raises(ValidationError, match="k must be whole"):
        models["bgnbd"].probability_of_purchases(HISTORIES, t=1.0, k=1.5)
    with pytest.raises(ValidationError, match="discount_rate"):
        models["bgnbd"].discounted_expected_purchases(HISTORIES, discount_rate=0.0)
    with pytest.raises(ValidationError, match="fractional"):
        models["bgbb"].probability_alive(HISTORIES.assign(frequency=0, recency=0.0), t=0.5)
