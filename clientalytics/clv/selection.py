"""Choosing the transaction model on holdout evidence, and the one-time-buyer artefact.

BG/NBD lets a client drop out only just after a repeat purchase, so a client who
bought once (frequency 0) can never have dropped out: its P(alive) is 1 however long
it has been silent. :func:`one_time_buyer_alive` shows this against MBG/NBD and
Pareto/NBD, which let a client drop out at any time.

:func:`select_transaction_model` fits candidate models on a calibration period,
scores them on the holdout period after it and picks one by a stated rule
(:func:`choose_model`): a model that calls most truly inactive one-time buyers alive,
or misses the holdout's total purchases by more than a tenth, is set aside; of the
rest, the lowest holdout mean absolute error per client wins when it is clearly
lower; otherwise the evidence is inconclusive and the default model (MBG/NBD) is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientalytics.clv.base import TransactionModel
from clientalytics.clv.beta_geo import BetaGeoModel
from clientalytics.clv.evaluation import holdout_metrics, holdout_predictions
from clientalytics.clv.modified_beta_geo import ModifiedBetaGeoModel
from clientalytics.clv.pareto_nbd import ParetoNBDModel
from clientalytics.exceptions import ValidationError
from clientalytics.periods import TimeUnit

#: Model kept when the holdout evidence does not single one out.
DEFAULT_MODEL = "MBG/NBD"
#: Columns of :attr:`ModelSelection.table`, in order.
SELECTION_COLUMNS = [
    "mae",
    "rmse",
    "aggregate_error",
    "inactive_one_time_buyers",
    "inactive_alive_share",
    "qualified",
    "aic",
]


def candidate_models() -> dict[str, TransactionModel]:
    """Return the default candidates: BG/NBD, MBG/NBD and Pareto/NBD, unfitted."""
    return {
        "BG/NBD": BetaGeoModel(),
        "MBG/NBD": ModifiedBetaGeoModel(),
        "Pareto/NBD": ParetoNBDModel(),
    }


def one_time_buyer_alive(
    models: Mapping[str, TransactionModel], days_silent: Sequence[float] | np.ndarray
) -> pd.DataFrame:
    """P(alive) of a client who bought once, by the time since that purchase.

    Parameters
    ----------
    models : mapping of str to fitted TransactionModel
        Display name to a model fitted on a daily summary (``time_unit="D"``).
    days_silent : sequence of float
        Days since the only purchase (for a one-time buyer that is also its age
        ``T``; ``frequency`` and ``recency`` are 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``days_silent``, one column per model with its P(alive).
    """
    days = np.asarray(days_silent, dtype=float)
    if days.ndim != 1 or len(days) == 0 or not np.isfinite(days).all() or (days < 0).any():
        raise ValidationError("days_silent: give one or more finite days >= 0")
    summary = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": days})
    out = pd.DataFrame(
        {name: model.probability_alive(summary).to_numpy() for name, model in models.items()},
        index=pd.Index(days, name="days_silent"),
    )
    return out


def _calibration(data: pd.DataFrame) -> pd.DataFrame:
    return data[["frequency_cal", "recency_cal", "T_cal"]].rename(
        columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"}
    )


def inactive_alive_share(
    model: TransactionModel, data: pd.DataFrame, *, threshold: float = 0.9
) -> tuple[int, float]:
    """Share of truly inactive one-time buyers that a fitted model calls alive.

    Parameters
    ----------
    model : fitted TransactionModel
        Fitted on the calibration period of ``data``.
    data : pandas.DataFrame
        Calibration/holdout table (:func:`clientalytics.summary.calibration_holdout_split`).
    threshold : float
        P(alive) above which a client counts as called alive.

    Returns
    -------
    (clients, share) : tuple of int and float
        The number of one-time buyers of the calibration period who did not buy
        in the holdout (``frequency_cal`` and ``frequency_holdout`` both 0), and
        the share of them with P(alive) at the calibration end above
        ``threshold`` (NaN when there is none).
    """
    inactive = (data["frequency_cal"] == 0) & (data["frequency_holdout"] == 0)
    n = int(inactive.sum())
    if n == 0:
        return 0, float("nan")
    alive = model.probability_alive(_calibration(data[inactive])).to_numpy()
    return n, float(np.mean(alive > threshold))


def choose_model(
    table: pd.DataFrame,
    *,
    default: str = DEFAULT_MODEL,
    tolerance: float = 0.02,
) -> tuple[str, bool]:
    """Apply the selection rule to a table of holdout scores.

    Rule: of the ``qualified`` models (all, without that column, or when none is
    qualified), the one with the lowest holdout ``mae`` is chosen when its MAE is
    lower than every other qualified model's by more than ``tolerance`` (relative),
    or when it is the only qualified model. Otherwise the evidence is inconclusive
    and ``default`` is chosen when it is qualified (else the lowest MAE).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by model name, with ``mae`` and optionally ``qualified`` (bool).
    default : str
        Model kept when the evidence is inconclusive.
    tolerance : float
        Relative MAE margin by which the best model must beat the others.

    Returns
    -------
    (chosen, conclusive) : tuple of str and bool
    """
    if table.empty:
        raise ValidationError("choose_model: no model to choose from")
    if tolerance < 0:
        raise ValidationError(f"tolerance must be >= 0, got {tolerance}")
    qualified = table["qualified"].astype(bool) if "qualified" in table else True
    pool = table[qualified] if not isinstance(qualified, bool) else table
    if pool.empty:
        pool = table
    mae = pool["mae"].astype(float).sort_values(kind="mergesort")
    best = str(mae.index[0])
    others = mae.iloc[1:]
    conclusive = bool(others.empty or (mae.iloc[0] < others.min() * (1.0 - tolerance)))
    if conclusive or default not in pool.index:
        return best, conclusive
    return default, False


@dataclass(frozen=True)
class ModelSelection:
    """Result of :func:`select_transaction_model`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``model`` in the candidates' order, columns ``mae`` and ``rmse``
        (holdout purchases per client, predicted minus actual), ``aggregate_error``
        (predicted over actual holdout total, minus 1), ``inactive_one_time_buyers``
        and ``inactive_alive_share`` (:func:`inactive_alive_share`), ``qualified``
        (that share and ``|aggregate_error|`` within the rule's limits) and ``aic``
        (calibration fit).
    chosen : str
        Name of the model the rule picks.
    conclusive : bool
        False when the holdout did not single a model out and the default was kept.
    models : dict
        The candidates fitted on the calibration period, by name.
    """

    table: pd.DataFrame
    chosen: str
    conclusive: bool
    models: dict[str, TransactionModel]


def select_transaction_model(
    data: pd.DataFrame,
    *,
    candidates: Mapping[str, TransactionModel] | None = None,
    time_unit: TimeUnit | None = None,
    default: str = DEFAULT_MODEL,
    tolerance: float = 0.02,
    threshold: float = 0.9,
    max_inactive_alive_share: float | None = 0.5,
    max_aggregate_error: float | None = 0.10,
) -> ModelSelection:
    """Fit candidate transaction models on a calibration period and pick one on the holdout.

    Parameters
    ----------
    data : pandas.DataFrame
        Calibration/holdout table (:func:`clientalytics.summary.calibration_holdout_split`).
    candidates : mapping of str to TransactionModel, optional
        Name to unfitted model; defaults to :func:`candidate_models`.
    time_unit : {"D", "W", "M"}, optional
        Unit of the table, passed to each fit.
    default : str
        Model kept when the evidence is inconclusive (:func:`choose_model`).
    tolerance : float
        Relative MAE margin of :func:`choose_model`.
    threshold : float
        P(alive) above which a truly inactive one-time buyer counts as called alive.
    max_inactive_alive_share : float or None
        A model calling more than this share of the truly inactive one-time buyers
        alive is not qualified; None turns the check off.
    max_aggregate_error : float or None
        A model whose forecast of the holdout's total purchases is off by more than
        this share (``|aggregate_error|``) is not qualified: it would over- or
        under-value every client by about as much. None turns the check off.

    Returns
    -------
    ModelSelection
    """
    models = dict(candidates) if candidates is not None else candidate_models()
    if not models:
        raise ValidationError("select_transaction_model needs at least one candidate")
    rows, fitted = {}, {}
    for name, model in models.items():
        holdout = holdout_predictions(model, data, time_unit=time_unit)
        metrics = holdout_metrics(holdout)
        n, share = inactive_alive_share(holdout.model, data, threshold=threshold)
        qualified = bool(
            (max_inactive_alive_share is None or not share > max_inactive_alive_share)
            and (
                max_aggregate_error is None
                or abs(metrics["aggregate_error"]) <= max_aggregate_error
            )
        )
        rows[name] = {
            "mae": metrics["mae"],
            "rmse": metrics["rmse"],
            "aggregate_error": metrics["aggregate_error"],
            "inactive_one_time_buyers": n,
            "inactive_alive_share": share,
            "qualified": qualified,
            "aic": metrics["aic"],
        }
        fitted[name] = holdout.model
    table = pd.DataFrame.from_dict(rows, orient="index")[SELECTION_COLUMNS]
    table.index.name = "model"
    chosen, conclusive = choose_model(table, default=default, tolerance=tolerance)
    return ModelSelection(table=table, chosen=chosen, conclusive=conclusive, models=fitted)
