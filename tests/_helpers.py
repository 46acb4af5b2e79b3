"""Helpers shared by test directories."""

import pandas as pd


def tx_frame(rows):
    """Transactions from ``(client_id, date, revenue, variable_cost)`` rows, with ids t0, t1, ..."""
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue", "variable_cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    return frame
