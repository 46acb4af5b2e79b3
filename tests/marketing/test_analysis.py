"""The marketing economics of a ClientBase: the packaged sample company (integration)."""

from unittest import mock

import numpy as np
import pandas as pd
import pytest

from clientalytics.datasets import load_sample
from clientalytics.marketing import allocation as allocation_module
from clientalytics.marketing import (
    analyse_marketing,
    client_investment_return,
    client_profitability,
    marketing_metrics,
    value_groups,
)
from clientalytics.marketing import analysis as analysis_module
from clientalytics.marketing.calibration import market_model_from_history
from clientalytics.report.inputs import report_inputs
from clientalytics.report.model import ReportSection
from clientalytics.report.sections.marketing import build_section


@pytest.fixture(scope="module")
def base():
    return load_sample()


@pytest.fixture(scope="module")
def groups(base):
    return value_groups(base.transactions)


@pytest.fixture(scope="module")
def analysis(base, groups):
    clv = pd.Series(100.0, index=base.clients["client_id"].astype(str))
    return analyse_marketing(base, segments=groups, clv=clv)


def test_metrics_and_profitability_conserve_money(base, analysis):
    a = analysis
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
    charged = a.profitability.table["allocated_marketing"].sum()
    assert charged + a.profitability.deferred_acquisition == pytest.approx(alloc.allocated_total)
    assert a.profitability.total_profit == pytest.approx(
        total["gross_margin"] - a.profitability.table["cost_to_serve"].sum() - spend["amount"].sum()
    )
    assert not a.loss_making["is_prospect"].any()
    assert (a.loss_making["profit"] < 0).all()
    assert (a.loss_making["loss_drivers"] != "").all()
    numeric = a.profitability.table.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()


def test_results_add_up_to_the_tables(base, groups):
    """Company, segment, channel and client figures add up to the raw tables.

    Best's NMC is gross margin minus marketing spend; every rouble of spend is
    either charged to a client or reported unallocated; a client's profit is its
    margin less its cost to serve and its marketing charge; prospects are never
    loss-making.
    """
    clv = pd.Series(100.0, index=base.clients["client_id"].astype(str))
    a = analyse_marketing(
        base, segments=groups, clv=clv, attribution="period", acquisition_lifetime=1
    )
    tx = base.transactions
    margin = float((tx["revenue"] - tx["variable_cost"]).sum())
    spend = float(base.marketing_spend["amount"].sum())
    total = a.metrics.loc["total"]
    assert total["sales"] == pytest.approx(float(tx["revenue"].sum()), rel=1e-12)
    assert total["nmc"] == pytest.approx(margin - spend, rel=1e-12)
    assert total["marketing_roi"] == pytest.approx((margin - spend) / spend, rel=1e-12)
    by_segment = a.by_segment.drop(index="total")
    assert by_segment["nmc"].sum() == pytest.approx(total["nmc"], rel=1e-9)
    buyers = tx.loc[tx["revenue"] > 0, "client_id"].astype(str).nunique()
    assert by_segment["n_clients"].sum() == a.by_segment.loc["total", "n_clients"] == buyers
    assert a.by_channel.drop(index="total", errors="ignore")["nmc"].sum() == pytest.approx(
        total["nmc"], rel=1e-9
    )
    periods = a.by_period.drop(index="total", errors="ignore")
    assert periods["nmc"].sum() == pytest.approx(total["nmc"], rel=1e-9)
    profit = a.profitability
    table = profit.table
    assert table["allocated_marketing"].sum() + profit.unallocated_marketing == pytest.approx(
        spend, rel=1e-9
    )
    np.testing.assert_allclose(
        table["profit"],
        table["gross_margin"] - table["cost_to_serve"] - table["allocated_marketing"],
        rtol=1e-12,
        atol=1e-6,
    )
    loss = (table["profit"] < 0) & ~table["is_prospect"]
    assert len(a.loss_making) == int(loss.sum()) > 0
    assert not table.loc[table["is_prospect"], "is_loss_making"].any()


def test_spend_is_allocated_once(base, groups):
    # one counting wrapper behind every way in: the public allocation function and the
    # analysis's direct use of the allocation step
    allocate = mock.Mock(wraps=allocation_module._allocate)
    with (
        mock.patch.object(allocation_module, "_allocate", allocate),
        mock.patch.object(analysis_module, "_allocate", allocate),
    ):
        result = analyse_marketing(base, segments=groups)
    assert allocate.call_count == 1
    assert result.profitability.allocation is not None
    assert result.by_segment is not None
    # the analysis of the same base without the patch gives the same tables
    pd.testing.assert_frame_equal(
        result.by_segment, analyse_marketing(base, segments=groups).by_segment
    )


def test_equals_the_functions_on_the_base_tables(base, groups, analysis):
    txn, spend, clients = base.transactions, base.marketing_spend, base.clients
    pd.testing.assert_frame_equal(analysis.metrics, marketing_metrics(txn, spend))
    pd.testing.assert_frame_equal(
        analysis.by_period, marketing_metrics(txn, spend, by="period", time_unit="Q")
    )
    pd.testing.assert_frame_equal(
        analysis.by_segment,
        marketing_metrics(txn, spend, by="segment", clients=clients, segments=groups),
    )
    profit = client_profitability(
        txn,
        clients=clients,
        marketing_spend=spend,
        touchpoints=base.touchpoints,
        requests=base.requests,
        touchpoint_costs=1.0,
        segments=groups,
    )
    mine = analyse_marketing(base, segments=groups, touchpoint_costs=1.0, request_costs=0.0)
    pd.testing.assert_frame_equal(mine.profitability.table, profit.table)
    pd.testing.assert_frame_equal(mine.investment, client_investment_return(profit, txn, clients))


def test_report_section(base):
    section = build_section(base, report_inputs(base))
    assert isinstance(section, ReportSection)
    html = "".join(section.blocks)
    assert "Loss-making clients" in html
    assert "<img" in html
    summary = section.summary[1]
    market = market_model_from_history(
        base.transactions,
        base.marketing_spend,
        base.clients,
        groups=value_groups(base.transactions),
    )
    if market.identified:
        assert "best strategy by customer equity" in summary
    else:
        # a plan is never called best on curves the history does not identify
        assert "no strategy called best" in summary and "best strategy by" not in summary
        assert "No strategy is called best" in html
        for group, purpose in market.unidentified.index:
            assert f"{group} {purpose}" in summary
    assert "prospects apart" in summary
    assert section.facts["loss_making_low"] <= section.facts["loss_making_clients"]
    assert section.facts["loss_making_clients"] <= section.facts["loss_making_high"]
