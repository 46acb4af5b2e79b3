"""Plots of purchase regularity: timing patterns and Wheat & Morrison's statistic.

They support the choice between Poisson purchasing (BG/NBD, Pareto/NBD) and regular,
Erlang-k purchasing (:class:`~clientalytics.clv.BetaGeoCNBDModel`,
:class:`~clientalytics.clv.ModifiedBetaGeoCNBDModel`).
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy.stats import beta as beta_dist

from clientalytics.clv.regularity import regularity_from_statistics
from clientalytics.exceptions import ValidationError
from clientalytics.schema import require


def _axes(ax: Axes | None, size: tuple[float, float] = (7, 4.5)) -> Axes:
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=size)
    return new_ax


def plot_timing_patterns(
    transactions: pd.DataFrame,
    *,
    n_clients: int = 30,
    calibration_end: pd.Timestamp | str | dt.date | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    random_state: int | np.random.Generator | None = 0,
    ax: Axes | None = None,
) -> Axes:
    """Draw the purchase dates of a random sample of clients, one line per client.

    Regular buyers show evenly spaced dots; Poisson buyers show clumps and long gaps.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order with a client id and a date (datetime) column.
    n_clients : int, default 30
        Number of clients drawn (all of them when there are fewer).
    calibration_end : timestamp, optional
        Draws a vertical line there, and purchases after it in another colour.
    client_col, date_col : str
        Names of the client id and date columns.
    random_state : int or numpy.random.Generator, optional
        Seed of the sample of clients.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require(transactions, "transactions", [client_col, date_col])
    if n_clients < 1:
        raise ValidationError(f"n_clients must be >= 1, got {n_clients}")
    dates = pd.to_datetime(transactions[date_col])
    ids = transactions[client_col].astype(str)
    clients = np.sort(ids.unique())
    rng = np.random.default_rng(random_state)
    chosen = clients if len(clients) <= n_clients else rng.choice(clients, n_clients, False)
    firsts = dates.groupby(ids).min().loc[chosen].sort_values()
    end = dates.max()
    cut = None if calibration_end is None else pd.Timestamp(calibration_end)
    ax = _axes(ax)
    for row, client in enumerate(firsts.index):
        mine = dates[(ids == client).to_numpy()].sort_values()
        span = mdates.date2num([mine.iloc[0], end])
        ax.hlines(row, span[0], span[1], color="0.8", linewidth=0.8, zorder=1)
        early = mine if cut is None else mine[mine <= cut]
        ax.scatter(early, np.full(len(early), row), s=9, color="C0", zorder=2)
        if cut is not None:
            late = mine[mine > cut]
            ax.scatter(late, np.full(len(late), row), s=9, color="C1", zorder=2)
    if cut is not None:
        ax.axvline(float(mdates.date2num(cut)), color="0.3", linestyle="--", linewidth=1)
    ax.set_yticks([])
    ax.set_ylabel(f"{len(firsts)} clients, by first purchase")
    ax.set_xlabel("purchase date")
    ax.set_title("Timing patterns")
    return ax


def plot_wheat_morrison(statistics: pd.Series, *, bins: int = 20, ax: Axes | None = None) -> Axes:
    """Histogram of Wheat & Morrison's ``M`` against its density for exponential and Erlang-2 gaps.

    ``M = g1 / (g1 + g2)`` of each client's last two gaps is Beta(k, k) when the
    gaps are gamma(k): flat for Poisson purchasing (k = 1), peaked at 0.5 for
    regular purchasing. The legend gives the estimated ``k``.

    Parameters
    ----------
    statistics : pandas.Series
        Output of :func:`clientalytics.clv.regularity.wheat_morrison_statistics`.
    bins : int, default 20
        Histogram bins on [0, 1].
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
    """
    values = np.asarray(statistics, dtype=np.float64)
    k = regularity_from_statistics(values)
    ax = _axes(ax)
    ax.hist(values, bins=bins, range=(0, 1), density=True, color="0.75", label="clients")
    grid = np.linspace(0.001, 0.999, 200)
    ax.plot(grid, beta_dist.pdf(grid, 1, 1), color="C0", label="exponential gaps (k = 1)")
    ax.plot(grid, beta_dist.pdf(grid, 2, 2), color="C1", label="Erlang-2 gaps (k = 2)")
    if np.isfinite(k) and k > 0:
        ax.plot(grid, beta_dist.pdf(grid, k, k), color="C3", linestyle="--", label=f"k = {k:.2f}")
    ax.set_xlabel("M = last-but-one gap / sum of the last two gaps")
    ax.set_ylabel("density")
    ax.set_title("Regularity of inter-purchase times (Wheat & Morrison)")
    ax.legend(loc="upper left", fontsize="small")
    return ax
