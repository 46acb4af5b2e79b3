import dataclasses

import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.engagement.lifecycle import lifecycle_stages, stage_counts
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections import service as service_section


def test_service_section_on_sample_with_segments():
    base = load_sample()
    segments = pd.Series("gold", index=base.clients["client_id"])
    inputs = dataclasses.replace(report_inputs(base), segments=segments)
    section = service_section.build_section(base, inputs)
    html = "".join(section.blocks)
    assert section.key == "service"
    for text in ("Requests", "Contract registry", "Lifecycle stages", "NPS", "contacts a quarter"):
        assert text in html
    assert "gold" in html
    stages = lifecycle_stages(
        base.transactions,
        observation_end=base.observation_end,
        clients=base.clients,
        lost_days=service_section.LOST_DAYS,
    )
    assert len(stages) == len(base.clients)
    counts = stage_counts(stages)["n_clients"]
    assert section.summary == ["lifecycle: " + ", ".join(f"{k} {v}" for k, v in counts.items())]
