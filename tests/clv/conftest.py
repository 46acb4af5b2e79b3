import pandas as pd
import pytest
from lifetimes.datasets import load_donations

# The CDNOW fixtures (cdnow, cdnow_monetary, cdnow_transactions) are in tests/conftest.py:
# the plotting tests use them too.


@pytest.fixture(scope="session")
def donations() -> pd.DataFrame:
    """Fader, Hardie & Shang (2010) donation data, aggregated with a weights column."""
    return load_donations().rename(columns={"periods": "T"})
