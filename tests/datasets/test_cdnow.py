"""The CDNOW loaders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics.datasets import load_cdnow, load_cdnow_summary


# --------------------------------------------------------------------------- CDNOW
def test_load_cdnow_transactions():
    """Full CDNOW log as shipped with lifetimes: 69,659 rows of 23,570 customers."""
    tx = load_cdnow()
    assert list(tx.columns) == ["transaction_id", "client_id", "date", "quantity", "revenue"]
    assert len(tx) == 69_659
    assert tx["client_id"].nunique() == 23_570
    assert tx["date"].dtype == "datetime64[ns]"
    first = tx.iloc[0]
    assert (first["client_id"], first["date"], first["quantity"], first["revenue"]) == (
        "00001",
        pd.Timestamp("1997-01-01"),
        1,
        11.77,
    )
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")
    assert int(tx["quantity"].sum()) == 167_881
    assert tx["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    assert tx["transaction_id"].is_unique


def test_load_cdnow_summary_and_published_bg_nbd():
    """Fader, Hardie & Lee (2005): BG/NBD on 2,357 CDNOW customers, r=0.243, alpha=4.414,
    a=0.793, b=2.426."""
    from clientalytics.clv import BetaGeoModel

    s = load_cdnow_summary()
    assert s.shape == (2357, 3)
    assert s.index.name == "client_id"
    assert tuple(s.loc["1"]) == (2, 30.43, 38.86)
    fit = BetaGeoModel().fit(s)
    expected = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in expected.items():
        assert fit.params_[name] == pytest.approx(value, abs=0.002), name


def test_load_cdnow_summary_with_monetary_value_and_published_gamma_gamma():
    """Fader, Hardie & Lee (2005) gamma-gamma on the 946 repeat buyers: p=6.25, q=3.74,
    gamma=15.44."""
    from clientalytics.clv import GammaGammaModel

    s = load_cdnow_summary(with_monetary_value=True)
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert len(s) == 2357
    assert s.loc["1", "monetary_value"] == 22.35
    repeat = s[s["frequency"] > 0]
    assert len(repeat) == 946
    fit = GammaGammaModel().fit(repeat)
    assert fit.params_["p"] == pytest.approx(6.25, abs=0.01)
    assert fit.params_["q"] == pytest.approx(3.74, abs=0.01)
    assert fit.params_["gamma"] == pytest.approx(15.44, abs=0.01)
    assert np.array_equal(s[["frequency", "recency", "T"]], load_cdnow_summary())
