"""Investment in each client against its return: client ROI and payback, by hand."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.investment import client_investment_return


def test_investment_and_payback(tiny_profitability, tiny_transactions, tiny_clients):
    inv = client_investment_return(
        tiny_profitability,
        tiny_transactions,
        tiny_clients,
        clv=pd.Series({"c1": 1000.0, "c2": 25.0}),
    )
    # c1: acquisition 300; retention 70 + cost to serve 175
    assert inv.loc["c1", "acquisition_investment"] == pytest.approx(300.0)
    assert inv.loc["c1", "retention_investment"] == pytest.approx(245.0)
    assert inv.loc["c1", "client_roi"] == pytest.approx(55.0 / 545.0)
    # c1 acquired in January, margin 200 in Jan then 400 in March: covers 300 in March
    assert inv.loc["c1", "payback_periods"] == 2
    assert inv.loc["c1", "lifetime_roi"] == pytest.approx((600 + 1000 - 545) / 545)
    # c2 never covers its 100 of acquisition spend (margin 50)
    assert not inv.loc["c2", "paid_back"]
    assert pd.isna(inv.loc["c2", "payback_periods"])
    # c4 had no acquisition spend: nothing to pay back
    assert inv.loc["c4", "payback_periods"] == 0
    assert inv.loc["c3", "clv"] == 0.0


def test_payback_counts_in_the_time_unit(tiny_profitability, tiny_transactions, tiny_clients):
    inv = client_investment_return(
        tiny_profitability, tiny_transactions, tiny_clients, time_unit="Q"
    )
    # c1: January and March are one quarter, so the acquisition spend is paid back at once
    assert inv.loc["c1", "payback_periods"] == 0
    with pytest.raises(ValidationError, match=r"time_unit must be one of"):
        client_investment_return(
            tiny_profitability, tiny_transactions, tiny_clients, time_unit="month"
        )


def test_roi_without_investment_is_undefined(tiny_profitability, tiny_transactions, tiny_clients):
    table = tiny_profitability.table.copy()
    cost_columns = ["acquisition_spend", "retention_spend", "development_spend", "cost_to_serve"]
    table.loc["c4", cost_columns] = 0.0
    free = type(tiny_profitability)(table=table, allocation=None)
    inv = client_investment_return(
        free, tiny_transactions, tiny_clients, clv=pd.Series({"c4": 1.0})
    )
    assert inv.loc["c4", "investment"] == 0.0
    assert np.isnan(inv.loc["c4", "client_roi"])
    assert np.isnan(inv.loc["c4", "lifetime_roi"])
