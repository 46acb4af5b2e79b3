"""Satisfaction surveys of the synthetic company.

Every six months the firm surveys its active clients by e-mail; about three in
ten answer within three weeks, mostly on working days in office hours (a fifth in
the evening or on a day off). Each answer carries an NPS score (0-10) and a CSAT
score (1-5) driven by the client's latent satisfaction, which is higher for
clients who stay longer, and an expected and a perceived score (0-10) for each
service dimension.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import (
    CompanyCore,
    as_datetime,
    id_width,
    padded_ids,
    to_str_series,
)
from clientalytics.datasets._interactions import WorkCalendar, place_in_calendar
from clientalytics.datasets.transactions import PurchaseHistory

#: Days between survey waves and the share of surveyed clients who answer.
WAVE_DAYS = 182
RESPONSE_RATE = 0.3
#: Days a wave stays open, and the share of answers given outside working hours.
WAVE_OPEN_DAYS = 21
OFF_HOURS_SHARE = 0.2
# Score model (inputs, not findings: an analysis of the sample that reports the mean
# CSAT, the NPS level, the expected score or which dimension falls short is reading
# these settings and ``_vocab.DIMENSION_GAP`` back).
#: NPS answer = NPS_MEAN + NPS_SLOPE x satisfaction + Normal(0, NPS_NOISE), clipped to 0-10.
NPS_MEAN, NPS_SLOPE, NPS_NOISE = 7.0, 1.6, 1.3
#: CSAT answer = CSAT_MEAN + CSAT_SLOPE x satisfaction + Normal(0, CSAT_NOISE), clipped to 1-5.
CSAT_MEAN, CSAT_SLOPE, CSAT_NOISE = 3.8, 0.7, 0.6
#: Expected score per dimension ~ Normal(EXPECTED_MEAN, EXPECTED_SD); perceived = expected
#: + the dimension's gap + PERCEIVED_SLOPE x satisfaction + Normal(0, 1).
EXPECTED_MEAN, EXPECTED_SD, PERCEIVED_SLOPE = 8.2, 0.9, 0.9


def surveys_tables(
    core: CompanyCore, history: PurchaseHistory, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the ``surveys`` and ``survey_dimensions`` tables."""
    waves = np.arange(150, core.horizon - 1, WAVE_DAYS)
    cal = WorkCalendar.of(core)
    clients: list[np.ndarray] = []
    times: list[np.ndarray] = []
    for day in waves:
        # Clients who have ordered for at least a month and ordered in the last four.
        active = (
            (history.n_orders > 0)
            & (history.first_day <= day - 30)
            & (history.last_day >= day - 120)
        )
        chosen = np.flatnonzero(active & (rng.random(core.n_clients) < RESPONSE_RATE))
        clients.append(chosen)
        k = len(chosen)
        lo = np.full(k, float(day))
        times.append(
            place_in_calendar(lo, lo + WAVE_OPEN_DAYS - 1, np.full(k, OFF_HOURS_SHARE), cal, rng)
        )
    client = np.concatenate(clients) if clients else np.zeros(0, np.int64)
    t = np.concatenate(times) if times else np.zeros(0)
    keep = t < core.horizon
    client, t = client[keep], t[keep]
    m = len(client)
    s = core.satisfaction[client]
    nps = np.clip(
        np.round(NPS_MEAN + NPS_SLOPE * s + rng.normal(0.0, NPS_NOISE, size=m)), 0, 10
    ).astype(np.int64)
    csat = np.clip(np.round(CSAT_MEAN + CSAT_SLOPE * s + rng.normal(0.0, CSAT_NOISE, size=m)), 1, 5)
    csat_values = pd.array(csat.astype(np.int64), dtype="Int64")
    csat_values[rng.random(m) < 0.05] = pd.NA  # some skip the CSAT question
    ids = to_str_series(padded_ids("S", np.arange(1, m + 1), id_width(m)))
    surveys = pd.DataFrame(
        {
            "response_id": ids,
            "client_id": to_str_series(np.array(core.client_ids)[client]),
            "surveyed_at": as_datetime(core.start, t, unit="min"),
            "nps_score": nps,
            "csat_score": csat_values,
        }
    )

    d = len(V.SURVEY_DIMENSIONS)
    expected = rng.normal(EXPECTED_MEAN, EXPECTED_SD, size=(m, d))
    perceived = (
        expected
        + V.DIMENSION_GAP
        + PERCEIVED_SLOPE * s[:, None]
        + rng.normal(0.0, 1.0, size=(m, d))
    )
    dims = pd.DataFrame(
        {
            "response_id": pd.Series(np.repeat(ids.to_numpy(), d), dtype="str"),
            "dimension": to_str_series(np.tile(np.array(V.SURVEY_DIMENSIONS), m)),
            "expected_score": np.clip(np.round(expected), 0, 10).ravel().astype(np.float64),
            "perceived_score": np.clip(np.round(perceived), 0, 10).ravel().astype(np.float64),
        }
    )
    return surveys, dims
