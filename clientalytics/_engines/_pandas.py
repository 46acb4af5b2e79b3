"""NumPy plan of the per-client summary for pandas frames.

A pandas frame with a NumPy datetime column is aggregated with array operations
on its columns: client ids encoded once (``pd.factorize``), the period index by
integer arithmetic on the datetime values, one sort of integer (client, period)
keys, and every per-client sum by ``bincount``. It gives the same numbers as the
engine plans in a fraction of the time and memory of the generic one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from clientalytics.periods import TimeUnit

#: Units of NumPy datetime64 values per day, for the integer day index.
_PER_DAY = {
    "D": 1,
    "h": 24,
    "m": 24 * 60,
    "s": 86_400,
    "ms": 86_400_000,
    "us": 86_400_000_000,
    "ns": 86_400_000_000_000,
}


@dataclass(frozen=True)
class Encoded:
    """Columns of a pandas transactions frame as NumPy arrays, client ids encoded.

    ``codes`` numbers the clients of ``clients`` (0, 1, ...), ``period`` is the
    period index of every row (as :func:`~clientalytics.periods.period_index`),
    ``moment`` the dates as integers of the column's datetime unit (``dtype``).
    """

    codes: np.ndarray
    clients: pd.Index
    period: np.ndarray
    low: int
    span: int
    moment: np.ndarray
    dtype: np.dtype[Any]
    revenue: np.ndarray
    cost: np.ndarray | None

    def keys(self, rows: np.ndarray | slice) -> np.ndarray:
        """Integer key ``client * span + period - low`` of the selected rows.

        Keys sort by client, then period; ``key // span`` is the client code and
        ``key % span + low`` the period.
        """
        key: np.ndarray = self.codes[rows] * self.span + (self.period[rows] - self.low)
        return key


def encode(
    lazy: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
) -> Encoded | None:
    """Arrays of a pandas input, or ``None`` when the generic plan must run.

    Only pandas frames whose date column holds naive NumPy datetimes and whose
    revenue and cost columns are numeric take the array path; anything else
    (time-zone aware or Arrow dates, other engines) is aggregated by the engine.
    """
    if not lazy.implementation.is_pandas():
        return None
    frame = nw.to_native(lazy)
    dates = frame[date_col]
    if not (isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M"):
        return None
    unit, count = np.datetime_data(dates.dtype)
    amounts = [frame[c] for c in (revenue_col, cost_col) if c is not None]
    if unit not in _PER_DAY or not all(_is_number(a) for a in amounts) or len(frame) == 0:
        return None
    values = dates.to_numpy()
    if time_unit == "M":
        period = values.astype("datetime64[M]").view("int64") + 1970 * 12
    elif count == 1:
        period = values.view("int64") // _PER_DAY[unit]  # floor: whole days since 1970
    else:
        period = values.astype("datetime64[D]").view("int64")
    if time_unit == "W":
        period += 3  # 1970-01-01 is a Thursday; weeks start on the Monday before
        period //= 7
    codes, clients = pd.factorize(frame[client_col])
    low = int(period.min())
    span = int(period.max()) - low + 1
    if len(clients) * span >= 2**62:  # (client, period) keys would not fit in int64
        return None
    return Encoded(
        codes=codes.astype(np.int64, copy=False),
        clients=pd.Index(clients),
        period=period,
        low=low,
        span=span,
        moment=values.view("int64"),
        dtype=values.dtype,
        revenue=amounts[0].to_numpy(dtype=np.float64),
        cost=amounts[1].to_numpy(dtype=np.float64) if cost_col is not None else None,
    )


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (one in-place sort of ``keys``)."""
    keys.sort()
    return keys[_run_starts(keys)]


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the elements that differ from their predecessor (and the first)."""
    starts = np.empty(len(values), dtype=bool)
    starts[:1] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def per_client(enc: Encoded, rows: np.ndarray | slice) -> pd.DataFrame:
    """Per-client statistics of the selected rows, computed with NumPy.

    Same columns and meaning as the per-client table of the engine plans: purchase
    periods are the (client, period) pairs with at least one order; a credit note
    adds its amount to the revenue of its period (a repeat purchase period or not)
    and to the client's totals.
    """
    n_clients, low, span = len(enc.clients), enc.low, enc.span
    codes, period, revenue = enc.codes[rows], enc.period[rows], enc.revenue[rows]
    is_order = revenue >= 0
    key = enc.keys(rows)
    # Distinct (client, period) keys of the orders, sorted: runs of one client each.
    order_keys = _distinct(key[is_order])
    owner = order_keys // span
    n_periods = np.bincount(owner, minlength=n_clients)
    starts = np.flatnonzero(_run_starts(owner))
    ends = np.append(starts[1:], len(owner)) - 1 if len(starts) else starts
    buyers = owner[starts]
    first_period = np.full(n_clients, low - 1)
    last_period = np.full(n_clients, low - 1)
    first_period[buyers] = order_keys[starts] % span + low
    last_period[buyers] = order_keys[ends] % span + low
    del owner
    # A credit note belongs to a purchase period when its key is an order key.
    in_purchase = is_order.copy()
    notes = np.flatnonzero(~is_order)
    if len(notes) and len(order_keys):
        where = np.minimum(np.searchsorted(order_keys, key[notes]), len(order_keys) - 1)
        in_purchase[notes[order_keys[where] == key[notes]]] = True
    del key, order_keys
    in_first = period == first_period[codes]
    in_last = period == last_period[codes]
    repeat_revenue = np.bincount(
        codes, weights=np.where(in_purchase & ~in_first, revenue, 0.0), minlength=n_clients
    )
    del in_purchase
    moment = enc.moment[rows]
    first_purchase = np.full(n_clients, np.iinfo(np.int64).max)
    np.minimum.at(first_purchase, codes[in_first], moment[in_first])
    last_purchase = np.full(n_clients, np.iinfo(np.int64).min)
    np.maximum.at(last_purchase, codes[in_last], moment[in_last])
    del in_first, in_last
    total_cost = (
        np.bincount(codes, weights=enc.cost[rows], minlength=n_clients)
        if enc.cost is not None
        else np.zeros(n_clients)
    )
    per_client = {
        "first_period": first_period,
        "last_period": last_period,
        "n_periods": n_periods,
        "n_orders": np.bincount(codes[is_order], minlength=n_clients),
        "first_purchase": first_purchase.view(enc.dtype),
        "last_purchase": last_purchase.view(enc.dtype),
        "total_revenue": np.bincount(codes, weights=revenue, minlength=n_clients),
        "total_cost": total_cost,
        "monetary_value": np.divide(
            repeat_revenue,
            n_periods - 1,
            out=np.full(n_clients, np.nan),
            where=n_periods > 1,
        ),
    }
    bought = n_periods > 0
    columns = {name: values[bought] for name, values in per_client.items()}
    return pd.DataFrame({"client_id": enc.clients[bought], **columns})


def holdout(enc: Encoded, rows: np.ndarray) -> pd.DataFrame:
    """Purchase periods and mean revenue per purchase period per client over the selected rows."""
    n_clients = len(enc.clients)
    rows = rows & (enc.revenue >= 0)
    codes = enc.codes[rows]
    n_orders = np.bincount(codes, minlength=n_clients)
    revenue = np.bincount(codes, weights=enc.revenue[rows], minlength=n_clients)
    n_periods = np.bincount(_distinct(enc.keys(rows)) // enc.span, minlength=n_clients)
    ordered = n_orders > 0
    return pd.DataFrame(
        {
            "client_id": enc.clients[ordered],
            "frequency_holdout": n_periods[ordered],
            "monetary_value_holdout": revenue[ordered] / n_periods[ordered],
        }
    )
