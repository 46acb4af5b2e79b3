"""Word of mouth: how many people hear about the firm from happy and unhappy clients.

A common rule of thumb says an unhappy client tells about ten people and a happy
one two or three. Applied to the survey responses of each period, it gives the
expected number of people reached by bad and by good word of mouth, and the net
reputation reach (positive minus negative). The numbers of people told are
parameters; change them when the firm has its own estimates.
"""

from __future__ import annotations

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.periods import CALENDAR_TIME_UNITS, TimeUnit, check_time_unit, period_floor
from clientalytics.schema import require

#: Columns of :func:`word_of_mouth_reach`.
WORD_OF_MOUTH_COLUMNS = [
    "period",
    "n_responses",
    "n_unhappy",
    "n_happy",
    "negative_reach",
    "positive_reach",
    "net_reach",
]


def word_of_mouth_reach(
    surveys: pd.DataFrame,
    *,
    time_unit: TimeUnit = "Q",
    told_by_unhappy: float = 10.0,
    told_by_happy: float = 2.5,
    score: str = "nps_score",
) -> pd.DataFrame:
    """Estimate the people told by unhappy and happy respondents, per period.

    Parameters
    ----------
    surveys : pandas.DataFrame
        Survey responses (``surveyed_at`` and the ``score`` column).
    time_unit : {"M", "Q", "Y"}
        Period length.
    told_by_unhappy, told_by_happy : float
        People each unhappy / happy client tells (defaults 10 and 2.5).
    score : {"nps_score", "csat_score"}
        Score that classifies a respondent: NPS 0-6 unhappy, 9-10 happy; CSAT 1-2
        unhappy, 4-5 happy. Responses without the score are not counted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WORD_OF_MOUTH_COLUMNS`, one row per period with responses:
        ``negative_reach = n_unhappy * told_by_unhappy``, ``positive_reach =
        n_happy * told_by_happy``, ``net_reach = positive - negative``.

    Raises
    ------
    ValidationError
        Unknown time unit or score column, or negative numbers of people told.
    """
    check_time_unit(time_unit, CALENDAR_TIME_UNITS)
    if score not in ("nps_score", "csat_score"):
        raise ValidationError(f"score must be 'nps_score' or 'csat_score', got {score!r}")
    require(surveys, "surveys", [score])
    if told_by_unhappy < 0 or told_by_happy < 0:
        raise ValidationError(
            f"people told must be non-negative; got {told_by_unhappy}, {told_by_happy}"
        )
    sv = surveys[surveys[score].notna()]
    values = sv[score].astype(float)
    unhappy = values <= (6 if score == "nps_score" else 2)
    happy = values >= (9 if score == "nps_score" else 4)
    frame = pd.DataFrame(
        {"period": period_floor(sv["surveyed_at"], time_unit), "unhappy": unhappy, "happy": happy}
    )
    grouped = frame.groupby("period")
    out = pd.DataFrame(
        {
            "n_responses": grouped.size(),
            "n_unhappy": grouped["unhappy"].sum(),
            "n_happy": grouped["happy"].sum(),
        }
    ).reset_index()
    out["negative_reach"] = out["n_unhappy"] * float(told_by_unhappy)
    out["positive_reach"] = out["n_happy"] * float(told_by_happy)
    out["net_reach"] = out["positive_reach"] - out["negative_reach"]
    return out[WORD_OF_MOUTH_COLUMNS]
