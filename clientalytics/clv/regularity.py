"""Regularity of inter-purchase times: the statistic the CNBD models need, and diagnostics.

Poisson purchasing (BG/NBD, Pareto/NBD) means exponential gaps between purchases: a
client is as likely to buy the day after a purchase as a month later. Clients on a
delivery schedule buy more regularly. The (M)BG/CNBD-k models (Reutterer, Platzer &
Schroeder 2020) let the gaps follow an Erlang-k distribution; their likelihood needs,
besides ``frequency``, ``recency`` and ``T``, the sum of the logarithms of each
client's gaps, :data:`LOG_INTERPURCHASE_COLUMN`.

- :func:`log_interpurchase_sum` computes that column from transactions, in the
  periods :func:`clientalytics.summary.summarize` counts in;
- :func:`interpurchase_times` lists the gaps themselves;
- :func:`estimate_regularity` is Wheat & Morrison's (1990) moment estimator of a
  common shape ``k`` from each client's last two gaps (about 1 for Poisson buyers,
  larger for regular ones); :func:`wheat_morrison_statistics` returns its per-client
  statistic ``M``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    SUMMARY_TIME_UNITS,
    TimeUnit,
    check_time_unit,
    period_index_expr,
)
from clientalytics.schema import require

#: Column of the client summary holding the sum, over a client's repeat purchases, of
#: the log of the time since the previous purchase (in the summary's time unit).
LOG_INTERPURCHASE_COLUMN = "log_interpurchase_sum"


def _period_numbers(dates: pd.Series, time_unit: TimeUnit) -> pd.Series:
    """Whole-period index of each date, as :func:`~clientalytics.periods.period_index_expr`."""
    frame = nw.from_native(pd.DataFrame({"date": pd.to_datetime(dates)}), eager_only=True)
    periods = frame.select(period_index_expr("date", time_unit).alias("period"))
    return periods.to_native()["period"].astype(np.int64)


def interpurchase_times(
    transactions: pd.DataFrame,
    *,
    client_col: str = "client_id",
    date_col: str = "date",
    time_unit: TimeUnit = "D",
    observation_end: pd.Timestamp | str | dt.date | None = None,
) -> pd.DataFrame:
    """List every client's gaps between consecutive purchase periods.

    Purchases in the same period (day, week or month) count once, as in
    :func:`clientalytics.summary.summarize`, so a client's gaps number its
    ``frequency`` and add up to its ``recency``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order with a client id and a date (datetime) column.
    client_col, date_col : str
        Names of those columns.
    time_unit : {"D", "W", "M"}
        Period the gaps are counted in.
    observation_end : timestamp, optional
        Ignore orders after this moment (e.g. the end of a calibration window).

    Returns
    -------
    pandas.DataFrame
        One row per repeat purchase period, columns ``client_id`` (text), ``order``
        (1 for the first repeat purchase, 2 for the next...) and ``gap`` (whole
        periods since the previous purchase, >= 1), sorted by client and order.

    Raises
    ------
    ValidationError
        When a column is missing, a date is missing or not a date, or the
        time unit is not one of ``"D"``, ``"W"``, ``"M"``.
    """
    unit = check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    if not isinstance(transactions, pd.DataFrame):
        raise ValidationError(
            f"transactions: expected a pandas DataFrame, got {type(transactions).__name__}"
        )
    require(transactions, "transactions", [client_col, date_col])
    dates = transactions[date_col]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise ValidationError(
            f"transactions: column '{date_col}' must hold dates (datetime64), got {dates.dtype}"
        )
    if dates.isna().any():
        raise ValidationError(
            f"transactions: column '{date_col}' has {int(dates.isna().sum())} missing value(s)"
        )
    frame = pd.DataFrame(
        {"client_id": transactions[client_col].astype(str).to_numpy(), "date": dates.to_numpy()}
    )
    if observation_end is not None:
        frame = frame[frame["date"] <= pd.Timestamp(observation_end)]
    frame["period"] = _period_numbers(frame["date"], unit).to_numpy()
    distinct = frame[["client_id", "period"]].drop_duplicates().sort_values(["client_id", "period"])
    gap = distinct.groupby("client_id", sort=False)["period"].diff()
    out = distinct.assign(gap=gap).dropna(subset=["gap"])
    out = out.assign(order=out.groupby("client_id", sort=False).cumcount() + 1)
    return pd.DataFrame(
        {
            "client_id": pd.Series(out["client_id"].to_numpy(), dtype="str"),
            "order": out["order"].to_numpy(dtype=np.int64),
            "gap": out["gap"].to_numpy(dtype=np.float64),
        }
    )


def log_interpurchase_sum(
    transactions: pd.DataFrame,
    *,
    client_col: str = "client_id",
    date_col: str = "date",
    time_unit: TimeUnit = "D",
    observation_end: pd.Timestamp | str | dt.date | None = None,
) -> pd.Series:
    """Sum of the logs of each client's inter-purchase times, the CNBD models' extra input.

    Add it to a summary made with the same ``time_unit`` and ``observation_end``
    (``summary[LOG_INTERPURCHASE_COLUMN] = log_interpurchase_sum(tx, ...)``) before
    fitting :class:`~clientalytics.clv.BetaGeoCNBDModel` or
    :class:`~clientalytics.clv.ModifiedBetaGeoCNBDModel`. For a calibration/holdout
    table pass ``observation_end=calibration_end`` and store it as
    ``log_interpurchase_sum_cal``.

    Parameters
    ----------
    transactions, client_col, date_col, time_unit, observation_end
        As in :func:`interpurchase_times`.

    Returns
    -------
    pandas.Series
        Named ``log_interpurchase_sum``, indexed by ``client_id`` (text, sorted) for
        every client with an order up to ``observation_end``; 0 for clients without
        a repeat purchase.

    Notes
    -----
    Gaps are in whole periods of ``time_unit``. To express the statistic in a unit
    ``c`` times as long (e.g. days to weeks, ``c = 7``), subtract
    ``frequency * log(c)``.
    """
    gaps = interpurchase_times(
        transactions,
        client_col=client_col,
        date_col=date_col,
        time_unit=time_unit,
        observation_end=observation_end,
    )
    ids = transactions[client_col].astype(str)
    if observation_end is not None:
        ids = ids[(transactions[date_col] <= pd.Timestamp(observation_end)).to_numpy()]
    index = pd.Index(np.sort(ids.unique()), dtype="str", name="client_id")
    summed = np.log(gaps["gap"]).groupby(gaps["client_id"].to_numpy()).sum()
    out = pd.Series(0.0, index=index, name=LOG_INTERPURCHASE_COLUMN)
    out.loc[summed.index] = summed.to_numpy()
    return out


def wheat_morrison_statistics(gaps: pd.DataFrame) -> pd.Series:
    """Wheat & Morrison's statistic ``M = g1 / (g1 + g2)`` of each client's last two gaps.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`interpurchase_times`.

    Returns
    -------
    pandas.Series
        Named ``M``, indexed by ``client_id``, for the clients with at least two
        repeat purchases. Under gamma(k)-distributed gaps with a shape shared by all
        clients, ``M`` follows a Beta(k, k) distribution whatever the clients' rates.
    """
    require(gaps, "inter-purchase times", ["client_id", "order", "gap"])
    last_two = gaps.sort_values(["client_id", "order"]).groupby("client_id", sort=True).tail(2)
    counts = last_two.groupby("client_id")["gap"].transform("size")
    last_two = last_two[counts.to_numpy() == 2]
    grouped = last_two.groupby("client_id", sort=True)["gap"]
    first = grouped.first()
    second = grouped.last()
    out = first / (first + second)
    out.name = "M"
    out.index = pd.Index(out.index.astype(str), dtype="str", name="client_id")
    return out


def estimate_regularity(
    transactions: pd.DataFrame,
    *,
    client_col: str = "client_id",
    date_col: str = "date",
    time_unit: TimeUnit = "D",
    observation_end: pd.Timestamp | str | dt.date | None = None,
) -> float:
    """Estimate the shape ``k`` of the inter-purchase time distribution (Wheat & Morrison 1990).

    Uses the last two gaps of every client with at least two repeat purchases:
    ``k = (1 - 4 Var(M)) / (8 Var(M))``. Values near 1 support Poisson purchasing
    (exponential gaps); values well above 1 show regular purchasing, for which the
    CNBD models fit better.

    Parameters
    ----------
    transactions, client_col, date_col, time_unit, observation_end
        As in :func:`interpurchase_times`.

    Returns
    -------
    float
        The estimated ``k``.

    Raises
    ------
    ValidationError
        When fewer than two clients have two repeat purchases, or all their
        statistics are equal (no spread to estimate from).
    """
    stats = wheat_morrison_statistics(
        interpurchase_times(
            transactions,
            client_col=client_col,
            date_col=date_col,
            time_unit=time_unit,
            observation_end=observation_end,
        )
    )
    return regularity_from_statistics(stats)


def regularity_from_statistics(stats: Any) -> float:
    """Wheat & Morrison's ``k`` from the statistics ``M`` (see :func:`estimate_regularity`)."""
    values = np.asarray(stats, dtype=np.float64)
    if values.shape[0] < 2:
        raise ValidationError(
            "estimate_regularity needs at least two clients with two or more repeat "
            f"purchases; found {values.shape[0]}"
        )
    var = float(np.var(values, ddof=1))
    if var <= 0:
        raise ValidationError(
            "estimate_regularity: every client's last two gaps have the same ratio; "
            "the spread that k is estimated from is zero"
        )
    return (1.0 - 4.0 * var) / (8.0 * var)
