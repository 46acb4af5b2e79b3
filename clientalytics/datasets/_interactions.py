"""Touchpoints and requests of the synthetic company.

Contacts happen while a client is active (and for a couple of months after its
last order, as win-back attempts), more often for valuable and for demanding
clients. Unsatisfied clients complain more, and many clients who drop out
complain shortly before their last order. Requests are quote requests
(commercial, with the 19 freight intake items), service questions and
complaints; each manager answers at its own typical speed, from minutes to days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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

#: Baseline contacts per active day for a client of median value.
TOUCH_RATE = 0.035
#: Extra commercial (quote) and service requests per active day.
QUOTE_RATE = 0.012
SERVICE_RATE = 0.006


def _active_window(core: CompanyCore, history: PurchaseHistory) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (days) of the period a client is in contact with the firm."""
    begin = core.first_contact
    buyer_end = np.minimum(history.last_day + 60.0, core.horizon)
    prospect_end = np.minimum(core.first_contact + 90.0, core.horizon)
    end = np.where(history.n_orders > 0, buyer_end, prospect_end)
    return begin, np.maximum(end, begin)


def _office_time(day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each time to the same day between 08:30 and 19:00."""
    return np.floor(day) + rng.uniform(8.5, 19.0, size=len(day)) / 24.0


def _value_factor(core: CompanyCore) -> np.ndarray:
    expected = core.purchase_rate * VALUE_P / core.value_rate
    return np.clip((expected / np.median(expected)) ** 0.35, 0.3, 4.0)


def touchpoints_table(
    core: CompanyCore,
    history: PurchaseHistory,
    behaviour: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``touchpoints`` table (columns of :data:`clientalytics.schema.TOUCHPOINTS`)."""
    n = core.n_clients
    begin, end = _active_window(core, history)
    demanding = np.isin(behaviour, ["demanding", "difficult", "conflict_prone"])
    rate = TOUCH_RATE * _value_factor(core) * np.where(demanding, 1.5, 1.0)
    rate = rate * np.where(core.programme, 1.3, 1.0)
    count = rng.poisson(rate * (end - begin))
    client = np.repeat(np.arange(n), count)
    t = begin[client] + rng.random(len(client)) * (end - begin)[client]

    # A complaint shortly before the last order of many clients who drop out.
    churned = np.flatnonzero(np.isfinite(history.death) & (rng.random(n) < 0.45))
    t_complaint = history.death[churned] - rng.uniform(5.0, 60.0, size=len(churned))
    t_complaint = np.maximum(t_complaint, core.first_purchase[churned])
    client = np.concatenate([client, churned])
    t = _office_time(np.concatenate([t, t_complaint]), rng)
    forced = np.concatenate([np.zeros(len(t) - len(churned), bool), np.ones(len(churned), bool)])
    keep = t < core.horizon
    client, t, forced = client[keep], t[keep], forced[keep]
    m = len(client)

    complaint_p = np.clip(0.04 * np.exp(-0.8 * core.satisfaction[client]), 0.0, 0.3)
    since_first = t - np.nan_to_num(core.first_purchase[client], nan=np.inf)
    u = rng.random(m)
    kind = np.where(rng.random(m) < 0.55, "service", "sales")
    kind = np.where(u < 0.08, "review", kind)
    kind = np.where((u < 0.25) & core.programme[client] & (u >= 0.08), "loyalty_programme", kind)
    kind = np.where(
        (since_first >= 0) & (since_first < 60) & (rng.random(m) < 0.5), "onboarding", kind
    )
    kind = np.where(history.n_orders[client] == 0, "sales", kind)
    kind = np.where((rng.random(m) < complaint_p) | forced, "complaint", kind)

    weights = np.broadcast_to(V.TOUCH_CHANNEL_WEIGHTS, (m, len(V.TOUCH_CHANNELS))).copy()
    weights[kind == "review", 3] *= 8.0  # reviews are mostly meetings
    weights[kind == "loyalty_programme", 5] *= 10.0  # programme events
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    channel = np.minimum((rng.random(m)[:, None] > cum).sum(axis=1), len(V.TOUCH_CHANNELS) - 1)
    minutes = np.round(V.TOUCH_MEDIAN_MINUTES[channel] * rng.lognormal(0.0, 0.5, size=m), 1)

    order = np.lexsort((client, t))
    client, t, kind, channel, minutes = (
        client[order],
        t[order],
        kind[order],
        channel[order],
        minutes[order],
    )
    frame = pd.DataFrame(
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
    return frame


def _freight_items(
    core: CompanyCore, client: np.ndarray, commercial: np.ndarray, rng: np.random.Generator
) -> dict[str, object]:
    """Return the 19 freight intake items of each request (missing for non-commercial ones)."""
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
    value = np.array([c[4] for c in cargo])[ind] * rng.lognormal(0.0, 0.4, size=m)
    temperature = np.array([c[2] for c in cargo], dtype=object)[ind]
    temperature = np.where(temperature == "", np.array(None, dtype=object), temperature)
    high_value = value > 150_000
    penalty_base = np.round(rng.choice([0.0, 50.0, 100.0, 200.0], size=m) * (1 + high_value), 2)

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
        "cargo_value_per_truck": number(np.round(value, -2)),
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
        "late_delivery_penalty": number(penalty_base),
        "idle_time_penalty": number(np.round(rng.choice([0.0, 20.0, 30.0, 50.0], size=m), 2)),
        "extra_stop_cost": number(np.round(rng.choice([0.0, 40.0, 60.0, 100.0], size=m), 2)),
        "tariff_change_mechanism": text(
            np.array(V.TARIFF_MECHANISMS, dtype=object)[rng.integers(0, 4, size=m)]
        ),
    }


def requests_table(
    core: CompanyCore,
    history: PurchaseHistory,
    touchpoints: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``requests`` table (columns of :data:`clientalytics.schema.REQUESTS`)."""
    n = core.n_clients
    end = float(core.horizon)
    begin, stop = _active_window(core, history)
    buyer = history.n_orders > 0
    # The quote request that led to the first order.
    first = np.flatnonzero(buyer)
    t_first = np.maximum(
        core.first_purchase[first] - rng.uniform(1.0, 10.0, size=len(first)),
        core.first_contact[first],
    )
    # Further quote requests and service questions while active; prospects ask 1-4 quotes.
    n_quotes = np.where(buyer, rng.poisson(QUOTE_RATE * (stop - begin)), 1 + rng.poisson(0.8, n))
    n_service = np.where(buyer, rng.poisson(SERVICE_RATE * (stop - begin)), 0)
    q_client = np.repeat(np.arange(n), n_quotes)
    s_client = np.repeat(np.arange(n), n_service)
    q_t = begin[q_client] + rng.random(len(q_client)) * (stop - begin)[q_client]
    s_t = begin[s_client] + rng.random(len(s_client)) * (stop - begin)[s_client]
    # Most complaint contacts are also logged as complaint requests.
    complaints = touchpoints[touchpoints["kind"] == "complaint"]
    complaints = complaints[rng.random(len(complaints)) < 0.6]
    c_client = np.searchsorted(np.array(core.client_ids), complaints["client_id"].to_numpy())
    c_t = (complaints["timestamp"] - core.start).dt.total_seconds().to_numpy() / 86_400.0

    client = np.concatenate([first, q_client, s_client, c_client])
    t = np.concatenate([_office_time(np.concatenate([t_first, q_t, s_t]), rng), c_t])
    rtype = np.concatenate(
        [
            np.full(len(first) + len(q_client), "commercial"),
            np.full(len(s_client), "service"),
            np.full(len(c_client), "complaint"),
        ]
    )
    won_first = np.concatenate([np.ones(len(first), bool), np.zeros(len(t) - len(first), bool)])
    keep = t < end
    client, t, rtype, won_first = client[keep], t[keep], rtype[keep], won_first[keep]
    m = len(client)
    commercial = rtype == "commercial"

    speed = core.managers.response_minutes[core.manager[client]]
    wait = speed * rng.lognormal(0.0, 1.0, size=m) * np.where(rtype == "complaint", 0.7, 1.0)
    responded = t + wait / 1_440.0
    quoted = responded + rng.lognormal(np.log(180.0), 1.1, size=m) / 1_440.0
    freight = _freight_items(core, client, commercial, rng)
    escort = freight["armed_escort_required"].fillna(False).to_numpy(dtype=bool)  # type: ignore[attr-defined]

    u = rng.random(m)
    outcome = np.where(
        buyer[client],
        np.where(u < 0.58, "won", np.where(u < 0.9, "lost", "declined")),
        np.where(u < 0.7, "lost", "declined"),
    )
    outcome = np.where(escort & (rng.random(m) < 0.5), "declined", outcome)
    outcome = np.where(won_first, "won", outcome)
    outcome = np.where(~commercial, "won", outcome)  # service questions and complaints are resolved
    open_ = (t > end - 14.0) & ~won_first & (rng.random(m) < 0.7)
    outcome = np.where(open_ | (responded >= end), "pending", outcome)
    has_quote = commercial & (outcome != "declined") & (quoted < end)
    value = np.round(VALUE_P / core.value_rate[client] * rng.gamma(4.0, 0.25, size=m), 2)

    order = np.lexsort((client, t))
    ids = padded_ids("R", np.arange(1, m + 1), id_width(m))
    frame = pd.DataFrame(
        {
            "request_id": to_str_series(ids),
            "client_id": to_str_series(np.array(core.client_ids)[client[order]]),
            "manager_id": to_str_series(np.array(core.managers.ids)[core.manager[client[order]]]),
            "channel": to_str_series(
                np.array(V.TOUCH_CHANNELS)[
                    rng.choice(len(V.TOUCH_CHANNELS), size=m, p=V.TOUCH_CHANNEL_WEIGHTS)
                ][order]
            ),
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
        }
    )
    for name, values in freight.items():
        if isinstance(values, pd.Series):
            frame[name] = values.iloc[order].reset_index(drop=True)
        else:
            frame[name] = np.asarray(values)[order]
    return frame
