import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.metrics import (
    marketing_metrics_table,
    marketing_roi,
    marketing_ros,
    net_marketing_contribution,
    nms,
    segment_net_marketing_contribution,
)


def test_santa_fe_sportswear_three_segments():
    """Best, Market-Based Management, Santa Fe Sportswear ($M).

    Published: NMC 15.7 / 6.8 / 7.5 (total 30.0), ROS 27.7 / 18.4 / 24.0 %,
    ROI 224 / 105 / 150 % (total 162 %). The book rounds NMC to 0.1 $M, ROS to
    0.1 pp and ROI to 1 pp, so we allow half of the last published digit.
    """
    segments = pd.DataFrame(
        {
            "sales": [56.7, 37.1, 31.2],
            "gross_margin_pct": [0.400, 0.359, 0.400],
            "marketing_expenses": [7.0, 6.5, 5.0],
        },
        index=["segment_1", "segment_2", "segment_3"],
    )
    table = marketing_metrics_table(segments)
    np.testing.assert_allclose(table["nmc"], [15.7, 6.8, 7.5, 30.0], atol=0.05)
    np.testing.assert_allclose(table["marketing_ros"].iloc[:3] * 100, [27.7, 18.4, 24.0], atol=0.05)
    np.testing.assert_allclose(table["marketing_roi"] * 100, [224, 105, 150, 162], atol=0.5)
    assert table.loc["total", "marketing_expenses"] == pytest.approx(18.5)
    assert table.loc["total", "sales"] == pytest.approx(125.0)


def test_scalar_formulas_by_hand():
    assert net_marketing_contribution(1000.0, 0.3, 100.0) == pytest.approx(200.0)
    assert nms is net_marketing_contribution
    assert marketing_ros(200.0, 1000.0) == pytest.approx(0.2)
    # ROI is NMC / M&S, not (NMC - M&S) / M&S
    assert marketing_roi(200.0, 100.0) == pytest.approx(2.0)


def test_segment_form_equals_sales_form():
    # 2000 customers, 15 % share, 400 revenue and 250 variable cost per customer
    seg = segment_net_marketing_contribution(2000, 0.15, 400.0, 250.0, 12_000.0)
    sales = 2000 * 0.15 * 400.0
    assert seg == pytest.approx(33_000.0)
    assert net_marketing_contribution(sales, 150.0 / 400.0, 12_000.0) == pytest.approx(seg)


def test_ratios_reject_zero_denominator():
    with pytest.raises(ValidationError, match="marketing_expenses is zero in 1 place"):
        marketing_roi(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    with pytest.raises(ValidationError, match="sales is zero"):
        marketing_ros(5.0, 0.0)


def test_table_rejects_missing_and_non_finite_columns():
    bad = pd.DataFrame({"sales": [1.0, np.inf], "gross_margin_pct": [0.1, 0.2]})
    with pytest.raises(ValidationError, match=r"missing column\(s\) \['marketing_expenses'\]"):
        marketing_metrics_table(bad)
    bad["marketing_expenses"] = [1.0, 1.0]
    with pytest.raises(ValidationError, match="column 'sales' has 1 missing or non-finite"):
        marketing_metrics_table(bad)


def test_zero_expenses_give_undefined_roi_not_inf():
    table = marketing_metrics_table(
        pd.DataFrame({"sales": [10.0], "gross_margin_pct": [0.5], "marketing_expenses": [0.0]}),
        total=False,
    )
    assert np.isnan(table["marketing_roi"].iloc[0])
    assert table["nmc"].iloc[0] == pytest.approx(5.0)
