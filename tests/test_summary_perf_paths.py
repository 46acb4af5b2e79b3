"""The NumPy path for pandas input gives the numbers of the engine plan.

A pandas frame with NumPy datetimes is summarised with array operations; every
other input runs the narwhals plan inside its engine. Both must agree: the plan is
forced on the same pandas frame (by making the encoder decline it) and the two
results are compared column by column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clientalytics.summary as summary_module
from clientalytics import calibration_holdout_split, summarize
from clientalytics.engine import to_lazy
from clientalytics.periods import period_index


def _random_transactions(seed: int, n: int = 4000) -> pd.DataFrame:
    """Orders with times of day over two year ends and a leap day, 6% credit notes."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 86_400 * 600, n)
    revenue = rng.gamma(2.0, 80.0, n).round(2)
    notes = rng.random(n) < 0.06
    revenue[notes] *= -0.4
    return pd.DataFrame(
        {
            "client_id": np.char.add("K", rng.integers(0, 300, n).astype(str)),
            "date": pd.Timestamp("2023-10-02") + pd.to_timedelta(seconds, unit="s"),
            "revenue": revenue,
            "variable_cost": (np.abs(revenue) * rng.uniform(0.4, 0.9, n)).round(2),
        }
    )


@pytest.fixture
def engine_plan(monkeypatch):
    """Run a function with the array path switched off (the engine plan on pandas)."""

    def run(func, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(summary_module, "_encode", lambda *a, **k: None)
            return func(*args, **kwargs)

    return run


@pytest.mark.parametrize("unit", ["D", "W", "M"])
@pytest.mark.parametrize("seed", [0, 1])
def test_arrays_equal_engine_plan(engine_plan, unit, seed):
    tx = _random_transactions(seed)
    options = dict(observation_end="2025-06-30", time_unit=unit)
    fast = summarize(tx, **options)
    plan = engine_plan(summarize, tx, **options)
    pd.testing.assert_frame_equal(fast, plan, check_exact=False, rtol=1e-12)
    exact = ["frequency", "recency", "T", "n_orders", "first_purchase", "last_purchase"]
    pd.testing.assert_frame_equal(fast[exact], plan[exact], check_exact=True)


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_calibration_arrays_equal_engine_plan(engine_plan, unit):
    tx = _random_transactions(2)
    options = dict(calibration_end="2024-12-31", observation_end="2025-06-30", time_unit=unit)
    fast = calibration_holdout_split(tx, **options)
    plan = engine_plan(calibration_holdout_split, tx, **options)
    assert (fast["frequency_holdout"] > 0).any()
    pd.testing.assert_frame_equal(fast, plan, check_exact=False, rtol=1e-12)


def test_pandas_input_takes_the_array_path(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the engine plan ran on a pandas frame with NumPy dates")

    monkeypatch.setattr(summary_module, "_per_client_plan", refuse)
    tx = _random_transactions(3, n=500)
    buyers = tx.loc[tx["revenue"] >= 0, "client_id"].nunique()
    assert len(summarize(tx, observation_end="2025-06-30")) == buyers


def test_credit_notes_in_and_out_of_purchase_periods(engine_plan):
    """Hand-computed weekly case; credit notes inside and outside purchase weeks."""
    tx = pd.DataFrame(
        {
            "client_id": ["a", "a", "a", "a", "a", "b", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",  # Mon, week 1: credit note before any order
                    "2024-01-08",  # Mon, week 2: credit note in the first purchase week
                    "2024-01-10",  # Wed, week 2: first order
                    "2024-01-17",  # Wed, week 3: order
                    "2024-01-18",  # Thu, week 3: credit note in a repeat week
                    "2024-01-02",  # b has credit notes only: no row
                    "2024-01-03",
                    "2024-01-04",
                ]
            ),
            "revenue": [-5.0, -10.0, 100.0, 60.0, -20.0, -7.0, 30.0, 30.0],
            "variable_cost": [0.0, 0.0, 50.0, 30.0, 0.0, 0.0, 10.0, 10.0],
        }
    )
    for result in (
        summarize(tx, observation_end="2024-01-31", time_unit="W"),
        engine_plan(summarize, tx, observation_end="2024-01-31", time_unit="W"),
    ):
        assert list(result.index) == ["a", "c"]
        a, c = result.loc["a"], result.loc["c"]
        assert (a.frequency, a.recency, a["T"], a.n_orders) == (1, 1.0, 3.0, 2)
        assert a.monetary_value == 40.0  # week 3: 60 - 20
        assert (a.total_revenue, a.total_margin) == (125.0, 45.0)
        assert a.mean_margin == 22.5
        # the purchase weeks start with the credit note of Jan 8 and end on Jan 18
        assert a.first_purchase == pd.Timestamp("2024-01-08")
        assert a.last_purchase == pd.Timestamp("2024-01-18")
        assert (c.frequency, c.monetary_value, c.n_orders, c.total_revenue) == (0, 0.0, 2, 60.0)


@pytest.mark.parametrize("resolution", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_period_index_of_arrays(resolution, unit):
    """Dates before 1970 and times of day: floor, not truncation, at every resolution."""
    dates = pd.to_datetime(
        [
            "1969-12-28 23:00",
            "1969-12-29 00:00:01",
            "1969-12-31 23:59:59",
            "1970-01-01",
            "1970-01-05 12:00",
            "1900-03-01 06:00",
            "2000-02-29 18:30",
            "2024-12-31 23:59:59",
        ],
        format="ISO8601",
    ).as_unit(resolution)
    frame = pd.DataFrame({"client_id": list("abcdefgh"), "date": dates, "revenue": 1.0})
    encoded = summary_module._encode(
        to_lazy(frame),
        client_col="client_id",
        date_col="date",
        revenue_col="revenue",
        cost_col=None,
        time_unit=unit,
    )
    assert encoded is not None
    expected = [period_index(moment, unit) for moment in dates]
    np.testing.assert_array_equal(encoded.period, expected)


def test_other_column_types_use_the_same_numbers(engine_plan):
    """Integer revenue, second-resolution dates and no cost column."""
    tx = _random_transactions(4, n=1500)
    tx["revenue"] = tx["revenue"].round().astype("int64")
    tx["date"] = tx["date"].astype("datetime64[s]")
    options = dict(cost_col=None, observation_end="2025-06-30", time_unit="W")
    fast = summarize(tx, **options)
    plan = engine_plan(summarize, tx, **options)
    pd.testing.assert_frame_equal(fast, plan, check_exact=False, rtol=1e-12)
    assert (fast["total_margin"] == fast["total_revenue"]).all()


def test_time_zone_aware_dates_run_the_engine_plan():
    tx = _random_transactions(5, n=300)
    aware = tx.assign(date=tx["date"].dt.tz_localize("UTC"))
    encoded = summary_module._encode(
        to_lazy(aware),
        client_col="client_id",
        date_col="date",
        revenue_col="revenue",
        cost_col="variable_cost",
        time_unit="D",
    )
    assert encoded is None
