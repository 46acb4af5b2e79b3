"""Every part of the library classifies the same client the same way (clientalytics.status)."""

import pandas as pd

from clientalytics import summarize
from clientalytics.engagement import lifecycle_stages
from clientalytics.report.sections.retention import ACTIVITY_WINDOW
from clientalytics.report.sections.service import LOST_DAYS
from clientalytics.retention import client_lifetimes, retention_coefficients
from clientalytics.retention.activity import client_activity
from clientalytics.segmentation import relation_to_firm
from clientalytics.status import ACTIVE_DAYS, ACTIVE_MONTHS, client_states

END = pd.Timestamp("2025-12-31")


def _base():
    rows = [
        ("new", "2025-09-15", 100.0),
        ("new", "2025-11-20", 100.0),
        ("steady", "2023-02-10", 100.0),
        ("steady", "2024-08-01", 100.0),
        ("steady", "2025-06-10", 100.0),
        ("quiet", "2023-05-01", 100.0),
        ("quiet", "2025-03-01", 100.0),
        ("lost", "2022-01-10", 100.0),
        ("lost", "2024-06-15", 100.0),
        ("credit", "2023-01-01", 100.0),
        ("credit", "2025-06-01", -10.0),  # a credit note is not an order
    ]
    tx = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    tx["date"] = pd.to_datetime(tx["date"])
    tx["variable_cost"] = 0.0
    clients = pd.DataFrame({"client_id": ["new", "steady", "quiet", "lost", "credit", "prospect"]})
    return tx, clients


EXPECTED = {
    "credit": "lost",
    "lost": "lost",
    "new": "new",
    "prospect": "prospect",
    "quiet": "active",
    "steady": "active",
}


def test_status_by_hand():
    tx, clients = _base()
    states = client_states(tx, observation_end=END, clients=clients)
    assert states["status"].to_dict() == EXPECTED
    # quiet: 305 days silent, active but a win-back case; new: 41 days silent.
    assert states["retainable"].to_dict() == {
        "credit": False,
        "lost": False,
        "new": True,
        "prospect": False,
        "quiet": False,
        "steady": False,  # 204 days silent
    }


def test_lifecycle_agrees_with_status():
    tx, clients = _base()
    for lost_days in ({}, {"lost_days": LOST_DAYS}):  # the default and the report's
        stages = lifecycle_stages(tx, observation_end=END, clients=clients, **lost_days)
        assert stages["status"].to_dict() == EXPECTED
        lost = set(stages.index[stages["stage"] == "lost"])
        assert lost == {"credit", "lost"}
        assert set(stages.index[stages["stage"] == "prospect"]) == {"prospect"}
    assert LOST_DAYS == ACTIVE_DAYS - 1


def test_retention_activity_agrees_with_status():
    tx, _ = _base()
    assert ACTIVITY_WINDOW == ACTIVE_MONTHS  # the report's retention section
    activity = client_activity(tx, observation_end=END)  # the default window
    at_end = activity[activity["month"] == pd.Timestamp("2025-12-01")]
    assert set(at_end.loc[at_end["active"], "client_id"]) == {"new", "steady", "quiet"}
    coefs = retention_coefficients(tx, time_unit="Y", observation_end=END)
    year = coefs.set_index("period").loc[pd.Timestamp("2025-01-01")]
    # Active at the start of 2025: steady (2024-08-01) and lost (2024-06-15), as the
    # status at 2024-12-31 says; lost in 2025: lost; new or back in 2025: new, quiet.
    start = client_states(tx, observation_end="2024-12-31")["status"]
    assert set(start.index[start.isin(["new", "active"])]) == {"steady", "lost"}
    assert (year["clients_start"], year["lost"], year["new"], year["clients_end"]) == (2, 1, 2, 3)
    lifetimes = client_lifetimes(tx, observation_end=END)
    assert set(lifetimes.index[lifetimes["churned"].astype(bool)]) == {"credit", "lost"}


def test_typology_agrees_with_status():
    tx, clients = _base()
    summary = summarize(tx, observation_end=END, time_unit="D")
    # A contract that still runs does not keep a client that stopped ordering.
    contracts = pd.DataFrame(
        {"client_id": ["lost"], "status": ["active"], "expiry_date": pd.to_datetime(["2027-01-01"])}
    )
    relation = relation_to_firm(summary, observation_end=END, clients=clients, contracts=contracts)
    got = relation["relation"].astype(str)
    assert set(got.index[got == "lost"]) == {"credit", "lost"}
    assert set(got.index[got == "new"]) == {"new"}
    assert set(got.index[got == "potential"]) == {"prospect"}
