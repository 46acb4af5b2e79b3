"""Plots of churn prediction: gains/lift chart, calibration curve and feature importance."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.plotting._text import plain_text


def _axes(ax: Axes | None, size: tuple[float, float] = (6, 4.5)) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size)
    return new


def plot_gains(gains: Mapping[str, pd.DataFrame] | pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Cumulative gains chart: share of churners found against share of clients contacted.

    Parameters
    ----------
    gains : DataFrame or mapping of name to DataFrame
        Output(s) of :func:`~clientalytics.churn.gains_table`, e.g. one per model
        and baseline.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    tables = {"score": gains} if isinstance(gains, pd.DataFrame) else dict(gains)
    for name, table in tables.items():
        x = [0.0, *table["cumulative_share"].tolist()]
        y = [0.0, *table["cumulative_capture"].tolist()]
        ax.plot(x, y, marker="o", label=f"{name} (top-10% lift {table['lift'].iloc[0]:.2f})")
    ax.plot([0, 1], [0, 1], color="grey", ls="--", label="random")
    ax.set_xlabel("share of clients, highest risk first")
    ax.set_ylabel("share of churners captured")
    ax.set_title("Cumulative gains")
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(alpha=0.3)
    return plain_text(ax)


def plot_calibration(
    tables: Mapping[str, pd.DataFrame] | pd.DataFrame, *, ax: Axes | None = None
) -> Axes:
    """Calibration curve: observed churn rate against predicted probability.

    Parameters
    ----------
    tables : DataFrame or mapping of name to DataFrame
        Output(s) of :func:`~clientalytics.churn.calibration_table`.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    named = {"model": tables} if isinstance(tables, pd.DataFrame) else dict(tables)
    for name, table in named.items():
        ax.plot(table["mean_predicted"], table["observed_rate"], marker="o", label=name)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted churn probability")
    ax.set_ylabel("observed churn rate")
    ax.set_title("Calibration")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    return plain_text(ax)


def plot_feature_importance(
    importance: pd.DataFrame, *, top: int = 15, ax: Axes | None = None
) -> Axes:
    """Horizontal bars of permutation importance.

    Parameters
    ----------
    importance : pandas.DataFrame
        Output of :func:`~clientalytics.churn.churn_feature_importance`.
    top : int
        Number of features shown.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    shown = importance.head(top).iloc[::-1]
    ax = _axes(ax, (6, 0.3 * len(shown) + 1.5))
    ax.barh(
        shown.index.astype(str),
        shown["importance"],
        xerr=shown["importance_std"],
        color="#1f4e79",
    )
    ax.set_xlabel("drop in ROC AUC when shuffled")
    ax.set_title("Permutation importance")
    return plain_text(ax)
