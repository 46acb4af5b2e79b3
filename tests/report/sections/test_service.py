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


def _section_html(lang: str):
    base = load_sample()
    inputs = report_inputs(base, lang=lang)
    section = service_section.build_section(base, inputs)
    return base, inputs, "".join(section.blocks)


def test_service_section_states_inputs_associations_and_commercial_win_rate():
    base, inputs, html = _section_html("en")
    # B5: the win rate is the commercial one, with intervals and working hours
    assert "commercial (quote) requests only" in html
    assert "Win rate, 95% lower" in html and "working h" in html
    from clientalytics.engagement import request_kpis

    commercial = base.requests[base.requests["request_type"] == "commercial"]
    email = request_kpis(commercial, by="channel").set_index("channel").loc["email"]
    shown = request_kpis(base.requests, by="channel").set_index("channel").loc["email"]
    assert shown["win_rate"] == email["win_rate"]
    # B6: the seekers' share is an input, and no survey finding is claimed
    assert "an input the firm set, not a finding" in html
    assert "surveys find" not in html and "as surveys" not in html
    # B7: association, confounders held fixed, and how to test it
    assert "association in observational data" in html
    assert "client size (revenue quartile)" in html and "Held fixed" in html
    assert "at random" in html and "holdout" in html
    # B11: measured referrals, not the tells-ten rule
    assert "Referrals per client" in html
    assert "tells about 10" not in html and "net reach" not in html
    assert not inputs.tr.missing


def test_service_section_in_russian_has_every_text():
    _, inputs, html = _section_html("ru")
    assert "Рекомендаций на клиента" in html and "входные данные" in html
    assert not inputs.tr.missing, sorted(inputs.tr.missing)
