"""Simulation of client groups under a marketing budget plan, period by period.

A :class:`MarketModel` holds client groups (e.g. prospects, valuable and
low-value clients), a horizon and a discount rate. A plan gives each group a
per-period acquisition budget (spent on its prospect pool) and retention budget
(spent on its current clients). Each period, per group:

* spend per prospect ``A = acquisition_budget / prospects``, per client
  ``R = retention_budget / clients``;
* ``acquired = prospects · a(A)``, ``retained = clients · r(R)`` with the group's
  :class:`~clientalytics.marketing.response.ResponseCurve` s;
* the clients of the period are ``retained + acquired``; each brings the group's
  margin and revenue per period; the prospect pool shrinks by ``acquired``;
* cash flows of period t (1..horizon) are discounted by ``(1 + d)^t``.

Customer equity (Blattberg & Deighton) is the discounted margin of the clients
minus the discounted marketing spend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.response import ResponseCurve

__all__ = [
    "ClientGroup",
    "MarketModel",
    "evaluate_plan",
    "make_plan",
    "plan_extrapolation",
    "simulate_plan",
]

PLAN_COLUMNS = ["acquisition_budget", "retention_budget"]


@dataclass(frozen=True)
class ClientGroup:
    """One client group of the strategy simulator.

    Parameters
    ----------
    name : str
        Group name (e.g. "prospects", "valuable", "low_value").
    clients : float
        Clients in the group at the start of the horizon.
    margin : float
        Margin (revenue − variable cost) per client per period.
    revenue : float
        Revenue per client per period (for marketing ROS).
    retention : ResponseCurve, optional
        Retention rate as a function of retention spend per client per period.
        Without it the group keeps no client from one period to the next.
    prospects : float, default 0
        Prospects the group can still win (the acquisition pool).
    acquisition : ResponseCurve, optional
        Share of the pool acquired per period as a function of acquisition
        spend per prospect.
    """

    name: str
    clients: float
    margin: float
    revenue: float
    retention: ResponseCurve | None = None
    prospects: float = 0.0
    acquisition: ResponseCurve | None = None

    def __post_init__(self) -> None:
        for attr in ("clients", "margin", "revenue", "prospects"):
            value = getattr(self, attr)
            if not np.isfinite(value):
                raise ValidationError(f"group {self.name!r}: {attr} must be finite, got {value}")
        if self.clients < 0 or self.prospects < 0:
            raise ValidationError(
                f"group {self.name!r}: clients and prospects must be >= 0, got "
                f"{self.clients} and {self.prospects}"
            )


@dataclass(frozen=True)
class MarketModel:
    """Client groups, planning horizon and discount rate of a strategy simulation.

    Parameters
    ----------
    groups : sequence of ClientGroup
        The groups, with distinct names.
    horizon : int, default 12
        Number of periods simulated.
    discount_rate : float, default 0.01
        Discount rate per period.
    """

    groups: Sequence[ClientGroup]
    horizon: int = 12
    discount_rate: float = 0.01
    _names: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(g.name for g in self.groups)
        if len(set(names)) != len(names) or not names:
            raise ValidationError(f"groups need distinct names and at least one group, got {names}")
        if self.horizon < 1:
            raise ValidationError(f"horizon must be >= 1 period, got {self.horizon}")
        if not (np.isfinite(self.discount_rate) and self.discount_rate > -1):
            raise ValidationError(f"discount_rate must be > -1, got {self.discount_rate}")
        object.__setattr__(self, "_names", names)

    def group(self, name: str) -> ClientGroup:
        """Return the group called ``name``."""
        for g in self.groups:
            if g.name == name:
                return g
        raise ValidationError(f"no group named {name!r}; groups are {list(self._names)}")

    @property
    def group_names(self) -> list[str]:
        """Names of the groups, in order."""
        return list(self._names)


def make_plan(
    model: MarketModel, budgets: Mapping[str, Mapping[str, float]] | pd.DataFrame
) -> pd.DataFrame:
    """Build a budget plan table for ``model``.

    Parameters
    ----------
    model : MarketModel
        The groups the plan is for.
    budgets : mapping or DataFrame
        Per group, ``{"acquisition_budget": ..., "retention_budget": ...}`` (per
        period); groups or columns left out get 0.

    Returns
    -------
    DataFrame
        Indexed by group name (every group of the model), columns
        ``acquisition_budget`` and ``retention_budget``.
    """
    frame = budgets if isinstance(budgets, pd.DataFrame) else pd.DataFrame(budgets).T
    unknown = sorted(set(map(str, frame.index)) - set(model.group_names))
    if unknown:
        raise ValidationError(f"plan names {len(unknown)} unknown group(s), e.g. {unknown[:3]}")
    bad_cols = sorted(set(map(str, frame.columns)) - set(PLAN_COLUMNS))
    if bad_cols:
        raise ValidationError(f"plan columns must be {PLAN_COLUMNS}, got extra {bad_cols}")
    plan = (
        frame.reindex(index=model.group_names, columns=PLAN_COLUMNS).fillna(0.0).astype("float64")
    )
    values = plan.to_numpy()
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValidationError("plan budgets must be finite and >= 0")
    budgets_of = _budgets(plan)
    for g in model.groups:
        acq_budget, ret_budget = budgets_of[g.name]
        if acq_budget > 0 and g.acquisition is None:
            raise ValidationError(
                f"group {g.name!r} has an acquisition budget but no acquisition curve"
            )
        if ret_budget > 0 and g.retention is None:
            raise ValidationError(f"group {g.name!r} has a retention budget but no retention curve")
    plan.index.name = "group"
    return plan


def _budgets(plan: pd.DataFrame) -> dict[str, tuple[float, float]]:
    acq = plan["acquisition_budget"].to_numpy(dtype="float64")
    ret = plan["retention_budget"].to_numpy(dtype="float64")
    return {str(n): (float(a), float(r)) for n, a, r in zip(plan.index, acq, ret, strict=True)}


def _rate(curve: ResponseCurve | None, spend: float) -> float:
    return 0.0 if curve is None else float(curve.rate(spend))


def simulate_plan(
    model: MarketModel, plan: pd.DataFrame | Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """Simulate every group period by period under ``plan``.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    plan : DataFrame or mapping
        Per-period budgets per group (see :func:`make_plan`).

    Returns
    -------
    DataFrame
        One row per period (1..horizon) and group, columns ``period``, ``group``,
        ``prospects_start``, ``clients_start``, ``acquisition_budget``,
        ``retention_budget``, ``acquisition_rate``, ``retention_rate``,
        ``acquired``, ``retained``, ``clients_end``, ``initial_clients_left``
        (clients of the start of the horizon still there), ``revenue``,
        ``margin``, ``marketing_spend`` and ``discount_factor``.
    """
    plan = make_plan(model, plan)
    rows: list[dict[str, float | int | str]] = []
    budgets_of = _budgets(plan)
    for g in model.groups:
        acq_budget, ret_budget = budgets_of[g.name]
        prospects, clients, initial = float(g.prospects), float(g.clients), float(g.clients)
        for t in range(1, model.horizon + 1):
            a = _rate(g.acquisition, acq_budget / prospects) if prospects > 0 else 0.0
            r = _rate(g.retention, ret_budget / clients) if clients > 0 else 0.0
            acquired, retained = prospects * a, clients * r
            end = acquired + retained
            initial *= r
            rows.append(
                {
                    "period": t,
                    "group": g.name,
                    "prospects_start": prospects,
                    "clients_start": clients,
                    "acquisition_budget": acq_budget,
                    "retention_budget": ret_budget,
                    "acquisition_rate": a,
                    "retention_rate": r,
                    "acquired": acquired,
                    "retained": retained,
                    "clients_end": end,
                    "initial_clients_left": initial,
                    "revenue": end * g.revenue,
                    "margin": end * g.margin,
                    "marketing_spend": acq_budget + ret_budget,
                    "discount_factor": (1.0 + model.discount_rate) ** -t,
                }
            )
            prospects -= acquired
            clients = end
    return pd.DataFrame(rows)


def evaluate_plan(
    model: MarketModel, plan: pd.DataFrame | Mapping[str, Mapping[str, float]]
) -> pd.Series:
    """Summarise a plan over the horizon: clients, revenue, NMC, ROS, ROI, customer equity.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    plan : DataFrame or mapping
        Per-period budgets per group (see :func:`make_plan`).

    Returns
    -------
    Series
        ``budget_per_period`` (sum of the plan), ``clients_acquired`` (over the
        horizon), ``clients_retained`` (clients of the start still there at the
        end), ``clients_end``, ``revenue``, ``margin``, ``marketing_spend``
        (undiscounted totals), ``nmc`` (margin − marketing spend),
        ``marketing_ros`` (NMC / revenue, NaN if no revenue), ``marketing_roi``
        (NMC / spend, NaN if nothing spent), ``discounted_margin`` and
        ``customer_equity`` (discounted margin − discounted spend).
    """
    sim = simulate_plan(model, plan)
    last = sim.loc[sim["period"] == model.horizon]
    revenue = float(sim["revenue"].sum())
    margin = float(sim["margin"].sum())
    spend = float(sim["marketing_spend"].sum())
    nmc = margin - spend
    disc_margin = float((sim["margin"] * sim["discount_factor"]).sum())
    disc_spend = float((sim["marketing_spend"] * sim["discount_factor"]).sum())
    return pd.Series(
        {
            "budget_per_period": float(make_plan(model, plan).to_numpy().sum()),
            "clients_acquired": float(sim["acquired"].sum()),
            "clients_retained": float(last["initial_clients_left"].sum()),
            "clients_end": float(last["clients_end"].sum()),
            "revenue": revenue,
            "margin": margin,
            "marketing_spend": spend,
            "nmc": nmc,
            "marketing_ros": nmc / revenue if revenue else float("nan"),
            "marketing_roi": nmc / spend if spend else float("nan"),
            "discounted_margin": disc_margin,
            "customer_equity": disc_margin - disc_spend,
        }
    )


def plan_extrapolation(
    model: MarketModel, plan: pd.DataFrame | Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """Compare the spend per head a plan implies with the spend its curves were fitted on.

    Spend per head is a line's budget over its base (prospects for acquisition,
    clients for retention) at the start of the first simulated period where that
    base is not empty (the first period for current groups; the second for the
    retention of clients not yet acquired). As groups shrink or grow over the
    horizon the spend per head of a fixed budget drifts;
    ``spend_per_head_horizon_max`` shows how far.

    Parameters
    ----------
    model : MarketModel
        Groups, horizon and discount rate.
    plan : DataFrame or mapping
        Per-period budgets (see :func:`make_plan`).

    Returns
    -------
    DataFrame
        One row per line with a curve and a non-empty base in some period, indexed
        by (``group``, ``purpose``): ``budget``, ``spend_per_head``,
        ``spend_per_head_horizon_max`` (largest over the horizon),
        ``observed_min``, ``observed_max`` (the curve's ``spend_range``; NaN when
        unknown), ``times_observed_max`` (``spend_per_head / observed_max``: above
        1 the plan spends beyond anything observed), ``times_observed_min``
        (``spend_per_head / observed_min``: below 1 it spends less than ever
        observed) and ``extrapolated`` (either happens).
    """
    sim = simulate_plan(model, plan)
    rows: list[dict[str, object]] = []
    for g in model.groups:
        part = sim.loc[sim["group"] == g.name]
        for purpose, curve, base_col in (
            ("acquisition", g.acquisition, "prospects_start"),
            ("retention", g.retention, "clients_start"),
        ):
            if curve is None:
                continue
            base = part[base_col].to_numpy(dtype="float64")
            budget = float(part[f"{purpose}_budget"].iloc[0]) if len(part) else 0.0
            ok = base > 0
            if not ok.any():
                continue
            per_head = budget / base[ok]
            lo, hi = curve.spend_range if curve.spend_range is not None else (np.nan, np.nan)
            ph_min = ph_max = float(per_head[0])
            t_max = ph_max / hi if hi > 0 else (np.inf if ph_max > 0 else 1.0)
            t_min = ph_min / lo if lo > 0 else 1.0
            rows.append(
                {
                    "group": g.name,
                    "purpose": purpose,
                    "budget": budget,
                    "spend_per_head": ph_max,
                    "spend_per_head_horizon_max": float(per_head.max()),
                    "observed_min": lo,
                    "observed_max": hi,
                    "times_observed_max": t_max if np.isfinite(hi) else np.nan,
                    "times_observed_min": t_min if np.isfinite(lo) else np.nan,
                    "extrapolated": bool(
                        np.isfinite(hi) and (t_max > 1 + 1e-9 or t_min < 1 - 1e-9)
                    ),
                }
            )
    columns = ["group", "purpose", "budget", "spend_per_head", "spend_per_head_horizon_max",
               "observed_min", "observed_max", "times_observed_max", "times_observed_min",
               "extrapolated"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index(["group", "purpose"])
