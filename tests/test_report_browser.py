"""The report in a real browser (headless Chromium): layout, charts, sorting, no error.

Checks, at 1400 px and 390 px wide: no element is wider than the viewport and the
page does not scroll sideways; every section is present with its heading and a link
in the navigation; every chart is rendered; the console logs no error; a click on a
heading sorts the table and a second click reverses it; "show all" opens a collapsed
table; the page loads nothing from the network.
"""

from __future__ import annotations

import re
import shutil
import warnings

import pandas as pd
import pytest

from clientalytics import ClientBase
from clientalytics.exceptions import DataQualityWarning
from clientalytics.report import build_report, write_report
from clientalytics.report.build import default_builders

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None, reason="chromium not installed"
)

#: Elements sticking out of the viewport (getBoundingClientRect), as text.
OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > width + 1 || r.left < -1) {
    out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' +
             Math.round(r.right));
  }
}
return [document.documentElement.scrollWidth, width, out.slice(0, 10)];
"""


def _tiny_base() -> ClientBase:
    clients = pd.DataFrame(
        {"client_id": ["a", "b"], "name": ["<script>alert(1)</script>", "Beta & Co"]}
    )
    tx = pd.DataFrame(
        {
            "transaction_id": ["t1", "t2", "t3", "t4"],
            "client_id": ["a", "a", "b", "b"],
            "date": ["2024-01-01", "2024-03-01", "2024-02-01", "2024-06-01"],
            "revenue": [100.0, 80.0, 50.0, 70.0],
            "variable_cost": [60.0, 40.0, 30.0, 20.0],
        }
    )
    return ClientBase(clients=clients, transactions=tx, observation_end="2024-06-30")


def test_report_escapes_data_strings(tmp_path):
    path = tmp_path / "report.html"
    write_report(_tiny_base(), path, builders=default_builders()[:1], lang="en")
    page = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Beta &amp; Co" in page


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The sample company's report in English and in Russian."""
    from clientalytics.datasets import load_sample

    folder = tmp_path_factory.mktemp("browser")
    base = load_sample()
    out = {}
    for lang in ("en", "ru"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            page, sections = build_report(base, lang=lang)
        path = folder / f"report-{lang}.html"
        path.write_text(page, encoding="utf-8")
        out[lang] = (path, sections, page)
    return out


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_the_page_loads_nothing_from_the_network(reports):
    for _path, _sections, page in reports.values():
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        assert "<link" not in page


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_layout_sections_charts_sorting_and_no_error(reports, lang):
    from selenium.webdriver.common.by import By

    path, sections, _ = reports[lang]
    driver = _driver()
    try:
        for width in (1400, 390):
            driver.set_window_size(width, 900)
            driver.get(path.as_uri())
            scroll, client, wide = driver.execute_script(OVERFLOW_JS)
            assert wide == [] and scroll <= client, (width, scroll, client, wide)
            links = [
                a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")
            ]
            for section in sections:
                element = driver.find_element(By.ID, section.key)
                assert element.find_element(By.TAG_NAME, "h2").text == section.title
                assert any(link.endswith(f"#{section.key}") for link in links), section.key
            images = driver.find_elements(By.CSS_SELECTOR, "img.chart")
            assert len(images) >= 10
            for image in images:
                driver.execute_script("arguments[0].scrollIntoView()", image)
                assert driver.execute_script(
                    "return arguments[0].complete && arguments[0].naturalWidth", image
                ), image.get_attribute("alt")
        # sorting: the retention table by its "active at the start" column
        driver.set_window_size(1400, 900)
        driver.get(path.as_uri())
        table = driver.find_element(By.CSS_SELECTOR, "#retention table.sortable")
        heads = table.find_elements(By.CSS_SELECTOR, "thead th")
        column = next(i for i, h in enumerate(heads) if h.get_attribute("data-kind") == "count")

        def values() -> list[float]:
            return [
                float(v)
                for v in driver.execute_script(
                    "return Array.from(arguments[0].tBodies[0].rows).map("
                    "r => r.cells[arguments[1]].getAttribute('data-v'))",
                    table,
                    column,
                )
                if v != ""
            ]

        driver.execute_script("arguments[0].click()", heads[column])
        assert values() == sorted(values()) and len(values()) > 3
        driver.execute_script("arguments[0].click()", heads[column])
        assert values() == sorted(values(), reverse=True)
        # "show all" opens a collapsed table
        box = driver.find_element(By.CSS_SELECTOR, ".tbl.collapsible")
        hidden = [r for r in box.find_elements(By.CSS_SELECTOR, "tr.extra") if not r.is_displayed()]
        assert hidden
        driver.execute_script(
            "arguments[0].click()", box.find_element(By.CSS_SELECTOR, "button.more")
        )
        assert all(r.is_displayed() for r in box.find_elements(By.CSS_SELECTOR, "tr.extra"))
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
