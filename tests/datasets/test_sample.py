"""The bundled sample company."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clientalytics.clientbase import TABLES
from clientalytics.datasets import load_sample, write_sample
from clientalytics.datasets._sample import read_sample_folder
from clientalytics.schema import SCHEMAS
from tests.datasets._helpers import END

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"


# --------------------------------------------------------------------------- regeneration
@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The sample written twice into fresh folders."""
    first = tmp_path_factory.mktemp("sample_a")
    second = tmp_path_factory.mktemp("sample_b")
    return write_sample(first), write_sample(second)


def test_regenerated_sample_is_byte_reproducible(regenerated):
    first, second = regenerated
    assert [p.name for p in first] == [f"{t}.csv" for t in TABLES]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes().endswith(b"\n")


def test_regenerated_sample_reads_back_as_the_generated_company(regenerated, company):
    sample = read_sample_folder(regenerated[0][0].parent)
    assert sample.observation_end == END
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(sample, name).reset_index(drop=True),
            getattr(company, name).reset_index(drop=True),
            check_dtype=False,
        )
    text = (regenerated[0][0].parent / "clients.csv").read_text(encoding="utf-8")
    assert "ООО «" in text  # Cyrillic names survive the round trip


# --------------------------------------------------------------------------- committed files
def test_committed_sample_files_are_regenerated_byte_for_byte(tmp_path):
    written = write_sample(tmp_path)
    assert [p.name for p in written] == [f"{t}.csv" for t in TABLES]
    for path in written:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_load_sample_equals_generated_company(company):
    sample = load_sample()
    assert sample.observation_end == END
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(sample, name).reset_index(drop=True),
            getattr(company, name).reset_index(drop=True),
            check_dtype=False,
        )


def test_sample_readme_describes_every_column():
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        assert f"{name}.csv" in readme
        for col in schema.column_names:
            assert f"`{col}`" in readme, (name, col)
