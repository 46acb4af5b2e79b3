"""Client activity per calendar period, aggregated inside the input's engine.

Manager scorecards, portfolio retention and the contact-frequency analysis all
start from the same small table: for each client and calendar period (month,
quarter or year), the revenue, margin and number of orders. The aggregation runs
in the engine of the transactions frame (pandas, Polars, DuckDB, ...) through
narwhals (:func:`clientalytics.periods.per_client_period`); only the
per-client-period rows come back to pandas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    CALENDAR_TIME_UNITS,
    TimeUnit,
    check_time_unit,
    per_client_period,
    period_start,
)


def client_period_activity(
    transactions: Any,
    *,
    time_unit: TimeUnit = "Q",
    observation_end: pd.Timestamp | str | dt.date | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
) -> pd.DataFrame:
    """Revenue, margin and orders of every client in every calendar period it bought in.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (pandas, Polars, DuckDB or any narwhals-supported frame).
    time_unit : {"M", "Q", "Y"}
        Calendar month, quarter or year.
    observation_end : timestamp, optional
        End of the observation window; orders after it raise. Defaults to the
        latest order date.
    client_col, date_col, revenue_col : str
        Column names.
    cost_col : str or None
        Variable-cost column; ``None`` makes margin equal to revenue.

    Returns
    -------
    pandas.DataFrame
        One row per (client, period) with at least one transaction, columns
        ``client_id`` (str), ``period`` (first day of the period), ``revenue``,
        ``margin`` (revenue - variable cost, credit notes netted), ``n_orders``
        (credit notes excluded) and ``active`` (``n_orders > 0``: a credit note
        alone does not make the client active in the period). ``active`` says the
        client ordered *in that period*; a client's status (new, active, lost over
        the last twelve months) is :func:`clientalytics.status.client_status`.

    Raises
    ------
    ValidationError
        Missing columns, an empty table, an unknown ``time_unit`` or orders after
        ``observation_end``.
    """
    check_time_unit(time_unit, CALENDAR_TIME_UNITS)
    lazy = to_lazy(transactions)
    needed = [client_col, date_col, revenue_col] + ([cost_col] if cost_col else [])
    check_complete(lazy, needed)
    per_period = collect(
        per_client_period(
            lazy,
            client_col=client_col,
            date_col=date_col,
            time_unit=time_unit,
            revenue_col=revenue_col,
            cost_col=cost_col,
            dates=True,
        )
    )
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        last = pd.to_datetime(per_period["last_date"])
        if last.max() > end:
            raise ValidationError(
                f"transactions: column {date_col!r} has orders after observation_end "
                f"{end.date()} in {int((last > end).sum())} client-period(s) (latest {last.max()})"
            )
    cost = per_period["cost"] if cost_col is not None else 0.0
    out = pd.DataFrame(
        {
            "client_id": per_period["client_id"].astype(str).to_numpy(),
            "period": period_start(per_period["period"].astype("int64"), time_unit).to_numpy(),
            "revenue": per_period["revenue"].astype(float).to_numpy(),
            "margin": (per_period["revenue"] - cost).astype(float).to_numpy(),
            "n_orders": per_period["n_orders"].astype("int64").to_numpy(),
        }
    )
    out["active"] = out["n_orders"] > 0
    return out.sort_values(["client_id", "period"]).reset_index(drop=True)
