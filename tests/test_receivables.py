"""Receivables aging, days sales outstanding and payment discipline, computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.receivables import (
    AGING_BUCKETS,
    days_sales_outstanding,
    payment_discipline,
    receivables_aging,
)

AT = "2025-03-31"


def _five() -> pd.DataFrame:
    """Five invoices of three clients; at 2025-03-31:

    1. A, due 9 Feb, paid 20 Feb (11 days late): closed.
    2. A, due 17 Mar, 200 of 600 paid: 400 open, 14 days overdue.
    3. B, due 31 Dec 2024, unpaid: 2,000 open, 90 days overdue (31 + 28 + 31).
    4. B, due 19 Apr, paid 5 Apr (after at, on time): 800 open at at, not yet due.
    5. C, due 1 Dec 2024, unpaid: 300 open, 120 days overdue (30 + 31 + 28 + 31).
    """
    return pd.DataFrame(
        {
            "invoice_id": ["1", "2", "3", "4", "5"],
            "client_id": ["A", "A", "B", "B", "C"],
            "issued_date": ["2025-01-10", "2025-02-15", "2024-12-01", "2025-03-20", "2024-11-01"],
            "due_date": ["2025-02-09", "2025-03-17", "2024-12-31", "2025-04-19", "2024-12-01"],
            "paid_date": ["2025-02-20", None, None, "2025-04-05", None],
            "amount": [1000.0, 600.0, 2000.0, 800.0, 300.0],
            "paid_amount": [None, 200.0, None, None, None],
        }
    )


def test_aging_by_client_computed_by_hand():
    aging = receivables_aging(_five(), at=AT)
    assert list(aging.index) == ["B", "A", "C"]  # largest open amount first
    assert list(aging.columns) == [
        "n_invoices",
        "n_open",
        "billed",
        "open_amount",
        *AGING_BUCKETS,
        "overdue_amount",
        "overdue_share",
    ]
    assert aging.loc["A"].tolist() == [2, 1, 1600.0, 400.0, 0.0, 400.0, 0.0, 0.0, 0.0, 400.0, 1.0]
    b = aging.loc["B"]
    assert b[["n_invoices", "n_open", "billed", "open_amount"]].tolist() == [2, 2, 2800.0, 2800.0]
    assert b[list(AGING_BUCKETS)].tolist() == [800.0, 0.0, 0.0, 2000.0, 0.0]
    assert b["overdue_share"] == pytest.approx(2000 / 2800)
    assert aging.loc["C", ["open_amount", "overdue_over_90"]].tolist() == [300.0, 300.0]


def test_aging_total_computed_by_hand():
    total = receivables_aging(_five(), at=AT, by_client=False)
    assert list(total.index) == ["total"]
    row = total.loc["total"]
    assert row[["n_clients", "n_debtors", "n_invoices", "n_open"]].tolist() == [3, 3, 5, 4]
    assert row[["billed", "open_amount", "overdue_amount"]].tolist() == [4700.0, 3500.0, 2700.0]
    assert row[list(AGING_BUCKETS)].tolist() == [800.0, 400.0, 0.0, 2000.0, 300.0]
    assert row["overdue_share"] == pytest.approx(2700 / 3500)


def test_an_invoice_paid_after_at_is_open_at_at_and_closed_later():
    later = receivables_aging(_five(), at="2025-04-30")
    # invoice 4 was paid on 5 April: B owes only invoice 3, now 120 days overdue
    assert later.loc["B", ["open_amount", "not_due", "overdue_over_90"]].tolist() == [
        2000.0,
        0.0,
        2000.0,
    ]
    before = receivables_aging(_five(), at="2025-01-05")
    # only invoices 3 (5 days overdue) and 5 (35 days overdue) were issued by then
    assert list(before.index) == ["B", "C"]
    assert before.loc["B", "overdue_1_30"] == 2000.0
    assert before.loc["C", "overdue_31_60"] == 300.0


def test_due_on_the_day_is_not_overdue():
    aging = receivables_aging(_five(), at="2025-03-17 18:00")
    assert aging.loc["A", ["not_due", "overdue_amount"]].tolist() == [400.0, 0.0]


def test_days_sales_outstanding_computed_by_hand():
    dso = days_sales_outstanding(_five(), at=AT, days=90)
    assert list(dso.columns) == ["receivables", "credit_sales", "dso"]
    # window: issued after 31 Dec 2024; invoice 3 (1 Dec) and 5 (1 Nov) are older
    assert dso.loc["A"].tolist() == [400.0, 1600.0, 22.5]
    assert dso.loc["B"].tolist() == [2800.0, 800.0, 315.0]
    assert dso.loc["C", ["receivables", "credit_sales"]].tolist() == [300.0, 0.0]
    assert np.isnan(dso.loc["C", "dso"])  # no sales in the window: undefined, not zero
    total = days_sales_outstanding(_five(), at=AT, by_client=False)
    assert total.loc["total"].tolist() == [3500.0, 2400.0, 3500 / 2400 * 90]
    assert days_sales_outstanding(_five(), at=AT, days=30).loc["B", "dso"] == 2800 / 800 * 30


def test_payment_discipline_computed_by_hand():
    card = payment_discipline(_five(), at=AT)
    assert list(card.index) == ["B", "A", "C"]  # largest overdue amount first
    a = card.loc["A"]
    assert a[["n_invoices", "n_paid", "n_paid_late"]].tolist() == [2, 1, 1]
    assert a[["late_share", "mean_days_late", "open_amount", "overdue_amount"]].tolist() == [
        1.0,
        11.0,
        400.0,
        400.0,
    ]
    assert a["max_days_overdue"] == 14 and a["dso"] == 22.5
    b = card.loc["B"]
    assert b[["n_paid", "overdue_amount", "max_days_overdue", "dso"]].tolist() == [
        0,
        2000.0,
        90,
        315.0,
    ]
    assert np.isnan(b["late_share"]) and np.isnan(b["mean_days_late"])
    later = payment_discipline(_five(), at="2025-04-30")
    # invoice 4 was paid 14 days early: paid on time, 0 days late
    assert later.loc["B", ["n_paid", "n_paid_late", "late_share", "mean_days_late"]].tolist() == [
        1,
        0,
        0.0,
        0.0,
    ]


def _random_invoices(seed: int, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    issued = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    terms = rng.choice([0, 14, 30, 45, 60], n)
    due = issued + pd.to_timedelta(terms, unit="D")
    delay = rng.integers(-20, 150, n)
    paid = (due + pd.to_timedelta(delay, unit="D")).where(rng.random(n) < 0.7)
    paid = paid.where(paid >= issued, issued)
    amount = rng.gamma(2.0, 50_000.0, n).round(2)
    part = (amount * rng.random(n)).round(2)
    return pd.DataFrame(
        {
            "invoice_id": [f"INV-{i}" for i in range(n)],
            "client_id": [f"C{c}" for c in rng.integers(0, 25, n)],
            "issued_date": issued,
            "due_date": due,
            "paid_date": paid,
            "amount": amount,
            "paid_amount": np.where(rng.random(n) < 0.3, part, np.nan),
            "payment_terms_days": terms,
        }
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("at", ["2024-03-31", "2024-12-31", "2025-06-30", "2026-06-30"])
def test_buckets_add_up_to_the_open_amount_which_never_exceeds_the_billed(seed, at):
    invoices = _random_invoices(seed)
    aging = receivables_aging(invoices, at=at)
    buckets = aging[list(AGING_BUCKETS)]
    assert (buckets >= 0).all().all()
    np.testing.assert_allclose(buckets.sum(axis=1), aging["open_amount"], rtol=1e-12)
    np.testing.assert_allclose(
        buckets[list(AGING_BUCKETS[1:])].sum(axis=1), aging["overdue_amount"], rtol=1e-12
    )
    assert (aging["open_amount"] <= aging["billed"] + 1e-6).all()
    total = receivables_aging(invoices, at=at, by_client=False).loc["total"]
    assert total["open_amount"] == pytest.approx(aging["open_amount"].sum())
    assert total["n_invoices"] == (pd.to_datetime(invoices["issued_date"]) <= at).sum()
    dso = days_sales_outstanding(invoices, at=at)
    np.testing.assert_allclose(dso["receivables"], aging["open_amount"].reindex(dso.index))
    card = payment_discipline(invoices, at=at)
    assert (card["n_paid_late"] <= card["n_paid"]).all()
    assert (card["n_paid"] <= card["n_invoices"]).all()
    np.testing.assert_allclose(
        card["overdue_amount"], aging["overdue_amount"].reindex(card.index), rtol=1e-12
    )


def test_paid_amount_above_amount_is_refused_naming_column_count_and_examples():
    bad = _five()
    bad.loc[1, "paid_amount"] = 650.0
    bad.loc[4, "paid_amount"] = 300.5
    for function in (receivables_aging, payment_discipline, days_sales_outstanding):
        with pytest.raises(
            ValidationError,
            match=r"column 'paid_amount': paid_amount above amount \(2 row\(s\), "
            r"e\.g\. '650\.0 / 600\.0', '300\.5 / 300\.0'\)",
        ):
            function(bad, at=AT)


def test_other_broken_invoices_are_refused():
    early = _five().assign(due_date=["2025-01-01", *_five()["due_date"][1:]])
    with pytest.raises(ValidationError, match=r"column 'issued_date': issued_date after due_date"):
        receivables_aging(early, at=AT)
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['due_date'\]"):
        receivables_aging(_five().drop(columns="due_date"), at=AT)
    with pytest.raises(ValidationError, match=r"column 'amount': .*\(1 row\(s\)"):
        receivables_aging(_five().assign(amount=[1000.0, -1.0, 2000.0, 800.0, 300.0]), at=AT)
    with pytest.raises(ValidationError, match="at must be a date"):
        receivables_aging(_five(), at="soon")
    with pytest.raises(ValidationError, match="days must be a positive whole number"):
        days_sales_outstanding(_five(), at=AT, days=0)


def test_no_invoices_give_empty_tables_and_a_zero_total():
    empty = _five().iloc[0:0]
    assert receivables_aging(empty, at=AT).empty
    total = receivables_aging(empty, at=AT, by_client=False).loc["total"]
    assert total[["n_clients", "n_invoices", "open_amount"]].tolist() == [0, 0, 0.0]
    assert np.isnan(total["overdue_share"])
    assert payment_discipline(empty, at=AT).empty


def test_an_invoice_before_the_clients_first_contact_is_fine():
    invoices = _five()
    clients = pd.DataFrame(
        {"client_id": ["A", "B", "C"], "first_contact_date": ["2025-03-01", None, None]}
    )
    transactions = pd.DataFrame(
        {
            "transaction_id": ["t1"],
            "client_id": ["A"],
            "date": ["2025-01-10"],
            "revenue": [1000.0],
            "variable_cost": [700.0],
        }
    )
    base = ClientBase(
        clients=clients, transactions=transactions, invoices=invoices, observation_end="2025-04-30"
    )
    assert len(base.invoices) == 5
    aging = receivables_aging(base.invoices, at=AT)
    pd.testing.assert_frame_equal(aging, receivables_aging(invoices, at=AT))
