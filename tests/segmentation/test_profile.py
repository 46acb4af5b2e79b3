"""Segment profiles: per-segment summaries of the client base."""

import warnings

import numpy as np
import pandas as pd
import pytest

from clientalytics import DataQualityWarning, ValidationError
from clientalytics.segmentation import rfm_scores, rfm_segments, segment_summary
from tests.segmentation.conftest import make_summary


def test_segment_summary_hand_computed():
    s = make_summary(
        [1, 2, 3, 4], [2, 3, 1, 4], [100.0, 200.0, 50.0, 650.0], margin=[10.0, -20.0, 5.0, 105.0]
    )
    segments = pd.Series(
        pd.Categorical(["A", "A", "B", "B"], categories=["A", "B", "C"]), index=s.index
    )
    clv = pd.DataFrame({"clv": [1.0, 3.0, 10.0, 20.0, 99.0]}, index=[*s.index, "zz"])
    out = segment_summary(segments, s, clv=clv)
    assert out.loc["A", "clients"] == 2 and out.loc["C", "clients"] == 0
    assert out.loc["A", "revenue"] == 300.0 and out.loc["A", "revenue_share"] == 0.3
    assert out.loc["A", "margin"] == -10.0 and out.loc["B", "margin_share"] == 110.0 / 100.0
    assert out.loc["A", "mean_order_value"] == 300.0 / 5
    assert out.loc["B", "mean_order_value"] == 700.0 / 5
    assert out.loc["A", "mean_clv"] == 2.0 and out.loc["B", "mean_clv"] == 15.0
    assert out.loc["C", "mean_clv"] == 0.0
    assert out["client_share"].sum() == pytest.approx(1.0)
    assert "mean_clv" not in segment_summary(segments, s).columns


def test_segment_summary_counts_add_up_on_scored_data(random_transactions):
    from clientalytics import summarize

    summary = summarize(random_transactions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        labels = rfm_segments(rfm_scores(summary), bins=5)
    out = segment_summary(labels, summary)
    assert out["clients"].sum() == len(summary)
    assert out["revenue"].sum() == pytest.approx(summary["total_revenue"].sum())
    assert np.isfinite(out.to_numpy(dtype=float)).all()


def test_segment_summary_rejects_unknown_clients():
    s = make_summary([1, 2], [1, 1], [1.0, 2.0])
    with pytest.raises(ValidationError, match="1 segmented client"):
        segment_summary(pd.Series(["A", "B", "A"], index=["c00", "c01", "x"]), s)
