"""Segmentation from raw transactions gives identical numbers on every engine.

per_period_revenue, xyz_classes and rfm_scores aggregate the transactions inside
the engine of the input frame (pandas, Polars eager and lazy, DuckDB, Spark with
TIMESTAMP and TIMESTAMP_NTZ dates). The pandas result is the reference; a small
hand-computed case with credit notes and times of day pins the values themselves.
(abc_classes ranks a per-client summary, not transactions; the summary itself is
checked on every engine in test_summary_engines.py.)
"""

from __future__ import annotations

import math

import narwhals.dataframe as nw_dataframe
import pandas as pd
import pytest

from clientalytics.datasets import generate_transactions
from clientalytics.segmentation.abc_xyz import per_period_revenue, xyz_classes
from clientalytics.segmentation.rfm import rfm_scores

JAN, FEB, MAR = 2024 * 12, 2024 * 12 + 1, 2024 * 12 + 2


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    """Two years of the synthetic company's orders and credit notes, 300 clients."""
    return generate_transactions(300, 2, seed=11)


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    """Three clients over a leap-year February, with credit notes and times of day.

    Monthly net revenue: a 120 / 80 / 120 (a credit note of 30 on 31 January at
    23:30 nets into January), b 200 / 200 / 200, c nothing / 0 / 10 (an order of
    40 cancelled by a credit note the next day).
    """
    rows = [
        ("a", "2024-01-03 10:00", 100.0),
        ("a", "2024-01-20 09:00", 50.0),
        ("a", "2024-01-31 23:30", -30.0),
        ("a", "2024-02-01 00:15", 80.0),
        ("a", "2024-03-15 12:00", 120.0),
        ("b", "2024-01-10 08:00", 200.0),
        ("b", "2024-02-29 17:45", 200.0),
        ("b", "2024-03-31 22:00", 200.0),
        ("c", "2024-02-05 11:00", 40.0),
        ("c", "2024-02-06 11:00", -40.0),
        ("c", "2024-03-01 07:00", 10.0),
    ]
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_per_period_revenue_hand_case(hand, frame_on):
    got = per_period_revenue(frame_on(hand), time_unit="M")
    assert list(zip(got["client_id"], got["period"], got["revenue"], strict=True)) == [
        ("a", JAN, 120.0),
        ("a", FEB, 80.0),
        ("a", MAR, 120.0),
        ("b", JAN, 200.0),
        ("b", FEB, 200.0),
        ("b", MAR, 200.0),
        ("c", FEB, 0.0),
        ("c", MAR, 10.0),
    ]


@pytest.mark.parametrize("time_unit", ["D", "W"])
def test_per_period_revenue_days_and_weeks_hand_case(hand, frame_on, time_unit):
    expected = per_period_revenue(hand, time_unit=time_unit)
    # every row is on its own day; weekly, a's credit note of Wednesday 31 January
    # nets with its order of Thursday 1 February, and c's order with its credit note
    assert len(expected) == (11 if time_unit == "D" else 9)
    if time_unit == "W":
        assert expected.loc[expected["client_id"] == "a", "revenue"].tolist() == [
            100.0,
            50.0,
            50.0,
            120.0,
        ]
        assert expected.loc[expected["client_id"] == "c", "revenue"].tolist() == [0.0, 10.0]
    got = per_period_revenue(frame_on(hand), time_unit=time_unit)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_xyz_hand_case(hand, frame_on):
    got = xyz_classes(frame_on(hand))
    assert got["xyz"].to_dict() == {"a": "Y", "b": "X", "c": "Z"}
    assert got["periods"].tolist() == [3, 3, 3]
    assert got.loc["a", "mean_revenue"] == pytest.approx(320 / 3)
    # a: deviations from 320 / 3 are 40 / 3, -80 / 3, 40 / 3 (population std)
    std_a = math.sqrt((2 * (40 / 3) ** 2 + (80 / 3) ** 2) / 3)
    assert got.loc["a", "cv"] == pytest.approx(std_a / (320 / 3))
    assert got.loc["b", "cv"] == 0.0
    # c over the window: 0, 0, 10 -> std / mean = sqrt(2)
    assert got.loc["c", "cv"] == pytest.approx(math.sqrt(2))
    since_first = xyz_classes(frame_on(hand), since="first_purchase")
    # c from its first period: 0, 10 -> cv 1
    assert since_first.loc["c", "periods"] == 2
    assert since_first.loc["c", "cv"] == pytest.approx(1.0)


def test_per_period_revenue_generated_same_on_every_engine(generated, frame_on):
    expected = per_period_revenue(generated, time_unit="M")
    got = per_period_revenue(frame_on(generated), time_unit="M")
    assert expected["revenue"].sum() == pytest.approx(generated["revenue"].sum())
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize("since", ["window", "first_purchase"])
def test_xyz_generated_same_on_every_engine(generated, frame_on, since):
    # wide thresholds: monthly demand in the synthetic company is erratic (cv 0.3 to 5)
    options = dict(
        since=since, thresholds=(1.5, 3.0), start="2023-01-01", observation_end="2024-12-31"
    )
    expected = xyz_classes(generated, **options)
    got = xyz_classes(frame_on(generated), **options)
    assert set(expected["xyz"]) == {"X", "Y", "Z"}
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_rfm_from_transactions_same_on_every_engine(generated, frame_on):
    options = dict(observation_end="2024-12-31", monetary_col="total_margin")
    expected = rfm_scores(generated, **options)
    got = rfm_scores(frame_on(generated), **options)
    assert len(expected) == generated["client_id"].nunique()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_only_per_client_period_rows_come_back(generated, engine, frame_on, monkeypatch):
    """The raw transactions never reach pandas: every collected frame is aggregated.

    On a pandas input the RFM summary takes the array path, which collects only
    the one-row input check.
    """
    sizes: list[int] = []
    real_to_pandas = nw_dataframe.DataFrame.to_pandas

    def spy(self):
        out = real_to_pandas(self)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(nw_dataframe.DataFrame, "to_pandas", spy)
    frame = frame_on(generated)
    series = per_period_revenue(frame)
    assert sizes and max(sizes) == len(series) < len(generated) / 3
    sizes.clear()
    xyz = xyz_classes(frame)
    assert sizes and max(sizes) == len(series)
    assert len(xyz) == generated["client_id"].nunique()
    sizes.clear()
    scores = rfm_scores(frame, observation_end="2024-12-31")
    assert len(scores) < len(generated) / 10
    assert sizes and max(sizes) == (1 if engine == "pandas" else len(scores))


def test_golden_ranking_same_on_every_engine(generated, frame_on):
    """The ranking's per-client criteria (margin, growth, tenure) come from the input's engine."""
    from clientalytics.ranking import rank_golden_clients

    expected = rank_golden_clients(generated, observation_end="2024-12-31").table
    got = rank_golden_clients(frame_on(generated), observation_end="2024-12-31").table
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
