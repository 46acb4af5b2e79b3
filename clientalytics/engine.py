"""Running transaction-level aggregations inside the engine of the input frame.

Functions that aggregate raw transactions accept a pandas or Polars frame, a Polars
LazyFrame, a DuckDB relation or any other frame narwhals supports. They turn it
into a narwhals lazy frame with :func:`to_lazy`, express the aggregation with
narwhals expressions (so the engine does the work), and bring only the small
aggregated result back to pandas with :func:`collect`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require


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
    """Execute a narwhals (lazy) frame and return the result as pandas.

    Spark's ``TimestampType`` holds instants that Spark shows, and computes calendar
    fields from, in the session time zone; they come back time-zone aware. They are
    returned as naive wall-clock times of that zone, the times the analyst loaded,
    so a Spark result equals the result of the same data on any other engine.
    """
    collected = frame.collect() if hasattr(frame, "collect") else frame
    out: pd.DataFrame = collected.to_pandas()
    if frame.implementation.is_spark_like():
        for name in out.columns:
            if isinstance(out[name].dtype, pd.DatetimeTZDtype):
                out[name] = out[name].dt.tz_localize(None)
    return out


def check_columns(lazy: Any, columns: list[str], *, table: str = "transactions") -> None:
    """Raise :class:`ValidationError` naming any of ``columns`` missing from ``lazy``."""
    require(lazy, table, columns)


def check_complete(
    lazy: Any,
    columns: Sequence[str],
    *,
    table: str = "transactions",
    extra: Sequence[Any] = (),
) -> pd.Series:
    """Check in one pass that ``columns`` exist, the frame has rows and no missing values.

    Parameters
    ----------
    lazy : narwhals.LazyFrame
        The input, from :func:`to_lazy`.
    columns : sequence of str
        Columns that must be present and complete.
    table : str
        Table name used in error messages.
    extra : sequence of narwhals expressions
        Further named aggregations to compute in the same pass (e.g. the latest date).

    Returns
    -------
    pandas.Series
        The one-row result: ``rows``, ``null:<column>`` for each column, and ``extra``.

    Raises
    ------
    ValidationError
        Naming the missing column, an empty table, or the column and number of
        missing values.
    """
    check_columns(lazy, list(columns), table=table)
    counts = [nw.col(c).is_null().cast(nw.Int64()).sum().alias(f"null:{c}") for c in columns]
    stats = collect(lazy.select(nw.len().alias("rows"), *counts, *extra)).iloc[0]
    if int(stats["rows"]) == 0:
        raise ValidationError(f"{table}: the table is empty (0 rows)")
    for col in columns:
        n_null = int(stats[f"null:{col}"])
        if n_null:
            raise ValidationError(
                f"{table}: column {col!r} has {n_null} missing value(s); validate the table "
                f"first (clientalytics.validate(frame, {table!r})) to see and reject the bad rows"
            )
    return stats
