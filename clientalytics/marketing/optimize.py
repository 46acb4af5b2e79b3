"""Best allocation of a marketing budget between acquisition and retention of client groups.

The budget per period is split between the acquisition budget and the retention
budget of each group so that customer equity over the horizon is highest
(scipy SLSQP under the budget constraint). At an interior optimum the last unit
of money earns the same customer equity wherever it goes, which is Blattberg &
Deighton's condition that the marginal cost of acquiring and of retaining a
client be balanced against what each client is worth (Pfeifer 2005);
:func:`marginal_equity` measures it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.marketing.simulator import ClientGroup, MarketModel, make_plan

__all__ = ["equity_of_budgets", "marginal_equity", "optimal_plan"]

FloatArray = npt.NDArray[np.float64]


def _lines(model: MarketModel) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for g in model.groups:
        if g.acquisition is not None and g.prospects > 0:
            out.append((g.name, "acquisition_budget"))
        if g.retention is not None and (
            g.clients > 0 or (g.acquisition is not None and g.prospects > 0)
        ):
            out.append((g.name, "retention_budget"))
    return out


def _periods(
    g: ClientGroup, acq: float, ret: float, horizon: int
) -> Iterator[tuple[float, float, float]]:
    """Per period: prospects and clients at its start, and clients at its end.

    Constant spend per period ``acq`` and ``ret``; the response curves give the
    acquisition and retention rates from the spend per head.
    """
    prospects, clients = float(g.prospects), float(g.clients)
    for _ in range(horizon):
        start = (prospects, clients)
        a = float(g.acquisition.rate(acq / prospects)) if g.acquisition and prospects > 0 else 0.0
        r = float(g.retention.rate(ret / clients)) if g.retention and clients > 0 else 0.0
        acquired = prospects * a
        clients = clients * r + acquired
        prospects -= acquired
        yield start[0], start[1], clients


def equity_of_budgets(model: MarketModel, acquisition: FloatArray, retention: FloatArray) -> float:
    """Compute the customer equity of per-period budgets given as arrays (one per group).

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    acquisition, retention : array
        Acquisition and retention budget per period of each group, in the order
        of ``model.groups``.

    Returns
    -------
    float
        Discounted margin minus discounted spend; the same number as
        ``evaluate_plan(...)["customer_equity"]`` but without building tables.
    """
    total = 0.0
    d = 1.0 + model.discount_rate
    for i, g in enumerate(model.groups):
        acq, ret = float(acquisition[i]), float(retention[i])
        for t, (_, _, clients) in enumerate(_periods(g, acq, ret, model.horizon), start=1):
            total += (clients * g.margin - acq - ret) / d**t
    return total


def _plan_arrays(model: MarketModel, plan: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    return (
        plan["acquisition_budget"].to_numpy(dtype="float64"),
        plan["retention_budget"].to_numpy(dtype="float64"),
    )


def marginal_equity(
    model: MarketModel,
    plan: pd.DataFrame | Mapping[str, Mapping[str, float]],
    *,
    step: float | None = None,
) -> pd.Series:
    """Compute the customer equity one more unit of budget per period earns on each line.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    plan : DataFrame or mapping
        Per-period budgets (see :func:`make_plan`).
    step : float, optional
        Finite-difference step (default: 1e-5 of the plan's total, at least 1e-6).

    Returns
    -------
    Series
        Indexed by ``"<group>:<acquisition|retention>"`` for every line that can
        take money (a curve and a non-empty base): d(customer equity) /
        d(budget per period), central differences (one-sided at zero budget).
    """
    plan = make_plan(model, plan)
    acq, ret = _plan_arrays(model, plan)
    h = step if step is not None else max(1e-5 * float(acq.sum() + ret.sum()), 1e-6)
    names = model.group_names
    out: dict[str, float] = {}
    for group, column in _lines(model):
        i = names.index(group)
        arrays = [acq.copy(), ret.copy()]
        j = 0 if column == "acquisition_budget" else 1
        base = arrays[j][i]
        lo = max(base - h, 0.0)
        up_arr = [a.copy() for a in arrays]
        lo_arr = [a.copy() for a in arrays]
        up_arr[j][i] = base + h
        lo_arr[j][i] = lo
        diff = equity_of_budgets(model, *up_arr) - equity_of_budgets(model, *lo_arr)
        out[f"{group}:{column.removesuffix('_budget')}"] = diff / (base + h - lo)
    return pd.Series(out, name="marginal_equity", dtype="float64")


def _bases(model: MarketModel, acquisition: FloatArray, retention: FloatArray) -> FloatArray:
    """Return the base of each (group, purpose) at each period start, shape (groups, 2, horizon)."""
    out = np.zeros((len(model.groups), 2, model.horizon))
    for i, g in enumerate(model.groups):
        acq, ret = float(acquisition[i]), float(retention[i])
        for t, (prospects, clients, _) in enumerate(_periods(g, acq, ret, model.horizon)):
            out[i, 0, t], out[i, 1, t] = prospects, clients
    return out


def optimal_plan(
    model: MarketModel,
    *,
    budget: float,
    spend_all: bool = False,
    spend_range_factor: float | None = 1.0,
    starts: int = 3,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Split a per-period budget across groups and purposes to maximise customer equity.

    By default every line spends per head (budget over its base in the first
    simulated period where that base is not empty) within the range its response
    curve was fitted on (the curve's ``spend_range``): outside it the curve is an
    extrapolation. ``spend_range_factor`` widens that range; curves without a
    ``spend_range`` are not limited.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    budget : float
        Largest total marketing budget per period (> 0).
    spend_all : bool, default False
        Require the whole budget to be spent (equality constraint). Otherwise the
        optimum may leave money unspent when spending it would lower equity.
    spend_range_factor : float or None, default 1.0
        Widening of the allowed spend per head of a line: from the lowest
        observed / factor to the highest observed × factor (>= 1; None: no
        limit). Check a plan with :func:`~clientalytics.marketing.simulator.plan_extrapolation`.
    starts : int, default 3
        Starting points (the equal split and random splits); the best result wins.
    random_state : int, optional
        Seed of the random starting points.

    Returns
    -------
    DataFrame
        The optimal plan (see :func:`make_plan`).

    Raises
    ------
    ConvergenceError
        When no start converges.
    ValidationError
        When the budget cannot buy the least observed spend per head on every line.
    """
    if not (np.isfinite(budget) and budget > 0):
        raise ValidationError(f"budget must be a positive number, got {budget}")
    lines = _lines(model)
    if not lines:
        raise ValidationError("no group has a response curve and a non-empty base to spend on")
    names = model.group_names
    n = len(lines)
    scale = abs(equity_of_budgets(model, np.zeros(len(names)), np.zeros(len(names)))) or 1.0

    def to_arrays(x: FloatArray) -> tuple[FloatArray, FloatArray]:
        acq = np.zeros(len(names))
        ret = np.zeros(len(names))
        for (group, column), value in zip(lines, x, strict=True):
            target = acq if column == "acquisition_budget" else ret
            target[names.index(group)] = max(value, 0.0) * budget
        return acq, ret

    def objective(x: FloatArray) -> float:
        return -equity_of_budgets(model, *to_arrays(x)) / scale

    constraint = {
        "type": "eq" if spend_all else "ineq",
        "fun": lambda x: 1.0 - float(np.sum(x)),
        "jac": lambda x: -np.ones_like(x),
    }
    constraints: list[dict[str, Any]] = [constraint]
    limits: list[tuple[int, int, int, float, float]] = []
    if spend_range_factor is not None:
        if not (np.isfinite(spend_range_factor) and spend_range_factor >= 1):
            raise ValidationError(
                f"spend_range_factor must be a number >= 1 or None, got {spend_range_factor}"
            )
        for j, (group, column) in enumerate(lines):
            g = model.group(group)
            curve = g.acquisition if column == "acquisition_budget" else g.retention
            if curve is not None and curve.spend_range is not None:
                kind = 0 if column == "acquisition_budget" else 1
                lo, hi = curve.spend_range
                limits.append((j, names.index(group), kind, lo, hi))
        factor = float(spend_range_factor)

        def first_bases(x: FloatArray) -> list[float]:
            bases = _bases(model, *to_arrays(x))
            out: list[float] = []
            for _, i, kind, _, _ in limits:
                live = np.flatnonzero(bases[i, kind] > 0)
                out.append(float(bases[i, kind, live[0]]) if live.size else 0.0)
            return out

        least = sum(
            lo / factor * base
            for (_, _, _, lo, _), base in zip(limits, first_bases(np.zeros(n)), strict=True)
        )
        if least > budget * (1 + 1e-9):
            raise ValidationError(
                f"budget {budget:,.2f} is below the least spend per head observed on every line "
                f"({least:,.2f} per period in total); raise the budget, widen the range with "
                "spend_range_factor or pass spend_range_factor=None"
            )
        if limits:

            def within_range(x: FloatArray) -> FloatArray:
                out: list[float] = []
                for (j, _, _, lo, hi), base in zip(limits, first_bases(x), strict=True):
                    spent = max(float(x[j]), 0.0)
                    out.append(factor * hi * base / budget - spent)
                    out.append(spent - lo / factor * base / budget)
                return np.asarray(out, dtype="float64")

            constraints.append({"type": "ineq", "fun": within_range})
    rng = np.random.default_rng(random_state)
    x0s = [np.full(n, 1.0 / n)] + [rng.dirichlet(np.ones(n)) for _ in range(max(starts - 1, 0))]
    best: optimize.OptimizeResult | None = None
    for x0 in x0s:
        res = optimize.minimize(
            objective,
            x0,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * n,
            constraints=constraints,
            options={"ftol": 1e-12, "maxiter": 500},
        )
        if res.success and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ConvergenceError(
            "the budget optimisation did not converge from any start; try more starts, a "
            "smaller horizon or checking that the response curves are not degenerate"
        )
    acq, ret = to_arrays(np.asarray(best.x, dtype="float64"))
    plan = pd.DataFrame({"acquisition_budget": acq, "retention_budget": ret}, index=names)
    return make_plan(model, plan)
