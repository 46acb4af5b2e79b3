"""Relation to the firm, contract state and the new/permanent x value matrix."""

import pandas as pd
import pytest

from clientalytics import ValidationError
from clientalytics.segmentation import (
    RelationRules,
    client_matrix,
    contract_state,
    relation_to_firm,
    value_class,
)

END = pd.Timestamp("2025-01-01")


def _contracts():
    return pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "d", "e", "f", "f"],
            "status": ["active", "expired", "active", "draft", "signed", "expired", "active"],
            "expiry_date": pd.to_datetime(
                ["2025-06-30", "2024-03-01", "2024-12-31", None, None, "2023-01-01", "2026-01-01"]
            ),
        }
    )


def test_contract_state_hand_cases():
    state = contract_state(_contracts(), observation_end=END)
    assert state.to_dict() == {
        "a": "active",
        "b": "expired",
        "c": "expired",  # status not updated, but expired before the observation end
        "d": "none",
        "e": "active",
        "f": "active",  # a renewal is active
    }


def _summary():
    rows = {
        "new": ("2024-10-01", "2024-12-20", 3),
        "perm": ("2023-01-01", "2024-12-15", 24),
        "lostc": ("2022-01-01", "2024-05-01", 30),
        "quiet": ("2022-01-01", "2024-05-01", 30),
        "gone": ("2022-01-01", "2023-06-01", 30),
        "held": ("2022-01-01", "2023-06-01", 30),
        "irreg": ("2022-01-01", "2024-12-01", 3),
        "slow": ("2022-01-01", "2024-12-01", 5),
    }
    return pd.DataFrame(
        {
            "first_purchase": pd.to_datetime([r[0] for r in rows.values()]),
            "last_purchase": pd.to_datetime([r[1] for r in rows.values()]),
            "n_orders": [r[2] for r in rows.values()],
            "total_revenue": [100.0, 5000.0, 900.0, 800.0, 700.0, 600.0, 90.0, 400.0],
            "total_margin": [20.0, 900.0, 100.0, 80.0, -10.0, 60.0, 9.0, 40.0],
        },
        index=pd.Index(list(rows), name="client_id"),
    )


def test_relation_rules_hand_cases():
    contracts = pd.DataFrame(
        {
            "client_id": ["lostc", "held"],
            "status": ["expired", "active"],
            "expiry_date": pd.to_datetime(["2024-02-01", "2026-01-01"]),
        }
    )
    clients = pd.DataFrame({"client_id": ["pot", "new"]})
    # Half-year thresholds, shorter than the default twelve months (see below).
    half_year = RelationRules(
        new_days=180, inactive_days=180, lost_days=365, contract_keeps_client=True
    )
    out = relation_to_firm(
        _summary(), observation_end=END, clients=clients, contracts=contracts, rules=half_year
    )
    assert out["relation"].astype(str).to_dict() == {
        "gone": "lost",  # no order for > 365 days, no contract
        "held": "occasional",  # stopped ordering but the contract is active
        "irreg": "occasional",  # only 3 orders
        "lostc": "lost",  # contract expired and no order for 245 days
        "new": "new",
        "perm": "permanent",  # 24 orders, mean gap 714 / 23 = 31 days
        "pot": "potential",
        "quiet": "occasional",  # 245 days without order, no contract: not yet lost
        "slow": "occasional",  # mean gap 1065 / 4 = 266 days
    }
    assert out.loc["perm", "mean_gap_days"] == pytest.approx(714 / 23)
    assert out.loc["pot", "n_orders"] == 0 and out.loc["pot", "days_since_last_purchase"] == -1
    assert out.loc["lostc", "contract_state"] == "expired"
    strict = relation_to_firm(
        _summary(),
        observation_end=END,
        contracts=contracts,
        rules=RelationRules(
            new_days=180,
            inactive_days=180,
            lost_days=365,
            permanent_requires_contract=True,
            contract_keeps_client=True,
        ),
    )
    assert strict.loc["perm", "relation"] == "occasional"
    longer = relation_to_firm(_summary(), observation_end=END, rules=RelationRules(new_days=10))
    assert longer.loc["new", "relation"] == "occasional"


def test_default_rules_are_the_library_status():
    """With the default rules, new and lost are the statuses of clientalytics.status."""
    contracts = pd.DataFrame(
        {
            "client_id": ["lostc", "held"],
            "status": ["expired", "active"],
            "expiry_date": pd.to_datetime(["2024-02-01", "2026-01-01"]),
        }
    )
    out = relation_to_firm(_summary(), observation_end=END, contracts=contracts)
    assert out["relation"].astype(str).to_dict() == {
        "gone": "lost",  # 580 days without an order: status lost
        "held": "lost",  # status lost: a running contract without orders does not change it
        "irreg": "occasional",
        "lostc": "permanent",  # ordered 245 days ago: still active, regular
        "new": "new",  # first order 92 days ago: status new
        "perm": "permanent",
        "quiet": "permanent",  # 245 days: still active (lost only after 365)
        "slow": "occasional",
    }
    assert RelationRules().lost_days == RelationRules().new_days == 364
    kept = relation_to_firm(
        _summary(),
        observation_end=END,
        contracts=contracts,
        rules=RelationRules(contract_keeps_client=True),
    )
    assert kept.loc["held", "relation"] == "occasional"  # the contract keeps it


def test_relation_rules_validation():
    with pytest.raises(ValidationError, match="lost_days"):
        RelationRules(inactive_days=400, lost_days=365)
    expected = r"summary: missing required column\(s\) \['first_purchase'\]"
    with pytest.raises(ValidationError, match=expected):
        relation_to_firm(_summary().drop(columns="first_purchase"), observation_end=END)


def test_value_class_and_matrix_hand_computed():
    s = pd.DataFrame(
        {
            "n_orders": [1, 1, 2, 4],
            "total_revenue": [100.0, 10.0, 100.0, 800.0],
            "total_margin": [30.0, 1.0, 20.0, 149.0],
        },
        index=["a", "b", "c", "d"],
    )
    relation = pd.Series(["new", "new", "permanent", "permanent"], index=s.index)
    # mean order values 100, 10, 50, 200: median 75
    assert value_class(s).tolist() == ["valuable", "low-value", "low-value", "valuable"]
    assert value_class(s, by="margin", threshold=25).tolist() == [
        "valuable",
        "low-value",
        "low-value",
        "valuable",
    ]
    m = client_matrix(s, relation).set_index(["relation", "value_class"])
    assert m.loc[("new", "valuable"), "clients"] == 1
    assert m.loc[("permanent", "valuable"), "revenue_share"] == pytest.approx(800 / 1010)
    assert m.loc[("new", "low-value"), "margin_share"] == pytest.approx(1 / 200)
    assert m["client_share"].sum() == pytest.approx(1.0)
    assert m["threshold"].iloc[0] == 75.0
    with pytest.raises(ValidationError, match="by must be"):
        value_class(s, by="size")
    with pytest.raises(ValidationError, match="no client with orders"):
        client_matrix(s, relation, relations=("lost",))


def test_missing_purchase_dates_raise():
    s = _summary()
    s.loc["new", "first_purchase"] = pd.NaT
    with pytest.raises(ValidationError, match=r"'first_purchase' has 1 missing date.*'new'"):
        relation_to_firm(s, observation_end=END)
