"""Survey records."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest

from clientalytics.records import SurveyResponse


def test_dimension_scores_are_bounded():
    with pytest.raises(pydantic.ValidationError, match=r"dimensions\.punctuality\.perceived_score"):
        SurveyResponse(
            response_id="S",
            client_id="C",
            surveyed_at=date(2024, 1, 1),
            dimensions={"punctuality": {"expected_score": 5, "perceived_score": 10.5}},
        )
