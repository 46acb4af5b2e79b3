"""The CDNOW data sets shipped with the ``lifetimes`` package, in clientalytics' columns.

CDNOW is the public benchmark of buy-till-you-die models: the 23,570 customers who
first bought at the online CD retailer in the first quarter of 1997, followed to
the end of June 1998 (Fader, Hardie & Lee 2005). ``lifetimes`` ships the full
transaction log and the customer summary of the 1/10 sample (2,357 customers,
39 weeks of calibration) used in the papers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

#: Rows and customers of the full CDNOW transaction log.
CDNOW_ROWS = 69_659
CDNOW_CUSTOMERS = 23_570


def _lifetimes_file(name: str) -> Path:
    """Path of a data file shipped in ``lifetimes/datasets`` (without importing lifetimes)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the CDNOW data sets are read from the 'lifetimes' package, which is not installed; "
            "install it with: pip install lifetimes"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / name
    if not path.is_file():
        raise FileNotFoundError(f"the installed lifetimes package has no data file {str(path)!r}")
    return path


def load_cdnow() -> pd.DataFrame:
    """Load the full CDNOW transaction log (69,659 purchases of 23,570 customers).

    Returns
    -------
    pandas.DataFrame
        One row per purchase, in file order, with columns ``transaction_id`` (row
        number as text, from ``"1"``), ``client_id`` (the file's five-digit customer
        id, as text, e.g. ``"00001"``), ``date`` (``datetime64[ns]``, January 1997
        to June 1998), ``quantity`` (number of CDs, int) and ``revenue`` (dollar
        value, float). A few purchases have a revenue of 0.

    Examples
    --------
    >>> tx = load_cdnow()
    >>> len(tx), tx["client_id"].nunique()
    (69659, 23570)
    """
    raw = pd.read_csv(
        _lifetimes_file("CDNOW_master.txt"),
        sep=r"\s+",
        header=0,
        names=["client_id", "date", "quantity", "revenue"],
        dtype={"client_id": str, "date": str, "quantity": np.int64, "revenue": np.float64},
    )
    frame = pd.DataFrame(
        {
            "transaction_id": pd.Series(np.arange(1, len(raw) + 1).astype(str), dtype="str"),
            "client_id": raw["client_id"].astype("str"),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"),
            "quantity": raw["quantity"].astype(np.int64),
            "revenue": raw["revenue"].astype(np.float64),
        }
    )
    return frame


def load_cdnow_summary(*, with_monetary_value: bool = False) -> pd.DataFrame:
    """Load the CDNOW customer summary used by Fader, Hardie & Lee (2005).

    The 1/10 sample of CDNOW's first-quarter-1997 cohort: 2,357 customers over a
    39-week calibration period, time in weeks.

    Parameters
    ----------
    with_monetary_value : bool
        Add the mean value of each customer's repeat purchases (the data behind the
        gamma-gamma estimates p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat
        buyers; 0 for customers without a repeat purchase).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (text, ``"1"`` to ``"2357"``), with columns
        ``frequency`` (repeat purchases, int), ``recency`` (weeks from first to last
        purchase), ``T`` (weeks from first purchase to the end of calibration) and,
        when asked, ``monetary_value`` (dollars).

    Examples
    --------
    >>> summary = load_cdnow_summary(with_monetary_value=True)
    >>> int((summary["frequency"] > 0).sum())
    946
    """
    if with_monetary_value:
        raw = pd.read_csv(_lifetimes_file("cdnow_customers_summary_with_transactions.csv"))
        raw = raw.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
        columns = ["frequency", "recency", "T", "monetary_value"]
    else:
        raw = pd.read_csv(_lifetimes_file("cdnow_customers_summary.csv"))
        columns = ["frequency", "recency", "T"]
    frame = raw[columns].astype({"frequency": np.int64})
    frame.index = pd.Index(raw["ID"].astype(str), dtype="str", name="client_id")
    return frame
