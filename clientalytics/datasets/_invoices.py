"""Invoices and payments (receivables) of the synthetic company.

Every order, declaration and monthly storage line is billed by one invoice: the
net revenue of the transaction plus 20 % VAT. Transport is invoiced after
delivery (transit time plus up to two days for the documents), warehousing on the
month's last working day and customs on the declaration day, always on a working
day. Payment terms come from the framework contract (14-60 days; state bodies 10
or 30 days under procurement rules) or, for spot orders, prepayment up to 14 days.

Each client has a propensity to pay late, higher for unhappy clients and for state
bodies, whose delays are also longer. Payments land on working days; an invoice
whose payment would fall after the observation end is open (no ``paid_date``),
sometimes partly paid. Some clients that left the firm never pay their last
invoices. Credit notes are not invoiced here (they reduce the revenue of the
transactions table only), and a transaction billed after the observation end has
no invoice yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._calendar import next_working_day
from clientalytics.datasets._core import (
    CompanyCore,
    as_datetime,
    id_width,
    padded_ids,
    to_str_series,
)
from clientalytics.datasets.transactions import PurchaseHistory

#: Payment terms (days) of framework contracts with businesses, and their shares.
CONTRACT_TERMS = np.array([14, 30, 45, 60])
CONTRACT_TERMS_WEIGHTS = np.array([0.10, 0.40, 0.30, 0.20])
#: Payment terms of state bodies (procurement contracts).
STATE_TERMS = np.array([10, 30])
STATE_TERMS_WEIGHTS = np.array([0.6, 0.4])
#: Payment terms of spot orders (0 = prepayment).
SPOT_TERMS = np.array([0, 5, 7, 14])
SPOT_TERMS_WEIGHTS = np.array([0.45, 0.2, 0.2, 0.15])
#: Kilometres a truck covers per day in transit.
KM_PER_DAY = 550.0
#: Median delay (days after the due date) of a late payment: businesses, state bodies.
LATE_MEDIAN_DAYS = (7.0, 18.0)
#: Share of clients that left the firm and never paid their last invoices.
DEFAULTER_SHARE = 0.08
#: Share of open invoices that are partly paid at the observation end.
PARTIAL_SHARE = 0.15


def invoices_table(
    core: CompanyCore,
    history: PurchaseHistory,
    transactions: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``invoices`` table (columns of :data:`clientalytics.schema.INVOICES`).

    Parameters
    ----------
    core : CompanyCore
        Latent client parameters.
    history : PurchaseHistory
        Purchase history (dropout times of the clients).
    transactions : pandas.DataFrame
        The company's transactions table.
    rng : numpy.random.Generator
        Random stream of the invoices.

    Returns
    -------
    pandas.DataFrame
        One row per invoice, sorted by issue date.
    """
    n = core.n_clients
    end = core.horizon
    gov = core.legal_status == V.LEGAL_STATUSES.index("government")
    person = core.legal_status == V.LEGAL_STATUSES.index("individual")
    contract_terms = np.where(
        gov,
        rng.choice(STATE_TERMS, size=n, p=STATE_TERMS_WEIGHTS),
        rng.choice(CONTRACT_TERMS, size=n, p=CONTRACT_TERMS_WEIGHTS),
    )
    spot_terms = np.where(person, 0, rng.choice(SPOT_TERMS, size=n, p=SPOT_TERMS_WEIGHTS))
    late_logit = -1.6 - 0.5 * core.satisfaction + 1.0 * gov + rng.normal(0.0, 0.8, size=n)
    late_p = 1.0 / (1.0 + np.exp(-late_logit))
    defaulter = np.isfinite(history.death) & (rng.random(n) < DEFAULTER_SHARE)

    tx = transactions[transactions["revenue"] > 0]
    client = pd.Index(core.client_ids).get_indexer(pd.Index(tx["client_id"]))
    day = ((tx["date"] - core.start).dt.days).to_numpy(dtype=np.int64)
    km = tx["distance_km"].to_numpy(dtype=np.float64)
    transit = np.where(np.isnan(km), 0, np.ceil(np.nan_to_num(km) / KM_PER_DAY))
    docs = np.where(np.isnan(km), 0, rng.integers(0, 3, size=len(day)))
    issued = next_working_day(day + transit.astype(np.int64) + docs, core.working)
    keep = issued < end
    tx, client, issued = tx[keep], client[keep], issued[keep]
    k = len(client)
    has_contract = tx["contract_id"].notna().to_numpy()
    terms = np.where(has_contract, contract_terms[client], spot_terms[client]).astype(np.int64)
    due = issued + terms

    late = rng.random(k) < late_p[client]
    early_share = rng.uniform(0.7, 1.0, size=k)
    on_time = issued + np.floor(terms * early_share).astype(np.int64)
    median = np.where(gov[client], LATE_MEDIAN_DAYS[1], LATE_MEDIAN_DAYS[0])
    delay = np.ceil(median * rng.lognormal(0.0, 0.8, size=k)).astype(np.int64)
    paid = np.where(late, due + delay, on_time)
    paid = next_working_day(np.maximum(paid, issued), core.working)
    # Clients that left and never paid: their invoices from 45 days before leaving on.
    unpaid = defaulter[client] & (issued >= history.death[client] - 45.0)
    open_ = unpaid | (paid >= end)

    revenue = tx["revenue"].to_numpy(dtype=np.float64)
    vat = np.round(revenue * V.VAT_RATE, 2)
    amount = np.round(revenue + vat, 2)
    partial = open_ & (rng.random(k) < PARTIAL_SHARE)
    paid_amount = np.where(
        open_,
        np.where(partial, np.round(amount * rng.uniform(0.2, 0.8, size=k), 2), 0.0),
        amount,
    )
    paid_day = np.where(open_, np.nan, paid.astype(np.float64))

    order = np.lexsort((np.arange(k), issued))
    ids = padded_ids("INV", np.arange(1, k + 1), id_width(k))
    frame = pd.DataFrame(
        {
            "invoice_id": to_str_series(ids),
            "client_id": to_str_series(tx["client_id"].to_numpy()[order]),
            "contract_id": to_str_series(tx["contract_id"].to_numpy()[order]),
            "transaction_id": to_str_series(tx["transaction_id"].to_numpy()[order]),
            "issued_date": as_datetime(core.start, issued[order].astype(np.float64)),
            "due_date": as_datetime(core.start, due[order].astype(np.float64)),
            "paid_date": as_datetime(core.start, paid_day[order]),
            "amount": amount[order],
            "vat_amount": vat[order],
            "paid_amount": paid_amount[order],
            "payment_terms_days": terms[order],
        }
    )
    return frame
