import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.report.sections.retention import build_section


def test_section_builds_and_stores_the_risk_list():
    base = load_sample()
    clv = pd.DataFrame({"clv": 1000.0}, index=base.clients["client_id"])
    segments = pd.Series("A", index=base.clients["client_id"])
    context: dict[str, object] = {"clv": clv, "segments": segments}
    section = build_section(base, context)
    html = "".join(section.blocks)
    assert section.key == "retention"
    assert "Retention and churn by quarter" in html
    assert "Churn-risk list" in html
    assert "CLV" in html
    assert html.count("<img") >= 4
    risk = context["churn_risk"]
    assert isinstance(risk, pd.DataFrame)
    assert (risk["value"] == 1000.0).all()
    assert any("ROC AUC" in line for line in section.summary)
