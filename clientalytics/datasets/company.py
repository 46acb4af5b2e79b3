"""A whole synthetic B2B logistics company: all ten tables of the data model.

:func:`generate_company` draws one mid-size Russian freight carrier / forwarder
(about 1.2 bn RUB a year for 1,000 clients) with its clients, managers, contract
registry, orders on Russian working days, invoices and payments, contacts,
requests, marketing spend and satisfaction surveys, built so that the library's
analyses find real signal:
buy-till-you-die purchasing, gamma-gamma order values, per-client margins,
complaints before churn, happier clients staying longer, better managers keeping
clients a little longer, framework contracts lowering churn. See
``docs/datasets.md`` for the model.
"""

from __future__ import annotations

import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.datasets._clients import clients_table, managers_table, resolve_referrals
from clientalytics.datasets._contracts import contracts_table
from clientalytics.datasets._core import (
    STREAM_ATTRIBUTES,
    STREAM_INVOICES,
    STREAM_MARKETING,
    STREAM_REGISTRY,
    STREAM_REQUESTS,
    STREAM_SURVEYS,
    STREAM_TOUCHPOINTS,
    draw_core,
    streams,
)
from clientalytics.datasets._interactions import requests_table, touchpoints_table
from clientalytics.datasets._invoices import invoices_table
from clientalytics.datasets._marketing import marketing_table
from clientalytics.datasets._surveys import surveys_tables
from clientalytics.datasets.transactions import simulate_purchases
from clientalytics.schema import SCHEMAS


def _generate_tables(
    n_clients: int, years: int, *, seed: int, start: str | pd.Timestamp
) -> tuple[dict[str, pd.DataFrame], pd.Timestamp]:
    """Generate every table of the company and its observation end."""
    core = draw_core(n_clients, years, seed, start)
    transactions, history = simulate_purchases(core, seed)
    gens = streams(seed)
    attributes = gens[STREAM_ATTRIBUTES]
    channel, referrer = resolve_referrals(core, history, attributes)
    clients = clients_table(core, history, channel, referrer, attributes)
    managers = managers_table(core, attributes)
    contracts = contracts_table(core, history, gens[STREAM_REGISTRY])
    invoices = invoices_table(core, history, transactions, gens[STREAM_INVOICES])
    touchpoints = touchpoints_table(
        core, history, clients["behaviour"].to_numpy(dtype=object), gens[STREAM_TOUCHPOINTS]
    )
    requests = requests_table(core, history, touchpoints, gens[STREAM_REQUESTS])
    surveys, dimensions = surveys_tables(core, history, gens[STREAM_SURVEYS])
    spend = marketing_table(core, history, channel, gens[STREAM_MARKETING])
    tables = {
        "clients": clients,
        "managers": managers,
        "contracts": contracts,
        "transactions": transactions,
        "invoices": invoices,
        "touchpoints": touchpoints,
        "requests": requests,
        "marketing_spend": spend,
        "surveys": surveys,
        "survey_dimensions": dimensions,
    }
    for name, frame in tables.items():
        tables[name] = frame[[c for c in SCHEMAS[name].column_names if c in frame]]
    return tables, core.end


def generate_company(
    n_clients: int = 1000,
    years: int = 3,
    *,
    seed: int = 0,
    start: str | pd.Timestamp = "2023-01-01",
) -> ClientBase:
    """Generate a synthetic Russian B2B carrier / forwarder with all ten tables.

    Parameters
    ----------
    n_clients : int
        Number of clients, about 8 % of them prospects who never order. The
        default company has about 42,000-52,000 transactions (RUB, net of VAT)
        and as many invoices over three years.
    years : int
        Length of the observation window in whole years.
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives identical
        tables, and the ``transactions`` table equals
        :func:`~clientalytics.datasets.generate_transactions` for the same arguments.
    start : str or Timestamp
        First day of the window. The observation end is ``start + years`` and no
        event (order, invoice or payment, contact, request, survey, spend period)
        falls after it.

    Returns
    -------
    ClientBase
        The validated tables (``clients``, ``managers``, ``contracts``,
        ``transactions``, ``invoices``, ``touchpoints``, ``requests``, ``marketing_spend``,
        ``surveys``, ``survey_dimensions``) with exactly the columns of
        :mod:`clientalytics.schema`, and ``observation_end``.

    Examples
    --------
    >>> base = generate_company(100, 1, seed=3)
    >>> sorted(base.clients["relation_to_firm"].unique())[:2]
    ['lost', 'new']
    """
    tables, end = _generate_tables(n_clients, years, seed=seed, start=start)
    return build_sample_base(tables, end)


def build_sample_base(tables: dict[str, pd.DataFrame], end: pd.Timestamp) -> ClientBase:
    """Wrap generated (or sample-file) tables in a strictly validated :class:`ClientBase`."""
    return ClientBase(
        clients=tables["clients"],
        managers=tables["managers"],
        contracts=tables["contracts"],
        transactions=tables["transactions"],
        invoices=tables["invoices"],
        touchpoints=tables["touchpoints"],
        requests=tables["requests"],
        marketing_spend=tables["marketing_spend"],
        surveys=tables["surveys"],
        survey_dimensions=tables["survey_dimensions"],
        observation_end=end,
        mode="strict",
    )
