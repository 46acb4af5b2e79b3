"""Plots of manager performance: scorecard metric by manager, workload before and after."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.exceptions import ValidationError
from clientalytics.managers.redistribution import RedistributionResult
from clientalytics.managers.small_groups import (
    DEFAULT_BASE,
    METRIC_BASE,
    MIN_CLIENTS,
    MIN_RESPONSES,
    rank_managers,
)
from clientalytics.plotting._text import plain_text

__all__ = ["plot_redistribution", "plot_scorecard"]


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_scorecard(
    scorecard: pd.DataFrame,
    *,
    metric: str = "retention_rate",
    period: pd.Timestamp | str | None = None,
    target: float | None = None,
    min_clients: int = MIN_CLIENTS,
    min_responses: int = MIN_RESPONSES,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of one scorecard metric per manager for one period, best first.

    Only the managers :func:`clientalytics.managers.rank_managers` ranks are drawn
    (groups of at least ``min_clients`` clients or ``min_responses`` answers); the
    number left out for lack of data is ``(~rank_managers(...)["enough_data"]).sum()``,
    which the caller states next to the chart. A frame without the
    metric's group-size column (see :data:`clientalytics.managers.small_groups.METRIC_BASE`)
    has every defined value drawn. Where the scorecard
    gives an interval (retention, churn, NPS), it is drawn as an error bar.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        Output of :func:`clientalytics.managers.manager_scorecard`.
    metric : str
        Column to draw.
    period : timestamp, optional
        Period to draw; defaults to the latest.
    target : float, optional
        KPI target drawn as a horizontal line; bars meeting it are dark.
    min_clients, min_responses : int
        Smallest groups drawn, see :func:`clientalytics.managers.rank_managers`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if metric not in scorecard.columns:
        raise ValidationError(f"scorecard: no column {metric!r}")
    base_col = METRIC_BASE.get(metric, DEFAULT_BASE)[0]
    if base_col not in scorecard.columns:
        # a frame without group sizes (not from manager_scorecard): every value is drawn
        scorecard = scorecard.assign(**{base_col: np.inf})
    ranking = rank_managers(
        scorecard,
        metric=metric,
        period=period,
        min_clients=min_clients,
        min_responses=min_responses,
    )
    when = pd.Timestamp(ranking["period"].iloc[0])
    rows = ranking[ranking["enough_data"]]
    ax = _axes(ax)
    values = rows["value"].astype(float).to_numpy()
    colors: str | list[str] = "#1f4e79"
    if target is not None:
        lower = metric in ("churn_rate", "median_response_hours")
        met = values <= target if lower else values >= target
        colors = np.where(met, "#1f4e79", "#9dc3e6").tolist()
        ax.axhline(target, color="#c00000", linestyle="--", label=f"target {target:g}")
        ax.legend()
    ax.bar(rows["manager_id"].astype(str), values, color=colors)
    low, high = rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float)
    if len(rows) and np.isfinite(low).any():
        err = np.vstack([np.maximum(values - low, 0), np.maximum(high - values, 0)])
        ax.errorbar(
            rows["manager_id"].astype(str), values, yerr=np.nan_to_num(err), fmt="none",
            ecolor="#404040", capsize=3,
        )  # fmt: skip
    ax.set_title(f"{metric.replace('_', ' ')} by manager, period from {when.date()}")
    ax.set_ylabel(metric)
    ax.tick_params(axis="x", rotation=60)
    return plain_text(ax)


def plot_redistribution(
    result: RedistributionResult, *, quantity: str = "workload", ax: Axes | None = None
) -> Axes:
    """Draw each manager's workload (or value) before and after, with fair shares.

    Parameters
    ----------
    result : RedistributionResult
        Output of :func:`clientalytics.managers.redistribute_portfolio`.
    quantity : {"workload", "value", "n_clients"}
        What to compare.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if quantity not in ("workload", "value", "n_clients"):
        raise ValidationError(f"quantity must be workload, value or n_clients, got {quantity!r}")
    ax = _axes(ax)
    before, after = result.before, result.after
    x = np.arange(len(before))
    ax.bar(x - 0.2, before[quantity], width=0.4, color="#9dc3e6", label="before")
    ax.bar(x + 0.2, after[quantity], width=0.4, color="#1f4e79", label="after")
    if quantity == "workload":
        ax.scatter(
            x,
            after["workload_share_target"],
            color="#c00000",
            marker="_",
            s=300,
            label="fair share",
            zorder=3,
        )
    if quantity == "n_clients":
        ax.scatter(
            x, after["capacity"], color="#c00000", marker="_", s=300, label="capacity", zorder=3
        )
    ax.set_xticks(x, before["manager_id"].astype(str), rotation=60)
    ax.set_ylabel(quantity.replace("_", " "))
    ax.set_title(f"{quantity.replace('_', ' ')} per manager: {result.n_moves} move(s)")
    ax.legend()
    return plain_text(ax)
