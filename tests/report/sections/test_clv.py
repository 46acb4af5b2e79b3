"""The CLV report section on the bundled sample company."""

import copy
import dataclasses

import pandas as pd
import pytest

from clientalytics.datasets import load_sample
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections.clv import build_section
from tests.report._html import table_after

EQUITY_HEADINGS = ["Segment", "Clients", "Customer equity", "Mean LTV", "Median LTV",
                   "Share of equity"]  # fmt: skip


@pytest.fixture(scope="module")
def base():
    return load_sample()


@pytest.fixture(scope="module")
def inputs(base):
    return report_inputs(base)


def test_section_shows_the_shared_valuation(base, inputs):
    section = build_section(base, inputs)
    assert section.key == "clv"
    html = "".join(section.blocks)
    assert "Clients with the highest lifetime value" in html
    assert "<img" in html and "image/svg+xml" in html
    clv = inputs.clv
    assert isinstance(clv, pd.DataFrame)
    assert {"clv", "probability_alive"} <= set(clv.columns)
    assert clv["clv"].notna().all()
    assert inputs.valuation is not None and inputs.valuation.purchase_model.time_unit_ == "D"
    assert any("customer equity" in line for line in section.summary)
    assert f"\u20bd{clv['clv'].sum():,.0f}" in html  # RUB, no decimals from 100 up
    assert section.facts["customer_equity"] == pytest.approx(clv["clv"].sum())


def test_equity_is_broken_down_by_the_rfm_segments(base, inputs):
    """The segments are shared inputs, so the CLV section sees them whatever the order."""
    html = "".join(build_section(base, inputs).blocks)
    table = table_after(html, "Customer equity by RFM segment")
    assert table.headings == EQUITY_HEADINGS
    shown = {
        name: (float(equity), int(float(n)))
        for name, n, equity in zip(
            table.column("Segment"),
            table.column("Clients", raw=True),
            table.column("Customer equity", raw=True),
            strict=True,
        )
    }
    # by hand: the sum and count of the CLV table's values per RFM segment
    assert inputs.segments is not None
    labels = inputs.segments.astype(str).reindex(inputs.clv.index)
    by_hand = inputs.clv["clv"].groupby(labels).agg(["sum", "size"])
    assert set(shown) == set(by_hand.index) and len(shown) > 3
    for name, (equity, n_clients) in by_hand.iterrows():
        assert shown[name][0] == pytest.approx(equity, abs=1e-6)
        assert shown[name][1] == n_clients


def test_without_segments_equity_is_by_relation_then_quartile(base, inputs):
    unsegmented = dataclasses.replace(inputs, segments=None)
    html = "".join(build_section(base, unsegmented).blocks)
    assert "Customer equity by relation to the firm" in html
    bare = copy.copy(base)
    bare.clients = base.clients.assign(relation_to_firm=None)
    html = "".join(build_section(bare, unsegmented).blocks)
    assert "Customer equity by LTV quartile" in html
    assert "Q4 (top)" in html
