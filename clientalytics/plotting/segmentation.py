"""Plots of the segmentation results: segments, R x F heatmap, Pareto curve, ABC x XYZ, pyramid."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.exceptions import ValidationError
from clientalytics.plotting._text import plain_text
from clientalytics.schema import require

_BLUE = "#1f4e79"
_ORANGE = "#d9822b"
_TIER_COLOURS = {"platinum": "#8e9aaf", "gold": "#d4a017", "iron": "#6b7b8c", "lead": "#3d3d3d"}


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size)
    return new


def _need(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    require(frame, what, columns)


def plot_segments(summary: pd.DataFrame, *, value: str = "revenue", ax: Axes | None = None) -> Axes:
    """Bar chart of each segment's share of clients next to its share of value.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`clientalytics.segmentation.segment_summary`.
    value : {"revenue", "margin"}
        Which value share to show beside the client share.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made otherwise.

    Returns
    -------
    matplotlib.axes.Axes
    """
    share = f"{value}_share"
    _need(summary, ["client_share", share], "segment summary")
    ax = _axes(ax, (9, 4))
    y = np.arange(len(summary))
    ax.barh(y - 0.2, summary["client_share"], height=0.4, color=_BLUE, label="clients")
    ax.barh(y + 0.2, summary[share], height=0.4, color=_ORANGE, label=value)
    ax.set_yticks(y, [str(i) for i in summary.index])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of total")
    ax.set_title(f"Segments: share of clients and of {value}")
    ax.legend(loc="lower right")
    return plain_text(ax)


def plot_rf_heatmap(
    scores: pd.DataFrame, *, value: str | None = None, ax: Axes | None = None
) -> Axes:
    """Heatmap of clients (or mean of a column) per R x F score cell.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`clientalytics.segmentation.rfm_scores`.
    value : str, optional
        Column of ``scores`` to average per cell (e.g. ``"monetary"``); by default
        the cell shows the number of clients.
    ax : matplotlib Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(scores, ["R", "F"] + ([value] if value else []), "rfm scores")
    bins = int(max(scores["R"].max(), scores["F"].max()))
    levels = list(range(1, bins + 1))
    if value is None:
        grid = pd.crosstab(scores["R"], scores["F"]).reindex(
            index=levels, columns=levels, fill_value=0
        )
        label = "clients"
    else:
        grid = scores.pivot_table(index="R", columns="F", values=value, aggfunc="mean").reindex(
            index=levels, columns=levels
        )
        label = f"mean {value}"
    ax = _axes(ax, (5.5, 4.5))
    data = grid.to_numpy(dtype=float)
    image = ax.imshow(data, origin="lower", cmap="Blues", aspect="auto")
    for (i, j), v in np.ndenumerate(data):
        if np.isfinite(v):
            text = f"{v:,.0f}"
            colour = "white" if v > np.nanmax(data) * 0.6 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(bins), [str(v) for v in levels])
    ax.set_yticks(range(bins), [str(v) for v in levels])
    ax.set_xlabel("F score")
    ax.set_ylabel("R score")
    ax.set_title(f"R x F: {label}")
    ax.figure.colorbar(image, ax=ax, label=label)
    return plain_text(ax)


def plot_pareto(
    abc: pd.DataFrame,
    *,
    thresholds: tuple[float, float] = (0.80, 0.95),
    ax: Axes | None = None,
) -> Axes:
    """Pareto (Lorenz) curve of value concentration with the ABC cut lines.

    Parameters
    ----------
    abc : pandas.DataFrame
        Output of :func:`clientalytics.segmentation.abc_classes`.
    thresholds : (float, float)
        Cumulative shares drawn as horizontal cut lines (those used for ``abc``).
    ax : matplotlib Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(abc, ["cumulative_share", "abc"], "abc classes")
    ax = _axes(ax, (6, 4.5))
    n = len(abc)
    x = np.concatenate([[0.0], np.arange(1, n + 1) / n])
    y = np.concatenate([[0.0], abc["cumulative_share"].to_numpy()])
    ax.plot(x, y, color=_BLUE, lw=2, label="cumulative share of value")
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="equal shares")
    for cut, name in zip(thresholds, ("A", "B"), strict=True):
        ax.axhline(cut, color=_ORANGE, ls="--", lw=1)
        last = abc["abc"].to_numpy() == name
        if last.any():
            k = int(np.flatnonzero(last)[-1]) + 1
            ax.axvline(k / n, color=_ORANGE, ls="--", lw=1)
            ax.annotate(
                f"{name}: {k / n:.0%} of clients",
                (k / n, cut),
                xytext=(5, -14),
                textcoords="offset points",
                fontsize=8,
            )
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of clients (largest first)")
    ax.set_ylabel("share of value")
    ax.set_title("Pareto curve with ABC cuts")
    ax.legend(loc="lower right")
    return plain_text(ax)


def plot_abc_xyz(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw the 3 x 3 ABC x XYZ matrix: clients and value share per cell.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Output of :func:`clientalytics.segmentation.abc_xyz_matrix`.
    ax : matplotlib Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(matrix, ["abc", "xyz", "clients", "value_share"], "abc x xyz matrix")
    grid = matrix.pivot_table(index="abc", columns="xyz", values="value_share", aggfunc="sum")
    grid = grid.reindex(index=["A", "B", "C"], columns=["X", "Y", "Z"], fill_value=0.0)
    counts = matrix.pivot_table(index="abc", columns="xyz", values="clients", aggfunc="sum")
    counts = counts.reindex(index=["A", "B", "C"], columns=["X", "Y", "Z"], fill_value=0)
    ax = _axes(ax, (5, 4.5))
    data = grid.to_numpy(dtype=float)
    n_clients = counts.to_numpy(dtype="int64")
    ax.imshow(data, cmap="Oranges", vmin=0, vmax=max(float(data.max()), 1e-9))
    for (i, j), v in np.ndenumerate(data):
        ax.text(
            j,
            i,
            f"{n_clients[i, j]} clients\n{v:.1%} of value",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if v > 0.6 * float(data.max()) else "black",
        )
    ax.set_xticks(range(3), ["X stable", "Y variable", "Z erratic"])
    ax.set_yticks(range(3), ["A", "B", "C"])
    ax.set_title("ABC x XYZ")
    return plain_text(ax)


def plot_pyramid(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw the customer pyramid: one bar per tier, narrowing to the top, labelled.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`clientalytics.segmentation.pyramid_summary`.
    ax : matplotlib Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(summary, ["clients", "client_share", "value_share"], "pyramid summary")
    ax = _axes(ax, (6, 4.5))
    tiers = list(summary.index)
    for level, tier in enumerate(reversed(tiers)):
        row = summary.loc[tier]
        width = 0.4 + 0.6 * (len(tiers) - level) / len(tiers)
        ax.barh(level, width, left=-width / 2, height=0.9, color=_TIER_COLOURS.get(tier, _BLUE))
        ax.text(
            0,
            level,
            f"{tier}\n{int(row['clients'])} clients ({row['client_share']:.0%}), "
            f"{row['value_share']:.0%} of value",
            ha="center",
            va="center",
            color="white",
            fontsize=8,
        )
    ax.set_xlim(-0.55, 0.55)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_title("Customer pyramid")
    for spine in ax.spines.values():
        spine.set_visible(False)
    return plain_text(ax)


def plot_golden(table: pd.DataFrame, *, top: int = 20, ax: Axes | None = None) -> Axes:
    """Stacked bars of each criterion's contribution to the score of the top clients.

    Parameters
    ----------
    table : pandas.DataFrame
        ``table`` of :func:`clientalytics.ranking.rank_golden_clients`.
    top : int
        Number of top-ranked clients shown.
    ax : matplotlib Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    parts = [c for c in table.columns if c.startswith("contrib_")]
    if not parts:
        raise ValidationError("golden ranking: no contrib_ columns; pass GoldenRanking.table")
    shown = table.head(top)
    ax = _axes(ax, (9, 4.5))
    left = np.zeros(len(shown))
    y = np.arange(len(shown))
    colours = plt.get_cmap("tab10")
    for k, col in enumerate(parts):
        values = shown[col].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colours(k), label=col.removeprefix("contrib_"))
        left += values
    ax.set_yticks(y, [str(i) for i in shown.index])
    ax.invert_yaxis()
    ax.set_xlabel("score")
    ax.set_title(f"Top {len(shown)} clients: what makes the score")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return plain_text(ax)
