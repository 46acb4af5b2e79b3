"""The churn-risk list: who is likely to leave, how much value leaves with them, and why.

:func:`churn_risk_list` ranks clients by churn probability and by value at risk
(probability x client value, e.g. CLV) and gives each client its top reasons: the
features whose replacement by a typical client's value lowers the predicted risk
the most.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require


def _value(features: pd.DataFrame, value: pd.Series | pd.DataFrame | None) -> pd.Series:
    if value is None:
        require(
            features,
            "features",
            ["total_margin", "tenure_days"],
            hint="give a value per client (e.g. CLV) or the churn_features output",
        )
        days = np.maximum(features["tenure_days"].to_numpy(dtype=float), 30.0)
        annual = features["total_margin"].to_numpy(dtype=float) / days * 365.25
        return pd.Series(np.maximum(annual, 0.0), index=features.index)
    if isinstance(value, pd.DataFrame):
        require(value, "value", ["clv"], hint="pass a Series or a frame with a 'clv' column")
        value = value["clv"]
    series = value.copy()
    series.index = series.index.astype(str)
    missing = features.index.difference(series.index)
    if len(missing):
        raise ValidationError(
            f"value: {len(missing)} client(s) have no value, e.g. {list(missing[:3])}"
        )
    out = series.reindex(features.index).astype(float)
    if not np.isfinite(out.to_numpy()).all():
        raise ValidationError("value: contains missing or infinite values")
    return out


def _reasons(model: Any, features: pd.DataFrame, base: np.ndarray, top: int) -> list[list[str]]:
    reference = getattr(model, "reference_", None)
    if reference is None:
        reference = features.median(numeric_only=True)
    drops = {}
    for col in features.columns:
        if col not in reference.index:
            continue
        changed = features.copy()
        changed[col] = reference[col]
        if pd.api.types.is_numeric_dtype(features[col]):
            changed[col] = changed[col].astype(features[col].dtype)
        drops[col] = base - model.predict_proba(changed)[:, 1]
    table = pd.DataFrame(drops, index=features.index)
    reasons = []
    for i, (_, row) in enumerate(table.iterrows()):
        best = row[row > 0.005].sort_values(ascending=False).head(top)
        texts = []
        for name, drop in best.items():
            raw = features.iloc[i][str(name)]
            shown = f"{raw:,.1f}" if isinstance(raw, (float, np.floating)) else str(raw)
            texts.append(f"{name!s}={shown} (+{drop:.2f})")
        reasons.append(texts + [""] * (top - len(texts)))
    return reasons


def churn_risk_list(
    model: Any,
    features: pd.DataFrame,
    *,
    value: pd.Series | pd.DataFrame | None = None,
    top_reasons: int = 3,
) -> pd.DataFrame:
    """Rank clients by churn risk and by value at risk, with their top reasons.

    Parameters
    ----------
    model : fitted ChurnModel
        Any fitted classifier with ``predict_proba``; a ``reference_`` attribute
        (as on :class:`~clientalytics.churn.ChurnModel`) gives the typical client
        used to explain predictions.
    features : pandas.DataFrame
        Features of one cutoff (:func:`~clientalytics.churn.churn_features`),
        indexed by ``client_id``.
    value : Series or DataFrame, optional
        Value of each client (CLV), indexed by client id, or a frame with a
        ``clv`` column. Without it the value is the client's margin per year so far
        (``total_margin`` over tenure, floored at 0).
    top_reasons : int
        Number of reasons per client.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, sorted by ``value_at_risk`` (highest first),
        columns ``churn_probability``, ``value``, ``value_at_risk`` (probability x
        value), ``risk_rank`` (1 = most likely to churn), ``value_rank`` (1 =
        most value at risk) and ``reason_1`` ... ``reason_k``: the features whose
        replacement by the typical client's value lowers the predicted risk the
        most, as ``"feature=value (+drop in probability)"`` (empty when fewer
        features raise the risk by more than half a point).
    """
    if features.empty:
        raise ValidationError("features: no client to rank")
    if top_reasons < 0:
        raise ValidationError(f"top_reasons must be >= 0, got {top_reasons}")
    features = features.copy()
    features.index = features.index.astype(str)
    probability = np.asarray(model.predict_proba(features)[:, 1], dtype=float)
    worth = _value(features, value)
    out = pd.DataFrame(
        {"churn_probability": probability, "value": worth.to_numpy(dtype=float)},
        index=features.index,
    )
    out["value_at_risk"] = out["churn_probability"] * out["value"]
    out["risk_rank"] = out["churn_probability"].rank(ascending=False, method="first").astype(int)
    out["value_rank"] = out["value_at_risk"].rank(ascending=False, method="first").astype(int)
    if top_reasons:
        reasons = _reasons(model, features, probability, top_reasons)
        for k in range(top_reasons):
            out[f"reason_{k + 1}"] = [r[k] for r in reasons]
    out.index.name = "client_id"
    return out.sort_values("value_rank")
