"""The synthetic company generator."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics.clientbase import TABLES
from clientalytics.datasets import generate_company, generate_transactions
from clientalytics.schema import SCHEMAS
from clientalytics.validation import validate
from tests.datasets._helpers import END


def _ordered(earlier: pd.Series, later: pd.Series) -> bool:
    """Whether ``earlier <= later`` on every row where both are present."""
    both = earlier.notna() & later.notna()
    return bool((earlier[both] <= later[both]).all())


# --------------------------------------------------------------------------- structure
def test_tables_have_exactly_the_schema_columns(company):
    for name in TABLES:
        assert list(getattr(company, name).columns) == SCHEMAS[name].column_names, name
        assert len(getattr(company, name)) > 0, name


def test_every_table_passes_validation_without_rejections(company):
    keys = {
        "clients": company.clients["client_id"],
        "managers": company.managers["manager_id"],
        "contracts": company.contracts["contract_id"],
        "surveys": company.surveys["response_id"],
    }
    for name in TABLES:
        result = validate(getattr(company, name), name, observation_end=END, known_keys=keys)
        assert len(result.rejected) == 0, (name, result.rejected.head())
    assert company.observation_end == END
    assert len(company.rejections) == 0


def test_no_event_after_observation_end(company):
    for name in TABLES:
        for col in SCHEMAS[name].columns:
            scheduled = ("start_date", "expiry_date", "due_date")
            if col.kind == "datetime" and col.name not in scheduled:
                values = getattr(company, name)[col.name].dropna()
                assert (values < END).all(), (name, col.name, values.max())
    # Scheduled dates may lie ahead only for contracts already signed.
    future = company.contracts[company.contracts["start_date"] >= END]
    assert set(future["status"]) <= {"signed"}
    # Invoices may fall due after the end, but only for invoices still open.
    due_later = company.invoices[company.invoices["due_date"] >= END]
    assert len(due_later) > 0 and due_later["paid_date"].isna().sum() > 0.5 * len(due_later)


def test_contract_dates_in_order_and_status_consistent(company):
    c = company.contracts
    assert _ordered(c["first_contact_date"], c["sent_date"])
    assert _ordered(c["sent_date"], c["signed_date"])
    assert _ordered(c["signed_date"], c["start_date"])
    assert ((c["expiry_date"] - c["start_date"]).dropna() == pd.Timedelta(days=365)).all()
    active = c[c["status"] == "active"]
    assert (
        (active["start_date"] < END) & (active["expiry_date"] >= END - pd.Timedelta(days=1))
    ).all()
    expired = c[c["status"] == "expired"]
    assert (expired["expiry_date"] < END).all()
    # A renewal starts the day the contract it renews expires, for the same client.
    ren = c.dropna(subset=["renewal_of"]).merge(
        c, left_on="renewal_of", right_on="contract_id", suffixes=("", "_old")
    )
    assert len(ren) > 100
    assert (ren["client_id"] == ren["client_id_old"]).all()
    assert (
        ren["start_date"].dropna() == ren.loc[ren["start_date"].notna(), "expiry_date_old"]
    ).all()
    nonstd = c[(c["terms"] == "non_standard") & c["status"].isin(["active", "expired"])]
    assert nonstd["legal_approved"].all()
    assert c.loc[c["terms"] == "standard", "legal_approved"].isna().all()


def test_orders_under_a_contract_fall_inside_its_term(company):
    tx = company.transactions
    orders = tx[(tx["revenue"] > 0) & tx["contract_id"].notna()]
    merged = orders.merge(company.contracts, on="contract_id", suffixes=("", "_c"))
    assert len(merged) == len(orders)
    assert (merged["client_id"] == merged["client_id_c"]).all()
    assert (merged["date"] >= merged["start_date"]).all()
    assert (merged["date"] < merged["expiry_date"]).all()


def test_requests_response_order_and_freight_items(company):
    r = company.requests
    assert _ordered(r["received_at"], r["first_response_at"])
    assert _ordered(r["first_response_at"], r["quoted_at"])
    minutes = (r["first_response_at"] - r["received_at"]).dt.total_seconds().dropna() / 60
    assert minutes.median() < 240 and minutes.max() > 24 * 60  # minutes usually, days at worst
    commercial = r[r["request_type"] == "commercial"]
    freight = [
        "origin_warehouse",
        "cargo_description",
        "cargo_value_per_truck",
        "vehicle_type",
        "packaging",
        "securing_required",
        "tent_removal_required",
        "armed_escort_required",
        "insurance_required",
        "payment_terms_days",
        "power_of_attorney",
        "weekend_loading",
        "order_lead_time_hours",
        "free_waiting_hours",
        "late_delivery_penalty",
        "idle_time_penalty",
        "extra_stop_cost",
        "tariff_change_mechanism",
    ]
    assert commercial[freight].notna().all().all()
    assert r.loc[r["request_type"] != "commercial", freight].isna().all().all()
    allowed = SCHEMAS["requests"].column("outcome").allowed
    assert allowed is not None and set(r["outcome"]) <= set(allowed)
    assert {"won", "lost", "pending"} <= set(r["outcome"])


def test_managers_cover_clients_of_their_region(company):
    assert len(company.managers) == round(1000 / 60)
    merged = company.clients.merge(company.managers, on="manager_id", suffixes=("", "_m"))
    assert (merged["region"] == merged["region_m"]).all()
    assert len(generate_company(50, 1, seed=2).managers) == 4


# --------------------------------------------------------------------------- money
def test_credit_notes_never_make_a_client_negative(company):
    tx = company.transactions
    credit = tx[tx["revenue"] < 0]
    assert 50 < len(credit) < 0.03 * len(tx)
    assert (credit["variable_cost"] == 0).all()
    orders = tx[tx["revenue"] > 0].groupby("client_id")["revenue"].sum()
    refunds = -credit.groupby("client_id")["revenue"].sum()
    assert (refunds <= 0.4 * orders.reindex(refunds.index)).all()
    assert (tx.groupby("client_id")["revenue"].sum() > 0).all()


def test_margins_vary_and_some_clients_lose_money(company):
    tx = company.transactions[company.transactions["revenue"] > 0]
    margin = 1 - tx["variable_cost"].sum() / tx["revenue"].sum()
    assert 0.12 < margin < 0.22
    per_client = (tx["revenue"] - tx["variable_cost"]).groupby(tx["client_id"]).sum()
    assert 0 < (per_client < 0).sum() < 0.05 * len(per_client)


# --------------------------------------------------------------------------- calibration
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_calibration_of_the_default_company(seed):
    tx = generate_transactions(1000, 3, seed=seed)
    assert 35_000 <= len(tx) <= 60_000  # test-time budget of the sample
    orders = tx[tx["revenue"] > 0].groupby("client_id").size()
    assert 850 <= len(orders) <= 960  # about 8 % prospects never order
    assert 0.05 <= (orders == 1).mean() <= 0.25  # one-time buyers
    first = tx.groupby("client_id")["date"].min()
    # Staggered acquisition: clients won in every half-year of the window.
    halves = pd.cut(first, pd.date_range("2023-01-01", "2026-01-01", freq="6MS"), right=False)
    assert (halves.value_counts() > 50).all()


def test_relationship_programme_and_typology_shares(company):
    c = company.clients
    assert abs(c["relationship_programme"].mean() - 0.23) < 0.04
    assert set(c["relation_to_firm"]) == {"potential", "new", "permanent", "occasional", "lost"}
    buyers = set(company.transactions["client_id"])
    assert (c.loc[c["relation_to_firm"] == "potential", "client_id"].isin(buyers)).sum() == 0
    prospects = c[~c["client_id"].isin(buyers)]
    assert prospects["client_id"].isin(company.requests["client_id"]).mean() > 0.9
    referred = c.dropna(subset=["referred_by"])
    assert len(referred) > 30
    assert (referred["acquisition_channel"] == "referral").all()
    spend_channels = set(company.marketing_spend["channel"])
    assert set(c["acquisition_channel"]) - {"referral"} <= spend_channels


def test_unhappy_and_complaining_clients_are_lost_more_often(company):
    lost = company.clients.set_index("client_id")["relation_to_firm"].eq("lost")
    complaints = (
        company.touchpoints[company.touchpoints["kind"] == "complaint"]
        .groupby("client_id")
        .size()
        .reindex(lost.index, fill_value=0)
    )
    assert complaints[lost].mean() > 1.3 * complaints[~lost].mean()
    nps = company.surveys.groupby("client_id")["nps_score"].mean()
    assert (
        nps[nps.index.isin(lost[lost].index)].mean() < nps[~nps.index.isin(lost[lost].index)].mean()
    )


def test_bg_nbd_recovers_heterogeneous_purchase_process():
    """The BG/NBD fit on generated data finds many low-rate clients and rare dropout.

    Generator: rate ~ Gamma(0.55, rate 5.5/day) times 1.6 for contract clients and
    0.55 for spot clients; dropout ~ Beta(1.2, 14) (mean 0.079) for spot clients and
    twenty times lower for contract clients, whose orders dominate the repeat counts.
    """
    from lifetimes.utils import summary_data_from_transaction_data

    from clientalytics.clv import BetaGeoModel

    tx = generate_transactions(2000, 3, seed=11)
    summary = summary_data_from_transaction_data(
        tx[tx["revenue"] > 0], "client_id", "date", observation_period_end="2026-01-01", freq="D"
    )
    fit = BetaGeoModel().fit(summary)
    r, a, b = fit.params_["r"], fit.params_["a"], fit.params_["b"]
    assert r < 1.0  # strong heterogeneity of rates, as drawn
    assert 0.005 < a / (a + b) < 0.08  # a mixture of 0.004 and 0.079


# --------------------------------------------------------------------------- reproducibility
def test_same_seed_same_tables_other_seed_other_tables():
    one = generate_company(300, 2, seed=5)
    two = generate_company(300, 2, seed=5)
    other = generate_company(300, 2, seed=6)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    assert not one.transactions["revenue"].equals(other.transactions["revenue"])
    assert not one.clients["region"].equals(other.clients["region"])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_clients must be at least 1, got 0"):
        generate_transactions(0, 3)
    with pytest.raises(ValueError, match="years must be at least 1"):
        generate_company(10, 0)
