"""RFM scores: hand-computed quantiles, ties, fixed edges, engines, bad input, properties."""

import warnings

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import DataQualityWarning, ValidationError, summarize
from clientalytics.segmentation import rfm_scores
from tests.segmentation.conftest import make_summary


def test_ten_distinct_clients_two_per_score():
    # days 0..9, orders 1..10, revenue 10..100: every score holds exactly two clients
    s = make_summary(range(10), range(1, 11), np.arange(1, 11) * 10.0)
    scores = rfm_scores(s)
    # most recent (0 and 1 days) get R = 5; 8 and 9 days get R = 1
    assert scores["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert scores["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["M"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores.loc["c09", "RFM"] == "155" and scores.loc["c09", "rfm_score"] == 11
    assert list(scores.columns) == [
        "recency_days",
        "frequency",
        "monetary",
        "R",
        "F",
        "M",
        "RFM",
        "rfm_score",
    ]


def test_seven_clients_follow_the_floor_formula():
    # score = 1 + floor(5 * (clients strictly worse) / 7): 0,0.71,1.43,2.14,2.86,3.57,4.29
    s = make_summary([5] * 7, [1] * 7, [1, 2, 3, 4, 5, 6, 7])
    with pytest.warns(DataQualityWarning):
        scores = rfm_scores(s)
    assert scores["M"].tolist() == [1, 1, 2, 3, 3, 4, 5]


def test_ties_share_the_lowest_score_and_warn():
    # 7 one-order clients, 2 two-order clients, 1 three-order client
    s = make_summary(range(10), [1] * 7 + [2, 2, 3], np.arange(1, 11) * 10.0)
    with pytest.warns(DataQualityWarning, match=r"RFM F: only 3 of 5 scores used"):
        scores = rfm_scores(s)
    # ones: nobody worse -> 1; twos: 7 worse -> 1 + floor(3.5) = 4; three: 9 worse -> 5
    assert scores["F"].tolist() == [1] * 7 + [4, 4, 5]


def test_result_does_not_depend_on_row_order():
    s = make_summary([3, 3, 1, 7, 7, 0, 2], [1, 2, 2, 1, 5, 1, 1], [5, 5, 9, 1, 3, 3, 8])
    with pytest.warns(DataQualityWarning):
        a = rfm_scores(s)
    with pytest.warns(DataQualityWarning):
        b = rfm_scores(s.iloc[::-1])
    pd.testing.assert_frame_equal(a, b.loc[a.index])


def test_single_client_and_all_equal_get_score_one():
    with pytest.warns(DataQualityWarning):
        one = rfm_scores(make_summary([4], [2], [50.0]))
    assert one.loc["c00", ["R", "F", "M"]].tolist() == [1, 1, 1]
    with pytest.warns(DataQualityWarning, match="1 distinct value"):
        same = rfm_scores(make_summary([4] * 6, [2] * 6, [50.0] * 6))
    assert (same[["R", "F", "M"]] == 1).all().all()


def test_fixed_edges_boundaries_get_the_better_score():
    s = make_summary([0, 30, 31, 90, 400], [1, 2, 5, 10, 11], [0, 100, 150, 1000, 5000])
    scores = rfm_scores(
        s,
        edges={"R": [30, 90, 180, 365], "F": [2, 3, 5, 10], "M": [100, 500, 1000, 2000]},
    )
    # R: <= 30 days -> 5, (30, 90] -> 4, > 365 -> 1
    assert scores["R"].tolist() == [5, 5, 4, 4, 1]
    # F: value on an edge goes up: 2 -> 2, 5 -> 4, 10 -> 5
    assert scores["F"].tolist() == [1, 2, 4, 5, 5]
    assert scores["M"].tolist() == [1, 2, 2, 4, 5]


def test_bad_edges_and_options_raise():
    s = make_summary(range(10), range(1, 11), range(10))
    with pytest.raises(ValidationError, match="4 finite, strictly increasing"):
        rfm_scores(s, edges={"R": [5, 3, 10, 20]})
    with pytest.raises(ValidationError, match="4 finite"):
        rfm_scores(s, edges={"F": [1, 2]})
    with pytest.raises(ValidationError, match="edges keys"):
        rfm_scores(s, edges={"X": [1, 2, 3, 4]})
    with pytest.raises(ValidationError, match="bins must be an integer >= 2"):
        rfm_scores(s, bins=1)
    with pytest.raises(ValidationError, match="monetary_col"):
        rfm_scores(s, monetary_col="price")


def test_nan_and_empty_raise():
    s = make_summary(range(5), range(1, 6), [1.0, np.nan, 3.0, np.nan, 5.0])
    with pytest.raises(ValidationError, match=r"'total_revenue' has 2 missing.*c01"):
        rfm_scores(s)
    with pytest.raises(ValidationError, match="empty"):
        rfm_scores(make_summary([], [], []))
    with pytest.raises(ValidationError, match="empty"):
        rfm_scores(pd.DataFrame({"client_id": [], "date": [], "revenue": [], "variable_cost": []}))


def test_transactions_are_summarised_with_rfm_recency(random_transactions):
    tx = random_transactions
    summary = summarize(tx, observation_end="2025-01-01")
    direct = rfm_scores(tx, observation_end="2025-01-01")
    pd.testing.assert_frame_equal(direct, rfm_scores(summary))
    # recency is days since the last purchase, not the first-to-last span
    assert (direct["recency_days"] == summary["days_since_last_purchase"]).all()
    assert not (direct["recency_days"] == summary["recency"]).all()


@pytest.mark.parametrize(
    "engine",
    [pl.from_pandas, lambda f: pl.from_pandas(f).lazy(), duckdb.from_df],
    ids=["polars", "polars-lazy", "duckdb"],
)
def test_same_scores_on_every_engine(random_transactions, engine):
    expected = rfm_scores(random_transactions, observation_end="2025-01-01")
    got = rfm_scores(engine(random_transactions), observation_end="2025-01-01")
    pd.testing.assert_frame_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 6), st.floats(-50, 1e5, allow_nan=False)),
        min_size=1,
        max_size=60,
    ),
    st.integers(2, 7),
)
def test_scores_in_range_and_monotone(rows, bins):
    days, orders, revenue = (list(x) for x in zip(*rows, strict=True))
    s = make_summary(days, orders, revenue)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        scores = rfm_scores(s, bins=bins)
    for dim in ("R", "F", "M"):
        assert scores[dim].between(1, bins).all()
    # more recent never scores lower; more revenue never scores lower
    order = np.argsort(scores["recency_days"].to_numpy(), kind="stable")
    assert np.all(np.diff(scores["R"].to_numpy()[order]) <= 0)
    order = np.argsort(scores["monetary"].to_numpy(), kind="stable")
    assert np.all(np.diff(scores["M"].to_numpy()[order]) >= 0)
