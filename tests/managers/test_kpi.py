"""KPI attainment and bonus scores: hand-computed and bounded on random inputs."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientalytics.exceptions import ValidationError
from clientalytics.managers import bonus_scores, kpi_attainment


@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=20),
    st.floats(0.01, 1e6),
    st.floats(1, 3),
)
def test_attainment_bounded(values, target, cap):
    card = pd.DataFrame(
        {
            "manager_id": [f"m{i}" for i in range(len(values))],
            "period": pd.Timestamp("2024-01-01"),
            "margin": values,
            "churn_rate": values,
        }
    )
    att = kpi_attainment(card, {"margin": target, "churn_rate": target}, cap=cap)
    assert att["attainment"].between(0, cap).all()
    assert np.isfinite(att["attainment"]).all()


def test_kpi_attainment_and_bonus():
    card = pd.DataFrame(
        {
            "manager_id": ["M1", "M2"],
            "period": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "retention_rate": [0.9, 0.6],
            "median_response_hours": [2.0, np.nan],
        }
    )
    att = kpi_attainment(
        card,
        {"retention_rate": 0.8, "median_response_hours": 4.0},
        weights={"retention_rate": 3.0},
    )
    m1 = att[att["manager_id"] == "M1"].set_index("kpi")
    assert m1.loc["retention_rate", "attainment"] == pytest.approx(0.9 / 0.8)
    assert m1.loc["median_response_hours", "attainment"] == pytest.approx(1.5)  # 4/2=2 capped
    m2 = att[att["manager_id"] == "M2"].set_index("kpi")
    assert not m2.loc["median_response_hours", "has_data"]
    assert m2.loc["median_response_hours", "attainment"] == 0.0
    scores = bonus_scores(att).set_index("manager_id")
    assert scores.loc["M1", "weighted_attainment"] == pytest.approx((3 * 0.9 / 0.8 + 1.5) / 4)
    assert scores.loc["M1", "all_met"] and scores.loc["M2", "kpis_met"] == 0
    with pytest.raises(ValidationError, match="not scorecard columns: \\['nps'\\]"):
        kpi_attainment(card, {"nps": 30})
