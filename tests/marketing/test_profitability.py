import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.cost_to_serve import cost_to_serve
from clientalytics.marketing.investment import client_investment_return
from clientalytics.marketing.profitability import client_profitability, loss_making_clients

from .conftest import REQUEST_COSTS, TOUCHPOINT_COSTS


@pytest.fixture
def result(
    tiny_transactions, tiny_clients, tiny_spend, tiny_touchpoints, tiny_requests, tiny_segments
):
    return client_profitability(
        tiny_transactions,
        clients=tiny_clients,
        marketing_spend=tiny_spend,
        touchpoints=tiny_touchpoints,
        requests=tiny_requests,
        touchpoint_costs=TOUCHPOINT_COSTS,
        cost_per_minute=1.0,
        request_costs=REQUEST_COSTS,
        segments=tiny_segments,
    )


def test_cost_to_serve_by_hand(tiny_touchpoints, tiny_requests):
    cts = cost_to_serve(
        tiny_touchpoints,
        tiny_requests,
        touchpoint_costs=TOUCHPOINT_COSTS,
        cost_per_minute=1.0,
        request_costs=REQUEST_COSTS,
        clients=pd.Series(["c1", "c2", "c3", "c4"]),
    )
    # c1: meeting 100 + 60 min, phone 10 + 5 min; c2: two phones (15 each) + commercial 20;
    # c3: email 2 (no duration) + complaint 50; c4: nothing
    assert cts["cost_to_serve"].to_dict() == pytest.approx(
        {"c1": 175.0, "c2": 50.0, "c3": 52.0, "c4": 0.0}
    )
    assert cts.loc["c2", "n_touchpoints"] == 2
    assert cts.loc["c3", "n_requests"] == 1


def test_unpriced_channel_is_named(tiny_touchpoints):
    with pytest.raises(
        ValidationError,
        match=r"no unit cost given for 1 value\(s\) of column 'channel', e.g. \['email'\]",
    ):
        cost_to_serve(tiny_touchpoints, touchpoint_costs={"meeting": 1.0, "phone": 1.0})


def test_profit_by_hand(result):
    t = result.table
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
    assert result.unallocated_marketing == pytest.approx(50.0)
    assert result.total_profit == pytest.approx(93.0)


def test_loss_making_list(result):
    losses = loss_making_clients(result)
    assert list(losses.index) == ["c3", "c2"]
    assert losses["loss_share"].to_list() == pytest.approx([182 / 282, 100 / 282])
    assert list(loss_making_clients(result, top=1).index) == ["c3"]


def test_unknown_client_in_transactions(tiny_transactions, tiny_clients):
    txn = tiny_transactions.copy()
    txn.loc[0, "client_id"] = "ghost"
    with pytest.raises(
        ValidationError, match=r"1 row\(s\) with clients not in the clients table, e.g. \['ghost'\]"
    ):
        client_profitability(txn, clients=tiny_clients)


def test_investment_and_payback(result, tiny_transactions, tiny_clients):
    inv = client_investment_return(
        result, tiny_transactions, tiny_clients, clv=pd.Series({"c1": 1000.0, "c2": 25.0})
    )
    # c1: acquisition 300; retention 70 + cost to serve 175
    assert inv.loc["c1", "acquisition_investment"] == pytest.approx(300.0)
    assert inv.loc["c1", "retention_investment"] == pytest.approx(245.0)
    assert inv.loc["c1", "client_roi"] == pytest.approx(55.0 / 545.0)
    # c1 acquired in January, margin 200 in Jan then 400 in March: covers 300 in March
    assert inv.loc["c1", "payback_periods"] == 2
    assert inv.loc["c1", "lifetime_roi"] == pytest.approx((600 + 1000 - 545) / 545)
    # c2 never covers its 100 of acquisition spend (margin 50)
    assert not inv.loc["c2", "paid_back"]
    assert pd.isna(inv.loc["c2", "payback_periods"])
    # c4 had no acquisition spend: nothing to pay back
    assert inv.loc["c4", "payback_periods"] == 0
    assert inv.loc["c3", "clv"] == 0.0
