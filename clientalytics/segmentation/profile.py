"""Segment profiles: size, revenue, margin, order value and lifetime value per segment."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.segmentation._inputs import as_value_series, check_finite

#: Columns of the frame returned by :func:`segment_summary`, in order (``mean_clv``
#: only when a CLV is supplied).
SEGMENT_SUMMARY_COLUMNS = [
    "clients",
    "client_share",
    "revenue",
    "revenue_share",
    "margin",
    "margin_share",
    "mean_order_value",
    "mean_clv",
]


def _share(part: pd.Series, total: float) -> pd.Series:
    return part / total if total != 0 else pd.Series(0.0, index=part.index)


def segment_summary(
    segments: pd.Series,
    summary: pd.DataFrame,
    *,
    clv: pd.DataFrame | pd.Series | None = None,
    clv_col: str = "clv",
) -> pd.DataFrame:
    """Profile each segment: clients, revenue, margin, mean order value, mean CLV.

    Parameters
    ----------
    segments : pandas.Series
        Segment label per client id (e.g. :func:`rfm_segments` output); any
        labelling works (relation to the firm, ABC class, pyramid tier).
    summary : pandas.DataFrame
        Per-client summary (:func:`clientalytics.summarize`) with ``n_orders``,
        ``total_revenue`` and ``total_margin``, indexed by client id.
    clv : DataFrame or Series, optional
        Predicted lifetime value per client id (column ``clv_col``). Clients
        without a value are left out of ``mean_clv`` only.
    clv_col : str
        Column of ``clv`` holding the value.

    Returns
    -------
    pandas.DataFrame
        One row per segment (categorical order when ``segments`` is categorical,
        empty categories kept with zeros), columns:

        - ``clients``, ``client_share``: number of clients and share of all clients;
        - ``revenue``, ``revenue_share``: total revenue and share of the total;
        - ``margin``, ``margin_share``: total margin and share of the total margin;
        - ``mean_order_value``: segment revenue / segment orders (0 when no order);
        - ``mean_clv``: mean CLV of the segment's clients (only with ``clv``; 0 for
          an empty segment).

    Raises
    ------
    ValidationError
        Segment ids missing from ``summary``, missing columns, NaN values.
    """
    check_finite(summary, ["n_orders", "total_revenue", "total_margin"], table="summary")
    if segments.isna().any():
        raise ValidationError(
            f"segments: {int(segments.isna().sum())} client(s) have no segment "
            f"(e.g. {segments.index[segments.isna()][:3].tolist()})"
        )
    missing = segments.index.difference(summary.index)
    if len(missing):
        raise ValidationError(
            f"summary: {len(missing)} segmented client(s) missing, e.g. {missing[:3].tolist()}"
        )
    frame = summary.loc[segments.index, ["n_orders", "total_revenue", "total_margin"]].astype(float)
    frame["segment"] = segments.to_numpy()
    if isinstance(segments.dtype, pd.CategoricalDtype):
        frame["segment"] = pd.Categorical(frame["segment"], dtype=segments.dtype)
    grouped = frame.groupby("segment", observed=False, sort=True)
    out = pd.DataFrame(
        {
            "clients": grouped.size().astype("int64"),
            "revenue": grouped["total_revenue"].sum(),
            "margin": grouped["total_margin"].sum(),
            "orders": grouped["n_orders"].sum(),
        }
    )
    out["client_share"] = out["clients"] / float(len(frame))
    out["revenue_share"] = _share(out["revenue"], float(frame["total_revenue"].sum()))
    out["margin_share"] = _share(out["margin"], float(frame["total_margin"].sum()))
    out["mean_order_value"] = np.where(
        out["orders"] > 0, out["revenue"] / out["orders"].where(out["orders"] > 0, 1.0), 0.0
    )
    columns = SEGMENT_SUMMARY_COLUMNS[:-1]
    if clv is not None:
        values: Any = as_value_series(clv, column=clv_col, table="clv")
        known = values.reindex(segments.index)
        per = known.groupby(frame["segment"].to_numpy(), observed=False).mean()
        out["mean_clv"] = per.reindex(out.index).fillna(0.0).to_numpy()
        columns = SEGMENT_SUMMARY_COLUMNS
    out.index.name = "segment"
    return out[columns]
