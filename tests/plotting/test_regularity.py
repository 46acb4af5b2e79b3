"""The regularity plots draw and return their Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from clientalytics.clv.regularity import interpurchase_times, wheat_morrison_statistics
from clientalytics.datasets import load_grocery
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.regularity import plot_timing_patterns, plot_wheat_morrison


@pytest.fixture(scope="module")
def grocery():
    return load_grocery()


def test_plot_timing_patterns(grocery):
    fig, ax = plt.subplots()
    out = plot_timing_patterns(grocery, n_clients=12, calibration_end="2006-12-31", ax=ax)
    assert out is ax
    assert len(ax.collections) >= 12  # one line collection and dot sets per client
    dots = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    assert dots > 12
    plt.close(fig)
    with pytest.raises(ValidationError, match="n_clients"):
        plot_timing_patterns(grocery, n_clients=0)


def test_plot_wheat_morrison(grocery):
    stats = wheat_morrison_statistics(interpurchase_times(grocery))
    ax = plot_wheat_morrison(stats)
    assert isinstance(ax, Axes)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["exponential gaps (k = 1)", "Erlang-2 gaps (k = 2)"]
    assert labels[2].startswith("k = 1.8")
    heights = np.array([p.get_height() for p in ax.patches])
    assert heights.sum() * 0.05 == pytest.approx(1.0)  # a density on 20 bins of [0, 1]
    plt.close(ax.figure)
