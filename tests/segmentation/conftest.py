import numpy as np
import pandas as pd
import pytest


def make_summary(days, orders, revenue, margin=None):
    """A hand-made per-client summary with the columns the segmentation needs."""
    n = len(days)
    revenue = np.asarray(revenue, dtype=float)
    margin = revenue * 0.2 if margin is None else np.asarray(margin, dtype=float)
    end = pd.Timestamp("2025-01-01")
    last = end - pd.to_timedelta(np.asarray(days), unit="D")
    frame = pd.DataFrame(
        {
            "frequency": np.asarray(orders) - 1,
            "n_orders": np.asarray(orders, dtype="int64"),
            "total_revenue": revenue,
            "total_margin": margin,
            "mean_margin": margin / np.asarray(orders),
            "first_purchase": last - pd.Timedelta(days=30),
            "last_purchase": last,
            "days_since_last_purchase": np.asarray(days, dtype="int64"),
        },
        index=pd.Index([f"c{i:02d}" for i in range(n)], name="client_id"),
    )
    return frame


@pytest.fixture
def random_transactions():
    rng = np.random.default_rng(7)
    n = 1500
    tx = pd.DataFrame(
        {
            "client_id": [f"k{i:03d}" for i in rng.integers(0, 120, n)],
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "revenue": np.round(rng.gamma(2.0, 100.0, n), 2),
        }
    )
    tx["variable_cost"] = np.round(tx["revenue"] * rng.uniform(0.5, 1.3, n), 2)
    return tx
