"""The synthetic company as a Russian carrier: roubles, lines, lanes, calendar, contracts, names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics.datasets import _lanes as L
from clientalytics.datasets import _vocab as V
from clientalytics.datasets._calendar import (
    last_working_days,
    next_working_day,
    seasonal_clock,
    working_day_mask,
)
from clientalytics.datasets._clients import female_surname
from clientalytics.datasets._vital import annual_churn, vital_statistics
from tests.datasets._helpers import END

START = pd.Timestamp("2023-01-01")


def _working(dates: pd.Series) -> np.ndarray:
    mask = working_day_mask(START, int((END - START).days) + 120)
    return mask[(dates - START).dt.days.to_numpy()]


def _inn_valid(inn: str) -> bool:
    """Check digits of a Russian INN by the tax service's published weights."""
    d = [int(c) for c in inn]

    def check(weights: list[int]) -> int:
        return sum(w * x for w, x in zip(weights, d, strict=False)) % 11 % 10

    if len(d) == 10:
        return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
    if len(d) == 12:
        return (
            check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
            and check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        )
    return False


# --------------------------------------------------------------------------- building blocks
def test_russian_working_days_follow_the_production_calendar():
    """Production calendar: 247 working days in 2023, 248 in 2024, 247 in 2025."""
    mask = working_day_mask(START, 1096)
    days = pd.date_range(START, periods=1096)
    assert [int(mask[days.year == y].sum()) for y in (2023, 2024, 2025)] == [247, 248, 247]
    on = pd.Series(mask, index=days)
    assert on["2024-04-27"] and on["2024-11-02"] and on["2024-12-28"]  # working Saturdays
    assert not on["2024-01-08"] and not on["2024-12-31"] and not on["2023-02-24"]
    # Saturday 6 January 2024 -> 9 January (the 8th is still a holiday).
    sat = int((pd.Timestamp("2024-01-06") - START).days)
    assert next_working_day(np.array([sat]), mask)[0] == sat + 3
    month_end = days[last_working_days(START, mask)]
    assert month_end[0] == pd.Timestamp("2023-01-31")
    assert pd.Timestamp("2024-12-28") in month_end  # last working day of December 2024


def test_seasonal_clock_lands_on_positive_intensity_in_proportion():
    intensity = np.array([[0.0, 2.0, 0.0, 1.0, 1.0]])
    intensity = intensity / intensity.mean()
    t = (np.arange(10_000) + 0.5) / 10_000 * 5
    day = seasonal_clock(t, np.zeros(len(t), dtype=np.int64), intensity)
    counts = np.bincount(day, minlength=5) / len(t)
    np.testing.assert_allclose(counts, [0.0, 0.5, 0.0, 0.25, 0.25], atol=1e-3)
    assert np.all(np.diff(day) >= 0)


def test_road_distances_and_empty_run():
    moscow, spb = L.CITY_NAMES.index("Москва"), L.CITY_NAMES.index("Санкт-Петербург")
    murmansk = L.CITY_NAMES.index("Мурманск")
    # Great-circle Moscow - St Petersburg is about 634 km; the road factor is 1.25.
    assert L.DISTANCE_KM[moscow, spb] == pytest.approx(634 * 1.25, rel=0.01)
    assert L.DISTANCE_KM[moscow, moscow] == 0
    rng = np.random.default_rng(0)
    into_hub = L.empty_run_share(np.full(5_000, moscow), rng).mean()
    into_north = L.empty_run_share(np.full(5_000, murmansk), rng).mean()
    assert 0.15 < into_hub < 0.22 < 0.45 < into_north < 0.52


def test_female_surnames_and_valid_inn_helper():
    assert female_surname("Смирнов") == "Смирнова"
    assert female_surname("Ковальский") == "Ковальская"
    assert female_surname("Ильин") == "Ильина"
    assert _inn_valid("7707083893")  # a published organisation INN
    assert not _inn_valid("7707083894")


# --------------------------------------------------------------------------- money and lines
def test_revenue_is_roubles_at_the_scale_of_a_mid_size_carrier(company):
    tx = company.transactions
    yearly = tx.groupby(tx["date"].dt.year)["revenue"].sum()
    assert (yearly > 0.7e9).all() and (yearly < 2.5e9).all()
    orders = tx[tx["revenue"] > 0]
    mean = orders.groupby("service")["revenue"].mean()
    assert 50_000 < mean["FTL"] < 150_000
    assert 5_000 < mean["LTL"] < 30_000
    assert 150_000 < mean["warehousing"] < 800_000
    customs = orders.loc[orders["service"] == "customs", "revenue"]
    assert 5_000 < customs.median() < 30_000
    assert len(tx) <= 60_000


def test_trip_price_grows_with_distance_and_lanes_are_filled(company):
    tx = company.transactions[company.transactions["revenue"] > 0]
    ftl = tx[tx["service"] == "FTL"]
    assert np.corrcoef(ftl["distance_km"], ftl["revenue"])[0, 1] > 0.8
    per_km = (ftl["revenue"] / ftl["distance_km"])[ftl["distance_km"] > 500]
    assert 50 < per_km.median() < 110  # RUB per km, net of VAT
    lane = tx["service"].isin(V.TRANSPORT_SERVICES)
    lane_cols = ["origin", "destination", "distance_km", "empty_run_km"]
    assert tx.loc[lane, lane_cols].notna().all().all()
    assert tx.loc[~lane, lane_cols].isna().all().all()
    assert (tx.loc[lane, "origin"] != tx.loc[lane, "destination"]).all()
    # The origin is a city of the client's region.
    region = company.clients.set_index("client_id")["region"]
    origins = {city: r for r, (cities, _) in V.ORIGINS.items() for city in cities}
    assert (tx.loc[lane, "origin"].map(origins) == tx.loc[lane, "client_id"].map(region)).all()
    trips = tx[tx["service"].isin(["FTL", "reefer", "express"])]
    share = trips["empty_run_km"].sum() / trips["distance_km"].sum()
    assert 0.2 < share < 0.35
    by_dest = (trips["empty_run_km"] / trips["distance_km"]).groupby(trips["destination"]).mean()
    assert by_dest["Москва"] < 0.25 < 0.4 < by_dest["Мурманск"]


def test_warehousing_is_billed_once_a_month_on_the_last_working_day(company):
    tx = company.transactions
    store = tx[(tx["service"] == "warehousing") & (tx["revenue"] > 0)]
    assert len(store) > 500
    month = store["date"].dt.to_period("M")
    assert not pd.DataFrame({"c": store["client_id"], "m": month}).duplicated().any()
    mask = working_day_mask(START, int((END - START).days))
    month_ends = pd.date_range(START, periods=len(mask))[last_working_days(START, mask)]
    assert store["date"].isin(month_ends).all()
    assert store["contract_id"].notna().all()


def test_every_order_and_invoice_falls_on_a_working_day(company):
    tx = company.transactions
    assert _working(tx["date"]).all()
    inv = company.invoices
    assert _working(inv["issued_date"]).all()
    assert _working(inv["paid_date"].dropna()).all()


def test_seasonality_by_industry(company):
    tx = company.transactions
    orders = tx[(tx["revenue"] > 0) & tx["service"].isin(V.TRANSPORT_SERVICES)]
    industry = orders["client_id"].map(company.clients.set_index("client_id")["industry"])
    month = orders["date"].dt.month
    later = orders["date"].dt.year > 2023

    def share(ind: str, months: list[int]) -> float:
        sel = later & (industry == ind)
        return float(month[sel].isin(months).mean())

    assert share("construction", [6, 7, 8]) > 1.5 * share("construction", [12, 1, 2])
    assert share("retail", [11, 12]) > 1.3 * share("retail", [1, 2])
    assert share("agriculture", [8, 9, 10]) > 1.5 * share("agriculture", [12, 1, 2])
    # January, after the long New Year holidays, is the quietest month.
    per_month = month[later].value_counts()
    assert per_month.idxmin() == 1


# --------------------------------------------------------------------------- contracts and churn
def test_framework_contracts_cover_about_half_of_buyers_and_cut_churn(company):
    buyers = set(company.transactions.loc[company.transactions["revenue"] > 0, "client_id"])
    signed = set(company.contracts.dropna(subset=["start_date"])["client_id"])
    assert 0.4 < len(buyers & signed) / len(buyers) < 0.6
    churn = annual_churn(company)
    assert (churn["churn_contracted"] < 0.25).all()
    assert (churn["churn_spot"] > 1.8 * churn["churn_contracted"]).all()
    status = company.clients.set_index("client_id")["legal_status"]
    gov = status[status == "government"].index
    assert len(set(gov) & signed) > 0.7 * len(set(gov) & buyers)


def test_annual_churn_on_a_hand_built_company():
    """Two contract buyers (one leaves) and two spot buyers (both leave) in 2024."""
    from clientalytics.clientbase import ClientBase

    clients = pd.DataFrame({"client_id": ["A", "B", "C", "D"]})
    tx = pd.DataFrame(
        {
            "transaction_id": ["1", "2", "3", "4", "5"],
            "client_id": ["A", "B", "C", "D", "A"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-04-01", "2024-05-01", "2024-06-03", "2025-02-03"]
            ),
            "revenue": [100.0, 100.0, 100.0, 100.0, 100.0],
        }
    )
    contracts = pd.DataFrame(
        {
            "contract_id": ["K1", "K2"],
            "client_id": ["A", "B"],
            "status": ["active", "expired"],
            "sent_date": pd.to_datetime(["2024-01-10", "2024-02-10"]),
            "signed_date": pd.to_datetime(["2024-01-20", "2024-02-20"]),
            "start_date": pd.to_datetime(["2024-02-01", "2024-03-01"]),
            "expiry_date": pd.to_datetime(["2025-02-01", "2025-03-01"]),
        }
    )
    base = ClientBase(
        clients=clients, transactions=tx, contracts=contracts, observation_end="2026-01-01"
    )
    row = annual_churn(base).set_index("year").loc[2024]
    assert (row["contracted"], row["churn_contracted"]) == (2, 0.5)
    assert (row["spot"], row["churn_spot"]) == (2, 1.0)


# --------------------------------------------------------------------------- names and tax ids
def test_manager_names_have_one_gender():
    from clientalytics.datasets import generate_company

    managers = generate_company(3000, 1, seed=4).managers
    female = set(V.FEMALE_NAMES)
    for name in managers["name"]:
        first, last = name.split(" ")
        assert first in female or first in V.MALE_NAMES, name
        assert (first in female) == last.endswith(("а", "ая")), name


def test_client_names_legal_forms_and_inn(company):
    c = company.clients
    form = c["name"].str.split(" ").str[0]
    commercial = form.isin(["ООО", "АО", "ПАО", "ИП"])
    state = form.isin(["ГБУ", "ФГУП", "МУП", "ГКУ", "Администрация"])
    assert (c.loc[commercial, "legal_status"] == "commercial").all()
    assert (c.loc[state, "legal_status"] == "government").all()
    assert (c.loc[~commercial & ~state, "legal_status"] == "individual").all()
    assert (form == "ИП").sum() > 50 and state.sum() > 20
    assert not c["name"].str.contains("Ltd|LLC|IE ", regex=True).any()
    assert c["tax_id"].is_unique
    assert c["tax_id"].map(_inn_valid).all()
    persons = (form == "ИП") | (c["legal_status"] == "individual")
    assert (c.loc[persons, "tax_id"].str.len() == 12).all()
    assert (c.loc[~persons, "tax_id"].str.len() == 10).all()
    assert c["name"].is_unique


# --------------------------------------------------------------------------- invoices
def test_invoices_bill_each_order_with_vat(company):
    inv = company.invoices.merge(company.transactions, on="transaction_id", suffixes=("", "_t"))
    assert len(inv) == len(company.invoices)
    assert (inv["revenue"] > 0).all()
    np.testing.assert_allclose(inv["vat_amount"], (inv["revenue"] * 0.2).round(2), atol=0.006)
    np.testing.assert_allclose(inv["amount"], inv["revenue"] + inv["vat_amount"], atol=0.006)
    assert (inv["client_id"] == inv["client_id_t"]).all()
    assert (inv["issued_date"] >= inv["date"]).all()
    assert inv["payment_terms_days"].between(0, 60).all()
    assert ((inv["due_date"] - inv["issued_date"]).dt.days == inv["payment_terms_days"]).all()
    store = inv[inv["service"] == "warehousing"]
    assert (store["issued_date"] == store["date"]).all()


def test_invoices_payment_behaviour(company):
    inv = company.invoices
    paid = inv.dropna(subset=["paid_date"])
    assert (paid["paid_date"] >= paid["issued_date"]).all()
    assert (paid["paid_amount"] == paid["amount"]).all()
    late = (paid["paid_date"] > paid["due_date"]).mean()
    assert 0.1 < late < 0.35
    open_ = inv[inv["paid_date"].isna()]
    assert (open_["paid_amount"] < open_["amount"]).all()
    assert (open_["paid_amount"] > 0).sum() > 10  # partly paid
    overdue = open_[open_["due_date"] < END]
    assert len(overdue) > 50
    # Some clients that left never paid their last invoices.
    lost = set(company.clients.loc[company.clients["relation_to_firm"] == "lost", "client_id"])
    stale = overdue[overdue["due_date"] < END - pd.Timedelta(days=180)]
    assert len(stale) > 0 and stale["client_id"].isin(lost).mean() > 0.8
    # State bodies pay later beyond their terms.
    status = inv["client_id"].map(company.clients.set_index("client_id")["legal_status"])
    days_late = (paid["paid_date"] - paid["due_date"]).dt.days.clip(lower=0)
    gov = status.loc[paid.index] == "government"
    assert days_late[gov].mean() > 1.5 * days_late[~gov].mean()


def test_vital_statistics_table(company):
    vs = vital_statistics(company).set_index("statistic")["value"]
    assert 0.8 < vs["annual revenue (net of VAT)"] < 2.5
    assert 0.2 < vs["empty run / loaded km (trips)"] < 0.35
    assert vs["orders on working days"] == 1.0
    assert vs["annual churn, contracted buyers"] < 0.5 * vs["annual churn, spot buyers"]
    assert 20 < vs["DSO at the end (receivables / billing x 365)"] < 80
