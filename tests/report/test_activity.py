"""The report's one definition of active, new and lost clients, by hand."""

import pandas as pd

from clientalytics.report.activity import (
    ACTIVE_DAYS,
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
