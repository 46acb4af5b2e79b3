"""Access to the published reference data files bundled in ``datasets/_published_data``."""

from __future__ import annotations

from importlib import resources

import pandas as pd

_FOLDER = "_published_data"


def read_published(name: str, **read_csv: object) -> pd.DataFrame:
    """Read one bundled reference CSV file with :func:`pandas.read_csv`.

    Raises
    ------
    FileNotFoundError
        When the installed package lacks the file.
    """
    entry = resources.files("clientalytics.datasets") / _FOLDER / name
    if not entry.is_file():
        raise FileNotFoundError(
            f"the reference data file {name!r} is missing from clientalytics/datasets/{_FOLDER}"
        )
    with entry.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, **read_csv)  # type: ignore[call-overload]
