"""The marketing economics on the packaged sample company (integration)."""

import numpy as np
import pytest

from clientalytics.datasets import load_sample
from clientalytics.marketing import (
    analyse_marketing,
    compare_strategies,
    market_model_from_history,
    strategy_plans,
    value_groups,
)
from clientalytics.report.model import ReportSection
from clientalytics.report.sections.marketing import build_section


@pytest.fixture(scope="module")
def base():
    return load_sample()


def test_metrics_and_profitability_conserve_money(base):
    groups = value_groups(base.transactions)
    a = analyse_marketing(base, segments=groups)
    txn, spend = base.transactions, base.marketing_spend
    total = a.metrics.loc["total"]
    assert total["sales"] == pytest.approx(txn["revenue"].sum())
    assert total["marketing_expenses"] == pytest.approx(spend["amount"].sum())
    # every breakdown adds up to the same NMC
    for table in (a.by_channel, a.by_period, a.by_segment):
        assert table.loc["total", "nmc"] == pytest.approx(total["nmc"])
        assert table.drop(index="total")["nmc"].sum() == pytest.approx(total["nmc"])
    alloc = a.profitability.allocation
    assert alloc.allocated_total + alloc.unallocated_total == pytest.approx(spend["amount"].sum())
    assert a.profitability.table["allocated_marketing"].sum() == pytest.approx(
        alloc.allocated_total
    )
    assert (a.loss_making["profit"] < 0).all()
    assert (a.loss_making["loss_drivers"] != "").all()
    numeric = a.profitability.table.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()


def test_strategies_on_history(base):
    groups = value_groups(base.transactions)
    market = market_model_from_history(
        base.transactions, base.marketing_spend, base.clients, groups=groups
    )
    assert set(market.calibration["source"]) == {"fitted"}
    assert (market.calibration["n_points"] >= 4).all()
    plans = strategy_plans(market.model, market.baseline, best_group="valuable")
    table = compare_strategies(market.model, plans)
    assert table.loc["optimal", "customer_equity"] >= table.loc["baseline", "customer_equity"]
    assert np.isfinite(table.to_numpy()).all()


def test_report_section(base):
    context: dict[str, object] = {}
    section = build_section(base, context)
    assert isinstance(section, ReportSection)
    html = "".join(section.blocks)
    assert "Loss-making clients" in html
    assert "<img" in html
    assert "strategies" in context
    assert section.summary
