"""Checking and compressing the per-client summary that the CLV models are fitted on.

Buy-till-you-die models only see three numbers per client: ``frequency`` (repeat
purchase periods), ``recency`` (time from the first to the last purchase) and ``T``
(time from the first purchase to the end of observation). Many clients share the
same triple, so every likelihood is evaluated once per distinct triple and weighted
by how many clients (or how much ``sample_weight``) carry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: The columns of the client summary (:data:`clientalytics.schema.SUMMARY`) that the
#: buy-till-you-die models are fitted on.
MODEL_INPUT_COLUMNS: tuple[str, ...] = ("frequency", "recency", "T")


def _examples(values: pd.Series, mask: NDArray[np.bool_], n: int = 3) -> str:
    shown = values[mask].head(n)
    return ", ".join(f"{idx!r}: {val!r}" for idx, val in shown.items())


def check_summary(
    summary: pd.DataFrame,
    *,
    columns: Sequence[str] = MODEL_INPUT_COLUMNS,
    table: str = "summary",
    signed: Sequence[str] = (),
) -> pd.DataFrame:
    """Validate the columns of a client summary and return them as floats.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`clientalytics.summary.summarize` or any frame with the
        named columns.
    columns : sequence of str
        Columns that must be present. ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` get their domain checks.
    table : str
        Name of the table used in error messages.
    signed : sequence of str
        Columns that may be negative (e.g. ``monetary_value`` netted by credit
        notes); they must still be finite.

    Returns
    -------
    pandas.DataFrame
        The requested columns as ``float64``, same index as ``summary``.

    Raises
    ------
    ValidationError
        When a column is missing, non-numeric, non-finite, negative, when
        ``frequency`` is not a whole number, when ``recency > T``, or when a client
        with repeat purchases has ``recency == 0``.
    """
    if not isinstance(summary, pd.DataFrame):
        raise ValidationError(
            f"{table}: expected a pandas DataFrame with columns {list(columns)}, "
            f"got {type(summary).__name__}"
        )
    require(summary, table, columns)
    if len(summary) == 0:
        raise ValidationError(f"{table}: no rows to fit or score")
    out = pd.DataFrame(index=summary.index)
    for col in columns:
        raw = summary[col]
        numeric = pd.to_numeric(raw, errors="coerce")
        values = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValidationError(
                f"{table}: column '{col}' has {int(bad.sum())} missing, non-numeric or "
                f"infinite value(s), e.g. {_examples(raw, bad)}"
            )
        negative = values < 0
        if col not in signed and negative.any():
            raise ValidationError(
                f"{table}: column '{col}' has {int(negative.sum())} negative value(s), "
                f"e.g. {_examples(raw, negative)}"
            )
        out[col] = values
    if "frequency" in out:
        freq = out["frequency"].to_numpy()
        frac = freq != np.round(freq)
        if frac.any():
            raise ValidationError(
                f"{table}: column 'frequency' must count whole repeat purchases; "
                f"{int(frac.sum())} value(s) are fractional, e.g. "
                f"{_examples(summary['frequency'], frac)}"
            )
    if "recency" in out and "T" in out:
        rec = out["recency"].to_numpy()
        age = out["T"].to_numpy()
        late = rec > age * (1 + 1e-12) + 1e-12
        if late.any():
            raise ValidationError(
                f"{table}: 'recency' exceeds 'T' for {int(late.sum())} client(s), e.g. "
                f"{_examples(summary['recency'], late)} (recency is the time from the first "
                f"to the last purchase, T from the first purchase to the end of observation)"
            )
        if "frequency" in out:
            freq = out["frequency"].to_numpy()
            zero_rec = (freq > 0) & (rec <= 0)
            if zero_rec.any():
                raise ValidationError(
                    f"{table}: {int(zero_rec.sum())} client(s) have repeat purchases but "
                    f"recency 0, e.g. {_examples(summary['recency'], zero_rec)}; repeat "
                    f"purchases happen after the first one, so recency must be positive"
                )
            pos_rec = (freq == 0) & (rec > 0)
            if pos_rec.any():
                raise ValidationError(
                    f"{table}: {int(pos_rec.sum())} client(s) have no repeat purchase but "
                    f"positive recency, e.g. {_examples(summary['recency'], pos_rec)}"
                )
    return out


def check_sample_weight(sample_weight: object, n: int) -> FloatArray:
    """Return ``sample_weight`` as a validated float array of length ``n`` (ones if None).

    Raises
    ------
    ValidationError
        When the length differs from ``n`` or a weight is negative or not finite,
        or when all weights are zero.
    """
    if sample_weight is None:
        return np.ones(n, dtype=np.float64)
    w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    if w.shape[0] != n:
        raise ValidationError(f"sample_weight has {w.shape[0]} values for {n} rows")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise ValidationError(
            f"sample_weight has {int(bad.sum())} negative or non-finite value(s), "
            f"e.g. {w[bad][:3].tolist()}"
        )
    if w.sum() <= 0:
        raise ValidationError("sample_weight sums to zero: nothing to fit")
    return w


@dataclass(frozen=True)
class Compressed:
    """Distinct rows of a numeric table with their summed weights.

    Attributes
    ----------
    columns : tuple of numpy.ndarray
        One array per input column, holding the distinct rows.
    weight : numpy.ndarray
        Sum of the weights of the original rows that equal each distinct row.
    inverse : numpy.ndarray
        For each original row, the position of its distinct row.
    """

    columns: tuple[FloatArray, ...]
    weight: FloatArray
    inverse: IntArray

    @property
    def n_distinct(self) -> int:
        """Number of distinct rows."""
        return int(self.weight.shape[0])


def factorize_rows(*columns: FloatArray) -> tuple[IntArray, int]:
    """Give every distinct row of the columns an integer code (hash-based, linear time).

    Returns
    -------
    codes : numpy.ndarray
        Code of each row, ``0 .. n_distinct - 1`` in order of first appearance.
    n_distinct : int
        Number of distinct rows.
    """
    codes: IntArray | None = None
    size = 1
    for col in columns:
        # adding 0.0 turns -0.0 into 0.0 so both land in the same group
        col_codes, uniques = pd.factorize(np.asarray(col, dtype=np.float64) + 0.0)
        if codes is None:
            codes, size = col_codes.astype(np.intp), len(uniques)
            continue
        combined = codes.astype(np.int64) * len(uniques) + col_codes
        pair_codes, pair_uniques = pd.factorize(combined)
        codes, size = pair_codes.astype(np.intp), len(pair_uniques)
    assert codes is not None
    return codes, size


def compress(*columns: FloatArray, weight: FloatArray | None = None) -> Compressed:
    """Group identical rows of the given equal-length columns and sum their weights.

    Parameters
    ----------
    *columns : numpy.ndarray
        Float arrays of equal length.
    weight : numpy.ndarray, optional
        Weight of each row (ones when omitted). Rows whose group has zero total
        weight are dropped from the distinct rows and map to ``-1``.

    Returns
    -------
    Compressed
        Distinct rows, summed weights and the map back to the original rows.
    """
    n = columns[0].shape[0]
    w = np.ones(n, dtype=np.float64) if weight is None else weight
    inverse, n_distinct = factorize_rows(*columns)
    if n_distinct == n:
        first = np.arange(n, dtype=np.intp)
    else:
        first = np.full(n_distinct, n, dtype=np.intp)
        np.minimum.at(first, inverse, np.arange(n, dtype=np.intp))
    summed = np.bincount(inverse, weights=w, minlength=n_distinct)
    distinct = [np.ascontiguousarray(np.asarray(c, dtype=np.float64)[first] + 0.0) for c in columns]
    keep = summed > 0
    if not keep.all():
        remap = np.cumsum(keep) - 1
        distinct = [d[keep] for d in distinct]
        summed = summed[keep]
        inverse = np.where(keep[inverse], remap[inverse], -1)
    return Compressed(
        columns=tuple(distinct),
        weight=summed.astype(np.float64),
        inverse=inverse.astype(np.intp),
    )


class FitData:
    """Distinct client histories prepared for repeated likelihood evaluations.

    Holds the distinct ``(frequency, recency, T)`` rows (times already rescaled),
    their weights, and integer codes of the distinct values of ``frequency`` and of
    the ``(frequency, recency)`` and ``(frequency, T)`` pairs, so that terms which
    depend on fewer variables are computed once per distinct value.
    """

    def __init__(self, x: FloatArray, tx: FloatArray, T: FloatArray, w: FloatArray) -> None:
        self.x, self.tx, self.T, self.w = x, tx, T, w
        self.total = float(w.sum())
        x_codes, self.n_x = factorize_rows(x)
        self.x_codes = x_codes
        self.x_unique = np.zeros(self.n_x)
        self.x_unique[x_codes] = x
        self.x_weight = np.asarray(
            np.bincount(x_codes, weights=w, minlength=self.n_x), dtype=np.float64
        )
        self._pairs: dict[str, tuple[IntArray, FloatArray, FloatArray]] = {}

    def pairs(self, which: str) -> tuple[IntArray, FloatArray, FloatArray]:
        """Codes and distinct values of ``(frequency, recency)`` or ``(frequency, T)`` pairs."""
        if which not in self._pairs:
            other = self.tx if which == "recency" else self.T
            codes, n = factorize_rows(self.x, other)
            ux = np.zeros(n)
            uo = np.zeros(n)
            ux[codes] = self.x
            uo[codes] = other
            self._pairs[which] = (codes, ux, uo)
        return self._pairs[which]


#: Suffix of the calibration columns of :func:`clientalytics.summary.calibration_holdout_split`.
CALIBRATION_SUFFIX = "_cal"


def calibration_columns(summary: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Return ``summary`` itself, or its calibration columns renamed without ``_cal``.

    A table with all of ``columns`` is returned unchanged. A calibration/holdout
    table (the output of :func:`clientalytics.summary.calibration_holdout_split`)
    that has ``<column>_cal`` for each of them instead is returned with every
    ``*_cal`` column renamed to its base name and the holdout columns left out, so
    that models can be fitted on it directly.
    """
    if not isinstance(summary, pd.DataFrame) or all(c in summary.columns for c in columns):
        return summary
    if not all(f"{c}{CALIBRATION_SUFFIX}" in summary.columns for c in columns):
        return summary
    cal = [c for c in summary.columns if isinstance(c, str) and c.endswith(CALIBRATION_SUFFIX)]
    return summary[cal].rename(columns={c: c.removesuffix(CALIBRATION_SUFFIX) for c in cal})
