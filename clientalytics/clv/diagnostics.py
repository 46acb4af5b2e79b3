"""Tables behind the diagnostic plots of the transaction models.

Each function returns a plain DataFrame (so it can be inspected or exported) that
the matching ``plot_*`` function in :mod:`clientalytics.plotting.clv` draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.clv._data import check_summary
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.value import resolve_time_unit
from clientalytics.exceptions import ValidationError
from clientalytics.periods import SUMMARY_TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.schema import require

#: Days per summary time unit (the mean Gregorian month for "M").
_DAYS_PER_UNIT: dict[TimeUnit, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0}


def _grid(
    model: TransactionModel, max_frequency: int | None, max_recency: float | None, T: float | None
) -> tuple[np.ndarray, np.ndarray, float]:
    model._check_fitted()
    if T is None and not hasattr(model, "T_max_"):
        source = getattr(model, "converted_from_", "another library")
        raise ValidationError(
            f"{type(model).__name__} has no training data (converted from {source} "
            "without its data), so it does not know the oldest client's age: pass T="
        )
    age = float(T) if T is not None else model.T_max_
    top_rec = float(max_recency) if max_recency is not None else age
    if top_rec > age:
        raise ValidationError(f"max_recency ({top_rec}) cannot exceed T ({age})")
    top_freq = int(max_frequency) if max_frequency is not None else 20
    freqs = np.arange(top_freq + 1, dtype=np.float64)
    recs = np.arange(int(np.floor(top_rec)) + 1, dtype=np.float64)
    return freqs, recs, age


def _evaluate(
    model: TransactionModel, freqs: np.ndarray, recs: np.ndarray, age: float, which: str, t: float
) -> pd.DataFrame:
    ff, rr = np.meshgrid(freqs, recs)
    valid = ~((ff > 0) & (rr == 0)) & ~((ff == 0) & (rr > 0))
    if model.discrete_time:
        valid &= ff <= rr
    grid = pd.DataFrame({"frequency": ff[valid], "recency": rr[valid], "T": age})
    if which == "alive":
        values = model.probability_alive(grid).to_numpy()
    else:
        values = model.expected_purchases(grid, t=t).to_numpy()
    out = np.full(ff.shape, np.nan)
    out[valid] = values
    frame = pd.DataFrame(
        out,
        index=pd.Index(recs, name="recency"),
        columns=pd.Index(freqs.astype(int), name="frequency"),
    )
    return frame


def frequency_recency_matrix(
    model: TransactionModel,
    *,
    t: float = 1.0,
    T: float | None = None,
    max_frequency: int | None = None,
    max_recency: float | None = None,
) -> pd.DataFrame:
    """Tabulate expected purchases in the next ``t`` time units over a grid of histories.

    Parameters
    ----------
    model : TransactionModel
        Fitted model.
    t : float, default 1.0
        Horizon in the fitted time unit.
    T : float, optional
        Age of the hypothetical clients (default: the oldest fitted client).
    max_frequency : int, optional
        Largest frequency shown (default 20).
    max_recency : float, optional
        Largest recency shown (default ``T``).

    Returns
    -------
    pandas.DataFrame
        Rows indexed by ``recency`` (0 .. max, step 1), columns by ``frequency``.
        Impossible histories (repeat purchases at recency 0, or recency without
        repeat purchases) are left empty (NaN) so a heat map shows them blank.
    """
    freqs, recs, age = _grid(model, max_frequency, max_recency, T)
    return _evaluate(model, freqs, recs, age, "purchases", t)


def probability_alive_matrix(
    model: TransactionModel,
    *,
    T: float | None = None,
    max_frequency: int | None = None,
    max_recency: float | None = None,
) -> pd.DataFrame:
    """Tabulate the probability alive over a grid of ``(frequency, recency)`` at age ``T``.

    Same layout as :func:`frequency_recency_matrix`.
    """
    freqs, recs, age = _grid(model, max_frequency, max_recency, T)
    return _evaluate(model, freqs, recs, age, "alive", 0.0)


def period_transactions(
    model: TransactionModel,
    summary: pd.DataFrame,
    *,
    max_frequency: int = 7,
    n_simulations: int = 5,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Count clients by number of repeat purchases: observed vs simulated from the model.

    Parameters
    ----------
    model : TransactionModel
        Fitted model.
    summary : pandas.DataFrame
        The client summary the model was fitted on.
    max_frequency : int, default 7
        Counts at or above this value are pooled into the last row.
    n_simulations : int, default 5
        Number of simulated bases averaged for the model column.
    random_state : int, optional
        Seed of the simulation.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``frequency`` (0 .. ``max_frequency``; the last row means "or
        more"), columns ``actual`` and ``model`` (number of clients).
    """
    data = check_summary(summary)
    top = int(max_frequency)
    if top < 1:
        raise ValidationError(f"max_frequency must be >= 1, got {max_frequency}")
    rng = np.random.default_rng(random_state)
    bins = np.arange(top + 1)

    def counts(freq: np.ndarray) -> np.ndarray:
        return np.bincount(np.minimum(freq.astype(np.int64), top), minlength=top + 1)

    actual = counts(data["frequency"].to_numpy())
    simulated = np.zeros(top + 1)
    for _ in range(int(n_simulations)):
        sample = model.sample(data["T"].to_numpy(), random_state=rng)
        simulated += counts(sample["frequency"].to_numpy())
    return pd.DataFrame(
        {"actual": actual, "model": simulated / int(n_simulations)},
        index=pd.Index(bins, name="frequency"),
    )


def cumulative_transactions(
    model: TransactionModel,
    transactions: pd.DataFrame,
    *,
    time_unit: TimeUnit | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    observation_end: pd.Timestamp | None = None,
    count_unit: TimeUnit | None = None,
) -> pd.DataFrame:
    """Track cumulative and per-period repeat purchases over calendar time: actual vs model.

    The model's expectation at the end of period ``p`` sums, over the clients
    acquired by then, ``E[X(age)]`` of a new client, where ``age`` is the exact time
    from the client's first purchase to the end of the period (to
    ``observation_end`` for the last, partial period), in ``time_unit``. Ages are
    not rounded to whole periods, so on daily data the curve is neither shifted
    by a period nor biased low. Purchases in the same ``count_unit`` period count
    once, as in the summary.

    Parameters
    ----------
    model : TransactionModel
        Model fitted on a summary in ``time_unit``.
    transactions : pandas.DataFrame
        One row per purchase with ``client_col`` and ``date_col``.
    time_unit : {"D", "W", "M"}, optional
        Period of the summary the model was fitted on, and of the tracking table;
        by default the model's ``time_unit_`` (given to its ``fit``). Required when
        the model has none.
    client_col, date_col : str
        Column names.
    observation_end : pandas.Timestamp, optional
        Last date tracked (default: the last purchase).
    count_unit : {"D", "W", "M"}, optional
        Purchases by a client within one such period count once (default
        ``time_unit``). Use ``"D"`` when the summary counted distinct days but
        expressed recency and T in weeks, as the CDNOW reference data do.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period`` (periods since the first purchase in the data), columns
        ``period_start`` (timestamp), ``actual`` and ``model`` (cumulative repeat
        purchases up to the end of the period), ``actual_incremental`` and
        ``model_incremental`` (repeat purchases within the period).
    """
    require(transactions, "transactions", [client_col, date_col])
    unit = resolve_time_unit(time_unit, model)
    dates = pd.to_datetime(transactions[date_col])
    if dates.isna().any():
        raise ValidationError(
            f"transactions: column '{date_col}' has {int(dates.isna().sum())} missing date(s)"
        )
    end = pd.Timestamp(observation_end) if observation_end is not None else dates.max()
    counted = unit if count_unit is None else check_time_unit(count_unit, SUMMARY_TIME_UNITS)
    frame = pd.DataFrame(
        {
            "client": transactions[client_col].to_numpy(),
            "date": dates.dt.normalize().to_numpy(),
            "bucket": dates.dt.to_period(counted),
            "period": dates.dt.to_period(unit),
        }
    )
    frame = frame[dates.to_numpy() <= end.to_datetime64()]
    frame = frame.sort_values("date", kind="stable").drop_duplicates(subset=["client", "bucket"])
    start = frame["period"].min()
    ordinal = frame["period"].apply(lambda p: (p - start).n).to_numpy()
    frame = frame.assign(k=ordinal)
    first_bucket = frame.groupby("client")["bucket"].transform("min")
    repeat_k = frame["k"][frame["bucket"] != first_bucket].to_numpy()
    n_periods = int((end.to_period(unit) - start).n) + 1
    incremental = np.bincount(repeat_k, minlength=n_periods)[:n_periods].astype(float)
    periods = pd.period_range(start, periods=n_periods, freq=start.freq)
    starts = periods.to_timestamp()
    # end of each period: start of the next, and the day after observation_end for the last
    ends = np.minimum(
        (periods + 1).to_timestamp().to_numpy(), (end.normalize() + pd.Timedelta(days=1)).to_numpy()
    )
    first_dates = frame.groupby("client")["date"].min()
    distinct, n_acquired = np.unique(first_dates.to_numpy(), return_counts=True)
    age_days = (ends[None, :] - distinct[:, None]) / np.timedelta64(1, "D")
    ages = np.clip(age_days, 0.0, None) / _DAYS_PER_UNIT[unit]
    with np.errstate(all="ignore"):
        expected_ages = model.expected_purchases_new_client(ages.reshape(-1)).reshape(ages.shape)
    expected = n_acquired.astype(np.float64) @ np.where(age_days > 0, expected_ages, 0.0)
    return pd.DataFrame(
        {
            "period_start": starts,
            "actual": np.cumsum(incremental),
            "model": expected,
            "actual_incremental": incremental,
            "model_incremental": np.diff(expected, prepend=0.0),
        },
        index=pd.Index(np.arange(n_periods), name="period"),
    )
