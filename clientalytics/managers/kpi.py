"""KPI targets for managers and their attainment, ready to feed a bonus scheme.

The analyst sets a target per scorecard metric (say retention 0.85, median
response 4 hours, margin 1.2 million per quarter). :func:`kpi_attainment` compares
each manager's actual value with the target, in the direction that is better for
the metric, and :func:`bonus_scores` folds the attainments into one weighted
score per manager and period.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError

#: Scorecard metrics for which a lower value is better.
LOWER_IS_BETTER: frozenset[str] = frozenset({"churn_rate", "median_response_hours"})

#: Columns of :func:`kpi_attainment`, in order.
ATTAINMENT_COLUMNS = [
    "manager_id",
    "period",
    "kpi",
    "actual",
    "target",
    "direction",
    "attainment",
    "met",
    "weight",
    "has_data",
]


def kpi_attainment(
    scorecard: pd.DataFrame,
    targets: Mapping[str, float],
    *,
    weights: Mapping[str, float] | None = None,
    lower_is_better: frozenset[str] | set[str] = LOWER_IS_BETTER,
    cap: float = 1.5,
) -> pd.DataFrame:
    """Compare each manager's scorecard values with the analyst's targets.

    Parameters
    ----------
    scorecard : pandas.DataFrame
        Output of :func:`clientalytics.managers.manager_scorecard` (or any frame
        with ``manager_id``, ``period`` and the metric columns).
    targets : mapping of str to float
        Target per metric column, e.g. ``{"retention_rate": 0.85}``. Targets must
        be positive.
    weights : mapping of str to float, optional
        Weight of each KPI in :func:`bonus_scores`; defaults to 1 for every KPI.
    lower_is_better : set of str
        Metrics for which smaller values are better (churn, response time).
    cap : float
        Largest attainment credited (1.5 = at most 150 % of target).

    Returns
    -------
    pandas.DataFrame
        One row per manager, period and KPI, columns :data:`ATTAINMENT_COLUMNS`:
        ``actual`` (missing when the scorecard has no value), ``target``,
        ``direction`` (``"higher"`` or ``"lower"`` is better), ``attainment``
        (actual / target, or target / actual when lower is better, capped at
        ``cap``; 0 when there is no actual value), ``met`` (attainment >= 1),
        ``weight`` and ``has_data``.

    Raises
    ------
    ValidationError
        A target names no scorecard column, or a target or weight is not positive.
    """
    if not targets:
        raise ValidationError("targets: give at least one KPI target")
    missing = [k for k in targets if k not in scorecard.columns]
    if missing:
        raise ValidationError(
            f"targets: {len(missing)} KPI(s) are not scorecard columns: {missing}; "
            f"available: {[c for c in scorecard.columns if c not in ('manager_id', 'period')]}"
        )
    bad = {k: v for k, v in targets.items() if not (np.isfinite(v) and v > 0)}
    if bad:
        raise ValidationError(f"targets must be positive finite numbers; got {bad}")
    weights = dict(weights or {})
    bad_w = {k: v for k, v in weights.items() if not (np.isfinite(v) and v >= 0)}
    if bad_w or any(k not in targets for k in weights):
        raise ValidationError(
            f"weights must be non-negative and name KPIs with a target; got {weights}"
        )
    if cap < 1:
        raise ValidationError(f"cap must be at least 1, got {cap}")
    parts = []
    for kpi, target in targets.items():
        actual = scorecard[kpi].astype(float)
        lower = kpi in lower_is_better
        has = actual.notna().to_numpy()
        a = actual.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            raw = np.where(lower, target / a, a / target)
        raw = np.where(lower & (a == 0), cap, raw)
        att = np.where(has, np.clip(np.nan_to_num(raw, nan=0.0, posinf=cap), 0.0, cap), 0.0)
        parts.append(
            pd.DataFrame(
                {
                    "manager_id": scorecard["manager_id"].to_numpy(),
                    "period": scorecard["period"].to_numpy(),
                    "kpi": kpi,
                    "actual": a,
                    "target": float(target),
                    "direction": "lower" if lower else "higher",
                    "attainment": att,
                    "met": att >= 1.0,
                    "weight": float(weights.get(kpi, 1.0)),
                    "has_data": has,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["manager_id", "period", "kpi"]).reset_index(drop=True)[
        ATTAINMENT_COLUMNS
    ]


def bonus_scores(attainment: pd.DataFrame) -> pd.DataFrame:
    """Fold KPI attainments into one weighted score per manager and period.

    Parameters
    ----------
    attainment : pandas.DataFrame
        Output of :func:`kpi_attainment`.

    Returns
    -------
    pandas.DataFrame
        One row per manager and period, columns ``manager_id``, ``period``,
        ``n_kpis``, ``kpis_met``, ``weighted_attainment`` (sum of weight x
        attainment over the sum of weights; 0 when all weights are 0) and
        ``all_met``.
    """
    frame = attainment.assign(
        w_att=attainment["weight"] * attainment["attainment"], met_i=attainment["met"].astype(int)
    )
    grouped = frame.groupby(["manager_id", "period"])
    total_w = grouped["weight"].sum()
    score = grouped["w_att"].sum() / total_w.where(total_w > 0, 1.0)
    out = pd.DataFrame(
        {
            "n_kpis": grouped.size(),
            "kpis_met": grouped["met_i"].sum(),
            "weighted_attainment": score,
        }
    )
    out["all_met"] = out["kpis_met"] == out["n_kpis"]
    return out.reset_index()
