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
