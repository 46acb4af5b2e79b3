"""The report opens in a real browser: every section visible, nothing logged as an error."""

import shutil

import pandas as pd
import pytest

from clientalytics import ClientBase
from clientalytics.report import write_report
from clientalytics.report.build import default_builders

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _tiny_base():
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
    write_report(_tiny_base(), path, builders=default_builders()[:1])
    page = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Beta &amp; Co" in page


@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason="chromium not installed")
def test_every_section_is_visible_and_the_page_logs_no_error(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from clientalytics.datasets import load_sample

    path = tmp_path / "report.html"
    sections = write_report(load_sample(), path)
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
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_window_size(1280, 900)
        driver.get(path.as_uri())
        for section in sections:
            element = driver.find_element(By.ID, section.key)
            assert element.is_displayed(), section.key
            heading = element.find_element(By.TAG_NAME, "h2")
            assert heading.text == section.title
        images = driver.find_elements(By.CSS_SELECTOR, "img.chart")
        assert images, "the report shows no chart"
        for image in images:
            assert driver.execute_script("return arguments[0].naturalWidth", image) > 0
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
