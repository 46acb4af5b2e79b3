import dataclasses

import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections.retention import build_section


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
    assert "Retention by segment" in html
    assert "Churn-risk list" in html
    assert "CLV" in html
    assert html.count("<img") >= 4
    # every client of the risk list is valued at the CLV given, 1,000
    risk = html.split("Churn-risk list", 1)[1].split("</table>", 1)[0]
    assert risk.count("<td>1,000.00</td>") == 15
    assert any("ROC AUC" in line for line in section.summary)
