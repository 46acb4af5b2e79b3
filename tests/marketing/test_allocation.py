import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.allocation import allocate_marketing_spend


def test_hand_computed_allocation(tiny_spend, tiny_clients, tiny_transactions, tiny_segments):
    alloc = allocate_marketing_spend(
        tiny_spend, tiny_clients, tiny_transactions, segments=tiny_segments
    )
    by = alloc.by_client
    # s1 -> c1; s2 -> c2; s3 -> c3; s4 (search, March) -> nobody;
    # s5 (Feb retention, 90) -> c1, c3, c4 on the books in Feb: 30 each;
    # s6 (March retention to gold, 40) -> c1 (only gold client on the books in March)
    assert by.loc["c1", "acquisition_spend"] == pytest.approx(300.0)
    assert by.loc["c1", "retention_spend"] == pytest.approx(70.0)
    assert by.loc["c2", "allocated_marketing"] == pytest.approx(100.0)
    assert by.loc["c3", "allocated_marketing"] == pytest.approx(110.0)
    assert by.loc["c4", "allocated_marketing"] == pytest.approx(30.0)
    assert alloc.total_spend == pytest.approx(660.0)
    assert alloc.unallocated_total == pytest.approx(50.0)
    unalloc = alloc.unallocated
    assert list(unalloc["spend_id"]) == ["s4"]
    assert "no client acquired by this channel" in unalloc["reason"].iloc[0]
    assert alloc.lines.set_index("spend_id").loc["s5", "n_clients"] == 3


def test_without_segments_targeting_is_not_applied(tiny_spend, tiny_clients, tiny_transactions):
    alloc = allocate_marketing_spend(tiny_spend, tiny_clients, tiny_transactions)
    # s6 then goes to every client on the books in March: only c1
    assert alloc.by_client.loc["c1", "retention_spend"] == pytest.approx(70.0)


def test_target_segment_without_clients_is_reported(
    tiny_spend, tiny_clients, tiny_transactions, tiny_segments
):
    spend = tiny_spend.copy()
    spend.loc[5, "target_segment"] = "silver"  # no silver client on the books in March
    alloc = allocate_marketing_spend(spend, tiny_clients, tiny_transactions, segments=tiny_segments)
    assert alloc.unallocated_total == pytest.approx(90.0)
    row = alloc.unallocated.set_index("spend_id").loc["s6"]
    assert row["reason"].endswith("within the target segment")


def test_first_purchase_acquisition_date(tiny_spend, tiny_clients, tiny_transactions):
    # c3 first bought in Feb like its first contact; c2 in Jan; same result here,
    # but c4 (no channel) never takes acquisition money either way
    alloc = allocate_marketing_spend(
        tiny_spend, tiny_clients, tiny_transactions, acquired_on="first_purchase"
    )
    assert alloc.by_client.loc["c4", "acquisition_spend"] == 0.0
    assert alloc.allocated_total + alloc.unallocated_total == pytest.approx(660.0)


def test_bad_purpose_and_negative_amount_are_rejected(tiny_spend, tiny_clients, tiny_transactions):
    bad = tiny_spend.copy()
    bad.loc[0, "purpose"] = "branding"
    with pytest.raises(ValidationError, match=r"'purpose' has 1 value\(s\) outside .*'branding'"):
        allocate_marketing_spend(bad, tiny_clients, tiny_transactions)
    bad = tiny_spend.copy()
    bad.loc[1, "amount"] = -5.0
    with pytest.raises(ValidationError, match="column 'amount' has 1 negative value"):
        allocate_marketing_spend(bad, tiny_clients, tiny_transactions)


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12),
    months=st.lists(st.integers(1, 6), min_size=12, max_size=12),
    channels=st.lists(st.sampled_from(["a", "b", "c"]), min_size=12, max_size=12),
    purposes=st.lists(
        st.sampled_from(["acquisition", "retention", "development"]), min_size=12, max_size=12
    ),
)
def test_money_is_conserved(amounts, months, channels, purposes):
    """Every unit of spend is either allocated to a client or reported as unallocated."""
    n = len(amounts)
    spend = pd.DataFrame(
        {
            "spend_id": [f"s{i}" for i in range(n)],
            "period": [pd.Timestamp(2024, m, 1) for m in months[:n]],
            "channel": channels[:n],
            "purpose": purposes[:n],
            "amount": amounts,
        }
    )
    clients = pd.DataFrame(
        {
            "client_id": ["x", "y", "z"],
            "acquisition_channel": ["a", "b", None],
            "first_contact_date": pd.to_datetime(["2024-02-03", "2024-04-20", None]),
        }
    )
    txn = pd.DataFrame(
        {
            "client_id": ["x", "y", "z"],
            "date": pd.to_datetime(["2024-02-10", "2024-05-01", "2024-01-02"]),
        }
    )
    alloc = allocate_marketing_spend(spend, clients, txn)
    total = float(np.sum(amounts))
    assert alloc.by_client["allocated_marketing"].sum() == pytest.approx(
        alloc.allocated_total, rel=1e-9, abs=1e-6
    )
    assert alloc.allocated_total + alloc.unallocated_total == pytest.approx(
        total, rel=1e-9, abs=1e-6
    )
    assert (alloc.lines["unallocated"] >= 0).all()
    lines = alloc.lines
    assert (lines.loc[lines["n_clients"] == 0, "allocated"] == 0).all()
    assert (lines.loc[lines["n_clients"] > 0, "unallocated"] == 0).all()


def test_unknown_target_label_is_spread_and_flagged(
    tiny_spend, tiny_clients, tiny_transactions, tiny_segments
):
    spend = tiny_spend.copy()
    spend.loc[5, "target_segment"] = "all clients"
    alloc = allocate_marketing_spend(spend, tiny_clients, tiny_transactions, segments=tiny_segments)
    line = alloc.lines.set_index("spend_id").loc["s6"]
    assert line["targeting"] == "not_matched"
    assert line["allocated"] == pytest.approx(40.0)
    assert alloc.lines.set_index("spend_id").loc["s5", "targeting"] == "none"


def test_exhibition_spend_goes_to_the_clients_won_until_the_next_exhibition():
    """Exhibitions in January (600) and April (100); clients won in Jan, Feb, Mar and April.

    The January spend is shared by the three clients won January-March (200 each);
    with ``attribution="period"`` it would all land on the January client.
    """
    clients = pd.DataFrame(
        {
            "client_id": ["jan", "feb", "mar", "apr", "dec"],
            "acquisition_channel": ["exhibitions"] * 5,
            "first_contact_date": pd.to_datetime(
                ["2024-01-15", "2024-02-10", "2024-03-05", "2024-04-20", "2023-12-01"]
            ),
        }
    )
    txn = pd.DataFrame(
        {"client_id": ["jan", "feb", "mar", "apr", "dec"],
         "date": pd.to_datetime(["2024-01-20", "2024-02-15", "2024-03-10", "2024-04-25",
                                 "2023-12-05"])}
    )  # fmt: skip
    spend = pd.DataFrame(
        {
            "spend_id": ["e1", "e2"],
            "period": pd.to_datetime(["2024-01-01", "2024-04-01"]),
            "channel": ["exhibitions", "exhibitions"],
            "purpose": ["acquisition", "acquisition"],
            "amount": [600.0, 100.0],
        }
    )
    by = allocate_marketing_spend(spend, clients, txn).by_client["acquisition_spend"]
    # "dec" was won before the first exhibition line: it receives nothing
    assert by.to_dict() == pytest.approx(
        {"jan": 200.0, "feb": 200.0, "mar": 200.0, "apr": 100.0, "dec": 0.0}
    )
    old = allocate_marketing_spend(spend, clients, txn, attribution="period").by_client
    assert old.loc["jan", "acquisition_spend"] == pytest.approx(600.0)
    assert old.loc["feb", "acquisition_spend"] == 0.0
    with pytest.raises(ValidationError, match="attribution must be one of"):
        allocate_marketing_spend(spend, clients, txn, attribution="month")  # type: ignore[arg-type]
