"""Segment maps and assignment: default grid, first match wins, config loading."""

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientalytics import ValidationError
from clientalytics.segmentation import DEFAULT_SEGMENT_MAP, SegmentMap, rfm_scores, rfm_segments
from tests.segmentation.conftest import make_summary


def _scores(rows):
    frame = pd.DataFrame(rows, columns=["R", "F", "M"])
    frame.index = [f"c{i}" for i in range(len(frame))]
    return frame


def test_default_map_known_cells():
    scores = _scores(
        [
            (5, 5, 1),
            (5, 4, 5),
            (4, 5, 3),
            (5, 1, 5),
            (4, 1, 1),
            (3, 3, 3),
            (3, 1, 2),
            (1, 5, 5),
            (2, 3, 1),
            (1, 1, 1),
            (2, 2, 4),
            (4, 2, 2),
            (1, 2, 1),
        ]
    )
    assert rfm_segments(scores, bins=5).tolist() == [
        "Champions",
        "Champions",
        "Loyal",
        "New",
        "Promising",
        "Need Attention",
        "About to Sleep",
        "Can't Lose Them",
        "At Risk",
        "Lost",
        "Hibernating",
        "Potential Loyalist",
        "Hibernating",
    ]


def test_default_map_covers_every_rf_cell():
    cells = [(r, f, 3) for r in range(1, 6) for f in range(1, 6)]
    labels = rfm_segments(_scores(cells), bins=5)
    assert "Other" not in set(labels)
    assert labels.cat.categories[-1] == "Other"
    assert set(labels) == set(DEFAULT_SEGMENT_MAP.segment_names) - {"Other"}


def test_first_matching_rule_wins_and_fallback():
    config = {
        "bins": 3,
        "rules": [
            {"name": "Top", "r": [3, 3], "f": [2, 3]},
            {"name": "Recent", "r": [2, 3]},
            {"name": "Top", "m": [3, 3]},
        ],
        "fallback": "Rest",
    }
    labels = rfm_segments(
        _scores([(3, 3, 1), (3, 1, 1), (1, 1, 3), (1, 2, 2)]), bins=3, segment_map=config
    )
    assert labels.tolist() == ["Top", "Recent", "Top", "Rest"]
    assert list(labels.cat.categories) == ["Top", "Recent", "Rest"]


def test_map_from_json_and_yaml_are_equal():
    json_text = json.dumps(
        {"bins": 5, "rules": [{"name": "Best", "r": [4, 5], "f": [4, 5], "m": [4, 5]}]}
    )
    yaml_text = """
bins: 5
rules:
  - name: Best
    r: [4, 5]
    f: [4, 5]
    m: [4, 5]
"""
    assert SegmentMap.from_json(json_text) == SegmentMap.from_yaml(yaml_text)


def test_invalid_maps_raise_clear_errors():
    with pytest.raises(ValidationError, match=r"rules\.0.*1 <= low <= high"):
        SegmentMap.from_dict({"rules": [{"name": "X", "r": [4, 2]}]})
    with pytest.raises(ValidationError, match="exceeds bins=5"):
        SegmentMap.from_dict({"rules": [{"name": "X", "f": [1, 6]}]})
    with pytest.raises(ValidationError, match="rules"):
        SegmentMap.from_dict({"bins": 5, "rules": []})
    with pytest.raises(ValidationError, match=r"rules\.0\.q: Extra inputs"):
        SegmentMap.from_dict({"rules": [{"name": "X", "q": [1, 2]}]})
    with pytest.raises(ValidationError, match="invalid JSON"):
        SegmentMap.from_json("{bins: ")
    with pytest.raises(ValidationError, match="must be a mapping"):
        SegmentMap.from_yaml("- just a list")


def test_scores_outside_the_map_scale_raise():
    with pytest.raises(ValidationError, match=r"column 'F' has 1 value\(s\) outside 1..5"):
        rfm_segments(_scores([(5, 7, 1), (1, 1, 1)]), bins=5)
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['F', 'M'\]"):
        rfm_segments(pd.DataFrame({"R": [1]}), bins=5)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*[st.integers(1, 5)] * 3), min_size=1, max_size=80))
def test_every_client_exactly_one_segment(rows):
    scores = _scores(rows)
    labels = rfm_segments(scores, bins=5)
    assert len(labels) == len(scores) and labels.notna().all()
    assert labels.value_counts().sum() == len(scores)


def test_map_for_another_scale_is_refused():
    s = make_summary(range(9), range(1, 10), range(9))
    scores = rfm_scores(s, bins=3)
    with pytest.raises(
        ValidationError, match=r"1\.\.3 scale but the segment map is written for bins=5"
    ):
        rfm_segments(scores, bins=3)
    three = {"bins": 3, "rules": [{"name": "Top", "r": [3, 3]}]}
    assert rfm_segments(scores, bins=3, segment_map=three).value_counts()["Top"] == 3
    # 1-5 scores declared as 1-3 are refused: a score above bins raises
    five = rfm_scores(s)
    assert five["R"].max() == 5
    with pytest.raises(ValidationError, match=r"column 'R' has 3 value\(s\) outside 1..3"):
        rfm_segments(five, bins=3, segment_map=three)
    with pytest.raises(ValidationError, match="bins must be an integer >= 2"):
        rfm_segments(scores, bins=1)
