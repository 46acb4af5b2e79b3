"""ABC and XYZ analysis and their nine-cell matrix.

ABC ranks clients by their share of revenue (or margin): the top clients holding
80 % of the value are A, the next ones up to 95 % are B, the rest C. XYZ grades the
stability of each client's demand by the coefficient of variation of its revenue
per period: X stable, Y fluctuating, Z erratic. Crossing both gives nine cells,
each with a suggested treatment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from clientalytics._shares import top_share_members
from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    SUMMARY_TIME_UNITS,
    TimeUnit,
    check_time_unit,
    per_client_period,
    period_index,
)
from clientalytics.schema import require
from clientalytics.segmentation._inputs import as_value_series

#: Columns of :func:`abc_classes`, in order.
ABC_COLUMNS = ["value", "share", "cumulative_share", "rank", "abc"]
#: Columns of :func:`xyz_classes`, in order.
XYZ_COLUMNS = ["periods", "mean_revenue", "std_revenue", "cv", "short_history", "xyz"]

#: Suggested treatment of each ABC x XYZ cell.
ABC_XYZ_TREATMENTS: dict[str, str] = {
    "AX": "Key account: dedicated manager, long-term contract, guaranteed capacity.",
    "AY": "Key account with swings: plan volumes together, keep flexible capacity.",
    "AZ": "Valuable but erratic: find the cause of the swings, reserve capacity on call.",
    "BX": "Steady middle: standard contract, grow share of wallet with extra services.",
    "BY": "Middle with swings: regular reviews, develop towards A.",
    "BZ": "Middle, erratic: serve on request, check the margin of each order.",
    "CX": "Small but steady: automate and standardise to cut the cost to serve.",
    "CY": "Small, fluctuating: standard terms, self-service channels.",
    "CZ": "Small and erratic: minimal effort; reprice or stop if loss-making.",
}


def _check_thresholds(thresholds: tuple[float, float], name: str) -> None:
    low, high = thresholds
    if not (0 < low < high) or (name == "ABC" and high > 1):
        raise ValidationError(
            f"{name} thresholds must satisfy 0 < first < second"
            + (" <= 1" if name == "ABC" else "")
            + f", got {thresholds}"
        )


def abc_classes(
    data: pd.DataFrame | pd.Series,
    *,
    by: str = "total_revenue",
    thresholds: tuple[float, float] = (0.80, 0.95),
) -> pd.DataFrame:
    """Classify clients A, B or C by their cumulative share of value.

    Parameters
    ----------
    data : DataFrame or Series
        Per-client values indexed by client id: a summary
        (:func:`clientalytics.summarize`) or a Series.
    by : str
        Column of ``data`` to rank on (``"total_revenue"`` or ``"total_margin"``).
    thresholds : (float, float)
        Cumulative shares closing A and B (default 80 % and 95 %).

    Returns
    -------
    pandas.DataFrame
        Indexed by client id, sorted by rank, columns:

        - ``value``: the ranked value;
        - ``share``: the client's share of the total positive value;
        - ``cumulative_share``: share held by this client and all ranked above it
          (non-decreasing, ends at 1);
        - ``rank``: 1 for the largest value; equal values are ordered by client id;
        - ``abc``: ``"A"``, ``"B"`` or ``"C"``.

    Raises
    ------
    ValidationError
        Empty input, NaN, duplicate ids, bad thresholds, or no positive value.

    Notes
    -----
    A client's class depends on the share held by the clients ranked *above* it:
    A while that share is below the first threshold, B while below the second,
    else C. So A is the smallest set of top clients holding at least 80 %; the
    client whose value crosses the 80 % line is A, and a client that ends exactly
    on 80 % is A too (the next one is B). Shares use the positive part of the
    value: clients with zero or negative value (loss-making on margin) hold no
    share and are always C.
    """
    _check_thresholds(thresholds, "ABC")
    values = as_value_series(data, column=by, table="abc")
    positive = values.clip(lower=0.0)
    total = float(positive.sum())
    if total <= 0:
        raise ValidationError(f"abc: column {by!r} has no positive value; nothing to rank")
    order = pd.DataFrame({"value": values, "id": values.index.astype(str)}).sort_values(
        ["value", "id"], ascending=[False, True], kind="mergesort"
    )
    share = (positive.loc[order.index] / total).to_numpy()
    cumulative = np.minimum(np.cumsum(share), 1.0)
    ranked = positive.loc[order.index].to_numpy()
    abc = np.where(
        top_share_members(ranked, thresholds[0]),
        "A",
        np.where(top_share_members(ranked, thresholds[1]), "B", "C"),
    )
    out = pd.DataFrame(
        {
            "value": order["value"].to_numpy(),
            "share": share,
            "cumulative_share": cumulative,
            "rank": np.arange(1, len(order) + 1, dtype="int64"),
            "abc": abc,
        },
        index=order.index,
    )
    out.index.name = "client_id"
    return out


def per_period_revenue(
    transactions: Any,
    *,
    time_unit: TimeUnit = "M",
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> pd.DataFrame:
    """Revenue per client and period, aggregated inside the input's engine.

    Parameters
    ----------
    transactions : DataFrame-like
        pandas, Polars, DuckDB or another narwhals-supported frame.
    time_unit : {"D", "W", "M"}
        Period length (see :func:`clientalytics.periods.period_index_expr`).
    client_col, date_col, revenue_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``client_id`` (str), ``period`` (int index) and ``revenue`` (net sum),
        sorted by client and period; only periods with at least one row.
    """
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    lazy = to_lazy(transactions)
    check_complete(lazy, [client_col, date_col, revenue_col])
    grouped = per_client_period(
        lazy,
        client_col=client_col,
        date_col=date_col,
        time_unit=time_unit,
        revenue_col=revenue_col,
    )
    raw = collect(grouped)
    out = pd.DataFrame(
        {
            "client_id": raw["client_id"].astype(str),
            "period": raw["period"].astype("int64"),
            "revenue": raw["revenue"].astype(float),
        }
    )
    return out.sort_values(["client_id", "period"], kind="mergesort").reset_index(drop=True)


def xyz_classes(
    transactions: Any,
    *,
    time_unit: TimeUnit = "M",
    thresholds: tuple[float, float] = (0.10, 0.25),
    since: str = "window",
    start: pd.Timestamp | str | dt.date | None = None,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    min_periods: int = 2,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> pd.DataFrame:
    """Classify clients X, Y or Z by the stability of their revenue per period.

    Parameters
    ----------
    transactions : DataFrame-like
        Transactions in any engine; revenue per client and period is summed in that
        engine, so pandas, Polars and DuckDB inputs give identical results.
    time_unit : {"D", "W", "M"}
        Period of the demand series (default calendar months).
    thresholds : (float, float)
        Coefficient-of-variation limits of X and Y (default 10 % and 25 %).
    since : {"window", "first_purchase"}
        Where each client's series starts: at the first period of the window (all
        clients judged over the same periods; a client who started late has empty
        periods and looks erratic), or at the client's first purchase period.
    start : timestamp, optional
        First day of the window (default: the earliest transaction).
    observation_end : timestamp, optional
        Last day of the window (default: the latest transaction).
    min_periods : int
        Clients with fewer periods in their series are Z and flagged ``short_history``.
    client_col, date_col, revenue_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by client id, columns:

        - ``periods``: number of periods in the client's series (empty periods count
          as zero revenue);
        - ``mean_revenue``: mean revenue per period;
        - ``std_revenue``: population standard deviation (ddof = 0);
        - ``cv``: ``std_revenue / mean_revenue``; 0 when the series is constant;
        - ``short_history``: fewer than ``min_periods`` periods;
        - ``xyz``: ``"X"`` if cv < first threshold, ``"Y"`` if cv <= second,
          ``"Z"`` otherwise (also for short histories).

    Raises
    ------
    ValidationError
        Empty input, missing columns or values, bad options, or transactions outside
        ``start`` .. ``observation_end``.

    Notes
    -----
    Per-period revenue is the net sum of the period (credit notes included) floored
    at zero, so demand is never negative and ``mean_revenue`` is never negative. A
    client whose every period is zero has a constant series: cv 0. A cv exactly on
    a threshold goes to the less stable class's side only above it: cv = 10 % is Y,
    cv = 25 % is Y.
    """
    if since not in ("window", "first_purchase"):
        raise ValidationError(f"since must be 'window' or 'first_purchase', got {since!r}")
    if min_periods < 1:
        raise ValidationError(f"min_periods must be >= 1, got {min_periods}")
    _check_thresholds(thresholds, "XYZ")
    check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    series = per_period_revenue(
        transactions,
        time_unit=time_unit,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
    )
    first_p = (
        period_index(pd.Timestamp(start), time_unit)
        if start is not None
        else int(series["period"].min())
    )
    last_p = (
        period_index(pd.Timestamp(observation_end), time_unit)
        if observation_end is not None
        else int(series["period"].max())
    )
    outside = (series["period"] < first_p) | (series["period"] > last_p)
    if outside.any():
        raise ValidationError(
            f"transactions: {int(outside.sum())} client-period(s) fall outside the window "
            f"{start} .. {observation_end}"
        )
    series["revenue"] = series["revenue"].clip(lower=0.0)
    grouped = series.groupby("client_id", sort=True)
    total = grouped["revenue"].sum()
    client_first = grouped["period"].min()
    begin = client_first if since == "first_purchase" else pd.Series(first_p, index=total.index)
    periods = (last_p - begin + 1).astype("int64")
    mean = total / periods
    # two-pass variance: observed periods' squared deviations, plus empty periods at 0
    deviation = series["revenue"] - series["client_id"].map(mean)
    observed_sq = (deviation**2).groupby(series["client_id"]).sum()
    observed_n = grouped.size()
    variance = (observed_sq + (periods - observed_n) * mean**2) / periods
    std = np.sqrt(np.maximum(variance, 0.0))
    cv = np.where(mean > 0, std / mean.where(mean > 0, 1.0), 0.0)
    cv = np.where(std <= 1e-12 * np.maximum(mean, 1.0), 0.0, cv)
    short = periods < min_periods
    low, high = thresholds
    xyz = np.where(cv < low, "X", np.where(cv <= high, "Y", "Z"))
    xyz = np.where(short, "Z", xyz)
    out = pd.DataFrame(
        {
            "periods": periods,
            "mean_revenue": mean.astype(float),
            "std_revenue": std.astype(float),
            "cv": cv.astype(float),
            "short_history": short.astype(bool),
            "xyz": xyz,
        },
        index=total.index,
    )
    out.index.name = "client_id"
    return out


def abc_xyz_matrix(
    abc: pd.DataFrame,
    xyz: pd.DataFrame,
) -> pd.DataFrame:
    """Cross ABC and XYZ classes into the nine cells with a treatment per cell.

    Parameters
    ----------
    abc : pandas.DataFrame
        Output of :func:`abc_classes` (columns ``abc`` and ``value``).
    xyz : pandas.DataFrame
        Output of :func:`xyz_classes` (column ``xyz``), for the same clients.

    Returns
    -------
    pandas.DataFrame
        Nine rows indexed ``AX`` .. ``CZ`` (all cells, empty ones with zeros),
        columns ``abc``, ``xyz``, ``clients``, ``client_share``, ``value`` (sum of the
        ABC value), ``value_share`` (share of the total value) and ``treatment``.

    Raises
    ------
    ValidationError
        When the two inputs do not cover the same clients.
    """
    for name, frame in (("abc", abc), ("xyz", xyz)):
        require(frame, name, [name], hint=f"pass the {name}_classes output")
    only_abc = abc.index.difference(xyz.index)
    only_xyz = xyz.index.difference(abc.index)
    if len(only_abc) or len(only_xyz):
        raise ValidationError(
            f"abc and xyz must cover the same clients: {len(only_abc)} only in abc "
            f"(e.g. {only_abc[:3].tolist()}), {len(only_xyz)} only in xyz "
            f"(e.g. {only_xyz[:3].tolist()})"
        )
    joined = abc[["abc", "value"]].join(xyz[["xyz"]])
    joined["cell"] = joined["abc"] + joined["xyz"]
    counts = joined.groupby("cell").size()
    values = joined.groupby("cell")["value"].sum()
    cells = list(ABC_XYZ_TREATMENTS)
    out = pd.DataFrame(
        {
            "abc": [c[0] for c in cells],
            "xyz": [c[1] for c in cells],
            "clients": counts.reindex(cells, fill_value=0).astype("int64").to_numpy(),
            "value": values.reindex(cells, fill_value=0.0).astype(float).to_numpy(),
        },
        index=pd.Index(cells, name="cell"),
    )
    out["client_share"] = out["clients"] / float(len(joined))
    total = float(joined["value"].sum())
    out["value_share"] = out["value"] / total if total != 0 else 0.0
    out["treatment"] = [ABC_XYZ_TREATMENTS[c] for c in cells]
    return out[["abc", "xyz", "clients", "client_share", "value", "value_share", "treatment"]]
