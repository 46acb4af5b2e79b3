"""The segmentation plots."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from clientalytics import ValidationError
from clientalytics.plotting.segmentation import (
    plot_abc_xyz,
    plot_golden,
    plot_pareto,
    plot_pyramid,
    plot_rf_heatmap,
    plot_segments,
)
from clientalytics.ranking import rank_golden_clients
from clientalytics.segmentation import (
    abc_classes,
    abc_xyz_matrix,
    customer_pyramid,
    pyramid_summary,
    rfm_scores,
    rfm_segments,
    segment_summary,
    xyz_classes,
)


def test_plots_draw_on_given_axes(sample):
    from clientalytics import summarize

    summary = summarize(sample.transactions, observation_end=sample.observation_end)
    scores = rfm_scores(summary)
    profile = segment_summary(rfm_segments(scores, bins=5), summary)
    abc = abc_classes(summary)
    cells = abc_xyz_matrix(abc, xyz_classes(sample.transactions).reindex(abc.index))
    pyramid = pyramid_summary(customer_pyramid(summary))
    ranking = rank_golden_clients(sample.transactions)
    fig, axes = plt.subplots(2, 4)
    drawn = [
        plot_segments(profile, ax=axes[0, 0]),
        plot_rf_heatmap(scores, ax=axes[0, 1]),
        plot_rf_heatmap(scores, value="monetary", ax=axes[0, 2]),
        plot_pareto(abc, ax=axes[0, 3]),
        plot_abc_xyz(cells, ax=axes[1, 0]),
        plot_pyramid(pyramid, ax=axes[1, 1]),
        plot_golden(ranking.table, ax=axes[1, 2]),
    ]
    assert drawn == [*axes[0], *axes[1][:3]]
    assert len(axes[0, 0].patches) == 2 * len(profile)
    assert len(axes[1, 1].patches) == 4
    assert plot_segments(profile).figure is not fig
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \["):
        plot_pareto(pd.DataFrame({"x": [1]}))
