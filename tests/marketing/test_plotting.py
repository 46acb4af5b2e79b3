import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.metrics import marketing_metrics_table
from clientalytics.marketing.response import ResponseCurve
from clientalytics.plotting.marketing import (
    plot_metrics_by_segment,
    plot_nmc_waterfall,
    plot_response_curves,
    plot_strategy_comparison,
)


@pytest.fixture
def santa_fe():
    return marketing_metrics_table(
        pd.DataFrame(
            {
                "sales": [56.7, 37.1, 31.2],
                "gross_margin_pct": [0.4, 0.359, 0.4],
                "marketing_expenses": [7.0, 6.5, 5.0],
            },
            index=["a", "b", "c"],
        )
    )


def test_waterfall_bars_end_at_nmc(santa_fe):
    ax = plot_nmc_waterfall(santa_fe)
    bars = ax.patches
    assert len(bars) == 5
    assert bars[4].get_height() == pytest.approx(santa_fe.loc["total", "nmc"])
    # the M&S bar hangs from the gross margin down to NMC
    assert bars[3].get_y() + bars[3].get_height() == pytest.approx(
        santa_fe.loc["total", "gross_margin"]
    )


def test_by_segment_skips_total(santa_fe):
    ax = plot_metrics_by_segment(santa_fe)
    assert len(ax.patches) == 3
    with pytest.raises(ValidationError, match="no rows besides the total"):
        plot_metrics_by_segment(santa_fe.loc[["total"]])


def test_response_curves_and_points():
    pts = pd.DataFrame({"label": ["r", "r"], "spend_per_head": [1.0, 2.0], "rate": [0.2, 0.3]})
    ax = plot_response_curves(
        {"r": ResponseCurve(0.8, 0.2), "a": ResponseCurve(0.1, 0.05)}, max_spend=20, points=pts
    )
    assert len(ax.lines) == 2
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(0.8 * (1 - 2.718281828459045**-4))


def test_strategy_comparison():
    comp = pd.DataFrame(
        {"customer_equity": [1.0, 2.0], "nmc": [0.5, -1.0]}, index=["baseline", "optimal"]
    )
    ax = plot_strategy_comparison(comp)
    assert len(ax.patches) == 4
    with pytest.raises(ValidationError, match="lacks column"):
        plot_strategy_comparison(comp, metrics=("roi",))
