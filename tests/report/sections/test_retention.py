import dataclasses

import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections.retention import build_section
from tests.report._html import table_after


def test_section_builds_with_the_shared_clv_and_segments():
    base = load_sample()
    shared = report_inputs(base)
    clv = pd.DataFrame({"clv": 1000.0}, index=base.clients["client_id"].astype(str))
    segments = pd.Series("A", index=base.clients["client_id"].astype(str))
    inputs = dataclasses.replace(
        shared, valuation=dataclasses.replace(shared.valuation, table=clv), segments=segments
    )
    section = build_section(base, inputs)
    html = "".join(section.blocks)
    assert section.key == "retention"
    assert "Retention and churn by quarter" in html
    assert "Retention by RFM segment" in html
    assert "Churn-risk list" in html
    assert "lifetime value" in html
    assert html.count("<img") >= 4
    # every client of the risk list is valued at the CLV given, 1,000
    risk = table_after(html, "Churn-risk list")
    assert set(risk.column("Value")) == {"\u20bd1,000"}
    assert len(risk.texts) == 100
    assert "days_since" not in html and "=" not in "".join(risk.column("Main reasons"))
    # one definition: an order in the last 12 months keeps a client active
    quarters = table_after(html, "Retention and churn by quarter")
    assert "95% interval, lower" in quarters.headings
    assert any("ROC AUC" in line for line in section.summary)


def test_risk_list_holds_only_retainable_clients_and_names_the_win_back_count():
    """Only clients silent at most 90 days are scored; the others are counted, not ranked."""
    from clientalytics.status import RETAINABLE_DAYS, client_states

    base = load_sample()
    inputs = report_inputs(base)
    section = build_section(base, inputs)
    html = "".join(section.blocks)
    states = client_states(base.transactions, observation_end=base.observation_end)
    risk = table_after(html, "Churn-risk list")
    ids = risk.column("Client", raw=True)
    assert ids and states.loc[ids, "days_silent"].max() <= RETAINABLE_DAYS
    # the win-back count is every client of the churn population silent longer
    current = states[states["status"].isin(["new", "active"])]
    win_back = int((current["days_silent"] > RETAINABLE_DAYS).sum())
    assert section.facts["win_back_clients"] == win_back > 0
    assert f"{win_back:,} clients who ordered in the last 12 months" in html
    lapsed = table_after(html, "win-back case")
    assert states.loc[lapsed.column("Client", raw=True), "days_silent"].min() > RETAINABLE_DAYS
    # the value at risk is the expected value over the report's horizon, model named
    model = inputs.valuation.model_name
    assert f"lifetime value over the next {inputs.horizon_months} months ({model} model)" in html
    # the forecast is scored on the retainable population, with its base rate
    assert "retainable at each cutoff" in html
    assert any(
        "retainable clients" in line and "base churn rate" in line for line in section.summary
    )
