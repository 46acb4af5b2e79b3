"""Client profitability after cost to serve and allocated marketing; loss-making clients."""

import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.profitability import (
    client_profitability,
    loss_making_clients,
    unit_cost_sensitivity,
)


def test_profit_by_hand(tiny_profitability):
    t = tiny_profitability.table
    # margins: c1 600, c2 50, c3 -20, c4 400; cost to serve 175/50/52/0;
    # marketing 370/100/110/30
    assert t["gross_margin"].to_dict() == pytest.approx(
        {"c1": 600.0, "c2": 50.0, "c3": -20.0, "c4": 400.0}
    )
    assert t["profit"].to_dict() == pytest.approx(
        {"c1": 55.0, "c2": -100.0, "c3": -182.0, "c4": 370.0}
    )
    assert list(t.index[t["is_loss_making"]]) == ["c2", "c3"]
    assert t.loc["c2", "loss_drivers"] == "acquisition spend"
    assert t.loc["c3", "loss_drivers"] == (
        "acquisition spend; cost to serve; retention spend; negative gross margin"
    )
    assert t.loc["c1", "loss_drivers"] == ""
    assert t.loc["c3", "segment"] == "silver"
    # company view: margin 1030 - cost to serve 277 - all spend 660 (incl. 50 unallocated)
    assert tiny_profitability.unallocated_marketing == pytest.approx(50.0)
    assert tiny_profitability.total_profit == pytest.approx(93.0)


def test_loss_making_list(tiny_profitability):
    losses = loss_making_clients(tiny_profitability)
    assert list(losses.index) == ["c3", "c2"]
    assert losses["loss_share"].to_list() == pytest.approx([182 / 282, 100 / 282])
    assert list(loss_making_clients(tiny_profitability, top=1).index) == ["c3"]


def test_unknown_client_in_transactions(tiny_transactions, tiny_clients):
    txn = tiny_transactions.copy()
    txn.loc[0, "client_id"] = "ghost"
    with pytest.raises(
        ValidationError, match=r"1 row\(s\) with clients not in the clients table, e.g. \['ghost'\]"
    ):
        client_profitability(txn, clients=tiny_clients)


def _three_won_by_one_line(lifetime):
    """One search-ads line of 300 in January; three clients won that month, one prospect."""
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "p"],
            "acquisition_channel": ["search", "search", "search", "search"],
            "first_contact_date": pd.to_datetime(
                ["2024-01-03", "2024-01-10", "2024-01-20", "2024-01-25"]
            ),
        }
    )
    txn = pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "a"],
            "date": pd.to_datetime(["2024-01-05", "2024-01-15", "2024-01-25", "2024-03-10"]),
            "revenue": [100.0, 100.0, 100.0, 100.0],
            "variable_cost": [0.0, 0.0, 0.0, 0.0],
        }
    )
    spend = pd.DataFrame(
        {
            "spend_id": ["s1"],
            "period": pd.to_datetime(["2024-01-01"]),
            "channel": ["search"],
            "purpose": ["acquisition"],
            "amount": [400.0],
        }
    )
    return client_profitability(
        txn, clients=clients, marketing_spend=spend, acquisition_lifetime=lifetime
    )


def test_prospect_is_never_loss_making():
    """The prospect p bought nothing: it carries its quarter of the spend but is no loss-maker."""
    result = _three_won_by_one_line(lifetime=1)
    t = result.table
    assert t.loc["p", "is_prospect"] and t.loc["p", "profit"] == pytest.approx(-100.0)
    assert not t.loc["p", "is_loss_making"]
    assert "p" not in loss_making_clients(result).index
    assert list(result.prospects.index) == ["p"]
    assert result.prospect_cost == pytest.approx(100.0)
    assert t.loc["p", "loss_drivers"] == ""


def test_channel_month_spend_over_three_clients_amortised():
    """400 over a, b, c and the prospect p: 100 each; Jan-Mar is 3 of a 6-month lifetime."""
    result = _three_won_by_one_line(lifetime=6)
    t = result.table
    assert t.loc[["a", "b", "c"], "acquisition_allocated"].to_list() == pytest.approx([100.0] * 3)
    # the window ends in March: 3 months observed of 6, so each is charged half of its share
    assert t.loc[["a", "b", "c"], "acquisition_spend"].to_list() == pytest.approx([50.0] * 3)
    assert t.loc[["a", "b", "c"], "deferred_acquisition"].to_list() == pytest.approx([50.0] * 3)
    assert result.acquisition_lifetime == 6 and result.lifetime_source == "given"
    # money is conserved: margin 400 − all spend 400
    assert result.total_profit == pytest.approx(0.0)
    # lifetime from the data: a lived 3 months, b and c one each -> median 1: charged at once
    default = _three_won_by_one_line(lifetime=None)
    assert default.acquisition_lifetime == 1.0
    assert default.lifetime_source == "median observed lifetime"
    assert default.table.loc["b", "acquisition_spend"] == pytest.approx(100.0)


def test_acquisition_lifetime_must_be_a_period_count():
    with pytest.raises(ValidationError, match="acquisition_lifetime must be a number of periods"):
        _three_won_by_one_line(lifetime=0.5)


def test_unit_cost_sensitivity_by_hand(tiny_profitability):
    """Profit before cost to serve: c1 230, c2 -50, c3 -130, c4 370; cost to serve 175/50/52/0."""
    sens = unit_cost_sensitivity(tiny_profitability)
    # ×0.5: 142.5, -75, -156, 370; ×1: 55, -100, -182, 370; ×1.5: -32.5, -125, -208, 370
    assert sens.counts["n_loss_making"].to_list() == [2, 2, 3]
    assert sens.counts.loc[1.5, "loss_total"] == pytest.approx(32.5 + 125 + 208)
    assert list(sens.marginal) == ["c1"]
    assert sens.counts["n_marginal"].to_list() == [1, 1, 1]
