"""Shared input handling of the segmentation functions: summaries, checks, client ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require
from clientalytics.summary import summarize

#: Columns a per-client summary must have to be used directly.
_SUMMARY_MARKERS = ("days_since_last_purchase", "n_orders", "total_revenue")


def is_summary(data: Any) -> bool:
    """Whether ``data`` is a pandas per-client summary (output of :func:`summarize`)."""
    return isinstance(data, pd.DataFrame) and all(c in data.columns for c in _SUMMARY_MARKERS)


def resolve_summary(
    data: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
) -> pd.DataFrame:
    """Return a per-client summary: ``data`` itself if it is one, else ``summarize(data)``.

    Transactions in any engine are summarised in that engine by
    :func:`clientalytics.summary.summarize` (daily periods).
    """
    if is_summary(data):
        frame: pd.DataFrame = data
        if frame.empty:
            raise ValidationError("summary: the table is empty (0 clients)")
        return frame
    return summarize(
        data,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
        observation_end=observation_end,
        time_unit="D",
    )


def check_finite(frame: pd.DataFrame, columns: Iterable[str], *, table: str) -> None:
    """Raise :class:`ValidationError` if a column is missing or holds NaN / inf.

    The message names the column, the number of bad rows and up to three example
    client ids.
    """
    columns = list(columns)
    require(frame, table, columns)
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            examples = [str(i) for i in frame.index[bad][:3]]
            raise ValidationError(
                f"{table}: column {col!r} has {int(bad.sum())} missing or infinite value(s) "
                f"(clients {examples}); fill or drop them explicitly first"
            )


def as_value_series(data: Any, *, column: str, table: str) -> pd.Series:
    """Return one numeric column of ``data`` (or ``data`` itself when a Series), checked."""
    if isinstance(data, pd.Series):
        series = data.astype(float)
    elif isinstance(data, pd.DataFrame):
        require(data, table, [column])
        series = data[column].astype(float)
    else:
        raise ValidationError(
            f"{table}: expected a pandas DataFrame or Series, got {type(data).__name__}"
        )
    if series.empty:
        raise ValidationError(f"{table}: the table is empty (0 clients)")
    check_finite(series.to_frame(column), [column], table=table)
    if not series.index.is_unique:
        dup = series.index[series.index.duplicated()][:3].tolist()
        raise ValidationError(f"{table}: duplicate client id(s) in the index, e.g. {dup}")
    return series


def min_rank_position(values: pd.Series) -> pd.Series:
    """Share of clients with a strictly smaller value, in ``[0, 1)``.

    Equal values get the same position (that of the lowest of them), so ties never
    depend on row order.
    """
    ranks = values.rank(method="min").astype(float)
    return (ranks - 1.0) / float(len(values))
