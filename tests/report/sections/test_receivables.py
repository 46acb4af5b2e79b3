"""The receivables report section on a hand-built company, and its absence without invoices."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics import ClientBase
from clientalytics.report.build import build_report, default_builders
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import report_inputs
from clientalytics.report.sections import receivables
from tests.report._html import table_after

END = "2025-12-31"


def _company(n_debtors: int = 12, *, invoices: bool = True) -> ClientBase:
    """Client Dk owes 1,000 x k from one invoice issued 15 Oct 2025.

    Odd k: due 14 Nov, so 47 days overdue on 31 Dec; even k: due 30 Jan 2026, not yet
    due. Client P paid its 5,000 invoice (issued 1 Sep) ten days late.
    """
    ids = [f"D{k:02d}" for k in range(1, n_debtors + 1)]
    clients = pd.DataFrame(
        {"client_id": [*ids, "P"], "name": [f"ООО «Клиент {c}»" for c in [*ids, "P"]]}
    )
    transactions = pd.DataFrame(
        {
            "transaction_id": [f"t{c}" for c in [*ids, "P"]],
            "client_id": [*ids, "P"],
            "date": ["2025-10-15"] * n_debtors + ["2025-09-01"],
            "revenue": [1000.0 * k for k in range(1, n_debtors + 1)] + [5000.0],
            "variable_cost": [700.0 * k for k in range(1, n_debtors + 1)] + [3500.0],
        }
    )
    table = pd.DataFrame(
        {
            "invoice_id": [f"СЧ-{c}" for c in [*ids, "P"]],
            "client_id": [*ids, "P"],
            "transaction_id": [f"t{c}" for c in [*ids, "P"]],
            "issued_date": ["2025-10-15"] * n_debtors + ["2025-09-01"],
            "due_date": ["2025-11-14" if k % 2 else "2026-01-30" for k in range(1, n_debtors + 1)]
            + ["2025-10-01"],
            "paid_date": [None] * n_debtors + ["2025-10-11"],
            "amount": [1000.0 * k for k in range(1, n_debtors + 1)] + [5000.0],
        }
    )
    return ClientBase(
        clients=clients,
        transactions=transactions,
        invoices=table if invoices else None,
        observation_end=END,
    )


@pytest.fixture(scope="module")
def base() -> ClientBase:
    return _company()


def _html(base: ClientBase, lang: str = "en") -> tuple[str, receivables.ReportSection]:
    inputs = report_inputs(base, tr=Translator(lang))
    section = receivables.build_section(base, inputs)
    return "".join(section.blocks), section


def test_headline_states_the_population_and_the_top_debtors_share(base):
    html, section = _html(base)
    assert section.key == "receivables"
    assert (
        "Population: the 13 invoices issued by Dec 31, 2025 to 13 clients, ₽83,000 billed in "
        "total; amounts as invoiced, VAT included." in html
    )
    # open: 1,000 x (1 + ... + 12) = 78,000; overdue: the odd k, 36,000 = 46.2 %;
    # the top 10 leave out D01 and D02: 75,000 / 78,000 = 96.2 %
    assert (
        "Open receivables on Dec 31, 2025: ₽78,000 including VAT, of which ₽36,000 overdue "
        "(46.2%), owed by 12 clients; the top 10 debtors hold 96.2% of it." in html
    )
    # credit sales of the last 90 days (after 2 Oct): the 78,000 of 15 Oct; P's is older
    assert "Days sales outstanding (DSO) over the last 90 days: 90." in html
    assert section.facts["receivables_open"] == 78_000.0
    assert section.facts["receivables_overdue"] == 36_000.0
    assert section.facts["receivables_top_share"] == pytest.approx(75 / 78)
    assert section.facts["receivables_debtors"] == 12.0


def test_aging_and_debtor_tables(base):
    html, _ = _html(base)
    aging = table_after(html, "Aging of receivables")
    assert aging.headings == ["Age of the debt", "Open amount", "Share"]
    assert aging.column("Age of the debt") == [
        "Not yet due",
        "1–30 days overdue",
        "31–60 days overdue",
        "61–90 days overdue",
        "Over 90 days overdue",
    ]
    assert [float(v) for v in aging.column("Open amount", raw=True)] == [
        42_000.0,
        0.0,
        36_000.0,
        0.0,
        0.0,
    ]
    debtors = table_after(html, "The 10 largest debtors")
    assert debtors.column("Client")[:3] == ["D12", "D11", "D10"]
    assert len(debtors.texts) == 10
    assert debtors.column("Client name")[0] == "ООО «Клиент D12»"
    assert [float(v) for v in debtors.column("Overdue", raw=True)[:2]] == [0.0, 11_000.0]
    assert debtors.column("Longest overdue, days")[:2] == ["0", "47"]


def test_the_russian_section_speaks_of_receivables_and_overdue_debt(base):
    html, section = _html(base, "ru")
    assert section.title == "Дебиторская задолженность и платёжная дисциплина"
    text = html.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Дебиторская задолженность на 31 дек. 2025 г. — 78 000 ₽ с НДС" in text
    assert "из неё просрочено 36 000 ₽ (46,2 %). Должников: 12" in text
    assert "на 10 крупнейших приходится 96,2 % задолженности" in text
    assert "Просрочка 31–60 дней" in text


def test_few_debtors_are_not_ranked():
    html, section = _html(_company(3))
    # open 1,000 + 2,000 + 3,000; overdue D01 and D03: 4,000 of 6,000
    assert (
        "Open receivables on Dec 31, 2025: ₽6,000 including VAT, of which ₽4,000 overdue "
        "(66.7%), owed by only 3 clients – too few to compare a top 10." in html
    )
    assert "The 3 largest debtors" in html
    assert section.facts["receivables_top_share"] != section.facts["receivables_top_share"]


def test_the_section_joins_the_report_only_for_a_base_with_invoices(base):
    bare = _company(invoices=False)
    assert bare.invoices.empty and not receivables.applies(bare)
    assert default_builders(bare) == default_builders()
    assert default_builders(base) == [*default_builders(), receivables.build_section]


def test_a_base_without_invoices_builds_the_same_page():
    bare = _company(invoices=False)
    when = pd.Timestamp("2026-01-02 10:00", tz="UTC").to_pydatetime()
    page, sections = build_report(bare, lang="en", generated_at=when)
    before, _ = build_report(bare, lang="en", generated_at=when, builders=default_builders())
    assert page == before
    assert "receivables" not in [s.key for s in sections]
    with_invoices, shown = build_report(_company(), lang="en", generated_at=when)
    assert shown[-1].key == "receivables"
    assert "Receivables and payment discipline" in with_invoices
    assert "Receivables and payment discipline" not in page
    # the executive summary names the overdue debt only when the section exists
    finding = (
        "On Dec 31, 2025 clients owe ₽78,000 in open invoices; ₽36,000 of it (46%) is "
        "overdue, spread over 12 debtors."
    )
    assert finding in with_invoices.split('id="data-quality"')[0]
    assert "in open invoices" not in page
    # the data overview lists the invoices table only when it was supplied
    listed = table_after(page, "Rows per table").column("Table")
    assert "invoices" not in listed and "marketing spend" in listed
    assert "invoices" in table_after(with_invoices, "Rows per table").column("Table")
