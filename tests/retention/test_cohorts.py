import duckdb
import pandas as pd
import polars as pl
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.retention import COHORT_COLUMNS, cohort_matrix, cohort_table

TX = pd.DataFrame(
    {
        "client_id": ["a", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(
            ["2024-01-10", "2024-02-10", "2024-02-11", "2024-01-15", "2024-02-20", "2024-03-02"]
        ),
        "revenue": [100.0, 60.0, 20.0, 50.0, 30.0, 45.0],
    }
)


def test_hand_computed_cohorts():
    """January cohort {a, b}: Feb a buys 80 of 150; March nobody. February cohort {c}."""
    c = cohort_table(TX, observation_end="2024-03-31")
    assert list(c.columns) == COHORT_COLUMNS
    jan = c[c["cohort"] == pd.Timestamp("2024-01-01")]
    assert jan["age"].tolist() == [0, 1, 2]
    assert jan["cohort_size"].tolist() == [2, 2, 2]
    assert jan["active_clients"].tolist() == [2, 1, 0]
    assert jan["active_share"].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert jan["revenue"].tolist() == pytest.approx([150.0, 80.0, 0.0])
    assert jan["revenue_share"].tolist() == pytest.approx([1.0, 80 / 150, 0.0])
    feb = c[c["cohort"] == pd.Timestamp("2024-02-01")]
    assert feb["active_clients"].tolist() == [1, 1]
    assert feb["revenue_share"].tolist() == pytest.approx([1.0, 1.5])


def test_matrix_and_engines():
    c = cohort_table(TX, time_unit="M", observation_end="2024-03-31")
    m = cohort_matrix(c)
    assert m.shape == (2, 3)
    assert pd.isna(m.iloc[1, 2])  # February cohort not yet observed at age 2
    for native in (pl.from_pandas(TX), duckdb.from_df(TX)):
        pd.testing.assert_frame_equal(
            cohort_table(native, observation_end="2024-03-31"), c, check_dtype=False
        )


def test_grouped_cohorts_need_a_group_for_the_matrix():
    clients = pd.Series({"a": "big", "b": "small", "c": "big"})
    c = cohort_table(TX, clients=clients, observation_end="2024-03-31")
    assert set(c["group"]) == {"big", "small"}
    with pytest.raises(ValidationError, match="has 2 groups"):
        cohort_matrix(c)
    assert cohort_matrix(c, group="small").iloc[0, 0] == 1.0
