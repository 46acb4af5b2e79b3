import datetime as dt

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


def test_win_rate_counts_only_commercial_requests():
    """Service and complaint requests are closed as "won"; they must not lift the win rate."""
    frame = pd.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(8)],
            "client_id": list("abcdefgh"),
            "channel": ["phone"] * 5 + ["email"] * 3,
            "request_type": ["commercial", "commercial", "service", "complaint", "service"]
            + ["commercial"] * 3,
            "received_at": [T("2024-03-12 10:00")] * 8,
            "first_response_at": [T("2024-03-12 11:00")] * 8,
            "quoted_at": [T("2024-03-12 12:00"), T("2024-03-12 12:00"), pd.NaT, pd.NaT, pd.NaT]
            + [T("2024-03-12 12:00")] * 3,
            "outcome": ["won", "lost", "won", "won", "won", "won", "won", "declined"],
        }
    )
    kpi = request_kpis(frame, by="channel").set_index("channel")
    # all requests would give phone 4/5 = 0.8 and email 2/3: "channel hardly matters"
    assert kpi.loc["phone", "n_requests"] == 5
    assert kpi.loc["phone", "n_commercial"] == 2 and kpi.loc["phone", "n_decided"] == 2
    assert kpi.loc["phone", "win_rate"] == pytest.approx(0.5)
    assert kpi.loc["email", "win_rate"] == pytest.approx(2 / 3)
    # Wilson 95 % interval of 1 / 2, by hand: centre (0.5 + z²/4) / (1 + z²/2) = 0.5,
    # half-width z * sqrt(0.125 + z²/16) / (1 + z²/2)
    z = 1.959963984540054
    half = z * np.sqrt(0.25 / 2 + z * z / 16) / (1 + z * z / 2)
    assert kpi.loc["phone", "win_rate_low"] == pytest.approx(0.5 - half)
    assert kpi.loc["phone", "win_rate_high"] == pytest.approx(0.5 + half)
    assert kpi["small_group"].all()
    big = request_kpis(frame, by="channel", min_decided=3).set_index("channel")
    assert big["small_group"].to_dict() == {"email": False, "phone": True}
    other = request_kpis(frame, by="channel", win_types=("service",)).set_index("channel")
    assert other.loc["phone", "win_rate"] == 1.0 and other.loc["phone", "n_decided"] == 2
    # without a request_type column the quoted requests are the commercial ones
    untyped = request_kpis(frame.drop(columns="request_type"), by=None)
    assert untyped["n_decided"].iloc[0] == 5 and untyped["win_rate"].iloc[0] == pytest.approx(0.6)


def test_response_time_in_working_hours():
    frame = pd.DataFrame(
        {
            "request_id": ["fri", "tue"],
            "request_type": ["commercial", "commercial"],
            "received_at": [T("2024-03-15 17:50"), T("2024-03-12 10:00")],
            "first_response_at": [T("2024-03-18 09:10"), T("2024-03-12 12:30")],
            "quoted_at": [T("2024-03-18 11:50"), pd.NaT],
            "outcome": ["won", "pending"],
        }
    )
    times = request_times(frame).set_index("request_id")
    assert times.loc["fri", "first_response_hours"] == pytest.approx(63 + 1 / 3)
    assert times.loc["fri", "first_response_working_hours"] == pytest.approx(1 / 3)
    assert times.loc["fri", "quote_working_hours"] == pytest.approx(3.0)  # 10 min + 2 h 50
    assert times.loc["tue", "first_response_working_hours"] == pytest.approx(2.5)
    assert np.isnan(times.loc["tue", "quote_working_hours"])
    kpi = request_kpis(frame, by=None)
    assert kpi["median_first_response_working_hours"].iloc[0] == pytest.approx((1 / 3 + 2.5) / 2)
    assert kpi["median_first_response_hours"].iloc[0] == pytest.approx((63 + 1 / 3 + 2.5) / 2)
    # a calendar whose day starts at 10:00: the Friday request waits 10 min, not 20
    from clientalytics.calendar import BusinessCalendar

    late = request_times(frame, calendar=BusinessCalendar(workday_start=dt.time(10, 0)))
    assert late.set_index("request_id").loc["fri", "first_response_working_hours"] == pytest.approx(
        1 / 6
    )
