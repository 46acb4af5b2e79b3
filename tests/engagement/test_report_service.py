import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.report.sections import service as service_section


def test_service_section_on_sample_with_segments():
    base = load_sample()
    segments = pd.Series("gold", index=base.clients["client_id"])
    context: dict[str, object] = {"segments": segments}
    section = service_section.build_section(base, context)
    html = "".join(section.blocks)
    assert section.key == "service"
    for text in ("Requests", "Contract registry", "Lifecycle stages", "NPS", "contacts a quarter"):
        assert text in html
    assert "gold" in html
    stages = context["lifecycle"]
    assert len(stages) == len(base.clients)
