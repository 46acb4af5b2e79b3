"""The CLV report section on the bundled sample company."""

import copy

import pandas as pd
import pytest

from clientalytics.datasets import load_sample
from clientalytics.report.sections.clv import build_section


@pytest.fixture(scope="module")
def base():
    return load_sample()


def test_section_builds_and_fills_context(base):
    context: dict[str, object] = {}
    section = build_section(base, context)
    assert section.key == "clv"
    html = "".join(section.blocks)
    assert "Top 20 clients by lifetime value" in html
    assert "Customer equity by relation to the firm" in html
    assert "<img" in html
    clv = context["clv"]
    assert isinstance(clv, pd.DataFrame)
    assert {"clv", "p_alive", "probability_alive"} <= set(clv.columns)
    assert clv["clv"].notna().all()
    assert any("customer equity" in line for line in section.summary)
    assert f"{clv['clv'].sum():,.2f}" in html


def test_section_uses_segments_from_context(base):
    context: dict[str, object] = {}
    build_section(base, context)
    clv = context["clv"]
    assert isinstance(clv, pd.DataFrame)
    segments = pd.Series("A", index=clv.index)
    segments.iloc[::2] = "B"
    context2: dict[str, object] = {"segments": segments, "summary": context["summary"]}
    html = "".join(build_section(base, context2).blocks)
    assert "Customer equity by segment" in html


def test_section_falls_back_to_clv_quartiles(base):
    bare = copy.copy(base)
    bare.clients = base.clients.assign(relation_to_firm=None)
    html = "".join(build_section(bare, {}).blocks)
    assert "Customer equity by CLV quartile" in html
    assert "Q4 (top)" in html
