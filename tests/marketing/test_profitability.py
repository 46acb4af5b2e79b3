"""Client profitability after cost to serve and allocated marketing; loss-making clients."""

import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.profitability import client_profitability, loss_making_clients


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
