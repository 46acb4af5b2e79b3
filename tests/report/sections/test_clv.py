"""The CLV report section on the bundled sample company."""

import copy
import dataclasses
import re
from html import unescape

import pandas as pd
import pytest

from clientalytics.datasets import load_sample
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections.clv import build_section

EQUITY_COLUMNS = ["n_clients", "customer_equity", "mean_clv", "median_clv", "share_of_equity"]


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
    assert "Top 20 clients by lifetime value" in html
    assert "<img" in html
    clv = inputs.clv
    assert isinstance(clv, pd.DataFrame)
    assert {"clv", "probability_alive"} <= set(clv.columns)
    assert clv["clv"].notna().all()
    assert inputs.valuation is not None and inputs.valuation.purchase_model.time_unit_ == "D"
    assert any("customer equity" in line for line in section.summary)
    assert f"{clv['clv'].sum():,.2f}" in html


def test_equity_is_broken_down_by_the_rfm_segments(base, inputs):
    """The segments are shared inputs, so the CLV section sees them whatever the order."""
    html = "".join(build_section(base, inputs).blocks)
    assert "Customer equity by segment" in html
    table = html.split("Customer equity by segment", 1)[1].split("</table>", 1)[0]
    header = re.findall(r"<th>(.*?)</th>", table)
    assert header == ["segment", *EQUITY_COLUMNS]
    shown = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table):
        cells = [unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        if cells:
            shown[cells[0]] = dict(zip(EQUITY_COLUMNS, cells[1:], strict=True))
    # by hand: the sum and count of the CLV table's values per RFM segment
    assert inputs.segments is not None
    labels = inputs.segments.astype(str).reindex(inputs.clv.index)
    by_hand = inputs.clv["clv"].groupby(labels).agg(["sum", "size"])
    assert set(shown) == set(by_hand.index) and len(shown) > 3
    for name, (equity, n_clients) in by_hand.iterrows():
        assert float(shown[name]["customer_equity"].replace(",", "")) == pytest.approx(
            equity, abs=0.006
        )
        assert int(shown[name]["n_clients"].replace(",", "")) == n_clients


def test_without_segments_equity_is_by_relation_then_quartile(base, inputs):
    unsegmented = dataclasses.replace(inputs, segments=None)
    html = "".join(build_section(base, unsegmented).blocks)
    assert "Customer equity by relation to the firm" in html
    bare = copy.copy(base)
    bare.clients = base.clients.assign(relation_to_firm=None)
    html = "".join(build_section(bare, unsegmented).blocks)
    assert "Customer equity by CLV quartile" in html
    assert "Q4 (top)" in html
