import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientalytics.exceptions import ValidationError
from clientalytics.managers import eligibility, redistribute_portfolio


def _free(*args, **kwargs):
    """The program without a move budget and with the same cost for every move."""
    kwargs.setdefault("max_move_share", None)
    kwargs.setdefault("value_cost_weight", 0.0)
    return redistribute_portfolio(*args, **kwargs)


def _clients(owners, workload=None, value=None, **extra):
    n = len(owners)
    frame = pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in range(n)],
            "manager_id": owners,
            "workload": workload if workload is not None else [1.0] * n,
            "value": value if value is not None else [1.0] * n,
        }
    )
    for key, col in extra.items():
        frame[key] = col
    return frame


def _managers(ids, capacity, **extra):
    frame = pd.DataFrame({"manager_id": ids, "capacity": capacity})
    for key, col in extra.items():
        frame[key] = col
    return frame


def test_over_capacity_moves_exactly_one_client():
    # A holds 4 clients with capacity 3, B holds 1: one move is necessary and enough;
    # with 5 equal clients 3/2 is also the most balanced split, so the optimum is 1 move.
    clients = _clients(["A", "A", "A", "A", "B"])
    result = _free(clients, _managers(["A", "B"], [3, 3]))
    assert result.n_moves == 1
    assert result.status == "optimal"
    assert result.moves["reason"].tolist() == ["current manager A over capacity"]
    after = result.after.set_index("manager_id")["n_clients"]
    assert after.to_dict() == {"A": 3, "B": 2}
    assert result.before.set_index("manager_id").loc["A", "over_capacity"]
    assert not result.after["over_capacity"].any()
    # objective by hand: 1 move + 1.0 * 20 % workload deviation + 0.5 * 20 % value deviation
    assert result.objective == pytest.approx(1 + 20 + 10)


def test_balance_weight_trades_moves_against_deviation():
    # A holds 5 of 6 equal clients, both capacities 6: fair share is 3 each.
    clients = _clients(["A"] * 5 + ["B"])
    managers = _managers(["A", "B"], [6, 6])
    strong = _free(clients, managers, workload_weight=1.0, value_weight=0.0)
    # 0 moves: 66.7 ; 1 move: 1 + 33.3 ; 2 moves: 2 + 0 -> two moves
    assert strong.n_moves == 2
    assert strong.objective == pytest.approx(2.0)
    assert set(strong.moves["reason"]) == {"balances workload and value"}
    weak = _free(clients, managers, workload_weight=0.01, value_weight=0.0)
    # 0 moves: 0.667 ; 1 move: 1.333 ; 2 moves: 2 -> no move
    assert weak.n_moves == 0
    assert weak.objective == pytest.approx(100 * 2 / 3 * 0.01)


def test_region_and_role_force_moves():
    clients = _clients(
        ["A", "A", "B"],
        region=["north", "south", "south"],
        relation_to_firm=["permanent", "new", "permanent"],
    )
    managers = _managers(
        ["A", "B", "C"],
        [5, 5, 5],
        region=["north", "south", "south"],
        role=["farmer", "farmer", "hunter"],
    )
    result = _free(clients, managers, workload_weight=0, value_weight=0)
    new = result.assignment.set_index("client_id")["new_manager"].to_dict()
    # c1 is a new client in the south: only the southern hunter C may serve it
    assert new == {"c0": "A", "c1": "C", "c2": "B"}
    assert result.n_moves == 1
    assert result.moves["reason"].iloc[0] == "current manager not eligible (region)"


def test_unassigned_and_unknown_manager_reasons():
    clients = _clients([None, "X"])
    result = _free(clients, _managers(["A"], [2]), workload_weight=0, value_weight=0)
    assert result.n_moves == 2
    assert result.moves["reason"].tolist() == [
        "unassigned: given a manager",
        "current manager X is not in the managers table",
    ]


def test_total_capacity_shortfall_is_named():
    clients = _clients(["A"] * 7)
    with pytest.raises(ValidationError, match="shortfall of 1 client"):
        _free(clients, _managers(["A", "B"], [3, 3]))


def test_group_capacity_shortfall_names_managers():
    clients = _clients(["A"] * 3 + ["B"], region=["north"] * 3 + ["south"])
    managers = _managers(["A", "B"], [2, 5], region=["north", "south"])
    with pytest.raises(ValidationError, match=r"3 client\(s\) can only go to managers \['A'\]"):
        _free(clients, managers)


def test_client_without_eligible_manager():
    clients = _clients(["A"], region=["east"])
    managers = _managers(["A"], [2], region=["west"])
    with pytest.raises(
        ValidationError,
        match=r"1 client\(s\) have no eligible manager.*c0 is ruled out by: \{'region': 1\}",
    ):
        _free(clients, managers)


def test_negative_workload_rejected():
    clients = _clients(["A", "A"], workload=[1.0, -2.0])
    with pytest.raises(ValidationError, match=r"'workload'.*1 bad row.*c1"):
        _free(clients, _managers(["A"], [3]))


def _brute_force(owners, workload, value, caps, move_cost, ww, vw, balance):
    ids = list(caps)
    share = np.array(list(caps.values()), dtype=float)
    share /= share.sum()
    best = np.inf
    for combo in itertools.product(ids, repeat=len(owners)):
        counts = [combo.count(m) for m in ids]
        if any(c > caps[m] for c, m in zip(counts, ids, strict=True)):
            continue
        moves = sum(a != b for a, b in zip(combo, owners, strict=True))
        dev = []
        for amount in (workload, value):
            loads = np.array(
                [sum(a for a, m2 in zip(amount, combo, strict=True) if m2 == m) for m in ids]
            )
            target = amount.sum() * share
            rel = np.abs(loads - target) / target * 100
            dev.append(rel.max() if balance == "max" else rel.mean())
        best = min(best, move_cost * moves + ww * dev[0] + vw * dev[1])
    return best


@pytest.mark.parametrize("balance", ["max", "mean"])
@pytest.mark.parametrize("seed", range(5))
def test_matches_brute_force_optimum(seed, balance):
    rng = np.random.default_rng(seed)
    n = 6
    owners = rng.choice(["A", "B", "C"], size=n).tolist()
    workload = rng.integers(1, 10, size=n).astype(float)
    value = rng.integers(1, 20, size=n).astype(float)
    caps = {"A": int(rng.integers(2, 4)), "B": 3, "C": int(rng.integers(2, 4))}
    ww, vw = float(rng.choice([0.05, 0.2, 1.0])), float(rng.choice([0.0, 0.1, 0.5]))
    clients = _clients(owners, workload=workload, value=value)
    managers = _managers(list(caps), list(caps.values()))
    result = _free(
        clients, managers, workload_weight=ww, value_weight=vw, balance=balance, mip_rel_gap=0
    )
    expected = _brute_force(owners, workload, value, caps, 1.0, ww, vw, balance)
    assert result.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert (result.after["n_clients"] <= result.after["capacity"]).all()


def test_eligibility_reasons_table():
    clients = pd.DataFrame(
        {"client_id": ["x", "y"], "industry": ["retail", None], "region": ["n", "s"]}
    )
    managers = pd.DataFrame(
        {"manager_id": ["m1", "m2"], "specialisation": ["retail", "fmcg"], "region": ["n", "n"]}
    )
    allowed, reason = eligibility(clients, managers, type_col="industry")
    assert allowed.loc["x"].tolist() == [True, False]
    assert reason.loc["x", "m2"] == "specialisation"
    assert reason.loc["y"].tolist() == ["region", "region"]


def test_mean_and_max_balance_differ_on_known_case():
    # A holds 3 equal clients, B and C none, equal capacities: fair share 1 each.
    # moves 0/1/2 -> max deviation 200/100/0 %, mean absolute deviation 133.3/66.7/0 %.
    clients = _clients(["A", "A", "A"])
    managers = _managers(["A", "B", "C"], [3, 3, 3])
    w = 0.012
    worst = _free(clients, managers, workload_weight=w, value_weight=0, balance="max")
    assert worst.n_moves == 2 and worst.objective == pytest.approx(2.0)
    mean = _free(clients, managers, workload_weight=w, value_weight=0, balance="mean")
    assert mean.n_moves == 0 and mean.objective == pytest.approx(w * 400 / 3)
    with pytest.raises(ValidationError, match="balance must be"):
        _free(clients, managers, balance="median")


def _hard_case(seed: int = 7, n: int = 60, k: int = 6):
    rng = np.random.default_rng(seed)
    owners = [f"M{j}" for j in rng.integers(0, k, size=n)]
    clients = _clients(
        owners,
        workload=rng.gamma(2.0, 5.0, size=n).round(2).tolist(),
        value=rng.gamma(1.5, 1000.0, size=n).round(2).tolist(),
    )
    managers = _managers([f"M{j}" for j in range(k)], rng.integers(10, 16, size=k).tolist())
    return clients, managers


def _objective_by_hand(result, *, move_cost=1.0, workload_weight=1.0, value_weight=0.5):
    """move cost x moves + weight x mean absolute deviation (balance="mean"), from tables."""
    after = result.after
    return (
        move_cost * result.n_moves
        + workload_weight * after["workload_deviation_pct"].abs().mean()
        + value_weight * after["value_deviation_pct"].abs().mean()
    )


def test_node_limit_gives_the_same_assignment_every_time():
    """Issue 12: work, not wall-clock time, bounds the solver, so runs agree."""
    clients, managers = _hard_case()
    runs = [_free(clients, managers, node_limit=3, mip_rel_gap=1e-6) for _ in range(3)]
    first = runs[0]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(first.assignment, other.assignment)
        assert (other.status, other.objective, other.mip_gap) == (
            first.status,
            first.objective,
            first.mip_gap,
        )
    assert first.status == "node_limit"
    assert 0 < first.mip_gap < 1
    assert first.objective == pytest.approx(_objective_by_hand(first), rel=1e-6)
    # the reported gap bounds the distance to the best possible objective
    best = _free(clients, managers, node_limit=None, mip_rel_gap=1e-6)
    assert best.status == "optimal"
    assert best.objective == pytest.approx(_objective_by_hand(best), rel=1e-6)
    lower = first.objective * (1 - first.mip_gap)
    assert lower - 1e-6 <= best.objective <= first.objective + 1e-6


def test_gap_is_relative_to_the_whole_objective():
    """The constant part of the objective (moves) counts in the gap the solver stops at."""
    clients, managers = _hard_case(seed=3)
    loose = _free(clients, managers, mip_rel_gap=0.05)
    assert loose.status == "optimal" and loose.mip_gap <= 0.05 + 1e-9
    assert loose.objective == pytest.approx(_objective_by_hand(loose), rel=1e-6)


def test_node_limit_must_be_positive():
    clients, managers = _hard_case()
    with pytest.raises(ValidationError, match="node_limit must be a positive number"):
        _free(clients, managers, node_limit=0)


@st.composite
def portfolios(draw):
    n_managers = draw(st.integers(2, 4))
    managers = [f"M{j}" for j in range(n_managers)]
    capacity = draw(st.lists(st.integers(1, 5), min_size=n_managers, max_size=n_managers))
    n_clients = draw(st.integers(1, min(sum(capacity), 9)))
    regions = draw(st.lists(st.sampled_from(["n", "s"]), min_size=n_managers, max_size=n_managers))
    clients = pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in range(n_clients)],
            "manager_id": draw(
                st.lists(st.sampled_from(managers), min_size=n_clients, max_size=n_clients)
            ),
            "workload": draw(st.lists(st.floats(0, 10), min_size=n_clients, max_size=n_clients)),
            "value": draw(st.lists(st.floats(0, 100), min_size=n_clients, max_size=n_clients)),
            "region": draw(
                st.lists(st.sampled_from(["n", "s", None]), min_size=n_clients, max_size=n_clients)
            ),
        }
    )
    frame = pd.DataFrame({"manager_id": managers, "capacity": capacity, "region": regions})
    return clients, frame


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_redistribution_respects_rules_or_explains(case):
    clients, managers = case
    try:
        result = _free(clients, managers)
    except ValueError as error:
        assert "eligible" in str(error) or "capacity too small" in str(error)
        return
    allowed, _ = eligibility(clients, managers)
    new = result.assignment.set_index("client_id")["new_manager"]
    assert all(allowed.loc[c, m] for c, m in new.items())
    counts = new.value_counts().reindex(managers["manager_id"], fill_value=0)
    assert (counts.to_numpy() <= managers["capacity"].to_numpy()).all()
    # every client above a manager's capacity must move
    held = clients["manager_id"].value_counts()
    excess = sum(
        max(0, held.get(m, 0) - c)
        for m, c in zip(managers["manager_id"], managers["capacity"], strict=True)
    )
    assert result.n_moves >= excess
    assert result.n_moves == int((new.to_numpy() != clients["manager_id"].to_numpy()).sum())


def test_tiny_total_value_gives_no_division_by_zero():
    """A subnormal total value underflows to a zero target: the deviation is 0, not inf."""
    clients = pd.DataFrame(
        {
            "client_id": ["c0"],
            "manager_id": ["M0"],
            "workload": [0.0],
            "value": [5e-324],
            "region": ["n"],
        }
    )
    managers = pd.DataFrame({"manager_id": ["M0", "M1"], "capacity": [1, 1], "region": ["n", "n"]})
    result = _free(clients, managers)
    assert np.isfinite(result.before["value_deviation_pct"]).all()
    assert result.n_moves == 0


@pytest.mark.parametrize("balance", ["max", "mean"])
@pytest.mark.parametrize("seed", range(5))
def test_relaxation_bound_and_objective_bracket_the_brute_force_optimum(seed, balance):
    """The relaxation's lower bound is below the optimum and its assignment not better than it."""
    rng = np.random.default_rng(seed)
    n = 6
    owners = rng.choice(["A", "B", "C"], size=n).tolist()
    workload = rng.integers(1, 10, size=n).astype(float)
    value = rng.integers(1, 20, size=n).astype(float)
    caps = {"A": int(rng.integers(2, 4)), "B": 3, "C": int(rng.integers(2, 4))}
    ww, vw = float(rng.choice([0.05, 0.2, 1.0])), float(rng.choice([0.0, 0.1, 0.5]))
    clients = _clients(owners, workload=workload, value=value)
    managers = _managers(list(caps), list(caps.values()))
    result = _free(
        clients,
        managers,
        workload_weight=ww,
        value_weight=vw,
        balance=balance,
        method="relaxation",
        mip_rel_gap=0,
    )
    best = _brute_force(owners, workload, value, caps, 1.0, ww, vw, balance)
    assert result.method == "relaxation"
    assert result.lower_bound <= best + 1e-6
    assert result.objective >= best - 1e-6
    assert result.objective * (1 - result.mip_gap) == pytest.approx(result.lower_bound, abs=1e-6)
    assert (result.after["n_clients"] <= result.after["capacity"]).all()


def test_relaxation_on_a_larger_case_is_consistent_and_repeatable():
    clients, managers = _hard_case(seed=5, n=120, k=8)
    managers["capacity"] = 18
    relaxed = _free(clients, managers, method="relaxation")
    assert relaxed.lower_bound <= relaxed.objective + 1e-9
    assert relaxed.objective * (1 - relaxed.mip_gap) == pytest.approx(relaxed.lower_bound)
    assert relaxed.objective == pytest.approx(_objective_by_hand(relaxed), rel=1e-9)
    assert (relaxed.after["n_clients"] <= 18).all()
    # the same input gives the same proposal
    again = _free(clients, managers, method="relaxation")
    pd.testing.assert_frame_equal(relaxed.assignment, again.assignment)


def test_relaxation_makes_the_forced_moves_of_known_cases():
    clients = _clients(["A", "A", "A", "A", "B"])
    result = _free(clients, _managers(["A", "B"], [3, 3]), method="relaxation")
    assert result.n_moves == 1
    assert result.objective == pytest.approx(1 + 20 + 10)
    # splitting a client between managers balances perfectly: on so few clients the
    # relaxation's bound is weak, and the status says the gap is not proven small
    assert result.lower_bound == pytest.approx(1.5)
    assert result.status == "relaxation" and result.mip_gap == pytest.approx(1 - 1.5 / 31)
    clients = _clients(
        ["A", "A", "B"],
        region=["north", "south", "south"],
        relation_to_firm=["permanent", "new", "permanent"],
    )
    managers = _managers(
        ["A", "B", "C"],
        [5, 5, 5],
        region=["north", "south", "south"],
        role=["farmer", "farmer", "hunter"],
    )
    result = _free(clients, managers, workload_weight=0, value_weight=0, method="relaxation")
    new = result.assignment.set_index("client_id")["new_manager"].to_dict()
    assert new == {"c0": "A", "c1": "C", "c2": "B"}
    assert result.moves["reason"].tolist() == ["current manager not eligible (region)"]


def test_auto_solves_small_bases_exactly():
    clients, managers = _hard_case()
    auto = _free(clients, managers, node_limit=3)
    exact = _free(clients, managers, method="exact", node_limit=3)
    assert auto.method == "exact"
    pd.testing.assert_frame_equal(auto.assignment, exact.assignment)
    with pytest.raises(ValidationError, match="method must be"):
        _free(clients, managers, method="greedy")
    with pytest.raises(ValidationError, match="max_rounds must be"):
        _free(clients, managers, max_rounds=0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_relaxation_respects_rules_or_explains(case):
    clients, managers = case
    try:
        result = _free(clients, managers, method="relaxation")
    except ValueError as error:
        assert "eligible" in str(error) or "capacity too small" in str(error)
        return
    allowed, _ = eligibility(clients, managers)
    new = result.assignment.set_index("client_id")["new_manager"]
    assert all(allowed.loc[c, m] for c, m in new.items())
    counts = new.value_counts().reindex(managers["manager_id"], fill_value=0)
    assert (counts.to_numpy() <= managers["capacity"].to_numpy()).all()
    exact = _free(clients, managers, method="exact", mip_rel_gap=0)
    assert result.lower_bound <= exact.objective + 1e-6 * max(1.0, exact.objective)
    assert result.objective >= exact.objective - 1e-6 * max(1.0, exact.objective)
