from clientalytics.datasets import load_sample
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections import managers as managers_section
from tests.report._html import table_after


def test_managers_section_on_sample():
    base = load_sample()
    inputs = report_inputs(base)
    section = managers_section.build_section(base, inputs)
    html = "".join(section.blocks)
    assert section.key == "managers"
    assert "<img" in html and "move(s)" in html
    assert section.summary[0].startswith("managers: 17;")
    assert inputs.clv is not None
    result, _ = managers_section._redistribute(base, inputs.clv["clv"])
    assert f"proposes {result.n_moves:,} move(s)" in html
    cards = table_after(html, "Scorecards per manager")
    assert len(cards.texts) == 17 and "95% interval, upper" in cards.headings
    assert not result.after["over_capacity"].any()
    assert result.after["n_clients"].sum() == len(result.assignment)
