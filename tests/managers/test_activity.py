"""Per-client period activity: quarters from months, missing values named, same on Polars."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.managers import client_period_activity


def test_activity_same_on_polars():
    pl = __import__("pytest").importorskip("polars")
    tx = pd.DataFrame(
        {
            "client_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-01-05", "2024-05-05", "2024-02-01"]),
            "revenue": [10.0, 20.0, 5.0],
            "variable_cost": [4.0, 5.0, 1.0],
        }
    )
    expected = client_period_activity(tx, time_unit="Q")
    got = client_period_activity(pl.from_pandas(tx).lazy(), time_unit="Q")
    pd.testing.assert_frame_equal(got, expected)


def test_activity_rolls_up_months_to_quarters(company):
    tx, _ = company
    act = client_period_activity(tx, time_unit="Q")
    a = act[act["client_id"] == "a"].set_index("period")
    assert a["revenue"].to_dict() == {
        pd.Timestamp("2024-01-01"): 100.0,
        pd.Timestamp("2024-04-01"): 100.0,
        pd.Timestamp("2024-07-01"): -10.0,
    }
    assert a["margin"].tolist() == [40.0, 40.0, -10.0]
    assert a["active"].tolist() == [True, True, False]
    assert len(act) == 9
    assert act["active"].sum() == 8  # the lone credit note of a in Q3 is not activity


def test_activity_names_the_column_with_missing_values(company):
    tx, _ = company
    tx.loc[2, "revenue"] = np.nan
    with pytest.raises(ValidationError, match=r"column 'revenue' has 1 missing value"):
        client_period_activity(tx, time_unit="Q")
    with pytest.raises(ValidationError, match=r"the table is empty"):
        client_period_activity(tx.iloc[0:0], time_unit="Q")
