"""The report never crashes, never prints nan/inf, and gives the same output twice.

Regression tests of issue 12 (items 4, 5, 7 and 8): a base without kept
transactions is refused before any section runs; a company with only a
transactions table gets a report whose sections run or say why they are missing;
``$`` and other mathtext characters in ids and names do not break the charts;
undefined ratios are shown as an explained dash; two builds on the same data are
identical, whatever the order of the sections.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from html import unescape

import pandas as pd
import pytest

from clientalytics.clientbase import TABLES, ClientBase
from clientalytics.datasets import load_sample
from clientalytics.datasets._sample import sample_folder
from clientalytics.exceptions import ClientalyticsError, DataQualityWarning
from clientalytics.report import EmptyBaseError, ReportSection, build_report, write_report
from clientalytics.report.build import SectionBuilder, default_builders, render_page
from clientalytics.report.inputs import ReportInputs, report_inputs
from clientalytics.report.model import DASH, number_text, table_to_html
from clientalytics.report.sections import clv as clv_section

#: Text that must never appear in a table cell or a sentence of the report.
BAD_TOKEN = re.compile(r"(?<![\w-])(nan|NaN|inf|-inf|Infinity|None|NaT)(?![\w-])")


def _text_of(page: str) -> str:
    """The page without its embedded images (base64 can hold any letters)."""
    return re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', page)


def _bad_tokens(page: str) -> list[str]:
    text = _text_of(page)
    return [text[max(0, m.start() - 120) : m.end() + 20] for m in BAD_TOKEN.finditer(text)]


def _raw_tables() -> dict[str, pd.DataFrame]:
    folder = sample_folder()
    frames = {}
    for name in TABLES:
        with (folder / f"{name}.csv").open("r", encoding="utf-8") as handle:
            frames[name] = pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])
    return frames


def _subset(tables: dict[str, pd.DataFrame], clients: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The sample restricted to some clients, with references kept consistent."""
    keep = set(clients)
    out = {}
    for name, frame in tables.items():
        if "client_id" in frame.columns:
            frame = frame[frame["client_id"].isin(keep)]
        out[name] = frame.reset_index(drop=True)
    out["clients"] = out["clients"].assign(referred_by=None)
    out["contracts"] = out["contracts"].assign(renewal_of=None)
    dims = out["survey_dimensions"]
    out["survey_dimensions"] = dims[dims["response_id"].isin(out["surveys"]["response_id"])]
    return out


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return _raw_tables()


@pytest.fixture(scope="module")
def small(raw) -> dict[str, pd.DataFrame]:
    return _subset(raw, raw["clients"]["client_id"].head(60))


def _base(tables: dict[str, pd.DataFrame], **options) -> ClientBase:
    with warnings.catch_warnings():
        # references to a table not supplied are reported as data-quality warnings
        warnings.simplefilter("ignore", DataQualityWarning)
        return ClientBase(**tables, mode="lenient", **options)


def _build(base: ClientBase) -> tuple[str, list[ReportSection]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return build_report(base)


# ---------------------------------------------------------------- determinism (item 7)


def _grab(into: list[ReportInputs]) -> SectionBuilder:
    def grab(_base: ClientBase, inputs: ReportInputs) -> ReportSection:
        into.append(inputs)
        return ReportSection(title="end", key="end")

    return grab


@pytest.fixture(scope="module")
def sample_report() -> tuple[ClientBase, str, list[ReportSection], ReportInputs]:
    """The sample company's report, built once, with the inputs its sections shared."""
    base = load_sample()
    seen: list[ReportInputs] = []
    page, sections = build_report(base, builders=[*default_builders(), _grab(seen)])
    return base, page, sections[:-1], seen[0]


def test_report_is_the_same_twice_and_in_any_section_order(sample_report):
    """Same data, same report, whatever the order the sections are built in: no section
    writes anything another reads, and the redistribution solver is limited by work."""
    base, _, sections1, _ = sample_report
    _, sections2 = build_report(base, builders=default_builders()[::-1])
    assert [s.key for s in sections2] == [s.key for s in sections1][::-1]
    by_key = {s.key: s for s in sections2}
    assert [s.summary for s in sections1] == [by_key[s.key].summary for s in sections1]
    text1 = [_text_of("".join(s.blocks)) for s in sections1]
    text2 = [_text_of("".join(by_key[s.key].blocks)) for s in sections1]
    assert text1 == text2
    reordered = [by_key[s.key] for s in sections1]
    page1 = render_page(sections1, title="Client base report", subtitle=repr(base))
    assert render_page(reordered, title="Client base report", subtitle=repr(base)) == page1
    managers = "".join(by_key["managers"].blocks)
    assert re.search(r"status (optimal|node_limit)", managers)


def test_report_shows_equity_by_rfm_segment(sample_report):
    """The CLV section, built before the segmentation section, breaks equity down by the
    RFM segments (it used to fall back to relation to the firm, as the segments were
    stored by the later section)."""
    _, page, sections, inputs = sample_report
    clv = "".join(next(s for s in sections if s.key == "clv").blocks)
    assert "Customer equity by segment" in clv
    assert "Customer equity by relation to the firm" not in clv
    assert inputs.clv is not None and inputs.segments is not None
    equity = inputs.clv["clv"].groupby(inputs.segments.astype(str)).sum()
    table = clv.split("Customer equity by segment", 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr>(.*?)</tr>", table):
        cells = [unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        if cells:
            shown = float(cells[2].replace(",", ""))
            assert shown == pytest.approx(equity[cells[0]], abs=0.006)
    assert len(re.findall(r"<tr>", table)) == len(equity) + 1
    assert f"{equity.sum():,.2f}" in clv
    assert clv in page


# ---------------------------------------------------------------- no traceback (item 5)


def test_write_report_refuses_a_base_without_transactions(tmp_path):
    base = load_sample()
    base.transactions = base.transactions.iloc[0:0]
    calls = []

    def builder(_base: ClientBase, _inputs: ReportInputs) -> ReportSection:
        calls.append("ran")
        return ReportSection(title="never", key="never")

    out = tmp_path / "report.html"
    with pytest.raises(EmptyBaseError, match=r"transactions: no transaction was kept") as info:
        write_report(base, out, builders=[builder])
    assert isinstance(info.value, ClientalyticsError)
    assert "28,149 transaction rows" in str(info.value)
    assert calls == []
    assert not out.exists()


def test_report_of_a_company_with_only_transactions(raw):
    """No managers, contracts, touchpoints, requests, spend or surveys: no crash."""
    tx = _subset(raw, raw["clients"]["client_id"].head(80))["transactions"]
    assert {"manager_id", "contract_id"} <= set(tx.columns)
    base = _base({"transactions": tx})
    assert len(base.transactions) == len(tx)
    page, sections = _build(base)
    by_key = {s.key: s for s in sections}
    assert list(by_key) == [
        "data-quality",
        "clv",
        "segmentation",
        "retention",
        "marketing",
        "managers",
        "service",
    ]
    for section in sections:
        assert section.blocks, section.key
    assert "No managers table" in "".join(by_key["managers"].blocks)
    service = "".join(by_key["service"].blocks)
    assert "No requests recorded." in service and "No contracts recorded." in service
    marketing = "".join(by_key["marketing"].blocks)
    assert f"ROI {DASH} (no marketing spend recorded)" in marketing
    assert _bad_tokens(page) == []


def test_mathtext_characters_in_ids_and_names_do_not_break_the_charts(raw):
    tables = _subset(raw, raw["clients"]["client_id"].head(60))

    def dollar(column: pd.Series) -> pd.Series:
        return column.where(column.isna(), "$" + column.astype(str) + "^_\\$")

    for name, frame in tables.items():
        for col in ("manager_id", "client_id", "channel", "acquisition_channel", "region"):
            if col in frame.columns:
                tables[name] = frame = frame.assign(**{col: dollar(frame[col])})
    base = _base(tables)
    assert base.managers["manager_id"].str.startswith("$").all()
    assert base.clients["client_id"].str.endswith("^_\\$").all()
    page, sections = _build(base)
    text = "".join("".join(s.blocks) for s in sections)
    assert "could not be computed" not in text
    assert "$M001^_\\$" in _text_of(page)  # ids shown as they are, in the tables
    assert page.count("<img") >= 10


# ---------------------------------------------------------------- no nan / inf (item 8)


def _degenerate(raw: dict[str, pd.DataFrame], case: str) -> dict[str, pd.DataFrame]:
    small = _subset(raw, raw["clients"]["client_id"].head(60))
    tx = small["transactions"]
    if case == "no spend":
        return {**small, "marketing_spend": small["marketing_spend"].iloc[0:0]}
    if case == "one client":
        return _subset(raw, ["C00003"])
    if case == "single month":
        return {**small, "transactions": tx[tx["date"].str.startswith("2025-12")]}
    if case == "one order each":
        return {**small, "transactions": tx.sort_values("date").drop_duplicates("client_id")}
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["no spend", "one client", "single month", "one order each"])
def test_degenerate_bases_report_without_nan_or_inf(raw, case):
    base = _base(_degenerate(raw, case))
    page, sections = _build(base)
    assert _bad_tokens(page) == []
    for section in sections:
        for line in section.summary:
            assert not BAD_TOKEN.search(line), (section.key, line)
    if case == "no spend":
        marketing = next(s for s in sections if s.key == "marketing")
        assert f"ROI {DASH} (no marketing spend recorded)" in marketing.summary[0]
    if case == "single month":
        retention = next(s for s in sections if s.key == "retention")
        assert "No complete quarter with clients active" in "".join(retention.blocks)


def test_undefined_cells_are_an_explained_dash():
    frame = pd.DataFrame(
        {"nrr": [1.25, float("nan")], "roi": [float("inf"), 0.5], "name": ["a", None]},
        index=pd.Index(["2024Q1", "2024Q2"], name="period"),
    )
    page = table_to_html(frame, undefined={"nrr": "no revenue in the base period"})
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert cells == ["2024Q1", "1.25", DASH, "a", "2024Q2", DASH, "0.5000", DASH]
    assert f"{DASH} = not defined. nrr: no revenue in the base period; roi, name: no value" in page
    assert "nan" not in page and "inf" not in page
    assert "not defined" not in table_to_html(frame.iloc[:0])
    assert number_text(float("nan"), ".0%", "no spend") == f"{DASH} (no spend)"
    assert number_text(0.254, ".0%", "no spend") == "25%"


# ---------------------------------------------------------------- credit notes (item 4)


def test_a_credit_note_excludes_one_client_from_the_spend_model_not_the_section(small):
    tables = {k: v.copy() for k, v in small.items()}
    tx = tables["transactions"]
    client = "C00001"
    mine = tx[tx["client_id"] == client].sort_values("date")
    revenue = mine["revenue"].astype(float)
    first_day = revenue[mine["date"] == mine["date"].iloc[0]].sum()
    # a credit note on the day of the last order, larger than all repeat revenue but
    # smaller than the client's total revenue (which validation requires)
    amount = revenue.sum() - first_day / 2
    note = mine.iloc[[-1]].assign(
        transaction_id="T-CREDIT", revenue=f"{-amount:.2f}", variable_cost="0"
    )
    tables["transactions"] = pd.concat([tx, note], ignore_index=True)
    base = _base(tables)
    assert "T-CREDIT" in set(base.transactions["transaction_id"])
    assert base.rejections.empty
    inputs = report_inputs(base)
    section = clv_section.build_section(base, inputs)
    html = "".join(section.blocks)
    assert "could not be computed" not in html and "Gamma-Gamma p=" in html
    assert "1 client(s) whose repeat purchases net to zero or less" in html
    assert f"<td>{client}</td>" in html
    clv = inputs.clv
    assert isinstance(clv, pd.DataFrame)
    assert clv.loc[client, "clv"] == 0.0
    assert clv.loc[client, "expected_value_per_purchase"] == 0.0
    others = clv.drop(index=client)
    # the others keep a model-based value (negative only for loss-making margins)
    assert others["clv"].notna().all() and (others["clv"] > 0).sum() > len(others) // 2
    assert (others["expected_value_per_purchase"] > 0).all()
    assert section.summary[0].startswith("1 client(s) valued at 0")
