"""Shifted-beta-geometric contract model."""

import numpy as np
import pytest

from clientalytics.clv import ShiftedBetaGeometricModel
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


@pytest.fixture(scope="module")
def model():
    return ShiftedBetaGeometricModel().fit(REGULAR)


def test_survival_and_retention_formulas(model):
    alpha, beta = model.params_
    # S(1) = beta / (alpha + beta), r_t = (beta + t - 1) / (alpha + beta + t - 1)
    assert model.survival([1])[0] == pytest.approx(beta / (alpha + beta))
    t = np.arange(1, 10)
    np.testing.assert_allclose(model.retention_rate(t), model.survival(t) / model.survival(t - 1))
    assert np.all(np.diff(model.retention_rate(t)) > 0)


def test_projection_table(model):
    table = model.project(12)
    assert list(table.columns) == [
        "period",
        "survival",
        "expected_active",
        "retention_rate",
        "churn_probability",
    ]
    assert table["period"].tolist() == list(range(13))
    assert table["survival"].iloc[0] == 1.0
    assert table["churn_probability"].sum() == pytest.approx(1 - table["survival"].iloc[-1])
    assert table["expected_active"].iloc[0] == 1000


def test_remaining_lifetime_matches_brute_force(model):
    k = np.arange(1, 5000)
    for n in (0, 3, 10):
        brute = np.sum(model.survival(n + k) / model.survival(n) / 1.1**k)
        assert model.expected_remaining_lifetime(n, discount_rate=0.1) == pytest.approx(brute)


def test_undiscounted_remaining_lifetime():
    high_end = ShiftedBetaGeometricModel().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    regular = ShiftedBetaGeometricModel().fit(REGULAR)
    # both have alpha < 1: the mean lifetime is infinite, a discount rate is required
    with pytest.raises(ValidationError, match="infinite; pass discount_rate > 0"):
        regular.expected_remaining_lifetime(2)
    steady = ShiftedBetaGeometricModel().fit([1000, 500, 300, 200, 150, 120])
    alpha, beta = steady.params_
    assert alpha > 1
    assert steady.expected_remaining_lifetime(2) == pytest.approx((beta + 2) / (alpha - 1))
    # brute force: sum of S(n + k) / S(n) over k >= 1 converges slowly, so compare loosely
    k = np.arange(1, 2_000_000)
    brute = np.sum(steady.survival(2 + k) / steady.survival(2))
    assert steady.expected_remaining_lifetime(2) == pytest.approx(brute, rel=1e-3)
    high = high_end.expected_remaining_lifetime(0, discount_rate=0.1)
    assert high > regular.expected_remaining_lifetime(0, discount_rate=0.1)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([1000], "at least one later period"),
        ([1000, 1100, 900], "a cohort can only shrink, but it grows from 1000 to 1100"),
        ([1000, -1], "negative or not finite"),
        ([500, 500, 500], "nobody churned"),
    ],
)
def test_bad_counts(counts, message):
    with pytest.raises(ValidationError, match=message):
        ShiftedBetaGeometricModel().fit(counts)


def test_one_period_is_not_identified():
    with pytest.raises(ConvergenceError, match="do not identify"):
        ShiftedBetaGeometricModel().fit([1000, 631])


def test_not_fitted():
    with pytest.raises(NotFittedError, match="call fit"):
        ShiftedBetaGeometricModel().survival([1])


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [
        ([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),
        ([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),
    ],
    ids=["regular", "high-end"],
)
def test_sbg_fader_hardie_2007(survivors, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
    21(1): survivors of 1,000 over years 0-7, fitted on years 1-7; regular alpha=0.704,
    beta=1.182, high end alpha=0.668, beta=3.806."""
    model = ShiftedBetaGeometricModel().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    # the fitted curve passes close to the observed survivors (within 2 % of the cohort)
    projected = model.project(7)["expected_active"].to_numpy()
    assert np.max(np.abs(projected - np.asarray(survivors))) < 20
