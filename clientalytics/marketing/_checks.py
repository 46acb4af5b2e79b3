"""Value checks shared by the marketing modules (columns: :func:`clientalytics.schema.require`).

Each check raises :class:`~clientalytics.exceptions.ValidationError` with a
message naming the table, the column, how many rows are affected and a few
example values, so the analyst knows what to fix. They guard the functions that
take raw tables; :func:`~clientalytics.marketing.analysis.analyse_marketing`
takes a validated :class:`~clientalytics.clientbase.ClientBase` and runs none.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError


def _examples(values: Iterable[object], limit: int = 3) -> str:
    shown = [repr(v) for v in list(values)[:limit]]
    return ", ".join(shown)


def require_finite(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise if a numeric column holds missing, non-numeric or infinite values."""
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        bad = ~np.isfinite(values.to_numpy())
        if bad.any():
            raise ValidationError(
                f"{table}: column {col!r} has {int(bad.sum())} missing or non-finite value(s), "
                f"e.g. {_examples(frame.loc[bad, col])}"
            )


def require_non_negative(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise if a numeric column holds negative values."""
    for col in columns:
        bad = frame[col].astype("float64") < 0
        if bad.any():
            raise ValidationError(
                f"{table}: column {col!r} has {int(bad.sum())} negative value(s), "
                f"e.g. {_examples(frame.loc[bad, col])}"
            )


def require_dates(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``columns`` as datetimes; raise on unparsable values.

    Missing values stay missing (callers decide whether they are allowed).
    """
    out = frame.copy()
    for col in columns:
        parsed = pd.to_datetime(out[col], errors="coerce")
        bad = parsed.isna() & out[col].notna()
        if bad.any():
            raise ValidationError(
                f"{table}: column {col!r} has {int(bad.sum())} value(s) that are not dates, "
                f"e.g. {_examples(out.loc[bad, col])}"
            )
        out[col] = parsed
    return out


def require_no_missing(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise if any of ``columns`` has missing values."""
    for col in columns:
        bad = frame[col].isna()
        if bad.any():
            raise ValidationError(
                f"{table}: column {col!r} has {int(bad.sum())} missing value(s) "
                f"(rows {_examples(frame.index[bad])})"
            )


def client_ids(values: pd.Series) -> pd.Series:
    """Return client identifiers as strings (the library's id convention)."""
    return values.astype("string").astype(object)
