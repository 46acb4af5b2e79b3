"""Fixtures of the engagement tests."""

import pandas as pd
import pytest


@pytest.fixture
def surveys():
    return pd.DataFrame(
        {
            "response_id": ["s1", "s2", "s3", "s4"],
            "client_id": ["a", "b", "c", "a"],
            "surveyed_at": pd.to_datetime(["2023-01-10", "2023-02-10", "2023-03-10", "2024-06-01"]),
            "nps_score": [10, 3, 8, None],
            "csat_score": [5, 1, 4, 4],
        }
    )
