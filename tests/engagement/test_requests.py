import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import request_kpis, request_times
from clientalytics.exceptions import ValidationError

T = pd.Timestamp


@pytest.fixture
def requests():
    return pd.DataFrame(
        {
            "request_id": ["r1", "r2", "r3", "r4"],
            "client_id": ["a", "b", "a", "c"],
            "manager_id": ["m1", "m1", "m2", "m2"],
            "channel": ["phone", "email", "email", None],
            "request_type": ["commercial"] * 4,
            "received_at": [T("2024-01-01 09:00")] * 4,
            "first_response_at": [
                T("2024-01-01 10:00"),
                T("2024-01-01 13:00"),
                T("2024-01-01 11:00"),
                pd.NaT,
            ],
            "quoted_at": [T("2024-01-02 09:00"), pd.NaT, T("2024-01-01 21:00"), pd.NaT],
            "outcome": ["won", "lost", "won", "pending"],
        }
    )


def test_request_kpis_by_manager(requests):
    kpi = request_kpis(requests, by="manager_id").set_index("manager_id")
    assert kpi.loc["m1", "n_requests"] == 2
    assert kpi.loc["m1", "median_first_response_hours"] == pytest.approx(2.5)
    assert kpi.loc["m1", "median_quote_hours"] == pytest.approx(24.0)
    assert kpi.loc["m1", "win_rate"] == pytest.approx(0.5)
    assert kpi.loc["m2", "n_responded"] == 1 and kpi.loc["m2", "n_decided"] == 1
    assert kpi.loc["m2", "win_rate"] == 1.0 and kpi.loc["m2", "share_pending"] == 0.5


def test_request_kpis_by_channel_client_type_and_overall(requests):
    clients = pd.DataFrame(
        {"client_id": ["a", "b", "c"], "legal_status": ["commercial", "government", None]}
    )
    by_channel = request_kpis(requests, by="channel").set_index("channel")
    assert by_channel.loc["(missing)", "n_requests"] == 1
    assert np.isnan(by_channel.loc["(missing)", "win_rate"])  # nothing decided yet
    by_type = request_kpis(requests, by="legal_status", clients=clients).set_index("legal_status")
    assert by_type.loc["commercial", "n_requests"] == 2
    overall = request_kpis(requests, by=None)
    assert overall["win_rate"].iloc[0] == pytest.approx(2 / 3)
    with pytest.raises(ValidationError, match="'segment' is in neither"):
        request_kpis(requests, by="segment")


def test_request_p90_matches_numpy(requests):
    overall = request_kpis(requests, by=None)
    assert overall["p90_first_response_hours"].iloc[0] == pytest.approx(
        np.percentile([1, 4, 2], 90)
    )


def test_request_times_reject_answer_before_request(requests):
    bad = requests.assign(first_response_at=requests["received_at"] - pd.Timedelta(hours=1))
    with pytest.raises(ValidationError, match=r"4 row\(s\) with first_response_hours < 0.*r1"):
        request_times(bad)
