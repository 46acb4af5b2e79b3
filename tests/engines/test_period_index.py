"""period_index_expr numbers periods the same way on every engine.

The reference is :func:`clientalytics.periods.period_index`, computed from pandas
timestamps one by one; the expression must reproduce it inside each engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics.engine import collect, to_lazy
from clientalytics.periods import period_index, period_index_expr, period_start

EDGES = [
    "1700-02-28 23:59:59",  # 1700 is not a leap year
    "1700-03-01",
    "1899-12-31 12:00",
    "1900-03-01",  # nor is 1900
    "1969-12-28 23:00",  # Sunday before the week of the epoch
    "1969-12-29",  # Monday: week 0 starts
    "1970-01-01",
    "1970-01-05",  # Monday: week 1
    "2000-02-29 18:30",  # 2000 is
    "2000-03-01",
    "2023-12-31 23:59:59",
    "2024-02-29",
    "2100-03-01",
    "2262-01-01",
]


@pytest.fixture(scope="module")
def dates() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    low, high = pd.Timestamp("1700-01-01").value, pd.Timestamp("2262-04-01").value
    random = pd.to_datetime(rng.integers(low, high, 400, dtype=np.int64)).floor("s")
    values = pd.DatetimeIndex(pd.to_datetime(EDGES, format="ISO8601")).append(random)
    return pd.DataFrame({"row": np.arange(len(values)), "date": values.astype("datetime64[ns]")})


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_period_index_expr_matches_period_index(dates, frame_on, unit):
    lazy = to_lazy(frame_on(dates))
    got = collect(lazy.select("row", period_index_expr("date", unit).alias("period")))
    got = got.sort_values("row").reset_index(drop=True)
    expected = [period_index(moment, unit) for moment in dates["date"]]
    assert got["period"].astype("int64").tolist() == expected


def test_known_indexes():
    """Hand-checked: 1970-01-01 is day 0 and in week 0; 2024-01-01 is a Monday."""
    assert period_index(pd.Timestamp("1970-01-01"), "D") == 0
    assert period_index(pd.Timestamp("2024-01-01"), "D") == 19723
    assert period_index(pd.Timestamp("2024-01-01"), "W") == (19723 + 3) // 7 == 2818
    assert period_index(pd.Timestamp("2023-12-31"), "W") == 2817
    assert period_start(2818, "W") == pd.Timestamp("2024-01-01")
    assert period_index(pd.Timestamp("2024-03-15"), "M") == 2024 * 12 + 2
