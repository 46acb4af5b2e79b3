"""Touchpoints, requests, marketing spend and surveys of the synthetic company."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from clientalytics.calendar import BusinessCalendar
from clientalytics.datasets import generate_company
from clientalytics.datasets._core import STREAM_MARKETING, STREAM_REQUESTS, draw_core, streams
from clientalytics.datasets._interactions import (
    SOURCE_EXISTING,
    SOURCE_TENDER,
    WorkCalendar,
    requests_table,
)
from clientalytics.datasets._marketing import marketing_table
from clientalytics.datasets.transactions import simulate_purchases

CAL = BusinessCalendar()
SALES_CHANNELS = {"cold_calls", "search_ads", "industry_portal", "exhibitions", "referral"}


@pytest.fixture(scope="module")
def small():
    return generate_company(200, 2, seed=1)


@pytest.fixture(scope="module")
def large():
    """Enough requests per lead source for conversion rates (about 6,000 quotes)."""
    return generate_company(1000, 3, seed=1)


def _in_office_hours(stamps: pd.Series) -> np.ndarray:
    """Working day (Russian calendar) and 09:00 <= time <= 18:00."""
    minute = stamps.dt.hour * 60 + stamps.dt.minute
    return CAL.is_working_day(stamps) & (minute >= 9 * 60).to_numpy() & (minute <= 18 * 60)


def _decided_win_rate(frame: pd.DataFrame) -> float:
    decided = frame[frame["outcome"].isin(["won", "lost", "declined"])]
    return float((decided["outcome"] == "won").mean())


# --------------------------------------------------------------------------- calendar
def test_working_minutes_skip_the_weekend_and_public_holidays():
    """Hand-checked: 2024-03-08 (Friday) is Women's Day, 2024-03-09/10 a weekend."""
    start = pd.Timestamp("2024-03-04")  # a Monday
    cal = WorkCalendar.from_start(start, 30)
    friday_1750 = np.array([11 + (17 * 60 + 50) / 1_440])  # Friday 2024-03-15 17:50
    answered = cal.add_working_minutes(friday_1750, np.array([30.0]))
    # 10 minutes on Friday, 20 on Monday 2024-03-18 from 09:00.
    assert np.isclose(answered[0], 14 + (9 * 60 + 20) / 1_440)
    thursday_1730 = np.array([3 + (17 * 60 + 30) / 1_440])  # Thursday 2024-03-07 17:30
    answered = cal.add_working_minutes(thursday_1730, np.array([60.0]))
    assert np.isclose(answered[0], 7 + (9 * 60 + 30) / 1_440)  # Monday 2024-03-11 09:30
    saturday = np.array([5 + 14 / 24])  # Saturday 2024-03-09 14:00
    assert np.isclose(cal.add_working_minutes(saturday, np.array([0.0]))[0], 7 + 9 / 24)
    assert cal.on_or_before(saturday)[0] == 3 and cal.on_or_after(saturday)[0] == 7


def test_working_minutes_agree_with_the_business_calendar():
    start = pd.Timestamp("2023-01-01")
    cal = WorkCalendar.from_start(start, 800)
    rng = np.random.default_rng(5)
    t = rng.uniform(0.0, 700.0, size=400)
    wait = rng.lognormal(np.log(120.0), 1.5, size=400)
    later = cal.add_working_minutes(t, wait)
    hours = CAL.working_hours_between(
        pd.Series(start + pd.to_timedelta(t, unit="D")),
        pd.Series(start + pd.to_timedelta(later, unit="D")),
    )
    np.testing.assert_allclose(hours.to_numpy(), wait / 60.0, atol=1e-6)


# --------------------------------------------------------------------------- timing
def test_requests_arrive_on_working_days_in_office_hours(small, large):
    for base in (small, large):
        received = base.requests["received_at"]
        assert (received.dt.day_of_week >= 5).mean() < 0.08  # was 29 % before the calendar
        assert 0.12 < (received.dt.day_of_week == 0).mean() < 0.26  # no Monday pile-up
        office = _in_office_hours(received)
        assert 0.85 < office.mean() < 0.97  # a small share in evenings and on days off
    rq = large.requests
    off = ~_in_office_hours(rq["received_at"])
    by_channel = pd.Series(off).groupby(rq["channel"].to_numpy()).mean()
    assert by_channel["messenger"] > 2 * by_channel["phone"]
    assert by_channel.get("meeting", 0.0) <= 0.3  # meetings take place in working hours


def test_touchpoints_follow_the_working_calendar(small, large):
    for base in (small, large):
        tp = base.touchpoints
        assert (tp["timestamp"].dt.day_of_week >= 5).mean() < 0.07
        assert 0.85 < _in_office_hours(tp["timestamp"]).mean() < 0.97
        meetings = tp[tp["channel"] == "meeting"]
        assert len(meetings) > 0 and _in_office_hours(meetings["timestamp"]).all()


def test_first_responses_in_working_hours_and_never_before_receipt(small, large):
    for base in (small, large):
        rq = base.requests
        answered = rq.dropna(subset=["first_response_at"])
        assert (answered["first_response_at"] >= answered["received_at"]).all()
        assert _in_office_hours(answered["first_response_at"]).all()
        quoted = rq.dropna(subset=["quoted_at"])
        assert (quoted["quoted_at"] >= quoted["first_response_at"]).all()
    rq = large.requests.dropna(subset=["first_response_at"])
    # Requests received on a day off are answered on a later (working) day.
    off_day = ~CAL.is_working_day(rq["received_at"])
    later = rq["first_response_at"].dt.normalize() > rq["received_at"].dt.normalize()
    assert off_day.sum() > 20 and later[off_day].all()


def test_no_contact_or_request_before_the_first_contact(small):
    first = small.clients.set_index("client_id")["first_contact_date"]
    for table, column in (("requests", "received_at"), ("touchpoints", "timestamp")):
        frame = getattr(small, table)
        day = frame[column].dt.normalize()
        assert (day >= first.reindex(frame["client_id"]).to_numpy()).all(), table
        assert (frame[column] < small.observation_end).all(), table


def test_survey_answers_mostly_in_office_hours(large):
    sv = large.surveys
    assert 0.7 < _in_office_hours(sv["surveyed_at"]).mean() < 0.9
    assert (sv["surveyed_at"].dt.day_of_week >= 5).mean() < 0.12


# --------------------------------------------------------------------------- conversion
def test_commercial_win_rate_by_lead_source(large):
    rq = large.requests
    quotes = rq[rq["request_type"] == "commercial"]
    assert 0.15 <= _decided_win_rate(quotes) <= 0.35  # was 62 %
    rate = {s: _decided_win_rate(g) for s, g in quotes.groupby("source")}
    assert set(rate) >= {SOURCE_EXISTING, SOURCE_TENDER} | SALES_CHANNELS
    assert 0.3 <= rate[SOURCE_EXISTING] <= 0.5
    assert 0.08 <= rate[SOURCE_TENDER] <= 0.25
    assert rate["referral"] > rate["search_ads"] > rate["cold_calls"]
    assert rate["cold_calls"] < 0.25
    new_business = quotes[~quotes["source"].isin([SOURCE_EXISTING, SOURCE_TENDER])]
    assert _decided_win_rate(new_business) < rate[SOURCE_EXISTING]
    # A prospect never wins a quote.
    buyers = set(large.transactions["client_id"])
    assert not quotes.loc[~quotes["client_id"].isin(buyers), "outcome"].eq("won").any()


def test_lead_source_of_new_business_is_the_clients_acquisition_channel(large):
    rq = large.requests
    new_business = rq[(rq["request_type"] == "commercial")]
    new_business = new_business[~new_business["source"].isin([SOURCE_EXISTING, SOURCE_TENDER])]
    channel = large.clients.set_index("client_id")["acquisition_channel"]
    expected = channel.reindex(new_business["client_id"]).to_numpy()
    assert (new_business["source"].to_numpy() == expected).all()


def test_service_and_complaint_requests_are_not_sales(small):
    rq = small.requests
    other = rq[rq["request_type"] != "commercial"]
    assert len(other) > 0
    # A closed service request is "resolved" (never "won"), an open one "pending" with
    # stage "open"; never lost or quoted.
    assert set(other["outcome"]) == {"resolved", "pending"}
    assert (other["stage"] == np.where(other["outcome"] == "resolved", "resolved", "open")).all()
    assert other[["quoted_value", "quoted_at", "loss_reason", "source"]].isna().all().all()
    quotes = rq[rq["request_type"] == "commercial"]
    assert quotes["source"].notna().all()
    assert set(quotes["stage"]) <= {"won", "lost", "declined", "quote sent", "new"}


def test_loss_reasons_only_on_lost_and_declined_quotes(large):
    rq = large.requests
    quotes = rq[rq["request_type"] == "commercial"]
    lost = quotes["outcome"].isin(["lost", "declined"])
    assert quotes.loc[lost, "loss_reason"].notna().all()
    assert quotes.loc[~lost, "loss_reason"].isna().all()
    reasons = quotes.loc[lost].groupby("outcome")["loss_reason"].value_counts(normalize=True)
    assert set(reasons["declined"].index) <= {"no vehicle", "deadline"}
    assert set(reasons["lost"].index) == {"price", "chose competitor", "deadline"}
    assert reasons["lost"].idxmax() == "price"
    escort = quotes["armed_escort_required"].astype("boolean").fillna(False).astype(bool)
    assert _decided_win_rate(quotes[escort]) < _decided_win_rate(quotes[~escort])


# --------------------------------------------------------------------------- money
def test_quoted_values_follow_the_order_values(small, large):
    for base in (small, large):
        orders = base.transactions[base.transactions["revenue"] > 0]
        quoted = base.requests["quoted_value"].dropna()
        assert 0.5 < quoted.median() / orders["revenue"].median() < 2.0
        per_client = pd.concat(
            [
                base.requests.groupby("client_id")["quoted_value"].median(),
                orders.groupby("client_id")["revenue"].median(),
            ],
            axis=1,
        ).dropna()
        assert per_client.corr(method="spearman").iloc[0, 1] > 0.5


def test_marketing_spend_is_a_few_percent_of_revenue_in_sales_channels(large):
    spend = large.marketing_spend
    revenue = large.transactions["revenue"].sum()
    assert 0.008 < spend["amount"].sum() / revenue < 0.04  # was 5.6 %
    acquisition = spend[spend["purpose"] == "acquisition"].groupby("channel")["amount"].sum()
    assert SALES_CHANNELS <= set(acquisition.index)
    assert acquisition.max() / acquisition.sum() < 0.4  # no channel dominates
    assert acquisition["exhibitions"] > acquisition["referral"]
    months = spend.loc[spend["channel"] == "exhibitions", "period"].dt.month
    assert set(months) <= {3, 10}
    # Cost of a won client: a few weeks to months of an average client's revenue.
    buyers = large.transactions.groupby("client_id")["revenue"].sum()
    per_year = buyers.mean() / 3
    won = (large.transactions.groupby("client_id")["date"].min() >= "2023-02-01").sum()
    assert 0.02 < acquisition.sum() / won / per_year < 0.5


@pytest.mark.parametrize("factor", [1_000.0])
def test_money_follows_the_price_scale_of_the_core(factor):
    """Dividing every client's value rate by ``factor`` multiplies spend and quotes by it."""
    core = draw_core(200, 2, 1, "2023-01-01")
    _, history = simulate_purchases(core, 1)
    rich = dataclasses.replace(core, value_rate=core.value_rate / factor)
    channel = core.channel
    spend = marketing_table(core, history, channel, streams(1)[STREAM_MARKETING])
    spend_rich = marketing_table(rich, history, channel, streams(1)[STREAM_MARKETING])
    # Equal up to the rounding of amounts to kopecks.
    np.testing.assert_allclose(spend_rich["amount"], spend["amount"] * factor, atol=0.006 * factor)
    tp = pd.DataFrame(
        {
            "client_id": pd.Series([], dtype="str"),
            "timestamp": pd.Series([], dtype="datetime64[ns]"),
            "channel": pd.Series([], dtype="str"),
            "kind": pd.Series([], dtype="str"),
        }
    )
    rq = requests_table(core, history, tp, streams(1)[STREAM_REQUESTS])
    rq_rich = requests_table(rich, history, tp, streams(1)[STREAM_REQUESTS])
    both = rq["quoted_value"].notna() & (rq["quoted_value"] >= 5_000)
    assert both.sum() > 50
    ratio = rq_rich.loc[both, "quoted_value"] / rq.loc[both, "quoted_value"]
    assert ratio.between(0.98 * factor, 1.02 * factor).all()  # equal up to rounding to 100
    penalty = rq["late_delivery_penalty"].dropna()
    assert penalty.max() > 0
    assert rq_rich["late_delivery_penalty"].dropna().max() > 100 * penalty.max()


# --------------------------------------------------------------------------- signal
def test_complaints_precede_churn_and_contacts_follow_value(large):
    clients = large.clients.set_index("client_id")
    lost = clients["relation_to_firm"].eq("lost")
    tp = large.touchpoints
    complaints = tp[tp["kind"] == "complaint"].groupby("client_id").size()
    complaints = complaints.reindex(clients.index, fill_value=0)
    assert complaints[lost].mean() > 1.3 * complaints[~lost].mean()
    revenue = large.transactions.groupby("client_id")["revenue"].sum()
    contacts = tp.groupby("client_id").size().reindex(revenue.index, fill_value=0)
    assert contacts.corr(revenue, method="spearman") > 0.3
    nps = large.surveys.groupby("client_id")["nps_score"].mean()
    assert (
        nps[nps.index.isin(lost[lost].index)].mean() < nps[~nps.index.isin(lost[lost].index)].mean()
    )


def test_volumes_plausible_for_the_firm(large):
    per_year = {name: len(getattr(large, name)) / 3 for name in ("touchpoints", "requests")}
    n_managers = len(large.managers)
    working_days = 247
    assert 2 < per_year["touchpoints"] / n_managers / working_days < 10  # logged contacts a day
    assert 1_500 < per_year["requests"] < 6_000
    answered = large.surveys.groupby(large.surveys["surveyed_at"].dt.to_period("Q")).size()
    assert 0.1 < answered.max() / len(large.clients) < 0.3  # one wave's answers


def test_tables_are_reproducible_byte_for_byte():
    a = generate_company(200, 2, seed=1)
    b = generate_company(200, 2, seed=1)
    for name in ("touchpoints", "requests", "marketing_spend", "surveys", "survey_dimensions"):
        assert getattr(a, name).to_csv(index=False) == getattr(b, name).to_csv(index=False), name
    c = generate_company(200, 2, seed=2)
    assert not a.requests["received_at"].equals(c.requests["received_at"])
