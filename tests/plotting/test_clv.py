"""Every CLV plot draws its table and returns the Axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ShiftedBetaGeometricModel,
    cumulative_transactions,
    customer_lifetime_value,
    frequency_recency_matrix,
    period_transactions,
    probability_alive_matrix,
)
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.clv import (
    plot_calibration_holdout,
    plot_clv_distribution,
    plot_cumulative_transactions,
    plot_frequency_recency_matrix,
    plot_period_transactions,
    plot_probability_alive_matrix,
    plot_survival_projection,
)


@pytest.fixture(scope="module")
def bg(cdnow):
    return BetaGeoModel().fit(cdnow)


def test_matrices(bg):
    matrix = frequency_recency_matrix(bg, max_frequency=10)
    assert matrix.shape == (39, 11)  # recency 0..38 weeks, frequency 0..10
    # impossible cells are blank, possible ones finite
    assert np.isnan(matrix.loc[0.0, 1]) and np.isnan(matrix.loc[5.0, 0])
    assert np.isfinite(matrix.loc[5.0, 3])
    ax = plot_frequency_recency_matrix(matrix)
    assert isinstance(ax, Axes)
    alive = probability_alive_matrix(bg, max_frequency=10)
    # more recent last purchase -> more likely alive, at fixed frequency
    assert alive[5].dropna().is_monotonic_increasing
    _, given = plt.subplots()
    assert plot_probability_alive_matrix(alive, ax=given) is given


def test_period_transactions(bg, cdnow):
    table = period_transactions(bg, cdnow, max_frequency=7, random_state=1)
    assert table["actual"].sum() == len(cdnow)
    assert table["model"].sum() == pytest.approx(len(cdnow))
    assert table.loc[0, "model"] == pytest.approx(table.loc[0, "actual"], rel=0.05)
    again = period_transactions(bg, cdnow, max_frequency=7, random_state=1)
    pd.testing.assert_frame_equal(table, again)
    assert isinstance(plot_period_transactions(table), Axes)


def test_calibration_holdout_plot():
    predictions = pd.DataFrame(
        {
            "frequency_cal": [0, 1, 1, 9],
            "actual_purchases": [0, 1, 2, 8],
            "predicted_purchases": [0.2, 1.1, 1.1, 7.5],
        }
    )
    ax = plot_calibration_holdout(predictions)
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValidationError, match="frequency_cal"):
        plot_calibration_holdout(predictions.drop(columns="frequency_cal"))


def test_tracking_clv_and_survival_plots(bg, cdnow_transactions, cdnow_monetary):
    track = cumulative_transactions(bg, cdnow_transactions, time_unit="W", count_unit="D")
    assert isinstance(plot_cumulative_transactions(track), Axes)
    clv = customer_lifetime_value(
        BetaGeoModel().fit(cdnow_monetary),
        GammaGammaModel().fit(cdnow_monetary),
        cdnow_monetary,
        time_unit="W",
        value="revenue",
    )
    assert isinstance(plot_clv_distribution(clv), Axes)
    counts = [1000, 631, 468, 382, 326, 289, 262, 241]
    sbg = ShiftedBetaGeometricModel().fit(counts)
    ax = plot_survival_projection(sbg.project(12), actual=counts)
    assert len(ax.get_lines()) == 2
