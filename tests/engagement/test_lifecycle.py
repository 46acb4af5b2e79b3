import pandas as pd
import pytest

from clientalytics.engagement import lifecycle_stages, stage_counts
from tests._helpers import tx_frame


def test_lifecycle_rules():
    end = "2024-12-31"
    tx = tx_frame(
        [
            ("new", "2024-11-15", 1, 0),  # first order 46 days ago -> onboarding
            ("lost", "2023-06-01", 1, 0),  # 579 days -> lost
            ("risk", "2024-01-01", 1, 0),
            ("risk", "2024-03-01", 1, 0),  # gap 60 days, silent 305 > 120 -> at risk
            ("ok", "2024-06-01", 1, 0),
            ("ok", "2024-09-01", 1, 0),
            ("ok", "2024-12-01", 1, 0),  # gap 91.5 days, silent 30 -> steady
        ]
    )
    clients = pd.DataFrame({"client_id": ["new", "lost", "risk", "ok", "prospect"]})
    out = lifecycle_stages(tx, observation_end=end, clients=clients)
    assert out["stage"].to_dict() == {
        "lost": "lost",
        "new": "onboarding",
        "ok": "steady",
        "prospect": "prospect",
        "risk": "at_risk",
    }
    assert out.loc["ok", "usual_gap_days"] == pytest.approx(91.5)
    counts = stage_counts(out)
    assert counts["n_clients"].sum() == 5 and counts.loc["steady", "share"] == 0.2
