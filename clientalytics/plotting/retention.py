"""Plots of retention: coefficients over time, cohort heatmap and survival curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.exceptions import ValidationError
from clientalytics.plotting._text import plain_text


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size)
    return new


def plot_retention_over_time(
    coefficients: pd.DataFrame,
    *,
    metrics: tuple[str, ...] = ("retention_rate", "churn_rate", "grr"),
    group: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Line chart of retention coefficients per period.

    Parameters
    ----------
    coefficients : pandas.DataFrame
        Output of :func:`~clientalytics.retention.retention_coefficients`.
    metrics : tuple of str
        Rate columns to draw.
    group : str, optional
        Group to draw; by default every group, one line per group and metric.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValidationError
        A metric column is missing, or there is no row to draw. Undefined rates
        (NaN) leave gaps in their line.
    """
    missing = [m for m in metrics if m not in coefficients.columns]
    if missing:
        raise ValidationError(f"coefficients: no column(s) {missing}")
    rows = coefficients if group is None else coefficients[coefficients["group"] == group]
    if rows.empty:
        where = "" if group is None else f" for group {group!r}"
        raise ValidationError(
            f"coefficients: no period to draw{where} (retention needs a complete period "
            "with clients active at its start)"
        )
    ax = _axes(ax)
    for name, part in rows.groupby("group", sort=True):
        for metric in metrics:
            label = metric if rows["group"].nunique() == 1 else f"{name}: {metric}"
            ax.plot(part["period"], part[metric], marker="o", label=label)
    values = rows[list(metrics)].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    ax.set_ylim(0, max(1.05, top * 1.05))
    ax.set_ylabel("rate")
    ax.set_title("Retention and churn by period")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return plain_text(ax)


def plot_cohort_heatmap(
    matrix: pd.DataFrame, *, title: str = "Share of the cohort buying", ax: Axes | None = None
) -> Axes:
    """Heatmap of a cohort x age matrix.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Output of :func:`~clientalytics.retention.cohort_matrix` (rows cohorts,
        columns ages; NaN cells are left blank).
    title : str
        Chart title.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, max(3.0, 0.3 * len(matrix) + 1)))
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap="Blues")
    ax.figure.colorbar(image, ax=ax, fraction=0.03)
    labels = [c.strftime("%Y-%m") if isinstance(c, pd.Timestamp) else str(c) for c in matrix.index]
    step = max(1, len(labels) // 12)
    ax.set_yticks(range(0, len(labels), step), labels[::step])
    ax.set_xlabel("periods since acquisition")
    ax.set_ylabel("cohort")
    ax.set_title(title)
    return plain_text(ax)


def plot_survival_curves(
    curve: pd.DataFrame, *, band: bool = True, unit: str = "months", ax: Axes | None = None
) -> Axes:
    """Kaplan-Meier step curves per group, with confidence bands.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`~clientalytics.retention.survival_curve`.
    band : bool
        Whether to shade the confidence band.
    unit : str
        Label of the time axis.
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    for name, part in curve.groupby("group", sort=True):
        (line,) = ax.step(part["time"], part["survival"], where="post", label=str(name))
        if band:
            ax.fill_between(
                part["time"],
                part["lower"],
                part["upper"],
                step="post",
                alpha=0.2,
                color=line.get_color(),
            )
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"lifetime ({unit})")
    ax.set_ylabel("share of clients still active")
    ax.set_title("Client survival (Kaplan-Meier)")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    return plain_text(ax)
