"""The library's one definition of active, new, lost and retainable clients, by hand."""

import numpy as np
import pandas as pd

from clientalytics.status import (
    ACTIVE_DAYS,
    RETAINABLE_DAYS,
    client_states,
    client_status,
    report_window,
    retention_over,
)


def _orders(rows):
    return pd.DataFrame(rows, columns=["client_id", "date"]).assign(
        date=lambda f: pd.to_datetime(f["date"])
    )


def test_status_by_hand():
    end = pd.Timestamp("2025-12-31")
    tx = _orders(
        [
            ("new", "2025-06-01"),
            ("active", "2023-05-01"),
            ("active", "2025-12-31"),
            ("lost", "2024-12-31"),  # exactly 365 days old: lost
            ("edge", "2023-01-01"),
            ("edge", "2025-01-01"),  # 364 days old: still active
        ]
    )
    clients = pd.DataFrame({"client_id": ["new", "active", "lost", "edge", "prospect"]})
    status = client_status(tx, observation_end=end, clients=clients)
    assert status.to_dict() == {
        "active": "active",
        "edge": "active",
        "lost": "lost",
        "new": "new",
        "prospect": "prospect",
    }
    assert ACTIVE_DAYS == 365


def test_retention_over_the_window_by_hand():
    end = pd.Timestamp("2025-12-31")
    tx = _orders(
        [
            ("a", "2024-06-01"), ("a", "2025-06-01"),  # retained
            ("b", "2024-06-01"),  # lost in the window
            ("c", "2025-03-01"),  # new in the window, not counted at the start
        ]
    )  # fmt: skip
    window = report_window(end)
    assert window.start == pd.Timestamp("2024-12-31")
    assert retention_over(tx, window) == (2, 1)


def _sales(rows):
    return pd.DataFrame(rows, columns=["client_id", "date", "revenue"]).assign(
        date=lambda f: pd.to_datetime(f["date"])
    )


def test_client_states_by_hand():
    end = pd.Timestamp("2025-12-31")
    tx = _sales(
        [
            ("fresh", "2025-12-01", 10.0),  # new, 30 days silent
            ("steady", "2023-03-01", 10.0),
            ("steady", "2025-10-02", 10.0),  # active, exactly 90 days silent: retainable
            ("quiet", "2023-03-01", 10.0),
            ("quiet", "2025-10-01", 10.0),  # active, 91 days silent: a win-back case
            ("gone", "2024-06-01", 10.0),  # lost, 578 days silent
            ("credit", "2025-11-01", 10.0),
            ("credit", "2025-12-20", -5.0),  # a credit note is not an order
            ("later", "2026-01-10", 10.0),  # after the observation end
        ]
    )
    clients = pd.DataFrame(
        {"client_id": ["fresh", "steady", "quiet", "gone", "credit", "later", "p"]}
    )
    states = client_states(tx, observation_end=end, clients=clients)
    assert list(states.index) == sorted(
        ["fresh", "steady", "quiet", "gone", "credit", "later", "p"]
    )
    assert states.index.name == "client_id"
    assert list(states.columns) == [
        "status",
        "first_order",
        "last_order",
        "days_silent",
        "retainable",
    ]
    assert states["status"].to_dict() == {
        "credit": "new",
        "fresh": "new",
        "gone": "lost",
        "later": "prospect",
        "p": "prospect",
        "quiet": "active",
        "steady": "active",
    }
    assert states.loc["steady", "first_order"] == pd.Timestamp("2023-03-01")
    assert states.loc["credit", "last_order"] == pd.Timestamp("2025-11-01")
    assert states["days_silent"].drop(["later", "p"]).to_dict() == {
        "credit": 60.0,
        "fresh": 30.0,
        "gone": 578.0,
        "quiet": 91.0,
        "steady": 90.0,
    }
    assert np.isnan(states.loc["p", "days_silent"])
    assert pd.isna(states.loc["later", "last_order"])
    assert states["days_silent"].dtype == float
    assert states["retainable"].dtype == bool
    assert sorted(states.index[states["retainable"]]) == ["credit", "fresh", "steady"]
    assert RETAINABLE_DAYS == 90
    # The status column is client_status itself.
    pd.testing.assert_series_equal(
        states["status"], client_status(tx, observation_end=end, clients=clients)
    )


def test_retainable_days_is_a_parameter():
    end = pd.Timestamp("2025-12-31")
    tx = _sales([("a", "2025-10-01", 1.0), ("b", "2025-12-01", 1.0), ("c", "2024-06-01", 1.0)])
    loose = client_states(tx, observation_end=end, retainable_days=120)
    strict = client_states(tx, observation_end=end, retainable_days=30)
    assert loose["retainable"].to_dict() == {"a": True, "b": True, "c": False}
    assert strict["retainable"].to_dict() == {"a": False, "b": True, "c": False}
    # A lost client is never retainable, however long the allowance.
    assert not client_states(tx, observation_end=end, retainable_days=10_000).loc["c", "retainable"]
