"""Renewal histories read from the contract registry."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import cohort_histories, renewal_histories
from clientalytics.clv.renewal import RENEWAL_HISTORY_COLUMNS
from clientalytics.exceptions import ValidationError

END = pd.Timestamp("2026-01-01")


def _registry(rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "contract_id",
            "client_id",
            "status",
            "start_date",
            "expiry_date",
            "annual_value",
            "renewal_of",
        ],
    )
    for col in ("start_date", "expiry_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


REGISTRY = _registry(
    [
        # A: plain chain of two renewals, running at the end
        ("A1", "A", "expired", "2023-03-01", "2024-03-01", 100.0, None),
        ("A2", "A", "expired", "2024-03-01", "2025-03-01", 100.0, "A1"),
        ("A3", "A", "active", "2025-03-01", "2026-03-01", 120.0, "A2"),
        # B: lapse of half a year, then back: two spells
        ("B1", "B", "expired", "2023-01-10", "2024-01-10", 50.0, None),
        ("B2", "B", "active", "2024-07-01", "2025-07-01", 60.0, None),
        ("B3", "B", "active", "2025-07-01", "2026-07-01", 60.0, None),
        # C: early renewal (signed a month before expiry), then a parallel add-on
        ("C1", "C", "expired", "2024-02-01", "2025-02-01", 200.0, None),
        ("C2", "C", "active", "2025-01-01", "2026-01-31", 200.0, None),
        ("C3", "C", "active", "2025-06-01", "2025-12-31", 30.0, None),
        ("C4", "C", "active", "2025-09-01", "2026-01-15", 40.0, None),
        # D: late renewal linked by renewal_of, 60 days after expiry
        ("D1", "D", "expired", "2024-01-01", "2025-01-01", 10.0, None),
        ("D2", "D", "active", "2025-03-02", "2026-03-02", 10.0, "D1"),
        # E: terminated during its term (expiry after the end): churned
        ("E1", "E", "expired", "2024-05-01", "2025-05-01", 70.0, None),
        ("E2", "E", "terminated", "2025-05-01", "2026-05-01", 70.0, "E1"),
        # F: expired 10 days before the end, no renewal yet: pending
        ("F1", "F", "expired", "2024-12-22", "2025-12-22", 80.0, None),
        # G: open-ended since 2023-06-01: two silent renewals by the end
        ("G1", "G", "active", "2023-06-01", None, 90.0, None),
        # H: renewal signed, starting after the end; a draft for the next is ignored
        ("H1", "H", "active", "2025-01-20", "2026-01-20", 40.0, None),
        ("H2", "H", "signed", "2026-01-20", "2027-01-20", 45.0, "H1"),
        ("H3", "H", "draft", None, None, 45.0, "H2"),
        # I: rejected offer only: no spell
        ("I1", "I", "rejected", None, None, 5.0, None),
    ]
)


@pytest.fixture(scope="module")
def histories():
    return renewal_histories(REGISTRY, observation_end=END)


def test_columns_and_order(histories):
    assert list(histories.columns) == list(RENEWAL_HISTORY_COLUMNS)
    assert histories["client_id"].tolist() == ["A", "B", "B", "C", "D", "E", "F", "G", "H"]
    assert histories["spell"].tolist() == [1, 1, 2, 1, 1, 1, 1, 1, 1]


def _row(histories, client, spell=1):
    rows = histories[(histories["client_id"] == client) & (histories["spell"] == spell)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("client", "spell", "renewals", "status", "current", "value"),
    [
        ("A", 1, 2, "active", "A3", 120.0),
        ("B", 1, 0, "churned", "B1", 50.0),  # the lapse ends the first spell
        ("B", 2, 1, "active", "B3", 60.0),
        ("C", 1, 1, "active", "C2", 240.0),  # C2 and the add-on C4 run at the end
        ("D", 1, 1, "active", "D2", 10.0),  # linked late renewal: no new spell
        ("E", 1, 1, "churned", "E2", 70.0),
        ("F", 1, 0, "pending", "F1", 80.0),
        ("G", 1, 2, "active", "G1", 90.0),
        ("H", 1, 1, "active", "H2", 40.0),  # H2 is signed; H1 still runs at the end
    ],
)
def test_rules(histories, client, spell, renewals, status, current, value):
    row = _row(histories, client, spell)
    assert row["renewals"] == renewals
    assert row["status"] == status
    assert row["churned"] == (status == "churned")
    assert row["current_contract_id"] == current
    assert row["annual_value"] == value


def test_parallel_and_open_ended_details(histories):
    c = _row(histories, "C")
    assert (c["n_contracts"], c["n_parallel"]) == (4, 2)
    assert c["expiry_date"] == pd.Timestamp("2026-01-31")
    assert c["days_to_expiry"] == 30
    g = _row(histories, "G")
    assert g["open_ended"] and pd.isna(g["expiry_date"])
    # next silent renewal on the 2026-06-01 anniversary (three 365-day terms)
    assert g["days_to_expiry"] == pytest.approx(365 * 3 - (END - pd.Timestamp("2023-06-01")).days)
    assert _row(histories, "F")["days_to_expiry"] == -10
    # contract lengths in whole months: C2 runs 13 months, the rest one year
    assert c["term_years"] == pytest.approx(13 / 12)
    assert set(histories.loc[histories["client_id"] != "C", "term_years"]) == {1.0}


def test_gap_and_overlap_thresholds():
    strict = renewal_histories(REGISTRY, observation_end=END, max_gap_days=0, max_overlap_days=0)
    # C2 started a month before C1 expired: with no overlap allowed it runs in parallel
    c = _row(strict, "C")
    assert (c["renewals"], c["n_parallel"]) == (0, 3)
    # F is no longer pending: its expiry is past and no gap is allowed
    assert _row(strict, "F")["status"] == "churned"
    # D stays one spell: renewal_of links it whatever the gap
    assert (strict["client_id"] == "D").sum() == 1


def test_without_renewal_of_column():
    plain = renewal_histories(REGISTRY.drop(columns="renewal_of"), observation_end=END)
    # D's late renewal is now a lapse and a return
    assert (plain["client_id"] == "D").sum() == 2
    assert _row(plain, "D", 1)["status"] == "churned"


def test_sample_company(sample):
    """Sample registry: one-year contracts, each renewal starting on the old expiry."""
    h = renewal_histories(sample)
    contracts = sample.contracts
    decided = contracts[contracts["status"].isin(["signed", "active", "expired", "terminated"])]
    assert len(h) == decided["client_id"].nunique() == h["client_id"].nunique()
    # no gaps or overlaps in the sample: renewals = decided contracts - 1
    counts = decided.groupby("client_id").size()
    np.testing.assert_array_equal(h.set_index("client_id")["renewals"], counts[h["client_id"]] - 1)
    assert (h["n_parallel"] == 0).all()
    # every client with an active contract is active; terminated last contracts churned
    active = set(contracts.loc[contracts["status"] == "active", "client_id"])
    assert set(h.loc[h["status"] == "active", "client_id"]) == active
    terminated = set(contracts.loc[contracts["status"] == "terminated", "client_id"])
    assert h.set_index("client_id").loc[sorted(terminated), "churned"].all()


def test_errors():
    with pytest.raises(ValidationError, match="pass observation_end"):
        renewal_histories(REGISTRY)
    with pytest.raises(ValidationError, match="missing required column"):
        renewal_histories(REGISTRY.drop(columns="status"), observation_end=END)
    open_expired = REGISTRY.copy()
    open_expired.loc[open_expired["contract_id"] == "B1", "expiry_date"] = pd.NaT
    with pytest.raises(ValidationError, match=r"have no expiry_date.*\['B1'\]"):
        renewal_histories(open_expired, observation_end=END)
    with pytest.raises(ValidationError, match="max_gap_days"):
        renewal_histories(REGISTRY, observation_end=END, max_gap_days=-1)


def test_cohort_histories():
    h = cohort_histories([1000, 631, 468])
    assert h["renewals"].tolist() == [0, 1, 2]
    assert h["churned"].tolist() == [True, True, False]
    assert h["n_clients"].tolist() == [369, 163, 468]
    with pytest.raises(ValidationError, match="can only shrink"):
        cohort_histories([1000, 1100])
