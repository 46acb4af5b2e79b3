import pandas as pd
import pytest

from clientalytics.engagement import typology_performance
from tests._helpers import tx_frame


def test_typology_performance():
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c"],
            "legal_status": ["commercial", "commercial", "government"],
            "price_reaction": ["rational", None, "rational"],
        }
    )
    tx = tx_frame([("a", "2024-01-01", 100, 60), ("c", "2022-01-01", 50, 10)])
    out = typology_performance(clients, tx, observation_end="2024-06-30")
    legal = out[out["criterion"] == "legal_status"].set_index("value")
    assert legal.loc["commercial", "n_clients"] == 2 and legal.loc["commercial", "n_buyers"] == 1
    assert legal.loc["commercial", "margin"] == 40.0
    assert legal.loc["commercial", "share_of_margin"] == pytest.approx(0.5)
    assert legal.loc["government", "active_share"] == 0.0
    price = out[out["criterion"] == "price_reaction"].set_index("value")
    assert price.loc["(missing)", "n_clients"] == 1
    assert set(out["criterion"]) == {"legal_status", "price_reaction"}
