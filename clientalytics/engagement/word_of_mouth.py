"""Word of mouth: referrals the firm's clients actually brought, by NPS group.

:func:`referrals_by_nps` measures word of mouth from the clients table: a client
whose ``referred_by`` names another client is one referral of that client.
Referrals per client are counted overall and by NPS group (promoters 9-10,
passives 7-8, detractors 0-6, from each client's latest NPS answer), with the
share of clients who referred anyone and its Wilson interval.

:func:`word_of_mouth_reach` is a textbook illustration, not a measurement: it
multiplies survey respondents by the rule of thumb that an unhappy client tells
about ten people and a happy one two or three. Its output is the rule played
back on the response counts; the firm's data does not say how many people were
told.
"""

from __future__ import annotations

import pandas as pd

from clientalytics.engagement.satisfaction import nps_category
from clientalytics.exceptions import ValidationError
from clientalytics.periods import CALENDAR_TIME_UNITS, TimeUnit, check_time_unit, period_floor
from clientalytics.report.intervals import wilson_interval
from clientalytics.schema import require

#: Groups of :func:`referrals_by_nps`, in order.
REFERRAL_GROUPS = ["all", "promoter", "passive", "detractor", "no_answer"]

#: Columns of :func:`referrals_by_nps`.
REFERRAL_COLUMNS = [
    "nps_group",
    "n_clients",
    "n_referrals",
    "referrals_per_client",
    "n_referring",
    "share_referring",
    "share_referring_low",
    "share_referring_high",
    "small_group",
]


def referrals_by_nps(
    clients: pd.DataFrame,
    surveys: pd.DataFrame | None = None,
    *,
    min_clients: int = 30,
) -> pd.DataFrame:
    """Referrals per client, overall and by the NPS group of the client's latest answer.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients table with ``client_id`` and ``referred_by`` (the client who
        brought this one; missing when nobody did). A referrer id not in the
        table is not counted.
    surveys : pandas.DataFrame, optional
        Survey answers (``client_id``, ``surveyed_at``, ``nps_score``); each
        client's latest answer with an NPS score sets its group. Without
        surveys only the ``"all"`` row is returned.
    min_clients : int
        Groups with fewer clients get ``small_group = True``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REFERRAL_COLUMNS`, rows in :data:`REFERRAL_GROUPS` order
        (``"no_answer"``: clients without an NPS answer): ``n_clients``,
        ``n_referrals`` (clients they brought), ``referrals_per_client``,
        ``n_referring`` (clients who brought at least one), ``share_referring``
        with its Wilson 95 % interval, ``small_group``. An association of the
        latest score with referrals over the whole window: a referral may
        precede the answer.

    Raises
    ------
    ValidationError
        ``clients`` lacks ``client_id`` or ``referred_by``.
    """
    require(clients, "clients", ["client_id", "referred_by"])
    ids = clients["client_id"].astype(str)
    referrer = clients["referred_by"].astype("string")
    counts = referrer[referrer.notna() & referrer.isin(ids)].astype(str).value_counts()
    per_client = pd.Series(counts.reindex(ids).fillna(0).to_numpy(dtype=int), index=ids.to_numpy())
    group = pd.Series("no_answer", index=per_client.index, dtype=object)
    if surveys is not None:
        require(surveys, "surveys", ["client_id", "surveyed_at", "nps_score"])
        answered = surveys[surveys["nps_score"].notna()]
        latest = (
            answered.assign(client_id=answered["client_id"].astype(str))
            .sort_values("surveyed_at", kind="stable")
            .groupby("client_id")["nps_score"]
            .last()
        )
        category = nps_category(latest)
        known = category.reindex(group.index)
        group = known.where(known.notna(), "no_answer").astype(object)
    rows = []
    names = REFERRAL_GROUPS if surveys is not None else ["all"]
    for name in names:
        part = per_client if name == "all" else per_client[(group == name).to_numpy()]
        n = len(part)
        referring = int((part > 0).sum())
        low, high = wilson_interval(referring, n)
        rows.append(
            {
                "nps_group": name,
                "n_clients": n,
                "n_referrals": int(part.sum()),
                "referrals_per_client": float(part.mean()) if n else float("nan"),
                "n_referring": referring,
                "share_referring": referring / n if n else float("nan"),
                "share_referring_low": low,
                "share_referring_high": high,
                "small_group": n < min_clients,
            }
        )
    return pd.DataFrame(rows, columns=REFERRAL_COLUMNS)


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
    """Apply the "tells ten, tells two or three" rule of thumb to survey respondents.

    A textbook illustration, not a measurement: the result is the two
    multipliers times the response counts. To measure word of mouth use
    :func:`referrals_by_nps`.

    Parameters
    ----------
    surveys : pandas.DataFrame
        Survey responses (``surveyed_at`` and the ``score`` column).
    time_unit : {"M", "Q", "Y"}
        Period length.
    told_by_unhappy, told_by_happy : float
        People each unhappy / happy client is assumed to tell (defaults 10 and
        2.5, the rule of thumb; not estimated from the data).
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
