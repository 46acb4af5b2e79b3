import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.plotting.retention import (
    plot_cohort_heatmap,
    plot_retention_over_time,
    plot_survival_curves,
)
from clientalytics.retention import (
    client_lifetimes,
    cohort_matrix,
    cohort_table,
    retention_coefficients,
    survival_curve,
)

TX = pd.DataFrame(
    {
        "client_id": ["a", "a", "b", "c", "c", "d"],
        "date": pd.to_datetime(
            ["2024-01-10", "2024-02-10", "2024-01-15", "2024-02-20", "2024-04-02", "2024-03-05"]
        ),
        "revenue": [100.0, 120.0, 50.0, 30.0, 40.0, 10.0],
        "variable_cost": 1.0,
    }
)


def test_retention_plots_draw_their_data():
    coefs = retention_coefficients(TX, activity_window=1, observation_end="2024-04-30")
    ax = plot_retention_over_time(coefs)
    assert isinstance(ax, Axes)
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), coefs["retention_rate"])
    heat = plot_cohort_heatmap(cohort_matrix(cohort_table(TX, observation_end="2024-04-30")))
    assert heat.images[0].get_array().shape == (3, 4)  # cohorts Jan, Feb, Mar; ages 0-3
    curve = survival_curve(client_lifetimes(TX, observation_end="2024-04-30", activity_window=1))
    surv = plot_survival_curves(curve)
    assert len(surv.lines) == 2  # curve and the 0.5 guide


def test_retention_plot_without_rows_or_with_undefined_rates():
    import pytest

    from clientalytics.exceptions import ValidationError

    coefs = retention_coefficients(TX, activity_window=1, observation_end="2024-04-30")
    with pytest.raises(ValidationError, match="no period to draw"):
        plot_retention_over_time(coefs.iloc[0:0])
    undefined = coefs.assign(grr=np.nan, nrr=np.nan)
    ax = plot_retention_over_time(undefined)  # warnings are errors: no all-NaN warning
    assert ax.get_ylim() == (0.0, 1.05)
    assert np.isnan(ax.lines[2].get_ydata()).all()
