"""Orders and credit notes of the synthetic company: a buy-till-you-die process.

Each client (prospects excepted) makes a first purchase at a drawn date, then
repeat purchases as a Poisson process with its own rate, and after every repeat
purchase drops out for good with its own probability (the BG/NBD story of
Fader, Hardie & Lee 2005). Order values follow the gamma-gamma model: each client
has its own mean order value. Variable cost is revenue times one minus the order's
margin, which scatters around the client's margin level. A few orders are later
partly refunded by a credit note (negative revenue, never more than 40 % of the
order it refers to).

The simulation is vectorised over all purchases, so ten million rows take
seconds. :func:`generate_transactions` returns the same table that
:func:`clientalytics.datasets.generate_company` puts in its ``transactions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import (
    STREAM_CONTRACTS,
    STREAM_TRANSACTIONS,
    VALUE_P,
    CompanyCore,
    draw_core,
    id_width,
    padded_ids,
    streams,
    to_str_series,
)

#: Term of every contract, in days.
CONTRACT_DAYS = 365
#: Probability that an order is later partly refunded by a credit note.
CREDIT_NOTE_RATE = 0.012
#: Probability that an order falling on a weekend is moved to the next Monday.
WEEKEND_SHIFT = 0.85
#: Probability of a framework contract after the first orders, by legal status
#: (commercial, individual, government).
CONTRACT_PROBABILITY = np.array([0.82, 0.45, 0.97])
#: Probability that a client who still orders does not renew an expiring contract.
NON_RENEWAL = 0.06


@dataclass(frozen=True)
class PurchaseHistory:
    """Per-client outcome of the purchase process (arrays of one row per client).

    Attributes
    ----------
    n_orders : numpy.ndarray
        Purchases made in the window (credit notes excluded).
    first_day, last_day : numpy.ndarray
        Day (after start) of the first and last purchase; -1 for prospects.
    death : numpy.ndarray
        Time (days) the client dropped out; ``inf`` if still active at the end.
    contract_start : numpy.ndarray
        Start day of the first contract; -1 when the client has none.
    n_terms : numpy.ndarray
        Number of consecutive one-year contracts (the first plus renewals).
    """

    n_orders: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    death: np.ndarray
    contract_start: np.ndarray
    n_terms: np.ndarray


def contract_ids(client_index: np.ndarray, term: np.ndarray, n_clients: int) -> pa.StringArray:
    """Return contract codes ``K<client number>-<term number>`` (term counted from 1)."""
    client_part = pc.utf8_lpad(
        pc.cast(pa.array(client_index + 1, type=pa.int64()), pa.string()), id_width(n_clients), "0"
    )
    term_part = pc.utf8_lpad(pc.cast(pa.array(term + 1, type=pa.int64()), pa.string()), 2, "0")
    return pc.binary_join_element_wise("K", client_part, "-", term_part, "")


def _segment_cumsum(values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative sums restarting at every segment, and each segment's total."""
    total = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.concatenate([[0.0], total])[ends - counts]
    seg_total = np.concatenate([[0.0], total])[ends] - before
    return total - np.repeat(before, counts), seg_total


def _repeat_times(core: CompanyCore, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Draw the repeat-purchase times of every buyer.

    Returns the client index of each repeat purchase, its time, and per client the
    number of repeats and the dropout time.
    """
    n = core.n_clients
    buyer = ~core.prospect
    t0 = np.where(buyer, core.first_purchase, core.horizon)
    window = np.maximum(core.horizon - t0, 0.0)
    # Purchases the client would make in the window if it never dropped out, and the
    # number of repeat purchases after which it drops out.
    would_buy = rng.poisson(core.purchase_rate * window)
    lifetime_repeats = rng.geometric(core.dropout)
    n_repeats = np.where(buyer, np.minimum(would_buy, lifetime_repeats), 0)
    died = buyer & (lifetime_repeats <= would_buy)
    # Given the count in the window, Poisson event times are uniform order statistics;
    # the first k of m are cumulative exponential spacings over the sum of m + 1.
    spacing = rng.standard_exponential(int(n_repeats.sum()))
    rest = rng.standard_gamma(np.maximum(would_buy - n_repeats, 0) + 1.0)
    within, seg_total = _segment_cumsum(spacing, n_repeats)
    owner = np.repeat(np.arange(n), n_repeats)
    times = t0[owner] + window[owner] * within / (seg_total + rest)[owner]
    del within, spacing
    last = np.full(n, np.nan)
    has = n_repeats > 0
    last[has] = times[np.cumsum(n_repeats)[has] - 1]
    death = np.where(died, last, np.inf)
    return owner, times, n_repeats, death


def _contract_plan(
    core: CompanyCore, death: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """First contract start day and number of yearly terms of every client."""
    n = core.n_clients
    years = int(np.ceil(core.horizon / CONTRACT_DAYS)) + 1
    u_has = rng.random(n)
    delay = rng.integers(0, 46, size=n)
    u_renew = rng.random((n, years))
    t0 = np.where(core.prospect, core.horizon, np.nan_to_num(core.first_purchase))
    start0 = np.floor(t0).astype(np.int64) + delay
    has = (
        ~core.prospect
        & (u_has < CONTRACT_PROBABILITY[core.legal_status])
        & (start0 < core.horizon)
        & (death >= start0 - 15)
    )
    n_terms = has.astype(np.int64)
    going = has.copy()
    for k in range(1, years):
        begins = start0 + CONTRACT_DAYS * k
        going &= (
            (begins - 40 < core.horizon) & (death > begins - 60) & (u_renew[:, k] > NON_RENEWAL)
        )
        n_terms += going
    return np.where(has, start0, -1), n_terms


def simulate_purchases(core: CompanyCore, seed: int) -> tuple[pd.DataFrame, PurchaseHistory]:
    """Simulate the transactions table of ``core`` and each client's purchase history."""
    gens = streams(seed)
    rng = gens[STREAM_TRANSACTIONS]
    n = core.n_clients
    owner, times, _, death = _repeat_times(core, rng)
    contract_start, n_terms = _contract_plan(core, death, gens[STREAM_CONTRACTS])

    buyers = np.flatnonzero(~core.prospect)
    client = np.concatenate([buyers, owner])
    t = np.concatenate([core.first_purchase[buyers], times])
    del owner, times
    day = np.floor(t).astype(np.int64)
    del t
    weekday = (core.start.weekday() + day) % 7
    monday = day + (7 - weekday)
    move = (weekday >= 5) & (monday < core.horizon) & (rng.random(len(day)) < WEEKEND_SHIFT)
    day = np.where(move, monday, day)
    del weekday, monday, move

    n_orders = len(day)
    revenue = rng.standard_gamma(VALUE_P, size=n_orders) / core.value_rate[client]
    revenue = np.round(np.maximum(revenue, 15.0), 2)
    margin = core.margin_level[client] + rng.normal(0.0, 0.04, size=n_orders)
    cost = np.round(revenue * (1.0 - margin), 2)
    del margin
    other = rng.integers(0, len(V.SERVICES), size=n_orders)
    service = np.where(rng.random(n_orders) < 0.8, core.main_service[client], other)
    del other

    # Credit notes: a share of an earlier order refunded a few weeks later.
    refunded = np.flatnonzero(rng.random(n_orders) < CREDIT_NOTE_RATE)
    lag = rng.integers(2, 46, size=len(refunded))
    share = rng.uniform(0.05, 0.40, size=len(refunded))
    keep = day[refunded] + lag < core.horizon
    refunded, lag, share = refunded[keep], lag[keep], share[keep]
    client = np.concatenate([client, client[refunded]])
    day = np.concatenate([day, day[refunded] + lag])
    revenue = np.concatenate([revenue, -np.round(revenue[refunded] * share, 2)])
    cost = np.concatenate([cost, np.zeros(len(refunded))])
    service = np.concatenate([service, service[refunded]])
    is_credit = np.concatenate([np.zeros(n_orders, bool), np.ones(len(refunded), bool)])
    origin_day = np.concatenate([day[:n_orders], day[refunded]])

    # Contract in force on the order date (a credit note follows its order's contract).
    term = (origin_day - contract_start[client]) // CONTRACT_DAYS
    covered = (contract_start[client] >= 0) & (origin_day >= contract_start[client])
    covered &= term < n_terms[client]
    del origin_day

    order = np.lexsort((is_credit, client, day))
    client, day, revenue, cost = client[order], day[order], revenue[order], cost[order]
    service, term, covered = service[order], term[order], covered[order]
    del order, is_credit

    total = len(day)
    client_ids = pa.array(core.client_ids)
    manager_ids = pa.array(core.managers.ids)
    contracts = contract_ids(client, np.where(covered, term, 0), n)
    contracts = pc.if_else(pa.array(covered), contracts, pa.scalar(None, pa.string()))
    frame = pd.DataFrame(
        {
            "transaction_id": to_str_series(
                padded_ids("T", np.arange(1, total + 1), id_width(total))
            ),
            "client_id": to_str_series(client_ids.take(pa.array(client))),
            "date": core.start.to_datetime64().astype("datetime64[ns]")
            + (day * 86_400_000_000_000).astype("timedelta64[ns]"),
            "revenue": revenue,
            "variable_cost": cost,
            "manager_id": to_str_series(manager_ids.take(pa.array(core.manager[client]))),
            "contract_id": to_str_series(contracts),
            "service": to_str_series(pa.array(V.SERVICES).take(pa.array(service))),
        }
    )

    orders_only = revenue > 0
    n_per_client = np.bincount(client[orders_only], minlength=n)
    buy_client, buy_day = client[orders_only], day[orders_only]
    first_day = np.full(n, np.iinfo(np.int64).max)
    last_day = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first_day, buy_client, buy_day)
    np.maximum.at(last_day, buy_client, buy_day)
    first_day = np.where(n_per_client > 0, first_day, -1)
    history = PurchaseHistory(
        n_orders=n_per_client,
        first_day=first_day,
        last_day=last_day,
        death=death,
        contract_start=contract_start,
        n_terms=n_terms,
    )
    return frame, history


def generate_transactions(
    n_clients: int = 1000,
    years: int = 3,
    *,
    seed: int = 0,
    start: str | pd.Timestamp = "2023-01-01",
) -> pd.DataFrame:
    """Generate only the transactions table of the synthetic logistics company.

    This is the fast path of :func:`clientalytics.datasets.generate_company`: it
    draws the same client parameters and runs the same purchase process, so for the
    same arguments it returns exactly that company's ``transactions`` table.

    Parameters
    ----------
    n_clients : int
        Number of clients, prospects (about 8 %, no orders) included. About 30
        transactions per client are generated over three years.
    years : int
        Length of the observation window in whole years.
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same rows.
    start : str or Timestamp
        First day of the window; the observation end is ``start + years``.

    Returns
    -------
    pandas.DataFrame
        One row per order or credit note, sorted by date, with columns
        ``transaction_id`` (``T``-prefixed sequence number), ``client_id``, ``date``
        (day, ``datetime64[ns]``), ``revenue`` (2 decimals; negative for a credit
        note), ``variable_cost`` (revenue x (1 - margin); 0 for a credit note),
        ``manager_id`` (the client's account manager), ``contract_id`` (contract in
        force on the order date, missing for one-off orders) and ``service``.

    Examples
    --------
    >>> tx = generate_transactions(200, 1, seed=1)
    >>> bool((tx["date"] < pd.Timestamp("2024-01-01")).all())
    True
    """
    core = draw_core(n_clients, years, seed, start)
    frame, _ = simulate_purchases(core, seed)
    return frame
