"""Monthly marketing and sales spend of the synthetic company.

Acquisition spend per channel follows the clients (and prospects) that channel
brought in, at the channel's cost per acquisition with noise; exhibitions are
paid in the two exhibition months of the year for the clients they bring over
the next half year. Retention and development spend follows the number of active
clients (programme members for the loyalty programme).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import CompanyCore, id_width, padded_ids, to_str_series
from clientalytics.datasets.transactions import PurchaseHistory

#: Calendar months (1-12) in which exhibitions are paid for.
EXHIBITION_MONTHS = (3, 10)


def marketing_table(
    core: CompanyCore,
    history: PurchaseHistory,
    channel: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Build the ``marketing_spend`` table (columns of ``schema.MARKETING_SPEND``)."""
    months = pd.date_range(core.start, core.end - pd.Timedelta(days=1), freq="MS")
    if len(months) == 0 or months[0] != core.start.replace(day=1):
        months = months.insert(0, core.start.replace(day=1))
    month_start = np.array([(m - core.start).days for m in months], dtype=np.float64)
    month_start = np.maximum(month_start, 0.0)
    n_months = len(months)
    # Month of acquisition: first order for buyers, first contact for prospects.
    won_day = np.where(history.n_orders > 0, history.first_day, np.floor(core.first_contact))
    won_month = np.searchsorted(month_start, won_day, side="right") - 1
    counts = np.zeros((n_months, len(V.ACQUISITION_CHANNELS)))
    np.add.at(counts, (won_month, channel), 1.0)

    periods: list[pd.Timestamp] = []
    names: list[str] = []
    purposes: list[str] = []
    segments: list[str | None] = []
    amounts: list[float] = []
    exhibition = V.ACQUISITION_CHANNELS.index("exhibitions")
    for c, name in enumerate(V.ACQUISITION_CHANNELS):
        cpa = V.COST_PER_ACQUISITION[c]
        if cpa == 0:
            continue
        for i, month in enumerate(months):
            if c == exhibition:
                if month.month not in EXHIBITION_MONTHS:
                    continue
                clients = counts[i : i + 6, c].sum()
            else:
                clients = counts[i, c]
            amount = (cpa * clients + 150.0) * rng.lognormal(0.0, 0.25)
            periods.append(month)
            names.append(name)
            purposes.append("acquisition")
            segments.append(None)
            amounts.append(amount)

    for i, month in enumerate(months):
        day = month_start[i]
        active = (
            (history.first_day >= 0) & (history.first_day <= day + 30) & (history.last_day >= day)
        )
        members = active & core.programme
        for name, purpose, segment, base, per_client in V.RETENTION_LINES:
            if name == "client_events" and month.month not in (6, 12):
                continue
            base_clients = members.sum() if name == "loyalty_programme" else active.sum()
            scale = 3.0 if name == "client_events" else 1.0
            amount = (base + per_client * scale * base_clients) * rng.lognormal(0.0, 0.15)
            periods.append(month)
            names.append(name)
            purposes.append(purpose)
            segments.append(segment)
            amounts.append(amount)

    frame = pd.DataFrame(
        {
            "period": pd.Series(pd.DatetimeIndex(periods), dtype="datetime64[ns]"),
            "channel": to_str_series(names),
            "purpose": to_str_series(purposes),
            "target_segment": to_str_series(np.array(segments, dtype=object)),
            "amount": np.round(np.array(amounts), 2),
        }
    )
    frame = frame.sort_values("period", kind="stable").reset_index(drop=True)
    k = len(frame)
    frame.insert(0, "spend_id", to_str_series(padded_ids("MS", np.arange(1, k + 1), id_width(k))))
    return frame
