"""Retention by segment judges each period by the segment at its start, not its end."""

import pandas as pd
import pytest

from clientalytics.retention import retention_by_start_segment, retention_coefficients

TX = pd.DataFrame(
    {
        "client_id": ["a", "a", "b", "c", "c", "d"],
        "date": pd.to_datetime(
            ["2023-11-01", "2024-11-01", "2023-11-15", "2023-03-01", "2024-10-01", "2023-02-01"]
        ),
        "revenue": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
    }
)
END = pd.Timestamp("2024-12-31")


def recency(history: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """'recent' when the last order is at most 180 days before ``as_of``."""
    last = history.groupby("client_id")["date"].max()
    return pd.Series(
        ["recent" if (as_of - d).days <= 180 else "old" for d in last], index=last.index
    )


def _rates(table: pd.DataFrame) -> dict:
    year = table[table["period"] == pd.Timestamp("2024-01-01")]
    return dict(zip(year["group"], year["retention_rate"], strict=True))


def test_end_of_period_labels_give_zero_and_hundred_by_construction():
    # Labelled at the END of 2024: a and c ordered in 2024 (recent), b and d did not.
    at_end = recency(TX, END)
    assert at_end.to_dict() == {"a": "recent", "b": "old", "c": "recent", "d": "old"}
    ended = retention_coefficients(
        TX, time_unit="Y", clients=at_end.rename("segment"), observation_end=END
    )
    assert _rates(ended) == {"old": 0.0, "recent": 1.0}


def test_start_of_period_labels():
    # At the start of 2024: a (61 days) and b (47 days) recent; c (306) and d (334) old.
    # All four were active at the start; a and c ordered again in 2024.
    table = retention_by_start_segment(TX, segmenter=recency, time_unit="Y", observation_end=END)
    assert _rates(table) == {"old": pytest.approx(0.5), "recent": pytest.approx(0.5)}
    row = table.set_index("group").loc["recent"]
    assert (row["clients_start"], row["lost"]) == (2, 1)
    only_last = retention_by_start_segment(
        TX, segmenter=recency, time_unit="Y", observation_end=END, last_periods=1
    )
    assert only_last["period"].unique().tolist() == [pd.Timestamp("2024-01-01")]


def test_the_segmenter_sees_only_the_history_before_the_start():
    seen = []

    def spy(history: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
        seen.append((as_of, history["date"].max()))
        return recency(history, as_of)

    retention_by_start_segment(TX, segmenter=spy, time_unit="Y", observation_end=END)
    for as_of, latest in seen:
        assert latest <= as_of
