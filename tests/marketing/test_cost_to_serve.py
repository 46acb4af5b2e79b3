"""Cost to serve: contacts and requests priced at the analyst's unit costs, by hand."""

import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.cost_to_serve import cost_to_serve

from .conftest import REQUEST_COSTS, TOUCHPOINT_COSTS


def test_cost_to_serve_by_hand(tiny_touchpoints, tiny_requests):
    cts = cost_to_serve(
        tiny_touchpoints,
        tiny_requests,
        touchpoint_costs=TOUCHPOINT_COSTS,
        cost_per_minute=1.0,
        request_costs=REQUEST_COSTS,
        clients=pd.Series(["c1", "c2", "c3", "c4"]),
    )
    # c1: meeting 100 + 60 min, phone 10 + 5 min; c2: two phones (15 each) + commercial 20;
    # c3: email 2 (no duration) + complaint 50; c4: nothing
    assert cts["cost_to_serve"].to_dict() == pytest.approx(
        {"c1": 175.0, "c2": 50.0, "c3": 52.0, "c4": 0.0}
    )
    assert cts.loc["c2", "n_touchpoints"] == 2
    assert cts.loc["c3", "n_requests"] == 1


def test_unpriced_channel_is_named(tiny_touchpoints):
    with pytest.raises(
        ValidationError,
        match=r"no unit cost given for 1 value\(s\) of column 'channel', e.g. \['email'\]",
    ):
        cost_to_serve(tiny_touchpoints, touchpoint_costs={"meeting": 1.0, "phone": 1.0})


def test_missing_column_is_named(tiny_touchpoints):
    with pytest.raises(
        ValidationError, match=r"touchpoints: missing required column\(s\) \['channel'\]"
    ):
        cost_to_serve(tiny_touchpoints.drop(columns="channel"), touchpoint_costs=1.0)
