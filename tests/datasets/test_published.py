"""The bundled reference data sets: CLVTools' apparel data and BTYDplus' grocery log."""

from __future__ import annotations

import hashlib
from importlib import resources

import pandas as pd
import pytest

from clientalytics.datasets import load_apparel, load_apparel_covariates, load_grocery

CHECKSUMS = {
    "apparelTrans.csv": "ff6b5d03b7c83079163c353f3e873331f196ccdc8823576254961807cf2c197f",
    "apparelStaticCov.csv": "720e059d481d448ab443c40c737dbf0b39ac5c48f1709a1d6c72a3412cadd1bf",
    "groceryElog.csv": "64c2b31c9d4afc452a0c56603360dcff5cc175285ee8efe7125201e730ca6b96",
}


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_files_are_the_published_ones(name):
    entry = resources.files("clientalytics.datasets") / "_published_data" / name
    assert hashlib.sha256(entry.read_bytes()).hexdigest() == CHECKSUMS[name]


def test_load_apparel():
    """CLVTools' apparelTrans: 3,187 purchases of 600 customers, all acquired 2005-01-02."""
    tx = load_apparel()
    assert list(tx.columns) == ["client_id", "date", "revenue"]
    assert len(tx) == 3187
    assert tx["client_id"].nunique() == 600
    assert tx["date"].dtype == "datetime64[ns]"
    assert tuple(tx.iloc[0]) == ("1", pd.Timestamp("2005-01-02"), 230.30)
    assert (tx.groupby("client_id")["date"].min() == pd.Timestamp("2005-01-02")).all()
    assert tx["date"].max() == pd.Timestamp("2010-12-20")
    assert tx["revenue"].sum() == pytest.approx(124_356.90, abs=0.01)


def test_load_apparel_covariates():
    cov = load_apparel_covariates()
    assert cov.shape == (600, 2)
    assert cov.index.name == "client_id"
    assert list(cov.columns) == ["gender", "channel"]
    assert set(cov.index) == set(load_apparel()["client_id"])
    assert (int(cov["gender"].sum()), int(cov["channel"].sum())) == (296, 228)
    assert tuple(cov.loc["2"]) == (1, 0)


def test_load_grocery():
    """BTYDplus' groceryElog: 10,483 purchase days of 1,525 customers, Q1 2006 cohort."""
    tx = load_grocery()
    assert list(tx.columns) == ["client_id", "date"]
    assert len(tx) == 10_483
    assert tx["client_id"].nunique() == 1525
    assert not tx.duplicated().any()
    first = tx.groupby("client_id")["date"].min()
    assert first.max() < pd.Timestamp("2006-04-01")
    assert (tx["date"].min(), tx["date"].max()) == (
        pd.Timestamp("2006-01-01"),
        pd.Timestamp("2007-12-30"),
    )
