"""Redistributing the client base between managers with a mixed-integer program.

Given managers (capacity, role, region, specialisation) and clients (value,
estimated workload, current manager), :func:`redistribute_portfolio` finds the
assignment that

- gives every client exactly one eligible manager (see
  :func:`clientalytics.managers.eligibility`),
- keeps each manager within capacity (number of clients),
- and minimises ``move_cost x moves + workload_weight x Dw + value_weight x Dv``,

where ``Dw`` (``Dv``) is the largest (``balance="max"``) or the mean
(``balance="mean"``) absolute deviation, in percent, of a manager's workload
(value) from its fair share. A manager's fair share of the total is
proportional to its capacity (equal shares when some capacity is missing). The
problem is solved with :func:`scipy.optimize.milp` (HiGHS) on binary
assignment variables; the maximum deviations are linearised with two continuous
variables.

The solver's effort is bounded by work, not by time: it stops at the relative
optimality gap ``mip_rel_gap`` or after ``node_limit`` branch-and-bound nodes,
whichever comes first, and HiGHS is deterministic, so the same input gives the
same assignment on any machine and under any load. A ``time_limit`` can be added
as a safety net, at the price of results that depend on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.managers.eligibility import eligibility
from clientalytics.schema import require

#: Columns of :attr:`RedistributionResult.assignment`.
ASSIGNMENT_COLUMNS = [
    "client_id",
    "current_manager",
    "new_manager",
    "moved",
    "reason",
    "workload",
    "value",
]
#: Columns of :attr:`RedistributionResult.before` and ``after``.
LOAD_COLUMNS = [
    "manager_id",
    "capacity",
    "n_clients",
    "workload",
    "value",
    "workload_share_target",
    "workload_deviation_pct",
    "value_deviation_pct",
    "over_capacity",
]


@dataclass
class RedistributionResult:
    """Outcome of :func:`redistribute_portfolio`.

    Attributes
    ----------
    assignment : pandas.DataFrame
        One row per client, columns :data:`ASSIGNMENT_COLUMNS`: current and
        proposed manager, whether it moves, why (empty when it stays), its
        workload and value.
    moves : pandas.DataFrame
        The rows of ``assignment`` that move.
    before, after : pandas.DataFrame
        One row per manager, columns :data:`LOAD_COLUMNS`: capacity, number of
        clients, workload and value held, fair share of the workload, deviation of
        workload and of value from the fair share in percent, whether over
        capacity. ``before`` counts only clients whose current manager is in the
        managers table.
    n_moves : int
        Number of clients that change manager (newly assigned clients included).
    objective : float
        Value of the minimised objective.
    status : str
        ``"optimal"`` (proven within ``mip_rel_gap``), ``"node_limit"`` when the
        node limit stopped the solver with a feasible assignment whose objective is
        at most ``mip_gap`` above the best possible one, or ``"time_limit"`` when a
        time limit did (then the outcome depends on the machine's speed).
    mip_gap : float
        Relative gap between :attr:`objective` and the solver's lower bound on it,
        ``(objective - bound) / objective`` (0 when proven optimal): the
        assignment's objective is within this share of the best possible one.
    """

    assignment: pd.DataFrame
    moves: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    n_moves: int
    objective: float
    status: str
    mip_gap: float


def _numeric(clients: pd.DataFrame, col: str) -> np.ndarray:
    require(clients, "clients", [col])
    values = pd.to_numeric(clients[col], errors="coerce").astype(float)
    bad = clients.loc[~np.isfinite(values.to_numpy()) | (values.to_numpy() < 0), "client_id"]
    if len(bad):
        raise ValidationError(
            f"clients: column {col!r} needs finite non-negative numbers; {len(bad)} bad row(s), "
            f"e.g. clients {bad.astype(str).head(3).tolist()}"
        )
    return values.to_numpy()


def _capacities(managers: pd.DataFrame, n_clients: int) -> tuple[np.ndarray, np.ndarray]:
    if "capacity" in managers.columns:
        cap = pd.to_numeric(managers["capacity"], errors="coerce").astype(float).to_numpy()
    else:
        cap = np.full(len(managers), np.nan)
    known = np.isfinite(cap)
    bad = managers.loc[known & (cap < 0), "manager_id"]
    if len(bad):
        raise ValidationError(
            f"managers: column 'capacity' has {len(bad)} negative value(s), e.g. "
            f"{bad.astype(str).head(3).tolist()}"
        )
    limit = np.where(known, np.floor(cap), float(n_clients))
    share = cap / cap.sum() if known.all() and cap.sum() > 0 else np.full(len(cap), 1 / len(cap))
    return limit, share


def _check_feasible(
    allowed: np.ndarray,
    reason: np.ndarray,
    limit: np.ndarray,
    c_ids: np.ndarray,
    m_ids: np.ndarray,
) -> None:
    none = ~allowed.any(axis=1)
    if none.any():
        first = int(np.flatnonzero(none)[0])
        why = pd.Series(reason[first]).value_counts().to_dict()
        raise ValidationError(
            f"{int(none.sum())} client(s) have no eligible manager, e.g. "
            f"{c_ids[none][:5].tolist()} ({c_ids[first]} is ruled out by: {why}, counted "
            "over managers); relax the rules or add a manager"
        )
    total = limit.sum()
    if len(c_ids) > total:
        raise ValidationError(
            f"capacity too small: {len(c_ids)} clients but total capacity {int(total)}; "
            f"shortfall of {int(len(c_ids) - total)} client(s)"
        )
    patterns = {tuple(row) for row in allowed}
    for pattern in patterns:
        mask = np.array(pattern, dtype=bool)
        inside = (allowed & ~mask).sum(axis=1) == 0
        need, have = int(inside.sum()), int(limit[mask].sum())
        if need > have:
            raise ValidationError(
                f"capacity too small: {need} client(s) can only go to managers "
                f"{m_ids[mask].tolist()} whose capacity totals {have}; shortfall of "
                f"{need - have} client(s), e.g. {c_ids[inside][:5].tolist()}"
            )


def _load_table(
    owner: np.ndarray,
    m_ids: np.ndarray,
    limit: np.ndarray,
    capacity: np.ndarray,
    share: np.ndarray,
    workload: np.ndarray,
    value: np.ndarray,
) -> pd.DataFrame:
    rows = []
    tw, tv = workload.sum(), value.sum()
    for j, m in enumerate(m_ids):
        mine = owner == m
        w, v = workload[mine].sum(), value[mine].sum()
        target_w, target_v = tw * share[j], tv * share[j]
        rows.append(
            {
                "manager_id": m,
                "capacity": capacity[j],
                "n_clients": int(mine.sum()),
                "workload": float(w),
                "value": float(v),
                "workload_share_target": float(target_w),
                # A target too small to divide by (zero, or underflowed) means no deviation.
                "workload_deviation_pct": (
                    float(100 * (w - target_w) / target_w) if target_w > 0 else 0.0
                ),
                "value_deviation_pct": float(100 * (v - target_v) / target_v)
                if target_v > 0
                else 0.0,
                "over_capacity": bool(mine.sum() > limit[j]),
            }
        )
    return pd.DataFrame(rows, columns=LOAD_COLUMNS)


def redistribute_portfolio(
    clients: pd.DataFrame,
    managers: pd.DataFrame,
    *,
    workload_col: str = "workload",
    value_col: str = "value",
    current_col: str = "manager_id",
    match_region: bool = True,
    type_col: str | None = None,
    stage_col: str | None = "relation_to_firm",
    role_rules: Mapping[str, frozenset[str] | set[str]] | None = None,
    move_cost: float = 1.0,
    workload_weight: float = 1.0,
    value_weight: float = 0.5,
    balance: Literal["max", "mean"] = "mean",
    node_limit: int | None = 1000,
    time_limit: float | None = None,
    mip_rel_gap: float = 1e-3,
) -> RedistributionResult:
    """Propose a capacity- and specialisation-respecting, balanced, low-churn assignment.

    Parameters
    ----------
    clients : pandas.DataFrame
        One row per client: ``client_id``, ``current_col`` (current manager, may
        be empty), ``workload_col`` (estimated workload, e.g. hours per year, see
        :func:`clientalytics.managers.client_workload`), ``value_col`` (e.g. CLV
        or annual margin; negative values are not allowed) and the columns the
        eligibility rules use.
    managers : pandas.DataFrame
        One row per manager who can take clients: ``manager_id``, ``capacity``
        (maximum number of clients; missing = no limit) and optionally ``role``,
        ``region``, ``specialisation``.
    workload_col, value_col, current_col : str
        Column names in ``clients``.
    match_region, type_col, stage_col, role_rules
        Eligibility rules, see :func:`clientalytics.managers.eligibility`.
    move_cost : float
        Cost of moving one client (positive).
    workload_weight, value_weight : float
        Cost of one percentage point of the largest workload (value) deviation
        from a manager's fair share. With the defaults, the optimiser moves one
        more client only if that cuts the worst workload deviation by at least one
        percentage point (or the worst value deviation by two).
    balance : {"max", "mean"}
        Imbalance measured as the largest deviation over managers (``"max"``: the
        worst-off manager counts) or as the mean absolute deviation (``"mean"``:
        every manager counts; usually solves faster on large bases).
    node_limit : int, optional
        Branch-and-bound nodes the solver may explore (HiGHS ``node_limit``);
        ``None`` for no limit. A limit on work: the result does not depend on the
        machine or its load.
    time_limit : float, optional
        Seconds the solver may run; ``None`` (the default) for no limit. When it
        stops the solver, the result depends on the machine's speed; prefer
        ``node_limit`` where the same input must give the same output.
    mip_rel_gap : float
        Relative optimality gap at which the solver stops (HiGHS ``mip_rel_gap``),
        relative to the whole objective (moves included).

    Returns
    -------
    RedistributionResult

    Raises
    ------
    ValidationError
        Bad inputs, a client without any eligible manager, or capacity too small
        (the message gives the shortfall and the managers concerned).
    ConvergenceError
        The solver stopped without any feasible assignment (node or time limit too
        small).
    """
    if not len(clients) or not len(managers):
        raise ValidationError(
            f"need at least one client and one manager; got {len(clients)} and {len(managers)}"
        )
    if move_cost <= 0 or workload_weight < 0 or value_weight < 0:
        raise ValidationError(
            "move_cost must be positive and the balance weights non-negative; got "
            f"{move_cost}, {workload_weight}, {value_weight}"
        )
    if node_limit is not None and node_limit < 1:
        raise ValidationError(f"node_limit must be a positive number of nodes, got {node_limit}")
    if balance not in ("max", "mean"):
        raise ValidationError(f"balance must be 'max' or 'mean', got {balance!r}")
    require(clients, "clients", [current_col], hint="current_col names the current manager")
    workload = _numeric(clients, workload_col)
    value = _numeric(clients, value_col)
    allowed_df, reason_df = eligibility(
        clients,
        managers,
        match_region=match_region,
        type_col=type_col,
        stage_col=stage_col,
        role_rules=role_rules,
    )
    allowed = allowed_df.to_numpy()
    c_ids = clients["client_id"].astype(str).to_numpy()
    m_ids = managers["manager_id"].astype(str).to_numpy()
    n, k = allowed.shape
    capacity = (
        pd.to_numeric(managers["capacity"], errors="coerce").astype(float).to_numpy()
        if "capacity" in managers.columns
        else np.full(k, np.nan)
    )
    limit, share = _capacities(managers, n)
    _check_feasible(allowed, reason_df.to_numpy(), limit, c_ids, m_ids)
    current = clients[current_col].astype("string").fillna("").astype(str).to_numpy()
    m_pos = {m: j for j, m in enumerate(m_ids)}

    ii, jj = np.nonzero(allowed)
    n_pairs = len(ii)
    stays = np.array([current[i] == m_ids[j] for i, j in zip(ii, jj, strict=True)], dtype=bool)
    totals = [(workload, workload_weight), (value, value_weight)]
    active = [(amount, weight) for amount, weight in totals if amount.sum() > 0 and weight > 0]
    # variables: x (n_pairs binaries), then per balanced quantity either one maximum
    # deviation (balance="max") or one deviation per manager (balance="mean"), in percent,
    # and last one variable fixed at 1 that carries the constant of the objective
    # (moves = n - sum(x on current pairs)), so that the solver's gap is relative to
    # the whole objective
    per_quantity = 1 if balance == "max" else k
    n_var = n_pairs + per_quantity * len(active) + 1
    c = np.zeros(n_var)
    c[:n_pairs] = -move_cost * stays
    c[-1] = move_cost * n

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    r = 0

    def add(row_cols: np.ndarray, row_vals: np.ndarray, low: float, high: float) -> None:
        nonlocal r
        rows.extend([r] * len(row_cols))
        cols.extend(row_cols.tolist())
        vals.extend(row_vals.tolist())
        lo.append(low)
        hi.append(high)
        r += 1

    pair_idx = np.arange(n_pairs)
    for i in range(n):
        sel = pair_idx[ii == i]
        add(sel, np.ones(len(sel)), 1.0, 1.0)
    for j in range(k):
        sel = pair_idx[jj == j]
        add(sel, np.ones(len(sel)), -np.inf, limit[j])
    for q, (amount, weight) in enumerate(active):
        first_dev = n_pairs + q * per_quantity
        if balance == "max":
            c[first_dev] = weight
        else:
            c[first_dev : first_dev + k] = weight / k
        total = amount.sum()
        for j in range(k):
            dev = first_dev if balance == "max" else first_dev + j
            target = total * share[j]
            sel = pair_idx[jj == j]
            # load - target * D / 100 <= target  and  load + target * D / 100 >= target
            add(np.append(sel, dev), np.append(amount[ii[sel]], -target / 100.0), -np.inf, target)
            add(np.append(sel, dev), np.append(amount[ii[sel]], target / 100.0), target, np.inf)
    matrix = coo_array((vals, (rows, cols)), shape=(r, n_var)).tocsr()
    # HiGHS takes 32-bit sparse indices (scipy 1.11 refuses 64-bit ones).
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    integrality = np.append(np.ones(n_pairs), np.zeros(n_var - n_pairs))
    lower = np.zeros(n_var)
    upper = np.append(np.ones(n_pairs), np.full(n_var - n_pairs, np.inf))
    lower[-1] = upper[-1] = 1.0
    options: dict[str, float | int] = {"mip_rel_gap": float(mip_rel_gap)}
    if node_limit is not None:
        options["node_limit"] = int(node_limit)
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(
        c,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options=options,
    )
    if res.x is None:
        if res.status == 2:
            raise ValidationError(
                "no assignment satisfies capacity and eligibility together; check the "
                "capacities of the managers each client group may go to"
            )
        raise ConvergenceError(
            f"the solver found no feasible assignment ({res.message}); raise node_limit "
            "(or time_limit)"
        )
    chosen = res.x[:n_pairs] > 0.5
    new_owner = np.empty(n, dtype=object)
    new_owner[ii[chosen]] = m_ids[jj[chosen]]
    moved = new_owner != current

    before_owner = current
    before = _load_table(before_owner, m_ids, limit, capacity, share, workload, value)
    after = _load_table(new_owner.astype(str), m_ids, limit, capacity, share, workload, value)
    over = dict(zip(before["manager_id"], before["over_capacity"], strict=True))
    reasons = []
    for i in range(n):
        if not moved[i]:
            reasons.append("")
        elif current[i] == "":
            reasons.append("unassigned: given a manager")
        elif current[i] not in m_pos:
            reasons.append(f"current manager {current[i]} is not in the managers table")
        elif not allowed[i, m_pos[current[i]]]:
            rule = str(reason_df.iat[i, m_pos[current[i]]])
            reasons.append(f"current manager not eligible ({rule})")
        elif over[current[i]]:
            reasons.append(f"current manager {current[i]} over capacity")
        else:
            reasons.append("balances workload and value")
    assignment = pd.DataFrame(
        {
            "client_id": c_ids,
            "current_manager": pd.Series(current).replace("", None).to_numpy(),
            "new_manager": new_owner.astype(str),
            "moved": moved,
            "reason": reasons,
            "workload": workload,
            "value": value,
        }
    )
    n_moves = int(moved.sum())
    if res.status == 0:
        status = "optimal"
    elif "time limit" in str(res.message).lower():
        status = "time_limit"
    else:
        status = "node_limit"
    return RedistributionResult(
        assignment=assignment,
        moves=assignment[assignment["moved"]].reset_index(drop=True),
        before=before,
        after=after,
        n_moves=n_moves,
        objective=float(res.fun),
        status=status,
        mip_gap=float(getattr(res, "mip_gap", 0.0) or 0.0),
    )
