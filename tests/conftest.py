import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import lifetimes
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from lifetimes.datasets import load_cdnow_summary, load_cdnow_summary_data_with_monetary_value

from clientalytics.datasets import load_sample


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


from hypothesis import settings  # noqa: E402

# Property tests draw the same examples on every run (no hidden randomness in CI).
settings.register_profile("clientalytics", derandomize=True, deadline=None)
settings.load_profile("clientalytics")


@pytest.fixture(scope="module")
def sample():
    """The bundled sample company, loaded once per test module."""
    return load_sample()


@pytest.fixture(scope="session")
def cdnow() -> pd.DataFrame:
    """CDNOW sample summary: 2,357 customers, 39 weeks (Fader, Hardie & Lee 2005)."""
    return load_cdnow_summary(index_col=[0])


@pytest.fixture(scope="session")
def cdnow_monetary() -> pd.DataFrame:
    return load_cdnow_summary_data_with_monetary_value()


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
