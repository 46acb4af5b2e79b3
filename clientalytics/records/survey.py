"""The survey response record: NPS, CSAT and expected-vs-perceived dimension scores."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, field_validator

from clientalytics._parsing import coerce_value
from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import Count, FiniteFloat, RecordId, Timestamp
from clientalytics.schema import SURVEY_DIMENSIONS, SURVEYS, TableSchema

__all__ = ["DimensionScore", "SurveyResponse"]

#: Name of a service dimension (the ``dimension`` column of ``survey_dimensions``).
DimensionName = str


class DimensionScore(Record):
    """Expected and perceived score (0-10) of one service dimension.

    One row of the ``survey_dimensions`` table without its key: ``response_id``
    comes from the enclosing :class:`SurveyResponse` and ``dimension`` is the key
    of :attr:`SurveyResponse.dimensions`.
    """

    table_schema: ClassVar[TableSchema] = SURVEY_DIMENSIONS
    key_columns: ClassVar[tuple[str, ...]] = ("response_id", "dimension")

    expected_score: FiniteFloat = column_field(SURVEY_DIMENSIONS, "expected_score")
    perceived_score: FiniteFloat = column_field(SURVEY_DIMENSIONS, "perceived_score")

    @property
    def gap(self) -> float:
        """Perceived minus expected score (negative: the service fell short)."""
        return self.perceived_score - self.expected_score


class SurveyResponse(Record):
    """One satisfaction survey response (``surveys`` table) with its dimension scores.

    ``nps_score`` is 0-10 and ``csat_score`` 1-5. ``dimensions`` maps a service
    dimension name to its :class:`DimensionScore`; in table form these are the rows
    of ``survey_dimensions`` with this ``response_id``.

    Examples
    --------
    >>> r = SurveyResponse(response_id="S1", client_id="C1", surveyed_at="2024-05-02",
    ...                    nps_score=9, dimensions={"punctuality": {"expected_score": 9,
    ...                                                             "perceived_score": 7}})
    >>> r.dimensions["punctuality"].gap
    -2.0
    """

    table_schema: ClassVar[TableSchema] = SURVEYS
    child_fields: ClassVar[tuple[str, ...]] = ("dimensions",)

    response_id: RecordId = column_field(SURVEYS, "response_id")
    client_id: RecordId = column_field(SURVEYS, "client_id")
    surveyed_at: Timestamp = column_field(SURVEYS, "surveyed_at")
    nps_score: Count | None = column_field(SURVEYS, "nps_score")
    csat_score: Count | None = column_field(SURVEYS, "csat_score")
    dimensions: dict[DimensionName, DimensionScore] = Field(
        default_factory=dict,
        description="Scores per service dimension (rows of survey_dimensions).",
    )

    @field_validator("dimensions", mode="before")
    @classmethod
    def _read_dimension_names(cls, value: Any) -> Any:
        """Read the names as the ``dimension`` column is read; refuse names that then repeat."""
        if not isinstance(value, dict):
            return value
        column = SURVEY_DIMENSIONS.column("dimension")
        named: dict[str, Any] = {}
        for raw, score in value.items():
            try:
                name = coerce_value(raw, column, table=SURVEY_DIMENSIONS.name)
            except ValueError as exc:
                raise ValueError(f"dimension name {raw!r}: {exc}") from None
            if name in named:
                raise ValueError(f"dimension {name!r} repeats (as {raw!r})")
            named[name] = score
        return named

    def dimension_rows(self) -> list[dict[str, object]]:
        """Return the ``survey_dimensions`` rows of this response, in dict order."""
        return [
            {"response_id": self.response_id, "dimension": name, **score.to_row()}
            for name, score in self.dimensions.items()
        ]
