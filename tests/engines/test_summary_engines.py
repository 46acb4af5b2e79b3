"""summarize and calibration_holdout_split give identical numbers on every engine.

The pandas result is the reference (it equals lifetimes, see tests/test_summary.py);
every other engine must reproduce it exactly, on CDNOW and on generated data.
"""

from __future__ import annotations

import duckdb
import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from lifetimes.datasets import load_dataset

import clientalytics.engine as engine_module
import clientalytics.summary as summary_module
from clientalytics import ValidationError, calibration_holdout_split, summarize


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    """First 4,000 rows of the CDNOW master file shipped with lifetimes."""
    tx = load_dataset("CDNOW_master.txt", sep=r"\s+", dtype={"customer_id": str, "date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx.iloc[:4000].reset_index(drop=True)


@pytest.fixture(scope="module")
def mixed_times() -> pd.DataFrame:
    """Random orders with times of day, over a leap day and two year ends, with credit notes."""
    rng = np.random.default_rng(7)
    n = 3000
    start = pd.Timestamp("2023-11-20")
    seconds = rng.integers(0, 86_400 * 500, n)
    revenue = rng.gamma(2.0, 100.0, n)
    revenue[rng.random(n) < 0.05] *= -0.3
    return pd.DataFrame(
        {
            "client_id": np.char.add("C", rng.integers(0, 150, n).astype(str)),
            "date": start + pd.to_timedelta(seconds, unit="s"),
            "revenue": revenue,
            "variable_cost": np.abs(revenue) * rng.uniform(0.5, 0.9, n),
        }
    )


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summarize_cdnow_same_on_every_engine(cdnow_sample, frame_on, unit):
    options = dict(
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        observation_end="1998-06-30",
        time_unit=unit,
    )
    expected = summarize(cdnow_sample, **options)
    got = summarize(frame_on(cdnow_sample), **options)
    assert len(expected) == cdnow_sample["customer_id"].nunique()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summarize_times_of_day_and_credit_notes(mixed_times, frame_on, unit):
    expected = summarize(mixed_times, observation_end="2025-04-30", time_unit=unit)
    got = summarize(frame_on(mixed_times), observation_end="2025-04-30", time_unit=unit)
    assert expected["total_revenue"].sum() == pytest.approx(mixed_times["revenue"].sum())
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False, rtol=1e-12)


def test_calibration_holdout_same_on_every_engine(cdnow_sample, frame_on):
    options = dict(
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    expected = calibration_holdout_split(cdnow_sample, **options)
    got = calibration_holdout_split(frame_on(cdnow_sample), **options)
    assert expected["duration_holdout"].iloc[0] == 39.0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False, rtol=1e-12)


def test_only_per_client_rows_come_back(mixed_times, engine, frame_on, monkeypatch):
    """The raw transactions never reach pandas: every collected frame is per client.

    A pandas input is summarised by the array path, which collects no frame at all.
    """
    sizes: list[int] = []
    real_collect = summary_module._collect

    def spy(frame):
        out = real_collect(frame)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(summary_module, "_collect", spy)
    result = summarize(frame_on(mixed_times), observation_end="2025-04-30")
    assert len(result) == mixed_times["client_id"].nunique() < len(mixed_times) / 10
    if engine == "pandas":
        assert sizes == []
    else:
        assert sizes and max(sizes) == len(result)


def test_bad_input_raises_the_same_on_every_engine(mixed_times, frame_on):
    with pytest.raises(ValidationError, match=r"row\(s\) after observation_end 2024-06-30"):
        summarize(frame_on(mixed_times), observation_end="2024-06-30")
    broken = mixed_times.copy()
    broken.loc[[3, 10], "revenue"] = np.nan
    with pytest.raises(ValidationError, match=r"column 'revenue' has 2 missing value"):
        summarize(frame_on(broken))
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['variable_cost'\]"):
        summarize(frame_on(mixed_times.drop(columns="variable_cost")))


@pytest.fixture
def handbacks(monkeypatch):
    """Sizes of every frame brought back to pandas: the input check and the results."""
    sizes: list[int] = []
    real_collect = engine_module.collect

    def spy(frame):
        out = real_collect(frame)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(engine_module, "collect", spy)
    monkeypatch.setattr(summary_module, "_collect", spy)
    return sizes


@pytest.fixture
def generic_plan(monkeypatch):
    """Run a function with the engine plans switched off (the narwhals plan everywhere)."""

    def run(func, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(summary_module, "backend", lambda *a, **k: None)
            return func(*args, **kwargs)

    return run


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_engine_plan_equals_generic_plan(mixed_times, frame_on, generic_plan, unit):
    """Each engine's own plan gives the numbers of the engine-generic narwhals plan."""
    options = dict(observation_end="2025-04-30", time_unit=unit)
    fast = summarize(frame_on(mixed_times), **options)
    generic = generic_plan(summarize, frame_on(mixed_times), **options)
    pd.testing.assert_frame_equal(fast, generic, check_exact=False, rtol=1e-12)
    split = dict(calibration_end="2024-09-30 12:00", **options)
    fast = calibration_holdout_split(frame_on(mixed_times), **split)
    generic = generic_plan(calibration_holdout_split, frame_on(mixed_times), **split)
    assert (fast["frequency_holdout"] > 0).sum() > 20
    pd.testing.assert_frame_equal(fast, generic, check_exact=False, rtol=1e-12)


def _to_pandas(native):
    """A native summary run and indexed like summarize's pandas output (test helper)."""
    if isinstance(native, pd.DataFrame):
        return native
    if hasattr(native, "toPandas"):
        frame = native.toPandas()
    elif hasattr(native, "df"):
        frame = native.df()
    else:
        frame = native.collect().to_pandas()
    return frame.set_index("client_id").sort_index()


def test_native_output_stays_in_the_engine(mixed_times, engine, frame_on, handbacks):
    """output="native" hands back the engine's own lazy frame; only the input check is collected."""
    expected = summarize(mixed_times, observation_end="2025-04-30", time_unit="W")
    handbacks.clear()
    native = summarize(
        frame_on(mixed_times), observation_end="2025-04-30", time_unit="W", output="native"
    )
    kinds = {
        "pandas": pd.DataFrame,
        "polars": pl.LazyFrame,
        "polars-lazy": pl.LazyFrame,
        "duckdb": duckdb.DuckDBPyRelation,
    }
    if engine in kinds:
        assert isinstance(native, kinds[engine])
    else:
        assert type(native).__name__ == "DataFrame" and hasattr(native, "sparkSession")
    if engine != "pandas":
        assert handbacks == [1]  # the one-row check of columns, nulls and the latest date
        names = nw.from_native(native).collect_schema().names()
        assert names == ["client_id", *summary_module.SUMMARY_COLUMNS]
    got = _to_pandas(native)
    for name in ("first_purchase", "last_purchase"):
        got[name] = pd.to_datetime(got[name]).dt.tz_localize(None).astype("datetime64[ns]")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False, rtol=1e-12)


def test_time_zone_aware_dates_take_the_generic_plan(mixed_times):
    """DuckDB TIMESTAMPTZ dates have no SQL plan: the generic plan gives the same numbers."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    frame = connection.from_df(mixed_times.assign(date=mixed_times["date"].dt.tz_localize("UTC")))
    expected = summarize(mixed_times, observation_end="2025-04-30")
    got = summarize(frame, observation_end="2025-04-30")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False, rtol=1e-12)
    with pytest.raises(ValidationError, match="output='native' needs a DuckDB, Polars or Spark"):
        summarize(frame, observation_end="2025-04-30", output="native")


def test_split_collects_per_client_rows_only(mixed_times, engine, frame_on, handbacks):
    result = calibration_holdout_split(
        frame_on(mixed_times), calibration_end="2024-09-30", observation_end="2025-04-30"
    )
    if engine == "pandas":
        assert handbacks == [1]  # the input check only
    else:
        assert max(handbacks) == len(result) < len(mixed_times) / 10
