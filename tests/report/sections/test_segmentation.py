"""The segmentation report section."""

import dataclasses

import pandas as pd
import pytest

from clientalytics import ClientBase
from clientalytics.report.inputs import report_inputs
from clientalytics.report.model import ReportSection
from clientalytics.report.sections.segmentation import build_section


@pytest.fixture(scope="module")
def inputs(sample):
    return report_inputs(sample)


def test_section_on_the_sample_shows_the_shared_segments(sample, inputs):
    section = build_section(sample, inputs)
    assert isinstance(section, ReportSection) and section.key == "segmentation"
    html = "".join(section.blocks)
    for title in ("RFM segments", "ABC/XYZ analysis", "Customer pyramid", "Golden clients"):
        assert title in html
    assert html.count("<img") == 4
    segments, rfm = inputs.segments, inputs.rfm
    assert isinstance(segments, pd.Series) and isinstance(rfm, pd.DataFrame)
    assert segments.index.equals(rfm.index) and segments.notna().all()
    assert len(segments) == len(inputs.summary)
    largest = segments.value_counts().idxmax()
    assert f"largest RFM segment: {largest}" in section.summary[0]
    assert "Margin contribution" in html
    assert 0 < section.facts["golden_revenue_share"] < 1


def test_section_uses_the_shared_clv(sample, inputs):
    summary = inputs.summary
    clv = pd.DataFrame(
        {"clv": summary["total_margin"].clip(lower=0) * 2.0, "probability_alive": 0.5},
        index=summary.index,
    )
    valuation = dataclasses.replace(inputs.valuation, table=clv)
    section = build_section(sample, dataclasses.replace(inputs, valuation=valuation))
    html = "".join(section.blocks)
    assert "Mean LTV" in html and "LTV contribution" in html and "Outlook contribution" in html
    without = "".join(build_section(sample, dataclasses.replace(inputs, valuation=None)).blocks)
    assert "Mean LTV" not in without and "LTV contribution" not in without


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
    inputs = report_inputs(base)
    section = build_section(base, inputs)
    html = "".join(section.blocks)
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html
    assert "only" in html  # the few-distinct-values note is shown
    assert inputs.segments is not None and len(inputs.segments) == 2


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
    html = "".join(build_section(base, report_inputs(base)).blocks)
    assert "Not shown: no client with orders has a relation in" in html


def test_incomplete_clv_is_not_used(sample, inputs):
    summary = inputs.summary
    partial = pd.DataFrame({"clv": 1.0, "probability_alive": 0.5}, index=summary.index[:10])
    valuation = dataclasses.replace(inputs.valuation, table=partial)
    html = "".join(build_section(sample, dataclasses.replace(inputs, valuation=valuation)).blocks)
    assert f"miss {len(summary) - 10:,} client(s)" in html and "LTV contribution" not in html
