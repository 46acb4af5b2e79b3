"""Latent client and manager parameters shared by every table of the synthetic company.

:func:`draw_core` draws, once per company, everything that later tables depend
on: who is a prospect, when each client is first won, the client's purchase rate
and dropout probability (the buy-till-you-die process), whether it will sign a
framework contract (contract clients order more often and drop out far less),
order-value scale and margin level, satisfaction, region, legal form, industry,
lanes (origin city and destinations), storage and customs needs, manager and
acquisition channel, and the Russian working-day calendar with each industry's
seasonal order intensity.
Each table then draws its own events from its own random stream, so the
transactions come out identical whether or not the other tables are generated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientalytics.datasets import _lanes as L
from clientalytics.datasets import _vocab as V
from clientalytics.datasets._calendar import (
    seasonal_clock,
    seasonal_intensity,
    working_day_mask,
)

# Independent random streams, one per part of the company (indices into the spawned list).
STREAM_CLIENTS = 0
STREAM_MANAGERS = 1
STREAM_TRANSACTIONS = 2
STREAM_CONTRACTS = 3
STREAM_TOUCHPOINTS = 4
STREAM_REQUESTS = 5
STREAM_SURVEYS = 6
STREAM_MARKETING = 7
STREAM_ATTRIBUTES = 8
STREAM_REGISTRY = 9
STREAM_LANES = 10
STREAM_INVOICES = 11
N_STREAMS = 12

# Purchase process (rates per day of the seasonal clock): purchase rate ~
# Gamma(R_SHAPE, scale=1/R_RATE), dropout probability after each repeat purchase ~
# Beta(DROP_A, DROP_B); contract clients' rate is multiplied by CONTRACT_RATE and
# their dropout probability by CONTRACT_DROPOUT, spot clients' rate by SPOT_RATE.
R_SHAPE = 0.55
R_RATE = 5.5
DROP_A = 1.2
DROP_B = 14.0
CONTRACT_RATE = 1.6
SPOT_RATE = 0.55
CONTRACT_DROPOUT = 0.05
# Order size (gamma-gamma): nu ~ Gamma(Q, scale=1/GAMMA) gives each client its size
# (Q - 1) / (GAMMA * nu), mean 1, which scales its groupage consignment weight and
# storage volume. ``VALUE_P / value_rate`` is the client's expected order value (RUB).
VALUE_P = 4.0
VALUE_Q = 3.5
VALUE_GAMMA = 500.0
#: Mean groupage consignment (tonnes) of a client of size 1.
LTL_TONNES = 1.6
#: Median pallet places stored by a storage client of size 1.
PALLETS_MEDIAN = 320.0
#: Share of a client's transport orders on its main line.
MAIN_LINE_SHARE = 0.8
# Margin level per client ~ Normal(MARGIN_MEAN, MARGIN_SD), per-order noise MARGIN_NOISE.
MARGIN_MEAN = 0.17
MARGIN_SD = 0.07
MARGIN_NOISE = 0.04
#: Share of clients that are prospects (contacts and requests, never an order).
PROSPECT_SHARE = 0.08
#: Share of clients that are the existing base, won in the first two months.
EARLY_SHARE = 0.40
#: Probability that a buyer joins the relationship programme.
PROGRAMME_SHARE = 0.25


def streams(seed: int) -> list[np.random.Generator]:
    """Return the independent random generators of one company, all derived from ``seed``."""
    return np.random.default_rng(seed).spawn(N_STREAMS)


def padded_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """Return ``prefix`` followed by each number left-padded with zeros to ``width`` digits."""
    text = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    joined = pc.binary_join_element_wise(prefix, text, "")
    return joined


#: Arrow-backed text with NaN for missing values: pandas 3's default ``str`` dtype, spelled
#: out so that pandas 2 builds the same thing (its ``"str"`` would turn None into "None").
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def to_str_series(values: pa.Array | pa.ChunkedArray | list[str] | np.ndarray) -> pd.Series:
    """Wrap text values as a pandas series of Arrow-backed text (missing stays missing)."""
    return pd.Series(pd.array(values, dtype=TEXT_DTYPE))


def id_width(n: int) -> int:
    """Return the number of digits used for ids of a table with ``n`` rows (at least 5)."""
    return max(5, len(str(max(n, 1))))


def as_datetime(start: pd.Timestamp, days: np.ndarray, *, unit: str = "D") -> pd.Series:
    """Convert days after ``start`` (NaN for missing) into a ``datetime64[ns]`` series.

    ``unit="D"`` keeps whole days (dates), ``unit="min"`` keeps the time of day
    rounded down to the minute.
    """
    values = np.asarray(days, dtype=np.float64)
    missing = np.isnan(values)
    per_day = 1 if unit == "D" else 1_440
    # The tiny offset keeps a value that is a whole minute (up to rounding) on that minute.
    steps = np.floor(np.where(missing, 0.0, values) * per_day + 1e-6).astype("int64")
    step_ns = 86_400_000_000_000 // per_day
    stamps = start.to_datetime64().astype("datetime64[ns]") + (steps * step_ns).astype(
        "timedelta64[ns]"
    )
    stamps[missing] = np.datetime64("NaT")
    return pd.Series(stamps, dtype="datetime64[ns]")


@dataclass(frozen=True)
class Managers:
    """Latent and recorded attributes of the sales managers (arrays of one row per manager)."""

    ids: list[str]
    role: np.ndarray
    region: np.ndarray
    capacity: np.ndarray
    quality: np.ndarray
    response_minutes: np.ndarray
    specialisation: np.ndarray
    hired_days_before_start: np.ndarray


@dataclass(frozen=True)
class CompanyCore:
    """Client-level parameters of one synthetic company (arrays of one row per client).

    Times are in days after ``start``; ``horizon`` is the number of days up to the
    observation end. ``first_purchase`` is a working day; ``first_clock`` is the
    same moment on the seasonal clock the purchase process runs on. ``working``
    marks the working days of the window and ``intensity`` holds each industry's
    daily order intensity (see :mod:`clientalytics.datasets._calendar`).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    horizon: int
    client_ids: list[str]
    prospect: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    legal_status: np.ndarray
    manager: np.ndarray
    managers: Managers
    first_contact: np.ndarray
    first_purchase: np.ndarray
    purchase_rate: np.ndarray
    dropout: np.ndarray
    value_rate: np.ndarray
    margin_level: np.ndarray
    main_service: np.ndarray
    satisfaction: np.ndarray
    programme: np.ndarray
    channel: np.ndarray
    legal_form: np.ndarray
    contract_prone: np.ndarray
    first_clock: np.ndarray
    origin: np.ndarray
    lanes: np.ndarray
    local_lane: np.ndarray
    size: np.ndarray
    tariff: np.ndarray
    storage: np.ndarray
    pallets: np.ndarray
    importer: np.ndarray
    working: np.ndarray
    intensity: np.ndarray

    @property
    def n_clients(self) -> int:
        """Number of clients, prospects included."""
        return len(self.client_ids)


def _draw_managers(n_clients: int, rng: np.random.Generator) -> Managers:
    n = max(4, round(n_clients / 60))
    n_regions = min(len(V.REGIONS), n)
    # Every region served gets one manager; the rest follow the client shares.
    weights = V.REGION_WEIGHTS[:n_regions] / V.REGION_WEIGHTS[:n_regions].sum()
    extra = rng.choice(n_regions, size=n - n_regions, p=weights)
    region = np.sort(np.concatenate([np.arange(n_regions), extra]))
    role = rng.choice(len(V.MANAGER_ROLES), size=n, p=V.ROLE_WEIGHTS)
    capacity = np.round(V.ROLE_CAPACITY[role] * rng.uniform(0.8, 1.25, size=n)).astype(np.int64)
    quality = rng.normal(0.0, 1.0, size=n)
    # Median first-response time: 15 minutes to a few hours, faster for better managers.
    response = np.exp(rng.normal(np.log(70.0) - 0.35 * quality, 0.6))
    specialisation = rng.integers(0, len(V.SPECIALISATIONS), size=n)
    hired = np.round(rng.gamma(2.0, 500.0, size=n)).astype(np.int64) + 30
    ids = [f"M{i + 1:03d}" for i in range(n)]
    return Managers(ids, role, region, capacity, quality, response, specialisation, hired)


def line_mix(main_service: np.ndarray) -> np.ndarray:
    """Share of each client's transport orders on each of :data:`V.TRANSPORT_SERVICES`."""
    n_lines = len(V.TRANSPORT_SERVICES)
    main = np.array([V.TRANSPORT_SERVICES.index(V.SERVICES[k]) for k in main_service])
    mix = np.full((len(main_service), n_lines), (1.0 - MAIN_LINE_SHARE) / (n_lines - 1))
    mix[np.arange(len(main_service)), main] = MAIN_LINE_SHARE
    return mix


def expected_order_value(
    industry: np.ndarray,
    main_service: np.ndarray,
    origin: np.ndarray,
    lanes: np.ndarray,
    local: np.ndarray,
    size: np.ndarray,
) -> np.ndarray:
    """Return the expected value of a client's transport order (RUB, net of VAT, first year)."""
    km = L.DISTANCE_KM[origin[:, None], lanes]
    lane_km = km @ L.LANE_SHARES
    rates = L.trip_vehicles(industry)
    prices = np.column_stack(
        [
            L.trip_price("FTL", km, rates["FTL"][:, None]) @ L.LANE_SHARES,
            L.ltl_price(lane_km, LTL_TONNES * size),
            L.trip_price("reefer", km, rates["reefer"][:, None]) @ L.LANE_SHARES,
            L.trip_price("express", L.DISTANCE_KM[origin, local], rates["express"]),
        ]
    )
    return np.sum(line_mix(main_service) * prices, axis=1)


def draw_core(n_clients: int, years: int, seed: int, start: str | pd.Timestamp) -> CompanyCore:
    """Draw the client and manager parameters of one company.

    Parameters
    ----------
    n_clients : int
        Number of clients, prospects included.
    years : int
        Length of the observation window in years.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    start : str or Timestamp
        First day of the observation window.

    Returns
    -------
    CompanyCore
    """
    if int(n_clients) < 1:
        raise ValueError(f"n_clients must be at least 1, got {n_clients!r}")
    if int(years) < 1:
        raise ValueError(f"years must be at least 1, got {years!r}")
    start_ts = pd.Timestamp(start).normalize()
    if start_ts.tzinfo is not None:
        raise ValueError(f"start must be a naive date, got {start!r}")
    end_ts = start_ts + pd.DateOffset(years=int(years))
    horizon = int((end_ts - start_ts).days)
    n = int(n_clients)
    gens = streams(seed)
    rng = gens[STREAM_CLIENTS]
    managers = _draw_managers(n, gens[STREAM_MANAGERS])

    prospect = rng.random(n) < PROSPECT_SHARE
    served = np.unique(managers.region)
    region_w = V.REGION_WEIGHTS[served] / V.REGION_WEIGHTS[served].sum()
    region = served[rng.choice(len(served), size=n, p=region_w)]
    industry = rng.choice(len(V.INDUSTRIES), size=n, p=V.INDUSTRY_WEIGHTS)
    legal_form = rng.choice(len(V.LEGAL_FORMS), size=n, p=V.LEGAL_FORM_WEIGHTS)
    legal = V.LEGAL_FORM_STATUS[legal_form]

    # Manager within the client's region, chosen in proportion to capacity.
    manager = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    for r in served:
        in_region = np.flatnonzero(managers.region == r)
        cum = np.cumsum(managers.capacity[in_region].astype(np.float64))
        pick = np.searchsorted(cum / cum[-1], u[region == r], side="right")
        manager[region == r] = in_region[np.minimum(pick, len(in_region) - 1)]

    working = working_day_mask(start_ts, horizon)
    intensity = seasonal_intensity(start_ts, working)
    # First purchase: an existing base won early, the rest spread over the window,
    # drawn on the seasonal clock and mapped to a working day.
    early = rng.random(n) < EARLY_SHARE
    t_first = np.where(
        early,
        rng.uniform(0.0, 60.0, size=n),
        rng.uniform(0.0, 0.97 * horizon, size=n),
    )
    first_day = seasonal_clock(t_first, industry, intensity).astype(np.float64)
    cycle = rng.lognormal(np.log(25.0), 0.8, size=n)  # days from first contact to first order
    first_contact = np.maximum(first_day - cycle, 0.0)
    first_contact = np.where(prospect, rng.uniform(0.0, horizon - 1.0, size=n), first_contact)
    first_purchase = np.where(prospect, np.nan, first_day)
    first_clock = np.where(prospect, np.nan, t_first)

    # Framework contracts: signed by regular shippers, who then rarely leave.
    contract_prone = ~prospect & (rng.random(n) < V.CONTRACT_PROPENSITY[legal])
    rate = rng.gamma(R_SHAPE, 1.0 / R_RATE, size=n)
    rate = rate * np.where(contract_prone, CONTRACT_RATE, SPOT_RATE)
    dropout = rng.beta(DROP_A, DROP_B, size=n) * np.where(contract_prone, CONTRACT_DROPOUT, 1.0)
    programme = ~prospect & (rng.random(n) < PROGRAMME_SHARE)
    # Better managers and the relationship programme keep clients a little longer.
    dropout = dropout * np.exp(-0.15 * managers.quality[manager]) * np.where(programme, 0.85, 1.0)
    dropout = np.clip(dropout, 1e-4, 0.999)
    # Satisfaction: a standardised latent score, higher for clients who stay longer.
    logit = np.log(dropout / (1.0 - dropout))
    satisfaction = -(logit - logit.mean()) / max(float(logit.std()), 1e-9)
    satisfaction = 0.7 * satisfaction + 0.7 * rng.normal(0.0, 1.0, size=n)

    nu = rng.gamma(VALUE_Q, 1.0 / VALUE_GAMMA, size=n)
    size = (VALUE_Q - 1.0) / (VALUE_GAMMA * nu)
    margin = np.clip(rng.normal(MARGIN_MEAN, MARGIN_SD, size=n), -0.12, 0.45)
    main_service = np.array(
        [V.SERVICES.index(V.MAIN_SERVICE[V.INDUSTRIES[i]]) for i in range(len(V.INDUSTRIES))]
    )[industry]
    channel = rng.choice(len(V.ACQUISITION_CHANNELS), size=n, p=V.ACQUISITION_WEIGHTS)

    # Lanes, tariff terms, storage and customs needs come from their own stream.
    lane_rng = gens[STREAM_LANES]
    origin, lanes, local = L.draw_lanes(region, lane_rng)
    tariff = np.exp(lane_rng.normal(0.0, 0.10, size=n))
    storage_share = np.array([V.STORAGE_SHARE[name] for name in V.INDUSTRIES])[industry]
    storage = contract_prone & (lane_rng.random(n) < storage_share)
    pallets = np.round(PALLETS_MEDIAN * size * lane_rng.lognormal(0.0, 0.5, size=n)) + 20.0
    importer_share = np.array([V.IMPORTER_SHARE[name] for name in V.INDUSTRIES])[industry]
    importer = ~prospect & (legal != 2) & (lane_rng.random(n) < importer_share)
    value_rate = VALUE_P / expected_order_value(industry, main_service, origin, lanes, local, size)
    value_rate = value_rate / tariff

    width = id_width(n)
    client_ids = [f"C{i + 1:0{width}d}" for i in range(n)]
    return CompanyCore(
        start=start_ts,
        end=end_ts,
        horizon=horizon,
        client_ids=client_ids,
        prospect=prospect,
        region=region,
        industry=industry,
        legal_status=legal,
        manager=manager,
        managers=managers,
        first_contact=first_contact,
        first_purchase=first_purchase,
        purchase_rate=rate,
        dropout=dropout,
        value_rate=value_rate,
        margin_level=margin,
        main_service=main_service,
        satisfaction=satisfaction,
        programme=programme,
        channel=channel,
        legal_form=legal_form,
        contract_prone=contract_prone,
        first_clock=first_clock,
        origin=origin,
        lanes=lanes,
        local_lane=local,
        size=size,
        tariff=tariff,
        storage=storage,
        pallets=pallets,
        importer=importer,
        working=working,
        intensity=intensity,
    )
