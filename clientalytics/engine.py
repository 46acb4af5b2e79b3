"""Running transaction-level aggregations inside the engine of the input frame.

Functions that aggregate raw transactions accept a pandas or Polars frame, a Polars
LazyFrame, a DuckDB relation or any other frame narwhals supports. They turn it
into a narwhals lazy frame with :func:`to_lazy`, express the aggregation with
narwhals expressions (so the engine does the work), and bring only the small
aggregated result back to pandas with :func:`collect`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.exceptions import ValidationError

TimeUnit = Literal["D", "W", "M"]
#: Time units understood by :func:`period_index_expr` and :func:`period_index`.
TIME_UNITS: tuple[str, ...] = ("D", "W", "M")

_EPOCH = dt.datetime(1970, 1, 1)


def to_lazy(frame: Any, *, table: str = "transactions") -> Any:
    """Wrap a native frame as a narwhals LazyFrame.

    Parameters
    ----------
    frame : DataFrame-like
        pandas, Polars (eager or lazy), DuckDB relation, or another
        narwhals-supported frame.
    table : str
        Table name used in the error message.

    Returns
    -------
    narwhals.LazyFrame

    Raises
    ------
    ValidationError
        When the object is not a supported frame.
    """
    try:
        wrapped = nw.from_native(frame)
    except TypeError as exc:
        raise ValidationError(
            f"{table}: expected a pandas, Polars, DuckDB (or other narwhals-supported) "
            f"frame, got {type(frame).__name__}"
        ) from exc
    return wrapped.lazy() if isinstance(wrapped, nw.DataFrame) else wrapped


def collect(frame: Any) -> pd.DataFrame:
    """Execute a narwhals (lazy) frame and return the result as pandas."""
    collected = frame.collect() if hasattr(frame, "collect") else frame
    out: pd.DataFrame = collected.to_pandas()
    return out


def check_columns(lazy: Any, columns: list[str], *, table: str = "transactions") -> None:
    """Raise :class:`ValidationError` naming any of ``columns`` missing from ``lazy``."""
    present = set(lazy.collect_schema().names())
    missing = [c for c in columns if c not in present]
    if missing:
        raise ValidationError(
            f"{table}: missing required column(s) {missing}; found {sorted(present)[:12]}"
        )


def check_time_unit(time_unit: str) -> None:
    """Raise :class:`ValidationError` unless ``time_unit`` is one of :data:`TIME_UNITS`."""
    if time_unit not in TIME_UNITS:
        raise ValidationError(f"time_unit must be one of {list(TIME_UNITS)}, got {time_unit!r}")


def period_index_expr(date_col: str, time_unit: TimeUnit) -> Any:
    """Narwhals expression: integer index of the period a date falls in.

    Days count from 1970-01-01, weeks run Monday to Sunday, months are calendar
    months (``year * 12 + month - 1``). Differences of two indexes are whole periods.
    """
    if time_unit == "M":
        return nw.col(date_col).dt.year() * 12 + nw.col(date_col).dt.month() - 1
    day = (nw.col(date_col).dt.truncate("1d") - nw.lit(_EPOCH)).dt.total_seconds() // 86400
    if time_unit == "W":
        # 1970-01-01 was a Thursday; shifting by 3 days makes weeks start on Monday.
        return (day + 3) // 7
    return day


def period_index(moment: pd.Timestamp, time_unit: TimeUnit) -> int:
    """Integer index of the period ``moment`` falls in (see :func:`period_index_expr`)."""
    if time_unit == "M":
        return moment.year * 12 + moment.month - 1
    day = (moment.normalize() - pd.Timestamp(_EPOCH)).days
    return (day + 3) // 7 if time_unit == "W" else day


def period_start(index: int | pd.Series, time_unit: TimeUnit) -> Any:
    """First day of the period with the given index (inverse of :func:`period_index`)."""
    if time_unit == "M":
        if isinstance(index, pd.Series):
            years, months = index // 12, index % 12
            return pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    days = index * 7 - 3 if time_unit == "W" else index
    return pd.Timestamp(_EPOCH) + pd.to_timedelta(days, unit="D")
