"""docs/segmentation.md mentions every public name of the segmentation area."""

import inspect
from pathlib import Path

import pytest

from clientalytics import ranking, segmentation
from clientalytics.plotting import segmentation as plots

TEXT = (Path(__file__).resolve().parents[2] / "docs" / "segmentation.md").read_text("utf-8")

NAMES = (
    list(segmentation.__all__)
    + [
        n
        for n, o in vars(ranking).items()
        if not n.startswith("_") and getattr(o, "__module__", "") == ranking.__name__
    ]
    + ["DEFAULT_WEIGHTS", "GOLDEN_TIERS"]
    + [n for n, o in inspect.getmembers(plots, inspect.isfunction) if n.startswith("plot_")]
)


@pytest.mark.parametrize("name", sorted(set(NAMES)))
def test_public_name_is_documented(name):
    assert f"`{name}" in TEXT, f"docs/segmentation.md does not mention {name}"
