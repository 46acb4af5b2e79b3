"""Formula CLV and year-table NPV, checked by hand."""

import numpy as np
import pytest

from clientalytics.clv import expected_lifetime, simple_clv, year_table_npv
from clientalytics.exceptions import ValidationError


def test_simple_clv_by_hand():
    # m r / (1 + d - r) = 100 * 0.8 / 0.3
    assert simple_clv(100.0, retention_rate=0.8, discount_rate=0.1) == pytest.approx(800 / 3)
    # equals the sum of the discounted retained margins m * (r / (1 + d))**t, t >= 1
    t = np.arange(1, 2000)
    assert simple_clv(50.0, retention_rate=0.9, discount_rate=0.05) == pytest.approx(
        np.sum(50.0 * (0.9 / 1.05) ** t)
    )


def test_simple_clv_vectorised():
    out = simple_clv([100.0, 200.0], retention_rate=[0.5, 0.75], discount_rate=0.0)
    np.testing.assert_allclose(out, [100.0, 600.0])


def test_expected_lifetime():
    assert expected_lifetime(0.75) == pytest.approx(4.0)
    assert expected_lifetime(0.0) == pytest.approx(1.0)


@pytest.mark.parametrize("r", [1.0, -0.1, 1.5])
def test_retention_out_of_range(r):
    with pytest.raises(ValidationError, match=r"retention_rate must be in \[0, 1\)"):
        simple_clv(10.0, retention_rate=r, discount_rate=0.1)
    with pytest.raises(ValidationError, match="retention_rate"):
        expected_lifetime(r)


def test_year_table_by_hand():
    table = year_table_npv([120.0, 150.0, 100.0], acquisition_cost=200.0, discount_rate=0.1)
    assert list(table.columns) == [
        "year",
        "cash_flow",
        "discount_factor",
        "present_value",
        "cumulative_npv",
    ]
    assert table["year"].tolist() == [0, 1, 2, 3]
    npv = -200 + 120 / 1.1 + 150 / 1.1**2 + 100 / 1.1**3
    assert table["cumulative_npv"].iloc[-1] == pytest.approx(npv)
    assert table["present_value"].iloc[0] == -200.0
    # the client pays back in year 2
    assert table["cumulative_npv"].iloc[1] < 0 < table["cumulative_npv"].iloc[2]


def test_year_table_rejects_bad_input():
    with pytest.raises(ValidationError, match="at least one year"):
        year_table_npv([], discount_rate=0.1)
    with pytest.raises(ValidationError, match="acquisition_cost must be >= 0"):
        year_table_npv([1.0], acquisition_cost=-5, discount_rate=0.1)
    with pytest.raises(ValidationError, match="margins must be finite"):
        year_table_npv([1.0, float("nan")], discount_rate=0.1)
