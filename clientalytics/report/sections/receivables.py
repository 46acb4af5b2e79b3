"""Report section: receivables at the observation end, their aging and the largest debtors.

Shown only for a company that supplied invoices (:func:`applies`): a base without
them gets the report it got before, without this section.
"""

from __future__ import annotations

import math

import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.receivables import (
    AGING_BUCKETS,
    DSO_DAYS,
    days_sales_outstanding,
    payment_discipline,
    receivables_aging,
)
from clientalytics.report.columns import Kind
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    heading,
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)

#: Debtors named in the headline and in the table of the largest debtors.
TOP_DEBTORS = 10

_KINDS: dict[str, Kind] = {
    "open_amount": "money",
    "overdue_amount": "money",
    "overdue_share": "share",
    "debt_share": "share",
    "late_share": "share",
    "mean_days_late": "days",
    "max_days_overdue": "days",
    "dso": "days",
    "n_invoices": "count",
}


def applies(base: ClientBase) -> bool:
    """Whether the section is part of the report: the base holds invoices."""
    return len(base.invoices) > 0


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Report the receivables open at the observation end and who owes them.

    Parameters
    ----------
    base : ClientBase
        The company; its ``invoices`` table is read as of ``base.observation_end``.
    inputs : ReportInputs
        Shared inputs (only the translator is used).

    Returns
    -------
    ReportSection
        With ``facts`` ``receivables_open``, ``receivables_overdue``,
        ``receivables_debtors`` (clients with an open amount) and
        ``receivables_top_share`` (share of the open amount owed by the
        :data:`TOP_DEBTORS` largest debtors; NaN when there are that few debtors or
        fewer).
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.receivables"), key="receivables")
    if not applies(base):
        section.blocks.append(paragraph(tr("unlock.invoices")))
        return section
    at = base.observation_end
    date = tr.date(at)
    whole = receivables_aging(base.invoices, at=at, by_client=False)
    total = {str(name): float(value) for name, value in whole.iloc[0].items()}
    n_invoices, n_clients = int(total["n_invoices"]), int(total["n_clients"])
    section.blocks.append(
        paragraph(
            tr(
                "recv.population",
                date=date,
                n_invoices=tr.count(n_invoices),
                n_clients=tr.count(n_clients),
                billed=tr.money(float(total["billed"])),
            )
        )
    )
    open_total = float(total["open_amount"])
    if open_total <= 0:
        section.blocks.append(paragraph(tr("recv.nothing_open", date=date)))
        section.facts.update(receivables_open=0.0, receivables_overdue=0.0)
        section.summary = [f"receivables: none open at {at.date()} ({n_invoices} invoices)"]
        return section
    overdue = float(total["overdue_amount"])
    debtors = int(total["n_debtors"])
    aging = receivables_aging(base.invoices, at=at)
    owed = aging[aging["open_amount"] > 0]
    top_share = math.nan
    values = {
        "date": date,
        "open": tr.money(open_total),
        "overdue": tr.money(overdue),
        "share": tr.percent(overdue / open_total),
        "debtors": tr.count(debtors),
    }
    if debtors > TOP_DEBTORS:
        top_share = float(owed["open_amount"].head(TOP_DEBTORS).sum()) / open_total
        lead = tr("recv.lead", **values, top=tr.count(TOP_DEBTORS), top_share=tr.percent(top_share))
    else:
        lead = tr("recv.lead_few", **values, top=tr.count(TOP_DEBTORS))
    section.blocks.append(paragraph(lead))
    firm = float(days_sales_outstanding(base.invoices, at=at, by_client=False)["dso"].iloc[0])
    section.blocks.append(
        paragraph(
            tr(
                "recv.dso",
                days=tr.count(DSO_DAYS),
                dso=number_text(
                    firm, tr.number(firm), tr("recv.undefined.no_sales", days=DSO_DAYS)
                ),
            )
        )
    )
    section.blocks.append(how_computed(tr, tr("recv.how", date=date, days=DSO_DAYS)))

    section.blocks.append(heading(tr("recv.aging")))
    buckets = pd.DataFrame(
        {
            "bucket": list(AGING_BUCKETS),
            "open_amount": [float(total[b]) for b in AGING_BUCKETS],
            "share": [float(total[b]) / open_total for b in AGING_BUCKETS],
        }
    )
    section.blocks.append(
        table_to_html(
            buckets,
            tr,
            name="receivables-aging",
            index=False,
            kinds={"open_amount": "money", "share": "share", "bucket": "text"},
            terms={"bucket": "aging_bucket"},
        )
    )

    section.blocks.append(heading(tr("recv.debtors", n=tr.count(min(debtors, TOP_DEBTORS)))))
    card = payment_discipline(base.invoices, at=at)
    top = owed.head(TOP_DEBTORS)
    shown = pd.DataFrame(
        {
            "open_amount": top["open_amount"],
            "debt_share": top["open_amount"] / open_total,
            "overdue_amount": top["overdue_amount"],
            "max_days_overdue": card["max_days_overdue"].reindex(top.index).astype(float),
            "n_invoices": top["n_invoices"],
            "late_share": card["late_share"].reindex(top.index),
            "mean_days_late": card["mean_days_late"].reindex(top.index),
            "dso": card["dso"].reindex(top.index),
        },
        index=top.index,
    )
    if "name" in base.clients and base.clients["name"].notna().any():
        names = base.clients.set_index(base.clients["client_id"].astype(str))["name"]
        shown.insert(0, "client_name", names.reindex(shown.index).to_numpy())
    shown.index.name = "client_id"
    no_paid = tr("recv.undefined.no_paid")
    section.blocks.append(
        table_to_html(
            shown,
            tr,
            name="largest-debtors",
            kinds=_KINDS,
            undefined={
                "late_share": no_paid,
                "mean_days_late": no_paid,
                "dso": tr("recv.undefined.no_sales", days=DSO_DAYS),
            },
        )
    )
    section.facts.update(
        receivables_open=open_total,
        receivables_overdue=overdue,
        receivables_top_share=top_share,
        receivables_debtors=float(debtors),
    )
    section.summary = [
        f"receivables at {at.date()}: {tr.money(open_total)} open, {tr.money(overdue)} overdue "
        f"({overdue / open_total:.1%}), {debtors} debtor(s)"
    ]
    return section
