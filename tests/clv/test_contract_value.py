"""Contract lifetime value and renewal risk."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import (
    BetaDiscreteWeibullModel,
    IndividualShiftedBetaGeometricModel,
    contract_lifetime_value,
    renewal_histories,
    renewal_risk,
)
from clientalytics.clv.contract_value import CONTRACT_VALUE_COLUMNS, RENEWAL_RISK_COLUMNS
from clientalytics.exceptions import ValidationError

ALPHA, BETA = 0.704, 1.182
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def sbg():
    model = IndividualShiftedBetaGeometricModel()
    model.params_ = pd.Series({"alpha": ALPHA, "beta": BETA}, name="value")
    return model


def _histories(**overrides):
    base = {
        "client_id": ["A", "B", "C", "D"],
        "spell": [1, 1, 1, 1],
        "renewals": [0, 3, 1, 2],
        "status": ["active", "active", "pending", "churned"],
        "churned": [False, False, False, True],
        "current_contract_id": ["A1", "B4", "C2", "D3"],
        "expiry_date": pd.to_datetime(["2026-07-02", "2026-01-31", "2025-12-22", "2025-01-01"]),
        "days_to_expiry": [182.0, 30.0, -10.0, -365.0],
        "annual_value": [1000.0, 1000.0, 500.0, 800.0],
        "term_years": [1.0, 1.0, 2.0, 1.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_value_by_hand(sbg):
    """Residual value = value per period * DERL / (1 + d)^(years to expiry), DERL being
    Fader & Hardie (2010) eq. (6): (b + n)/(a + b + n) 2F1(1, b + n + 1; a + b + n + 1; 1/(1+d))."""
    value = contract_lifetime_value(_histories(), sbg, discount_rate=0.1)
    assert list(value.columns) == list(CONTRACT_VALUE_COLUMNS)
    assert value.index.name == "client_id"
    assert value.index.tolist() == ["A", "B", "C"]  # the churned client is worth nothing
    k = np.arange(1, 1000)

    def derl(n, d):
        s = np.exp(
            [
                np.sum(np.log((BETA + np.arange(m)) / (ALPHA + BETA + np.arange(m))))
                for m in n + np.r_[0, k]
            ]
        )
        return np.sum(s[1:] / s[0] / (1 + d) ** (k - 1))

    a = value.loc["A"]
    assert a["derl"] == pytest.approx(derl(0, 0.1), rel=1e-9)
    assert a["renewal_probability"] == pytest.approx(BETA / (ALPHA + BETA))
    assert a["remaining_term_value"] == pytest.approx(1000 * 182 / 365.25)
    assert a["residual_value"] == pytest.approx(1000 * derl(0, 0.1) / 1.1 ** (182 / 365.25))
    # two-year contract: per-period value 1000, discount (1.1)^2 - 1 per period; pending, so
    # nothing left of the running term and no discounting to the renewal
    c = value.loc["C"]
    assert c["days_to_expiry"] == 0 and c["remaining_term_value"] == 0
    assert c["residual_value"] == pytest.approx(500 * 2 * derl(1, 1.1**2 - 1), rel=1e-9)
    np.testing.assert_allclose(
        value["lifetime_value"], value["remaining_term_value"] + value["residual_value"]
    )
    # margin scales value linearly
    half = contract_lifetime_value(_histories(), sbg, discount_rate=0.1, margin=0.5)
    np.testing.assert_allclose(half["lifetime_value"], value["lifetime_value"] / 2)


def test_longer_tenure_is_worth_more(sbg):
    h = _histories(renewals=[0, 5, 10, 0], days_to_expiry=[30.0, 30.0, 30.0, 30.0])
    h["status"] = "active"
    h["term_years"] = 1.0
    h["annual_value"] = 1000.0
    h["client_id"] = ["A", "B", "C", "E"]
    value = contract_lifetime_value(h, sbg, discount_rate=0.1)
    assert value.loc["A", "residual_value"] < value.loc["B", "residual_value"]
    assert value.loc["B", "residual_value"] < value.loc["C", "residual_value"]
    assert value.loc["A", "residual_value"] == value.loc["E", "residual_value"]


def test_renewal_risk(sbg):
    risk = renewal_risk(_histories(), sbg, discount_rate=0.1)
    assert list(risk.columns) == list(RENEWAL_RISK_COLUMNS)
    assert risk.index.name == "contract_id"
    assert risk.index.tolist() == ["C2", "B4", "A1"]  # ordered by expiry, pending first
    n = risk["renewals"].to_numpy()
    np.testing.assert_allclose(risk["renewal_risk"], ALPHA / (ALPHA + BETA + n))
    value = contract_lifetime_value(_histories(), sbg, discount_rate=0.1)
    # lost value = P(no renewal) * value given a renewal = risk * residual / P(renewal)
    expected = risk["renewal_risk"] * value.loc[risk["client_id"], "residual_value"].to_numpy()
    np.testing.assert_allclose(risk["value_at_risk"], expected / risk["renewal_probability"])
    soon = renewal_risk(_histories(), sbg, horizon_days=60)
    assert soon.index.tolist() == ["C2", "B4"]


def test_bdw_with_rising_risk_values_tenure_less(sbg):
    rising = BetaDiscreteWeibullModel()
    rising.params_ = pd.Series({"alpha": ALPHA, "beta": BETA, "c": 1.5}, name="value")
    flat = BetaDiscreteWeibullModel()
    flat.params_ = pd.Series({"alpha": ALPHA, "beta": BETA, "c": 1.0}, name="value")
    h = _histories()
    v_rising = contract_lifetime_value(h, rising, discount_rate=0.1)
    v_flat = contract_lifetime_value(h, flat, discount_rate=0.1)
    np.testing.assert_allclose(
        v_flat["residual_value"],
        contract_lifetime_value(h, sbg, discount_rate=0.1)["residual_value"],
        rtol=1e-10,
    )
    assert (v_rising["residual_value"] < v_flat["residual_value"]).all()


def test_errors(sbg):
    with pytest.raises(ValidationError, match="discount_rate must be > 0"):
        contract_lifetime_value(_histories(), sbg, discount_rate=0)
    with pytest.raises(ValidationError, match="margin"):
        contract_lifetime_value(_histories(), sbg, discount_rate=0.1, margin=-1)
    with pytest.raises(ValidationError, match="missing required column"):
        contract_lifetime_value(_histories().drop(columns="term_years"), sbg, discount_rate=0.1)
    twice = _histories(client_id=["A", "A", "C", "D"])
    with pytest.raises(ValidationError, match="more than one running spell"):
        renewal_risk(twice, sbg)


def test_sample_company():
    """The sample registry read straight from its CSV file (observation end 2026-01-01)."""
    contracts = pd.read_csv(SAMPLES / "contracts.csv", dtype=str)
    h = renewal_histories(contracts, observation_end="2026-01-01")
    model = IndividualShiftedBetaGeometricModel().fit(h)
    value = contract_lifetime_value(h, model, discount_rate=0.1)
    running = h["status"].isin(["active", "pending"])
    assert len(value) == running.sum()
    assert (value["lifetime_value"] > 0).all()
    risk = renewal_risk(h, model)
    assert len(risk) == len(value)
    # the same tenure, the same risk; risk falls with tenure under the sBG
    by_tenure = risk.groupby("renewals")["renewal_risk"].agg(["min", "max"])
    np.testing.assert_allclose(by_tenure["min"], by_tenure["max"])
    assert by_tenure["min"].is_monotonic_decreasing
