"""Plots of the lifetime-value models.

Every function draws a result table from :mod:`clientalytics.clv` on a matplotlib
``Axes`` (a new figure when ``ax`` is omitted) and returns the ``Axes``. The
diagnostic plots also take a fitted transaction model directly (plus the summary or
transactions the table needs) and build the table themselves.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientalytics.clv.base import TransactionModel
from clientalytics.exceptions import ValidationError
from clientalytics.plotting._text import plain_text
from clientalytics.schema import require


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=(7, 4.5))
    return new_ax


def _need(table: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    require(table, what, columns)


def _heatmap(matrix: pd.DataFrame, ax: Axes | None, title: str, label: str) -> Axes:
    ax = _axes(ax)
    values = np.ma.masked_invalid(matrix.to_numpy(dtype=np.float64))
    image = ax.imshow(values, aspect="auto", origin="upper", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=label)
    n_rec, n_freq = values.shape
    ax.set_xlabel("frequency (repeat purchases)")
    ax.set_ylabel("recency (time of last purchase)")
    xt = np.linspace(0, n_freq - 1, min(n_freq, 8)).round().astype(int)
    yt = np.linspace(0, n_rec - 1, min(n_rec, 8)).round().astype(int)
    ax.set_xticks(xt, [str(matrix.columns[i]) for i in xt])
    ax.set_yticks(yt, [f"{matrix.index[i]:g}" for i in yt])
    ax.set_title(title)
    return ax


def _frame(source: object, what: str) -> pd.DataFrame:
    if not isinstance(source, pd.DataFrame):
        raise ValidationError(
            f"{what}: expected a fitted transaction model or a DataFrame, "
            f"got {type(source).__name__}"
        )
    return source


def plot_frequency_recency_matrix(
    matrix: pd.DataFrame | TransactionModel, *, t: float = 1.0, ax: Axes | None = None
) -> Axes:
    """Heat map of expected future purchases by frequency and recency.

    Parameters
    ----------
    matrix : pandas.DataFrame or TransactionModel
        Output of :func:`clientalytics.clv.frequency_recency_matrix`, or a fitted
        model, for which that table is computed with horizon ``t``.
    t : float, default 1.0
        Horizon, in the model's time unit, when a model is given.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(matrix, TransactionModel):
        from clientalytics.clv.diagnostics import frequency_recency_matrix

        matrix = frequency_recency_matrix(matrix, t=t)
    matrix = _frame(matrix, "plot_frequency_recency_matrix")
    return plain_text(_heatmap(matrix, ax, "Expected purchases by history", "expected purchases"))


def plot_probability_alive_matrix(
    matrix: pd.DataFrame | TransactionModel, *, ax: Axes | None = None
) -> Axes:
    """Heat map of the probability that a client is alive, by frequency and recency.

    Parameters
    ----------
    matrix : pandas.DataFrame or TransactionModel
        Output of :func:`clientalytics.clv.probability_alive_matrix`, or a fitted
        model, for which that table is computed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(matrix, TransactionModel):
        from clientalytics.clv.diagnostics import probability_alive_matrix

        matrix = probability_alive_matrix(matrix)
    matrix = _frame(matrix, "plot_probability_alive_matrix")
    return plain_text(_heatmap(matrix, ax, "Probability alive by history", "P(alive)"))


def plot_period_transactions(
    table: pd.DataFrame | TransactionModel,
    summary: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of clients by number of repeat purchases, actual vs model.

    Parameters
    ----------
    table : pandas.DataFrame or TransactionModel
        Output of :func:`clientalytics.clv.period_transactions`, or a fitted model.
    summary : pandas.DataFrame, optional
        The client summary, required with a model (the table is then
        ``period_transactions(model, summary)``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(table, TransactionModel):
        from clientalytics.clv.diagnostics import period_transactions

        if summary is None:
            raise ValidationError("plot_period_transactions(model, summary): pass the summary")
        table = period_transactions(table, summary)
    table = _frame(table, "plot_period_transactions")
    _need(table, ("actual", "model"), "plot_period_transactions")
    ax = _axes(ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"], width=0.4, label="actual")
    ax.bar(x + 0.2, table["model"], width=0.4, label="model")
    labels = [str(i) for i in table.index]
    labels[-1] = f"{labels[-1]}+"
    ax.set_xticks(x, labels)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("clients")
    ax.set_title("Clients by number of repeat purchases")
    ax.legend()
    return plain_text(ax)


def plot_calibration_holdout(
    predictions: pd.DataFrame, *, max_frequency: int = 7, ax: Axes | None = None
) -> Axes:
    """Mean actual vs predicted holdout purchases, by calibration-period frequency.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`clientalytics.clv.holdout_predictions`; needs the column
        ``frequency_cal`` added back (``predictions.join(data["frequency_cal"])``) or
        present in ``predictions``.
    max_frequency : int, default 7
        Frequencies at or above this value are pooled.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(
        predictions,
        ("frequency_cal", "actual_purchases", "predicted_purchases"),
        "plot_calibration_holdout",
    )
    ax = _axes(ax)
    bucket = np.minimum(predictions["frequency_cal"].to_numpy(), max_frequency).astype(int)
    grouped = predictions.groupby(bucket)[["actual_purchases", "predicted_purchases"]].mean()
    ax.plot(grouped.index, grouped["actual_purchases"], marker="o", label="actual")
    ax.plot(grouped.index, grouped["predicted_purchases"], marker="s", label="model")
    ax.set_xlabel(f"repeat purchases in calibration period ({max_frequency} = {max_frequency}+)")
    ax.set_ylabel("mean purchases in holdout period")
    ax.set_title("Calibration vs holdout")
    ax.legend()
    return plain_text(ax)


def plot_cumulative_transactions(
    table: pd.DataFrame | TransactionModel,
    transactions: pd.DataFrame | None = None,
    *,
    observation_end: pd.Timestamp | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Line chart of cumulative repeat purchases over time, actual vs model.

    Parameters
    ----------
    table : pandas.DataFrame or TransactionModel
        Output of :func:`clientalytics.clv.cumulative_transactions`, or a fitted
        model (with ``time_unit_`` set by its ``fit``).
    transactions : pandas.DataFrame, optional
        Purchases (``client_id``, ``date``), required with a model.
    observation_end : pandas.Timestamp, optional
        Last date tracked, with a model (default: the last purchase).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(table, TransactionModel):
        from clientalytics.clv.diagnostics import cumulative_transactions

        if transactions is None:
            raise ValidationError(
                "plot_cumulative_transactions(model, transactions): pass the transactions"
            )
        table = cumulative_transactions(table, transactions, observation_end=observation_end)
    table = _frame(table, "plot_cumulative_transactions")
    _need(table, ("period_start", "actual", "model"), "plot_cumulative_transactions")
    ax = _axes(ax)
    ax.plot(table["period_start"], table["actual"], label="actual")
    ax.plot(table["period_start"], table["model"], linestyle="--", label="model")
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    ax.set_xlabel("period")
    ax.set_ylabel("cumulative repeat purchases")
    ax.set_title("Tracking cumulative repeat purchases")
    ax.legend()
    return plain_text(ax)


def plot_clv_distribution(
    clv: pd.DataFrame | pd.Series, *, bins: int = 50, ax: Axes | None = None
) -> Axes:
    """Histogram of CLV across clients with the mean and median marked.

    Parameters
    ----------
    clv : pandas.DataFrame or pandas.Series
        Output of :func:`clientalytics.clv.customer_lifetime_value` (column ``clv``)
        or a Series of CLV values.
    bins : int, default 50
        Number of histogram bins.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    values = clv["clv"] if isinstance(clv, pd.DataFrame) else clv
    ax = _axes(ax)
    ax.hist(values.to_numpy(dtype=np.float64), bins=bins)
    ax.axvline(float(values.mean()), color="black", linestyle="--", label="mean")
    ax.axvline(float(values.median()), color="grey", linestyle=":", label="median")
    ax.set_xlabel("CLV")
    ax.set_ylabel("clients")
    ax.set_title("Distribution of customer lifetime value")
    ax.legend()
    return plain_text(ax)


def plot_survival_projection(
    projection: pd.DataFrame,
    *,
    actual: pd.Series | np.ndarray | list[float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Projected share of a contract cohort still active, with observed shares.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :meth:`clientalytics.clv.ShiftedBetaGeometricModel.project`.
    actual : array-like, optional
        Observed active counts from period 0; drawn as points (as shares of the
        first value).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(projection, ("period", "survival"), "plot_survival_projection")
    ax = _axes(ax)
    ax.plot(projection["period"], projection["survival"], label="sBG projection")
    if actual is not None:
        counts = np.asarray(actual, dtype=np.float64)
        ax.plot(np.arange(counts.shape[0]), counts / counts[0], "o", label="observed")
    ax.set_xlabel("period")
    ax.set_ylabel("share of cohort still active")
    ax.set_ylim(0, 1.02)
    ax.set_title("Contract survival")
    ax.legend()
    return plain_text(ax)


def plot_clv_intervals(clv: pd.DataFrame, *, n_clients: int = 30, ax: Axes | None = None) -> Axes:
    """CLV of the most valuable clients with their prediction intervals as bands.

    Parameters
    ----------
    clv : pandas.DataFrame
        Output of :func:`clientalytics.clv.customer_lifetime_value` called with
        ``interval=`` (columns ``clv``, ``clv_lower``, ``clv_upper``).
    n_clients : int, default 30
        Number of clients shown, by decreasing CLV.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(clv, ("clv", "clv_lower", "clv_upper"), "plot_clv_intervals")
    top = clv.sort_values("clv", ascending=False).head(int(n_clients))
    ax = _axes(ax)
    rank = np.arange(1, len(top) + 1)
    ax.fill_between(
        rank, top["clv_lower"], top["clv_upper"], alpha=0.3, step="mid", label="interval"
    )
    ax.plot(rank, top["clv"], marker="o", linestyle="", label="CLV")
    ax.set_xlabel("client rank by CLV")
    ax.set_ylabel("CLV")
    ax.set_title("Customer lifetime value with prediction intervals")
    ax.legend()
    return plain_text(ax)
