import math

import pandas as pd

from clientalytics.datasets import load_sample
from clientalytics.managers import MIN_CLIENTS, MIN_RESPONSES, manager_scorecard
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections import managers as managers_section
from tests.report._html import table_after


def _latest_card(base):
    card = manager_scorecard(
        base.transactions,
        base.clients,
        time_unit="Q",
        observation_end=base.observation_end,
        requests=base.requests,
        surveys=base.surveys,
    )
    return card[card["period"] == card["period"].max()].set_index("manager_id")


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
    assert len(cards.texts) == 17 and "Retention, 95% interval" in cards.headings
    # one "low–high" cell per manager with a quarter-start base, inside [0 %, 100 %]
    interval = cards.headings.index("Retention, 95% interval")
    card = _latest_card(base)
    for row in cards.texts:
        low, high = card.loc[row[0], ["retention_ci_low", "retention_ci_high"]]
        if pd.notna(low):
            assert row[interval] == f"{low:.0%}–{high:.0%}"
    assert "Churn rate" not in cards.headings  # 1 - retention, shown once
    assert result.after["n_clients"].sum() == len(result.assignment)


def test_small_groups_read_not_enough_data_and_are_not_ranked():
    """Issue 15 B9: no retention over fewer than 20 clients, no NPS from fewer than 10 answers."""
    base = load_sample()
    section = managers_section.build_section(base, report_inputs(base))
    html = "".join(section.blocks)
    latest = _latest_card(base)
    cards = table_after(html, "Scorecards per manager")
    by_manager = {row[0]: row for row in cards.texts}
    retention = cards.headings.index("Retention rate")
    nps = cards.headings.index("NPS")
    for manager, row in latest.iterrows():
        shown = by_manager[str(manager)]
        if 0 < row["retention_base"] < MIN_CLIENTS:
            assert shown[retention] == "not enough data"
        if 0 < row["n_nps_answers"] < MIN_RESPONSES:
            assert shown[nps] == "not enough data"
        if row["n_nps_answers"] >= MIN_RESPONSES:
            assert shown[nps] not in ("not enough data", "—")
    small = int(((latest["retention_base"] < MIN_CLIENTS) | latest["retention_rate"].isna()).sum())
    ranked = 17 - small
    assert f"{ranked} of 17 managers had at least 20 clients" in html
    assert f"{small} are not ranked (not enough data)" in html
    ranking = table_after(html, "are not ranked")
    assert len(ranking.texts) == ranked
    sizes = [float(s.replace(",", "")) for s in ranking.column("Clients at quarter start")]
    assert min(sizes) >= MIN_CLIENTS


def test_small_groups_in_russian():
    base = load_sample()
    section = managers_section.build_section(base, report_inputs(base, lang="ru"))
    html = "".join(section.blocks)
    assert "недостаточно данных" in html
    assert "в рейтинг не вошли" in html


def test_redistribution_keeps_regions_and_the_budget_on_sample():
    """Issue 15 B10: at most 10 % of the served clients move, none across regions."""
    base = load_sample()
    inputs = report_inputs(base)
    result, note = managers_section._redistribute(base, inputs.clv["clv"])
    served = len(result.assignment)
    assert result.budget == math.floor(0.1 * served)
    assert result.n_moves <= result.budget
    region = base.managers.set_index("manager_id")["region"]
    moves = result.moves
    assert (
        region.reindex(moves["current_manager"]).to_numpy()
        == region.reindex(moves["new_manager"]).to_numpy()
    ).all()
    assert "region and hunter / farmer role" in note
    # the moves together gain more than they cost
    assert result.total_gain > result.total_move_cost > 0
    assert result.total_move_cost == pd.Series(moves["move_cost"]).sum()
    html = "".join(managers_section.build_section(base, inputs).blocks)
    assert f"budget of {result.budget} moves" in html and "0 move(s) cross a region" in html
