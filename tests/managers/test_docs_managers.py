"""docs/managers.md mentions every public name of the managers area."""

import inspect
from pathlib import Path

import pytest

from clientalytics import managers
from clientalytics.plotting import managers as plots

TEXT = (Path(__file__).resolve().parents[2] / "docs" / "managers.md").read_text("utf-8")
NAMES = list(managers.__all__) + [
    n for n, o in inspect.getmembers(plots, inspect.isfunction) if n.startswith("plot_")
]


@pytest.mark.parametrize("name", sorted(set(NAMES)))
def test_public_name_is_documented(name):
    assert f"`{name}" in TEXT, f"docs/managers.md does not mention {name}"
