"""XYZ grades only the clients that still order; lost clients are a class of their own."""

import numpy as np
import pandas as pd
import pytest

from clientalytics import ValidationError
from clientalytics.segmentation import (
    ACTIVE_XYZ_COLUMNS,
    abc_classes,
    abc_xyz_matrix,
    active_xyz_classes,
    xyz_classes,
)

END = pd.Timestamp("2024-12-31")


def _tx():
    rows = [("gone", f"2023-{m:02d}-15", 100.0) for m in range(1, 13)]  # lost: last 2023-12-15
    rows += [("steady", f"{y}-{m:02d}-10", 100.0) for y in (2023, 2024) for m in range(1, 13)]
    rows += [("fresh", f"2024-{m}-05", 100.0) for m in (10, 11, 12)]  # new, three months
    rows += [("once", "2024-12-10", 100.0)]  # new, one month
    rows += [("lumpy", "2023-06-01", 100.0), ("lumpy", "2024-01-20", 300.0)]
    rows += [("lumpy", "2024-07-20", 300.0)]
    tx = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    tx["date"] = pd.to_datetime(tx["date"])
    return tx


def test_a_lost_client_with_empty_months_is_not_z():
    tx = _tx()
    # The old series ran from the first order to the end of data: 12 months of 100,
    # then 12 empty months -> cv 1 -> Z ("erratic demand").
    old = xyz_classes(tx, since="first_purchase", observation_end=END)
    assert old.loc["gone", "cv"] == pytest.approx(1.0) and old.loc["gone", "xyz"] == "Z"
    new = active_xyz_classes(tx, observation_end=END)
    assert new.loc["gone", "status"] == "lost"
    assert new.loc["gone", "xyz"] == "lost"
    assert new.loc["gone", "periods"] == 0 and np.isnan(new.loc["gone", "cv"])
    assert not new.loc["gone", "short_history"]


def test_active_clients_over_the_last_twelve_months_by_hand():
    out = active_xyz_classes(_tx(), observation_end=END)
    assert list(out.columns) == ACTIVE_XYZ_COLUMNS
    assert out.index.tolist() == ["fresh", "gone", "lumpy", "once", "steady"]
    assert out["status"].to_dict() == {
        "fresh": "new",
        "gone": "lost",
        "lumpy": "active",
        "once": "new",
        "steady": "active",
    }
    # steady: 12 months of 100 -> cv 0 -> X over the full window.
    assert out.loc["steady", "periods"] == 12 and out.loc["steady", "xyz"] == "X"
    # fresh: judged over its three months since its first order, not twelve.
    assert out.loc["fresh", "periods"] == 3 and out.loc["fresh", "cv"] == 0.0
    assert out.loc["fresh", "xyz"] == "X" and out.loc["fresh", "short_history"]
    # once: one month, too short to grade.
    assert out.loc["once", "xyz"] == "new" and out.loc["once", "short_history"]
    # lumpy: ordered before the window -> the whole window; 300, 0 x 5, 300, 0 x 5:
    # mean 50, variance 2 * 300**2 / 12 - 50**2 = 12500.
    assert out.loc["lumpy", "periods"] == 12 and not out.loc["lumpy", "short_history"]
    assert out.loc["lumpy", "mean_revenue"] == pytest.approx(50.0)
    assert out.loc["lumpy", "cv"] == pytest.approx(12500**0.5 / 50)
    assert out.loc["lumpy", "xyz"] == "Z"


def test_window_is_a_parameter_and_a_partial_last_month_does_not_count():
    tx = _tx()
    six = active_xyz_classes(tx, observation_end=END, window_months=6)
    assert six.loc["steady", "periods"] == 6
    # lumpy over Jul-Dec 2024: 300 then five empty months.
    assert six.loc["lumpy", "mean_revenue"] == pytest.approx(50.0)
    mid = active_xyz_classes(tx, observation_end="2024-12-20")  # December is partial
    assert mid.loc["steady", "periods"] == 12
    assert mid.loc["once", "xyz"] == "new"  # ordered only in the partial month
    with pytest.raises(ValidationError, match="window_months"):
        active_xyz_classes(tx, window_months=0)


def test_the_matrix_gives_lost_and_new_clients_their_own_rows():
    tx = _tx()
    xyz = active_xyz_classes(tx, observation_end=END)
    abc = abc_classes(tx.groupby("client_id")["revenue"].sum())
    cells = abc_xyz_matrix(abc, xyz.reindex(abc.index))
    assert cells.index.tolist()[-2:] == ["new", "lost"]
    assert cells.loc["lost", "clients"] == 1 and cells.loc["new", "clients"] == 1
    assert int(cells["clients"].sum()) == 5
    assert cells.loc["lost", "abc"] == "all"
    assert "win-back" in cells.loc["lost", "treatment"]
    # the old grading put the lost client in a Z cell
    old = xyz_classes(tx, since="first_purchase", observation_end=END)
    old_cells = abc_xyz_matrix(abc, old.reindex(abc.index))
    assert len(old_cells) == 9
    assert old_cells.loc[[c for c in old_cells.index if c.endswith("Z")], "clients"].sum() >= 1
