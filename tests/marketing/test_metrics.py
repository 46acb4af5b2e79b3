"""Best's planning metrics on numbers, on a table of segments and on the company's tables."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.metrics import (
    marketing_metrics,
    marketing_metrics_table,
    marketing_roi,
    marketing_ros,
    net_marketing_contribution,
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
    assert marketing_ros(200.0, 1000.0) == pytest.approx(0.2)
    # ROI is NMC / M&S, not (NMC - M&S) / M&S
    assert marketing_roi(200.0, 100.0) == pytest.approx(2.0)


def test_segment_form_equals_sales_form():
    # 2000 customers, 15 % share, 400 revenue and 250 variable cost per customer
    seg = segment_net_marketing_contribution(2000, 0.15, 400.0, 250.0, 12_000.0)
    sales = 2000 * 0.15 * 400.0
    assert seg == pytest.approx(33_000.0)
    assert net_marketing_contribution(sales, 150.0 / 400.0, 12_000.0) == pytest.approx(seg)


def test_zero_denominator_is_nan_for_numbers_and_arrays():
    assert np.isnan(marketing_ros(5.0, 0.0))
    assert np.isnan(marketing_roi(5.0, 0.0))
    roi = marketing_roi(np.array([1.0, 2.0, 0.0]), np.array([1.0, 0.0, 0.0]))
    np.testing.assert_array_equal(roi, [1.0, np.nan, np.nan])
    ros = marketing_ros(
        pd.Series([3.0, 4.0], index=["a", "b"]), pd.Series([0.0, 8.0], index=["a", "b"])
    )
    assert np.isnan(ros["a"])
    assert ros["b"] == pytest.approx(0.5)


def test_scalar_and_table_forms_agree_on_zero_denominators():
    segments = pd.DataFrame(
        {
            "sales": [0.0, 10.0, 20.0],
            "gross_margin_pct": [0.5, 0.5, 0.25],
            "marketing_expenses": [3.0, 0.0, 1.0],
        },
        index=["no_sales", "no_spend", "both"],
    )
    table = marketing_metrics_table(segments, total=False)
    nmc = net_marketing_contribution(
        segments["sales"], segments["gross_margin_pct"], segments["marketing_expenses"]
    )
    pd.testing.assert_series_equal(
        table["marketing_ros"], marketing_ros(nmc, segments["sales"]), check_names=False
    )
    pd.testing.assert_series_equal(
        table["marketing_roi"],
        marketing_roi(nmc, segments["marketing_expenses"]),
        check_names=False,
    )
    assert table["marketing_ros"].isna().to_list() == [True, False, False]
    assert table["marketing_roi"].isna().to_list() == [False, True, False]
    assert table.loc["both", "marketing_roi"] == pytest.approx(4.0)


def test_table_rejects_missing_and_non_finite_columns():
    bad = pd.DataFrame({"sales": [1.0, np.inf], "gross_margin_pct": [0.1, 0.2]})
    with pytest.raises(
        ValidationError, match=r"segments: missing required column\(s\) \['marketing_expenses'\]"
    ):
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


def test_total(tiny_transactions, tiny_spend):
    t = marketing_metrics(tiny_transactions, tiny_spend)
    row = t.loc["total"]
    assert row["sales"] == pytest.approx(2800.0)
    assert row["gross_margin"] == pytest.approx(1030.0)
    assert row["marketing_expenses"] == pytest.approx(660.0)
    assert row["nmc"] == pytest.approx(370.0)
    assert row["marketing_ros"] == pytest.approx(370 / 2800)
    assert row["marketing_roi"] == pytest.approx(370 / 660)
    assert row["n_clients"] == 4


def test_by_channel(tiny_transactions, tiny_spend, tiny_clients):
    t = marketing_metrics(tiny_transactions, tiny_spend, by="channel", clients=tiny_clients)
    assert t.loc["exhibitions", "nmc"] == pytest.approx(300.0)
    assert t.loc["exhibitions", "marketing_roi"] == pytest.approx(1.0)
    assert t.loc["search", "nmc"] == pytest.approx(30.0 - 230.0)
    assert t.loc["email", "nmc"] == pytest.approx(-130.0)
    assert np.isnan(t.loc["email", "marketing_ros"])
    assert np.isnan(t.loc["(no channel)", "marketing_roi"])
    assert t.loc["total", "nmc"] == pytest.approx(370.0)


def test_by_segment_keeps_unallocated_money(
    tiny_transactions, tiny_spend, tiny_clients, tiny_segments
):
    t = marketing_metrics(
        tiny_transactions, tiny_spend, by="segment", clients=tiny_clients, segments=tiny_segments
    )
    assert t.loc["gold", "nmc"] == pytest.approx(1000.0 - 400.0)
    assert t.loc["silver", "nmc"] == pytest.approx(30.0 - 210.0)
    assert t.loc["(unallocated)", "marketing_expenses"] == pytest.approx(50.0)
    assert t.loc["total", "marketing_expenses"] == pytest.approx(660.0)
    assert t.loc["total", "nmc"] == pytest.approx(370.0)
    # the same grouping passed as a Series
    t2 = marketing_metrics(tiny_transactions, tiny_spend, by=tiny_segments, clients=tiny_clients)
    assert t2["nmc"].to_dict() == pytest.approx(t["nmc"].to_dict())


def test_by_period(tiny_transactions, tiny_spend):
    t = marketing_metrics(tiny_transactions, tiny_spend, by="period", time_unit="M")
    assert list(t.index) == ["2024-01", "2024-02", "2024-03", "total"]
    assert t["nmc"].to_list() == pytest.approx([450 - 400, 180 - 170, 400 - 90, 370])
    assert t.loc["total", "n_clients"] == 4


def test_breakdown_needs_clients(tiny_transactions, tiny_spend):
    with pytest.raises(ValidationError, match="needs the clients table"):
        marketing_metrics(tiny_transactions, tiny_spend, by="channel")


def test_by_period_in_quarters_and_bad_unit(tiny_transactions, tiny_spend):
    t = marketing_metrics(tiny_transactions, tiny_spend, by="period", time_unit="Q")
    assert list(t.index) == ["2024Q1", "total"]
    assert t.loc["2024Q1", "nmc"] == pytest.approx(370.0)
    with pytest.raises(
        ValidationError, match=r"time_unit must be one of \['D', 'W', 'M', 'Q', 'Y'\]"
    ):
        marketing_metrics(tiny_transactions, tiny_spend, by="period", time_unit="QS")
