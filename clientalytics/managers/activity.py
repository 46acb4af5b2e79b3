"""Client activity per calendar period, aggregated inside the input's engine.

Manager scorecards, portfolio retention and the contact-frequency analysis all
start from the same small table: for each client and calendar period (month,
quarter or year), the revenue, margin and number of orders. The aggregation to
months runs in the engine of the transactions frame (pandas, Polars, DuckDB, ...)
through narwhals; only the per-client-month rows come back to pandas, where they
are rolled up to quarters or years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import period_index_expr, period_start

Frequency = Literal["M", "Q", "Y"]
#: Calendar period lengths understood by :func:`client_period_activity`.
FREQUENCIES: tuple[str, ...] = ("M", "Q", "Y")

_PANDAS_FREQ = {"M": "M", "Q": "Q", "Y": "Y"}


def check_frequency(freq: str) -> None:
    """Raise :class:`ValidationError` unless ``freq`` is one of :data:`FREQUENCIES`."""
    if freq not in FREQUENCIES:
        raise ValidationError(f"freq must be one of {list(FREQUENCIES)}, got {freq!r}")


def period_label(dates: pd.Series, freq: Frequency) -> pd.Series:
    """First day of the calendar period each date falls in (``datetime64[ns]``)."""
    check_frequency(freq)
    return dates.dt.to_period(_PANDAS_FREQ[freq]).dt.start_time.astype("datetime64[ns]")


def period_range(start: pd.Timestamp, end: pd.Timestamp, freq: Frequency) -> pd.DatetimeIndex:
    """First days of every calendar period from the one holding ``start`` to ``end``'s."""
    check_frequency(freq)
    periods = pd.period_range(start, end, freq=_PANDAS_FREQ[freq])
    return pd.DatetimeIndex(periods.start_time.astype("datetime64[ns]"), name="period")


def client_period_activity(
    transactions: Any,
    *,
    freq: Frequency = "Q",
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
    freq : {"M", "Q", "Y"}
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
        alone does not make the client active in the period).

    Raises
    ------
    ValidationError
        Missing columns, an empty table, an unknown ``freq`` or orders after
        ``observation_end``.
    """
    check_frequency(freq)
    lazy = to_lazy(transactions)
    needed = [client_col, date_col, revenue_col] + ([cost_col] if cost_col else [])
    check_complete(lazy, needed)
    cost = nw.col(cost_col) if cost_col is not None else nw.lit(0.0)
    monthly = collect(
        lazy.select(
            nw.col(client_col).alias("client_id"),
            period_index_expr(date_col, "M").alias("month"),
            nw.col(date_col).alias("date"),
            nw.col(revenue_col).cast(nw.Float64()).alias("revenue"),
            cost.cast(nw.Float64()).alias("cost"),
            (nw.col(revenue_col) >= 0).cast(nw.Int64()).alias("is_order"),
        )
        .group_by("client_id", "month")
        .agg(
            nw.col("revenue").sum(),
            nw.col("cost").sum(),
            nw.col("is_order").sum().alias("n_orders"),
            nw.col("date").max().alias("latest"),
        )
    )
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        latest = pd.to_datetime(monthly["latest"]).max()
        if latest > end:
            n_late = int((pd.to_datetime(monthly["latest"]) > end).sum())
            raise ValidationError(
                f"transactions: column {date_col!r} has orders after observation_end "
                f"{end.date()} in {n_late} client-month(s) (latest {latest})"
            )
    starts = period_start(monthly["month"].astype("int64"), "M")
    frame = pd.DataFrame(
        {
            "client_id": monthly["client_id"].astype(str).to_numpy(),
            "period": period_label(pd.Series(pd.to_datetime(starts).to_numpy()), freq).to_numpy(),
            "revenue": monthly["revenue"].astype(float).to_numpy(),
            "margin": (monthly["revenue"] - monthly["cost"]).astype(float).to_numpy(),
            "n_orders": monthly["n_orders"].astype("int64").to_numpy(),
        }
    )
    out = frame.groupby(["client_id", "period"], as_index=False).sum()
    out["active"] = out["n_orders"] > 0
    return out.sort_values(["client_id", "period"]).reset_index(drop=True)
