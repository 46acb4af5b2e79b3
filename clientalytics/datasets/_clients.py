"""Clients and managers tables of the synthetic company.

Turns the latent client parameters and the simulated purchase history into the
master data a CRM would hold: Russian names by legal form (ООО, АО, ПАО,
ИП, state bodies, private persons) with a valid taxpayer number (INN), region,
industry, account manager, acquisition channel (with referrals from satisfied
clients), the five typology attributes, and the relation to the firm as a CRM
rule would record it at the observation end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _lanes as L
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


def female_surname(surname: str) -> str:
    """Female form of a Russian surname given in the male form (Смирнов -> Смирнова)."""
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname + "а"


def person_names(
    n: int, rng: np.random.Generator, *, patronymic: bool
) -> tuple[list[str], list[str], list[str], np.ndarray]:
    """Draw ``n`` Russian people: first names, surnames and patronymics of one gender each.

    Returns first names, surnames and patronymics (empty strings when
    ``patronymic`` is false) in the person's gender, and whether each is female.
    """
    female = rng.random(n) < 0.5
    first_m = rng.integers(0, len(V.MALE_NAMES), size=n)
    first_f = rng.integers(0, len(V.FEMALE_NAMES), size=n)
    last = rng.integers(0, len(V.SURNAMES), size=n)
    father = rng.integers(0, len(V.PATRONYMICS), size=n)
    firsts, lasts, middles = [], [], []
    for i in range(n):
        if female[i]:
            firsts.append(V.FEMALE_NAMES[first_f[i]])
            lasts.append(female_surname(V.SURNAMES[last[i]]))
        else:
            firsts.append(V.MALE_NAMES[first_m[i]])
            lasts.append(V.SURNAMES[last[i]])
        middles.append(V.PATRONYMICS[father[i]][int(female[i])] if patronymic else "")
    return firsts, lasts, middles, female


def _names(core: CompanyCore, rng: np.random.Generator) -> list[str]:
    """Client names by legal form: ООО «Северметалл», ИП Смирнов Олег Петрович, МУП ..."""
    n = core.n_clients
    first = rng.integers(0, len(V.NAME_FIRST), size=n)
    second = rng.integers(0, len(V.NAME_SECOND), size=n)
    template = rng.integers(0, 6, size=n)
    number = rng.integers(1, 40, size=n)
    firsts, lasts, middles, _ = person_names(n, rng, patronymic=True)
    names: list[str] = []
    seen: dict[str, int] = {}
    for i in range(n):
        form = V.LEGAL_FORMS[core.legal_form[i]][0]
        city = L.CITY_NAMES[core.origin[i]]
        if form == "ИП":
            name = f"ИП {lasts[i]} {firsts[i]} {middles[i]}"
        elif form == "физлицо":
            name = f"{lasts[i]} {firsts[i]} {middles[i]}"
        elif form in V.STATE_NAMES:
            options = V.STATE_NAMES[form]
            name = options[template[i] % len(options)].format(city=city, k=number[i])
        else:
            name = f"{form} «{V.NAME_FIRST[first[i]]}{V.NAME_SECOND[second[i]]}»"
        # The same name twice gets a number, as registered firms do (ООО «Вектор-2»).
        count = seen.get(name, 0) + 1
        seen[name] = count
        if count > 1:
            name = name[:-1] + f"-{count}»" if name.endswith("»") else f"{name} ({count})"
        names.append(name)
    return names


_INN10_WEIGHTS = np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])
_INN11_WEIGHTS = np.array([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
_INN12_WEIGHTS = np.array([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


def _check_digit(digits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return (digits[:, : len(weights)] @ weights) % 11 % 10


def inn_numbers(core: CompanyCore, rng: np.random.Generator) -> list[str]:
    """Return unique taxpayer numbers (INN) with valid check digits.

    Organisations get 10 digits, individual entrepreneurs and private persons 12:
    the region code of the client's city, a tax office number and a serial number,
    then the check digit(s) of the Federal Tax Service algorithm. Serial numbers
    come from a bijection of the client number, so no two clients share one.
    """
    n = core.n_clients
    region = np.array([int(L.CITY_INN_REGION[c]) for c in core.origin])
    person = np.isin(
        core.legal_form,
        [i for i, (form, _, _) in enumerate(V.LEGAL_FORMS) if form in ("ИП", "физлицо")],
    )
    # Office (2 digits) and serial: an affine bijection of the client number.
    offset = int(rng.integers(0, 10**7))
    body = (np.arange(n, dtype=np.int64) * 7_654_321 + offset) % 10**8
    out: list[str] = []
    digits10 = np.zeros((n, 10), dtype=np.int64)
    digits12 = np.zeros((n, 12), dtype=np.int64)
    for pos in range(2):
        digits10[:, pos] = region // 10 ** (1 - pos) % 10
        digits12[:, pos] = digits10[:, pos]
    for pos in range(7):  # organisations: office (2) + serial (5) from the last 7 digits
        digits10[:, 2 + pos] = body // 10 ** (6 - pos) % 10
    for pos in range(8):  # persons: office (2) + serial (6)
        digits12[:, 2 + pos] = body // 10 ** (7 - pos) % 10
    digits10[:, 9] = _check_digit(digits10, _INN10_WEIGHTS)
    digits12[:, 10] = _check_digit(digits12, _INN11_WEIGHTS)
    digits12[:, 11] = _check_digit(digits12, _INN12_WEIGHTS)
    for i in range(n):
        row = digits12[i] if person[i] else digits10[i]
        out.append("".join(str(d) for d in row))
    return out


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
    tax_ids = inn_numbers(core, rng)
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
            "tax_id": to_str_series(tax_ids),
        }
    )


def managers_table(core: CompanyCore, rng: np.random.Generator) -> pd.DataFrame:
    """Build the ``managers`` table (columns of :data:`clientalytics.schema.MANAGERS`)."""
    m = core.managers
    n = len(m.ids)
    firsts, lasts, _, _ = person_names(n, rng, patronymic=False)
    names = [f"{a} {b}" for a, b in zip(firsts, lasts, strict=True)]
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
