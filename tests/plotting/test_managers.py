import pandas as pd
import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.managers import redistribute_portfolio
from clientalytics.plotting.managers import plot_redistribution, plot_scorecard


def test_plot_scorecard_marks_target():
    card = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M1"],
            "period": pd.to_datetime(["2024-04-01", "2024-04-01", "2024-01-01"]),
            "retention_rate": [0.9, 0.5, 0.1],
        }
    )
    ax = plot_scorecard(card, target=0.8)
    assert [p.get_height() for p in ax.patches] == [0.9, 0.5]
    assert "2024-04-01" in ax.get_title()
    with pytest.raises(ValidationError, match="no column 'nps'"):
        plot_scorecard(card, metric="nps")


def test_plot_redistribution_bars():
    clients = pd.DataFrame(
        {"client_id": list("abcd"), "manager_id": ["A"] * 4, "workload": 1.0, "value": 1.0}
    )
    managers = pd.DataFrame({"manager_id": ["A", "B"], "capacity": [3, 3]})
    result = redistribute_portfolio(clients, managers, max_move_share=None)
    ax = plot_redistribution(result, quantity="n_clients")
    heights = [p.get_height() for p in ax.patches]
    assert heights == [4, 0, 2, 2]
    assert "2 move" in ax.get_title()


def test_mathtext_characters_in_manager_ids_are_drawn_as_typed(tmp_path):
    """Issue 12: ``$`` in an id made matplotlib parse the label as a formula (or fail)."""
    import matplotlib.pyplot as plt
    from matplotlib import cbook

    ids = ["$M^$", "$x_1$", "M\\2", "M4"]
    card = pd.DataFrame(
        {
            "manager_id": ids,
            "period": pd.Timestamp("2024-04-01"),
            "retention_rate": [0.9, 0.5, 0.7, 0.2],
        }
    )
    # the unescaped label is not drawable: mathtext cannot parse "$M^$"
    fig, ax = plt.subplots()
    ax.bar(ids, [1, 2, 3, 4])
    with pytest.raises(ValueError):
        fig.savefig(tmp_path / "raw.png")
    plt.close(fig)
    ax = plot_scorecard(card)
    ax.figure.savefig(tmp_path / "card.png")
    shown = [label.get_text() for label in ax.get_xticklabels()]
    assert sorted(s.replace("\\$", "$") for s in shown) == sorted(ids)
    assert not any(cbook.is_math_text(s) for s in shown)
    assert not ax.title.get_parse_math()
