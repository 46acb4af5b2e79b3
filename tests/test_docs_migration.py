"""docs/migrating-from-lifetimes.md: its examples run, and every name it maps exists."""

from __future__ import annotations

import inspect
import re
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "migrating-from-lifetimes.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```$", TEXT, flags=re.S | re.M)

#: lifetimes calls the guide must map (the ones migrating code uses most)
REQUIRED = [
    "lifetimes.utils.summary_data_from_transaction_data",
    "lifetimes.utils.calibration_and_holdout_data",
    "lifetimes.BetaGeoFitter.fit",
    "lifetimes.BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time",
    "lifetimes.BetaGeoFitter.conditional_probability_alive",
    "lifetimes.GammaGammaFitter.conditional_expected_average_profit",
    "lifetimes.GammaGammaFitter.customer_lifetime_value",
    "lifetimes.plotting.plot_period_transactions",
    "lifetimes.plotting.plot_calibration_purchases_vs_holdout_purchases",
    "lifetimes.plotting.plot_frequency_recency_matrix",
    "lifetimes.plotting.plot_probability_alive_matrix",
    "lifetimes.plotting.plot_cumulative_transactions",
    *(
        f"lifetimes.{name}"
        for name in (
            "BetaGeoFitter",
            "ModifiedBetaGeoFitter",
            "ParetoNBDFitter",
            "BetaGeoBetaBinomFitter",
            "GammaGammaFitter",
        )
    ),
]


def _section(title: str) -> str:
    match = re.search(rf"^## {title}\n(.*?)(?=^## )", TEXT, flags=re.S | re.M)
    assert match, f"the guide has no section '## {title}'"
    return match.group(1)


def _rows(section: str) -> list[list[str]]:
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def _code(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _resolve(dotted: str) -> object:
    """Import the longest importable module prefix of ``dotted``, then getattr the rest."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


CALL_ROWS = _rows(_section("Calls mapped"))
DOTTED = sorted(
    {
        name
        for row in CALL_ROWS
        for cell in row
        for name in re.findall(r"\b((?:lifetimes|clientalytics)(?:\.\w+)+)", cell)
    }
)


@pytest.mark.slow
@pytest.mark.skipif(
    pd.__version__ >= "3",
    reason="the guide runs lifetimes 0.11.3, whose calibration_and_holdout_data fails on pandas 3",
)
def test_every_python_block_runs_in_order(capsys):
    """The page's examples, executed top to bottom in one namespace, as a reader would."""
    assert len(BLOCKS) >= 8
    namespace: dict[str, object] = {"__name__": "migration_guide"}
    for number, block in enumerate(BLOCKS, start=1):
        exec(compile(block, f"{DOC.name}, python block {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "lifetimes.BetaGeoFitter" in printed
    assert "standard_error" in printed and "se(coef)" in printed


def test_every_row_maps_a_lifetimes_name_to_ours():
    assert len(CALL_ROWS) >= 20
    for theirs, ours, _notes in CALL_ROWS:
        assert _code(theirs) and _code(theirs)[0].startswith("lifetimes."), theirs
        assert _code(ours) and _code(ours)[0].startswith("clientalytics."), ours


def test_the_common_calls_are_mapped():
    mapped = {_code(row[0])[0] for row in CALL_ROWS}
    assert sorted(set(REQUIRED) - mapped) == []


@pytest.mark.parametrize("dotted", DOTTED)
def test_mapped_name_exists(dotted):
    assert _resolve(dotted) is not None


def _parameters(*functions: object) -> set[str]:
    return {name for f in functions for name in inspect.signature(f).parameters}


def test_parameter_names_exist_on_both_sides():
    """Every parameter name in the renaming table is a parameter (or a fitted name)."""
    import lifetimes
    from lifetimes import utils

    import clientalytics as ca
    from clientalytics import clv

    theirs = _parameters(
        utils.summary_data_from_transaction_data,
        utils.calibration_and_holdout_data,
        lifetimes.BetaGeoFitter.fit,
        lifetimes.BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time,
        lifetimes.BetaGeoBetaBinomFitter.fit,
        lifetimes.BetaGeoBetaBinomFitter.conditional_probability_alive,
        lifetimes.GammaGammaFitter.customer_lifetime_value,
    ) | {"v"}
    ours = _parameters(
        ca.summarize,
        ca.calibration_holdout_split,
        clv.BetaGeoModel.fit,
        clv.BetaGeoModel.expected_purchases,
        clv.customer_lifetime_value,
    ) | {"gamma", "T", "time_unit_"}
    rows = _rows(_section("Parameter names that differ"))
    assert len(rows) >= 10
    for their_cell, our_cell, _notes in rows:
        for side, cell in (("lifetimes", their_cell), ("clientalytics", our_cell)):
            names = [c.rstrip("=") for c in _code(cell) if not c.startswith('"')]
            assert names or cell == "—", cell
            for name in names:
                assert name in (theirs if side == "lifetimes" else ours), (side, name)
