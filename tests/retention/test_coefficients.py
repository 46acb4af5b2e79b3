import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics.exceptions import ValidationError
from clientalytics.retention import (
    COEFFICIENT_COLUMNS,
    client_activity,
    contract_renewal_rate,
    retention_coefficients,
)


def _tx(rows):
    return pd.DataFrame(rows, columns=["client_id", "date", "revenue"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


# a buys Jan, Feb, Mar; b buys Jan only; c buys Feb and Apr; d buys Mar.
HAND = _tx(
    [
        ("a", "2024-01-10", 100.0),
        ("a", "2024-02-10", 120.0),
        ("a", "2024-03-10", 80.0),
        ("b", "2024-01-15", 50.0),
        ("c", "2024-02-20", 30.0),
        ("c", "2024-04-02", 40.0),
        ("d", "2024-03-05", 10.0),
    ]
)


def test_hand_computed_monthly_window_one():
    """Window of one month: active at a month end = bought that month.

    Feb: S={a,b}, E={a,c}: lost b, new c (acquired), CRR=(2-1)/2=0.5.
    Base revenue: a 100 and b 50 in Jan; in Feb a 120, b 0:
    NRR=120/150=0.8, GRR=min(120,100)/150=2/3. Buyers a, c; repeat a -> 0.5.
    Mar: S={a,c}, E={a,d}: lost c, new d; base a 120 + c 30 -> a 80: NRR=80/150.
    Apr: S={a,d}, E={c}: lost a, d; new c reactivated; CRR=0.
    """
    r = retention_coefficients(HAND, activity_window=1, observation_end="2024-04-30")
    assert r["period"].dt.strftime("%Y-%m").tolist() == ["2024-02", "2024-03", "2024-04"]
    assert r["clients_start"].tolist() == [2, 2, 2]
    assert r["clients_end"].tolist() == [2, 2, 1]
    assert r["lost"].tolist() == [1, 1, 2]
    assert r["new"].tolist() == [1, 1, 1]
    assert r["acquired"].tolist() == [1, 1, 0]
    assert r["reactivated"].tolist() == [0, 0, 1]
    assert r["retention_rate"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert r["churn_rate"].tolist() == pytest.approx([0.5, 0.5, 1.0])
    assert r["nrr"].tolist() == pytest.approx([0.8, 80 / 150, 0.0])
    assert r["grr"].tolist() == pytest.approx([100 / 150, 80 / 150, 0.0])
    assert r["buyers"].tolist() == [2, 2, 1]
    assert r["repeat_purchase_rate"].tolist() == pytest.approx([0.5, 0.5, 1.0])
    assert list(r.columns) == COEFFICIENT_COLUMNS


def test_window_of_two_months_keeps_clients_active():
    """Window 2: b (Jan only) is still active at the end of Feb and lost in Mar."""
    r = retention_coefficients(HAND, activity_window=2, observation_end="2024-04-30")
    feb = r.iloc[0]
    assert (feb["clients_start"], feb["clients_end"], feb["lost"]) == (2, 3, 0)
    mar = r.iloc[1]
    # Start {a,b,c}; end {a,c,d}: b lost, d new.
    assert (mar["clients_start"], mar["lost"], mar["new"], mar["clients_end"]) == (3, 1, 1, 3)


def test_quarterly_compares_quarter_ends():
    """Q2 2024 with a 3-month window: start = end of March, end = end of June."""
    r = retention_coefficients(HAND, time_unit="Q", activity_window=3, observation_end="2024-06-30")
    assert r["period"].dt.strftime("%Y-%m").tolist() == ["2024-04"]
    row = r.iloc[0]
    # Window 3 months: at end of March every client active (a,b,c,d); at end of June: c (Apr).
    assert (row["clients_start"], row["clients_end"], row["lost"], row["new"]) == (4, 1, 3, 0)


def test_incomplete_last_month_is_left_out():
    r = retention_coefficients(HAND, activity_window=1, observation_end="2024-04-15")
    assert r["period"].max() == pd.Timestamp("2024-03-01")


def test_group_counts_add_up_to_the_total():
    clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"], "region": ["N", "S", "N", None]})
    total = retention_coefficients(HAND, activity_window=2, observation_end="2024-04-30")
    grouped = retention_coefficients(
        HAND, activity_window=2, observation_end="2024-04-30", clients=clients, by="region"
    )
    assert set(grouped["group"]) <= {"N", "S", "(missing)"}
    cols = ["clients_start", "clients_end", "lost", "new", "buyers"]
    # Periods where a group has no one at the start are not rows; compare on end counts.
    summed = grouped.groupby("period")[cols].sum()
    merged = total.set_index("period")[cols]
    assert (summed.loc[merged.index, "clients_start"] == merged["clients_start"]).all()
    assert (summed.loc[merged.index, "lost"] == merged["lost"]).all()


def test_contract_activity_hand_case():
    """Contract of a runs Jan 15 - Mar 15: active at ends of Jan and Feb, not March."""
    contracts = pd.DataFrame(
        {
            "contract_id": ["k1", "k2"],
            "client_id": ["a", "b"],
            "start_date": pd.to_datetime(["2024-01-15", "2024-01-01"]),
            "expiry_date": pd.to_datetime(["2024-03-15", "2024-12-31"]),
        }
    )
    r = retention_coefficients(
        HAND, activity="contracts", contracts=contracts, observation_end="2024-04-30"
    )
    assert r["clients_start"].tolist() == [2, 2, 1]
    assert r["clients_end"].tolist() == [2, 1, 1]
    assert r["lost"].tolist() == [0, 1, 0]


def test_renewal_rate_hand_case():
    contracts = pd.DataFrame(
        {
            "contract_id": ["k1", "k2", "k3", "k4"],
            "client_id": ["a", "b", "a", "c"],
            "expiry_date": pd.to_datetime(["2024-03-01", "2024-06-01", "2025-03-01", "2024-09-01"]),
            "renewal_of": [None, None, "k1", None],
        }
    )
    r = contract_renewal_rate(contracts, time_unit="Y", observation_end="2024-12-31")
    assert r["expiring"].tolist() == [3]
    assert r["renewed"].tolist() == [1]
    assert r["renewal_rate"].tolist() == pytest.approx([1 / 3])


def test_engines_give_identical_numbers():
    rng = np.random.default_rng(3)
    n = 400
    tx = pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in rng.integers(0, 60, n)],
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
            "revenue": rng.gamma(2.0, 50.0, n).round(2),
        }
    )
    kwargs = dict(time_unit="Q", activity_window=2, observation_end="2024-12-31")
    expected = retention_coefficients(tx, **kwargs)
    for native in (pl.from_pandas(tx), pl.from_pandas(tx).lazy(), duckdb.from_df(tx)):
        got = retention_coefficients(native, **kwargs)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    act = client_activity(tx, activity_window=2, observation_end="2024-12-31")
    act_pl = client_activity(pl.from_pandas(tx), activity_window=2, observation_end="2024-12-31")
    pd.testing.assert_frame_equal(act, act_pl, check_dtype=False)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 400), st.floats(-20, 500)),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
    st.sampled_from(["M", "Q"]),
)
def test_invariants(rows, window, time_unit):
    tx = pd.DataFrame(
        {
            "client_id": [f"c{c}" for c, _, _ in rows],
            "date": [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for _, d, _ in rows],
            "revenue": [v for _, _, v in rows],
        }
    )
    r = retention_coefficients(
        tx, time_unit=time_unit, activity_window=window, observation_end="2025-03-31"
    )
    assert (r["clients_start"] - r["lost"] + r["new"] == r["clients_end"]).all()
    assert (r["new"] == r["acquired"] + r["reactivated"]).all()
    for col in ("retention_rate", "churn_rate", "repeat_purchase_rate"):
        assert r[col].between(0, 1).all()
    assert r["grr"].dropna().between(0, 1 + 1e-12).all()
    assert (r["grr"].isna() == (r["revenue_base"] == 0)).all()
    assert (r["retention_rate"] + r["churn_rate"]).round(12).eq(1).all()


def test_errors_name_the_problem():
    with pytest.raises(ValidationError, match="time_unit must be one of"):
        retention_coefficients(HAND, time_unit="W")
    with pytest.raises(ValidationError, match="missing required column"):
        retention_coefficients(HAND.drop(columns="revenue"))
    with pytest.raises(ValidationError, match="cannot group by 'segment'"):
        retention_coefficients(HAND, clients=pd.DataFrame({"client_id": ["a"]}), by="segment")
    with pytest.raises(ValidationError, match="needs the contracts table"):
        retention_coefficients(HAND, activity="contracts")
    bad = HAND.copy()
    bad.loc[0, "revenue"] = np.nan
    with pytest.raises(ValidationError, match="'revenue' has 1 missing"):
        retention_coefficients(bad)
