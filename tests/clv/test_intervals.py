"""Replicate parameters and prediction intervals of CLV, P(alive), purchases and equity."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    customer_equity,
    customer_lifetime_value,
)
from clientalytics.clv.intervals import _bounds
from clientalytics.clv.uncertainty import parameter_draws
from clientalytics.clv.value import customer_value_draws
from clientalytics.exceptions import ValidationError

BOUNDS = [
    "expected_purchases_lower",
    "expected_purchases_upper",
    "probability_alive_lower",
    "probability_alive_upper",
    "expected_value_per_purchase_lower",
    "expected_value_per_purchase_upper",
    "clv_lower",
    "clv_upper",
]


@pytest.fixture(scope="module")
def fitted(cdnow_monetary):
    model = BetaGeoModel().fit(cdnow_monetary, time_unit="W")
    spend = GammaGammaModel().fit(cdnow_monetary)
    return model, spend


def test_parametric_draws_follow_the_estimated_covariance(fitted, cdnow_monetary):
    model, _ = fitted
    draws = parameter_draws(
        model, cdnow_monetary, n_draws=4000, method="parametric", random_state=0
    )
    logs = np.log(draws.to_numpy())
    np.testing.assert_allclose(logs.mean(axis=0), np.log(model.params_), atol=0.02)
    cov = model.log_params_covariance_.to_numpy()
    sample = np.cov(logs.T)
    np.testing.assert_allclose(np.diag(sample), np.diag(cov), rtol=0.1)
    scale = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    np.testing.assert_allclose(sample / scale, cov / scale, atol=0.06)


def test_bootstrap_refits_agree_with_the_standard_errors(fitted, cdnow_monetary):
    """Each replicate is the optimum of its resample (gradient ~ 0), and the spread of
    the replicates is that of the asymptotic standard errors, within sampling noise."""
    model, _ = fitted
    draws = parameter_draws(model, cdnow_monetary, n_draws=60, random_state=1)
    assert len(draws) == 60
    ratio = draws.std() / model.standard_errors_
    assert ratio.between(0.7, 1.5).all(), ratio
    again = parameter_draws(model, cdnow_monetary, n_draws=60, random_state=1)
    pd.testing.assert_frame_equal(draws, again)


def test_clv_intervals_columns_and_order(fitted, cdnow_monetary):
    model, spend = fitted
    clv = customer_lifetime_value(
        model,
        spend,
        cdnow_monetary,
        value="revenue",
        interval=0.9,
        n_bootstrap=40,
        random_state=3,
    )
    point = customer_lifetime_value(model, spend, cdnow_monetary, value="revenue")
    assert list(clv.columns) == [*point.columns, *BOUNDS]
    pd.testing.assert_frame_equal(clv[point.columns], point)
    for name in ("expected_purchases", "probability_alive", "expected_value_per_purchase", "clv"):
        assert (clv[f"{name}_lower"] <= clv[f"{name}_upper"] + 1e-12).all()
        inside = (clv[f"{name}_lower"] <= clv[name] + 1e-9) & (
            clv[name] <= clv[f"{name}_upper"] + 1e-9
        )
        assert inside.mean() > 0.9, name
    assert clv["probability_alive_upper"].max() <= 1.0
    # clients without repeat purchases are certainly alive under BG/NBD at every draw
    zero = cdnow_monetary["frequency"] == 0
    np.testing.assert_allclose(clv.loc[zero, "probability_alive_lower"], 1.0)


def test_equity_interval_brackets_the_total(fitted, cdnow_monetary):
    model, spend = fitted
    clv = customer_lifetime_value(model, spend, cdnow_monetary, value="revenue")
    draws = customer_value_draws(
        model,
        spend,
        cdnow_monetary,
        value="revenue",
        n_bootstrap=40,
        method="parametric",
        random_state=5,
    )
    segments = pd.Series(
        np.where(cdnow_monetary["frequency"] > 2, "loyal", "other"), index=cdnow_monetary.index
    )
    equity = customer_equity(clv, segments=segments, interval=0.9, draws=draws)
    assert {"customer_equity_lower", "customer_equity_upper"} <= set(equity.columns)
    assert (equity["customer_equity_lower"] < equity["customer_equity"]).all()
    assert (equity["customer_equity"] < equity["customer_equity_upper"]).all()
    with pytest.raises(ValidationError, match="needs draws"):
        customer_equity(clv, interval=0.9)


def test_fixed_spend_series_gives_a_degenerate_spend_interval(fitted, cdnow_monetary):
    model, _ = fitted
    value = pd.Series(10.0, index=cdnow_monetary.index)
    clv = customer_lifetime_value(
        model,
        value,
        cdnow_monetary,
        value="revenue",
        interval=0.8,
        n_bootstrap=10,
        method="parametric",
        random_state=0,
    )
    np.testing.assert_allclose(clv["expected_value_per_purchase_lower"], 10.0)
    np.testing.assert_allclose(clv["expected_value_per_purchase_upper"], 10.0)


def test_interval_arguments_are_checked(fitted, cdnow_monetary):
    model, spend = fitted
    with pytest.raises(ValidationError, match="interval must be"):
        customer_lifetime_value(model, spend, cdnow_monetary, value="revenue", interval=90)
    with pytest.raises(ValidationError, match="method must be"):
        parameter_draws(model, cdnow_monetary, method="jackknife")
    with pytest.raises(ValidationError, match="n_bootstrap"):
        parameter_draws(model, cdnow_monetary, n_draws=1)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::clientalytics.exceptions.DataQualityWarning")
def test_coverage_is_not_absurd():
    """Twenty simulated data sets (see benchmarks/coverage_clv_intervals.py): the 90 %
    intervals of CLV and P(alive) contain the true values for most clients. With 800
    clients a few resamples are degenerate and dropped, which warns."""
    import importlib.util
    from collections import defaultdict
    from pathlib import Path

    path = Path(__file__).parents[2] / "benchmarks" / "coverage_clv_intervals.py"
    spec = importlib.util.spec_from_file_location("coverage_clv_intervals", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(11)
    hits: dict = defaultdict(list)
    for i in range(20):
        module.one_dataset(module.simulate(800, rng), 40, i, hits)
    for key in [("clv", "parametric"), ("probability_alive", "parametric"), ("clv", "bootstrap")]:
        assert 0.6 < np.mean(hits[key]) <= 1.0, (key, np.mean(hits[key]))


def test_residual_value_is_dert_times_value(fitted, cdnow_monetary):
    """Infinite horizon: DERT at the weekly equivalent of 10 % a year, times spend; it
    exceeds every finite-horizon CLV and the 50-year CLV approaches it."""
    from clientalytics.clv.value import period_discount_rate, residual_lifetime_value

    model, spend = fitted
    table = residual_lifetime_value(model, spend, cdnow_monetary, value="revenue")
    weekly = period_discount_rate(0.10, time_unit="W")
    dert = model.discounted_expected_purchases(cdnow_monetary, discount_rate=weekly)
    np.testing.assert_allclose(table["dert"], dert)
    np.testing.assert_allclose(table["clv"], dert * spend.expected_value(cdnow_monetary))
    some = cdnow_monetary.head(100)
    long = customer_lifetime_value(model, spend, some, value="revenue", horizon_months=600)
    assert (long["clv"] <= table["clv"].head(100) * 1.01).all()
    assert long["clv"].sum() == pytest.approx(table["clv"].head(100).sum(), rel=0.02)


def test_shared_valuations_give_the_per_client_bounds_and_totals(fitted, cdnow_monetary):
    """Bounds and segment totals formed once per distinct valuation equal the per-client
    replicates, negative margin rates included (they swap the bounds)."""
    model, spend = fitted
    summary = cdnow_monetary.head(3000)
    rng = np.random.default_rng(3)
    margin = pd.Series(rng.uniform(-0.3, 0.6, len(summary)), index=summary.index)
    draws = customer_value_draws(
        model,
        spend,
        summary,
        margin_rate=margin,
        n_bootstrap=30,
        method="parametric",
        random_state=2,
    )
    codes, first = draws.valuations()
    assert len(first) < len(summary)
    # one-time buyers of one history share a valuation
    assert codes.max() == len(first) - 1 and (codes[first] == np.arange(len(first))).all()
    every = slice(0, len(summary))
    replicates = draws.clv(every)
    lower, upper = np.quantile(replicates, [0.05, 0.95], axis=1)
    table = draws.interval_table(0.9)
    np.testing.assert_allclose(table["clv_lower"], lower, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(table["clv_upper"], upper, rtol=1e-9, atol=1e-12)
    assert (margin < 0).any() and (table["clv_lower"] <= table["clv_upper"]).all()
    spend_lo, spend_hi = np.quantile(draws.value_per_purchase(every), [0.05, 0.95], axis=1)
    np.testing.assert_allclose(table["expected_value_per_purchase_lower"], spend_lo, rtol=1e-12)
    np.testing.assert_allclose(table["expected_value_per_purchase_upper"], spend_hi, rtol=1e-12)
    labels = np.where(summary["frequency"].to_numpy() > 1, "repeat", "rare")
    totals = np.zeros((2, draws.n_replicates))
    for k, name in enumerate(["repeat", "rare"]):
        totals[k] = replicates[labels == name].sum(axis=0)
    equity = draws.equity(labels).loc[["repeat", "rare"]].to_numpy()
    np.testing.assert_allclose(equity, totals, rtol=1e-9)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95])
@pytest.mark.parametrize("n_replicates", [1, 2, 7, 200])
def test_bounds_equal_numpy_quantile(level, n_replicates):
    values = np.random.default_rng(n_replicates).gamma(2.0, 3.0, size=(50, n_replicates))
    lower, upper = _bounds(values, level)
    expected = np.quantile(values, [(1 - level) / 2, (1 + level) / 2], axis=1)
    np.testing.assert_array_equal(lower, expected[0])
    np.testing.assert_array_equal(upper, expected[1])
