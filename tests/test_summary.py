"""Per-client summaries: hand-computed cases, equality with lifetimes, engine parity."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from lifetimes.datasets import load_dataset
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

import clientalytics.summary as summary_module
from clientalytics import ValidationError, calibration_holdout_split, summarize
from clientalytics._engines import _pandas as pandas_plan
from clientalytics.engine import to_lazy
from clientalytics.periods import period_index


@pytest.fixture(scope="module")
def cdnow():
    tx = load_dataset("CDNOW_master.txt", sep=r"\s+", dtype={"customer_id": str, "date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx


def _small():
    return pd.DataFrame(
        {
            "client_id": ["a", "a", "a", "a", "b", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-01 09:00",  # Monday
                    "2024-01-01 15:00",  # same day: one purchase period
                    "2024-01-03",  # same week
                    "2024-01-15",
                    "2024-01-10",
                    "2024-01-02",
                    "2024-01-20",  # credit note only: no purchase period
                ],
                format="ISO8601",
            ),
            "revenue": [10.0, 20.0, 5.0, 40.0, 7.0, 100.0, -30.0],
            "variable_cost": [4.0, 8.0, 2.0, 10.0, 7.0, 60.0, -10.0],
        }
    )


def test_hand_computed_daily_summary():
    s = summarize(_small(), observation_end="2024-01-31", time_unit="D")
    a, b, c = s.loc["a"], s.loc["b"], s.loc["c"]
    # a: purchase days Jan 1 (30), Jan 3 (5), Jan 15 (40)
    assert (a.frequency, a.recency, a["T"]) == (2, 14.0, 30.0)
    assert a.monetary_value == pytest.approx((5 + 40) / 2)
    assert a.n_orders == 4 and a.total_revenue == 75.0 and a.total_margin == 75.0 - 24.0
    assert a.mean_margin == pytest.approx(51.0 / 3)
    assert a.days_since_last_purchase == 16
    assert (b.frequency, b.recency, b["T"], b.monetary_value) == (0, 0.0, 21.0, 0.0)
    # c: credit note nets revenue and margin but is no purchase
    assert (c.frequency, c.n_orders, c.total_revenue, c.total_margin) == (0, 1, 70.0, 20.0)
    assert c.last_purchase == pd.Timestamp("2024-01-02") and c.days_since_last_purchase == 29


def test_weekly_and_monthly_units():
    w = summarize(_small(), observation_end="2024-01-31", time_unit="W")
    # a: weeks of Jan 1 and Jan 15 -> 2 periods; Jan 31 is 4 weeks after week of Jan 1
    assert (w.loc["a", "frequency"], w.loc["a", "recency"], w.loc["a", "T"]) == (1, 2.0, 4.0)
    assert w.loc["a", "monetary_value"] == 40.0
    m = summarize(_small(), observation_end="2024-03-01", time_unit="M")
    assert (m.loc["a", "frequency"], m.loc["a", "T"]) == (0, 2.0)


@pytest.mark.parametrize("unit", ["D", "W"])
def test_equals_lifetimes_on_cdnow(cdnow, unit):
    """CDNOW master file (23,570 customers) against lifetimes 0.11.3."""
    ref = summary_data_from_transaction_data(
        cdnow,
        "customer_id",
        "date",
        monetary_value_col="dollar_value",
        observation_period_end="1998-06-30",
        freq=unit,
    )
    ours = summarize(
        cdnow,
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        observation_end="1998-06-30",
        time_unit=unit,
    )
    assert len(ours) == len(ref) == 23570
    ref = ref.loc[ours.index]
    for col in ["frequency", "recency", "T"]:
        np.testing.assert_array_equal(ours[col].to_numpy(), ref[col].to_numpy())
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-12)


def test_calibration_holdout_equals_lifetimes(cdnow):
    ref = calibration_and_holdout_data(
        cdnow,
        "customer_id",
        "date",
        calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30",
        freq="W",
        monetary_value_col="dollar_value",
    )
    ours = calibration_holdout_split(
        cdnow,
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    ref = ref.loc[ours.index]
    for col in ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]:
        np.testing.assert_array_equal(ours[col].to_numpy(dtype=float), ref[col].to_numpy())
    assert ours["duration_holdout"].iloc[0] == 39.0
    # Holdout spend is per purchase period, the unit of the calibration monetary_value;
    # lifetimes averages holdout orders instead, so the two differ where a client
    # orders twice in one week.
    hold = cdnow[(cdnow["date"] > "1997-09-30") & (cdnow["date"] <= "1998-06-30")]
    weekly = hold.groupby(["customer_id", hold["date"].dt.to_period("W")])["dollar_value"].sum()
    per_period = weekly.groupby(level=0).mean()
    per_period.index = per_period.index.astype(str)
    expected = per_period.reindex(ours.index).fillna(0.0)
    np.testing.assert_allclose(ours["monetary_value_holdout"], expected.to_numpy(), rtol=1e-12)
    two_orders = weekly.groupby(level=0).size() < hold.groupby("customer_id").size()
    assert two_orders.sum() > 0  # the case where per-order and per-period means differ


@pytest.mark.parametrize(
    "engine",
    [
        lambda f: pl.from_pandas(f),
        lambda f: pl.from_pandas(f).lazy(),
        lambda f: duckdb.from_df(f),
    ],
    ids=["polars", "polars-lazy", "duckdb"],
)
@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_same_numbers_on_every_engine(cdnow, engine, unit):
    sample = cdnow.iloc[:5000]
    expected = summarize(
        sample,
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        observation_end="1998-06-30",
        time_unit=unit,
    )
    got = summarize(
        engine(sample),
        client_col="customer_id",
        revenue_col="dollar_value",
        cost_col=None,
        observation_end="1998-06-30",
        time_unit=unit,
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_bad_input_raises_with_column_and_count():
    tx = _small()
    with pytest.raises(ValidationError, match=r"2 row\(s\) after observation_end 2024-01-14"):
        summarize(tx, observation_end="2024-01-14")
    tx.loc[1, "revenue"] = np.nan
    with pytest.raises(ValidationError, match=r"column 'revenue' has 1 missing value"):
        summarize(tx)
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['variable_cost'\]"):
        summarize(tx.drop(columns="variable_cost"))
    with pytest.raises(ValidationError, match="empty"):
        summarize(_small().iloc[0:0])
    with pytest.raises(ValidationError, match="time_unit"):
        summarize(_small(), time_unit="Y")  # type: ignore[arg-type]


def test_invariants_on_random_data():
    rng = np.random.default_rng(1)
    n = 2000
    tx = pd.DataFrame(
        {
            "client_id": rng.integers(0, 200, n).astype(str),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "revenue": rng.gamma(2.0, 50.0, n),
            "variable_cost": rng.gamma(2.0, 20.0, n),
        }
    )
    s = summarize(tx, observation_end="2024-12-31", time_unit="W")
    assert (s["recency"] <= s["T"]).all() and (s["frequency"] <= s["recency"]).all()
    assert s["n_orders"].sum() == n
    assert s["total_revenue"].sum() == pytest.approx(tx["revenue"].sum())
    assert np.isfinite(s.select_dtypes("number")).all().all()


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summary_carries_no_attrs(unit):
    """The time unit travels as an argument (e.g. to the models' fit), never in attrs."""
    assert summarize(_small(), observation_end="2024-03-01", time_unit=unit).attrs == {}


def test_string_dates_raise_naming_the_column_and_the_fix():
    """Issue 12: text dates are never guessed (they used to end in a raw TypeError)."""
    text = _small().assign(date=lambda f: f["date"].dt.strftime("%d.%m.%Y"))
    with pytest.raises(ValidationError, match=r"column 'date' holds .* not dates.*validate"):
        summarize(text)
    with pytest.raises(ValidationError, match=r"column 'date' holds .* not dates"):
        calibration_holdout_split(text, calibration_end="2024-01-10")
    with pytest.raises(ValidationError, match=r"column 'date' holds .* not dates"):
        summarize(pl.from_pandas(text))


def test_text_amounts_raise_naming_the_column():
    decimal_commas = _small()["revenue"].map(lambda v: f"{v:.2f}".replace(".", ","))
    text = _small().assign(revenue=decimal_commas)
    with pytest.raises(ValidationError, match=r"column 'revenue' holds .* not numbers"):
        summarize(text)
    costs = _small().assign(variable_cost=lambda f: f["variable_cost"].astype(str))
    with pytest.raises(ValidationError, match=r"column 'variable_cost' holds .* not numbers"):
        summarize(costs)


def test_a_required_column_given_as_none_raises():
    with pytest.raises(ValidationError, match=r"revenue_col is required, got None"):
        summarize(_small(), revenue_col=None, cost_col=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"date_col is required, got None"):
        summarize(_small(), date_col=None)  # type: ignore[arg-type]
    # cost_col=None stays the documented way to have no costs
    s = summarize(_small(), cost_col=None, observation_end="2024-01-31")
    assert s.loc["a", "total_margin"] == s.loc["a", "total_revenue"] == 75.0


# The NumPy path for pandas input gives the numbers of the engine plan. A pandas frame with
# NumPy datetimes is summarised with array operations; every other input runs the narwhals
# plan inside its engine. Both must agree: the plan is forced on the same pandas frame (by
# making the encoder decline it) and the two results are compared column by column.


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
            m.setattr(pandas_plan, "encode", lambda *a, **k: None)
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
    encoded = pandas_plan.encode(
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
    encoded = pandas_plan.encode(
        to_lazy(aware),
        client_col="client_id",
        date_col="date",
        revenue_col="revenue",
        cost_col="variable_cost",
        time_unit="D",
    )
    assert encoded is None


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_time_zone_aware_dates_are_refused_not_converted(engine):
    """An order at 01:00 Moscow time is the previous day in UTC: the clock is the caller's call."""
    dates = pd.to_datetime(["2024-01-01 01:00", "2024-02-01 12:00", "2024-01-15 09:00"])
    frame = pd.DataFrame(
        {
            "client_id": ["a", "a", "b"],
            "date": dates.tz_localize("Europe/Moscow"),
            "revenue": [1.0, 2.0, 3.0],
        }
    )
    native = {"pandas": frame, "polars": pl.from_pandas(frame)}[engine]
    with pytest.raises(ValidationError, match=r"'date' is time-zone aware .*tz_localize\(None\)"):
        summarize(native, cost_col=None, observation_end="2024-03-01")
    local = frame.assign(date=frame["date"].dt.tz_localize(None))
    assert summarize(local, cost_col=None, observation_end="2024-03-01").loc["a", "frequency"] == 1
