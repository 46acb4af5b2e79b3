import pandas as pd
import pytest

from clientalytics.engagement import relationship_seekers
from clientalytics.exceptions import ValidationError


def test_relationship_seekers():
    clients = pd.DataFrame(
        {"client_id": list("abcd"), "relationship_programme": [True, None, False, False]}
    )
    tp = pd.DataFrame({"client_id": ["b"], "kind": ["loyalty_programme"]})
    value = pd.Series({"a": 300.0, "b": 100.0, "c": 50.0})
    out = relationship_seekers(clients, value, touchpoints=tp).set_index("group")
    assert out.loc["seekers", "n_clients"] == 2 and out.loc["seekers", "share_of_clients"] == 0.5
    assert out.loc["seekers", "mean_value"] == 200.0 and out.loc["others", "mean_value"] == 25.0
    assert out.loc["seekers", "value_ratio"] == 8.0
    assert out.loc["seekers", "share_of_value"] == pytest.approx(400 / 450)
    with pytest.raises(ValidationError, match="no 'relationship_programme' column"):
        relationship_seekers(clients[["client_id"]], value)
