"""Clients and managers tables of the synthetic company.

Turns the latent client parameters and the simulated purchase history into the
master data a CRM would hold: names, region, industry, account manager,
acquisition channel (with referrals from satisfied clients), the five typology
attributes, and the relation to the firm as a CRM rule would record it at the
observation end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import CompanyCore, as_datetime, to_str_series
from clientalytics.datasets.transactions import PurchaseHistory

#: Days without an order after which the CRM marks a client as lost (at least).
LOST_AFTER_DAYS = 180
#: Clients whose first order is this recent are recorded as new.
NEW_WITHIN_DAYS = 180


def _choose(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pick a column per row of ``weights`` (rows need not sum to one) with uniforms ``u``."""
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    return np.minimum((u[:, None] > cum).sum(axis=1), weights.shape[1] - 1)


def resolve_referrals(
    core: CompanyCore, history: PurchaseHistory, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Give every referral-channel client a referrer who was already a satisfied client.

    Returns the final acquisition channel index of every client and the index of
    its referrer (-1 for none). Referral clients with no possible referrer are
    moved to the website channel.
    """
    referral = V.ACQUISITION_CHANNELS.index("referral")
    channel = core.channel.copy()
    referrer = np.full(core.n_clients, -1, dtype=np.int64)
    promoters = np.flatnonzero((history.n_orders > 0) & (core.satisfaction > 0.3))
    promoters = promoters[np.argsort(history.first_day[promoters], kind="stable")]
    promoter_days = history.first_day[promoters]
    wanted = np.flatnonzero(channel == referral)
    contact_day = np.floor(core.first_contact[wanted]).astype(np.int64)
    n_eligible = np.searchsorted(promoter_days, contact_day, side="left")
    pick = np.floor(rng.random(len(wanted)) * np.maximum(n_eligible, 1)).astype(np.int64)
    ok = n_eligible > 0
    referrer[wanted[ok]] = promoters[pick[ok]]
    channel[wanted[~ok]] = V.ACQUISITION_CHANNELS.index("website")
    return channel, referrer


def relation_to_firm(core: CompanyCore, history: PurchaseHistory) -> np.ndarray:
    """Relation to the firm at the observation end, by the CRM's recording rule.

    potential: never ordered; lost: no order for ``max(180 days, 4 x the client's
    mean gap between orders)``; new: first order in the last 180 days; permanent:
    six or more orders at most 60 days apart on average; occasional: the rest.
    """
    n = history.n_orders
    since_last = core.horizon - 1 - history.last_day
    span = (history.last_day - history.first_day).astype(np.float64)
    mean_gap = np.where(n > 1, span / np.maximum(n - 1, 1), np.inf)
    lost = since_last >= np.maximum(LOST_AFTER_DAYS, 4.0 * mean_gap)
    new = history.first_day >= core.horizon - NEW_WITHIN_DAYS
    permanent = (n >= 6) & (mean_gap <= 60.0)
    return np.select(
        [n == 0, lost, new, permanent],
        ["potential", "lost", "new", "permanent"],
        default="occasional",
    )


def _names(core: CompanyCore, rng: np.random.Generator) -> list[str]:
    first = rng.integers(0, len(V.NAME_FIRST), size=core.n_clients)
    second = rng.integers(0, len(V.NAME_SECOND), size=core.n_clients)
    form = rng.integers(0, len(V.NAME_FORMS), size=core.n_clients)
    person = rng.integers(0, len(V.MANAGER_LAST), size=core.n_clients)
    names = []
    for i in range(core.n_clients):
        status = V.LEGAL_STATUSES[core.legal_status[i]]
        if status == "individual":
            names.append(f"IE {V.MANAGER_LAST[person[i]]} {V.NAME_FIRST[first[i]][0]}.")
        elif status == "government":
            names.append(f"SUE {V.NAME_FIRST[first[i]]}{V.NAME_SECOND[second[i]].lower()}")
        else:
            stem = f"{V.NAME_FIRST[first[i]]}{V.NAME_SECOND[second[i]].lower()}"
            names.append(f"{stem} {V.NAME_FORMS[form[i]]}")
    return names


def clients_table(
    core: CompanyCore,
    history: PurchaseHistory,
    channel: np.ndarray,
    referrer: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``clients`` table (columns of :data:`clientalytics.schema.CLIENTS`)."""
    n = core.n_clients
    s = core.satisfaction
    behaviour_weights = np.column_stack(
        [
            0.35 * np.exp(0.9 * s),
            np.full(n, 0.18),
            0.12 * np.exp(-0.5 * s),
            0.08 * np.exp(-0.9 * s),
            np.full(n, 0.10),
            0.08 * np.exp(-0.7 * s),
        ]
    )
    behaviour = _choose(rng.random(n), behaviour_weights)
    price = rng.choice(len(V.PRICE_REACTIONS), size=n, p=V.PRICE_WEIGHTS)
    novelty = rng.choice(len(V.NOVELTY_ATTITUDES), size=n, p=V.NOVELTY_WEIGHTS)
    names = _names(core, rng)
    ids = np.array(core.client_ids, dtype=object)
    referred = np.where(referrer >= 0, ids[np.maximum(referrer, 0)], None)
    return pd.DataFrame(
        {
            "client_id": to_str_series(core.client_ids),
            "name": to_str_series(names),
            "region": to_str_series(np.array(V.REGIONS)[core.region]),
            "industry": to_str_series(np.array(V.INDUSTRIES)[core.industry]),
            "manager_id": to_str_series(np.array(core.managers.ids)[core.manager]),
            "acquisition_channel": to_str_series(np.array(V.ACQUISITION_CHANNELS)[channel]),
            "first_contact_date": as_datetime(core.start, core.first_contact),
            "legal_status": to_str_series(np.array(V.LEGAL_STATUSES)[core.legal_status]),
            "behaviour": to_str_series(np.array(V.BEHAVIOURS)[behaviour]),
            "price_reaction": to_str_series(np.array(V.PRICE_REACTIONS)[price]),
            "novelty_attitude": to_str_series(np.array(V.NOVELTY_ATTITUDES)[novelty]),
            "relation_to_firm": to_str_series(relation_to_firm(core, history)),
            "relationship_programme": core.programme.astype(bool),
            "referred_by": to_str_series(referred),
        }
    )


def managers_table(core: CompanyCore, rng: np.random.Generator) -> pd.DataFrame:
    """Build the ``managers`` table (columns of :data:`clientalytics.schema.MANAGERS`)."""
    m = core.managers
    n = len(m.ids)
    first = rng.integers(0, len(V.MANAGER_FIRST), size=n)
    last = rng.integers(0, len(V.MANAGER_LAST), size=n)
    names = [f"{V.MANAGER_FIRST[a]} {V.MANAGER_LAST[b]}" for a, b in zip(first, last, strict=True)]
    return pd.DataFrame(
        {
            "manager_id": to_str_series(m.ids),
            "name": to_str_series(names),
            "role": to_str_series(np.array(V.MANAGER_ROLES)[m.role]),
            "region": to_str_series(np.array(V.REGIONS)[m.region]),
            "capacity": m.capacity.astype(np.int64),
            "specialisation": to_str_series(np.array(V.SPECIALISATIONS)[m.specialisation]),
            "hired_date": as_datetime(core.start, -m.hired_days_before_start.astype(np.float64)),
        }
    )
