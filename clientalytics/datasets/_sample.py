"""The bundled sample company: writing it as CSV files and reading it back.

The sample is ``generate_company(1000, 3, seed=0)`` saved as one CSV file per
table in ``data/samples/`` (installed as ``clientalytics/datasets/_sample_company``).
Run ``python -m clientalytics.datasets.sample [folder]`` to regenerate the files.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from clientalytics._folder import unescape_formulas
from clientalytics.clientbase import TABLES, ClientBase
from clientalytics.datasets.company import build_sample_base, generate_company

#: Arguments of :func:`generate_company` that produce the sample.
SAMPLE_N_CLIENTS = 1000
SAMPLE_YEARS = 3
SAMPLE_SEED = 0
SAMPLE_START = "2023-01-01"
#: Observation end of the sample company.
SAMPLE_OBSERVATION_END = pd.Timestamp(SAMPLE_START) + pd.DateOffset(years=SAMPLE_YEARS)

_PACKAGED = "_sample_company"
_REPO_FOLDER = Path(__file__).resolve().parents[2] / "data" / "samples"


def write_sample(path: str | Path) -> list[Path]:
    """Generate the sample company and write one ``<table>.csv`` per table into ``path``.

    Parameters
    ----------
    path : str or Path
        Destination folder, created if needed. Existing table files are replaced.

    Returns
    -------
    list of Path
        The files written, in table order. Money (RUB) has two decimals, dates are ISO
        (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM:SS``) and lines end with a newline, so
        the same code writes byte-identical files.
    """
    base = generate_company(SAMPLE_N_CLIENTS, SAMPLE_YEARS, seed=SAMPLE_SEED, start=SAMPLE_START)
    folder = Path(path)
    base.to_folder(folder, file_format="csv")
    return [folder / f"{name}.csv" for name in TABLES]


def sample_folder() -> Traversable:
    """Folder holding the sample CSV files: the installed copy, else the repository's.

    Raises
    ------
    FileNotFoundError
        If neither the packaged copy nor ``data/samples`` in the source tree exists.
    """
    packaged = resources.files("clientalytics.datasets") / _PACKAGED
    if packaged.is_dir() and (packaged / "transactions.csv").is_file():
        return packaged
    if (_REPO_FOLDER / "transactions.csv").is_file():
        return _REPO_FOLDER
    raise FileNotFoundError(
        f"sample files not found: neither the packaged folder {_PACKAGED!r} nor "
        f"{str(_REPO_FOLDER)!r} holds transactions.csv; regenerate them with "
        "`python -m clientalytics.datasets.sample`"
    )


def load_sample() -> ClientBase:
    """Load the bundled sample company (1,000 clients, 2023-2025, seed 0).

    Returns
    -------
    ClientBase
        The ten tables read from the sample CSV files, validated strictly, with
        ``observation_end`` 2026-01-01. Equal, table by table, to
        ``generate_company(1000, 3, seed=0)``.

    Examples
    --------
    >>> base = load_sample()
    >>> len(base.clients)
    1000
    """
    return read_sample_folder(sample_folder())


def read_sample_folder(folder: Traversable | Path) -> ClientBase:
    """Read sample-format CSV files (as :func:`write_sample` writes them) from ``folder``.

    Parameters
    ----------
    folder : Traversable or Path
        Folder holding one ``<table>.csv`` per table.

    Returns
    -------
    ClientBase
        The tables validated strictly, with the sample's observation end.

    Raises
    ------
    FileNotFoundError
        If a table file is missing.
    """
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        entry = folder / f"{name}.csv"
        if not entry.is_file():
            raise FileNotFoundError(f"sample table file {name}.csv is missing from {folder}")
        with entry.open("r", encoding="utf-8") as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])
        # The files are written by ClientBase.to_folder, which escapes formula-like cells.
        frames[name] = unescape_formulas(frame)
    return build_sample_base(frames, SAMPLE_OBSERVATION_END)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the sample files (into ``data/samples`` or the folder given)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else _REPO_FOLDER
    for written in write_sample(folder):
        print(written)
    return 0
