"""The eligibility rules, evaluated per group of clients, against a pair-by-pair reading."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientalytics.managers import DEFAULT_ROLE_RULES, eligibility
from clientalytics.managers.eligibility import rule_clashes


def _missing(value):
    return value is None or (isinstance(value, float) and value != value)


def _reason_by_hand(client, manager, *, type_col, rules):
    """First rule that rules the pair out, read from the module docstring."""
    checks = [("region", "region", "region")]
    if type_col is not None:
        checks.append(("specialisation", type_col, "specialisation"))
    checks.append(("role", "relation_to_firm", "role"))
    for label, c_col, m_col in checks:
        a, b = client[c_col], manager[m_col]
        if _missing(a) or _missing(b):
            continue
        if label == "role":
            allowed = rules.get(str(a))
            if allowed is not None and str(b) not in allowed:
                return label
        elif str(a) != str(b):
            return label
    return ""


@st.composite
def tables(draw):
    n, k = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    regions = st.sampled_from(["n", "s", "e", None])
    stages = st.sampled_from(["new", "permanent", "potential", "unknown", None])
    roles = st.sampled_from(["hunter", "farmer", "universal", "other", None])
    kinds = st.sampled_from(["retail", "fmcg", None])
    clients = pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in range(n)],
            "region": draw(st.lists(regions, min_size=n, max_size=n)),
            "industry": draw(st.lists(kinds, min_size=n, max_size=n)),
            "relation_to_firm": draw(st.lists(stages, min_size=n, max_size=n)),
        }
    )
    managers = pd.DataFrame(
        {
            "manager_id": [f"m{j}" for j in range(k)],
            "region": draw(st.lists(regions, min_size=k, max_size=k)),
            "specialisation": draw(st.lists(kinds, min_size=k, max_size=k)),
            "role": draw(st.lists(roles, min_size=k, max_size=k)),
        }
    )
    return clients, managers, draw(st.sampled_from([None, "industry"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_grouped_rules_agree_with_each_pair(case):
    clients, managers, type_col = case
    allowed, reason = eligibility(clients, managers, type_col=type_col)
    for i, client in clients.iterrows():
        for j, manager in managers.iterrows():
            expected = _reason_by_hand(client, manager, type_col=type_col, rules=DEFAULT_ROLE_RULES)
            assert reason.iat[i, j] == expected
            assert allowed.iat[i, j] == (expected == "")


def test_groups_are_few_and_memory_does_not_grow_with_pairs():
    # 3,000 clients with 2 regions x 2 stages give 4 groups, whatever the number of managers
    rng = np.random.default_rng(0)
    clients = pd.DataFrame(
        {
            "client_id": np.arange(3000).astype(str),
            "region": rng.choice(["n", "s"], size=3000),
            "relation_to_firm": rng.choice(["new", "permanent"], size=3000),
        }
    )
    managers = pd.DataFrame(
        {
            "manager_id": [f"m{j}" for j in range(50)],
            "region": ["n", "s"] * 25,
            "role": ["hunter", "farmer", "universal", "farmer", "hunter"] * 10,
        }
    )
    rules = rule_clashes(clients, managers)
    assert rules.n_groups == 4
    assert all(clash.shape == (4, 50) for _, clash in rules.clashes)
    # a northern new client may go to the northern hunters and universals only
    north_new = rules.group[(clients["region"] == "n") & (clients["relation_to_firm"] == "new")]
    ok = rules.allowed()[north_new[0]]
    expected = (managers["region"] == "n") & managers["role"].isin(["hunter", "universal"])
    assert ok.tolist() == expected.tolist()
