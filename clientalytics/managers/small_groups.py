"""Small groups in manager KPIs: minimum sizes, intervals and rankings that leave them out.

A manager's retention over 8 clients or an NPS from 3 answers says more about
chance than about the manager: one client or one answer swings it by tens of
points. The scorecard therefore reports such a value as *not enough data* (a
missing value and a flag column) below a minimum group size, gives every rate
a 95 % interval, and :func:`rank_managers` ranks only the managers with enough
data, counting the others.

- Retention: Wilson score interval of ``retained / clients_start``.
- NPS: normal interval from the multinomial variance of the score,
  ``Var(NPS / 100) = (p_P + p_D - (p_P - p_D)^2) / n`` with ``p_P``, ``p_D`` the
  shares of promoters and detractors among ``n`` answers; closed form, so no
  random draw is involved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.managers.kpi import LOWER_IS_BETTER

#: Default smallest number of clients behind a manager's rate (retention,
#: churn) or a manager's place in a ranking.
MIN_CLIENTS = 20
#: Default smallest number of survey answers behind a manager's NPS or CSAT.
MIN_RESPONSES = 10
#: Normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054

#: Columns of :func:`rank_managers`, in order.
RANKING_COLUMNS = [
    "manager_id",
    "period",
    "metric",
    "value",
    "ci_low",
    "ci_high",
    "group_size",
    "enough_data",
    "rank",
]

#: Scorecard column holding the group size behind each metric, and whether that
#: group is counted in clients (``"clients"``) or survey answers (``"responses"``).
METRIC_BASE: dict[str, tuple[str, str]] = {
    "retention_rate": ("retention_base", "clients"),
    "churn_rate": ("retention_base", "clients"),
    "nps": ("n_nps_answers", "responses"),
    "csat_mean": ("n_survey_responses", "responses"),
}
#: Group size of the metrics not in :data:`METRIC_BASE`.
DEFAULT_BASE = ("active_clients", "clients")

#: Interval columns of the scorecard per metric.
_INTERVALS = {
    "retention_rate": ("retention_ci_low", "retention_ci_high"),
    "nps": ("nps_ci_low", "nps_ci_high"),
}


def wilson_bounds(
    successes: np.ndarray | pd.Series, n: np.ndarray | pd.Series, *, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportions ``successes / n``, element-wise.

    Parameters
    ----------
    successes, n : array-like
        Counts, ``0 <= successes <= n``.
    z : float
        Normal quantile; the default gives a 95 % interval.

    Returns
    -------
    (low, high) : tuple of numpy.ndarray
        Bounds within [0, 1]; missing where ``n`` is 0 or missing.

    Notes
    -----
    Centre ``(p + z²/2n) / (1 + z²/n)``, half-width
    ``z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)`` (Wilson, 1927).
    """
    k = np.asarray(successes, dtype=float)
    size = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / size
        denom = 1 + z * z / size
        centre = (p + z * z / (2 * size)) / denom
        half = z * np.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / denom
    ok = size > 0
    low = np.where(ok, np.maximum(0.0, centre - half), np.nan)
    high = np.where(ok, np.minimum(1.0, centre + half), np.nan)
    return low, high


def nps_bounds(
    promoters: np.ndarray | pd.Series,
    detractors: np.ndarray | pd.Series,
    n: np.ndarray | pd.Series,
    *,
    z: float = Z95,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the normal interval of the Net Promoter Score, element-wise, on -100..100.

    Parameters
    ----------
    promoters, detractors, n : array-like
        Number of promoters (9-10), detractors (0-6) and answers.
    z : float
        Normal quantile; the default gives a 95 % interval.

    Returns
    -------
    (low, high) : tuple of numpy.ndarray
        ``NPS ± z x 100 x sqrt((p_P + p_D - (p_P - p_D)^2) / n)``, clipped to
        [-100, 100]; missing where ``n`` is 0. When every answer is a promoter (or
        every one a detractor) the variance is 0 and the interval a point, which is
        one more reason for a minimum number of answers.
    """
    size = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pp = np.asarray(promoters, dtype=float) / size
        pd_ = np.asarray(detractors, dtype=float) / size
        score = pp - pd_
        half = z * np.sqrt(np.maximum(pp + pd_ - score**2, 0.0) / size)
    ok = size > 0
    low = np.where(ok, np.maximum(-100.0, 100 * (score - half)), np.nan)
    high = np.where(ok, np.minimum(100.0, 100 * (score + half)), np.nan)
    return low, high


def _check_minimum(name: str, value: int) -> None:
    if int(value) != value or value < 1:
        raise ValidationError(f"{name} must be a positive whole number, got {value}")


def rank_managers(
    scorecard: pd.DataFrame,
    *,
    metric: str = "retention_rate",
    period: pd.Timestamp | str | None = None,
    min_clients: int = MIN_CLIENTS,
    min_responses: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """Rank the managers of one period on one scorecard metric, leaving out small groups.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        Output of :func:`clientalytics.managers.manager_scorecard`.
    metric : str
        Column to rank on. Lower is better for ``churn_rate`` and
        ``median_response_hours``, higher for the others.
    period : timestamp, optional
        Period to rank; defaults to the latest.
    min_clients : int
        Smallest group of clients a manager needs to be ranked: clients active at
        the period's start for retention and churn, active clients in the period
        for the other client metrics (revenue, margin, value, ...).
    min_responses : int
        Smallest number of survey answers for NPS (answers with an NPS score) and
        CSAT (survey responses).

    Returns
    -------
    pandas.DataFrame
        One row per manager, columns :data:`RANKING_COLUMNS`: the ``value``, its
        interval (``ci_low``, ``ci_high``; missing for metrics without one),
        ``group_size`` (see :data:`METRIC_BASE`), ``enough_data`` (the group is at
        least the minimum and the value is defined) and ``rank`` (1 = best, ties
        share the smaller rank; missing without enough data). Ranked managers come
        first, in rank order, then the others by ``manager_id``; the number left
        out is ``(~result["enough_data"]).sum()``.

    Raises
    ------
    ValidationError
        An unknown metric or period, or a minimum that is not a positive whole number.
    """
    _check_minimum("min_clients", min_clients)
    _check_minimum("min_responses", min_responses)
    base_col, unit = METRIC_BASE.get(metric, DEFAULT_BASE)
    missing = [c for c in ("manager_id", "period", metric, base_col) if c not in scorecard]
    if missing:
        raise ValidationError(
            f"scorecard: missing column(s) {missing} needed to rank on {metric!r}"
        )
    when = scorecard["period"].max() if period is None else pd.Timestamp(period)
    rows = scorecard[scorecard["period"] == when]
    if rows.empty:
        raise ValidationError(f"scorecard: no row for period {pd.Timestamp(when).date()}")
    minimum = min_clients if unit == "clients" else min_responses
    value = rows[metric].astype(float).to_numpy()
    size = rows[base_col].astype(float).to_numpy()
    enough = (size >= minimum) & np.isfinite(value)
    low_col, high_col = _INTERVALS.get(metric, (None, None))
    if metric == "churn_rate" and "retention_ci_low" in rows:
        low = 1 - rows["retention_ci_high"].astype(float).to_numpy()
        high = 1 - rows["retention_ci_low"].astype(float).to_numpy()
    elif low_col is not None and low_col in rows and high_col in rows:
        low = rows[low_col].astype(float).to_numpy()
        high = rows[high_col].astype(float).to_numpy()
    else:
        low = high = np.full(len(rows), np.nan)
    out = pd.DataFrame(
        {
            "manager_id": rows["manager_id"].astype(str).to_numpy(),
            "period": rows["period"].to_numpy(),
            "metric": metric,
            "value": value,
            "ci_low": low,
            "ci_high": high,
            "group_size": size,
            "enough_data": enough,
        }
    )
    ranked = pd.Series(np.where(enough, value, np.nan))
    order = ranked.rank(method="min", ascending=metric in LOWER_IS_BETTER)
    out["rank"] = order.astype("Int64").to_numpy()
    out = out.sort_values(["rank", "manager_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)[RANKING_COLUMNS]
