"""Fixtures of the managers tests."""

import pandas as pd
import pytest

from tests._helpers import tx_frame


@pytest.fixture
def company():
    # Manager M1: a, b, c. Manager M2: d. Quarters of 2024.
    tx = tx_frame(
        [
            ("a", "2024-01-10", 100, 60),
            ("b", "2024-02-10", 50, 30),
            ("c", "2024-03-10", 20, 10),
            ("a", "2024-04-10", 100, 60),
            ("b", "2024-05-10", 40, 20),
            ("c", "2024-09-10", 30, 10),
            ("d", "2024-04-15", 70, 35),
            ("d", "2024-07-15", 80, 40),
            ("a", "2024-07-20", -10, 0),  # credit note alone: not an active quarter
        ]
    )
    clients = pd.DataFrame({"client_id": list("abcd"), "manager_id": ["M1", "M1", "M1", "M2"]})
    return tx, clients
