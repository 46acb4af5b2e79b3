"""Monthly marketing and sales spend of the synthetic company.

Amounts are in the currency of the orders and scale with the firm: every line is
a multiple of the company's mean monthly revenue (fixed costs such as the call
team, always-on search ads, the industry-portal subscription or an exhibition
stand) or of the monthly revenue of an average active client (the cost of each
client a channel brings in, the spend per active or programme client). For a
carrier with 1-2 bn a year of revenue the total comes to 1.5-2.5 % of revenue,
depending on how many clients it wins each year against the base it keeps.

Acquisition spend per channel follows the clients (and prospects) that channel
brought in, at the channel's cost per acquisition with noise; exhibitions are
paid in the two exhibition months of the year for the clients they bring over
the next half year; referrals cost a bonus per referred client. Retention and
development spend follows the number of active clients (programme members for
the loyalty programme).

The cost settings are inputs: an analysis of the generated data that reports the
acquisition cost per client by channel or marketing spend as a share of revenue
reads :data:`ACQUISITION_COSTS` and :data:`RETENTION_COSTS` back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.datasets import _vocab as V
from clientalytics.datasets._core import CompanyCore, id_width, padded_ids, to_str_series
from clientalytics.datasets._interactions import mean_order_value
from clientalytics.datasets.transactions import PurchaseHistory

#: Calendar months (1-12) in which exhibitions are paid for.
EXHIBITION_MONTHS = (3, 10)
#: Acquisition cost per channel: fixed monthly cost as a share of the company's mean
#: monthly revenue (for exhibitions: per exhibition month), and the cost of one client
#: brought in, in months of revenue of an average active client.
ACQUISITION_COSTS: dict[str, tuple[float, float]] = {
    "cold_calls": (0.0010, 0.25),  # call team and lead lists
    "search_ads": (0.0006, 0.22),  # always-on search campaigns plus clicks per lead
    "industry_portal": (0.0003, 0.15),  # ATI.SU-type portal subscription and placements
    "website": (0.0002, 0.06),  # site upkeep and search optimisation
    "exhibitions": (0.0120, 0.45),  # stand at a transport exhibition, travel, follow-up
    "referral": (0.0, 0.10),  # bonus to the referring client
}
#: Retention and development lines: (channel, purpose, target segment, fixed monthly
#: share of the mean monthly revenue, cost per active client (programme member for
#: the loyalty programme) in months of revenue of an average active client).
RETENTION_COSTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("loyalty_programme", "retention", "programme members", 0.0001, 0.0025),
    ("client_events", "retention", "key accounts", 0.0, 0.01),
    ("account_reviews", "retention", "all clients", 0.0001, 0.0008),
    ("cross_sell_campaigns", "development", "all clients", 0.0001, 0.0012),
    ("new_service_promotion", "development", "innovators", 0.0001, 0.0006),
)
#: Months (1-12) of the client events (summer party, New Year).
EVENT_MONTHS = (6, 12)


def _active(history: PurchaseHistory, day: np.ndarray) -> np.ndarray:
    """Clients active in the month starting at each day: shape ``(n_months, n_clients)``."""
    first, last = history.first_day[None, :], history.last_day[None, :]
    return (first >= 0) & (first <= day[:, None] + 30) & (last >= day[:, None])


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
    # Scale: expected revenue of the window per month, and per active client-month.
    revenue = float((history.n_orders * mean_order_value(core)).sum())
    monthly_revenue = revenue / max(core.horizon / 30.4375, 1.0)
    active = _active(history, month_start)
    n_active = active.sum(axis=1)
    client_month = monthly_revenue / max(float(n_active.mean()), 1.0)
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
    for c, name in enumerate(V.ACQUISITION_CHANNELS):
        fixed, per_client = ACQUISITION_COSTS.get(name, (0.0003, 0.2))
        for i, month in enumerate(months):
            if name == "exhibitions":
                if month.month not in EXHIBITION_MONTHS:
                    continue
                clients = counts[i : i + 6, c].sum()
            else:
                clients = counts[i, c]
            if fixed == 0.0 and clients == 0:
                continue
            base = fixed * monthly_revenue + per_client * client_month * clients
            periods.append(month)
            names.append(name)
            purposes.append("acquisition")
            segments.append(None)
            amounts.append(base * rng.lognormal(0.0, 0.25))

    members = (active & core.programme[None, :]).sum(axis=1)
    for i, month in enumerate(months):
        for name, purpose, segment, fixed, per_client in RETENTION_COSTS:
            if name == "client_events" and month.month not in EVENT_MONTHS:
                continue
            base_clients = members[i] if name == "loyalty_programme" else n_active[i]
            base = fixed * monthly_revenue + per_client * client_month * base_clients
            periods.append(month)
            names.append(name)
            purposes.append(purpose)
            segments.append(segment)
            amounts.append(base * rng.lognormal(0.0, 0.15))

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
