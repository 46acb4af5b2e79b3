"""Choosing the transaction model on holdout evidence, and the one-time-buyer artefact."""

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import BetaGeoModel, NBDModel, ParetoNBDModel
from clientalytics.clv.selection import (
    DEFAULT_MODEL,
    SELECTION_COLUMNS,
    candidate_models,
    choose_model,
    inactive_alive_share,
    one_time_buyer_alive,
    select_transaction_model,
)
from clientalytics.exceptions import ValidationError


def _hand_built_summary() -> pd.DataFrame:
    """Repeat buyers who stay, repeat buyers who lapsed, and one-time buyers of every age."""
    regular = [(f, 600.0 + 10 * (f % 5), 700.0) for f in range(1, 41)] * 5
    lapsed = [(f, 30.0 * f, 1000.0) for f in range(1, 6)] * 10
    once = [(0, 0.0, float(t)) for t in np.linspace(30, 1000, 100)]
    return pd.DataFrame(regular + lapsed + once, columns=["frequency", "recency", "T"])


def _pareto_nbd_holdout(seed: int = 7, n: int = 800) -> pd.DataFrame:
    """Calibration/holdout table simulated from a Pareto/NBD process (a year each).

    Purchase rates are Gamma(2, 1/40) per day, lifetimes exponential with Gamma(1, 1/200)
    dropout rates, first purchases uniform over the first 200 days.
    """
    rng = np.random.default_rng(seed)
    t_cal, holdout = 365.0, 365.0
    rate = rng.gamma(2.0, 1 / 40.0, n)
    dropout = rng.gamma(1.0, 1 / 200.0, n)
    first = rng.uniform(0, 200, n)
    death = first + rng.exponential(1 / dropout)
    rows = []
    for i in range(n):
        end = min(death[i], t_cal + holdout)
        times = np.sort(rng.uniform(first[i], end, rng.poisson(rate[i] * (end - first[i]))))
        cal, later = times[times <= t_cal], times[times > t_cal]
        recency = float(cal.max() - first[i]) if len(cal) else 0.0
        rows.append((len(cal), recency, t_cal - first[i], len(later), holdout))
    columns = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    return pd.DataFrame(rows, columns=columns)


def test_a_one_time_buyer_silent_for_years_is_likely_gone_under_the_default():
    summary = _hand_built_summary()
    default = candidate_models()[DEFAULT_MODEL].fit(summary, time_unit="D")
    alive = one_time_buyer_alive({DEFAULT_MODEL: default}, [30, 365, 1000])
    assert alive.index.name == "days_silent"
    assert alive.loc[1000.0, DEFAULT_MODEL] < 0.5
    assert alive[DEFAULT_MODEL].is_monotonic_decreasing


def test_bg_nbd_calls_every_one_time_buyer_alive():
    """BG/NBD: P(alive | x = 0) = 1 whatever the parameters (dropout follows a repeat only)."""
    data = _pareto_nbd_holdout()
    calibration = data.rename(columns=lambda c: c.removesuffix("_cal"))
    bg = BetaGeoModel().fit(calibration[["frequency", "recency", "T"]], time_unit="D")
    alive = one_time_buyer_alive({"BG/NBD": bg}, [1, 365, 1094])
    np.testing.assert_array_equal(alive["BG/NBD"].to_numpy(), 1.0)
    n, share = inactive_alive_share(bg, data)
    expected = int(((data["frequency_cal"] == 0) & (data["frequency_holdout"] == 0)).sum())
    assert n == expected > 0 and share == 1.0


def test_the_rule_picks_the_lower_holdout_error_on_a_known_case():
    """Data from a Pareto/NBD process: a model without dropout must forecast the holdout worse."""
    data = _pareto_nbd_holdout()
    selection = select_transaction_model(
        data,
        candidates={"NBD": NBDModel(), "Pareto/NBD": ParetoNBDModel()},
        time_unit="D",
        max_inactive_alive_share=None,
        max_aggregate_error=None,
    )
    table = selection.table
    assert list(table.columns) == SELECTION_COLUMNS
    assert table["mae"].idxmin() == "Pareto/NBD"
    assert table.loc["Pareto/NBD", "mae"] < 0.7 * table.loc["NBD", "mae"]
    assert selection.chosen == "Pareto/NBD" and selection.conclusive
    assert selection.models["Pareto/NBD"].params_ is not None
    # a model without dropout overstates the holdout total and fails that check too
    checked = select_transaction_model(
        data, candidates={"NBD": NBDModel(), "Pareto/NBD": ParetoNBDModel()}, time_unit="D"
    )
    assert checked.table.loc["NBD", "aggregate_error"] > 0.10
    assert checked.table["qualified"].tolist() == [False, True]
    assert (checked.chosen, checked.conclusive) == ("Pareto/NBD", True)


def test_choose_model_on_hand_built_scores():
    table = pd.DataFrame(
        {"mae": [1.00, 0.90, 0.95], "qualified": [True, True, True]},
        index=["BG/NBD", "MBG/NBD", "Pareto/NBD"],
    )
    # 0.90 is 5 % below 0.95: clear
    assert choose_model(table, tolerance=0.02) == ("MBG/NBD", True)
    # within 10 %: inconclusive, the default is kept
    assert choose_model(table.assign(mae=[1.0, 0.95, 0.90]), tolerance=0.10) == (
        DEFAULT_MODEL,
        False,
    )
    # a model that calls the inactive one-time buyers alive is set aside even when best
    unqualified = table.assign(mae=[0.5, 0.90, 0.95], qualified=[False, True, True])
    assert choose_model(unqualified) == ("MBG/NBD", True)
    # the only qualified model is chosen
    alone = table.assign(qualified=[False, False, True])
    assert choose_model(alone) == ("Pareto/NBD", True)
    # inconclusive and the default absent: the lowest error
    assert choose_model(table.loc[["BG/NBD", "Pareto/NBD"]], tolerance=0.2) == (
        "Pareto/NBD",
        False,
    )
    with pytest.raises(ValidationError, match="no model"):
        choose_model(table.iloc[:0])


def test_one_time_buyer_alive_checks_its_days():
    with pytest.raises(ValidationError, match="days_silent"):
        one_time_buyer_alive({}, [-1.0])
