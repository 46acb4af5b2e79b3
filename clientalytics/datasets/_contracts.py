"""Contract registry of the synthetic company.

A contract client (about half of the buyers; state bodies nearly always, private
persons almost never) signs a one-year framework contract within 45 days of its
first shipment; while the client still orders near the expiry date the contract is
renewed by a new contract whose ``renewal_of`` names the old one. Contracts of
clients who stopped ordering expire (or, for some, are terminated early).
Non-standard terms need legal approval and take longer to sign. The expected
annual value (RUB, net of VAT) covers transport and a year of storage. Some prospects
were sent a contract they rejected. Statuses are those at the observation end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import VALUE_P, CompanyCore, as_datetime, to_str_series
from clientalytics.datasets.transactions import CONTRACT_DAYS, PurchaseHistory, contract_ids

#: Probability of non-standard terms, by legal status (commercial, individual, government).
NON_STANDARD = np.array([0.18, 0.05, 0.6])
#: Share of prospects who were sent a contract.
PROSPECT_CONTRACTS = 0.3


def contracts_table(
    core: CompanyCore, history: PurchaseHistory, rng: np.random.Generator
) -> pd.DataFrame:
    """Build the ``contracts`` table (columns of :data:`clientalytics.schema.CONTRACTS`)."""
    end = core.horizon
    client = np.repeat(np.arange(core.n_clients), history.n_terms)
    first_of_client = np.cumsum(history.n_terms) - history.n_terms
    term = np.arange(len(client)) - np.repeat(first_of_client, history.n_terms)
    begins = (history.contract_start[client] + CONTRACT_DAYS * term).astype(np.float64)
    expires = begins + CONTRACT_DAYS
    renewal = term > 0
    k = len(client)

    non_standard = rng.random(k) < NON_STANDARD[core.legal_status[client]]
    sign_delay = np.where(non_standard, rng.integers(7, 36, size=k), rng.integers(1, 11, size=k))
    client_contact = np.floor(core.first_contact[client])
    first_contact = np.where(renewal, begins - rng.integers(40, 61, size=k), client_contact)
    sent = np.maximum(begins - rng.integers(3, 36, size=k), first_contact)
    signed = np.minimum(sent + sign_delay, begins)

    died = np.isfinite(history.death[client])
    last_term = term == history.n_terms[client] - 1
    stop_day = history.death[client] + 30.0
    terminated = died & last_term & (stop_day < expires) & (stop_day < end) & (rng.random(k) < 0.35)
    status = np.select(
        [
            begins < end,
            signed < end,
            sent < end,
        ],
        [
            np.where(expires <= end - 1, "expired", "active"),
            "signed",
            "sent",
        ],
        default="draft",
    )
    status = np.where(terminated & (begins < end), "terminated", status)
    sent = np.where(sent < end, sent, np.nan)
    signed = np.where((signed < end) & (status != "sent"), signed, np.nan)
    has_dates = np.isin(status, ["signed", "active", "expired", "terminated"])
    begins = np.where(has_dates, begins, np.nan)
    expires = np.where(has_dates, expires, np.nan)
    renewal_of = contract_ids(client, np.maximum(term - 1, 0), core.n_clients)
    renewal_of = pc.if_else(pa.array(renewal), renewal_of, pa.scalar(None, pa.string()))

    # Prospects that were sent a contract and turned it down (or have not answered yet).
    pros = np.flatnonzero(
        core.prospect
        & (core.first_contact < end - 20)
        & (rng.random(core.n_clients) < PROSPECT_CONTRACTS)
    )
    p_contact = np.floor(core.first_contact[pros])
    p_sent = p_contact + rng.integers(5, 31, size=len(pros))
    p_status = np.where(p_sent >= end, "draft", np.where(p_sent >= end - 45, "sent", "rejected"))
    p_sent = np.where(p_sent < end, p_sent, np.nan)
    p_non_standard = rng.random(len(pros)) < NON_STANDARD[core.legal_status[pros]]

    all_client = np.concatenate([client, pros])
    all_ns = np.concatenate([non_standard, p_non_standard])
    all_status = np.concatenate([status, p_status])
    approved = pd.array(np.where(all_ns, all_status != "rejected", False), dtype="boolean")
    approved[~all_ns] = pd.NA
    # Expected yearly revenue: transport orders plus twelve months of storage.
    storage = np.where(core.storage, 12.0 * core.pallets * V.PALLET_MONTH * core.tariff, 0.0)
    yearly = 365.0 * core.purchase_rate * VALUE_P / core.value_rate + storage
    ids = contract_ids(
        all_client, np.concatenate([term, np.zeros(len(pros), np.int64)]), core.n_clients
    )
    nan = np.full(len(pros), np.nan)
    frame = pd.DataFrame(
        {
            "contract_id": to_str_series(ids),
            "client_id": to_str_series(np.array(core.client_ids)[all_client]),
            "manager_id": to_str_series(np.array(core.managers.ids)[core.manager[all_client]]),
            "status": to_str_series(all_status),
            "terms": to_str_series(np.where(all_ns, "non_standard", "standard")),
            "legal_approved": approved,
            "first_contact_date": as_datetime(
                core.start, np.concatenate([first_contact, p_contact])
            ),
            "sent_date": as_datetime(core.start, np.concatenate([sent, p_sent])),
            "signed_date": as_datetime(core.start, np.concatenate([signed, nan])),
            "start_date": as_datetime(core.start, np.concatenate([begins, nan])),
            "expiry_date": as_datetime(core.start, np.concatenate([expires, nan])),
            "annual_value": np.maximum(np.round(yearly[all_client], -3), 50_000.0),
            "renewal_of": to_str_series(
                pa.concat_arrays([renewal_of, pa.nulls(len(pros), pa.string())])
            ),
        }
    )
    return frame.sort_values("contract_id", kind="stable").reset_index(drop=True)
