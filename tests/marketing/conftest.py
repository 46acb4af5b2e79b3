"""A tiny hand-built company whose every figure is computed by hand in the tests."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics.marketing.profitability import ClientProfitability, client_profitability
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import ClientGroup, MarketModel


@pytest.fixture
def tiny_clients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": ["c1", "c2", "c3", "c4"],
            "acquisition_channel": ["exhibitions", "search", "search", None],
            "first_contact_date": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-02-05", None]),
        }
    )


@pytest.fixture
def tiny_transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transaction_id": ["t1", "t2", "t3", "t4", "t5", "t6"],
            "client_id": ["c1", "c1", "c2", "c3", "c4", "c4"],
            "date": pd.to_datetime(
                ["2024-01-15", "2024-03-10", "2024-01-25", "2024-02-10", "2024-01-03", "2024-02-20"]
            ),
            "revenue": [1000.0, 500.0, 200.0, 300.0, 400.0, 400.0],
            "variable_cost": [800.0, 100.0, 150.0, 320.0, 200.0, 200.0],
        }
    )


@pytest.fixture
def tiny_spend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "spend_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "period": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-02-01", "2024-03-01"]
            ),
            "channel": ["exhibitions", "search", "search", "search", "email", "email"],
            "purpose": [
                "acquisition",
                "acquisition",
                "acquisition",
                "acquisition",
                "retention",
                "retention",
            ],
            "target_segment": [None, None, None, None, None, "gold"],
            "amount": [300.0, 100.0, 80.0, 50.0, 90.0, 40.0],
        }
    )


@pytest.fixture
def tiny_segments() -> pd.Series:
    return pd.Series({"c1": "gold", "c2": "silver", "c3": "silver", "c4": "gold"}, name="segment")


@pytest.fixture
def tiny_touchpoints() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint_id": ["p1", "p2", "p3", "p4", "p5"],
            "client_id": ["c1", "c1", "c2", "c2", "c3"],
            "channel": ["meeting", "phone", "phone", "phone", "email"],
            "duration_minutes": [60.0, 5.0, 5.0, 5.0, None],
        }
    )


@pytest.fixture
def tiny_requests() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "request_id": ["r1", "r2"],
            "client_id": ["c3", "c2"],
            "request_type": ["complaint", "commercial"],
        }
    )


TOUCHPOINT_COSTS = {"meeting": 100.0, "phone": 10.0, "email": 2.0}
REQUEST_COSTS = {"complaint": 50.0, "commercial": 20.0, "service": 5.0}


@pytest.fixture
def model() -> MarketModel:
    return MarketModel(
        groups=[
            ClientGroup(
                "prospects",
                clients=0,
                margin=120.0,
                revenue=400.0,
                prospects=2000,
                acquisition=ResponseCurve(0.2, 0.05),
                retention=ResponseCurve(0.85, 0.05, floor=0.5),
            ),
            ClientGroup(
                "valuable",
                clients=200,
                margin=300.0,
                revenue=1000.0,
                retention=ResponseCurve(0.95, 0.03, floor=0.7),
            ),
            ClientGroup(
                "low_value",
                clients=800,
                margin=30.0,
                revenue=150.0,
                retention=ResponseCurve(0.8, 0.1, floor=0.5),
            ),
        ],
        horizon=8,
        discount_rate=0.02,
    )


#: Per-period budgets of the ``model`` fixture: 4 000 + 4 000 + 8 000.
BASELINE = {
    "prospects": {"acquisition_budget": 4000.0},
    "valuable": {"retention_budget": 4000.0},
    "low_value": {"retention_budget": 8000.0},
}


@pytest.fixture
def tiny_profitability(
    tiny_transactions, tiny_clients, tiny_spend, tiny_touchpoints, tiny_requests, tiny_segments
) -> ClientProfitability:
    return client_profitability(
        tiny_transactions,
        clients=tiny_clients,
        marketing_spend=tiny_spend,
        touchpoints=tiny_touchpoints,
        requests=tiny_requests,
        touchpoint_costs=TOUCHPOINT_COSTS,
        cost_per_minute=1.0,
        request_costs=REQUEST_COSTS,
        segments=tiny_segments,
    )
