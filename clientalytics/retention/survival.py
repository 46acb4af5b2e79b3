"""Client lifetime survival: Kaplan-Meier curves, median lifetime and the log-rank test.

A client's lifetime runs from its first purchase (or first contract start) to
churn: the last purchase plus the activity window (non-contractual world), or
the end of its last contract (contractual world). Clients still alive at the
observation end are right-censored there. The estimation uses ``lifelines``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from clientalytics.engine import collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import MONTHS_PER_PERIOD, TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.retention.activity import Activity, group_map
from clientalytics.schema import require
from clientalytics.status import ACTIVE_MONTHS
from clientalytics.summary import summarize

#: Columns of the frame returned by :func:`client_lifetimes`, in order.
LIFETIME_COLUMNS = ["start", "end", "duration", "churned", "group"]
#: Columns of the frame returned by :func:`survival_curve`, in order.
CURVE_COLUMNS = [
    "group",
    "time",
    "at_risk",
    "churned",
    "censored",
    "survival",
    "lower",
    "upper",
]


def client_lifetimes(
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str,
    activity: Activity = "purchases",
    activity_window: int = ACTIVE_MONTHS,
    contracts: Any = None,
    clients: pd.DataFrame | pd.Series | None = None,
    by: str | None = None,
    time_unit: TimeUnit = "M",
) -> pd.DataFrame:
    """Lifetime of each client, with right-censoring at the observation end.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (pandas, Polars, DuckDB, ...); used in the purchases world.
    observation_end : timestamp
        End of observation; clients not churned by then are censored.
    activity : {"purchases", "contracts"}
        ``"purchases"``: churn happens ``activity_window`` months after the last
        order; ``"contracts"``: churn happens when the client's last contract ends.
    activity_window : int, default :data:`clientalytics.status.ACTIVE_MONTHS`
        Months after the last order at which a silent client counts as lost; the
        default is the library's one definition of a lost client.
    contracts : DataFrame-like, optional
        Contracts table (needed for ``activity="contracts"``).
    clients : DataFrame or Series, optional
        Client attributes for ``by``.
    by : str, optional
        Client column whose value becomes the ``group`` column.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "M"
        Unit of ``duration``: days, weeks, or months (quarters, years) of the mean
        Gregorian length (a month is 365.25 / 12 = 30.44 days).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, columns ``start`` (first purchase or contract
        start), ``end`` (churn date, or the observation end when censored),
        ``duration`` (``end - start`` in ``time_unit``, >= 0), ``churned`` (True when the
        churn was observed, False when censored) and ``group`` (``"all"`` without
        ``by``).
    """
    unit = check_time_unit(time_unit, TIME_UNITS)
    # Days and weeks are exact; a calendar unit has the mean Gregorian month's length.
    days_per_period = {"D": 1.0, "W": 7.0}.get(unit, 365.25 / 12 * MONTHS_PER_PERIOD[unit])
    end = pd.Timestamp(observation_end)
    if int(activity_window) < 1:
        raise ValidationError(f"activity_window must be at least 1 month, got {activity_window!r}")
    if activity == "purchases":
        summary = summarize(transactions, observation_end=end, cost_col=None)
        start = summary["first_purchase"]
        churn_at = summary["last_purchase"] + pd.DateOffset(months=int(activity_window))
    elif activity == "contracts":
        if contracts is None:
            raise ValidationError("activity='contracts' needs the contracts table (contracts=...)")
        frame = collect(to_lazy(contracts, table="contracts"))
        dated = frame.dropna(subset=["start_date", "expiry_date"])
        dated = dated[pd.to_datetime(dated["start_date"]) <= end]
        if dated.empty:
            raise ValidationError("contracts: no contract started on or before observation_end")
        per_client = dated.groupby(dated["client_id"].astype(str)).agg(
            start=("start_date", "min"), churn=("expiry_date", "max")
        )
        start, churn_at = per_client["start"], per_client["churn"]
    else:
        raise ValidationError(f"activity must be 'purchases' or 'contracts', got {activity!r}")
    churned = churn_at <= end
    stop = churn_at.where(churned, end)
    days = (stop - start).dt.total_seconds() / 86_400.0
    out = pd.DataFrame(
        {
            "start": pd.to_datetime(start).astype("datetime64[ns]"),
            "end": pd.to_datetime(stop).astype("datetime64[ns]"),
            "duration": days / days_per_period,
            "churned": churned.astype(bool),
            "group": "all",
        }
    )
    out.index = out.index.astype(str)
    out.index.name = "client_id"
    groups = group_map(clients, by)
    if groups is not None:
        mapped = pd.Series(out.index, index=out.index).map(groups.set_index("client_id")["group"])
        out["group"] = mapped.fillna("(missing)").astype(str)
    return out[LIFETIME_COLUMNS]


@contextmanager
def _quiet_lifelines() -> Iterator[None]:
    """Silence the pandas deprecation notices lifelines triggers internally."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="lifelines")
        warnings.filterwarnings("ignore", category=FutureWarning, module="lifelines")
        yield


def _check_lifetimes(lifetimes: pd.DataFrame) -> None:
    require(
        lifetimes,
        "lifetimes",
        ["duration", "churned", "group"],
        hint="build the table with client_lifetimes",
    )
    if lifetimes.empty:
        raise ValidationError("lifetimes: the table is empty (0 clients)")
    bad = lifetimes["duration"].isna() | (lifetimes["duration"] < 0)
    if bad.any():
        raise ValidationError(
            f"lifetimes: column 'duration' has {int(bad.sum())} missing or negative value(s), "
            f"e.g. {lifetimes.loc[bad, 'duration'].head(3).tolist()}"
        )


def _fit(frame: pd.DataFrame, alpha: float) -> KaplanMeierFitter:
    fitter = KaplanMeierFitter(alpha=alpha)
    with _quiet_lifelines():
        fitter.fit(frame["duration"], event_observed=frame["churned"].astype(bool))
    return fitter


def survival_curve(lifetimes: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan-Meier survival curve of client lifetimes, per group, with confidence bands.

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        Output of :func:`client_lifetimes` (columns ``duration``, ``churned``,
        ``group``).
    alpha : float
        One minus the confidence level of the band (0.05 gives 95 %).

    Returns
    -------
    pandas.DataFrame
        One row per group and distinct time (time 0 included), columns ``group``,
        ``time`` (in the unit of ``duration``), ``at_risk`` (clients still under
        observation just before ``time``), ``churned`` (churns at ``time``),
        ``censored`` (clients censored at ``time``), ``survival`` (Kaplan-Meier
        estimate S(t) = prod(1 - churned / at_risk)) and ``lower`` / ``upper`` (the
        exponential Greenwood confidence band of lifelines).
    """
    _check_lifetimes(lifetimes)
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha must be in (0, 1), got {alpha!r}")
    parts = []
    for group, frame in lifetimes.groupby("group", sort=True):
        fitter = _fit(frame, alpha)
        table = fitter.event_table
        band = fitter.confidence_interval_survival_function_
        part = pd.DataFrame(
            {
                "group": str(group),
                "time": table.index.to_numpy(dtype=float),
                "at_risk": table["at_risk"].to_numpy(dtype=np.int64),
                "churned": table["observed"].to_numpy(dtype=np.int64),
                "censored": table["censored"].to_numpy(dtype=np.int64),
                "survival": fitter.survival_function_.iloc[:, 0].to_numpy(dtype=float),
                "lower": band.iloc[:, 0].to_numpy(dtype=float),
                "upper": band.iloc[:, 1].to_numpy(dtype=float),
            }
        )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[CURVE_COLUMNS]


def median_lifetime(lifetimes: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Median client lifetime per group, with its confidence interval.

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        Output of :func:`client_lifetimes`.
    alpha : float
        One minus the confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``group``, columns ``clients``, ``churned`` (observed churns),
        ``median_reached`` (whether the survival curve falls to 0.5 within the
        observed time), ``median`` (the first time S(t) <= 0.5), ``lower`` and
        ``upper`` (confidence interval of the median). When the median is not
        reached, ``median`` and its bounds are NaN: at least half of the clients
        outlive the observation window and the median is unknown, not infinite.
    """
    _check_lifetimes(lifetimes)
    rows = []
    for group, frame in lifetimes.groupby("group", sort=True):
        fitter = _fit(frame, alpha)
        median = float(fitter.median_survival_time_)
        reached = bool(np.isfinite(median))
        with _quiet_lifelines():
            bounds = median_survival_times(fitter.confidence_interval_survival_function_)
        lower, upper = (float(v) for v in bounds.iloc[0])
        rows.append(
            {
                "group": str(group),
                "clients": len(frame),
                "churned": int(frame["churned"].sum()),
                "median_reached": reached,
                "median": median if reached else np.nan,
                "lower": lower if np.isfinite(lower) else np.nan,
                "upper": upper if np.isfinite(upper) else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("group")


def compare_survival(lifetimes: pd.DataFrame) -> pd.DataFrame:
    """Log-rank test of the hypothesis that all groups share one survival curve.

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        Output of :func:`client_lifetimes` with at least two groups.

    Returns
    -------
    pandas.DataFrame
        One row, columns ``groups`` (number of groups), ``test_statistic``
        (chi-squared), ``degrees_of_freedom`` (groups - 1) and ``p_value``.

    Raises
    ------
    ValidationError
        When there are fewer than two groups.
    """
    _check_lifetimes(lifetimes)
    n_groups = lifetimes["group"].nunique()
    if n_groups < 2:
        raise ValidationError(
            f"lifetimes: the log-rank test needs at least 2 groups, found {n_groups}; "
            "build the table with by=..."
        )
    with _quiet_lifelines():
        result = multivariate_logrank_test(
            lifetimes["duration"], lifetimes["group"], lifetimes["churned"].astype(bool)
        )
    return pd.DataFrame(
        {
            "groups": [int(n_groups)],
            "test_statistic": [float(result.test_statistic)],
            "degrees_of_freedom": [int(result.degrees_of_freedom)],
            "p_value": [float(result.p_value)],
        }
    )
