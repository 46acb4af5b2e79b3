"""ABC and XYZ analysis and their nine-cell matrix.

ABC ranks clients by their share of revenue (or margin): the top clients holding
80 % of the value are A, the next ones up to 95 % are B, the rest C. XYZ grades the
stability of each client's demand by the coefficient of variation of its revenue
per period: X stable, Y fluctuating, Z erratic. Crossing both gives nine cells,
each with a suggested treatment.

Demand stability is a question about clients that still order. A lost client's
series, run to the end of the data, is mostly empty months and would look erratic
(Z) though it simply stopped. :func:`active_xyz_classes` therefore grades only the
clients that are new or active at the observation end (:mod:`clientalytics.status`)
over a stated window, the last :data:`~clientalytics.status.ACTIVE_MONTHS` complete
months by default; lost clients get their own class ``"lost"`` (a win-back case,
no stability advice), and a new client is judged over its months since its first
order and flagged ``short_history``. :func:`xyz_classes` is the plain coefficient
of variation over a given window, for every client with an order in it.
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
from clientalytics.status import ACTIVE_MONTHS, client_status

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
#: Rows of :func:`abc_xyz_matrix` beyond the nine cells, for clients without a
#: demand-stability class (:func:`active_xyz_classes`).
OTHER_TREATMENTS: dict[str, str] = {
    "new": "New client, too few months to judge its demand: onboard it, grade it later.",
    "lost": "Lost client, no order in twelve months: a win-back case, not a stability one.",
}
#: Columns of :func:`active_xyz_classes`, in order.
ACTIVE_XYZ_COLUMNS = ["status", *XYZ_COLUMNS]


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
    client_first = grouped["period"].min()
    begin = (
        client_first if since == "first_purchase" else pd.Series(first_p, index=client_first.index)
    )
    periods, mean, std, cv = _variation(series, begin, last_p)
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
        index=periods.index,
    )
    out.index.name = "client_id"
    return out


def _variation(
    series: pd.DataFrame, begin: pd.Series, last_p: int
) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """Periods, mean, population std and cv of each client's series from ``begin`` to ``last_p``.

    ``series`` has ``client_id``, ``period`` and ``revenue`` (floored at zero) for
    the periods with a row; missing periods count as zero.
    """
    grouped = series.groupby("client_id", sort=True)
    total = grouped["revenue"].sum()
    periods = (last_p - begin.reindex(total.index) + 1).astype("int64")
    mean = total / periods
    # two-pass variance: observed periods' squared deviations, plus empty periods at 0
    # (astype: an empty map keeps the ids' text dtype on pandas 3)
    deviation = series["revenue"] - series["client_id"].map(mean).astype(float)
    observed_sq = (deviation**2).groupby(series["client_id"]).sum()
    observed_n = grouped.size()
    variance = (observed_sq + (periods - observed_n) * mean**2) / periods
    std = pd.Series(np.sqrt(np.maximum(variance.to_numpy(dtype=float), 0.0)), index=mean.index)
    cv = np.where(mean > 0, std / mean.where(mean > 0, 1.0), 0.0)
    cv = np.where(std <= 1e-12 * np.maximum(mean, 1.0), 0.0, cv)
    return periods, mean, std, cv


def active_xyz_classes(
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    window_months: int = ACTIVE_MONTHS,
    thresholds: tuple[float, float] = (0.10, 0.25),
    min_periods: int = 2,
) -> pd.DataFrame:
    """XYZ classes of the clients that still order; lost clients in a class of their own.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (``client_id``, ``date``, ``revenue``) in any engine.
    observation_end : timestamp, optional
        Date the classes describe (default: the latest transaction). Each client's
        status at this date comes from :func:`clientalytics.status.client_status`.
    window_months : int, default :data:`clientalytics.status.ACTIVE_MONTHS`
        Length of the window, in calendar months: the last ``window_months``
        complete months up to ``observation_end`` (the month of
        ``observation_end`` counts only when it ends on its last day).
    thresholds : (float, float)
        Coefficient-of-variation limits of X and Y (default 10 % and 25 %).
    min_periods : int
        A new client with fewer months than this since its first order is not
        graded: class ``"new"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by client id (text, sorted), one row per client with an order up to
        ``observation_end``, columns :data:`ACTIVE_XYZ_COLUMNS`:

        - ``status``: ``new``, ``active`` or ``lost`` at ``observation_end``;
        - ``periods``: months in the client's series: the whole window, or for a
          client whose first order lies in the window, the months from that
          order's month to the window's end (0 for lost clients);
        - ``mean_revenue``, ``std_revenue`` (population, ddof = 0) and ``cv`` of
          monthly revenue over those months (empty months count as zero; NaN for
          lost clients);
        - ``short_history``: the series is shorter than the window (a new client);
        - ``xyz``: ``"X"``, ``"Y"`` or ``"Z"`` as in :func:`xyz_classes` for new and
          active clients; ``"new"`` for a new client with fewer than
          ``min_periods`` months; ``"lost"`` for lost clients, whatever their past
          demand.

    Raises
    ------
    ValidationError
        Empty input, missing columns or values, or bad options.
    """
    if int(window_months) < 1:
        raise ValidationError(f"window_months must be at least 1, got {window_months!r}")
    if min_periods < 1:
        raise ValidationError(f"min_periods must be >= 1, got {min_periods}")
    _check_thresholds(thresholds, "XYZ")
    frame = collect(to_lazy(transactions))
    require(frame, "transactions", ["client_id", "date", "revenue"])
    if frame.empty:
        raise ValidationError("transactions: the table is empty")
    dates = pd.to_datetime(frame["date"])
    end = pd.Timestamp(observation_end) if observation_end is not None else dates.max()
    frame = frame.assign(client_id=frame["client_id"].astype(str), date=dates)[dates <= end]
    status = client_status(frame, observation_end=end)
    last_p = period_index(end.normalize() + pd.Timedelta(days=1), "M") - 1
    first_p = last_p - int(window_months) + 1
    series = per_period_revenue(frame[["client_id", "date", "revenue"]], time_unit="M")
    series = series[(series["period"] >= first_p) & (series["period"] <= last_p)].copy()
    series["revenue"] = series["revenue"].clip(lower=0.0)
    graded = status.index[status.isin(["new", "active"])]
    series = series[series["client_id"].isin(graded)]
    placed = frame[frame["revenue"] > 0]
    first_order = placed.groupby("client_id")["date"].min().reindex(graded)
    first_month = pd.Series(
        [period_index(d, "M") for d in first_order], index=graded, dtype="int64"
    )
    begin = first_month.clip(lower=first_p)
    periods, mean, std, cv = _variation(series, begin, last_p)
    out = pd.DataFrame(index=status.index)
    out["status"] = status.to_numpy()
    out["periods"] = periods.reindex(out.index).fillna(0).astype("int64")
    out["mean_revenue"] = mean.reindex(out.index).astype(float)
    out["std_revenue"] = std.reindex(out.index).astype(float)
    out["cv"] = pd.Series(cv, index=periods.index, dtype=float).reindex(out.index)
    out["short_history"] = (out["status"] != "lost") & (out["periods"] < int(window_months))
    low, high = thresholds
    grade = np.where(out["cv"] < low, "X", np.where(out["cv"] <= high, "Y", "Z"))
    xyz = np.where(out["periods"] < min_periods, "new", grade)
    out["xyz"] = np.where(out["status"] == "lost", "lost", xyz)
    # An active client with no order in the complete months (only in a partial
    # last month) has an empty series: it is graded as new.
    out.loc[(out["status"] != "lost") & out["mean_revenue"].isna(), "xyz"] = "new"
    out.index.name = "client_id"
    return out[ACTIVE_XYZ_COLUMNS]


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
        then, when ``xyz`` has them (:func:`active_xyz_classes`), one row ``new``
        and one row ``lost`` for the clients of any ABC class without a
        demand-stability grade (their ``abc`` is ``"all"``); columns ``abc``,
        ``xyz``, ``clients``, ``client_share``, ``value`` (sum of the ABC value),
        ``value_share`` (share of the total value) and ``treatment``
        (:data:`ABC_XYZ_TREATMENTS`, :data:`OTHER_TREATMENTS`).

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
    other = joined["xyz"].isin(list(OTHER_TREATMENTS))
    joined["cell"] = (joined["abc"] + joined["xyz"]).where(~other, joined["xyz"])
    counts = joined.groupby("cell").size()
    values = joined.groupby("cell")["value"].sum()
    extra = [c for c in OTHER_TREATMENTS if other.any()]
    cells = list(ABC_XYZ_TREATMENTS) + extra
    treatments = {**ABC_XYZ_TREATMENTS, **OTHER_TREATMENTS}
    out = pd.DataFrame(
        {
            "abc": [c[0] for c in ABC_XYZ_TREATMENTS] + ["all"] * len(extra),
            "xyz": [c[1] for c in ABC_XYZ_TREATMENTS] + extra,
            "clients": counts.reindex(cells, fill_value=0).astype("int64").to_numpy(),
            "value": values.reindex(cells, fill_value=0.0).astype(float).to_numpy(),
        },
        index=pd.Index(cells, name="cell"),
    )
    out["client_share"] = out["clients"] / float(len(joined))
    total = float(joined["value"].sum())
    out["value_share"] = out["value"] / total if total != 0 else 0.0
    out["treatment"] = [treatments[c] for c in cells]
    return out[["abc", "xyz", "clients", "client_share", "value", "value_share", "treatment"]]
