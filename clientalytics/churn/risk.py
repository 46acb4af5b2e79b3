"""The churn-risk list: who is likely to leave, how much value leaves with them, and why.

:func:`churn_risk_list` scores the clients that are still a retention case (the
library's *retainable* clients, :mod:`clientalytics.status`: new or active and
silent at most :data:`~clientalytics.status.RETAINABLE_DAYS` days), ranks them by
churn probability and by value at risk (probability x expected future value, e.g.
CLV) and gives each client its top reasons: the features whose replacement by a
typical client's value lowers the predicted risk the most. The clients silent for
longer are a win-back case, not a retention one: :func:`win_back_list` lists them.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require
from clientalytics.status import RETAINABLE_DAYS, client_states

#: Smallest drop in churn probability reported as a reason.
REASON_MIN_DROP = 0.005
#: Largest number of rows scored in one call while explaining (bounds memory).
_BATCH_ROWS = 200_000

#: A value per client: a Series, a frame with a ``clv`` column, or ``"margin"``.
Value: TypeAlias = pd.Series | pd.DataFrame | Literal["margin"]


def _value(features: pd.DataFrame, value: Value) -> pd.Series:
    if isinstance(value, str):
        if value != "margin":
            raise ValidationError(f"value must be a Series, a frame or 'margin', got {value!r}")
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


def retainable_mask(
    features: pd.DataFrame,
    transactions: pd.DataFrame | None = None,
    *,
    cutoff: pd.Timestamp | str | None = None,
    retainable_days: float = RETAINABLE_DAYS,
) -> pd.Series:
    """Whether each row of a churn-feature frame is a retainable client at its cutoff.

    Parameters
    ----------
    features : pandas.DataFrame
        :func:`~clientalytics.churn.churn_features` (indexed by ``client_id``) or
        :func:`~clientalytics.churn.churn_dataset` features (indexed by ``cutoff``
        and ``client_id``).
    transactions : pandas.DataFrame, optional
        The company's transactions. With them, a row is retainable by
        :func:`clientalytics.status.client_states` at its cutoff (the library's one
        definition). Without them, by the feature ``days_since_last_purchase`` at
        most ``retainable_days`` (every client of ``churn_features`` ordered within
        the active window, so this is the same rule on the features).
    cutoff : timestamp, optional
        The cutoff of a frame indexed by ``client_id`` alone; needed with
        ``transactions`` for such a frame.
    retainable_days : float
        Longest silence of a retention case.

    Returns
    -------
    pandas.Series
        Boolean, on the index of ``features``.
    """
    if transactions is None:
        require(features, "features", ["days_since_last_purchase"])
        silent = features["days_since_last_purchase"].to_numpy(dtype=float)
        return pd.Series(silent <= retainable_days, index=features.index, name="retainable")
    if isinstance(features.index, pd.MultiIndex):
        cutoffs = features.index.get_level_values("cutoff")
        ids = features.index.get_level_values("client_id").astype(str)
    else:
        if cutoff is None:
            raise ValidationError("retainable_mask: give the cutoff of features indexed by client")
        cutoffs = pd.DatetimeIndex([pd.Timestamp(cutoff)] * len(features))
        ids = features.index.astype(str)
    out = np.zeros(len(features), dtype=bool)
    for moment in pd.unique(cutoffs):
        rows = np.asarray(cutoffs == moment)
        states = client_states(
            transactions[transactions["date"] <= moment],
            observation_end=pd.Timestamp(moment),
            retainable_days=retainable_days,
        )["retainable"]
        out[rows] = states.reindex(ids[rows]).fillna(False).to_numpy(dtype=bool)
    return pd.Series(out, index=features.index, name="retainable")


def _aligned_mask(retainable: pd.Series, index: pd.Index) -> np.ndarray:
    mask = retainable.copy()
    mask.index = mask.index.astype(str)
    return mask.reindex(index).fillna(False).to_numpy(dtype=bool)


def _reason_drops(model: Any, features: pd.DataFrame, base: np.ndarray) -> pd.DataFrame:
    """Drop in churn probability when each feature takes the typical client's value.

    All the changed copies are stacked and scored by one ``predict_proba`` call (in
    blocks of at most 200,000 rows).

    Parameters
    ----------
    model : fitted classifier
        With ``predict_proba``; its ``reference_`` (the typical client) when it has
        one, else the median of each numeric column of ``features``.
    features : pandas.DataFrame
        The clients to explain.
    base : numpy.ndarray
        Their churn probability with the features as they are.

    Returns
    -------
    pandas.DataFrame
        On the index of ``features``, one column per feature that the reference
        covers: base probability minus the probability with that feature replaced.
    """
    reference = getattr(model, "reference_", None)
    if reference is None:
        reference = features.median(numeric_only=True)
    columns = [c for c in features.columns if c in reference.index]
    n = len(features)
    if not columns or n == 0:
        return pd.DataFrame(index=features.index)
    per_block = max(1, _BATCH_ROWS // n)
    drops: dict[str, np.ndarray] = {}
    for start in range(0, len(columns), per_block):
        block = columns[start : start + per_block]
        copies = []
        for col in block:
            changed = features.copy()
            changed[col] = reference[col]
            if pd.api.types.is_numeric_dtype(features[col]):
                changed[col] = changed[col].astype(features[col].dtype)
            copies.append(changed)
        stacked = pd.concat(copies, ignore_index=True)
        churn = np.asarray(model.predict_proba(stacked)[:, 1], dtype=float)
        for k, col in enumerate(block):
            drops[col] = base - churn[k * n : (k + 1) * n]
    return pd.DataFrame(drops, index=features.index)


def _shown_values(features: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """Each feature value as the reasons show it: floats with one decimal, others as text."""
    # A row of an all-numeric frame holding a float is a float row: its integers show as floats.
    all_numeric = all(pd.api.types.is_numeric_dtype(features[c]) for c in features.columns)
    any_float = any(pd.api.types.is_float_dtype(features[c]) for c in features.columns)
    out = {}
    for col in columns:
        values = features[col].to_numpy()
        as_float = pd.api.types.is_float_dtype(features[col]) or (
            all_numeric and any_float and pd.api.types.is_numeric_dtype(features[col])
        )
        if as_float:
            out[col] = np.array([f"{float(v):,.1f}" for v in values], dtype=object)
        else:
            out[col] = np.array([str(v) for v in values], dtype=object)
    return out


def _reasons(model: Any, features: pd.DataFrame, base: np.ndarray, top: int) -> list[list[str]]:
    table = _reason_drops(model, features, base)
    columns = [str(c) for c in table.columns]
    if not columns:
        return [[""] * top for _ in range(len(features))]
    drops = table.to_numpy(dtype=float)
    # highest drop first; equal drops keep the column order
    order = np.argsort(-drops, axis=1, kind="stable")[:, :top]
    chosen = np.take_along_axis(drops, order, axis=1)
    shown = _shown_values(features, columns)
    names = np.array(columns, dtype=object)
    reasons = []
    for i in range(len(features)):
        texts = [
            f"{names[j]}={shown[names[j]][i]} (+{d:.2f})"
            for j, d in zip(order[i], chosen[i], strict=True)
            if d > REASON_MIN_DROP
        ]
        reasons.append(texts + [""] * (top - len(texts)))
    return reasons


def _with_retainable(
    features: pd.DataFrame, retainable: pd.Series | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the features with text ids, and which rows are retainable (given, or by silence)."""
    features = features.copy()
    features.index = features.index.astype(str)
    if retainable is None:
        return features, retainable_mask(features).to_numpy(dtype=bool)
    return features, _aligned_mask(retainable, features.index)


def churn_risk_list(
    model: Any,
    features: pd.DataFrame,
    *,
    value: Value,
    retainable: pd.Series | None = None,
    top_reasons: int = 3,
    explain: int | None = None,
) -> pd.DataFrame:
    """Rank the retainable clients by churn risk and by value at risk, with their top reasons.

    Parameters
    ----------
    model : fitted ChurnModel
        Any fitted classifier with ``predict_proba``; a ``reference_`` attribute
        (as on :class:`~clientalytics.churn.ChurnModel`) gives the typical client
        used to explain predictions.
    features : pandas.DataFrame
        Features of one cutoff (:func:`~clientalytics.churn.churn_features`),
        indexed by ``client_id``.
    value : Series, DataFrame or "margin"
        Expected future value of each client, indexed by client id: a Series, or a
        frame with a ``clv`` column (e.g.
        :func:`~clientalytics.clv.customer_lifetime_value` over a stated horizon).
        ``"margin"`` uses the client's past margin per year instead
        (``total_margin`` over tenure, floored at 0).
    retainable : Series of bool, optional
        Which clients are still a retention case, by client id (e.g. the
        ``retainable`` column of :func:`clientalytics.status.client_states` at the
        cutoff); clients it does not name are left out. By default the clients
        whose ``days_since_last_purchase`` is at most
        :data:`~clientalytics.status.RETAINABLE_DAYS` (:func:`retainable_mask`).
        The others belong on :func:`win_back_list`.
    top_reasons : int
        Number of reasons per client.
    explain : int, optional
        Give reasons to the first ``explain`` clients of the list only (the most
        value at risk); the others get empty reasons. Explaining costs one
        prediction per client and feature, so a report that shows the top of the
        list explains just that. By default every client is explained.

    Returns
    -------
    pandas.DataFrame
        The retainable clients, indexed by ``client_id``, sorted by
        ``value_at_risk`` (highest first), columns ``churn_probability``,
        ``value``, ``value_at_risk`` (probability x value), ``risk_rank`` (1 = most
        likely to churn), ``value_rank`` (1 = most value at risk) and ``reason_1``
        ... ``reason_k``: the features whose replacement by the typical client's
        value lowers the predicted risk the most, as ``"feature=value (+drop in
        probability)"`` (empty when fewer features raise the risk by more than
        half a point).

    Raises
    ------
    ValidationError
        When no client is retainable, or a retainable client has no value.
    """
    if features.empty:
        raise ValidationError("features: no client to rank")
    if top_reasons < 0:
        raise ValidationError(f"top_reasons must be >= 0, got {top_reasons}")
    features, keep = _with_retainable(features, retainable)
    features = features[keep]
    if features.empty:
        raise ValidationError(
            "features: no retainable client (new or active and silent at most "
            f"{RETAINABLE_DAYS} days) to rank; see win_back_list"
        )
    probability = np.asarray(model.predict_proba(features)[:, 1], dtype=float)
    worth = _value(features, value)
    out = pd.DataFrame(
        {"churn_probability": probability, "value": worth.to_numpy(dtype=float)},
        index=features.index,
    )
    out["value_at_risk"] = out["churn_probability"] * out["value"]
    out["risk_rank"] = out["churn_probability"].rank(ascending=False, method="first").astype(int)
    out["value_rank"] = out["value_at_risk"].rank(ascending=False, method="first").astype(int)
    out = out.sort_values("value_rank")
    if top_reasons:
        if explain is not None and explain < 0:
            raise ValidationError(f"explain must be >= 0, got {explain}")
        n = len(out) if explain is None else min(explain, len(out))
        head = out.index[:n]
        reasons = _reasons(
            model, features.loc[head], out.loc[head, "churn_probability"].to_numpy(), top_reasons
        )
        reasons += [[""] * top_reasons] * (len(out) - n)
        for k in range(top_reasons):
            out[f"reason_{k + 1}"] = [r[k] for r in reasons]
    out.index.name = "client_id"
    return out


def win_back_list(
    features: pd.DataFrame,
    *,
    value: Value,
    retainable: pd.Series | None = None,
) -> pd.DataFrame:
    """List the clients left off the churn-risk list: active, but silent longer.

    Parameters
    ----------
    features : pandas.DataFrame
        Features of one cutoff, as for :func:`churn_risk_list`.
    value : Series, DataFrame or "margin"
        As for :func:`churn_risk_list`.
    retainable : Series of bool, optional
        As for :func:`churn_risk_list`; the win-back list is its complement.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, sorted by ``value`` (highest first), columns
        ``days_since_last_purchase`` and ``value``; empty when every client is
        retainable.
    """
    features, keep = _with_retainable(features, retainable)
    rest = features[~keep]
    worth = _value(rest, value) if len(rest) else pd.Series(dtype=float)
    out = pd.DataFrame(
        {
            "days_since_last_purchase": rest["days_since_last_purchase"].astype(float),
            "value": worth.reindex(rest.index).astype(float),
        },
        index=rest.index,
    )
    out.index.name = "client_id"
    return out.sort_values("value", ascending=False, kind="mergesort")
