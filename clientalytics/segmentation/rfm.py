"""RFM scores: recency, frequency and monetary value on a 1..bins scale per client.

Recency here is the RFM meaning, the days since the client's last purchase
(``days_since_last_purchase`` of :func:`clientalytics.summarize`), never the
buy-till-you-die ``recency`` (first to last purchase).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import DataQualityWarning, ValidationError
from clientalytics.segmentation._inputs import check_finite, min_rank_position, resolve_summary

#: Columns of the frame returned by :func:`rfm_scores`, in order.
RFM_COLUMNS = ["recency_days", "frequency", "monetary", "R", "F", "M", "RFM", "rfm_score"]

_MONETARY = ("total_revenue", "total_margin", "mean_margin", "monetary_value")


def _quantile_scores(values: pd.Series, bins: int) -> pd.Series:
    """Score ``1 + floor(bins * share of clients with a strictly smaller value)``."""
    # rounding makes ties robust to the summation order of different engines
    position = min_rank_position(values.round(6)).to_numpy()
    scores = 1 + np.floor(bins * position + 1e-12).astype("int64")
    return pd.Series(np.minimum(scores, bins), index=values.index, dtype="int64")


def _edge_scores(
    values: pd.Series, edges: Sequence[float], bins: int, *, lower_is_better: bool
) -> pd.Series:
    """Score against fixed cut points; a value on an edge gets the better score."""
    cuts = np.asarray(edges, dtype=float)
    if len(cuts) != bins - 1 or not np.all(np.isfinite(cuts)) or np.any(np.diff(cuts) <= 0):
        raise ValidationError(
            f"edges must be {bins - 1} finite, strictly increasing cut points for bins={bins}, "
            f"got {list(edges)}"
        )
    x = values.to_numpy(dtype=float)
    if lower_is_better:
        # days <= c1 -> bins, c1 < days <= c2 -> bins - 1, ...
        scores = bins - np.searchsorted(cuts, x, side="left")
    else:
        # x < c1 -> 1, c1 <= x < c2 -> 2, ...
        scores = 1 + np.searchsorted(cuts, x, side="right")
    return pd.Series(scores.astype("int64"), index=values.index)


def rfm_scores(
    data: Any,
    *,
    bins: int = 5,
    edges: Mapping[str, Sequence[float]] | None = None,
    frequency_col: str = "n_orders",
    monetary_col: str = "total_revenue",
    observation_end: pd.Timestamp | str | dt.date | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
) -> pd.DataFrame:
    """Score every client 1..``bins`` on recency, frequency and monetary value.

    Parameters
    ----------
    data : DataFrame-like
        Either a per-client summary from :func:`clientalytics.summarize` (pandas,
        indexed by client id) or raw transactions in any engine (pandas, Polars,
        DuckDB, ...), which are summarised in that engine first.
    bins : int
        Number of score levels (at least 2); 5 gives the classic 1-5 scale.
    edges : mapping, optional
        Fixed cut points chosen by the analyst instead of quantiles, keyed by
        ``"R"`` (days since the last purchase), ``"F"`` and/or ``"M"``: ``bins - 1``
        strictly increasing numbers each. Dimensions not given use quantiles.
    frequency_col : str
        Summary column used for F: ``"n_orders"`` (default) or ``"frequency"``
        (repeat purchase days).
    monetary_col : str
        Summary column used for M: ``"total_revenue"`` (default), ``"total_margin"``,
        ``"mean_margin"`` or ``"monetary_value"``.
    observation_end : timestamp, optional
        End of the window when ``data`` are transactions (default: latest order).
    client_col, date_col, revenue_col, cost_col : str
        Transaction column names, as for :func:`clientalytics.summarize`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, columns:

        - ``recency_days``: days since the last purchase;
        - ``frequency``: the F measure (``frequency_col``);
        - ``monetary``: the M measure (``monetary_col``);
        - ``R``, ``F``, ``M``: integer scores in ``1..bins``; the most recent, most
          frequent and highest-spending clients get ``bins``;
        - ``RFM``: the three scores as a string, e.g. ``"545"`` (joined by ``-``
          when ``bins >= 10``, e.g. ``"10-3-7"``);
        - ``rfm_score``: ``R + F + M``.

        Pass the same ``bins`` to :func:`rfm_segments`, which refuses a segment map
        written for another scale.

    Raises
    ------
    ValidationError
        Empty input, missing columns, NaN or infinite values, ``bins < 2``, bad
        edges, or an unknown frequency / monetary column.

    Warns
    -----
    DataQualityWarning
        When a quantile-scored dimension uses fewer than ``bins`` distinct scores (few distinct
        values, e.g. most clients with one order, or a single client).

    Notes
    -----
    Quantile scores: a client's score is ``1 + floor(bins * p)`` where ``p`` is the
    share of clients with a strictly worse value (for R, more days since the last
    purchase is worse). Clients with equal values therefore always share a score,
    the lowest of the quantile positions their group spans; the result never
    depends on row order. With many ties fewer than ``bins`` scores are used: if 70 %
    of clients ordered once, they all get F = 1 and the next group starts at
    ``1 + floor(bins * 0.7)``. A single client, or clients that are all equal, get
    score 1. Values are compared rounded to 6 decimals, so sums that differ only by
    floating-point noise (e.g. from another engine) tie. Fixed edges: a value lying
    exactly on an edge gets the better score.
    """
    if not isinstance(bins, int | np.integer) or bins < 2:
        raise ValidationError(f"bins must be an integer >= 2, got {bins!r}")
    if frequency_col not in ("n_orders", "frequency"):
        raise ValidationError(
            f"frequency_col must be 'n_orders' or 'frequency', got {frequency_col!r}"
        )
    if monetary_col not in _MONETARY:
        raise ValidationError(
            f"monetary_col must be one of {list(_MONETARY)}, got {monetary_col!r}"
        )
    unknown = set(edges or {}) - {"R", "F", "M"}
    if unknown:
        raise ValidationError(f"edges keys must be 'R', 'F' or 'M', got {sorted(unknown)}")
    summary = resolve_summary(
        data,
        observation_end=observation_end,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
    )
    used = ["days_since_last_purchase", frequency_col, monetary_col]
    check_finite(summary, used, table="summary")
    measures = {
        "R": summary["days_since_last_purchase"].astype(float),
        "F": summary[frequency_col].astype(float),
        "M": summary[monetary_col].astype(float),
    }
    scores: dict[str, pd.Series] = {}
    for dim, values in measures.items():
        if edges is not None and dim in edges:
            scores[dim] = _edge_scores(values, edges[dim], bins, lower_is_better=dim == "R")
            continue
        scores[dim] = _quantile_scores(-values if dim == "R" else values, bins)
        used_levels = scores[dim].nunique()
        if used_levels < bins:
            warnings.warn(
                f"RFM {dim}: only {used_levels} of {bins} scores used ({values.nunique()} "
                f"distinct value(s) among {len(values)} client(s)); clients with equal values "
                "share a score",
                DataQualityWarning,
                stacklevel=2,
            )
    out = pd.DataFrame(
        {
            "recency_days": measures["R"],
            "frequency": measures["F"],
            "monetary": measures["M"],
            "R": scores["R"],
            "F": scores["F"],
            "M": scores["M"],
        },
        index=summary.index,
    )
    sep = "" if bins < 10 else "-"
    out["RFM"] = out["R"].astype(str) + sep + out["F"].astype(str) + sep + out["M"].astype(str)
    out["rfm_score"] = (out["R"] + out["F"] + out["M"]).astype("int64")
    out.index.name = "client_id"
    return out
