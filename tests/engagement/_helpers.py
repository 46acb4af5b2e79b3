"""Helpers shared by the engagement tests."""

import pandas as pd


def tx_frame(rows):
    """Transactions from ``(client_id, date, revenue, variable_cost)`` rows."""
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue", "variable_cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame
