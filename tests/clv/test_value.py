"""CLV with explicit time units and annual discounting; customer equity."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    customer_equity,
    customer_lifetime_value,
    period_discount_rate,
)
from clientalytics.exceptions import DataQualityWarning, ValidationError


@pytest.fixture(scope="module")
def models(cdnow_monetary):
    return BetaGeoModel().fit(cdnow_monetary), GammaGammaModel().fit(cdnow_monetary)


def test_period_discount_rate_converts_annual_rate():
    assert period_discount_rate(0.10, time_unit="M") == pytest.approx(1.1 ** (1 / 12) - 1)
    assert period_discount_rate(0.10, time_unit="W") == pytest.approx(1.1 ** (7 / 365.25) - 1)
    assert period_discount_rate(0.10, time_unit="D") == pytest.approx(1.1 ** (1 / 365.25) - 1)
    # compounding the weekly rate over a year gives back the annual rate
    weekly = period_discount_rate(0.10, time_unit="W")
    assert (1 + weekly) ** (365.25 / 7) == pytest.approx(1.10)


def test_clv_hand_computed_for_one_client(models, cdnow_monetary):
    """Month k (k=1..3) is 365.25/12/7 weeks long and discounted by 1.1**(k/12)."""
    bg, gg = models
    client = cdnow_monetary.iloc[[0]]
    result = customer_lifetime_value(
        bg,
        gg,
        client,
        time_unit="W",
        horizon_months=3,
        annual_discount_rate=0.1,
        value="revenue",
    )
    month = 365.25 / 12 / 7
    cumulative = [bg.expected_purchases(client, t=k * month).iloc[0] for k in (1, 2, 3)]
    monthly = np.diff([0.0, *cumulative])
    expected = gg.expected_value(client).iloc[0] * sum(
        m / 1.1 ** (k / 12) for k, m in zip((1, 2, 3), monthly, strict=True)
    )
    assert result["clv"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert result["expected_purchases"].iloc[0] == pytest.approx(cumulative[-1], rel=1e-12)


def test_clv_does_not_depend_on_the_time_unit(cdnow_monetary):
    """The same histories expressed in days or in weeks give the same CLV."""
    weeks = cdnow_monetary
    days = weeks.assign(recency=weeks["recency"] * 7, T=weeks["T"] * 7)
    gg = GammaGammaModel().fit(weeks)
    in_weeks = customer_lifetime_value(
        BetaGeoModel().fit(weeks),
        gg,
        weeks,
        time_unit="W",
        horizon_months=24,
        annual_discount_rate=0.12,
        value="revenue",
    )
    in_days = customer_lifetime_value(
        BetaGeoModel().fit(days),
        gg,
        days,
        time_unit="D",
        horizon_months=24,
        annual_discount_rate=0.12,
        value="revenue",
    )
    np.testing.assert_allclose(in_days["clv"], in_weeks["clv"], rtol=1e-5)


def test_lifetimes_helper_disagrees_on_weekly_data(models, cdnow_monetary):
    """lifetimes' CLV helper assumes daily data and a monthly rate by default: on weekly data
    it values 12 'months' of 30 weeks each, overstating the value several-fold."""
    bg, gg = models
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    lbg = BetaGeoFitter()
    lbg.params_ = bg.params_.copy()
    lbg.predict = lbg.conditional_expected_number_of_purchases_up_to_time
    lgg = GammaGammaFitter()
    lgg.params_ = pd.Series(gg.params_.to_numpy(), index=["p", "q", "v"])
    d = cdnow_monetary
    naive = lgg.customer_lifetime_value(
        lbg,
        d["frequency"],
        d["recency"],
        d["T"],
        d["monetary_value"],
        time=12,
        discount_rate=0.01,
    )
    ours = customer_lifetime_value(
        bg,
        gg,
        d,
        time_unit="W",
        horizon_months=12,
        annual_discount_rate=0.1268,
        value="revenue",
    )
    assert naive.sum() > 3 * ours["clv"].sum()


def test_margin_is_the_default_value(models, cdnow_monetary):
    bg, gg = models
    frame = cdnow_monetary.assign(total_revenue=100.0, total_margin=25.0)
    frame.loc[frame.index[0], ["total_revenue", "total_margin"]] = [0.0, 0.0]
    margin = customer_lifetime_value(bg, gg, frame, time_unit="W")
    revenue = customer_lifetime_value(bg, gg, frame, time_unit="W", value="revenue")
    np.testing.assert_allclose(margin["clv"], 0.25 * revenue["clv"])
    # a client without revenue gets the base-wide rate, here also 25 / 100
    assert margin["margin_rate"].iloc[0] == pytest.approx(0.25)
    fixed = customer_lifetime_value(bg, gg, cdnow_monetary, time_unit="W", margin_rate=0.4)
    np.testing.assert_allclose(fixed["clv"], 0.4 * revenue["clv"])


def test_margin_needs_a_rate(models, cdnow_monetary):
    bg, gg = models
    with pytest.raises(ValidationError, match=r"lacks \['total_margin', 'total_revenue'\]"):
        customer_lifetime_value(bg, gg, cdnow_monetary, time_unit="W")


def test_time_unit_is_required(models, cdnow_monetary):
    bg, gg = models
    with pytest.raises(ValidationError, match="time_unit is required"):
        customer_lifetime_value(bg, gg, cdnow_monetary, value="revenue")
    with pytest.raises(ValidationError, match=r"time_unit must be one of \['D', 'W', 'M'\]"):
        customer_lifetime_value(bg, gg, cdnow_monetary, time_unit="Y", value="revenue")
    # a summary carries no unit of its own
    assert cdnow_monetary.attrs == {}


def test_time_unit_from_the_fitted_model(models, cdnow_monetary):
    """fit(summary, time_unit=...) stores time_unit_, which CLV uses when not given."""
    bg, gg = models
    assert bg.time_unit_ is None
    weekly = BetaGeoModel().fit(cdnow_monetary, time_unit="W")
    assert weekly.time_unit_ == "W"
    np.testing.assert_allclose(weekly.params_, bg.params_)
    from_model = customer_lifetime_value(weekly, gg, cdnow_monetary, value="revenue")
    explicit = customer_lifetime_value(bg, gg, cdnow_monetary, time_unit="W", value="revenue")
    pd.testing.assert_frame_equal(from_model, explicit, rtol=1e-12)
    agreeing = customer_lifetime_value(weekly, gg, cdnow_monetary, time_unit="W", value="revenue")
    pd.testing.assert_frame_equal(agreeing, explicit, rtol=1e-12)
    with pytest.raises(ValidationError, match=r"time_unit='D' differs .* \(time_unit_='W'\)"):
        customer_lifetime_value(weekly, gg, cdnow_monetary, time_unit="D", value="revenue")
    with pytest.raises(ValidationError, match=r"time_unit must be one of \['D', 'W', 'M'\]"):
        BetaGeoModel().fit(cdnow_monetary, time_unit="Q")


def test_clv_columns_and_properties(models, cdnow_monetary):
    bg, gg = models
    result = customer_lifetime_value(
        bg, gg, cdnow_monetary, time_unit="W", horizon_months=12, value="revenue"
    )
    assert list(result.columns) == [
        "expected_purchases",
        "probability_alive",
        "expected_value_per_purchase",
        "margin_rate",
        "clv",
    ]
    assert result.index.equals(cdnow_monetary.index)
    assert np.all(np.isfinite(result.to_numpy()))
    assert (result["clv"] >= 0).all()
    longer = customer_lifetime_value(
        bg, gg, cdnow_monetary, time_unit="W", horizon_months=24, value="revenue"
    )
    assert (longer["clv"] >= result["clv"]).all()
    cheaper = customer_lifetime_value(
        bg,
        gg,
        cdnow_monetary,
        time_unit="W",
        horizon_months=12,
        value="revenue",
        annual_discount_rate=0.0,
    )
    assert (cheaper["clv"] >= result["clv"]).all()


def test_clv_with_pareto_and_value_series(cdnow_monetary):
    model = ParetoNBDModel().fit(cdnow_monetary)
    per_purchase = pd.Series(10.0, index=cdnow_monetary.index)
    result = customer_lifetime_value(
        model,
        per_purchase,
        cdnow_monetary,
        time_unit="W",
        annual_discount_rate=0.0,
        horizon_months=6,
        value="revenue",
    )
    horizon = 6 * 365.25 / 12 / 7
    np.testing.assert_allclose(
        result["clv"], 10.0 * model.expected_purchases(cdnow_monetary, t=horizon), rtol=1e-10
    )


def test_customer_equity_by_segment():
    clv = pd.DataFrame({"clv": [10.0, 20.0, 30.0, 40.0]}, index=list("abcd"))
    segments = pd.Series(["x", "y", "x", "y"], index=list("dcba"))
    table = customer_equity(clv, segments=segments)
    assert list(table.columns) == [
        "n_clients",
        "customer_equity",
        "mean_clv",
        "median_clv",
        "share_of_equity",
    ]
    # aligned on the index: x = {d, b} = 40 + 20, y = {c, a} = 30 + 10
    assert table.loc["x", "customer_equity"] == 60.0
    assert table.loc["y", "customer_equity"] == 40.0
    assert table["share_of_equity"].sum() == pytest.approx(1.0)
    assert table.index[0] == "x"
    whole = customer_equity(clv["clv"])
    assert whole.loc["all clients", "customer_equity"] == 100.0


def test_customer_equity_rejects_unlabelled_clients():
    clv = pd.Series([1.0, 2.0], index=["a", "b"])
    with pytest.raises(ValidationError, match="no label for 1 client"):
        customer_equity(clv, segments=pd.Series(["x"], index=["a"]))


def test_clv_of_a_credit_note_client_is_zero_and_the_others_unchanged(models, cdnow_monetary):
    """Issue 12: a negative mean repeat spend values one client at 0, not the whole base."""
    bg, gg = models
    refunded = cdnow_monetary.iloc[[0, 1]].copy()
    refunded.index = pd.Index([99001, 99002], name=cdnow_monetary.index.name)
    refunded["monetary_value"] = [-40.0, 0.0]
    frame = pd.concat([cdnow_monetary, refunded])
    with pytest.warns(DataQualityWarning, match="2 repeat buyer"):
        gg_credit = GammaGammaModel().fit(frame)
    result = customer_lifetime_value(bg, gg_credit, frame, time_unit="W", value="revenue")
    assert result.loc[[99001, 99002], "clv"].tolist() == [0.0, 0.0]
    assert result.loc[[99001, 99002], "expected_purchases"].gt(0).all()
    reference = customer_lifetime_value(bg, gg, cdnow_monetary, time_unit="W", value="revenue")
    pd.testing.assert_frame_equal(result.drop(index=[99001, 99002]), reference, rtol=1e-10)
    assert np.isfinite(customer_equity(result)["customer_equity"]).all()
