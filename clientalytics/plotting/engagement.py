"""Plots of service and engagement: request times, renewals, contact frequency, expectation gaps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.engagement.contact_frequency import ContactSaturation
from clientalytics.exceptions import ValidationError
from clientalytics.plotting._text import plain_text

__all__ = [
    "plot_contact_loyalty",
    "plot_expectation_gaps",
    "plot_renewal_pipeline",
    "plot_request_times",
]


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_request_times(
    times: pd.DataFrame,
    *,
    column: str = "first_response_hours",
    by: str = "channel",
    ax: Axes | None = None,
) -> Axes:
    """Box plots of request response (or quote) times by group.

    Parameters
    ----------
    times : pandas.DataFrame
        Output of :func:`clientalytics.engagement.request_times`.
    column : {"first_response_hours", "quote_hours"}
        Time to draw; requests without it are not drawn.
    by : str
        Grouping column.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    for col in (column, by):
        if col not in times.columns:
            raise ValidationError(f"times: no column {col!r}")
    ax = _axes(ax)
    groups = times[by].astype("string").fillna("(missing)").astype(str)
    labels = sorted(groups.unique())
    data = [times.loc[groups == g, column].dropna().to_numpy() for g in labels]
    ax.boxplot(data, showfliers=False)
    ax.set_xticks(np.arange(1, len(labels) + 1), labels)
    ax.set_ylabel(column.replace("_", " "))
    ax.set_title(f"{column.replace('_', ' ')} by {by} (outliers hidden)")
    return plain_text(ax)


def plot_renewal_pipeline(pipeline: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Timeline of contracts coming up for renewal: expiry date against annual value.

    Parameters
    ----------
    pipeline : pandas.DataFrame
        Output of :func:`clientalytics.engagement.renewal_pipeline`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    started = pipeline["renewal_started"].astype(bool)
    for mask, color, label in (
        (started, "#1f4e79", "renewal started"),
        (~started, "#c00000", "no renewal yet"),
    ):
        part = pipeline[mask]
        ax.vlines(part["expiry_date"], 0, part["annual_value"], color=color, alpha=0.6)
        ax.scatter(part["expiry_date"], part["annual_value"], color=color, label=label, s=18)
    ax.set_ylabel("annual value")
    ax.set_title(f"Renewal pipeline: {len(pipeline)} contract(s) expiring")
    ax.legend()
    ax.tick_params(axis="x", rotation=30)
    return plain_text(ax)


def plot_contact_loyalty(
    bands: pd.DataFrame,
    model: ContactSaturation | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Retention by contact frequency, with the fitted hinge curve and saturation point.

    Parameters
    ----------
    bands : pandas.DataFrame
        Output of :func:`clientalytics.engagement.contact_frequency_bands`
        (``mean_contacts``, ``retention_rate``, ``std_error``).
    model : ContactSaturation, optional
        Fitted model; draws its curve, breakpoint and bootstrap interval.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    shown = bands[bands["n"] > 0]
    ax.errorbar(
        shown["mean_contacts"],
        shown["retention_rate"],
        yerr=1.96 * shown["std_error"],
        fmt="o",
        color="#1f4e79",
        capsize=3,
        label="band (95% interval)",
    )
    for _, row in shown.iterrows():
        ax.annotate(
            str(row["band"]),
            (row["mean_contacts"], row["retention_rate"]),
            textcoords="offset points",
            xytext=(4, 6),
            fontsize=8,
        )
    if model is not None:
        grid = np.linspace(0, float(shown["mean_contacts"].max()), 200)
        ax.plot(grid, model.predict(grid), color="#c00000", label="hinge fit")
        lo, hi = model.breakpoint_ci_
        ax.axvspan(lo, hi, color="#c00000", alpha=0.1, label="breakpoint interval")
        ax.axvline(
            model.breakpoint_,
            color="#c00000",
            linestyle="--",
            label=f"saturation at {model.breakpoint_:g}",
        )
    ax.set_xlabel("contacts per period")
    ax.set_ylabel("share buying next period")
    ax.set_title("Contact frequency vs loyalty")
    ax.legend(fontsize=8)
    return plain_text(ax)


def plot_expectation_gaps(gaps: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Dumbbell chart of expected vs perceived score per service dimension.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`clientalytics.engagement.expectation_gaps` without a
        grouping column (one row per dimension).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if gaps["dimension"].duplicated().any():
        raise ValidationError("gaps: one row per dimension expected; filter one group first")
    ax = _axes(ax, (7, 0.5 * len(gaps) + 1.5))
    rows = gaps.sort_values("gap", ascending=False)
    y = np.arange(len(rows))
    ax.hlines(y, rows["mean_expected"], rows["mean_perceived"], color="#7f7f7f")
    ax.scatter(rows["mean_expected"], y, color="#7f7f7f", label="expected", zorder=3)
    ax.scatter(
        rows["mean_perceived"],
        y,
        color=np.where(rows["gap"] < 0, "#c00000", "#1f4e79"),
        label="perceived",
        zorder=3,
    )
    ax.set_yticks(y, rows["dimension"].astype(str))
    ax.set_xlabel("mean score (0-10)")
    ax.set_title("Expected vs perceived service (red: below expectation)")
    ax.legend()
    return plain_text(ax)
