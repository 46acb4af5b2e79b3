"""Named RFM segments: a validated rule map and the assignment of one segment per client.

A :class:`SegmentMap` is an ordered list of :class:`SegmentRule` s, each an
inclusive range of R, F and M scores. The first rule a client matches names its
segment; a client matching none gets the map's ``fallback`` ("Other"). Maps are
pydantic models, so an analyst can keep their own in a dict, JSON or YAML file.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

ScoreRange = tuple[int, int]


class SegmentRule(BaseModel):
    """One named segment as inclusive ranges of R, F and M scores.

    Attributes
    ----------
    name : str
        Segment name shown in tables and plots.
    r, f, m : (int, int)
        Inclusive ``(low, high)`` score ranges; the default ``None`` accepts any score.
    action : str
        What to do with the segment (shown in the segment summary).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    r: ScoreRange | None = None
    f: ScoreRange | None = None
    m: ScoreRange | None = None
    action: str = ""

    @model_validator(mode="after")
    def _ranges_ordered(self) -> SegmentRule:
        for dim in ("r", "f", "m"):
            bounds = getattr(self, dim)
            if bounds is not None and not 1 <= bounds[0] <= bounds[1]:
                raise ValueError(
                    f"rule {self.name!r}: {dim} range {bounds} must satisfy 1 <= low <= high"
                )
        return self


class SegmentMap(BaseModel):
    """Ordered rules turning RFM scores into named segments (first match wins).

    Attributes
    ----------
    bins : int
        Score scale the rules are written for (scores run 1..bins).
    rules : list of SegmentRule
        Rules in priority order.
    fallback : str
        Segment of a client no rule matches.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    bins: int = Field(default=5, ge=2)
    rules: list[SegmentRule] = Field(min_length=1)
    fallback: str = Field(default="Other", min_length=1)

    @model_validator(mode="after")
    def _ranges_within_scale(self) -> SegmentMap:
        for rule in self.rules:
            for dim in ("r", "f", "m"):
                bounds = getattr(rule, dim)
                if bounds is not None and bounds[1] > self.bins:
                    raise ValueError(
                        f"rule {rule.name!r}: {dim} range {bounds} exceeds bins={self.bins}"
                    )
        return self

    @property
    def segment_names(self) -> list[str]:
        """Distinct segment names in rule order, then the fallback."""
        names = list(dict.fromkeys(rule.name for rule in self.rules))
        return names + ([self.fallback] if self.fallback not in names else [])

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> SegmentMap:
        """Build and validate a map from a plain dict (e.g. parsed JSON or YAML).

        Raises
        ------
        ValidationError
            When the config breaks the model; the message lists each problem.
        """
        try:
            return cls.model_validate(config)
        except PydanticValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'map'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ValidationError(f"segment map: {problems}") from exc

    @classmethod
    def from_json(cls, text: str) -> SegmentMap:
        """Build a map from a JSON document (see :meth:`from_dict`)."""
        try:
            config = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"segment map: invalid JSON ({exc})") from exc
        return cls.from_dict(config)

    @classmethod
    def from_yaml(cls, text: str) -> SegmentMap:
        """Build a map from a YAML document (needs PyYAML; see :meth:`from_dict`)."""
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "reading a segment map from YAML needs PyYAML: pip install pyyaml"
            ) from exc
        try:
            config = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValidationError(f"segment map: invalid YAML ({exc})") from exc
        if not isinstance(config, dict):
            raise ValidationError(
                f"segment map: the YAML document must be a mapping, got {type(config).__name__}"
            )
        return cls.from_dict(config)


def _rule(name: str, r: ScoreRange, f: ScoreRange, action: str) -> SegmentRule:
    return SegmentRule(name=name, r=r, f=f, action=action)


#: The built-in map: the widely used R x F grid on a 1-5 scale. It covers all 25
#: (R, F) cells, so with 5 bins no client falls to "Other"; M is left free.
DEFAULT_SEGMENT_MAP = SegmentMap(
    bins=5,
    rules=[
        _rule("Champions", (5, 5), (4, 5), "Reward, ask for referrals, offer new services first."),
        _rule("Loyal", (3, 4), (4, 5), "Upsell higher-value services; keep the account manager."),
        _rule("Potential Loyalist", (4, 5), (2, 3), "Offer a contract or a loyalty programme."),
        _rule("New", (5, 5), (1, 1), "Onboard well: first-shipment follow-up, explain services."),
        _rule("Promising", (4, 4), (1, 1), "Build the relationship: second-order offer."),
        _rule("Need Attention", (3, 3), (3, 3), "Personal contact; time-limited offer."),
        _rule("About to Sleep", (3, 3), (1, 2), "Remind of the service; share useful news."),
        _rule("Can't Lose Them", (1, 2), (5, 5), "Win back personally; find out what changed."),
        _rule("At Risk", (1, 2), (3, 4), "Reactivation call and a tailored offer."),
        _rule("Lost", (1, 1), (1, 1), "Low effort; include only in broad campaigns."),
        _rule("Hibernating", (1, 2), (1, 2), "Occasional reactivation offers; watch the cost."),
    ],
)


#: Names of the default map's segments in Russian, as Russian-speaking analysts
#: call them (``lang="ru"`` of :func:`rfm_segments`).
SEGMENT_NAMES_RU: dict[str, str] = {
    "Champions": "Чемпионы",
    "Loyal": "Лояльные",
    "Potential Loyalist": "Потенциально лояльные",
    "New": "Новые",
    "Promising": "Перспективные",
    "Need Attention": "Требуют внимания",
    "About to Sleep": "Засыпающие",
    "At Risk": "Под угрозой ухода",
    "Can't Lose Them": "Нельзя потерять",
    "Hibernating": "Спящие",
    "Lost": "Потерянные",
    "Other": "Прочие",
}


def _in_range(scores: pd.Series, bounds: ScoreRange | None) -> np.ndarray:
    values = scores.to_numpy()
    if bounds is None:
        return np.ones(len(values), dtype=bool)
    return (values >= bounds[0]) & (values <= bounds[1])


def rfm_segments(
    scores: pd.DataFrame,
    *,
    bins: int,
    segment_map: SegmentMap | dict[str, Any] | None = None,
    lang: Literal["en", "ru"] = "en",
) -> pd.Series:
    """Assign every client exactly one named segment from its R, F and M scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`rfm_scores` (needs integer columns ``R``, ``F``, ``M``).
    bins : int
        Scale of the scores (they run ``1..bins``): the ``bins`` they were scored
        with. It must be the scale the map is written for, so a map for 1-5 scores
        is never applied to 1-3 scores.
    segment_map : SegmentMap or dict, optional
        Rules to apply; a dict is validated with :meth:`SegmentMap.from_dict`.
        Defaults to :data:`DEFAULT_SEGMENT_MAP` (``bins=5``).
    lang : {"en", "ru"}
        Language of the segment names: ``"ru"`` names the default map's segments
        as in :data:`SEGMENT_NAMES_RU` (a name it does not list is kept as is).

    Returns
    -------
    pandas.Series
        Named ``segment``, indexed like ``scores``, an ordered categorical whose
        categories are the map's segment names (rule order, then the fallback).

    Raises
    ------
    ValidationError
        Missing score columns, scores outside ``1..bins``, a map written for
        another ``bins``, or an invalid map.

    Notes
    -----
    Rules are tried in order and the first match wins; a client no rule matches
    gets ``segment_map.fallback``. Hence each client has exactly one segment and the
    segment counts add up to the number of clients.
    """
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ValidationError(f"bins must be an integer >= 2, got {bins!r}")
    chosen = DEFAULT_SEGMENT_MAP if segment_map is None else segment_map
    if isinstance(chosen, dict):
        chosen = SegmentMap.from_dict(chosen)
    if int(bins) != chosen.bins:
        raise ValidationError(
            f"scores are on a 1..{bins} scale but the segment map is written for "
            f"bins={chosen.bins}; pass a map with bins={bins}"
        )
    require(scores, "scores", ["R", "F", "M"], hint="pass the rfm_scores output")
    for col in ("R", "F", "M"):
        values = pd.to_numeric(scores[col], errors="coerce")
        bad = values.isna() | (values < 1) | (values > bins)
        if bad.any():
            raise ValidationError(
                f"scores: column {col!r} has {int(bad.sum())} value(s) outside 1..{bins} "
                f"(e.g. {scores.loc[bad, col].head(3).tolist()}); pass the bins the scores "
                f"were made with and a map written for that scale"
            )
    labels = np.full(len(scores), chosen.fallback, dtype=object)
    unassigned = np.ones(len(scores), dtype=bool)
    for rule in chosen.rules:
        hit = (
            unassigned
            & _in_range(scores["R"], rule.r)
            & _in_range(scores["F"], rule.f)
            & _in_range(scores["M"], rule.m)
        )
        labels[hit] = rule.name
        unassigned &= ~hit
    names = chosen.segment_names
    if lang == "ru":
        labels = np.array([SEGMENT_NAMES_RU.get(v, v) for v in labels], dtype=object)
        names = list(dict.fromkeys(SEGMENT_NAMES_RU.get(v, v) for v in names))
    elif lang != "en":
        raise ValidationError(f"lang must be 'en' or 'ru', got {lang!r}")
    categories = pd.CategoricalDtype(names, ordered=True)
    return pd.Series(labels, index=scores.index, name="segment").astype(categories)
