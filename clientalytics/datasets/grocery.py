"""The online grocery event log of the R package BTYDplus, in clientalytics' columns.

1,525 customers of an online grocery store, acquired in the first quarter of 2006
and followed to 2007-12-30, one row per purchase day. BTYDplus (Platzer) ships it as
``groceryElog`` and fits its NBD, Pareto/NBD, BG/NBD, MBG/NBD and (M)BG/CNBD-k
examples on it with 2006 as calibration year (``T.cal = "2006-12-31"``) and 2007 as
holdout, times in weeks. Its purchases are markedly regular (Wheat & Morrison's
estimate of the Erlang shape is close to 2). The file is bundled unchanged
(``datasets/_published_data``, see its README for provenance and checksums).
"""

from __future__ import annotations

import pandas as pd

from clientalytics.datasets._published import read_published

#: Rows and customers of the grocery event log.
GROCERY_ROWS = 10_483
GROCERY_CUSTOMERS = 1_525
#: End of BTYDplus' calibration year and of the whole log.
GROCERY_CALIBRATION_END = pd.Timestamp("2006-12-31")
GROCERY_OBSERVATION_END = pd.Timestamp("2007-12-30")


def load_grocery() -> pd.DataFrame:
    """Load the grocery event log (10,483 purchase days of 1,525 customers).

    Returns
    -------
    pandas.DataFrame
        One row per customer and purchase day, sorted as in the file, with columns
        ``client_id`` (text, ``"1"`` to ``"1525"``) and ``date``
        (``datetime64[ns]``, 2006-01-01 to 2007-12-30). There is no amount column.

    Examples
    --------
    >>> tx = load_grocery()
    >>> len(tx), tx["client_id"].nunique()
    (10483, 1525)
    """
    raw = read_published("groceryElog.csv", dtype={"cust": str, "date": str})
    return pd.DataFrame(
        {
            "client_id": pd.Series(raw["cust"].to_numpy(), dtype="str"),
            "date": pd.to_datetime(raw["date"], format="%Y-%m-%d").astype("datetime64[ns]"),
        }
    )
