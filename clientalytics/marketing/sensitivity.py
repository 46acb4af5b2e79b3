"""Sensitivity of the strategy comparison to each model parameter (±20 % by default).

Every parameter of the market model (each group's clients, prospects, margin,
revenue and response-curve ceilings and steepness, and the discount rate) is
moved down and up in turn; the strategies are re-evaluated and the table shows
how customer equity and NMC move and whether the best strategy changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.simulator import ClientGroup, MarketModel, evaluate_plan

__all__ = ["sensitivity_table"]

PlanLike = pd.DataFrame | Mapping[str, Mapping[str, float]]


def _perturbations(model: MarketModel, factor: float) -> list[tuple[str, MarketModel]]:
    out: list[tuple[str, MarketModel]] = []

    def with_group(i: int, group: ClientGroup) -> MarketModel:
        groups = list(model.groups)
        groups[i] = group
        return replace(model, groups=groups)

    for i, g in enumerate(model.groups):
        for attr in ("clients", "prospects", "margin", "revenue"):
            if getattr(g, attr) != 0:
                out.append(
                    (
                        f"{g.name}.{attr}",
                        with_group(i, replace(g, **{attr: getattr(g, attr) * factor})),
                    )
                )
        for kind in ("acquisition", "retention"):
            curve = getattr(g, kind)
            if curve is None:
                continue
            for param in ("ceiling", "k"):
                new_curve = curve.scaled(**{param: factor})
                out.append(
                    (f"{g.name}.{kind}.{param}", with_group(i, replace(g, **{kind: new_curve})))
                )
    out.append(("discount_rate", replace(model, discount_rate=model.discount_rate * factor)))
    return out


def sensitivity_table(
    model: MarketModel,
    plans: Mapping[str, PlanLike],
    *,
    change: float = 0.2,
    metric: str = "customer_equity",
) -> pd.DataFrame:
    """Re-evaluate every plan with each model parameter moved by ``−change`` and ``+change``.

    The plans are held fixed (they are what a manager would commit to); only the
    world they meet changes. Ceilings are capped at 1.

    Parameters
    ----------
    model : MarketModel
        The base model.
    plans : mapping
        Strategy name -> plan (e.g. from :func:`strategy_plans`).
    change : float, default 0.2
        Relative change of each parameter (0.2 = ±20 %).
    metric : str, default "customer_equity"
        Column of :func:`evaluate_plan` that decides the best strategy.

    Returns
    -------
    DataFrame
        One row per parameter, direction and strategy, columns:

        - ``parameter``: ``"<group>.<attribute>"``,
          ``"<group>.<acquisition|retention>.<ceiling|k>"`` or ``"discount_rate"``;
        - ``change``: the relative change applied (e.g. −0.2, +0.2);
        - ``strategy``;
        - ``customer_equity``, ``nmc``: the strategy's results under the change;
        - ``equity_change``: relative change of customer equity against the
          unchanged model (NaN when the base equity is 0: undefined);
        - ``best_strategy``: the strategy with the highest ``metric`` under this
          change (the same for every strategy row of the change);
        - ``best_changes``: whether it differs from the best strategy of the base model.
    """
    if not 0 < change < 1:
        raise ValidationError(f"change must lie in (0, 1), got {change}")
    if not plans:
        raise ValidationError("sensitivity_table needs at least one plan")
    base = {name: evaluate_plan(model, plan) for name, plan in plans.items()}
    if metric not in next(iter(base.values())).index:
        raise ValidationError(f"unknown metric {metric!r}")
    base_best = max(base, key=lambda n: float(base[n][metric]))
    rows: list[dict[str, object]] = []
    moves: list[tuple[float, Callable[[], list[tuple[str, MarketModel]]]]] = [
        (-change, lambda: _perturbations(model, 1 - change)),
        (change, lambda: _perturbations(model, 1 + change)),
    ]
    for delta, build in moves:
        for parameter, moved in build():
            results = {name: evaluate_plan(moved, plan) for name, plan in plans.items()}
            best = max(results, key=lambda n: float(results[n][metric]))
            for name, res in results.items():
                ref = float(base[name]["customer_equity"])
                eq = float(res["customer_equity"])
                rows.append(
                    {
                        "parameter": parameter,
                        "change": delta,
                        "strategy": name,
                        "customer_equity": eq,
                        "nmc": float(res["nmc"]),
                        "equity_change": (eq - ref) / abs(ref) if ref else float("nan"),
                        "best_strategy": best,
                        "best_changes": best != base_best,
                    }
                )
    out = pd.DataFrame(rows)
    return out.sort_values(["parameter", "change", "strategy"], kind="stable").reset_index(
        drop=True
    )
