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
    assert a.profitability.table["allocated_marketing"].sum() == pytest.approx(
        alloc.allocated_total
    )
    assert (a.loss_making["profit"] < 0).all()
    assert (a.loss_making["loss_drivers"] != "").all()
    numeric = a.profitability.table.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()


def test_results_equal_the_figures_before_the_single_allocation(analysis):
    """Figures recorded from the version that allocated the spend twice and re-checked the base."""
    a = analysis
    assert a.metrics.loc["total", "nmc"] == pytest.approx(2629256.01, abs=1e-6)
    assert a.by_segment["nmc"].to_dict() == pytest.approx(
        {
            "low_value": -43054.871541651664,
            "unassigned": -115424.5265972583,
            "valuable": 2796839.83813891,
            "(unallocated)": -9104.43,
            "total": 2629256.01,
        },
        abs=1e-6,
    )
    assert a.by_segment["n_clients"].to_dict() == {
        "low_value": 696,
        "unassigned": 0,
        "valuable": 209,
        "(unallocated)": 0,
        "total": 905,
    }
    assert a.by_channel.loc["cold_calls", "nmc"] == pytest.approx(1000862.94, abs=1e-6)
    assert a.by_channel.loc["website", "nmc"] == pytest.approx(458270.99, abs=1e-6)
    assert list(a.by_period.index[:3]) == ["2023Q1", "2023Q2", "2023Q3"]
    assert a.by_period["nmc"].iloc[:3].to_list() == pytest.approx(
        [-6022.07, 285726.74, 264210.77], abs=1e-6
    )
    profit = a.profitability
    assert profit.table["profit"].sum() == pytest.approx(2206506.44, abs=1e-6)
    assert profit.table["cost_to_serve"].sum() == pytest.approx(431854.0, abs=1e-6)
    assert profit.table["allocated_marketing"].sum() == pytest.approx(1176307.47, abs=1e-6)
    assert profit.unallocated_marketing == pytest.approx(9104.43, abs=1e-6)
    assert len(a.loss_making) == 538
    assert list(a.loss_making.index[:3]) == ["C00553", "C00708", "C00432"]
    assert a.investment["client_roi"].sum() == pytest.approx(1784.6845570396972, rel=1e-12)
    assert a.investment["lifetime_roi"].sum() == pytest.approx(1949.4589799035814, rel=1e-12)
    assert int(a.investment["payback_periods"].sum()) == 1860
    assert int(a.investment["paid_back"].sum()) == 629


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
    assert "best strategy by customer equity" in section.summary[1]
