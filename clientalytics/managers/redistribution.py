"""Redistributing the client base between managers with a mixed-integer program.

Given managers (capacity, role, region, specialisation) and clients (value,
estimated workload, current manager), :func:`redistribute_portfolio` finds the
assignment that

- gives every client exactly one eligible manager (see
  :func:`clientalytics.managers.eligibility`; regions are kept unless the caller
  passes ``match_region=False``),
- keeps each manager within capacity (number of clients),
- moves at most a budget of clients (by default 10 % of them),
- and minimises ``sum of move costs + workload_weight x Dw + value_weight x Dv``,

where ``Dw`` (``Dv``) is the largest (``balance="max"``) or the mean
(``balance="mean"``) absolute deviation, in percent, of a manager's workload
(value) from its fair share. A manager's fair share of the total is
proportional to its capacity (equal shares when some capacity is missing). The
cost of moving a client grows with its value and the length of the relationship
(:func:`move_costs`), so a valuable long-standing client moves only for a large
gain. With ``breach_cost`` the rules become soft for the current assignment: a
client may stay with a manager the rules exclude, a manager may keep clients
above capacity, each breach costing ``breach_cost``; the budget then goes to the
fixes that pay most. Each move is reported with its cost and its gain (how much
the rest of the objective would rise were it undone).

Two methods solve it, both with :mod:`scipy.optimize` (HiGHS):

- ``"exact"``: :func:`scipy.optimize.milp` on one binary variable per eligible
  (client, manager) pair; the deviations are linearised with continuous
  variables. It stops at the relative optimality gap ``mip_rel_gap`` or after
  ``node_limit`` branch-and-bound nodes.
- ``"relaxation"``, for large bases: the linear relaxation of the same program,
  solved by column generation (a restricted program holds each client's current
  manager and the pairs that can lower the objective; the pairs' reduced costs,
  computed from the dual values per group of clients sharing the same eligible
  managers, add the next ones, for at most ``max_rounds`` rounds). The
  relaxation gives a lower bound on the best possible objective; the clients its
  solution leaves split between managers (at most about one per manager and
  balanced quantity) then go to the manager holding the largest part of each,
  within the capacity left (a transportation problem, whose basic solutions are
  whole). The reported gap is measured against that lower bound, so it is a
  proven bound on the distance to the optimum. On a handful of clients the
  bound is weak (a split client balances perfectly), hence ``"auto"``.

Either way the effort is bounded by work (nodes, rounds), not by time, and HiGHS
is deterministic, so the same input gives the same assignment on any machine and
under any load. A ``time_limit`` can be added as a safety net, at the price of
results that depend on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from scipy.sparse import csr_array

from clientalytics.exceptions import ConvergenceError, ValidationError
from clientalytics.managers.eligibility import RuleClashes, rule_clashes
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
    "move_cost",
    "gain",
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
#: Default move budget of :func:`redistribute_portfolio`: at most this share of clients moves.
DEFAULT_MAX_MOVE_SHARE = 0.1
#: Eligible (client, manager) pairs up to which ``method="auto"`` solves exactly.
EXACT_MAX_PAIRS = 20_000
#: Entries of the reduced-cost matrix priced at once (memory of one pricing block).
_PRICING_BLOCK = 2_000_000
#: Pairs with negative reduced cost added per client and column-generation round.
_COLUMNS_PER_ROUND = 16


@dataclass
class RedistributionResult:
    """Outcome of :func:`redistribute_portfolio`.

    Attributes
    ----------
    assignment : pandas.DataFrame
        One row per client, columns :data:`ASSIGNMENT_COLUMNS`: current and
        proposed manager, whether it moves, why (empty when it stays), its
        workload and value, ``move_cost`` (what moving it costs, see
        :func:`move_costs`) and ``gain`` (for a client that moves: how much the
        rest of the objective, balance and rule breaches, would rise if this move
        alone were undone; missing for clients that stay and for clients without a
        current manager).
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
        node limit stopped the exact solver with a feasible assignment whose
        objective is at most ``mip_gap`` above the best possible one,
        ``"relaxation"`` when the rounded relaxation is proven only within
        ``mip_gap`` (more than ``mip_rel_gap``), or ``"time_limit"`` when a time
        limit stopped the solver (then the outcome depends on the machine's speed).
    mip_gap : float
        Relative gap between :attr:`objective` and the solver's lower bound on it,
        ``(objective - bound) / objective`` (0 when proven optimal): the
        assignment's objective is within this share of the best possible one.
    method : str
        ``"exact"`` or ``"relaxation"``, see :func:`redistribute_portfolio`.
    lower_bound : float
        The lower bound on the best possible objective that ``mip_gap`` is measured
        against.
    budget : int or None
        Most moves allowed (``None``: no limit); ``n_moves <= budget``.
    total_gain : float
        Sum of ``gain`` over the moves.
    total_move_cost : float
        Sum of ``move_cost`` over the moves.
    """

    assignment: pd.DataFrame
    moves: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    n_moves: int
    objective: float
    status: str
    mip_gap: float
    method: str = "exact"
    lower_bound: float = float("nan")
    budget: int | None = None
    total_gain: float = float("nan")
    total_move_cost: float = float("nan")


def move_budget(
    n_clients: int, *, max_moves: int | None = None, max_move_share: float | None = None
) -> int | None:
    """Most clients that may move: the smaller of ``max_moves`` and ``floor(share x n)``.

    Parameters
    ----------
    n_clients : int
        Number of clients.
    max_moves : int, optional
        A number of clients.
    max_move_share : float, optional
        A share of the clients, in [0, 1].

    Returns
    -------
    int or None
        ``None`` when neither limit is given.

    Raises
    ------
    ValidationError
        A negative number or a share outside [0, 1].
    """
    if max_moves is not None and (int(max_moves) != max_moves or max_moves < 0):
        raise ValidationError(f"max_moves must be a non-negative whole number, got {max_moves}")
    if max_move_share is not None and not (0 <= max_move_share <= 1):
        raise ValidationError(f"max_move_share must lie in [0, 1], got {max_move_share}")
    limits = []
    if max_moves is not None:
        limits.append(int(max_moves))
    if max_move_share is not None:
        limits.append(int(np.floor(max_move_share * n_clients + 1e-9)))
    return min(limits) if limits else None


def move_costs(
    value: np.ndarray | pd.Series,
    tenure: np.ndarray | pd.Series | None = None,
    *,
    move_cost: float = 1.0,
    value_cost_weight: float = 1.0,
    tenure_cost_weight: float = 0.25,
) -> np.ndarray:
    """Cost of moving each client to another manager.

    ``cost_i = move_cost x (1 + value_cost_weight x value_i / mean(value)) x
    (1 + tenure_cost_weight x tenure_i)``: a client of average value with a new
    relationship costs ``move_cost x (1 + value_cost_weight)``; the cost grows in
    proportion to the client's value and to the years of the relationship, since
    a valuable client and a long relationship have more to lose with a new
    manager. With a mean value of 0 the value term is 0.

    Parameters
    ----------
    value : array-like
        Value per client (non-negative), as passed to :func:`redistribute_portfolio`.
    tenure : array-like, optional
        Length of each relationship in years (non-negative); ``None`` for 0.
    move_cost, value_cost_weight, tenure_cost_weight : float
        The formula's parameters; the weights are non-negative.

    Returns
    -------
    numpy.ndarray
        Cost per client, in the units of the redistribution objective.

    Raises
    ------
    ValidationError
        A non-positive ``move_cost`` or a negative weight.
    """
    if move_cost <= 0 or value_cost_weight < 0 or tenure_cost_weight < 0:
        raise ValidationError(
            "move_cost must be positive and the cost weights non-negative; got "
            f"{move_cost}, {value_cost_weight}, {tenure_cost_weight}"
        )
    v = np.asarray(value, dtype=float)
    t = np.zeros(len(v)) if tenure is None else np.asarray(tenure, dtype=float)
    mean = float(v.mean()) if len(v) else 0.0
    relative = v / mean if mean > 0 else np.zeros(len(v))
    return move_cost * (1 + value_cost_weight * relative) * (1 + tenure_cost_weight * t)


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
    rules: RuleClashes,
    allowed: np.ndarray,
    limit: np.ndarray,
    c_ids: np.ndarray,
    m_ids: np.ndarray,
) -> None:
    """Refuse clients without an eligible manager and client groups short of capacity."""
    group = rules.group
    none_group = np.asarray(~allowed.any(axis=1), dtype=bool)
    none = none_group[group]
    if none.any():
        first = int(np.flatnonzero(none)[0])
        why = pd.Series(rules.reasons()[group[first]]).value_counts().to_dict()
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
    counts = np.bincount(group, minlength=len(allowed))
    for mask in np.unique(allowed, axis=0):
        inside_groups = (allowed & ~mask).sum(axis=1) == 0
        need, have = int(counts[inside_groups].sum()), int(limit[mask].sum())
        if need > have:
            inside = inside_groups[group]
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
    """One row per manager; ``owner`` holds manager positions, -1 for none."""
    k = len(m_ids)
    held = owner >= 0
    n_clients = np.bincount(owner[held], minlength=k)
    w = np.bincount(owner[held], weights=workload[held], minlength=k)
    v = np.bincount(owner[held], weights=value[held], minlength=k)
    target_w, target_v = workload.sum() * share, value.sum() * share
    with np.errstate(divide="ignore", invalid="ignore"):
        # A target too small to divide by (zero, or underflowed) means no deviation.
        dev_w = np.where(target_w > 0, 100 * (w - target_w) / target_w, 0.0)
        dev_v = np.where(target_v > 0, 100 * (v - target_v) / target_v, 0.0)
    return pd.DataFrame(
        {
            "manager_id": m_ids,
            "capacity": capacity,
            "n_clients": n_clients.astype(np.int64),
            "workload": w.astype(float),
            "value": v.astype(float),
            "workload_share_target": target_w.astype(float),
            "workload_deviation_pct": dev_w.astype(float),
            "value_deviation_pct": dev_v.astype(float),
            "over_capacity": n_clients > limit,
        },
        columns=LOAD_COLUMNS,
    )


@dataclass(frozen=True)
class _Problem:
    """The data of one redistribution, in manager positions and arrays."""

    current: np.ndarray  # manager position of each client's current manager, -1 for none
    amounts: list[np.ndarray]  # balanced quantities per client (workload, value) with weight > 0
    weights: list[float]
    targets: list[np.ndarray]  # fair share of each quantity per manager
    limit: np.ndarray
    cost: np.ndarray  # cost of moving each client
    balance: str
    stay_penalty: np.ndarray  # cost of each client staying (a rule breach kept), 0 if none
    overload_cost: float  # cost per client above a manager's capacity (0: hard capacity)
    excess: np.ndarray  # clients each manager may hold above capacity (0: hard capacity)
    budget: int | None  # most clients that may move, None for no limit

    @property
    def k(self) -> int:
        return len(self.limit)

    def _deviation(self, load: np.ndarray, target: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.where(target > 0, 100 * np.abs(load - target) / target, 0.0)
        return float(dev.max()) if self.balance == "max" else float(dev.mean())

    def rest(self, owner: np.ndarray) -> float:
        """Objective of a complete assignment without the move costs."""
        stay = owner == self.current
        counts = np.bincount(owner, minlength=self.k)
        total = float(self.stay_penalty[stay].sum())
        total += self.overload_cost * float(np.maximum(counts - self.limit, 0).sum())
        for amount, weight, target in zip(self.amounts, self.weights, self.targets, strict=True):
            load = np.bincount(owner, weights=amount, minlength=self.k)
            total += weight * self._deviation(load, target)
        return total

    def objective(self, owner: np.ndarray) -> float:
        """Objective of a complete assignment (manager position per client)."""
        return float(self.cost[owner != self.current].sum()) + self.rest(owner)

    def gains(self, owner: np.ndarray) -> np.ndarray:
        """Gain of each move: how much the rest of the objective rises if it alone is undone.

        Missing for clients that stay and for clients without a current manager.
        """
        gain = np.full(len(owner), np.nan)
        counts = np.bincount(owner, minlength=self.k).astype(float)
        loads = [np.bincount(owner, weights=a, minlength=self.k) for a in self.amounts]
        base_over = float(np.maximum(counts - self.limit, 0).sum())
        base_dev = [self._deviation(ld, t) for ld, t in zip(loads, self.targets, strict=True)]
        for i in np.flatnonzero((owner != self.current) & (self.current >= 0)):
            new, old = int(owner[i]), int(self.current[i])
            change = float(self.stay_penalty[i])
            moved_counts = counts.copy()
            moved_counts[new] -= 1
            moved_counts[old] += 1
            over = float(np.maximum(moved_counts - self.limit, 0).sum())
            change += self.overload_cost * (over - base_over)
            for q, (amount, weight) in enumerate(zip(self.amounts, self.weights, strict=True)):
                load = loads[q].copy()
                load[new] -= amount[i]
                load[old] += amount[i]
                change += weight * (self._deviation(load, self.targets[q]) - base_dev[q])
            gain[i] = change
        return gain


def _build(
    prob: _Problem,
    ii: np.ndarray,
    jj: np.ndarray,
    current_rows: np.ndarray,
    amounts_rows: list[np.ndarray],
    limit: np.ndarray,
    offsets: list[np.ndarray] | None,
) -> tuple[np.ndarray, csr_array, np.ndarray, np.ndarray, int]:
    """Objective, constraint matrix and row bounds over the pairs ``(ii, jj)``.

    ``ii`` numbers the clients of the program ``0 .. n_rows - 1`` (their current
    managers ``current_rows`` and balanced amounts ``amounts_rows``), ``jj`` the
    managers. Variables: one per pair, then the deviations (one per quantity for
    ``balance="max"``, one per quantity and manager for ``"mean"``), then one
    variable fixed at 1 that carries the constant of the objective (moves =
    clients - pairs kept), so that the solver's gap is relative to the whole
    objective. Rows: one per client (exactly one manager), one per manager
    (capacity), then for each quantity and manager two rows: load within the
    deviation above and below the target, and, with a move budget, one row
    counting the pairs kept. The variables after the deviations are the clients
    each manager holds above capacity (bounded by ``prob.excess``, 0 unless
    capacity is soft). ``offsets`` are the loads of clients outside the program.
    """
    k = prob.k
    n_rows = len(current_rows)
    n_pairs = len(ii)
    per_quantity = 1 if prob.balance == "max" else k
    n_q = len(prob.amounts)
    first_over = n_pairs + per_quantity * n_q
    n_var = first_over + k + 1
    c = np.zeros(n_var)
    keep = current_rows[ii] == jj
    c[:n_pairs] = np.where(keep, prob.stay_penalty[ii] - prob.cost[ii], 0.0)
    c[first_over : first_over + k] = prob.overload_cost
    c[-1] = float(prob.cost.sum())
    pair = np.arange(n_pairs)
    managers = np.arange(k)
    # capacity: load - overload <= capacity, the overload bounded by the variable's bounds
    row_parts = [ii, n_rows + jj, n_rows + managers]
    col_parts = [pair, pair, first_over + managers]
    val_parts = [np.ones(n_pairs), np.ones(n_pairs), -np.ones(k)]
    lo = [np.ones(n_rows), np.full(k, -np.inf)]
    hi = [np.ones(n_rows), limit.astype(float)]
    for q in range(n_q):
        first_dev = n_pairs + q * per_quantity
        if prob.balance == "max":
            c[first_dev] = prob.weights[q]
            dev = np.full(k, first_dev)
        else:
            c[first_dev : first_dev + k] = prob.weights[q] / k
            dev = first_dev + managers
        target = prob.targets[q]
        offset = np.zeros(k) if offsets is None else offsets[q]
        base = n_rows + k + 2 * k * q
        amount = amounts_rows[q][ii]
        # load - target * D / 100 <= target  and  load + target * D / 100 >= target
        row_parts += [
            base + 2 * jj,
            base + 2 * managers,
            base + 2 * jj + 1,
            base + 2 * managers + 1,
        ]
        col_parts += [pair, dev, pair, dev]
        val_parts += [amount, -target / 100.0, amount, target / 100.0]
        rhs = target - offset
        lo += [np.column_stack([np.full(k, -np.inf), rhs]).ravel()]
        hi += [np.column_stack([rhs, np.full(k, np.inf)]).ravel()]
    n_con = n_rows + k + 2 * k * n_q
    if prob.budget is not None:
        # at most ``budget`` moves: pairs kept >= clients - budget
        kept = np.flatnonzero(keep)
        row_parts.append(np.full(len(kept), n_con))
        col_parts.append(kept)
        val_parts.append(np.ones(len(kept)))
        lo.append(np.array([float(n_rows - prob.budget)]))
        hi.append(np.array([np.inf]))
        n_con += 1
    rows = np.concatenate(row_parts)
    cols = np.concatenate(col_parts)
    vals = np.concatenate(val_parts)
    # Rows in order, columns in order within a row; explicit zeros are kept.
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    indptr = np.zeros(n_con + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_con), out=indptr[1:])
    # HiGHS takes 32-bit sparse indices (scipy 1.11 refuses 64-bit ones).
    matrix = csr_array((vals, cols.astype(np.int32), indptr.astype(np.int32)), shape=(n_con, n_var))
    return c, matrix, np.concatenate(lo), np.concatenate(hi), n_pairs


def _milp(
    prob: _Problem,
    ii: np.ndarray,
    jj: np.ndarray,
    current_rows: np.ndarray,
    amounts_rows: list[np.ndarray],
    limit: np.ndarray,
    offsets: list[np.ndarray] | None,
    options: dict[str, float | int],
) -> tuple[np.ndarray | None, OptimizeResult]:
    """Solve the exact program over the pairs; return the chosen pairs (or None) and the result."""
    c, matrix, lo, hi, n_pairs = _build(prob, ii, jj, current_rows, amounts_rows, limit, offsets)
    n_var = len(c)
    integrality = np.append(np.ones(n_pairs), np.zeros(n_var - n_pairs))
    lower = np.zeros(n_var)
    upper = _upper(prob, n_var, n_pairs, pair_bound=1.0)
    lower[-1] = 1.0
    res = milp(
        c,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options=options,
    )
    chosen = None if res.x is None else res.x[:n_pairs] > 0.5
    return chosen, res


def _upper(prob: _Problem, n_var: int, n_pairs: int, *, pair_bound: float) -> np.ndarray:
    """Upper bounds of the variables of :func:`_build`."""
    upper = np.full(n_var, np.inf)
    upper[:n_pairs] = pair_bound
    upper[n_var - 1 - prob.k : n_var - 1] = prob.excess
    upper[-1] = 1.0
    return upper


def _group_members(group: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Client positions of every group, in client order."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def _transport(
    movers: np.ndarray, group: np.ndarray, allowed: np.ndarray, room: np.ndarray
) -> np.ndarray | None:
    """Give each client in ``movers`` an eligible manager within ``room``, or return None.

    A transportation problem between client groups and managers; its basic
    solutions are whole numbers, which are handed out to the group's clients in order.
    """
    groups, counts = np.unique(group[movers], return_counts=True)
    gi, mj = np.nonzero(allowed[groups])
    n_g, k = len(groups), allowed.shape[1]
    n_pairs = len(gi)
    pair = np.arange(n_pairs)
    a_eq = csr_array((np.ones(n_pairs), (gi, pair)), shape=(n_g, n_pairs))
    a_ub = csr_array((np.ones(n_pairs), (mj, pair)), shape=(k, n_pairs))
    res = linprog(
        np.zeros(n_pairs),
        A_ub=a_ub,
        b_ub=room.astype(float),
        A_eq=a_eq,
        b_eq=counts.astype(float),
        bounds=(0, None),
        method="highs-ds",
    )
    if res.status != 0:
        return None
    x = np.rint(res.x).astype(np.int64)
    if (np.bincount(gi, weights=x, minlength=n_g) != counts).any() or (
        np.bincount(mj, weights=x, minlength=k) > room
    ).any():
        return None
    owner = np.full(len(group), -1, dtype=np.int64)
    for g_pos, g in enumerate(groups):
        mine = movers[group[movers] == g]
        take = x[gi == g_pos]
        owner[mine] = np.repeat(mj[gi == g_pos], take)
    return owner[movers]


def _initial_owner(prob: _Problem, group: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Find a feasible assignment that keeps as many clients with their manager as it can."""
    cur = prob.current
    n = len(cur)
    if prob.overload_cost > 0:
        # soft rules: everyone with a manager stays; the others go where there is room
        owner = cur.copy()
        movers = np.flatnonzero(cur < 0)
        if len(movers):
            held = np.bincount(cur[cur >= 0], minlength=prob.k)
            room = np.maximum(prob.limit + prob.excess - held, 0)
            placed = _transport(movers, group, allowed, room)
            if placed is None:
                raise ValidationError(
                    f"{len(movers)} client(s) without a current manager find no eligible "
                    "manager with room"
                )
            owner[movers] = placed
        return owner
    eligible_now = (cur >= 0) & allowed[group, np.maximum(cur, 0)]
    stay = np.flatnonzero(eligible_now)
    # keep the first clients of each manager, in client order, up to its capacity
    order = np.argsort(cur[stay], kind="stable")
    sorted_m = cur[stay][order]
    starts = np.searchsorted(sorted_m, sorted_m, side="left")
    rank = np.empty(len(stay), dtype=np.int64)
    rank[order] = np.arange(len(stay)) - starts
    kept = np.zeros(n, dtype=bool)
    kept[stay[rank < prob.limit[cur[stay]]]] = True
    owner = np.where(kept, cur, -1)
    movers = np.flatnonzero(~kept)
    if len(movers):
        room = prob.limit - np.bincount(cur[kept], minlength=prob.k)
        placed = _transport(movers, group, allowed, room)
        if placed is None:
            # the clients kept take room that others need: place everyone afresh
            placed = _transport(np.arange(n), group, allowed, prob.limit.copy())
            if placed is None:
                raise ValidationError(
                    "no assignment satisfies capacity and eligibility together; check the "
                    "capacities of the managers each client group may go to"
                )
            return placed
        owner[movers] = placed
    return owner


def _lp(
    prob: _Problem, ci: np.ndarray, cj: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Solve the relaxation over the columns; return x, objective and the dual values.

    Dual values: per client, per manager (capacity) and, per quantity, the
    combination that multiplies a client's amount in a pair's reduced cost.
    """
    n, k = len(prob.current), prob.k
    c, matrix, lo, hi, n_pairs = _build(prob, ci, cj, prob.current, prob.amounts, prob.limit, None)
    n_q = len(prob.amounts)
    above = n + k + 2 * k * np.arange(n_q)[:, None] + 2 * np.arange(k)[None, :]
    above = above.ravel()
    below = above + 1
    if prob.budget is not None:
        below = np.append(below, n + k + 2 * k * n_q)
    a_ub = _vstack(matrix, np.arange(n, n + k), above, below)
    b_ub = np.concatenate([hi[n : n + k], hi[above], -lo[below]])
    n_var = len(c)
    upper = _upper(prob, n_var, n_pairs, pair_bound=np.inf)
    bounds = np.column_stack([np.zeros(n_var), upper])
    bounds[-1] = (1.0, 1.0)
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=matrix[:n],
        b_eq=np.ones(n),
        bounds=bounds,
        method="highs-ds",
    )
    if res.status != 0:
        raise ConvergenceError(
            f"the relaxation of the redistribution did not solve ({res.message}); "
            'try method="exact"'
        )
    y_ub = np.asarray(res.ineqlin.marginals)
    y_cap = y_ub[:k]
    y_above = y_ub[k : k + k * n_q].reshape(n_q, k)
    y_below = y_ub[k + k * n_q : k + 2 * k * n_q].reshape(n_q, k)
    alpha = [y_above[q] - y_below[q] for q in range(n_q)]
    return res.x[:n_pairs], float(res.fun), np.asarray(res.eqlin.marginals), y_cap, alpha


def _vstack(
    matrix: csr_array, plain: np.ndarray, above: np.ndarray, below: np.ndarray
) -> csr_array:
    """Rows ``plain`` and ``above`` of ``matrix`` as they are, rows ``below`` negated."""
    from scipy.sparse import vstack

    stacked = vstack([matrix[plain], matrix[above], -matrix[below]], format="csr")
    stacked.indices = stacked.indices.astype(np.int32)
    stacked.indptr = stacked.indptr.astype(np.int32)
    return csr_array(stacked)


def _price(
    prob: _Problem,
    members: list[np.ndarray],
    allowed: np.ndarray,
    duals: tuple[np.ndarray, np.ndarray, list[np.ndarray]],
    tol: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Price every eligible pair from the dual values.

    Returns each client's smallest reduced cost and the keys (``client * k +
    manager``) of up to :data:`_COLUMNS_PER_ROUND` pairs per client whose reduced
    cost is below ``-tol``.
    """
    y_client, y_cap, alpha = duals
    n, k = len(prob.current), prob.k
    best_rc = np.zeros(n)
    new_keys: list[np.ndarray] = []
    for g, clients in enumerate(members):
        mgrs = np.flatnonzero(allowed[g])
        if not len(clients) or not len(mgrs):
            continue
        position = np.full(k, -1, dtype=np.int64)
        position[mgrs] = np.arange(len(mgrs))
        step = max(1, _PRICING_BLOCK // len(mgrs))
        take = min(_COLUMNS_PER_ROUND, len(mgrs))
        for start in range(0, len(clients), step):
            idx = clients[start : start + step]
            rc = np.repeat(-y_cap[mgrs][None, :], len(idx), axis=0)
            for amount, a in zip(prob.amounts, alpha, strict=True):
                rc -= amount[idx][:, None] * a[mgrs][None, :]
            rc -= y_client[idx][:, None]
            cur = position[np.maximum(prob.current[idx], 0)]
            here = (prob.current[idx] >= 0) & (cur >= 0)
            rc[np.flatnonzero(here), cur[here]] -= prob.cost[idx[here]]
            best_rc[idx] = rc.min(axis=1)
            if take < len(mgrs):
                pick = np.argpartition(rc, take - 1, axis=1)[:, :take]
            else:
                pick = np.broadcast_to(np.arange(len(mgrs)), rc.shape)
            rows = np.repeat(np.arange(len(idx)), pick.shape[1])
            cols = pick.ravel()
            good = rc[rows, cols] < -tol
            new_keys.append(idx[rows[good]] * k + mgrs[cols[good]])
    keys = np.concatenate(new_keys) if new_keys else np.zeros(0, dtype=np.int64)
    return best_rc, keys


def _relaxation(
    prob: _Problem,
    rules: RuleClashes,
    allowed: np.ndarray,
    *,
    max_rounds: int,
    gap: float,
) -> tuple[np.ndarray, float]:
    """Column generation on the relaxation, then the split clients rounded.

    Returns the manager position of every client and the lower bound on the optimum.
    """
    n, k = len(prob.current), prob.k
    group = rules.group
    members = _group_members(group, len(allowed))
    start = _initial_owner(prob, group, allowed)
    eligible_now = (prob.current >= 0) & (
        allowed[group, np.maximum(prob.current, 0)] | (prob.overload_cost > 0)
    )
    keys = np.unique(
        np.concatenate(
            [
                np.flatnonzero(eligible_now) * k + prob.current[eligible_now],
                np.arange(n) * k + start,
            ]
        )
    )
    lower_bound = -np.inf
    for _ in range(max_rounds):
        ci_x, cj_x = keys // k, keys % k
        x, value, y_client, y_cap, alpha = _lp(prob, ci_x, cj_x)
        tol = 1e-9 * max(1.0, abs(value))
        best_rc, priced = _price(prob, members, allowed, (y_client, y_cap, alpha), tol)
        # every client row is "one manager": the optimum is at least the restricted
        # optimum plus each client's most negative reduced cost (Lagrangian bound)
        lower_bound = max(lower_bound, value + float(np.minimum(best_rc, 0.0).sum()))
        new = np.setdiff1d(priced, keys)
        if not len(new):
            lower_bound = max(lower_bound, value)
            break
        if value - lower_bound <= 0.5 * gap * abs(value):
            break  # the relaxation is close enough to its optimum
        keys = np.union1d(keys, new)
    owner = np.full(n, -1, dtype=np.int64)
    whole = x > 1 - 1e-6
    owner[ci_x[whole]] = cj_x[whole]
    # the clients the relaxation splits (a basic solution splits few: at most about
    # one per manager row) go to the manager holding most of each, within the room
    # left: a transportation problem, whose basic solutions are whole numbers
    split = np.flatnonzero(owner < 0)
    if len(split):
        fixed = owner >= 0
        room = prob.limit + prob.excess - np.bincount(owner[fixed], minlength=k)
        local = np.full(n, -1, dtype=np.int64)
        local[split] = np.arange(len(split))
        in_split = local[ci_x] >= 0
        ii, jj, share = local[ci_x[in_split]], cj_x[in_split], x[in_split]
        n_pairs = len(ii)
        pair = np.arange(n_pairs)
        res = linprog(
            -share - 1e-6 * (prob.current[split][ii] == jj),
            A_ub=csr_array((np.ones(n_pairs), (jj, pair)), shape=(k, n_pairs)),
            b_ub=room.astype(float),
            A_eq=csr_array((np.ones(n_pairs), (ii, pair)), shape=(len(split), n_pairs)),
            b_eq=np.ones(len(split)),
            bounds=(0, 1),
            method="highs-ds",
        )
        if res.status != 0:
            raise ConvergenceError(
                f"the {len(split)} client(s) the relaxation splits could not be placed "
                f"({res.message}); try method='exact'"
            )
        chosen = res.x > 0.5
        owner[split[ii[chosen]]] = jj[chosen]
        if (owner < 0).any():
            raise ConvergenceError(
                "the rounding of the relaxation left clients without a manager; try method='exact'"
            )
        owner = _within_budget(prob, owner, split, x, ci_x, cj_x)
    return owner, lower_bound


def _within_budget(
    prob: _Problem,
    owner: np.ndarray,
    split: np.ndarray,
    x: np.ndarray,
    ci_x: np.ndarray,
    cj_x: np.ndarray,
) -> np.ndarray:
    """Send rounded clients back to their manager until the moves fit the budget.

    The relaxation keeps within the budget, the rounding of the clients it splits
    may not; those with the largest share at their current manager go back first,
    where the manager has room.
    """
    if prob.budget is None:
        return owner
    excess_moves = int((owner != prob.current).sum()) - prob.budget
    if excess_moves <= 0:
        return owner
    k = prob.k
    keep_share = np.zeros(len(owner))
    kept = prob.current[ci_x] == cj_x
    keep_share[ci_x[kept]] = x[kept]
    back = split[(owner[split] != prob.current[split]) & (prob.current[split] >= 0)]
    back = back[np.argsort(-keep_share[back], kind="stable")]
    counts = np.bincount(owner, minlength=k)
    hard = prob.limit + prob.excess
    for i in back:
        j = int(prob.current[i])
        if keep_share[i] <= 0 or counts[j] + 1 > hard[j]:
            continue
        counts[owner[i]] -= 1
        counts[j] += 1
        owner[i] = j
        excess_moves -= 1
        if excess_moves == 0:
            return owner
    raise ConvergenceError(
        f"the rounding of the relaxation exceeds the move budget by {excess_moves} move(s); "
        "try method='exact'"
    )


def _all_pairs(members: list[np.ndarray], allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every eligible (client, manager) pair, ordered by client then manager."""
    ii_parts, jj_parts = [], []
    for g, clients in enumerate(members):
        mgrs = np.flatnonzero(allowed[g])
        ii_parts.append(np.repeat(clients, len(mgrs)))
        jj_parts.append(np.tile(mgrs, len(clients)))
    ii = np.concatenate(ii_parts) if ii_parts else np.zeros(0, dtype=np.int64)
    jj = np.concatenate(jj_parts) if jj_parts else np.zeros(0, dtype=np.int64)
    order = np.lexsort((jj, ii))
    return ii[order], jj[order]


def _reasons(
    moved: np.ndarray,
    current: np.ndarray,
    cur_pos: np.ndarray,
    rules: RuleClashes,
    allowed: np.ndarray,
    over: np.ndarray,
) -> list[str]:
    reasons = [""] * len(current)
    table = None
    for i in np.flatnonzero(moved):
        j = int(cur_pos[i])
        if current[i] == "":
            reasons[i] = "unassigned: given a manager"
        elif j < 0:
            reasons[i] = f"current manager {current[i]} is not in the managers table"
        elif not allowed[rules.group[i], j]:
            table = rules.reasons() if table is None else table
            reasons[i] = f"current manager not eligible ({table[rules.group[i], j]})"
        elif over[j]:
            reasons[i] = f"current manager {current[i]} over capacity"
        else:
            reasons[i] = "balances workload and value"
    return reasons


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
    max_moves: int | None = None,
    max_move_share: float | None = DEFAULT_MAX_MOVE_SHARE,
    move_cost: float = 1.0,
    value_cost_weight: float = 1.0,
    tenure_col: str | None = None,
    tenure_cost_weight: float = 0.25,
    breach_cost: float | None = None,
    workload_weight: float = 1.0,
    value_weight: float = 0.5,
    balance: Literal["max", "mean"] = "mean",
    method: Literal["auto", "exact", "relaxation"] = "auto",
    node_limit: int | None = 1000,
    max_rounds: int = 50,
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
        Eligibility rules, see :func:`clientalytics.managers.eligibility`. Regions
        are kept by default (``match_region=True``): a client moves across regions
        only when the caller passes ``match_region=False``.
    max_moves : int, optional
        Most clients that may change manager (newly assigned clients included);
        when given it replaces ``max_move_share``.
    max_move_share : float, optional
        Most clients that may change manager, as a share of the clients
        (default :data:`DEFAULT_MAX_MOVE_SHARE` = 0.1: at most ``floor(0.1 x
        clients)`` moves); ``None`` with ``max_moves=None`` leaves the number of
        moves free.
    move_cost : float
        Cost of moving a client of average value and no relationship history
        (positive), in the units of the objective.
    value_cost_weight : float
        How the cost of a move grows with the client's value, see ``tenure_cost_weight``.
    tenure_col : str, optional
        Column of ``clients`` with the length of the relationship, in years; ``None``
        treats every relationship as new.
    tenure_cost_weight : float
        How the cost of a move grows per year of relationship. The cost of moving
        client *i* is :func:`move_costs`:
        ``move_cost x (1 + value_cost_weight x value_i / mean value) x
        (1 + tenure_cost_weight x tenure_i)``.
    breach_cost : float, optional
        ``None`` (the default): eligibility and capacity are hard rules, every
        client ends with an eligible manager within capacity (the moves this forces
        must fit the budget). A number: a client may stay with its current manager
        although a rule excludes the pair, at this cost, and a manager may keep the
        clients it holds above capacity (but take no more), at this cost per client
        above capacity; under a budget the proposal then fixes the breaches that pay
        most.
    workload_weight, value_weight : float
        Cost of one percentage point of the largest workload (value) deviation
        from a manager's fair share. With the defaults, the optimiser moves one
        more client only if that cuts the worst workload deviation by at least one
        percentage point (or the worst value deviation by two).
    balance : {"max", "mean"}
        Imbalance measured as the largest deviation over managers (``"max"``: the
        worst-off manager counts) or as the mean absolute deviation (``"mean"``:
        every manager counts; usually solves faster on large bases).
    method : {"auto", "exact", "relaxation"}
        ``"exact"``: the mixed-integer program over every eligible pair;
        ``"relaxation"``: column generation on its linear relaxation, the clients
        it splits then assigned exactly (see the module notes); ``"auto"``: exact
        up to :data:`EXACT_MAX_PAIRS` eligible pairs, the relaxation above. Both
        report a proven gap to the optimum in ``mip_gap``.
    node_limit : int, optional
        Branch-and-bound nodes the exact solver may explore (HiGHS ``node_limit``);
        ``None`` for no limit. A limit on work: the result does not depend on the
        machine or its load.
    max_rounds : int
        Column-generation rounds of the relaxation (each solves one linear
        program and prices every eligible pair). A limit on work, like
        ``node_limit``; when it stops the rounds the lower bound, and so the gap,
        is still valid.
    time_limit : float, optional
        Seconds the exact solver may run; ``None`` (the default) for no limit.
        When it stops the solver, the result depends on the machine's speed;
        prefer ``node_limit`` where the same input must give the same output.
    mip_rel_gap : float
        Relative optimality gap at which the exact solver stops (HiGHS
        ``mip_rel_gap``), relative to the whole objective (moves included); the
        status is ``"optimal"`` when the final gap is within it.

    Returns
    -------
    RedistributionResult

    Raises
    ------
    ValidationError
        Bad inputs, a client without any eligible manager, capacity too small
        (the message gives the shortfall and the managers concerned), or hard rules
        that force more moves than the budget allows.
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
    if breach_cost is not None and not (np.isfinite(breach_cost) and breach_cost > 0):
        raise ValidationError(f"breach_cost must be positive or None, got {breach_cost}")
    budget = move_budget(
        len(clients),
        max_moves=max_moves,
        max_move_share=None if max_moves is not None else max_move_share,
    )
    if node_limit is not None and node_limit < 1:
        raise ValidationError(f"node_limit must be a positive number of nodes, got {node_limit}")
    if max_rounds < 1:
        raise ValidationError(f"max_rounds must be a positive number of rounds, got {max_rounds}")
    if balance not in ("max", "mean"):
        raise ValidationError(f"balance must be 'max' or 'mean', got {balance!r}")
    if method not in ("auto", "exact", "relaxation"):
        raise ValidationError(f"method must be 'auto', 'exact' or 'relaxation', got {method!r}")
    require(clients, "clients", [current_col], hint="current_col names the current manager")
    workload = _numeric(clients, workload_col)
    value = _numeric(clients, value_col)
    tenure = _numeric(clients, tenure_col) if tenure_col is not None else np.zeros(len(clients))
    cost = move_costs(
        value,
        tenure,
        move_cost=move_cost,
        value_cost_weight=value_cost_weight,
        tenure_cost_weight=tenure_cost_weight,
    )
    rules = rule_clashes(
        clients,
        managers,
        match_region=match_region,
        type_col=type_col,
        stage_col=stage_col,
        role_rules=role_rules,
    )
    allowed = rules.allowed()
    c_ids = clients["client_id"].astype(str).to_numpy()
    m_ids = managers["manager_id"].astype(str).to_numpy()
    n, k = len(c_ids), len(m_ids)
    capacity = (
        pd.to_numeric(managers["capacity"], errors="coerce").astype(float).to_numpy()
        if "capacity" in managers.columns
        else np.full(k, np.nan)
    )
    limit, share = _capacities(managers, n)
    current = clients[current_col].astype("string").fillna("").astype(str).to_numpy()
    m_pos = pd.Index(m_ids).get_indexer(pd.Index(current))
    cur_pos = np.asarray(m_pos, dtype=np.int64)
    has_current = cur_pos >= 0
    eligible_now = has_current & allowed[rules.group, np.maximum(cur_pos, 0)]
    soft = breach_cost is not None
    breach = float(breach_cost) if breach_cost is not None else 0.0
    if soft:
        newcomers = ~has_current
        if newcomers.any():
            sub = RuleClashes(rules.group[newcomers], rules.clashes, rules.n_managers)
            held = np.bincount(cur_pos[has_current], minlength=k)
            _check_feasible(sub, allowed, np.maximum(limit - held, 0), c_ids[newcomers], m_ids)
        forced = int(newcomers.sum())
        held_all = np.bincount(cur_pos[has_current], minlength=k)
        excess = np.maximum(held_all - limit, 0).astype(float)
        stay_penalty = np.where(has_current & ~eligible_now, breach, 0.0)
    else:
        _check_feasible(rules, allowed, limit, c_ids, m_ids)
        held_ok = np.bincount(cur_pos[eligible_now], minlength=k)
        forced = int((~eligible_now).sum() + np.maximum(held_ok - limit, 0).sum())
        excess = np.zeros(k)
        stay_penalty = np.zeros(n)
    if budget is not None and forced > budget:
        raise ValidationError(
            f"the rules force at least {forced} move(s) (clients without an eligible current "
            f"manager or above capacity) but the budget allows {budget}; raise max_moves or "
            "max_move_share, or pass breach_cost to let clients stay where they are"
        )
    totals = [(workload, workload_weight), (value, value_weight)]
    active = [(amount, weight) for amount, weight in totals if amount.sum() > 0 and weight > 0]
    prob = _Problem(
        current=cur_pos,
        amounts=[amount for amount, _ in active],
        weights=[float(weight) for _, weight in active],
        targets=[amount.sum() * share for amount, _ in active],
        limit=limit,
        cost=cost,
        balance=balance,
        stay_penalty=stay_penalty,
        overload_cost=breach,
        excess=excess,
        budget=budget,
    )
    options: dict[str, float | int] = {"mip_rel_gap": float(mip_rel_gap)}
    if node_limit is not None:
        options["node_limit"] = int(node_limit)
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    members = _group_members(rules.group, len(allowed))
    n_pairs = int(sum(len(m) * int(allowed[g].sum()) for g, m in enumerate(members)))
    exact = method == "exact" or (method == "auto" and n_pairs <= EXACT_MAX_PAIRS)
    if exact:
        ii, jj = _all_pairs(members, allowed)
        if soft:
            # a client may stay with its current manager although a rule excludes it
            stay = np.flatnonzero(has_current & ~eligible_now)
            ii, jj = np.append(ii, stay), np.append(jj, cur_pos[stay])
            order = np.lexsort((jj, ii))
            ii, jj = ii[order], jj[order]
        chosen, res = _milp(prob, ii, jj, cur_pos, prob.amounts, limit, None, options)
        if chosen is None:
            if getattr(res, "status", None) == 2:
                raise ValidationError(
                    "no assignment satisfies capacity and eligibility together; check the "
                    "capacities of the managers each client group may go to"
                )
            raise ConvergenceError(
                f"the solver found no feasible assignment ({getattr(res, 'message', '')}); "
                "raise node_limit (or time_limit)"
            )
        owner = np.full(n, -1, dtype=np.int64)
        owner[ii[chosen]] = jj[chosen]
        objective = float(res.fun)
        mip_gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
        lower_bound = objective * (1 - mip_gap)
        if getattr(res, "status", None) == 0:
            status = "optimal"
        elif "time limit" in str(getattr(res, "message", "")).lower():
            status = "time_limit"
        else:
            status = "node_limit"
    else:
        owner, lower_bound = _relaxation(
            prob, rules, allowed, max_rounds=max_rounds, gap=mip_rel_gap
        )
        objective = prob.objective(owner)
        mip_gap = max(0.0, (objective - lower_bound) / objective) if objective > 0 else 0.0
        if mip_gap <= mip_rel_gap + 1e-12:
            status = "optimal"
        else:
            status = "relaxation"
    new_owner = m_ids[owner]
    moved = owner != cur_pos
    gain = prob.gains(owner)
    before = _load_table(cur_pos, m_ids, limit, capacity, share, workload, value)
    after = _load_table(owner, m_ids, limit, capacity, share, workload, value)
    reasons = _reasons(moved, current, cur_pos, rules, allowed, before["over_capacity"].to_numpy())
    assignment = pd.DataFrame(
        {
            "client_id": c_ids,
            "current_manager": pd.Series(current).replace("", None).to_numpy(),
            "new_manager": new_owner.astype(str),
            "moved": moved,
            "reason": reasons,
            "workload": workload,
            "value": value,
            "move_cost": cost,
            "gain": gain,
        }
    )
    return RedistributionResult(
        assignment=assignment,
        moves=assignment[assignment["moved"]].reset_index(drop=True),
        before=before,
        after=after,
        n_moves=int(moved.sum()),
        objective=objective,
        status=status,
        mip_gap=mip_gap,
        method="exact" if exact else "relaxation",
        lower_bound=float(lower_bound),
        budget=budget,
        total_gain=float(np.nansum(gain[moved])),
        total_move_cost=float(cost[moved].sum()),
    )
