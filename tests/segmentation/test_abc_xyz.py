"""ABC and XYZ classes and their matrix: hand-computed cases, boundaries, engines, properties."""

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import ValidationError
from clientalytics.segmentation import (
    ABC_XYZ_TREATMENTS,
    abc_classes,
    abc_xyz_matrix,
    per_period_revenue,
    xyz_classes,
)


def test_abc_hand_computed_with_boundary_and_tie():
    values = pd.Series({"a": 50.0, "b": 30.0, "c": 10.0, "e": 5.0, "d": 5.0})
    out = abc_classes(values)
    assert out.index.tolist() == ["a", "b", "c", "d", "e"]  # tie on 5 ordered by id
    np.testing.assert_allclose(out["cumulative_share"], [0.5, 0.8, 0.9, 0.95, 1.0])
    # b ends exactly on 80 % -> A; d ends exactly on 95 % -> B; e -> C
    assert out["abc"].tolist() == ["A", "A", "B", "B", "C"]
    assert out["rank"].tolist() == [1, 2, 3, 4, 5]


def test_abc_top_client_crossing_the_line_is_a():
    out = abc_classes(pd.Series({"big": 90.0, "x": 6.0, "y": 4.0}))
    assert out["abc"].tolist() == ["A", "B", "C"]


def test_abc_negative_margin_is_c_and_holds_no_share():
    s = pd.DataFrame({"total_margin": [60.0, 40.0, -25.0, 0.0]}, index=["p", "q", "r", "s"])
    out = abc_classes(s, by="total_margin", thresholds=(0.5, 0.9))
    assert out.loc["r", "share"] == 0.0 and out.loc["r", "abc"] == "C"
    assert out.loc["s", "abc"] == "C"
    assert out.loc["p", "abc"] == "A" and out.loc["q", "abc"] == "B"
    assert out["cumulative_share"].iloc[-1] == 1.0


def test_abc_bad_input():
    with pytest.raises(ValidationError, match="no positive value"):
        abc_classes(pd.Series({"a": 0.0, "b": -1.0}))
    with pytest.raises(
        ValidationError, match=r"1 missing or infinite value\(s\) \(clients \['b'\]"
    ):
        abc_classes(pd.Series({"a": 1.0, "b": np.nan}))
    with pytest.raises(ValidationError, match="empty"):
        abc_classes(pd.Series([], dtype=float))
    with pytest.raises(ValidationError, match="thresholds"):
        abc_classes(pd.Series({"a": 1.0}), thresholds=(0.9, 0.8))
    with pytest.raises(ValidationError, match="duplicate client"):
        abc_classes(pd.Series([1.0, 2.0], index=["a", "a"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-100, 1e6, allow_nan=False), min_size=1, max_size=80))
def test_abc_cumulative_shares_monotone(values):
    series = pd.Series(values, index=[f"c{i}" for i in range(len(values))])
    if series.clip(lower=0).sum() <= 0:
        with pytest.raises(ValidationError):
            abc_classes(series)
        return
    out = abc_classes(series)
    cumulative = out["cumulative_share"].to_numpy()
    assert np.all(np.diff(cumulative) >= 0)
    assert cumulative[-1] == pytest.approx(1.0)
    classes = out["abc"].map({"A": 0, "B": 1, "C": 2}).to_numpy()
    assert np.all(np.diff(classes) >= 0)
    assert out["abc"].iloc[0] == "A"
    assert sorted(out["rank"]) == list(range(1, len(values) + 1))


def _monthly(rows):
    """rows: (client, 'YYYY-MM', revenue)."""
    return pd.DataFrame(
        {
            "client_id": [r[0] for r in rows],
            "date": pd.to_datetime([f"{r[1]}-15" for r in rows]),
            "revenue": [float(r[2]) for r in rows],
        }
    )


def _series_rows(client, revenues):
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    return [(client, m, v) for m, v in zip(months, revenues, strict=True) if v != 0]


def test_xyz_hand_computed_and_boundaries():
    rows = (
        _series_rows("const", [100, 100, 100, 100])  # cv 0 -> X
        + _series_rows("x5", [105, 95, 105, 95])  # cv 0.05 -> X
        + _series_rows("y10", [110, 90, 110, 90])  # cv exactly 0.10 -> Y
        + _series_rows("y25", [125, 75, 125, 75])  # cv exactly 0.25 -> Y
        + _series_rows("z30", [130, 70, 130, 70])  # cv 0.30 -> Z
        + _series_rows("gaps", [100, 0, 100, 0])  # mean 50, std 50 -> cv 1 -> Z
    )
    out = xyz_classes(_monthly(rows), observation_end="2024-04-30")
    np.testing.assert_allclose(
        out.loc[["const", "x5", "y10", "y25", "z30", "gaps"], "cv"],
        [0.0, 0.05, 0.10, 0.25, 0.30, 1.0],
        atol=1e-12,
    )
    assert out.loc["gaps", "std_revenue"] == pytest.approx(50.0)
    assert out.loc["gaps", "periods"] == 4 and out.loc["gaps", "mean_revenue"] == 50.0
    assert out.loc[["const", "x5", "y10", "y25", "z30", "gaps"], "xyz"].tolist() == [
        "X",
        "X",
        "Y",
        "Y",
        "Z",
        "Z",
    ]


def test_xyz_since_first_purchase_and_short_history():
    rows = _series_rows("late", [0, 0, 100, 100]) + _series_rows("last", [0, 0, 0, 80])
    rows += _series_rows("all", [50, 50, 50, 50])
    tx = _monthly(rows)
    window = xyz_classes(tx)
    assert window.loc["late", "cv"] == pytest.approx(1.0) and window.loc["late", "xyz"] == "Z"
    own = xyz_classes(tx, since="first_purchase")
    assert own.loc["late", "periods"] == 2 and own.loc["late", "xyz"] == "X"
    assert bool(own.loc["last", "short_history"]) and own.loc["last", "xyz"] == "Z"
    assert not own["short_history"].loc[["late", "all"]].any()


def test_xyz_credit_notes_floor_a_period_at_zero():
    tx = _monthly([("a", "2024-01", 100), ("a", "2024-02", 100), ("a", "2024-02", -150)])
    out = xyz_classes(tx)
    # periods 100 and max(-50, 0) = 0: mean 50, std 50
    assert out.loc["a", "mean_revenue"] == 50.0 and out.loc["a", "cv"] == pytest.approx(1.0)


def test_xyz_bad_input():
    with pytest.raises(ValidationError, match="since must be"):
        xyz_classes(_monthly([("a", "2024-01", 1)]), since="ever")
    with pytest.raises(ValidationError, match=r"column 'revenue' has 1 missing"):
        xyz_classes(_monthly([("a", "2024-01", 1), ("b", "2024-01", np.nan)]))
    with pytest.raises(ValidationError, match="empty"):
        xyz_classes(_monthly([]))
    with pytest.raises(ValidationError, match="outside the window"):
        xyz_classes(_monthly([("a", "2024-05", 1)]), observation_end="2024-04-30")


@pytest.mark.parametrize(
    "engine",
    [pl.from_pandas, lambda f: pl.from_pandas(f).lazy(), duckdb.from_df],
    ids=["polars", "polars-lazy", "duckdb"],
)
@pytest.mark.parametrize("time_unit", ["W", "M"])
def test_xyz_same_on_every_engine(random_transactions, engine, time_unit):
    expected = xyz_classes(random_transactions, time_unit=time_unit)
    got = xyz_classes(engine(random_transactions), time_unit=time_unit)
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(
        per_period_revenue(engine(random_transactions), time_unit=time_unit),
        per_period_revenue(random_transactions, time_unit=time_unit),
    )


def test_matrix_nine_cells_hand_computed():
    abc = abc_classes(pd.Series({"a": 50.0, "b": 30.0, "c": 10.0, "d": 5.0, "e": 5.0}))
    xyz = pd.DataFrame({"xyz": ["X", "Z", "X", "Y", "Y"]}, index=["a", "b", "c", "d", "e"])
    out = abc_xyz_matrix(abc, xyz)
    assert out.index.tolist() == list(ABC_XYZ_TREATMENTS)
    assert out.loc["AX", "clients"] == 1 and out.loc["AZ", "value"] == 30.0
    assert out.loc["BY", "clients"] == 1 and out.loc["CY", "clients"] == 1
    assert out.loc["BX", "value_share"] == pytest.approx(0.10)
    assert out["clients"].sum() == 5 and out["value_share"].sum() == pytest.approx(1.0)
    assert out.loc["CZ", "clients"] == 0 and out.loc["CZ", "treatment"]


def test_matrix_requires_same_clients():
    abc = abc_classes(pd.Series({"a": 1.0, "b": 2.0}))
    with pytest.raises(ValidationError, match="1 only in abc"):
        abc_xyz_matrix(abc, pd.DataFrame({"xyz": ["X"]}, index=["a"]))
