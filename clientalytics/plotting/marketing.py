"""Plots of marketing economics: NMC waterfall, metrics by segment, response curves, strategies."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.response import ResponseCurve
from clientalytics.plotting._text import plain_text

__all__ = [
    "plot_metrics_by_segment",
    "plot_nmc_waterfall",
    "plot_response_curves",
    "plot_strategy_comparison",
]


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def plot_nmc_waterfall(
    metrics: pd.DataFrame | pd.Series, *, row: str = "total", ax: Axes | None = None
) -> Axes:
    """Draw the waterfall from sales to net marketing contribution.

    Parameters
    ----------
    metrics : DataFrame or Series
        A metrics table (:func:`marketing_metrics`, :func:`marketing_metrics_table`)
        or one of its rows.
    row : str, default "total"
        Row of the table to draw.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    values = metrics.loc[[row]].iloc[0] if isinstance(metrics, pd.DataFrame) else metrics
    sales, margin, spend = (
        float(v) for v in values[["sales", "gross_margin", "marketing_expenses"]].to_numpy()
    )
    nmc = margin - spend
    ax = _axes(ax)
    labels = ["Sales", "Variable cost", "Gross margin", "Marketing & sales", "NMC"]
    bottoms = [0.0, margin, 0.0, nmc, 0.0]
    heights = [sales, sales - margin, margin, spend, nmc]
    colors = ["#1f4e79", "#c0392b", "#2e86c1", "#c0392b", "#27ae60" if nmc >= 0 else "#c0392b"]
    ax.bar(labels, heights, bottom=bottoms, color=colors)
    for i, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        ax.annotate(f"{h:,.0f}", (i, b + h), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("Amount")
    ax.set_title("From sales to net marketing contribution")
    return plain_text(ax)


def plot_metrics_by_segment(metrics: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw NMC per segment as bars, with marketing ROI (%) on a second axis.

    Parameters
    ----------
    metrics : DataFrame
        A metrics table by segment, channel or group; the ``total`` row is left out.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The NMC axes (the ROI axes is its twin).
    """
    table = metrics.drop(index="total", errors="ignore")
    if table.empty:
        raise ValidationError("the metrics table has no rows besides the total")
    ax = _axes(ax)
    x = np.arange(len(table))
    colors = ["#27ae60" if v >= 0 else "#c0392b" for v in table["nmc"]]
    ax.bar(x, table["nmc"], color=colors)
    ax.set_xticks(x, [str(i) for i in table.index], rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("NMC")
    twin = ax.twinx()
    roi = table["marketing_roi"] * 100
    twin.plot(x, roi, "o", color="#1f4e79", label="marketing ROI, %")
    twin.set_ylabel("Marketing ROI, %")
    ax.set_title("Net marketing contribution and ROI by group")
    return plain_text(ax)


def plot_response_curves(
    curves: Mapping[str, ResponseCurve],
    *,
    max_spend: float,
    points: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw response curves, optionally with the history points they were fitted to.

    Parameters
    ----------
    curves : mapping
        Label -> curve.
    max_spend : float
        Right end of the spend axis (spend per head).
    points : DataFrame, optional
        History points with ``spend_per_head``, ``rate`` and a ``label`` column
        matching the curve labels.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    ax = _axes(ax)
    grid = np.linspace(0.0, max_spend, 200)
    for label, curve in curves.items():
        (line,) = ax.plot(grid, curve.rate(grid), label=label)
        if points is not None:
            pts = points.loc[points["label"] == label]
            ax.scatter(pts["spend_per_head"], pts["rate"], color=line.get_color(), s=12)
    ax.set_xlabel("Spend per head per period")
    ax.set_ylabel("Rate")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("Acquisition and retention response to spending")
    return plain_text(ax)


def plot_strategy_comparison(
    comparison: pd.DataFrame,
    *,
    metrics: tuple[str, ...] = ("customer_equity", "nmc"),
    ax: Axes | None = None,
) -> Axes:
    """Draw grouped bars comparing strategies on customer equity and NMC.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`compare_strategies`.
    metrics : tuple of str
        Columns to draw side by side.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    missing = [m for m in metrics if m not in comparison.columns]
    if missing:
        raise ValidationError(f"comparison lacks column(s) {missing}")
    ax = _axes(ax)
    x = np.arange(len(comparison))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        ax.bar(x + (i - (len(metrics) - 1) / 2) * width, comparison[m], width, label=m)
    ax.set_xticks(x, [str(i) for i in comparison.index], rotation=20, ha="right")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.legend(fontsize=8)
    ax.set_title("Investment strategies over the horizon")
    return plain_text(ax)
