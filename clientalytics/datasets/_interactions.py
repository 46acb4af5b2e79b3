"""Touchpoints and requests of the synthetic company.

Contacts happen while a client is active (and for a couple of months after its
last order, as win-back attempts), more often for valuable and for demanding
clients. Unsatisfied clients complain more, and many clients who drop out
complain shortly before their last order. Requests are quote requests
(commercial, with the 19 freight intake items), service questions and
complaints.

Timing follows the Russian working calendar (:class:`clientalytics.calendar.BusinessCalendar`):
contacts and requests arrive on working days between 09:00 and 18:00, except a
small, channel-dependent share (e-mail, messenger, web forms) that arrives in the
evening or on a day off. Each manager answers at its own typical speed, counted in
working minutes, so a request received on Friday at 17:50 is answered on Monday
morning.

Quote conversion is built from the sales process rather than drawn from one
rate: a newly won client asked for a few quotes that it did not take before the
one that led to its first order (more of them for cold channels, fewer for
referrals), prospects only ask, existing clients win a moderate share of their
quotes (more when satisfied) and tenders are won rarely. Service questions and
complaints are not quotes: they are closed as resolved (``stage``) and carry no
quote, lead source or loss reason.

The module constants are inputs. Analyses of the generated data that report win
rates by lead source (:data:`QUOTES_BEFORE_WIN`, :data:`EXISTING_WIN`,
:data:`TENDER_WIN`), the share of churners who complained first
(:data:`CHURN_COMPLAINT_SHARE`), loss reasons, off-hours shares or contact
frequency (:data:`TOUCH_RATE`; contacts stop 60 days after the last order, so
retained clients have more contacts by construction) read these settings back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientalytics.calendar import BusinessCalendar
from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import (
    VALUE_P,
    CompanyCore,
    as_datetime,
    id_width,
    padded_ids,
    to_str_series,
)
from clientalytics.datasets.transactions import PurchaseHistory

#: Contacts per active day for a client of median value (about 2-3 logged contacts a month).
TOUCH_RATE = 0.08
#: Probability that a contact is a complaint, for a client of average satisfaction.
COMPLAINT_SHARE = 0.013
#: Share of churning clients who complain 5-60 days before their last order.
CHURN_COMPLAINT_SHARE = 0.5
#: Quote requests per active day of an existing client (new lanes, extra volumes).
QUOTE_RATE = 0.005
#: Service questions per active day of a buyer.
SERVICE_RATE = 0.006
#: Share of complaint contacts that are also logged as complaint requests.
COMPLAINT_REQUEST_SHARE = 0.6
#: Clients whose first order falls in the first this many days are the existing
#: base: their first order has no quote request in the window.
EXISTING_BASE_DAYS = 30

#: Working day: 09:00-18:00 (minutes after midnight) and its length in minutes.
WORK_START = 9 * 60
WORK_MINUTES = 9 * 60

#: Share of contacts / requests per channel that arrive in the evening or on a day off.
OFF_HOURS_SHARE: dict[str, float] = {
    "phone": 0.04,
    "email": 0.15,
    "messenger": 0.25,
    "meeting": 0.0,
    "web": 0.35,
    "event": 0.05,
}
#: Channels requests arrive through (quotes mostly by e-mail and web form).
REQUEST_CHANNEL_WEIGHTS: dict[str, float] = {
    "phone": 0.27,
    "email": 0.42,
    "messenger": 0.12,
    "meeting": 0.03,
    "web": 0.16,
    "event": 0.0,
}

#: Mean number of quotes a newly won client asked for and did not take before the
#: quote that led to its first order, by acquisition channel (win share of these
#: first-time quotes is about 1 / (1 + mean)).
QUOTES_BEFORE_WIN: dict[str, float] = {
    "cold_calls": 4.0,
    "search_ads": 2.8,
    "industry_portal": 3.2,
    "exhibitions": 2.0,
    "website": 2.5,
    "referral": 1.0,
}
#: Extra quotes before the first win when the client buys by tender.
TENDER_EXTRA_QUOTES = 2.0
#: Mean number of quotes a prospect asks for (at least one, none ever won).
PROSPECT_QUOTES = 2.5
#: Win probability of a quote from an existing client of average satisfaction, and
#: of a tender; how much one standard deviation of satisfaction moves the log-odds.
EXISTING_WIN = 0.36
TENDER_WIN = 0.14
SATISFACTION_LOG_ODDS = 0.4
#: Share of key-account (top-fifth by value) quote requests that are tenders;
#: government clients always buy by tender.
KEY_ACCOUNT_TENDER_SHARE = 0.3
#: Share of quotes not won that the firm declines itself (the rest the client turns down),
#: and the extra share declined when an armed escort is required.
DECLINE_SHARE = 0.15
ESCORT_DECLINE_SHARE = 0.5
#: Loss reasons: when the client turns the quote down, and when the firm declines.
LOST_REASONS: tuple[str, ...] = ("price", "chose competitor", "deadline")
LOST_REASON_WEIGHTS = np.array([0.5, 0.32, 0.18])
TENDER_LOST_REASON_WEIGHTS = np.array([0.7, 0.3, 0.0])
DECLINED_REASONS: tuple[str, ...] = ("no vehicle", "deadline")
DECLINED_REASON_WEIGHTS = np.array([0.65, 0.35])
#: Lead source of quotes from existing clients and of tenders.
SOURCE_EXISTING = "existing client"
SOURCE_TENDER = "tender platform"

#: Cargo value per truck as a multiple of the freight price of one order, by industry.
CARGO_VALUE_MULTIPLE: dict[str, float] = {
    "retail": 75.0,
    "FMCG": 55.0,
    "construction": 30.0,
    "manufacturing": 150.0,
    "pharma": 300.0,
    "automotive": 110.0,
    "e-commerce": 45.0,
    "agriculture": 20.0,
    "chemicals": 90.0,
}
#: Cargo counts as high-value (escort, insurance, doubled penalty) above this multiple.
HIGH_VALUE_MULTIPLE = 190.0


def mean_order_value(core: CompanyCore) -> np.ndarray:
    """Return the expected revenue of one order of each client (the price scale).

    Orders are drawn as ``Gamma(VALUE_P) / value_rate`` in
    :func:`clientalytics.datasets.transactions.simulate_purchases`, so the mean
    order of a client is ``VALUE_P / value_rate``; quotes and marketing budgets
    are expressed in multiples of it and follow the price scale of the core.
    """
    return np.asarray(VALUE_P / core.value_rate, dtype=np.float64)


# --------------------------------------------------------------------------- calendar
@dataclass(frozen=True)
class WorkCalendar:
    """Working days of the window as day indices after ``core.start``.

    Attributes
    ----------
    working : numpy.ndarray of bool
        Whether each day (index after the start) is a working day.
    days : numpy.ndarray of int64
        Indices of the working days, ascending.
    before : numpy.ndarray of int64
        Number of working days strictly before each day (one longer than ``working``).
    """

    working: np.ndarray
    days: np.ndarray
    before: np.ndarray

    @classmethod
    def of(cls, core: CompanyCore, *, extra_days: int = 120) -> WorkCalendar:
        """Russian working days from ``core.start`` to ``extra_days`` after the end."""
        return cls.from_start(core.start, core.horizon + extra_days)

    @classmethod
    def from_start(cls, start: pd.Timestamp, n_days: int) -> WorkCalendar:
        """Russian working days of the ``n_days`` days from ``start``."""
        dates = pd.date_range(start, periods=n_days, freq="D")
        working = BusinessCalendar().is_working_day(dates)
        before = np.concatenate([[0], np.cumsum(working)]).astype(np.int64)
        return cls(working, np.flatnonzero(working).astype(np.int64), before)

    def _day(self, t: np.ndarray) -> np.ndarray:
        return np.clip(np.floor(t).astype(np.int64), 0, len(self.working) - 1)

    def on_or_before(self, t: np.ndarray) -> np.ndarray:
        """Day index of the last working day at or before each time (the first one if none)."""
        k = self.before[self._day(t) + 1] - 1
        return self.days[np.maximum(k, 0)]

    def on_or_after(self, t: np.ndarray) -> np.ndarray:
        """Day index of the first working day at or after each time."""
        k = self.before[self._day(t)]
        return self.days[np.minimum(k, len(self.days) - 1)]

    def uniform_working_day(
        self, begin: np.ndarray, end: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Draw a working day uniformly between the days of ``begin`` and ``end`` (both in)."""
        lo = self.before[self._day(begin)]
        hi = self.before[self._day(end) + 1]
        k = lo + np.floor(rng.random(len(lo)) * np.maximum(hi - lo, 1)).astype(np.int64)
        return self.days[np.minimum(k, len(self.days) - 1)]

    def to_working_minutes(self, t: np.ndarray) -> np.ndarray:
        """Working minutes from the start to each time (days off and nights do not count)."""
        day = self._day(t)
        minute = (t - np.floor(t)) * 1_440.0
        within = np.clip(minute - WORK_START, 0.0, float(WORK_MINUTES))
        return self.before[day] * float(WORK_MINUTES) + np.where(self.working[day], within, 0.0)

    def from_working_minutes(self, x: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_working_minutes`: the time (days) at ``x`` working minutes."""
        k = np.minimum(np.floor(x / WORK_MINUTES).astype(np.int64), len(self.days) - 1)
        rest = x - k * float(WORK_MINUTES)
        return self.days[k] + (WORK_START + rest) / 1_440.0

    def add_working_minutes(self, t: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Return the time ``minutes`` working minutes after each ``t``.

        Off-hours times count from the next opening.
        """
        return self.from_working_minutes(self.to_working_minutes(t) + minutes)


def office_hour(m: int, rng: np.random.Generator) -> np.ndarray:
    """Time of day (fraction of a day) within working hours, with a lunch dip."""
    u = rng.random(m)
    hours = np.where(
        u < 0.55,
        rng.uniform(9.0, 13.0, size=m),
        np.where(u < 0.6, rng.uniform(13.0, 14.0, size=m), rng.uniform(14.0, 18.0, size=m)),
    )
    return hours / 24.0


def place_in_calendar(
    begin: np.ndarray,
    end: np.ndarray,
    off_share: np.ndarray,
    cal: WorkCalendar,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw one event time between ``begin`` and ``end`` (days) per row.

    With probability ``off_share`` the event falls on any calendar day of the range,
    in the evening on a working day (18:00-22:30) or in the daytime on a day off
    (10:00-21:00); otherwise it falls on a working day of the range in working hours.
    """
    m = len(begin)
    off = rng.random(m) < off_share
    work_day = cal.uniform_working_day(begin, end, rng)
    first, last = np.floor(begin), np.floor(end)
    any_day = first + np.floor(rng.random(m) * (last - first + 1.0))
    any_working = cal.working[cal._day(any_day)]
    evening = np.where(
        any_working, rng.uniform(18.0, 22.5, size=m), rng.uniform(10.0, 21.0, size=m)
    )
    return np.where(off, any_day + evening / 24.0, work_day + office_hour(m, rng))


def _channel_pick(weights: dict[str, float], m: int, rng: np.random.Generator) -> np.ndarray:
    """Draw indices into ``V.TOUCH_CHANNELS`` with the named channel weights."""
    p = np.array([weights.get(c, 0.0) for c in V.TOUCH_CHANNELS])
    return rng.choice(len(V.TOUCH_CHANNELS), size=m, p=p / p.sum())


def _off_share(channel: np.ndarray) -> np.ndarray:
    return np.array([OFF_HOURS_SHARE.get(c, 0.1) for c in V.TOUCH_CHANNELS])[channel]


# --------------------------------------------------------------------------- touchpoints
def _active_window(core: CompanyCore, history: PurchaseHistory) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (days) of the period a client is in contact with the firm."""
    begin = core.first_contact
    buyer_end = np.minimum(history.last_day + 60.0, core.horizon)
    prospect_end = np.minimum(core.first_contact + 90.0, core.horizon)
    end = np.where(history.n_orders > 0, buyer_end, prospect_end)
    return begin, np.maximum(end, begin)


def _value_factor(core: CompanyCore) -> np.ndarray:
    expected = core.purchase_rate * mean_order_value(core)
    return np.clip((expected / np.median(expected)) ** 0.35, 0.3, 4.0)


def touchpoints_table(
    core: CompanyCore,
    history: PurchaseHistory,
    behaviour: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``touchpoints`` table (columns of :data:`clientalytics.schema.TOUCHPOINTS`)."""
    n = core.n_clients
    cal = WorkCalendar.of(core)
    begin, end = _active_window(core, history)
    demanding = np.isin(behaviour, ["demanding", "difficult", "conflict_prone"])
    rate = TOUCH_RATE * _value_factor(core) * np.where(demanding, 1.5, 1.0)
    rate = rate * np.where(core.programme, 1.3, 1.0)
    count = rng.poisson(rate * (end - begin))
    client = np.repeat(np.arange(n), count)
    # A complaint shortly before the last order of many clients who drop out.
    churned = np.flatnonzero(np.isfinite(history.death) & (rng.random(n) < CHURN_COMPLAINT_SHARE))
    t_complaint = history.death[churned] - rng.uniform(5.0, 60.0, size=len(churned))
    t_complaint = np.maximum(t_complaint, core.first_purchase[churned])
    client = np.concatenate([client, churned])
    m = len(client)
    forced = np.concatenate([np.zeros(m - len(churned), bool), np.ones(len(churned), bool)])

    # Purpose first, then channel, then the time (which depends on the channel).
    complaint_p = np.clip(COMPLAINT_SHARE * np.exp(-1.0 * core.satisfaction[client]), 0.0, 0.15)
    u = rng.random(m)
    kind = np.where(rng.random(m) < 0.55, "service", "sales")
    kind = np.where(u < 0.08, "review", kind)
    kind = np.where((u < 0.25) & core.programme[client] & (u >= 0.08), "loyalty_programme", kind)
    onboarding = rng.random(m) < 0.5
    kind = np.where(history.n_orders[client] == 0, "sales", kind)
    kind = np.where((rng.random(m) < complaint_p) | forced, "complaint", kind)

    weights = np.broadcast_to(V.TOUCH_CHANNEL_WEIGHTS, (m, len(V.TOUCH_CHANNELS))).copy()
    weights[kind == "review", V.TOUCH_CHANNELS.index("meeting")] *= 8.0  # reviews are meetings
    weights[kind == "loyalty_programme", V.TOUCH_CHANNELS.index("event")] *= 10.0
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    channel = np.minimum((rng.random(m)[:, None] > cum).sum(axis=1), len(V.TOUCH_CHANNELS) - 1)
    minutes = np.round(V.TOUCH_MEDIAN_MINUTES[channel] * rng.lognormal(0.0, 0.5, size=m), 1)

    lo = np.concatenate([begin[client[: m - len(churned)]], t_complaint])
    hi = np.concatenate([end[client[: m - len(churned)]], t_complaint])
    t = place_in_calendar(lo, hi, _off_share(channel), cal, rng)
    # Half the non-complaint contacts in the first 60 days after the first order are onboarding.
    since_first = t - np.nan_to_num(core.first_purchase[client], nan=np.inf)
    early = (since_first >= 0) & (since_first < 60) & onboarding & (kind != "complaint")
    kind = np.where(early, "onboarding", kind)

    keep = t < core.horizon
    client, t, kind, channel, minutes = (
        client[keep],
        t[keep],
        kind[keep],
        channel[keep],
        minutes[keep],
    )
    m = len(client)
    order = np.lexsort((client, t))
    client, t, kind, channel, minutes = (
        client[order],
        t[order],
        kind[order],
        channel[order],
        minutes[order],
    )
    return pd.DataFrame(
        {
            "touchpoint_id": to_str_series(padded_ids("TP", np.arange(1, m + 1), id_width(m))),
            "client_id": to_str_series(np.array(core.client_ids)[client]),
            "manager_id": to_str_series(np.array(core.managers.ids)[core.manager[client]]),
            "timestamp": as_datetime(core.start, t, unit="min"),
            "channel": to_str_series(np.array(V.TOUCH_CHANNELS)[channel]),
            "kind": to_str_series(kind),
            "duration_minutes": minutes,
        }
    )


# --------------------------------------------------------------------------- requests
def _freight_items(
    core: CompanyCore,
    client: np.ndarray,
    commercial: np.ndarray,
    price: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, object]:
    """Return the 19 freight intake items of each request (missing for non-commercial ones).

    Money items are in the currency of the orders: cargo value as a multiple of the
    freight price ``price`` of one order, penalties and extra-stop prices as shares of it.
    """
    m = len(client)
    ind = core.industry[client]
    cargo = [V.CARGO[V.INDUSTRIES[i]] for i in range(len(V.INDUSTRIES))]
    pick = rng.integers(0, 10_000, size=m)
    warehouses = np.array(
        [
            V.WAREHOUSES[V.REGIONS[r]][p % len(V.WAREHOUSES[V.REGIONS[r]])]
            for r, p in zip(core.region[client], pick, strict=True)
        ],
        dtype=object,
    )
    multiple = np.array([CARGO_VALUE_MULTIPLE.get(name, 60.0) for name in V.INDUSTRIES])[ind]
    multiple = multiple * rng.lognormal(0.0, 0.4, size=m)
    value = price * multiple
    temperature = np.array([c[2] for c in cargo], dtype=object)[ind]
    temperature = np.where(temperature == "", np.array(None, dtype=object), temperature)
    high_value = multiple > HIGH_VALUE_MULTIPLE
    penalty = rng.choice([0.0, 0.1, 0.2, 0.3], size=m) * (1 + high_value) * price
    idle = rng.choice([0.0, 0.02, 0.03, 0.05], size=m) * price
    extra_stop = rng.choice([0.0, 0.04, 0.06, 0.1], size=m) * price

    def text(values: np.ndarray) -> pd.Series:
        return to_str_series(np.where(commercial, values, np.array(None, dtype=object)))

    def flag(values: np.ndarray) -> pd.Series:
        out = pd.Series(pd.array(values.astype(bool), dtype="boolean"))
        out[~commercial] = pd.NA
        return out

    def number(values: np.ndarray) -> np.ndarray:
        return np.where(commercial, values, np.nan)

    gov = core.legal_status[client] == V.LEGAL_STATUSES.index("government")
    terms = V.PAYMENT_TERMS_DAYS[rng.integers(1, len(V.PAYMENT_TERMS_DAYS), size=m)]
    terms = np.where(gov, np.maximum(terms, 30), terms)
    construction = ind == V.INDUSTRIES.index("construction")
    return {
        "origin_warehouse": text(warehouses),
        "cargo_description": text(np.array([c[0] for c in cargo], dtype=object)[ind]),
        "cargo_value_per_truck": number(np.round(value, -3)),
        "vehicle_type": text(np.array([c[1] for c in cargo], dtype=object)[ind]),
        "temperature_regime": text(temperature),
        "packaging": text(np.array([c[3] for c in cargo], dtype=object)[ind]),
        "securing_required": flag(rng.random(m) < 0.6),
        "tent_removal_required": flag(rng.random(m) < np.where(construction, 0.5, 0.1)),
        "armed_escort_required": flag(high_value & (rng.random(m) < 0.3)),
        "insurance_required": flag(rng.random(m) < np.where(high_value, 0.9, 0.4)),
        "payment_terms_days": pd.Series(pd.array(terms, dtype="Int64")).where(commercial, pd.NA),
        "power_of_attorney": text(
            np.array(V.POWER_OF_ATTORNEY, dtype=object)[rng.integers(0, 4, size=m)]
        ),
        "weekend_loading": flag(rng.random(m) < 0.2),
        "order_lead_time_hours": number(np.round(rng.lognormal(np.log(36.0), 0.6, size=m), 1)),
        "free_waiting_hours": number(rng.choice([2.0, 4.0, 6.0, 8.0, 24.0], size=m)),
        "late_delivery_penalty": number(np.round(penalty, -2)),
        "idle_time_penalty": number(np.round(idle, -1)),
        "extra_stop_cost": number(np.round(extra_stop, -2)),
        "tariff_change_mechanism": text(
            np.array(V.TARIFF_MECHANISMS, dtype=object)[rng.integers(0, 4, size=m)]
        ),
    }


def _acquisition_channel(core: CompanyCore, history: PurchaseHistory) -> np.ndarray:
    """Acquisition channel index of every client as the clients table records it.

    Referral clients with no earlier satisfied client to refer them are recorded
    under the website channel (:func:`clientalytics.datasets._clients.resolve_referrals`,
    whose channel does not depend on its random draws).
    """
    from clientalytics.datasets._clients import resolve_referrals

    channel, _ = resolve_referrals(core, history, np.random.default_rng(0))
    return channel


def _choice(weights: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(weights), size=m, p=weights / weights.sum())


def requests_table(
    core: CompanyCore,
    history: PurchaseHistory,
    touchpoints: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``requests`` table (columns of :data:`clientalytics.schema.REQUESTS`)."""
    n = core.n_clients
    end = float(core.horizon)
    cal = WorkCalendar.of(core)
    begin, stop = _active_window(core, history)
    buyer = history.n_orders > 0
    first_order = np.nan_to_num(core.first_purchase, nan=end)
    acquisition = _acquisition_channel(core, history)
    channel_names = np.array(V.ACQUISITION_CHANNELS)
    gov = core.legal_status == V.LEGAL_STATUSES.index("government")
    key_account = _value_factor(core) >= np.quantile(_value_factor(core), 0.8)

    # The quote that led to the first order of every newly won client, 1-10 days before it.
    first = np.flatnonzero(buyer & (first_order >= EXISTING_BASE_DAYS))
    t_first = np.maximum(
        first_order[first] - rng.uniform(1.0, 10.0, size=len(first)), core.first_contact[first]
    )
    # Quotes the newly won client did not take before that one.
    before_mean = np.array([QUOTES_BEFORE_WIN.get(c, 2.5) for c in channel_names])
    lam = before_mean[acquisition[first]] + np.where(gov[first], TENDER_EXTRA_QUOTES, 0.0)
    n_before = rng.poisson(lam)
    b_client = np.repeat(first, n_before)
    b_lo, b_hi = core.first_contact[b_client], np.repeat(t_first, n_before)
    # Prospects ask at least once and never win.
    prospects = np.flatnonzero(~buyer)
    n_prospect = 1 + rng.poisson(PROSPECT_QUOTES - 1.0, size=len(prospects))
    p_client = np.repeat(prospects, n_prospect)
    # Existing clients: further quotes and service questions while active.
    active_days = np.where(buyer, stop - np.minimum(first_order, stop), 0.0)
    e_client = np.repeat(np.arange(n), rng.poisson(QUOTE_RATE * active_days))
    s_client = np.repeat(np.arange(n), rng.poisson(SERVICE_RATE * active_days))
    # Most complaint contacts are also logged as complaint requests, at the contact's time.
    complaints = touchpoints[touchpoints["kind"] == "complaint"]
    complaints = complaints[rng.random(len(complaints)) < COMPLAINT_REQUEST_SHARE]
    c_client = np.searchsorted(np.array(core.client_ids), complaints["client_id"].to_numpy())
    c_t = (complaints["timestamp"] - core.start).dt.total_seconds().to_numpy() / 86_400.0
    c_channel = pd.Categorical(complaints["channel"], categories=V.TOUCH_CHANNELS).codes
    c_channel = c_channel.astype(np.int64)

    group = np.concatenate(
        [
            np.full(len(first), 0),  # first won quote
            np.full(len(b_client), 1),  # earlier quotes of a newly won client
            np.full(len(p_client), 2),  # prospect quotes
            np.full(len(e_client), 3),  # existing-client quotes
            np.full(len(s_client), 4),  # service questions
            np.full(len(c_client), 5),  # complaints
        ]
    )
    client = np.concatenate([first, b_client, p_client, e_client, s_client, c_client])
    m_drawn = len(client) - len(c_client)
    channel = np.concatenate([_channel_pick(REQUEST_CHANNEL_WEIGHTS, m_drawn, rng), c_channel])
    off = _off_share(channel[:m_drawn])
    k0, k1 = len(first), len(first) + len(b_client)
    won_day = np.maximum(cal.on_or_before(t_first), cal.on_or_after(core.first_contact[first]))
    t_won = won_day + office_hour(len(first), rng)
    t_before = place_in_calendar(b_lo, np.maximum(b_lo, b_hi - 1.0), off[k0:k1], cal, rng)
    t_won_of = np.repeat(t_won, n_before)
    t_before = np.where(t_before < t_won_of, t_before, t_won_of - 5.0 / 1_440.0)
    rest = client[k1:m_drawn]
    lo = np.where(group[k1:m_drawn] == 2, begin[rest], np.minimum(first_order[rest], stop[rest]))
    t_rest = place_in_calendar(lo, stop[rest], off[k1:], cal, rng)
    t = np.concatenate([t_won, t_before, t_rest, c_t])

    keep = t < end
    client, t, group, channel = client[keep], t[keep], group[keep], channel[keep]
    m = len(client)
    commercial = group <= 3
    rtype = np.select([commercial, group == 4], ["commercial", "service"], "complaint")
    key_tender = (group == 3) & key_account[client] & (rng.random(m) < KEY_ACCOUNT_TENDER_SHARE)
    tender = commercial & (gov[client] | key_tender)

    # First response and quote, in working minutes at the manager's own speed.
    speed = core.managers.response_minutes[core.manager[client]]
    wait = speed * rng.lognormal(0.0, 1.0, size=m) * np.where(rtype == "complaint", 0.7, 1.0)
    responded = cal.add_working_minutes(t, wait)
    quoted = cal.add_working_minutes(responded, rng.lognormal(np.log(180.0), 1.1, size=m))
    price = mean_order_value(core)[client]
    freight = _freight_items(core, client, commercial, price, rng)
    escort = freight["armed_escort_required"].fillna(False).to_numpy(dtype=bool)  # type: ignore[attr-defined]

    # Outcome: won by the sales process (groups 0-2) or by the client's propensity (group 3).
    s = core.satisfaction[client]
    base = np.where(tender, TENDER_WIN, EXISTING_WIN)
    logit = np.log(base / (1.0 - base)) + SATISFACTION_LOG_ODDS * s
    p_win = np.where(group == 0, 1.0, np.where(group == 3, 1.0 / (1.0 + np.exp(-logit)), 0.0))
    won = rng.random(m) < p_win
    decline_p = DECLINE_SHARE + np.where(escort, ESCORT_DECLINE_SHARE, 0.0)
    declined = ~won & (rng.random(m) < decline_p)
    outcome = np.where(won, "won", np.where(declined, "declined", "lost"))
    outcome = np.where(commercial, outcome, "resolved")
    open_ = (t > end - 14.0) & (group != 0) & (rng.random(m) < 0.7)
    outcome = np.where(open_ | (responded >= end), "pending", outcome)
    lost_reason = np.where(
        tender,
        np.array(LOST_REASONS)[_choice(TENDER_LOST_REASON_WEIGHTS, m, rng)],
        np.array(LOST_REASONS)[_choice(LOST_REASON_WEIGHTS, m, rng)],
    )
    declined_reason = np.array(DECLINED_REASONS)[_choice(DECLINED_REASON_WEIGHTS, m, rng)]
    declined_reason = np.where(escort, "no vehicle", declined_reason)
    none = np.full(m, None, dtype=object)
    loss_reason = np.where(
        commercial & (outcome == "lost"),
        lost_reason.astype(object),
        np.where(commercial & (outcome == "declined"), declined_reason.astype(object), none),
    )
    has_quote = commercial & (outcome != "declined") & (quoted < end)
    pending = outcome == "pending"
    stage = np.where(
        commercial,
        np.where(pending, np.where(has_quote, "quote sent", "new"), outcome),
        np.where(pending, "open", "resolved"),
    )
    source = np.where(
        ~commercial,
        none,
        np.where(
            tender,
            SOURCE_TENDER,
            np.where(group == 3, SOURCE_EXISTING, channel_names[acquisition[client]]),
        ).astype(object),
    )
    value = np.round(price * rng.gamma(4.0, 0.25, size=m), -2)

    order = np.lexsort((client, t))
    ids = padded_ids("R", np.arange(1, m + 1), id_width(m))
    frame = pd.DataFrame(
        {
            "request_id": to_str_series(ids),
            "client_id": to_str_series(np.array(core.client_ids)[client[order]]),
            "manager_id": to_str_series(np.array(core.managers.ids)[core.manager[client[order]]]),
            "channel": to_str_series(np.array(V.TOUCH_CHANNELS)[channel][order]),
            "request_type": to_str_series(rtype[order]),
            "received_at": as_datetime(core.start, t[order], unit="min"),
            "first_response_at": as_datetime(
                core.start, np.where(responded < end, responded, np.nan)[order], unit="min"
            ),
            "quoted_at": as_datetime(
                core.start, np.where(has_quote, quoted, np.nan)[order], unit="min"
            ),
            "outcome": to_str_series(outcome[order]),
            "quoted_value": np.where(has_quote, value, np.nan)[order],
            "stage": to_str_series(stage[order]),
            "loss_reason": to_str_series(loss_reason[order]),
            "source": to_str_series(source[order]),
        }
    )
    for name, values in freight.items():
        if isinstance(values, pd.Series):
            frame[name] = values.iloc[order].reset_index(drop=True)
        else:
            frame[name] = np.asarray(values)[order]
    return frame
