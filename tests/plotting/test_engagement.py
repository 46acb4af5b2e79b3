import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import ContactSaturation
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.engagement import (
    plot_contact_loyalty,
    plot_expectation_gaps,
    plot_renewal_pipeline,
    plot_request_times,
)


def test_plot_request_times_groups():
    times = pd.DataFrame(
        {"channel": ["phone", "email", "phone"], "first_response_hours": [1.0, 2.0, np.nan]}
    )
    ax = plot_request_times(times)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["email", "phone"]


def test_plot_renewal_pipeline_points():
    pipe = pd.DataFrame(
        {
            "expiry_date": pd.to_datetime(["2025-01-10", "2025-02-01"]),
            "annual_value": [50.0, 100.0],
            "renewal_started": [False, True],
        }
    )
    ax = plot_renewal_pipeline(pipe)
    assert "2 contract" in ax.get_title()
    assert len(ax.collections) == 4  # a stem and a dot set per renewal state


def test_plot_contact_loyalty_with_model():
    bands = pd.DataFrame(
        {
            "band": ["0", "1", "2+"],
            "n": [10, 10, 0],
            "mean_contacts": [0.0, 1.0, np.nan],
            "retention_rate": [0.2, 0.4, np.nan],
            "std_error": [0.1, 0.1, np.nan],
        }
    )
    x = np.repeat(np.arange(5), 10)
    y = np.concatenate([np.arange(10) < min(v, 2) for v in range(5)])
    model = ContactSaturation(n_bootstrap=0).fit(x, y)
    ax = plot_contact_loyalty(bands, model)
    assert "saturation at 2" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_expectation_gaps():
    gaps = pd.DataFrame(
        {
            "dimension": ["a", "b"],
            "mean_expected": [8.0, 7.0],
            "mean_perceived": [6.0, 7.5],
            "gap": [-2.0, 0.5],
        }
    )
    ax = plot_expectation_gaps(gaps)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    with pytest.raises(ValidationError, match="one row per dimension"):
        plot_expectation_gaps(pd.concat([gaps, gaps]))
