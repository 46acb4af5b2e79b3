"""Orders and credit notes of the synthetic company: a buy-till-you-die process.

Each client (prospects excepted) makes a first purchase at a drawn date, then
repeat purchases as a Poisson process with its own rate, and after every repeat
purchase drops out for good with its own probability (the BG/NBD story of
Fader, Hardie & Lee 2005); contract clients order more often and drop out far
less. The process runs on a seasonal clock that puts every order on a Russian
working day with each industry's seasonality.

Each shipment has a service line and a lane (origin in the client's region,
destination, road distance, empty run) and is priced in roubles net of VAT: FTL,
reefer and express per trip by distance and vehicle, LTL per consignment by weight
and distance. Storage clients get one warehousing line a month while their
contract runs, importers a customs declaration after about half their shipments.
Each client has its own scale (lanes, consignment weights, storage volume,
negotiated tariff), so mean order values differ between clients. Variable cost is
revenue times one minus the order's margin, which scatters around the client's
margin level. A few orders are later partly refunded by a credit note (negative
revenue, never more than 40 % of the order it refers to).

The simulation is vectorised over all purchases, so millions of rows take
seconds. :func:`generate_transactions` returns the same table that
:func:`clientalytics.datasets.generate_company` puts in its ``transactions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientalytics.datasets import _lanes as L
from clientalytics.datasets import _vocab as V
from clientalytics.datasets._calendar import last_working_days, next_working_day, seasonal_clock
from clientalytics.datasets._core import (
    LTL_TONNES,
    MARGIN_NOISE,
    STREAM_CONTRACTS,
    STREAM_TRANSACTIONS,
    CompanyCore,
    draw_core,
    id_width,
    line_mix,
    padded_ids,
    streams,
    to_str_series,
)

#: Term of every contract, in days.
CONTRACT_DAYS = 365
#: Probability that an order is later partly refunded by a credit note.
CREDIT_NOTE_RATE = 0.012
#: Probability that a client who still orders does not renew an expiring contract.
NON_RENEWAL = 0.06
#: Shape of the gamma noise (mean 1) on a trip's list price: waiting, extra stops, urgency.
TRIP_NOISE = 10.0
#: Margin lost per unit of empty-run share above the typical 0.27.
EMPTY_MARGIN = 0.25
#: Largest groupage consignment (tonnes); a heavier load travels as a full truck.
LTL_MAX_TONNES = 5.0
#: Probability that a shipment of an importer needs a customs declaration.
CUSTOMS_RATE = 0.5


@dataclass(frozen=True)
class PurchaseHistory:
    """Per-client outcome of the purchase process (arrays of one row per client).

    Attributes
    ----------
    n_orders : numpy.ndarray
        Rows with positive revenue in the window (shipments, storage months and
        customs declarations; credit notes excluded).
    first_day, last_day : numpy.ndarray
        Day (after start) of the first and last purchase; -1 for prospects.
    death : numpy.ndarray
        Day (after start) of the last shipment of a client that dropped out;
        ``inf`` if still active at the end.
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
    """Draw the repeat-purchase times of every buyer on the seasonal clock.

    Returns the client index of each repeat purchase, its clock time, and per client
    the number of repeats and the clock time it dropped out (``inf`` if it did not).
    """
    n = core.n_clients
    buyer = ~core.prospect
    t0 = np.where(buyer, core.first_clock, core.horizon)
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
    """First contract start day and number of yearly terms of every client.

    Only contract-prone clients (``core.contract_prone``) sign; the first contract
    starts up to 45 days after the first order, and is renewed every year while the
    client still orders (bar a few non-renewals).
    """
    n = core.n_clients
    years = int(np.ceil(core.horizon / CONTRACT_DAYS)) + 1
    delay = rng.integers(0, 46, size=n)
    u_renew = rng.random((n, years))
    t0 = np.where(core.prospect, core.horizon, np.nan_to_num(core.first_purchase))
    start0 = np.floor(t0).astype(np.int64) + delay
    has = core.contract_prone & (start0 < core.horizon) & (death >= start0 - 15)
    n_terms = has.astype(np.int64)
    going = has.copy()
    for k in range(1, years):
        begins = start0 + CONTRACT_DAYS * k
        going &= (
            (begins - 40 < core.horizon) & (death > begins - 60) & (u_renew[:, k] > NON_RENEWAL)
        )
        n_terms += going
    return np.where(has, start0, -1), n_terms


@dataclass
class _Rows:
    """Columns of a block of transaction rows (one entry per row)."""

    client: np.ndarray
    day: np.ndarray
    revenue: np.ndarray
    cost: np.ndarray
    service: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    km: np.ndarray
    empty_km: np.ndarray

    @staticmethod
    def concat(blocks: list[_Rows]) -> _Rows:
        return _Rows(
            *(np.concatenate([getattr(b, f) for b in blocks]) for f in _Rows.__dataclass_fields__)
        )


def _margin_cost(
    revenue: np.ndarray, level: np.ndarray, shift: np.ndarray | float, rng: np.random.Generator
) -> np.ndarray:
    margin = level + shift + rng.normal(0.0, MARGIN_NOISE, size=len(revenue))
    return np.round(revenue * (1.0 - margin), 2)


def _shipments(
    core: CompanyCore,
    client: np.ndarray,
    day: np.ndarray,
    index: np.ndarray,
    rng: np.random.Generator,
) -> _Rows:
    """Price the transport orders: line, lane, distance, empty run, revenue, cost."""
    k = len(client)
    mix = np.cumsum(line_mix(core.main_service)[client], axis=1)
    line = np.minimum((rng.random(k)[:, None] > mix).sum(axis=1), len(V.TRANSPORT_SERVICES) - 1)
    del mix
    lane = np.searchsorted(np.cumsum(L.LANE_SHARES), rng.random(k) * 0.999999, side="right")
    is_express = line == V.TRANSPORT_SERVICES.index("express")
    is_ltl = line == V.TRANSPORT_SERVICES.index("LTL")
    dest = np.where(is_express, core.local_lane[client], core.lanes[client, lane])
    origin = core.origin[client]
    km = L.DISTANCE_KM[origin, dest]
    rates = L.trip_vehicles(core.industry)
    tonnes = np.clip(
        LTL_TONNES * core.size[client] * rng.gamma(2.0, 0.5, size=k), 0.05, LTL_MAX_TONNES
    )
    price = np.select(
        [line == 0, is_ltl, line == 2],
        [
            L.trip_price("FTL", km, rates["FTL"][client]),
            L.ltl_price(km, tonnes),
            L.trip_price("reefer", km, rates["reefer"][client]),
        ],
        default=L.trip_price("express", km, rates["express"][client]),
    )
    noise = rng.gamma(TRIP_NOISE, 1.0 / TRIP_NOISE, size=k)
    revenue = np.round(price * core.tariff[client] * index[day] * noise, 2)
    share = L.empty_run_share(dest, rng)
    empty = np.where(
        is_ltl, np.round(km * share * np.minimum(tonnes / 20.0, 1.0), 1), np.round(km * share)
    )
    # Empty kilometres eat into the margin of a trip.
    shift = np.where(is_ltl, 0.0, -EMPTY_MARGIN * (share - 0.27))
    cost = _margin_cost(revenue, core.margin_level[client], shift, rng)
    service = np.array([V.SERVICES.index(x) for x in V.TRANSPORT_SERVICES])[line]
    return _Rows(client, day, revenue, cost, service, origin, dest, km, empty)


def _customs(
    core: CompanyCore, orders: _Rows, index: np.ndarray, rng: np.random.Generator
) -> _Rows:
    """One customs declaration after about half the shipments of importers."""
    pick = np.flatnonzero(
        core.importer[orders.client] & (rng.random(len(orders.client)) < CUSTOMS_RATE)
    )
    client = orders.client[pick]
    day = next_working_day(orders.day[pick] + 1, core.working)
    keep = day < core.horizon
    client, day = client[keep], day[keep]
    k = len(client)
    low, high = V.CUSTOMS_BOUNDS
    fee = np.clip(V.CUSTOMS_MEDIAN * rng.lognormal(0.0, 0.45, size=k), low, high)
    revenue = np.round(fee * index[day], 2)
    cost = _margin_cost(revenue, core.margin_level[client], 0.15, rng)
    return _no_lane(client, day, revenue, cost, V.SERVICES.index("customs"))


def _no_lane(
    client: np.ndarray, day: np.ndarray, revenue: np.ndarray, cost: np.ndarray, service: int
) -> _Rows:
    k = len(client)
    minus = np.full(k, -1, dtype=np.int64)
    nan = np.full(k, np.nan)
    return _Rows(client, day, revenue, cost, np.full(k, service), minus, minus, nan, nan)


def _storage(
    core: CompanyCore,
    contract_start: np.ndarray,
    n_terms: np.ndarray,
    death: np.ndarray,
    index: np.ndarray,
    rng: np.random.Generator,
) -> _Rows:
    """Monthly warehousing invoices of storage clients while their contract runs.

    One line per month on the month's last working day, from the first month of the
    contract to the month the goods leave (the contract ends, or about 45 days after
    the client's last order).
    """
    month_end = last_working_days(core.start, core.working)
    owners = np.flatnonzero(core.storage & (n_terms > 0))
    begin = contract_start[owners]
    stop = np.minimum(begin + CONTRACT_DAYS * n_terms[owners], death[owners] + 45.0)
    stop = np.minimum(stop, core.horizon)
    lo = np.searchsorted(month_end, begin, side="left")
    hi = np.searchsorted(month_end, stop, side="left")
    counts = np.maximum(hi - lo, 0)
    client = np.repeat(owners, counts)
    first = np.repeat(lo, counts)
    offset = np.arange(len(client)) - np.repeat(np.cumsum(counts) - counts, counts)
    day = month_end[first + offset]
    month = pd.DatetimeIndex(core.start + pd.to_timedelta(day, unit="D")).month.to_numpy() - 1
    profile = np.array([V.SEASONALITY[name] for name in V.INDUSTRIES])
    season = 1.0 + 0.5 * (profile[core.industry[client], month] - 1.0)
    noise = rng.lognormal(0.0, 0.07, size=len(client))
    amount = core.pallets[client] * V.PALLET_MONTH * season * noise * core.tariff[client]
    revenue = np.round(amount * index[day], 2)
    cost = _margin_cost(revenue, core.margin_level[client], 0.05, rng)
    return _no_lane(client, day, revenue, cost, V.SERVICES.index("warehousing"))


def tariff_index(core: CompanyCore) -> np.ndarray:
    """Tariff level of every day of the window (1 in the first calendar year)."""
    years = pd.date_range(core.start, periods=core.horizon, freq="D").year.to_numpy()
    return V.TARIFF_INDEXATION ** (years - years[0]).astype(np.float64)


def simulate_purchases(core: CompanyCore, seed: int) -> tuple[pd.DataFrame, PurchaseHistory]:
    """Simulate the transactions table of ``core`` and each client's purchase history."""
    gens = streams(seed)
    rng = gens[STREAM_TRANSACTIONS]
    n = core.n_clients
    owner, clock, _, death_clock = _repeat_times(core, rng)
    repeat_day = seasonal_clock(clock, core.industry[owner], core.intensity)
    del clock
    # Dropout happens at the last purchase: its working day on the calendar.
    death = np.full(n, np.inf)
    died = np.flatnonzero(np.isfinite(death_clock))
    last_of = np.cumsum(np.bincount(owner, minlength=n)) - 1
    death[died] = repeat_day[last_of[died]]
    contract_start, n_terms = _contract_plan(core, death, gens[STREAM_CONTRACTS])

    buyers = np.flatnonzero(~core.prospect)
    client = np.concatenate([buyers, owner])
    day = np.concatenate([core.first_purchase[buyers].astype(np.int64), repeat_day])
    del owner, repeat_day
    index = tariff_index(core)
    orders = _shipments(core, client, day, index, rng)
    rows = _Rows.concat(
        [
            orders,
            _customs(core, orders, index, rng),
            _storage(core, contract_start, n_terms, death, index, rng),
        ]
    )
    del orders, client, day
    n_orders = len(rows.day)

    # Credit notes: a share of an earlier order refunded a few weeks later.
    refunded = np.flatnonzero(rng.random(n_orders) < CREDIT_NOTE_RATE)
    lag = rng.integers(2, 46, size=len(refunded))
    share = rng.uniform(0.05, 0.40, size=len(refunded))
    credit_day = next_working_day(rows.day[refunded] + lag, core.working)
    keep = credit_day < core.horizon
    refunded, share, credit_day = refunded[keep], share[keep], credit_day[keep]
    credit = _no_lane(
        rows.client[refunded],
        credit_day,
        -np.round(rows.revenue[refunded] * share, 2),
        np.zeros(len(refunded)),
        0,
    )
    credit.service = rows.service[refunded]
    origin_day = np.concatenate([rows.day, rows.day[refunded]])
    rows = _Rows.concat([rows, credit])
    is_credit = np.concatenate([np.zeros(n_orders, bool), np.ones(len(refunded), bool)])

    # Contract in force on the order date (a credit note follows its order's contract).
    start_of = contract_start[rows.client]
    term = (origin_day - start_of) // CONTRACT_DAYS
    covered = (start_of >= 0) & (origin_day >= start_of) & (term < n_terms[rows.client])
    del origin_day, start_of

    order = np.lexsort((is_credit, rows.service, rows.client, rows.day))
    rows = _Rows(*(getattr(rows, f)[order] for f in _Rows.__dataclass_fields__))
    term, covered = term[order], covered[order]
    del order, is_credit
    client, day, revenue = rows.client, rows.day, rows.revenue

    total = len(day)
    client_ids = pa.array(core.client_ids)
    manager_ids = pa.array(core.managers.ids)
    contracts = contract_ids(client, np.where(covered, term, 0), n)
    contracts = pc.if_else(pa.array(covered), contracts, pa.scalar(None, pa.string()))
    city = pa.array(L.CITY_NAMES)
    has_lane = pa.array(rows.origin >= 0)
    origin_name = pc.if_else(
        has_lane, city.take(pa.array(np.maximum(rows.origin, 0))), pa.scalar(None, pa.string())
    )
    dest_name = pc.if_else(
        has_lane, city.take(pa.array(np.maximum(rows.destination, 0))), pa.scalar(None, pa.string())
    )
    frame = pd.DataFrame(
        {
            "transaction_id": to_str_series(
                padded_ids("T", np.arange(1, total + 1), id_width(total))
            ),
            "client_id": to_str_series(client_ids.take(pa.array(client))),
            "date": core.start.to_datetime64().astype("datetime64[ns]")
            + (day * 86_400_000_000_000).astype("timedelta64[ns]"),
            "revenue": revenue,
            "variable_cost": rows.cost,
            "manager_id": to_str_series(manager_ids.take(pa.array(core.manager[client]))),
            "contract_id": to_str_series(contracts),
            "service": to_str_series(pa.array(V.SERVICES).take(pa.array(rows.service))),
            "origin": to_str_series(origin_name),
            "destination": to_str_series(dest_name),
            "distance_km": rows.km,
            "empty_run_km": rows.empty_km,
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
        Number of clients, prospects (about 8 %, no orders) included. About 50
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
        One row per shipment, monthly storage line, customs declaration or credit
        note, sorted by date, with columns ``transaction_id`` (``T``-prefixed
        sequence number), ``client_id``, ``date`` (a Russian working day,
        ``datetime64[ns]``), ``revenue`` (RUB net of VAT, 2 decimals; negative for a
        credit note), ``variable_cost`` (revenue x (1 - margin); 0 for a credit
        note), ``manager_id`` (the client's account manager), ``contract_id``
        (contract in force on the order date, missing for spot orders),
        ``service`` (FTL, LTL, reefer, express, warehousing or customs), and for
        shipments ``origin`` and ``destination`` (Russian cities), ``distance_km``
        (loaded road km) and ``empty_run_km`` (missing on other rows).

    Examples
    --------
    >>> tx = generate_transactions(200, 1, seed=1)
    >>> bool((tx["date"] < pd.Timestamp("2024-01-01")).all())
    True
    """
    core = draw_core(n_clients, years, seed, start)
    frame, _ = simulate_purchases(core, seed)
    return frame
