"""The CLV report section on the bundled sample company."""

import copy
import dataclasses

import numpy as np
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


def test_the_purchase_model_is_chosen_on_the_holdout_and_named(base, inputs):
    from clientalytics.clv.selection import DEFAULT_MODEL, choose_model

    valuation = inputs.valuation
    selection = valuation.selection
    assert selection is not None and valuation.holdout_months == 12
    assert list(selection.table.index) == ["BG/NBD", "MBG/NBD", "Pareto/NBD"]
    # the stated rule applied to the shown holdout scores gives the model used
    assert choose_model(selection.table) == (selection.chosen, selection.conclusive)
    assert valuation.model_name == selection.chosen
    assert type(valuation.purchase_model) is type(selection.models[selection.chosen])
    if not selection.conclusive:
        assert valuation.model_name == DEFAULT_MODEL
    # BG/NBD calls every inactive one-time buyer alive and is set aside
    assert selection.table.loc["BG/NBD", "inactive_alive_share"] == 1.0
    assert not selection.table.loc["BG/NBD", "qualified"]
    html = "".join(build_section(base, inputs).blocks)
    assert f"Expected purchases from the {valuation.model_name} model" in html
    assert f"Purchase model: {valuation.model_name}" in html
    shown = table_after(html, "Purchase model:")
    assert shown.column("Model") == ["BG/NBD", "MBG/NBD", "Pareto/NBD"]
    np.testing.assert_allclose(
        [float(v) for v in shown.column("Mean absolute error, orders", raw=True)],
        selection.table["mae"],
    )
    ru = build_section(base, report_inputs(base, lang="ru"))
    assert f"Модель покупок: {valuation.model_name}" in "".join(ru.blocks)


def test_no_one_time_buyer_silent_for_a_year_is_called_alive(inputs):
    """The BG/NBD artefact: P(alive) = 1 for every one-time buyer, however long silent."""
    summary = inputs.summary
    once = summary[(summary["frequency"] == 0) & (summary["T"] > 365)]
    assert len(once) > 10
    alive = inputs.clv["probability_alive"].reindex(once.index.astype(str))
    assert (alive <= 0.9).all()
