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
    plot_clv_intervals,
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


def _image(ax):
    return ax.get_images()[0].get_array()


def test_plots_accept_a_fitted_model(bg, cdnow, cdnow_transactions):
    """A model draws the same picture as the table computed from it."""
    from_table = plot_frequency_recency_matrix(frequency_recency_matrix(bg, t=4.0))
    from_model = plot_frequency_recency_matrix(bg, t=4.0)
    np.testing.assert_array_equal(_image(from_table), _image(from_model))
    alive = plot_probability_alive_matrix(bg)
    np.testing.assert_array_equal(
        _image(alive), _image(plot_probability_alive_matrix(probability_alive_matrix(bg)))
    )
    bars = plot_period_transactions(bg, cdnow)
    heights = [patch.get_height() for patch in bars.patches]
    table = period_transactions(bg, cdnow)
    assert heights == table["actual"].tolist() + table["model"].tolist()
    weekly = BetaGeoModel().fit(cdnow, time_unit="W")
    end = pd.Timestamp("1998-06-30")
    line = plot_cumulative_transactions(weekly, cdnow_transactions, observation_end=end)
    expected = cumulative_transactions(weekly, cdnow_transactions, observation_end=end)
    np.testing.assert_allclose(line.get_lines()[1].get_ydata(), expected["model"])
    with pytest.raises(ValidationError, match="pass the summary"):
        plot_period_transactions(bg)
    with pytest.raises(ValidationError, match="pass the transactions"):
        plot_cumulative_transactions(weekly)
    with pytest.raises(ValidationError, match="got list"):
        plot_frequency_recency_matrix([1, 2])


def test_clv_interval_bands(cdnow_monetary):
    model = BetaGeoModel().fit(cdnow_monetary, time_unit="W")
    spend = GammaGammaModel().fit(cdnow_monetary)
    clv = customer_lifetime_value(
        model,
        spend,
        cdnow_monetary,
        value="revenue",
        interval=0.9,
        n_bootstrap=20,
        method="parametric",
        random_state=0,
    )
    ax = plot_clv_intervals(clv, n_clients=10)
    assert len(ax.collections) == 1  # the band
    top = clv["clv"].nlargest(10).to_numpy()
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), top)
    with pytest.raises(ValidationError, match="clv_lower"):
        plot_clv_intervals(clv[["clv"]])
