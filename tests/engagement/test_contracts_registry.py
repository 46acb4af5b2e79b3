import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import (
    contract_anomalies,
    contract_durations,
    pending_legal_approval,
    registry_kpis,
    renewal_pipeline,
)

T = pd.Timestamp


@pytest.fixture
def contracts():
    return pd.DataFrame(
        {
            "contract_id": ["k1", "k2", "k3", "k4", "k5", "k6"],
            "client_id": ["a", "a", "b", "c", "d", "e"],
            "manager_id": ["m1", "m1", "m1", "m2", "m2", "m2"],
            "status": ["active", "active", "sent", "active", "signed", "expired"],
            "terms": [
                "standard",
                "non_standard",
                "standard",
                "standard",
                "non_standard",
                "standard",
            ],
            "legal_approved": [None, False, None, None, None, True],
            "first_contact_date": pd.to_datetime(
                ["2023-01-01", "2023-06-01", "2024-10-01", "2023-03-01", "2024-11-01", "2022-01-01"]
            ),
            "sent_date": pd.to_datetime(
                ["2023-01-11", "2023-06-11", "2024-11-01", "2023-03-11", "2024-11-21", "2022-02-01"]
            ),
            "signed_date": pd.to_datetime(
                ["2023-01-15", "2023-07-01", None, "2023-03-31", "2024-12-01", "2022-02-11"]
            ),
            "start_date": pd.to_datetime(
                ["2023-02-01", "2023-07-01", None, "2023-04-01", None, "2022-03-01"]
            ),
            "expiry_date": pd.to_datetime(
                ["2025-02-01", "2025-01-10", None, "2024-12-01", None, "2023-03-01"]
            ),
            "annual_value": [100.0, 50.0, None, 70.0, 20.0, 10.0],
            "renewal_of": [None, None, None, None, None, None],
        }
    )


END = T("2024-12-31")


def test_durations_and_kpis(contracts):
    d = contract_durations(contracts).set_index("contract_id")
    assert d.loc["k1", "turnaround_days"] == 4 and d.loc["k1", "sales_cycle_days"] == 14
    assert d.loc["k2", "turnaround_days"] == 20 and d.loc["k2", "sales_cycle_days"] == 30
    assert np.isnan(d.loc["k3", "turnaround_days"])
    kpi = registry_kpis(contracts, by="terms").set_index("terms")
    # non-standard: k2 20 days, k5 10 days
    assert kpi.loc["non_standard", "median_turnaround_days"] == 15
    assert kpi.loc["standard", "n_signed"] == 3


def test_renewal_pipeline(contracts):
    pipe = renewal_pipeline(
        contracts.assign(renewal_of=[None, None, None, None, "k1", None]),
        observation_end=END,
        horizon_days=45,
    )
    assert pipe["contract_id"].tolist() == ["k2", "k1"]
    assert pipe["days_to_expiry"].tolist() == [10.0, 32.0]
    assert pipe["renewal_started"].tolist() == [False, True]
    assert renewal_pipeline(contracts, observation_end=END, horizon_days=20)[
        "contract_id"
    ].tolist() == ["k2"]


def test_pending_legal(contracts):
    assert pending_legal_approval(contracts)["contract_id"].tolist() == ["k5"]


def test_anomalies(contracts):
    found = contract_anomalies(contracts, observation_end=END, max_days_sent=30)
    got = set(zip(found["contract_id"], found["issue"], strict=True))
    assert got == {
        ("k4", "active_past_expiry"),
        ("k3", "sent_not_returned"),  # sent 60 days before the end
        ("k2", "non_standard_unapproved"),
        ("k1", "overlapping_active"),
        ("k2", "overlapping_active"),
    }
    detail = found.set_index(["contract_id", "issue"])["detail"]
    assert detail[("k3", "sent_not_returned")] == "sent 60 days ago"
    assert detail[("k1", "overlapping_active")] == "overlaps k2"
    assert (
        contract_anomalies(contracts, observation_end=END, max_days_sent=90)
        .query("issue == 'sent_not_returned'")
        .empty
    )
