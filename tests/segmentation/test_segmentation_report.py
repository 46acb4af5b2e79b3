"""The segmentation report section and the segmentation plots."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.datasets import load_sample
from clientalytics.plotting.segmentation import (
    plot_abc_xyz,
    plot_golden,
    plot_pareto,
    plot_pyramid,
    plot_rf_heatmap,
    plot_segments,
)
from clientalytics.ranking import rank_golden_clients
from clientalytics.report.model import ReportSection
from clientalytics.report.sections.segmentation import build_section
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


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def test_section_on_the_sample_fills_the_context(sample):
    context: dict[str, object] = {}
    section = build_section(sample, context)
    assert isinstance(section, ReportSection) and section.key == "segmentation"
    html = "".join(section.blocks)
    for title in ("RFM segments", "ABC x XYZ", "Customer pyramid", "Golden clients"):
        assert title in html
    assert html.count("<img") == 4
    segments = context["segments"]
    rfm = context["rfm"]
    assert isinstance(segments, pd.Series) and isinstance(rfm, pd.DataFrame)
    assert segments.index.equals(rfm.index) and segments.notna().all()
    assert len(segments) == len(context["summary"])
    golden = context["golden"]
    assert golden["rank"].tolist() == list(range(1, len(golden) + 1))
    assert "contrib_margin" in html


def test_section_uses_clv_from_context(sample):
    context: dict[str, object] = {}
    build_section(sample, context)
    summary = context["summary"]
    clv = pd.DataFrame(
        {"clv": summary["total_margin"].clip(lower=0) * 2.0, "p_alive": 0.5}, index=summary.index
    )
    context = {"summary": summary, "clv": clv}
    section = build_section(sample, context)
    html = "".join(section.blocks)
    assert "mean_clv" in html and "contrib_clv" in html and "contrib_outlook" in html


def test_section_on_a_tiny_base():
    clients = pd.DataFrame({"client_id": ["a", "b", "p"], "name": ["<b>A</b>", "B", "Prospect"]})
    tx = pd.DataFrame(
        {
            "transaction_id": ["t1", "t2", "t3", "t4"],
            "client_id": ["a", "a", "b", "b"],
            "date": ["2024-01-01", "2024-03-01", "2024-02-01", "2024-06-01"],
            "revenue": [100.0, 80.0, 50.0, 70.0],
            "variable_cost": [60.0, 40.0, 30.0, 20.0],
        }
    )
    base = ClientBase(clients=clients, transactions=tx, observation_end="2024-06-30")
    context: dict[str, object] = {}
    section = build_section(base, context)
    html = "".join(section.blocks)
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html
    assert "only" in html  # the few-distinct-values note is shown
    assert len(context["segments"]) == 2


def test_section_without_new_or_permanent_clients():
    tx = pd.DataFrame(
        {
            "transaction_id": ["t1", "t2"],
            "client_id": ["a", "b"],
            "date": ["2022-01-01", "2022-02-01"],
            "revenue": [100.0, 80.0],
            "variable_cost": [60.0, 40.0],
        }
    )
    base = ClientBase(transactions=tx, observation_end="2024-06-30")
    html = "".join(build_section(base, {}).blocks)
    assert "Not shown: no client with orders has a relation in" in html


def test_plots_draw_on_given_axes(sample):
    from clientalytics import summarize

    summary = summarize(sample.transactions, observation_end=sample.observation_end)
    scores = rfm_scores(summary)
    profile = segment_summary(rfm_segments(scores), summary)
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
    with pytest.raises(ValidationError, match="missing column"):
        plot_pareto(pd.DataFrame({"x": [1]}))


def test_incomplete_clv_in_context_is_not_used(sample):
    context: dict[str, object] = {}
    build_section(sample, context)
    summary = context["summary"]
    partial = pd.DataFrame({"clv": 1.0}, index=summary.index[:10])
    html = "".join(build_section(sample, {"summary": summary, "clv": partial}).blocks)
    assert f"miss {len(summary) - 10:,} client(s)" in html and "contrib_clv" not in html
