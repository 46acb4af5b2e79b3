import numpy as np
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.company_metrics import marketing_metrics


def test_total(tiny_transactions, tiny_spend):
    t = marketing_metrics(tiny_transactions, tiny_spend)
    row = t.loc["total"]
    assert row["sales"] == pytest.approx(2800.0)
    assert row["gross_margin"] == pytest.approx(1030.0)
    assert row["marketing_expenses"] == pytest.approx(660.0)
    assert row["nmc"] == pytest.approx(370.0)
    assert row["marketing_ros"] == pytest.approx(370 / 2800)
    assert row["marketing_roi"] == pytest.approx(370 / 660)
    assert row["n_clients"] == 4


def test_by_channel(tiny_transactions, tiny_spend, tiny_clients):
    t = marketing_metrics(tiny_transactions, tiny_spend, by="channel", clients=tiny_clients)
    assert t.loc["exhibitions", "nmc"] == pytest.approx(300.0)
    assert t.loc["exhibitions", "marketing_roi"] == pytest.approx(1.0)
    assert t.loc["search", "nmc"] == pytest.approx(30.0 - 230.0)
    assert t.loc["email", "nmc"] == pytest.approx(-130.0)
    assert np.isnan(t.loc["email", "marketing_ros"])
    assert np.isnan(t.loc["(no channel)", "marketing_roi"])
    assert t.loc["total", "nmc"] == pytest.approx(370.0)


def test_by_segment_keeps_unallocated_money(
    tiny_transactions, tiny_spend, tiny_clients, tiny_segments
):
    t = marketing_metrics(
        tiny_transactions, tiny_spend, by="segment", clients=tiny_clients, segments=tiny_segments
    )
    assert t.loc["gold", "nmc"] == pytest.approx(1000.0 - 400.0)
    assert t.loc["silver", "nmc"] == pytest.approx(30.0 - 210.0)
    assert t.loc["(unallocated)", "marketing_expenses"] == pytest.approx(50.0)
    assert t.loc["total", "marketing_expenses"] == pytest.approx(660.0)
    assert t.loc["total", "nmc"] == pytest.approx(370.0)
    # the same grouping passed as a Series
    t2 = marketing_metrics(tiny_transactions, tiny_spend, by=tiny_segments, clients=tiny_clients)
    assert t2["nmc"].to_dict() == pytest.approx(t["nmc"].to_dict())


def test_by_period(tiny_transactions, tiny_spend):
    t = marketing_metrics(tiny_transactions, tiny_spend, by="period", period_freq="M")
    assert list(t.index) == ["2024-01", "2024-02", "2024-03", "total"]
    assert t["nmc"].to_list() == pytest.approx([450 - 400, 180 - 170, 400 - 90, 370])
    assert t.loc["total", "n_clients"] == 4


def test_breakdown_needs_clients(tiny_transactions, tiny_spend):
    with pytest.raises(ValidationError, match="needs the clients table"):
        marketing_metrics(tiny_transactions, tiny_spend, by="channel")
