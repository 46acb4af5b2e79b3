"""Road network, client lanes and tariffs of the synthetic carrier.

Cities come from :data:`clientalytics.datasets._vocab.CITIES`; the road distance
between two cities is the great-circle distance times a road factor. Every client
ships from one origin city of its region along three lanes of its own (destinations
weighted by freight volume, the client's own district preferred) and, for express
runs, one nearby destination. The empty run of a trip depends on how easily a
truck finds a return load at the destination.
"""

from __future__ import annotations

import numpy as np

from clientalytics.datasets import _vocab as V

CITY_NAMES: tuple[str, ...] = tuple(V.CITIES)
CITY_REGION = np.array([V.CITIES[c][0] for c in CITY_NAMES], dtype=object)
CITY_WEIGHT = np.array([V.CITIES[c][3] for c in CITY_NAMES])
CITY_BACKHAUL = np.array([V.CITIES[c][4] for c in CITY_NAMES])
CITY_INN_REGION = tuple(V.CITIES[c][5] for c in CITY_NAMES)
#: Lanes per client and the share of its orders on each.
LANE_SHARES = np.array([0.6, 0.3, 0.1])


def _distance_matrix() -> np.ndarray:
    lat = np.radians([V.CITIES[c][1] for c in CITY_NAMES])
    lon = np.radians([V.CITIES[c][2] for c in CITY_NAMES])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    km = 2 * 6_371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return np.round(km * V.ROAD_FACTOR)


#: Road distance between every two cities, km.
DISTANCE_KM = _distance_matrix()


def empty_run_share(destination: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Empty kilometres per loaded kilometre of trips ending in ``destination``.

    About 0.2 for a trip into Moscow, up to about 0.5 into a remote town with
    little return cargo, with trip-to-trip noise.
    """
    base = 0.52 - 0.34 * CITY_BACKHAUL[destination]
    return np.clip(base + rng.normal(0.0, 0.06, size=len(destination)), 0.04, 0.95)


def draw_lanes(
    region: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw each client's origin city, three long-haul lanes and one local lane.

    Parameters
    ----------
    region : numpy.ndarray
        Index into :data:`~clientalytics.datasets._vocab.REGIONS` of each client.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    origin, lanes, local : numpy.ndarray
        City index of the origin (n,), of the three lane destinations (n, 3), and of
        the local destination (n,) used for express runs.
    """
    n = len(region)
    origin = np.empty(n, dtype=np.int64)
    lanes = np.empty((n, 3), dtype=np.int64)
    local = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    keys = rng.random((n, len(CITY_NAMES)))
    u_local = rng.random(n)
    for r, name in enumerate(V.REGIONS):
        sel = np.flatnonzero(region == r)
        if len(sel) == 0:
            continue
        cities, shares = V.ORIGINS[name]
        idx = np.array([CITY_NAMES.index(c) for c in cities])
        cum = np.cumsum(shares) / np.sum(shares)
        origin[sel] = idx[np.minimum(np.searchsorted(cum, u[sel], side="right"), len(idx) - 1)]
    same = CITY_REGION[None, :] == np.array(V.REGIONS, dtype=object)[region][:, None]
    weight = CITY_WEIGHT[None, :] * np.where(same, V.SAME_REGION_WEIGHT, 1.0)
    weight[np.arange(n), origin] = 0.0
    # Weighted sampling without replacement: the three largest u^(1/w) keys.
    score = np.where(weight > 0, np.log(keys) / np.where(weight > 0, weight, 1.0), -np.inf)
    lanes[:] = np.argsort(-score, axis=1, kind="stable")[:, :3]
    # Local destination: a city of the same district within 450 km, else the nearest city.
    dist = DISTANCE_KM[origin]
    near = same & (dist <= 450.0) & (dist > 0)
    near_w = np.where(near, CITY_WEIGHT[None, :], 0.0)
    fallback = np.argsort(np.where(dist > 0, dist, np.inf), axis=1)[:, 0]
    has = near_w.sum(axis=1) > 0
    cum = np.cumsum(near_w, axis=1)
    cum = cum / np.where(cum[:, -1:] > 0, cum[:, -1:], 1.0)
    pick = np.minimum((u_local[:, None] > cum).sum(axis=1), len(CITY_NAMES) - 1)
    local[:] = np.where(has, pick, fallback)
    return origin, lanes, local


def trip_vehicles(industry: np.ndarray) -> dict[str, np.ndarray]:
    """Vehicle rate per km of each trip line for clients of ``industry``."""
    ftl = np.array(
        [V.RATE_PER_KM.get(V.CARGO[name][1], V.RATE_PER_KM["20t tent"]) for name in V.INDUSTRIES]
    )
    ftl = np.where(
        np.isin(np.array([V.CARGO[n][1] for n in V.INDUSTRIES]), ["20t reefer", "10t reefer"]),
        V.RATE_PER_KM["20t tent"],
        ftl,
    )
    reefer = np.array(
        [V.RATE_PER_KM[V.REEFER_VEHICLE.get(name, "20t reefer")] for name in V.INDUSTRIES]
    )
    van = np.full(len(V.INDUSTRIES), V.RATE_PER_KM["5t van"])
    return {"FTL": ftl[industry], "reefer": reefer[industry], "express": van[industry]}


def trip_price(line: str, km: np.ndarray, rate_km: np.ndarray) -> np.ndarray:
    """List price of a trip (RUB, net of VAT, first-year tariff) before client terms."""
    return np.maximum(V.TRIP_FIXED[line] + rate_km * km, V.TRIP_MINIMUM[line])


def ltl_price(km: np.ndarray, tonnes: np.ndarray) -> np.ndarray:
    """List price of a groupage consignment (RUB, net of VAT, first-year tariff)."""
    return V.LTL_FIXED + V.LTL_RATE_T_KM * tonnes * km + V.LTL_HANDLING_T * tonnes
