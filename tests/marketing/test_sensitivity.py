import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.sensitivity import sensitivity_table
from clientalytics.marketing.simulator import ClientGroup, MarketModel


def _model():
    g = ClientGroup(
        "g", clients=100, margin=50.0, revenue=200.0, retention=ResponseCurve(0.9, 0.05)
    )
    return MarketModel([g], horizon=1, discount_rate=0.1)


def test_margin_plus_twenty_percent_by_hand():
    model = _model()
    plans = {"keep": {"g": {"retention_budget": 500.0}}, "none": {"g": {"retention_budget": 0.0}}}
    table = sensitivity_table(model, plans)
    r = 0.9 * (1 - 2.718281828459045**-0.25)
    row = table.loc[
        (table["parameter"] == "g.margin")
        & (table["change"] == 0.2)
        & (table["strategy"] == "keep")
    ]
    assert row["customer_equity"].iloc[0] == pytest.approx((60.0 * 100 * r - 500.0) / 1.1)
    base = (50.0 * 100 * r - 500.0) / 1.1
    assert row["equity_change"].iloc[0] == pytest.approx(
        ((60.0 * 100 * r - 500.0) / 1.1 - base) / abs(base)
    )
    # clients, margin, revenue, retention ceiling and k, discount rate; 2 directions; 2 plans
    assert len(table) == 6 * 2 * 2
    assert set(table["best_strategy"]) == {"keep"}
    assert not table["best_changes"].any()


def test_ceiling_is_capped_at_one():
    g = ClientGroup("g", clients=10, margin=1.0, revenue=1.0, retention=ResponseCurve(0.95, 0.5))
    table = sensitivity_table(MarketModel([g], horizon=2), {"p": {"g": {"retention_budget": 10.0}}})
    assert len(table) > 0


def test_bad_change():
    with pytest.raises(ValidationError, match="change must lie in"):
        sensitivity_table(_model(), {"p": {}}, change=1.5)


def test_equity_change_is_undefined_when_base_equity_is_zero():
    # no retention budget and no floor: no client is kept, so the base equity is 0
    plans = {"keep": {"g": {"retention_budget": 500.0}}, "none": {"g": {"retention_budget": 0.0}}}
    table = sensitivity_table(_model(), plans)
    none = table.loc[table["strategy"] == "none"]
    assert (none["customer_equity"] == 0.0).all()
    assert none["equity_change"].isna().all()
    assert table.loc[table["strategy"] == "keep", "equity_change"].notna().all()
