import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.report.sections import managers as managers_section


def test_managers_section_on_sample():
    base = load_sample()
    context: dict[str, object] = {}
    section = managers_section.build_section(base, context)
    html = "".join(section.blocks)
    assert section.key == "managers"
    assert "<img" in html and "move(s)" in html
    card = context["scorecard"]
    assert isinstance(card, pd.DataFrame)
    assert card["manager_id"].nunique() == 17
    result = context["redistribution"]
    assert not result.after["over_capacity"].any()
    assert result.after["n_clients"].sum() == len(result.assignment)
