from pathlib import Path

import lifetimes
import pandas as pd
import pytest
from lifetimes.datasets import (
    load_cdnow_summary,
    load_cdnow_summary_data_with_monetary_value,
    load_donations,
)


@pytest.fixture(scope="session")
def cdnow() -> pd.DataFrame:
    """CDNOW sample summary: 2,357 customers, 39 weeks (Fader, Hardie & Lee 2005)."""
    return load_cdnow_summary(index_col=[0])


@pytest.fixture(scope="session")
def cdnow_monetary() -> pd.DataFrame:
    return load_cdnow_summary_data_with_monetary_value()


@pytest.fixture(scope="session")
def donations() -> pd.DataFrame:
    """Fader, Hardie & Shang (2010) donation data, aggregated with a weights column."""
    return load_donations().rename(columns={"periods": "T"})


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
    tx = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=["client_id", "sample_id", "date", "n_cds", "revenue"],
        dtype={"date": str, "client_id": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx
