"""Calibration/holdout evaluation and side-by-side comparison of transaction models.

Fit each model on the calibration period, predict the number of purchases in the
holdout period, and compare with what the clients actually did. Together with the
calibration log-likelihood, AIC and BIC this lets an analyst pick a model on evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone

from clientalytics.clv._data import check_summary
from clientalytics.clv.base import TransactionModel
from clientalytics.exceptions import ValidationError
from clientalytics.periods import TimeUnit

CAL_COLUMNS = ("frequency_cal", "recency_cal", "T_cal")
HOLDOUT_COLUMNS = ("frequency_holdout", "duration_holdout")


def _split(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, float]:
    checked = check_summary(data, columns=CAL_COLUMNS + HOLDOUT_COLUMNS, table="calibration data")
    calibration = checked[list(CAL_COLUMNS)].rename(
        columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"}
    )
    # the CNBD models also read the log inter-purchase sum of the calibration window
    if "log_interpurchase_sum_cal" in data.columns:
        calibration["log_interpurchase_sum"] = data["log_interpurchase_sum_cal"].to_numpy()
    durations = checked["duration_holdout"].unique()
    if durations.shape[0] != 1:
        raise ValidationError(
            f"calibration data: 'duration_holdout' must be the same for every client, found "
            f"{durations.shape[0]} values, e.g. {durations[:3].tolist()}"
        )
    return calibration, checked["frequency_holdout"], float(durations[0])


@dataclass(frozen=True)
class HoldoutPrediction:
    """Holdout forecast of a transaction model fitted on the calibration period.

    Attributes
    ----------
    predictions : pandas.DataFrame
        One row per client, columns ``actual_purchases`` (holdout),
        ``predicted_purchases`` and ``error`` (predicted minus actual).
    model : TransactionModel
        The copy of the model fitted on the calibration period.
    """

    predictions: pd.DataFrame
    model: TransactionModel


def holdout_predictions(
    model: TransactionModel, data: pd.DataFrame, *, time_unit: TimeUnit | None = None
) -> HoldoutPrediction:
    """Fit a copy of ``model`` on the calibration period and predict the holdout.

    Parameters
    ----------
    model : TransactionModel
        Unfitted (or fitted; it is cloned and refitted) transaction model.
    data : pandas.DataFrame
        One row per client with ``frequency_cal``, ``recency_cal``, ``T_cal``,
        ``frequency_holdout`` and ``duration_holdout`` (the layout of
        :func:`clientalytics.summary.calibration_holdout_split`), all in one time unit;
        optionally ``log_interpurchase_sum_cal``, passed to the models as
        ``log_interpurchase_sum`` (needed by the CNBD models).
    time_unit : {"D", "W", "M"}, optional
        That unit, passed to the fit (so the fitted copy can value clients with
        :func:`~clientalytics.clv.customer_lifetime_value`).

    Returns
    -------
    HoldoutPrediction
        ``predictions`` indexed like ``data`` and the fitted copy as ``model``.
    """
    calibration, actual, duration = _split(data)
    fitted = clone(model).fit(calibration, time_unit=time_unit)
    predicted = fitted.expected_purchases(calibration, t=duration)
    out = pd.DataFrame(
        {
            "actual_purchases": actual.to_numpy(),
            "predicted_purchases": predicted.to_numpy(),
        },
        index=data.index,
    )
    out["error"] = out["predicted_purchases"] - out["actual_purchases"]
    return HoldoutPrediction(predictions=out, model=fitted)


def holdout_metrics(holdout: HoldoutPrediction) -> dict[str, float]:
    """Summarise a :func:`holdout_predictions` result: its table and its fitted model.

    Parameters
    ----------
    holdout : HoldoutPrediction
        Output of :func:`holdout_predictions`.

    Returns
    -------
    dict
        ``n_params``, ``log_likelihood``, ``aic``, ``bic`` (calibration fit),
        ``mae`` and ``rmse`` (per-client holdout error), ``actual_total``,
        ``predicted_total`` and ``aggregate_error`` (relative error of the total,
        ``predicted_total / actual_total - 1``; 0 when both totals are 0).
    """
    predictions, model = holdout.predictions, holdout.model
    err = predictions["error"].to_numpy()
    actual_total = float(predictions["actual_purchases"].sum())
    predicted_total = float(predictions["predicted_purchases"].sum())
    if actual_total > 0:
        aggregate = predicted_total / actual_total - 1.0
    else:
        aggregate = 0.0 if predicted_total == 0 else float(np.sign(predicted_total))
    return {
        "n_params": float(getattr(model, "n_params_", len(model.param_names))),
        "log_likelihood": model.log_likelihood_,
        "aic": model.aic_,
        "bic": model.bic_,
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "actual_total": actual_total,
        "predicted_total": predicted_total,
        "aggregate_error": aggregate,
    }


def compare_models(
    models: Mapping[str, TransactionModel],
    data: pd.DataFrame,
) -> pd.DataFrame:
    """Fit several models on the calibration period and score them on the holdout.

    Parameters
    ----------
    models : mapping of str to TransactionModel
        Display name to (unfitted) model, e.g. ``{"BG/NBD": BetaGeoModel(), ...}``.
    data : pandas.DataFrame
        Calibration/holdout table as in :func:`holdout_predictions`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``model`` in the given order, columns as in :func:`holdout_metrics`
        (``n_params``, ``log_likelihood``, ``aic``, ``bic``, ``mae``, ``rmse``,
        ``actual_total``, ``predicted_total``, ``aggregate_error``). Lower AIC/BIC,
        MAE and ``|aggregate_error|`` are better. Log-likelihoods are comparable
        across models only when they are fitted on the same time unit.
    """
    if not models:
        raise ValidationError("compare_models needs at least one model")
    rows = {}
    for name, model in models.items():
        rows[name] = holdout_metrics(holdout_predictions(model, data))
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table["n_params"] = table["n_params"].astype(int)
    return table
