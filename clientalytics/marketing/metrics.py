"""Best's marketing planning metrics: net marketing contribution, marketing ROS and ROI.

Roger Best (*Market-Based Management*) measures the profit a marketing strategy
earns after the money spent on marketing and selling:

* net marketing contribution, NMC (called NMS in some translations)
  = sales × gross margin % − marketing & sales expenses
  = market demand × market share × (revenue per customer − variable cost per
  customer) − marketing & sales expenses;
* marketing ROS = NMC / sales;
* marketing ROI = NMC / marketing & sales expenses (not (NMC − M&S) / M&S).

The functions here work on numbers or numpy arrays; :func:`marketing_metrics_table`
applies them to a table of segments.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import require_columns, require_finite

ArrayLike = float | npt.NDArray[np.float64] | pd.Series

__all__ = [
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "net_marketing_contribution",
    "nms",
    "segment_net_marketing_contribution",
]


def net_marketing_contribution(
    sales: ArrayLike, gross_margin_pct: ArrayLike, marketing_expenses: ArrayLike
) -> ArrayLike:
    """Net marketing contribution: sales × gross margin − marketing & sales expenses.

    Parameters
    ----------
    sales : float or array
        Sales (revenue) of the product, segment or client group.
    gross_margin_pct : float or array
        Gross margin as a fraction of sales (0.40 for 40 %).
    marketing_expenses : float or array
        Marketing and sales expenses spent on it.

    Returns
    -------
    float or array
        NMC in the currency of ``sales``.

    Examples
    --------
    Best's Santa Fe Sportswear, first segment ($M):

    >>> round(net_marketing_contribution(56.7, 0.40, 7.0), 2)
    15.68
    """
    return sales * gross_margin_pct - marketing_expenses


#: Short alias: NMS is the name the Russian edition of Best uses for NMC.
nms = net_marketing_contribution


def segment_net_marketing_contribution(
    market_demand: ArrayLike,
    market_share: ArrayLike,
    revenue_per_customer: ArrayLike,
    variable_cost_per_customer: ArrayLike,
    marketing_expenses: ArrayLike,
) -> ArrayLike:
    """Segment form of NMC: demand × share × (revenue − variable cost per customer) − M&S.

    Parameters
    ----------
    market_demand : float or array
        Number of customers in the segment (the market's demand).
    market_share : float or array
        Share of those customers the firm serves (0-1).
    revenue_per_customer : float or array
        Revenue per customer served.
    variable_cost_per_customer : float or array
        Variable cost per customer served.
    marketing_expenses : float or array
        Marketing and sales expenses on the segment.

    Returns
    -------
    float or array
        NMC of the segment.

    Examples
    --------
    >>> segment_net_marketing_contribution(1000, 0.2, 500.0, 300.0, 10_000.0)
    30000.0
    """
    return (
        market_demand * market_share * (revenue_per_customer - variable_cost_per_customer)
        - marketing_expenses
    )


def marketing_ros(nmc: ArrayLike, sales: ArrayLike) -> ArrayLike:
    """Marketing return on sales: NMC / sales.

    Parameters
    ----------
    nmc : float or array
        Net marketing contribution.
    sales : float or array
        Sales; must be non-zero.

    Returns
    -------
    float or array
        Fraction (0.277 for 27.7 %).
    """
    _require_nonzero(sales, "sales")
    return nmc / sales


def marketing_roi(nmc: ArrayLike, marketing_expenses: ArrayLike) -> ArrayLike:
    """Marketing return on investment: NMC / marketing & sales expenses.

    Parameters
    ----------
    nmc : float or array
        Net marketing contribution (already net of the expenses).
    marketing_expenses : float or array
        Marketing and sales expenses; must be non-zero.

    Returns
    -------
    float or array
        Fraction (2.24 for 224 %).
    """
    _require_nonzero(marketing_expenses, "marketing_expenses")
    return nmc / marketing_expenses


def _require_nonzero(values: ArrayLike, name: str) -> None:
    arr = np.atleast_1d(np.asarray(values, dtype="float64"))
    if (arr == 0).any():
        raise ValidationError(
            f"{name} is zero in {int((arr == 0).sum())} place(s); the ratio is undefined there"
        )


def marketing_metrics_table(
    segments: pd.DataFrame,
    *,
    sales_col: str = "sales",
    gross_margin_pct_col: str = "gross_margin_pct",
    marketing_expenses_col: str = "marketing_expenses",
    total: bool = True,
) -> pd.DataFrame:
    """NMC, marketing ROS and ROI for each row of a table of segments, plus a total.

    Parameters
    ----------
    segments : DataFrame
        One row per segment (index = segment name) with sales, gross margin as a
        fraction of sales and marketing & sales expenses.
    sales_col, gross_margin_pct_col, marketing_expenses_col : str
        Names of those columns.
    total : bool, default True
        Append a ``"total"`` row; its gross margin % is the sales-weighted mean.

    Returns
    -------
    DataFrame
        Indexed like ``segments`` (plus ``"total"``), columns:

        - ``sales``: sales;
        - ``gross_margin``: sales × gross margin %;
        - ``gross_margin_pct``: gross margin as a fraction of sales;
        - ``marketing_expenses``: marketing & sales expenses;
        - ``nmc``: net marketing contribution;
        - ``marketing_ros``: NMC / sales (NaN where sales are 0: undefined);
        - ``marketing_roi``: NMC / expenses (NaN where expenses are 0: undefined).
    """
    cols = [sales_col, gross_margin_pct_col, marketing_expenses_col]
    require_columns(segments, "segments", cols)
    require_finite(segments, "segments", cols)
    out = pd.DataFrame(index=segments.index.copy())
    out["sales"] = segments[sales_col].astype("float64")
    out["gross_margin"] = out["sales"] * segments[gross_margin_pct_col].astype("float64")
    out["marketing_expenses"] = segments[marketing_expenses_col].astype("float64")
    if total:
        out.loc["total"] = out.sum(axis=0)
    return finish_metrics(out)


def finish_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``gross_margin_pct``, ``nmc``, ``marketing_ros`` and ``marketing_roi`` columns.

    ``frame`` must hold ``sales``, ``gross_margin`` and ``marketing_expenses``.
    Ratios whose denominator is zero are NaN (undefined), never infinite.
    """
    out = frame.copy()
    sales = out["sales"].astype("float64")
    spend = out["marketing_expenses"].astype("float64")
    out["nmc"] = out["gross_margin"] - spend
    out["gross_margin_pct"] = (out["gross_margin"] / sales).where(sales != 0)
    out["marketing_ros"] = (out["nmc"] / sales).where(sales != 0)
    out["marketing_roi"] = (out["nmc"] / spend).where(spend != 0)
    order = ["sales", "gross_margin", "gross_margin_pct", "marketing_expenses", "nmc"]
    rest = [c for c in out.columns if c not in [*order, "marketing_ros", "marketing_roi"]]
    return out[[*order, "marketing_ros", "marketing_roi", *rest]]
