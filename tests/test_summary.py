"""Per-client summaries: hand-computed cases, equality with lifetimes, engine parity."""

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from lifetimes.datasets import load_dataset
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

from clientalytics import ValidationError, calibration_holdout_split, summarize


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
    np.testing.assert_allclose(ours["monetary_value_holdout"], ref["monetary_value_holdout"])
    assert ours["duration_holdout"].iloc[0] == 39.0


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
def test_summary_records_its_time_unit(unit):
    assert summarize(_small(), observation_end="2024-03-01", time_unit=unit).attrs == {
        "time_unit": unit
    }


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
