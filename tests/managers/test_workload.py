import pandas as pd
import pytest

from clientalytics.managers import client_workload


def test_client_workload_hours():
    clients = pd.DataFrame({"client_id": ["a", "b"]})
    tp = pd.DataFrame(
        {
            "client_id": ["a", "a", "a"],
            "timestamp": pd.to_datetime(["2024-06-01", "2024-07-01", "2022-01-01"]),
            "duration_minutes": [30.0, None, 600.0],
        }
    )
    rq = pd.DataFrame({"client_id": ["b"], "received_at": pd.to_datetime(["2024-08-01"])})
    w = client_workload(clients, tp, requests=rq, observation_end="2024-12-31")
    assert w["a"] == pytest.approx((30 + 15) / 60)
    assert w["b"] == pytest.approx(0.5)
