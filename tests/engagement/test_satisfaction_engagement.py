import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import (
    ContactSaturation,
    contact_frequency_bands,
    contact_loyalty_panel,
    expectation_gaps,
    lifecycle_stages,
    net_promoter_score,
    relationship_seekers,
    satisfaction_retention,
    satisfaction_summary,
    stage_counts,
    typology_performance,
    word_of_mouth_reach,
)
from clientalytics.exceptions import NotFittedError, ValidationError

T = pd.Timestamp


def _tx(rows):
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue", "variable_cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_nps_definition():
    # 3 promoters, 2 passives, 5 detractors -> 30 % - 50 % = -20
    scores = pd.Series([10, 9, 9, 8, 7, 6, 5, 0, 3, 4, None])
    assert net_promoter_score(scores) == pytest.approx(-20.0)
    with pytest.raises(ValidationError, match="1 score"):
        net_promoter_score(pd.Series([11, 5]))


@pytest.fixture
def surveys():
    return pd.DataFrame(
        {
            "response_id": ["s1", "s2", "s3", "s4"],
            "client_id": ["a", "b", "c", "a"],
            "surveyed_at": pd.to_datetime(["2023-01-10", "2023-02-10", "2023-03-10", "2024-06-01"]),
            "nps_score": [10, 3, 8, None],
            "csat_score": [5, 1, 4, 4],
        }
    )


def test_satisfaction_summary_by_client_column(surveys):
    clients = pd.DataFrame({"client_id": ["a", "b", "c"], "segment": ["gold", "gold", "iron"]})
    out = satisfaction_summary(surveys, by="segment", clients=clients).set_index("segment")
    gold = out.loc["gold"]
    assert gold["n_responses"] == 3 and gold["n_nps"] == 2
    assert gold["nps"] == pytest.approx(0.0)  # one promoter, one detractor
    assert gold["csat_mean"] == pytest.approx(10 / 3)
    assert gold["csat_satisfied_share"] == pytest.approx(2 / 3)
    assert out.loc["iron", "passives_share"] == 1.0


def test_expectation_gaps(surveys):
    dims = pd.DataFrame(
        {
            "response_id": ["s1", "s1", "s2", "s2"],
            "dimension": ["punctuality", "communication", "punctuality", "communication"],
            "expected_score": [9.0, 6.0, 8.0, 7.0],
            "perceived_score": [6.0, 7.0, 7.0, 7.0],
        }
    )
    gaps = expectation_gaps(surveys, dims).set_index("dimension")
    assert gaps.loc["punctuality", "gap"] == pytest.approx(-2.0)
    assert gaps.loc["punctuality", "share_below_expectation"] == 1.0
    assert gaps.loc["communication", "gap"] == pytest.approx(0.5)
    assert gaps.index[0] == "punctuality"  # worst first
    with pytest.raises(ValidationError, match=r"1 row\(s\) name responses missing.*zz"):
        expectation_gaps(surveys, dims.assign(response_id=["s1", "s1", "s2", "zz"]))


def test_satisfaction_retention(surveys):
    tx = _tx(
        [
            ("a", "2023-01-01", 10, 5),
            ("a", "2023-06-01", 10, 5),  # a reorders after its survey
            ("b", "2023-01-01", 10, 5),
            ("c", "2023-01-01", 10, 5),
            ("c", "2024-05-01", 10, 5),  # after the 365-day horizon
        ]
    )
    out = satisfaction_retention(surveys, tx, observation_end="2024-06-30").set_index(
        "nps_category"
    )
    assert out.index.tolist() == ["detractor", "passive", "promoter"]
    assert out["retention_rate"].tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValidationError, match="no response"):
        satisfaction_retention(surveys, tx, observation_end="2023-06-30")


def test_word_of_mouth(surveys):
    out = word_of_mouth_reach(surveys, freq="Y", told_by_unhappy=10, told_by_happy=3)
    y23 = out.set_index("period").loc[T("2023-01-01")]
    assert (y23["n_unhappy"], y23["n_happy"]) == (1, 1)
    assert y23["net_reach"] == 3 - 10
    csat = word_of_mouth_reach(surveys, freq="Y", score="csat_score").set_index("period")
    assert csat.loc[T("2024-01-01"), "positive_reach"] == 2.5


def test_lifecycle_rules():
    end = "2024-12-31"
    tx = _tx(
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


def test_contact_panel_and_bands():
    tx = _tx(
        [
            ("a", "2024-01-05", 1, 0),
            ("a", "2024-04-05", 1, 0),
            ("b", "2024-01-05", 1, 0),
            ("b", "2024-07-05", 1, 0),
        ]
    )
    tp = pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "a"],
            "timestamp": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-01", "2024-05-01"]),
            "kind": ["sales", "service", "complaint", "sales"],
        }
    )
    panel = contact_loyalty_panel(tp, tx, observation_end="2024-09-30", freq="Q")
    got = {(r.client_id, r.period.month): (r.contacts, r.retained) for r in panel.itertuples()}
    # Q3 of b has no complete next quarter by 2024-09-30
    assert got == {("a", 1): (2, True), ("a", 4): (1, False), ("b", 1): (1, False)}
    kinds = contact_loyalty_panel(tp, tx, observation_end="2024-09-30", kinds=["sales"])
    assert kinds.set_index(["client_id", "period"])["contacts"].tolist() == [1, 1, 0]
    bands = contact_frequency_bands(panel, edges=(0, 1, 2)).set_index("band")
    assert bands.index.tolist() == ["0", "1", "2+"]
    assert bands.loc["0", "n"] == 0 and np.isnan(bands.loc["0", "retention_rate"])
    assert bands.loc["1", "retention_rate"] == 0.0 and bands.loc["2+", "retention_rate"] == 1.0
    with pytest.raises(ValidationError, match="increase strictly from 0"):
        contact_frequency_bands(panel, edges=(1, 2))


def _hinge_sample(k, n_per=400, seed=0):
    rng = np.random.default_rng(seed)
    x = np.repeat(np.arange(0, 12), n_per)
    p = 0.2 + 0.08 * np.minimum(x, k) - 0.01 * np.maximum(x - k, 0)
    return x, rng.random(len(x)) < p


def test_saturation_exact_on_noise_free_rates():
    x = np.repeat(np.arange(0, 10), 10)
    # retention rate per count: 0.1 * min(x, 4) exactly (one success per 10 at each step)
    y = np.concatenate([np.arange(10) < min(v, 4) for v in range(10)])
    model = ContactSaturation(n_bootstrap=0).fit(x, y)
    assert model.breakpoint_ == 4.0
    assert model.slope_before_ == pytest.approx(0.1)
    assert model.slope_after_ == pytest.approx(0.0, abs=1e-12)
    assert model.predict([0, 2, 9]) == pytest.approx([0.0, 0.2, 0.4])


def test_saturation_bootstrap_recovers_breakpoint():
    x, y = _hinge_sample(5)
    groups = np.arange(len(x)) // 3
    model = ContactSaturation(n_bootstrap=60, random_state=1).fit(x, y, groups=groups)
    assert model.breakpoint_ in (4.0, 5.0, 6.0)
    lo, hi = model.breakpoint_ci_
    assert lo <= 5 <= hi
    again = ContactSaturation(n_bootstrap=60, random_state=1).fit(x, y, groups=groups)
    assert np.array_equal(model.breakpoint_bootstrap_, again.breakpoint_bootstrap_)
    assert model.slope_before_ > 0.05 and model.slope_after_ < 0.01


def test_saturation_errors():
    with pytest.raises(ValidationError, match="3 distinct contact counts"):
        ContactSaturation().fit([0, 1, 1], [True, False, True])
    with pytest.raises(NotFittedError):
        ContactSaturation().predict([1])


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


def test_typology_performance():
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c"],
            "legal_status": ["commercial", "commercial", "government"],
            "price_reaction": ["rational", None, "rational"],
        }
    )
    tx = _tx([("a", "2024-01-01", 100, 60), ("c", "2022-01-01", 50, 10)])
    out = typology_performance(clients, tx, observation_end="2024-06-30")
    legal = out[out["criterion"] == "legal_status"].set_index("value")
    assert legal.loc["commercial", "n_clients"] == 2 and legal.loc["commercial", "n_buyers"] == 1
    assert legal.loc["commercial", "margin"] == 40.0
    assert legal.loc["commercial", "share_of_margin"] == pytest.approx(0.5)
    assert legal.loc["government", "active_share"] == 0.0
    price = out[out["criterion"] == "price_reaction"].set_index("value")
    assert price.loc["(missing)", "n_clients"] == 1
    assert set(out["criterion"]) == {"legal_status", "price_reaction"}
