"""Beta-discrete-Weibull and individual-level sBG renewal models."""

from math import exp, lgamma, log

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from clientalytics.clv import (
    BetaDiscreteWeibullModel,
    IndividualShiftedBetaGeometricModel,
    ShiftedBetaGeometricModel,
    cohort_histories,
)
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def _fit(model, counts):
    h = cohort_histories(counts)
    return model.fit(h, sample_weight=h["n_clients"])


def _with_params(model, **params):
    model.params_ = pd.Series(params, name="value")
    return model


def _log_beta(a, b):
    return lgamma(a) + lgamma(b) - lgamma(a + b)


@pytest.mark.parametrize(
    ("counts", "alpha", "beta"),
    [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
    ids=["regular", "high-end"],
)
def test_individual_sbg_reproduces_fader_hardie_2007(counts, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
    21(1), 76-90: survivors of 1,000 over years 0-7; regular alpha=0.704, beta=1.182, high
    end alpha=0.668, beta=3.806. Fitted here client by client from the same counts, the
    likelihood is the cohort likelihood of ShiftedBetaGeometricModel."""
    model = _fit(IndividualShiftedBetaGeometricModel(), counts)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    cohort = ShiftedBetaGeometricModel().fit(counts)
    assert model.log_likelihood_ == pytest.approx(cohort.log_likelihood_, abs=1e-6)
    assert model.n_clients_ == 1000


@pytest.mark.parametrize(
    ("counts", "expected", "log_likelihood"),
    [
        (REGULAR[:5], (0.5231, 0.8944, 1.1963), -1401.3831),
        (HIGH_END[:5], (0.2593, 1.7225, 1.5844), -1222.7493),
    ],
    ids=["regular", "high-end"],
)
def test_bdw_four_year_calibration(counts, expected, log_likelihood):
    """Fader, Hardie, Liu, Davin & Steenburgh (2018), "'How to Project Customer
    Retention' Revisited", J. Interactive Marketing 43: BdW on the first four years of
    the 2007 data. The paper's table was not available to check; the values are those
    of two independent reproductions of that analysis (a worked BdW notebook giving
    gamma, delta, c and LL for both segments, and a port of the R package foretell
    giving 0.2594, 1.7228, 1.5843 for the high-end segment)."""
    model = _fit(BetaDiscreteWeibullModel(), counts)
    np.testing.assert_allclose(model.params_.to_numpy(), expected, atol=1.5e-3)
    assert model.log_likelihood_ == pytest.approx(log_likelihood, abs=1e-3)
    # duration dependence: c > 1, a client's own churn risk rises with tenure; the
    # BdW nests the sBG, so its likelihood is at least as high
    sbg = _fit(IndividualShiftedBetaGeometricModel(), counts)
    assert model.log_likelihood_ >= sbg.log_likelihood_
    assert model.aic_ == pytest.approx(6 - 2 * model.log_likelihood_)


def test_log_likelihood_by_hand():
    """S(t) = B(a, b + t^c) / B(a, b); churn after n renewals: S(n) - S(n + 1)."""
    histories = cohort_histories(HIGH_END[:5])
    model = BetaDiscreteWeibullModel().fit(histories, sample_weight=histories["n_clients"])
    a, b, c = model.params_

    def surv(t):
        return exp(_log_beta(a, b + t**c) - _log_beta(a, b))

    by_hand = sum(
        w * (log(surv(n) - surv(n + 1)) if d else log(surv(n)))
        for n, d, w in histories[["renewals", "churned", "n_clients"]].itertuples(index=False)
    )
    assert model.log_likelihood_ == pytest.approx(by_hand, rel=1e-12)
    # rows of one client each give the same fit as weighted rows
    expanded = histories.loc[histories.index.repeat(histories["n_clients"].astype(int))]
    again = BetaDiscreteWeibullModel().fit(expanded[["renewals", "churned"]])
    np.testing.assert_allclose(again.params_, model.params_, rtol=1e-6)


def test_c_equal_one_is_the_sbg():
    alpha, beta = 0.704, 1.182
    bdw = _with_params(BetaDiscreteWeibullModel(), alpha=alpha, beta=beta, c=1.0)
    sbg = _with_params(IndividualShiftedBetaGeometricModel(), alpha=alpha, beta=beta)
    cohort = _with_params(ShiftedBetaGeometricModel(), alpha=alpha, beta=beta)
    t = np.arange(0, 20)
    np.testing.assert_allclose(bdw.survival(t), cohort.survival(t), rtol=1e-12)
    np.testing.assert_allclose(bdw.retention_rate(t[1:]), cohort.retention_rate(t[1:]))
    np.testing.assert_allclose(sbg.renewal_probability(t), (beta + t) / (alpha + beta + t))
    # the numeric DERL sum of the BdW matches the closed form of the sBG
    np.testing.assert_allclose(
        bdw.expected_residual_lifetime(t, discount_rate=0.1),
        sbg.expected_residual_lifetime(t, discount_rate=0.1),
        rtol=1e-10,
    )


@pytest.mark.parametrize("renewals", [0, 1, 4, 10])
def test_derl_closed_form_matches_its_definition(renewals):
    """Fader & Hardie (2010), eq. (6): DERL = sum_{k>=1} S(n+k)/S(n) / (1+d)^(k-1),
    i.e. (1 + d) times the remaining lifetime of ShiftedBetaGeometricModel."""
    sbg = _with_params(IndividualShiftedBetaGeometricModel(), alpha=0.704, beta=1.182)
    k = np.arange(1, 5000)
    brute = np.sum(sbg.survival(renewals + k) / sbg.survival(renewals) / 1.1 ** (k - 1))
    derl = sbg.expected_residual_lifetime([renewals], discount_rate=0.1)[0]
    assert derl == pytest.approx(brute, rel=1e-10)
    cohort = _with_params(ShiftedBetaGeometricModel(), alpha=0.704, beta=1.182)
    assert derl == pytest.approx(
        1.1 * cohort.expected_remaining_lifetime(renewals, discount_rate=0.1)
    )
    # longer tenure, longer residual life (the sorting effect)
    assert sbg.expected_residual_lifetime([renewals + 1], discount_rate=0.1)[0] > derl


def test_standard_errors_from_the_observed_information():
    model = _fit(IndividualShiftedBetaGeometricModel(), REGULAR)
    cohort = ShiftedBetaGeometricModel()
    counts = np.asarray(REGULAR, dtype=float)
    p0 = model.params_.to_numpy()
    h = 1e-4

    def ll(p):
        return cohort._log_likelihood(p, counts)

    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            hess[i, j] = (
                ll(p0 + ei + ej) - ll(p0 + ei - ej) - ll(p0 - ei + ej) + ll(p0 - ei - ej)
            ) / (4 * h * h)
    se = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(model.standard_errors_.to_numpy(), se, rtol=1e-3)
    ci = model.confidence_intervals(0.95)
    assert list(model.summary.columns) == ["estimate", "standard_error", "lower", "upper"]
    assert list(ci.columns) == ["lower", "upper"]
    assert np.all(ci["lower"] < model.params_) and np.all(model.params_ < ci["upper"])
    assert np.all(ci["lower"] > 0)
    narrow = model.confidence_intervals(0.5)
    assert np.all(narrow["upper"] - narrow["lower"] < ci["upper"] - ci["lower"])


def test_recovers_parameters_from_censored_individual_histories():
    """Clients acquired over 8 years, each observed until the same end: churn times drawn
    from BdW(alpha=0.8, beta=2.5, c=1.4), right-censored."""
    rng = np.random.default_rng(7)
    n = 20_000
    alpha, beta, c = 0.8, 2.5, 1.4
    theta = rng.beta(alpha, beta, n)
    u = rng.random(n)
    # T = number of renewals before churning: smallest t with (1 - theta)^((t+1)^c) < u
    t_churn = np.ceil((np.log(u) / np.log1p(-theta)) ** (1 / c)) - 1
    observed = rng.integers(1, 9, n)  # renewal decisions visible for each client
    churned = t_churn < observed
    renewals = np.minimum(t_churn, observed).astype(int)
    histories = pd.DataFrame({"renewals": renewals, "churned": churned})
    model = BetaDiscreteWeibullModel().fit(histories)
    z = (model.params_.to_numpy() - [alpha, beta, c]) / model.standard_errors_.to_numpy()
    assert np.all(np.abs(z) < 3.5)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"renewals": [0, 1]}), "missing required column"),
        (pd.DataFrame({"renewals": [0, 1.5], "churned": [True, False]}), "whole numbers"),
        (pd.DataFrame({"renewals": [0, -1], "churned": [True, False]}), "whole numbers"),
        (pd.DataFrame({"renewals": [0, 1], "churned": [False, False]}), "nobody churned"),
    ],
)
def test_bad_histories(frame, message):
    with pytest.raises(ValidationError, match=message):
        BetaDiscreteWeibullModel().fit(frame)


def test_one_period_is_not_identified():
    with pytest.raises(ConvergenceError, match="several renewal decisions"):
        _fit(BetaDiscreteWeibullModel(), [1000, 631])


def test_estimator_contract():
    model = BetaDiscreteWeibullModel(penalizer_coef=0.01)
    assert clone(model).get_params() == {"penalizer_coef": 0.01}
    with pytest.raises(NotFittedError, match="call fit"):
        model.survival([1])
    fitted = _fit(model, HIGH_END[:5])
    assert fitted is model
    with pytest.raises(ValidationError, match="discount_rate must be > 0"):
        fitted.expected_residual_lifetime([1], discount_rate=0)
    with pytest.raises(ValidationError, match="periods must be finite and >= 1"):
        fitted.retention_rate([0])
