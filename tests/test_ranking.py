"""Golden-client ranking: hand-computed scores and contributions, tiers, engines, properties."""

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import ValidationError
from clientalytics.ranking import rank_golden_clients, value_trend

END = "2025-01-01"


def _tx():
    rows = [
        ("a", "2022-12-01", 50, 25),
        ("a", "2023-06-01", 100, 50),
        ("a", "2024-06-01", 300, 100),
        ("b", "2022-11-01", 100, 0),
        ("b", "2023-07-01", 400, 300),
        ("b", "2024-07-01", 200, 150),
        ("c", "2024-11-01", 100, 150),
    ]
    return pd.DataFrame(
        {
            "client_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "revenue": [float(r[2]) for r in rows],
            "variable_cost": [float(r[3]) for r in rows],
        }
    )


def test_activity_hand_computed():
    act = value_trend(_tx(), observation_end=END)
    assert act["margin"].to_dict() == {"a": 200.0, "b": 50.0, "c": -50.0}
    assert act.loc["a", "growth"] == pytest.approx((300 - 100) / 400)
    assert act.loc["b", "growth"] == pytest.approx((200 - 400) / 600)
    assert act.loc["c", "growth"] == 0.0  # no full previous window
    assert act["tenure_days"].to_dict() == {"a": 762, "b": 792, "c": 61}


def test_scores_and_contributions_without_clv():
    ranking = rank_golden_clients(_tx(), observation_end=END)
    t = ranking.table
    assert ranking.criteria == ["margin", "growth", "tenure"]
    assert ranking.missing == ["clv", "outlook", "contract"]
    w = {"margin": 0.25 / 0.45, "growth": 0.10 / 0.45, "tenure": 0.10 / 0.45}
    assert ranking.weights == pytest.approx(w)
    # grades: margin a 1, b .5, c 0; growth a 1, b 0, c .5; tenure a .5, b 1, c 0
    assert t.loc["a", "score"] == pytest.approx(w["margin"] + w["growth"] + 0.5 * w["tenure"])
    assert t.loc["b", "score"] == pytest.approx(0.5 * w["margin"] + w["tenure"])
    assert t.loc["c", "contrib_growth"] == pytest.approx(0.5 * w["growth"])
    contrib = t[[c for c in t.columns if c.startswith("contrib_")]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"])
    assert t.index.tolist() == ["a", "b", "c"] and t["rank"].tolist() == [1, 2, 3]
    # golden = smallest top set holding half the positive margin (a: 200 of 250)
    assert t["tier"].tolist() == ["golden", "regular", "loss-making"]
    assert "clv, outlook, contract" in ranking.describe()


def test_top_k_skips_loss_making_clients():
    t = rank_golden_clients(_tx(), observation_end=END, top_k=3).table
    assert t["tier"].tolist() == ["golden", "golden", "loss-making"]


def test_clv_outlook_and_contract_enter_the_score():
    clv = pd.DataFrame({"clv": [10.0, 1000.0, 5.0]}, index=["a", "b", "c"])
    outlook = pd.Series({"a": 0.2, "b": 0.9, "c": 0.5})
    contracts = pd.DataFrame(
        {"client_id": ["b"], "status": ["active"], "expiry_date": pd.to_datetime(["2026-01-01"])}
    )
    ranking = rank_golden_clients(
        _tx(), clv=clv, outlook=outlook, contracts=contracts, observation_end=END
    )
    t = ranking.table
    assert ranking.criteria == ["clv", "margin", "outlook", "growth", "tenure", "contract"]
    assert ranking.missing == [] and ranking.value_column == "clv"
    assert t.loc["b", "contrib_contract"] == pytest.approx(0.10)
    assert t.loc["a", "contrib_contract"] == 0.0
    assert t.loc["b", "contrib_outlook"] == pytest.approx(0.15 * 0.9)
    assert t.loc["b", "contrib_clv"] == pytest.approx(0.30)
    # b: clv 1 (.30), margin .5 (.125), outlook .9 (.135), growth 0, tenure 1 (.10), contract .10
    assert t.loc["b", "score"] == pytest.approx(0.30 + 0.125 + 0.135 + 0.10 + 0.10)
    assert t.index[0] == "b" and t.loc["b", "tier"] == "golden"
    zero_margin = rank_golden_clients(_tx(), clv=clv, observation_end=END, weights={"margin": 0.0})
    assert "margin" not in zero_margin.criteria


def test_ties_are_broken_by_value_then_id():
    tx = pd.DataFrame(
        {
            "client_id": ["z", "y", "x"],
            "date": pd.to_datetime(["2024-06-01"] * 3),
            "revenue": [10.0, 10.0, 10.0],
            "variable_cost": [0.0, 0.0, 0.0],
        }
    )
    t = rank_golden_clients(tx, observation_end=END).table
    assert t.index.tolist() == ["x", "y", "z"]


def test_bad_input():
    with pytest.raises(ValidationError, match="unknown criteria"):
        rank_golden_clients(_tx(), weights={"size": 1.0})
    with pytest.raises(ValidationError, match="top_k"):
        rank_golden_clients(_tx(), top_k=0)
    with pytest.raises(ValidationError, match="value_share"):
        rank_golden_clients(_tx(), value_share=1.5)
    with pytest.raises(ValidationError, match=r"outlook: column 'p_alive' has 1 value\(s\)"):
        rank_golden_clients(
            _tx(), outlook=pd.DataFrame({"p_alive": [0.1, 1.2, 0.3]}, index=list("abc"))
        )
    with pytest.raises(ValidationError, match=r"clv: 1 ranked client\(s\) have no value"):
        rank_golden_clients(_tx(), clv=pd.Series({"a": 1.0, "b": 2.0}))
    with pytest.raises(ValidationError, match="empty"):
        rank_golden_clients(_tx().iloc[:0])
    bad = _tx()
    bad.loc[2, "revenue"] = np.nan
    with pytest.raises(ValidationError, match="'revenue' has 1 missing"):
        rank_golden_clients(bad)


@pytest.mark.parametrize(
    "engine",
    [pl.from_pandas, lambda f: pl.from_pandas(f).lazy(), duckdb.from_df],
    ids=["polars", "polars-lazy", "duckdb"],
)
def test_same_ranking_on_every_engine(random_transactions, engine):
    expected = rank_golden_clients(random_transactions, observation_end="2025-01-01").table
    got = rank_golden_clients(engine(random_transactions), observation_end="2025-01-01").table
    pd.testing.assert_frame_equal(got, expected)


@pytest.fixture
def random_transactions():
    rng = np.random.default_rng(3)
    n = 800
    tx = pd.DataFrame(
        {
            "client_id": [f"k{i:03d}" for i in rng.integers(0, 90, n)],
            "date": pd.Timestamp("2022-06-01") + pd.to_timedelta(rng.integers(0, 940, n), unit="D"),
            "revenue": np.round(rng.gamma(2.0, 100.0, n), 2),
        }
    )
    tx["variable_cost"] = np.round(tx["revenue"] * rng.uniform(0.5, 1.3, n), 2)
    return tx


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 900), st.floats(0, 1000), st.floats(0, 1500)),
        min_size=1,
        max_size=40,
    ),
    st.floats(0.05, 1.0),
)
def test_ranking_is_a_permutation(rows, share):
    tx = pd.DataFrame(
        {
            "client_id": [f"c{r[0]}" for r in rows],
            "date": pd.Timestamp("2022-06-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "revenue": [r[2] for r in rows],
            "variable_cost": [r[3] for r in rows],
        }
    )
    ranking = rank_golden_clients(tx, observation_end=END, value_share=share)
    t = ranking.table
    assert sorted(t["rank"]) == list(range(1, t.index.nunique() + 1))
    assert np.all(np.diff(t["score"].to_numpy()) <= 1e-12)
    assert t["score"].between(0, 1 + 1e-12).all()
    assert not ((t["tier"] == "golden") & (t["margin"] < 0)).any()
    # golden holds at least the share of positive value, and no golden client is superfluous
    total = t["margin"].clip(lower=0).sum()
    golden = t.loc[t["tier"] == "golden", "margin"].clip(lower=0)
    if total > 0:
        assert golden.sum() >= share * total - 1e-9 * total
        assert golden.sum() - golden.iloc[-1] < share * total
    shuffled = rank_golden_clients(tx.iloc[::-1], observation_end=END, value_share=share).table
    pd.testing.assert_frame_equal(shuffled, t)


def test_the_report_ranks_with_the_chosen_purchase_model(monkeypatch):
    """The golden ranking's CLV and outlook come from the report's one chosen model."""
    from clientalytics.datasets import load_sample
    from clientalytics.report.inputs import report_inputs
    from clientalytics.report.sections import segmentation

    base = load_sample()
    inputs = report_inputs(base)
    seen = {}

    def spy(transactions, **kwargs):
        seen.update(kwargs)
        return rank_golden_clients(transactions, **kwargs)

    monkeypatch.setattr(segmentation, "rank_golden_clients", spy)
    segmentation.build_section(base, inputs)
    valuation = inputs.valuation
    assert valuation is not None and valuation.selection is not None
    assert valuation.model_name == valuation.selection.chosen
    summary = inputs.summary.copy()
    summary.index = summary.index.astype(str)
    expected = valuation.purchase_model.probability_alive(summary)
    outlook = seen["outlook"].copy()
    outlook.index = outlook.index.astype(str)
    np.testing.assert_allclose(outlook.reindex(expected.index), expected.to_numpy())
    # the BG/NBD artefact does not reach the ranking: one-time buyers silent a year are not sure
    once = summary[(summary["frequency"] == 0) & (summary["T"] > 365)].index
    assert len(once) and (outlook.reindex(once) < 0.9).all()
