"""The three investment strategies and their comparison."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.marketing.strategies import (
    compare_strategies,
    diversify_investment,
    focus_on_best_clients,
    raise_acquisition,
    strategy_plans,
)

from .conftest import BASELINE


def test_strategies_by_hand(model):
    raised = raise_acquisition(model, BASELINE, factor=2.0)
    assert raised.loc["prospects", "acquisition_budget"] == 8000.0
    assert raised["retention_budget"].sum() == 12_000.0
    div = diversify_investment(model, BASELINE)
    # retention 12 000 shared by margin pools: valuable 200*300, low 800*30 (prospects: none)
    assert div.loc["valuable", "retention_budget"] == pytest.approx(12_000 * 60 / 84)
    assert div.loc["low_value", "retention_budget"] == pytest.approx(12_000 * 24 / 84)
    focus = focus_on_best_clients(
        model, BASELINE, best_group="valuable", budget_cut=0.2, best_share=0.6
    )
    # total 16 000 -> 12 800; valuable 7 680; the other 5 120 split 4000 : 8000
    assert focus.to_numpy().sum() == pytest.approx(12_800.0)
    assert focus.loc["valuable", "retention_budget"] == pytest.approx(7_680.0)
    assert focus.loc["prospects", "acquisition_budget"] == pytest.approx(5_120 / 3)


def test_compare_strategies_optimum_dominates_same_budget(model):
    plans = strategy_plans(model, BASELINE, best_group="valuable")
    table = compare_strategies(model, plans)
    assert list(table.index) == [
        "baseline",
        "raise_acquisition",
        "diversify",
        "focus_on_best",
        "optimal",
    ]
    for name in ("baseline", "diversify", "focus_on_best"):
        assert table.loc["optimal", "customer_equity"] >= table.loc[name, "customer_equity"] - 1e-6
    assert (
        table.loc["raise_acquisition", "clients_acquired"]
        > table.loc["baseline", "clients_acquired"]
    )
    assert np.isfinite(table.drop(columns=["max_times_observed", "extrapolated"]).to_numpy()).all()
    # hand-given curves carry no spend range: nothing to compare with
    assert table["max_times_observed"].isna().all() and not table["extrapolated"].any()
    assert isinstance(table, pd.DataFrame)
