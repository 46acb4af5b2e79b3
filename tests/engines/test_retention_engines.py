"""Retention from raw transactions gives identical numbers on every engine.

client_activity, retention_coefficients and cohort_table aggregate the
transactions inside the engine of the input frame (pandas, Polars eager and lazy,
DuckDB, Spark with TIMESTAMP and TIMESTAMP_NTZ dates); client attributes used for
``by`` and the months covered by contracts are moved into that engine and joined
there. The pandas result is the reference; a small hand-computed case with credit
notes pins the values themselves.
"""

from __future__ import annotations

import narwhals.dataframe as nw_dataframe
import pandas as pd
import pytest

from clientalytics.clientbase import ClientBase
from clientalytics.datasets import generate_company
from clientalytics.retention import (
    client_activity,
    cohort_matrix,
    cohort_table,
    retention_coefficients,
)


@pytest.fixture(scope="module")
def company() -> ClientBase:
    """The synthetic company with 300 clients over two years."""
    return generate_company(300, 2, seed=5)


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    """Three clients, January to March 2024, with credit notes.

    a orders in January (10) and February (12, then a credit note of 5); b orders in
    January (5) and has only a credit note (-5) in March; c orders in February (7)
    and on 31 March at 23:00 (4).
    """
    rows = [
        ("a", "2024-01-05 09:00", 10.0),
        ("a", "2024-02-03 14:30", 12.0),
        ("a", "2024-02-20 10:00", -5.0),
        ("b", "2024-01-10 08:00", 5.0),
        ("b", "2024-03-02 16:00", -5.0),
        ("c", "2024-02-15 12:00", 7.0),
        ("c", "2024-03-31 23:00", 4.0),
    ]
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture(scope="module")
def hand_clients() -> pd.DataFrame:
    """a is in region x, b has no region, c is not in the clients table."""
    return pd.DataFrame({"client_id": ["a", "b"], "region": ["x", None]})


def test_activity_hand_case(hand, frame_on):
    got = client_activity(frame_on(hand), activity_window=1, observation_end="2024-03-31")
    rows = list(
        zip(
            got["client_id"],
            got["month"].dt.strftime("%Y-%m"),
            got["revenue"],
            got["n_orders"],
            got["active"],
            strict=True,
        )
    )
    assert rows == [
        ("a", "2024-01", 10.0, 1, True),
        ("a", "2024-02", 7.0, 1, True),
        ("b", "2024-01", 5.0, 1, True),
        ("b", "2024-03", -5.0, 0, False),
        ("c", "2024-02", 7.0, 1, True),
        ("c", "2024-03", 4.0, 1, True),
    ]


def test_retention_coefficients_hand_case(hand, frame_on):
    got = retention_coefficients(frame_on(hand), activity_window=1, observation_end="2024-03-31")
    assert got["period"].dt.strftime("%Y-%m").tolist() == ["2024-02", "2024-03"]
    # February: a and b active at the start, a and c at the end (c acquired, b lost)
    # March: a and c at the start, only c at the end (b's credit note is no order)
    columns = ["clients_start", "new", "acquired", "lost", "clients_end", "buyers"]
    assert got[columns].to_numpy().tolist() == [[2, 1, 1, 1, 2, 2], [2, 0, 0, 1, 1, 1]]
    assert got["retention_rate"].tolist() == [0.5, 0.5]
    # revenue base: a 10 + b 5 in January, kept 7 (a, net of the credit note)
    # then a 7 + c 7 in February, kept 4 (c)
    assert got["revenue_base"].tolist() == [15.0, 14.0]
    assert got["nrr"].tolist() == pytest.approx([7 / 15, 4 / 14])
    assert got["grr"].tolist() == pytest.approx([7 / 15, 4 / 14])
    assert got["repeat_purchase_rate"].tolist() == [0.5, 1.0]


def test_retention_by_group_hand_case(hand, hand_clients, frame_on):
    options = dict(
        activity_window=1, observation_end="2024-03-31", clients=hand_clients, by="region"
    )
    expected = retention_coefficients(hand, **options)
    got = retention_coefficients(frame_on(hand), **options)
    # b (no region) and c (not in the table) form the group "(missing)"
    assert sorted(set(expected["group"])) == ["(missing)", "x"]
    assert expected.groupby("period")["clients_start"].sum().tolist() == [2, 2]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_cohort_table_hand_case(hand, frame_on):
    got = cohort_table(frame_on(hand), observation_end="2024-03-31")
    rows = list(
        zip(
            got["cohort"].dt.strftime("%Y-%m"),
            got["age"],
            got["cohort_size"],
            got["active_clients"],
            got["revenue"],
            strict=True,
        )
    )
    assert rows == [
        ("2024-01", 0, 2, 2, 15.0),
        ("2024-01", 1, 2, 1, 7.0),
        ("2024-01", 2, 2, 0, -5.0),
        ("2024-02", 0, 1, 1, 7.0),
        ("2024-02", 1, 1, 1, 4.0),
    ]


def test_client_activity_generated_same_on_every_engine(company, frame_on):
    expected = client_activity(company.transactions, observation_end=company.observation_end)
    got = client_activity(frame_on(company.transactions), observation_end=company.observation_end)
    # months without an order in which the three-month window keeps a client active
    assert (expected["active"] & (expected["n_orders"] == 0)).sum() > 100
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_contract_activity_same_on_every_engine(company, frame_on):
    options = dict(activity="contracts", contracts=company.contracts, observation_end="2024-12-31")
    expected = client_activity(company.transactions, **options)
    got = client_activity(frame_on(company.transactions), **options)
    assert expected["active"].sum() > 1000
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize(("time_unit", "by"), [("M", None), ("Q", "region")])
def test_retention_coefficients_generated_same_on_every_engine(company, frame_on, time_unit, by):
    options = dict(
        time_unit=time_unit, clients=company.clients, by=by, observation_end=company.observation_end
    )
    expected = retention_coefficients(company.transactions, **options)
    got = retention_coefficients(frame_on(company.transactions), **options)
    periods = expected["period"].nunique()
    assert periods == (23 if time_unit == "M" else 7)
    assert expected["group"].nunique() == (1 if by is None else company.clients[by].nunique())
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize(("time_unit", "by"), [("M", None), ("Q", "region")])
def test_cohort_table_generated_same_on_every_engine(company, frame_on, time_unit, by):
    options = dict(
        time_unit=time_unit, clients=company.clients, by=by, observation_end=company.observation_end
    )
    expected = cohort_table(company.transactions, **options)
    got = cohort_table(frame_on(company.transactions), **options)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
    group = None if by is None else str(expected["group"].iloc[0])
    matrix = cohort_matrix(got, group=group)
    assert matrix.shape[1] == (24 if time_unit == "M" else 8)
    pd.testing.assert_frame_equal(matrix, cohort_matrix(expected, group=group))


def test_only_per_period_rows_come_back(company, frame_on, monkeypatch):
    """The raw transactions never reach pandas: every collected frame is aggregated."""
    sizes: list[int] = []
    real_to_pandas = nw_dataframe.DataFrame.to_pandas

    def spy(self):
        out = real_to_pandas(self)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(nw_dataframe.DataFrame, "to_pandas", spy)
    frame = frame_on(company.transactions)
    end = company.observation_end
    coefficients = retention_coefficients(
        frame, clients=company.clients, by="region", time_unit="Q"
    )
    groups = company.clients["region"].nunique()
    # one row per group and quarter (8 quarters, the first has nobody active at its start)
    assert sizes and max(sizes) <= 8 * groups
    assert len(coefficients) <= 7 * groups
    sizes.clear()
    cohorts = cohort_table(frame, time_unit="Q", observation_end=end)
    assert sizes and max(sizes) <= len(cohorts) < 40
