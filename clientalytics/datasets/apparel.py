"""The apparel retailer data sets of the R package CLVTools, in clientalytics' columns.

600 customers of an apparel retailer, all acquired on 2005-01-02 and followed to
2010-12-20, with the price of every purchase and two time-invariant covariates. CLVTools
(Bachmann, Meierer & Naef) ships them as ``apparelTrans`` and ``apparelStaticCov`` and
fits its Pareto/NBD, BG/NBD and GGompertz/NBD examples (with and without covariates)
on them, with 104 weeks of estimation. The files are bundled unchanged
(``datasets/_published_data``, see its README for provenance and checksums).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets._published import read_published

#: Rows and customers of the apparel transaction log.
APPAREL_ROWS = 3_187
APPAREL_CUSTOMERS = 600
#: Acquisition day of every apparel customer (the cohort's start).
APPAREL_START = pd.Timestamp("2005-01-02")


def load_apparel() -> pd.DataFrame:
    """Load the apparel transaction log (3,187 purchases of 600 customers).

    Returns
    -------
    pandas.DataFrame
        One row per purchase, in file order, with columns ``client_id`` (the file's
        customer id as text, ``"1"`` to ``"600"``), ``date`` (``datetime64[ns]``,
        2005-01-02 to 2010-12-20) and ``revenue`` (price paid, float; a few are 0).
        Four customers bought twice on the same day; summaries merge such rows.

    Examples
    --------
    >>> tx = load_apparel()
    >>> len(tx), tx["client_id"].nunique()
    (3187, 600)
    """
    raw = read_published("apparelTrans.csv", dtype={"Id": str, "Date": str, "Price": np.float64})
    return pd.DataFrame(
        {
            "client_id": pd.Series(raw["Id"].to_numpy(), dtype="str"),
            "date": pd.to_datetime(raw["Date"], format="%Y-%m-%d").astype("datetime64[ns]"),
            "revenue": raw["Price"].astype(np.float64),
        }
    )


def load_apparel_covariates() -> pd.DataFrame:
    """Load the time-invariant covariates of the 600 apparel customers.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (text, as in :func:`load_apparel`), columns
        ``gender`` and ``channel`` (0/1 integers, CLVTools' ``Gender`` and
        ``Channel``; the package does not document which level is which).

    Examples
    --------
    >>> cov = load_apparel_covariates()
    >>> int(cov["channel"].sum())
    228
    """
    raw = read_published(
        "apparelStaticCov.csv", dtype={"Id": str, "Gender": np.int64, "Channel": np.int64}
    )
    frame = pd.DataFrame(
        {"gender": raw["Gender"].to_numpy(), "channel": raw["Channel"].to_numpy()},
        index=pd.Index(raw["Id"].to_numpy(), dtype="str", name="client_id"),
    )
    return frame
