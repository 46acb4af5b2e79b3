"""Whether a fitted response curve is identified by the data, and the test that would identify it.

A response curve fitted to a handful of periods in which spend per head barely
moved says little about what more (or less) spending would do. A curve is
**not identified** when any of these holds:

* its fit explains little of the variation of the rate (R² below ``min_r2``);
* a fitted parameter ended on a bound of the fit (e.g. a ceiling of 1), so the
  data did not pin it down;
* the points cover too few distinct spend levels (fewer than ``min_spend_levels``).

A plan built on such a curve is not called best (see
:func:`~clientalytics.marketing.strategies.best_strategy`). The remedy is a
spend experiment: hold-out groups of clients kept at several spend levels for a
period; :func:`spend_experiment` gives the sample size per arm for a stated
effect on the rate (two-sided test of two proportions, normal approximation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from clientalytics.exceptions import ValidationError

__all__ = ["curve_identification", "sample_size_per_arm", "spend_experiment"]

#: Default thresholds of :func:`curve_identification`.
MIN_R2 = 0.3
MIN_SPEND_LEVELS = 4


def curve_identification(
    calibration: pd.DataFrame,
    *,
    min_r2: float = MIN_R2,
    min_spend_levels: int = MIN_SPEND_LEVELS,
) -> pd.DataFrame:
    """Mark each fitted curve of a calibration report as identified or not.

    Parameters
    ----------
    calibration : DataFrame
        One row per curve with columns ``r2``, ``n_levels``, ``at_bound`` (names
        of parameters at a bound, comma-separated, empty when none) and
        ``source`` (curves with source ``"given"`` are the analyst's and count as
        identified), e.g. ``CalibratedMarket.calibration``.
    min_r2 : float, default 0.3
        Lowest R² of an identified curve.
    min_spend_levels : int, default 4
        Fewest distinct spend levels of an identified curve.

    Returns
    -------
    DataFrame
        ``calibration`` with two more columns: ``identified`` (bool) and
        ``not_identified_because`` (the reasons, joined by "; "; empty when identified).
    """
    out = calibration.copy()
    reasons: list[str] = []
    for _, row in out.iterrows():
        if str(row.get("source", "fitted")) == "given":
            reasons.append("")
            continue
        why: list[str] = []
        r2 = float(row["r2"])
        if not np.isfinite(r2) or r2 < min_r2:
            why.append(f"R² {r2:.2f} < {min_r2:g}")
        bound = str(row.get("at_bound", "") or "")
        if bound:
            why.append(f"{bound} at a bound of the fit")
        levels = row.get("n_levels", np.nan)
        if not np.isfinite(float(levels)) or float(levels) < min_spend_levels:
            why.append(f"{levels:g} distinct spend level(s) < {min_spend_levels}")
        reasons.append("; ".join(why))
    out["not_identified_because"] = reasons
    out["identified"] = out["not_identified_because"] == ""
    return out


def sample_size_per_arm(
    rate: float, effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Clients per arm to detect a change of ``effect`` in a rate between two arms.

    Two-sided test of two proportions, normal approximation (Fleiss, *Statistical
    Methods for Rates and Proportions*, 1981): with p₁ = rate, p₂ = rate + effect
    (or rate − effect when that would pass 1) and p̄ their mean,
    n = (z₁₋α/₂·√(2p̄(1−p̄)) + z₁₋β·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₁ − p₂)², rounded up.

    Parameters
    ----------
    rate : float
        Rate of the reference arm, in (0, 1).
    effect : float
        Absolute change of the rate to detect, > 0.
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Power.

    Returns
    -------
    int
        Sample size per arm.

    Examples
    --------
    >>> sample_size_per_arm(0.5, 0.1)
    388
    """
    if not 0 < rate < 1:
        raise ValidationError(f"rate must lie in (0, 1), got {rate}")
    if not 0 < effect < 1:
        raise ValidationError(f"effect must lie in (0, 1), got {effect}")
    p1 = rate
    p2 = rate + effect if rate + effect < 1 else rate - effect
    if not 0 < p2 < 1:
        raise ValidationError(f"rate {rate} ± effect {effect} leaves (0, 1)")
    pbar = (p1 + p2) / 2
    za = float(stats.norm.ppf(1 - alpha / 2))
    zb = float(stats.norm.ppf(power))
    num = za * np.sqrt(2 * pbar * (1 - pbar)) + zb * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(np.ceil(num**2 / (p1 - p2) ** 2))


def spend_experiment(
    calibration: pd.DataFrame,
    *,
    effect: float = 0.05,
    levels: tuple[float, ...] = (0.0, 1.0, 2.0),
    alpha: float = 0.05,
    power: float = 0.8,
) -> pd.DataFrame:
    """Design the spend experiment that would identify each unidentified curve.

    Clients (or prospects) of the curve's group are split at random into arms
    kept for one period at ``levels`` × the mean observed spend per head (0 is
    a hold-out group with no spend); the rates of the arms give points the fit
    lacks.

    Parameters
    ----------
    calibration : DataFrame
        Output of :func:`curve_identification` with ``spend_min``, ``spend_max``
        and ``mean_rate`` columns.
    effect : float, default 0.05
        Change of the rate between two arms the test should detect (absolute,
        e.g. 0.05 = 5 percentage points).
    levels : tuple of float, default (0, 1, 2)
        Spend levels of the arms, as multiples of the mid-point of the observed
        spend per head.
    alpha, power : float
        Significance level and power of each comparison of two arms.

    Returns
    -------
    DataFrame
        One row per unidentified curve (same index as ``calibration``), columns
        ``not_identified_because``, ``mean_rate``, ``arm_spend_per_head`` (tuple
        of the arms' spend per head), ``n_arms``, ``effect``,
        ``n_per_arm`` and ``n_total`` (``n_arms × n_per_arm``).
    """
    if not levels:
        raise ValidationError("levels must name at least two spend levels")
    todo = calibration.loc[~calibration["identified"].astype(bool)]
    rows: list[dict[str, object]] = []
    for key, row in todo.iterrows():
        mid = (float(row["spend_min"]) + float(row["spend_max"])) / 2
        rate = min(max(float(row["mean_rate"]), 1e-3), 1 - 1e-3)
        n = sample_size_per_arm(rate, effect, alpha=alpha, power=power)
        rows.append(
            {
                "key": key,
                "not_identified_because": row["not_identified_because"],
                "mean_rate": float(row["mean_rate"]),
                "arm_spend_per_head": tuple(float(level * mid) for level in levels),
                "n_arms": len(levels),
                "effect": effect,
                "n_per_arm": n,
                "n_total": n * len(levels),
            }
        )
    columns = ["not_identified_because", "mean_rate", "arm_spend_per_head", "n_arms", "effect",
               "n_per_arm", "n_total"]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns, index=calibration.index[:0])
    out = pd.DataFrame(rows)
    out.index = (
        pd.MultiIndex.from_tuples(out.pop("key"), names=calibration.index.names)
        if (isinstance(calibration.index, pd.MultiIndex))
        else pd.Index(out.pop("key"), name=calibration.index.name)
    )
    return out[columns]
