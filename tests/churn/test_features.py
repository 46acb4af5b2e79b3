import numpy as np
import pandas as pd
import pytest

from clientalytics.churn import churn_dataset, churn_features, churn_labels
from clientalytics.clientbase import ClientBase
from clientalytics.datasets import generate_company
from clientalytics.exceptions import ValidationError

CUTOFF = pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def company() -> ClientBase:
    return generate_company(150, 2, seed=11)


def _after_cutoff_changed(base: ClientBase) -> ClientBase:
    """Rewrite the future: every event after the cutoff changes or disappears."""
    tx = base.transactions.copy()
    late = tx["date"] > CUTOFF
    tx.loc[late, "revenue"] = tx.loc[late, "revenue"] * 7 + 1
    extra = (
        tx[late]
        .head(20)
        .assign(transaction_id=lambda d: d["transaction_id"] + "X", date=base.observation_end)
    )
    tp = base.touchpoints[base.touchpoints["timestamp"] <= CUTOFF]
    rq = base.requests.copy()
    rq.loc[rq["received_at"] > CUTOFF, "request_type"] = "complaint"
    answered_late = rq["first_response_at"] > CUTOFF
    rq.loc[answered_late, "first_response_at"] += pd.Timedelta(days=30)
    sv = base.surveys.copy()
    sv.loc[sv["surveyed_at"] > CUTOFF, "nps_score"] = 0
    ct = base.contracts.copy()
    ct["status"] = "terminated"
    ct.loc[ct["signed_date"] > CUTOFF, "expiry_date"] += pd.Timedelta(days=400)
    clients = base.clients.assign(relation_to_firm="lost")
    return ClientBase(
        clients=clients,
        managers=base.managers,
        contracts=ct,
        transactions=pd.concat([tx, extra], ignore_index=True),
        touchpoints=tp,
        requests=rq,
        marketing_spend=base.marketing_spend,
        surveys=sv,
        survey_dimensions=base.survey_dimensions,
        observation_end=base.observation_end,
    )


def test_no_leakage_changing_the_future_leaves_features_unchanged(company):
    before = churn_features(company, cutoff=CUTOFF)
    after = churn_features(_after_cutoff_changed(company), cutoff=CUTOFF)
    pd.testing.assert_frame_equal(before, after)
    # The labels do see the future, so the check above is not vacuous.
    assert len(before) > 30


def test_features_are_finite_and_cover_active_clients(company):
    X = churn_features(company, cutoff=CUTOFF, active_within=6)
    numeric = X.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()
    assert (X["days_since_last_purchase"] <= 183).all()
    assert X["order_trend"].between(-1, 1).all()
    everyone = churn_features(company, cutoff=CUTOFF, active_within=None)
    assert len(everyone) >= len(X)


def test_labels_by_hand(company):
    """A client is churned when it has no order in the six months after the cutoff."""
    y = churn_labels(company, cutoff=CUTOFF, horizon=6)
    tx = company.transactions
    window = tx[(tx["date"] > CUTOFF) & (tx["date"] <= CUTOFF + pd.DateOffset(months=6))]
    buyers = set(window.loc[window["revenue"] >= 0, "client_id"])
    for client in y.index[:40]:
        assert y[client] == int(client not in buyers)
    with pytest.raises(ValidationError, match="after observation_end"):
        churn_labels(company, cutoff="2024-10-01", horizon=6)


def test_contract_labels(company):
    y = churn_labels(company, cutoff=CUTOFF, horizon=6, label="contract")
    ct = company.contracts
    renewed = set(ct["renewal_of"].dropna())
    expiring = ct[
        (ct["expiry_date"] > CUTOFF)
        & (ct["expiry_date"] <= CUTOFF + pd.DateOffset(months=6))
        & (ct["signed_date"] <= CUTOFF)
    ]
    assert set(y.index) == set(expiring["client_id"])
    first = expiring.iloc[0]
    assert y[first["client_id"]] == int(first["contract_id"] not in renewed)


def test_dataset_stacks_cutoffs(company):
    X, y = churn_dataset(company, cutoffs=["2023-07-01", CUTOFF], horizon=6)
    assert X.index.names == ["cutoff", "client_id"]
    assert X.index.equals(y.index)
    assert set(X.index.get_level_values("cutoff")) == {pd.Timestamp("2023-07-01"), CUTOFF}
    with pytest.raises(ValidationError, match="no order on or before the cutoff"):
        churn_features(company, cutoff="2000-01-01")
