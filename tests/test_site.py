"""`rbm report site`: the partners' site in a real browser (headless Chromium, from file://):
charts render, filters work, links resolve, no console error, nothing loaded from a network."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from rbm_surveys.cli import main

from framework_project import make_project

browser = pytest.importorskip("browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("site"))
    assert main(["framework", "compute", str(project / "config.yaml")]) == 0
    out = project / "site"
    assert main(["report", "site", "--register", str(project / "rbm_register.sqlite"),
                 "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def driver():
    try:
        d = browser.open_browser()
    except RuntimeError as exc:  # chromium missing: .ci/run installs it
        pytest.skip(str(exc))
    yield d
    d.quit()


def _open(driver, path: Path, charts: int = 0):
    driver.get(path.as_uri())
    deadline = time.time() + 20
    while time.time() < deadline:
        done = driver.find_elements("css selector", ".chart[data-rendered='1']")
        if len(done) >= charts:
            break
        time.sleep(0.1)
    return driver


def _marks(driver, chart_id: str) -> int:
    return len(driver.find_elements("css selector", f"#{chart_id} svg .mark-symbol path, "
                                    f"#{chart_id} svg .mark-rect path, "
                                    f"#{chart_id} svg .mark-rule line, "
                                    f"#{chart_id} svg .mark-line path, "
                                    f"#{chart_id} svg .mark-text text"))


def test_self_contained_files(site):
    assert (site / "index.html").exists() and len(list(site.glob("indicator-RF*.html"))) == 137
    for page in [site / "index.html", *site.glob("indicator-RF0*.html"), *site.glob("doc-*.html")]:
        text = page.read_text(encoding="utf-8")
        # no script, style or image from anywhere but the site's own folder
        assert not re.search(r'(src|href)="(https?:)?//', text), page.name
    for asset in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "site.js", "site.css"):
        assert (site / "assets" / asset).stat().st_size > 1000


def test_overview_renders_and_filters(site, driver):
    d = _open(driver, site / "index.html", charts=1)
    assert browser.console_errors(d) == []
    assert _marks(d, "chart-status") > 0
    rows = d.find_elements("css selector", "tr[data-row][data-status]")
    assert rows and "English titles are rbm_surveys' own translation" in d.page_source
    # filter by location (keyboard: focus the select, choose with arrow keys)
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    sel = d.find_element("id", "f-location")
    sel.send_keys(Keys.HOME)
    Select(sel).select_by_value("North")
    time.sleep(0.5)
    shown = [r for r in d.find_elements("css selector", "tr[data-row]") if r.is_displayed()]
    assert shown and all(r.get_attribute("data-location") == "North" for r in shown)
    assert "North" in d.current_url  # filter state kept in the address
    Select(d.find_element("id", "f-status")).select_by_value("on track")
    time.sleep(0.5)
    shown = [r for r in d.find_elements("css selector", "tr[data-row]") if r.is_displayed()]
    assert all(r.get_attribute("data-status") == "on track" for r in shown)
    d.find_element("id", "reset-filters").click()
    time.sleep(0.5)
    assert len([r for r in d.find_elements("css selector", "tr[data-row]")
                if r.is_displayed()]) == len(d.find_elements("css selector", "tr[data-row]"))
    assert browser.console_errors(d) == []


def test_indicator_page_charts_with_ci_and_suppressed_cells(site, driver):
    d = _open(driver, site / "indicator-RF0197.html", charts=2)
    assert browser.console_errors(d) == []
    assert _marks(d, "chart-time") > 0 and _marks(d, "chart-disagg") > 0
    assert len(d.find_elements("css selector", "#chart-disagg svg .mark-rule line")) >= 3  # CIs
    texts = [t.text for t in d.find_elements("css selector", "#chart-disagg svg .mark-text text")]
    assert any("suppressed" in t for t in texts)
    assert "伙伴城市中认为自己的土地权有保障的总成年人口比例" in d.page_source
    from selenium.webdriver.support.ui import Select

    Select(d.find_element("id", "f-year")).select_by_value("2022")
    time.sleep(0.8)
    shown = [r for r in d.find_elements("css selector", "tr[data-row]") if r.is_displayed()]
    assert shown and all(r.get_attribute("data-year") == "2022" for r in shown)
    texts = [t.text for t in d.find_elements("css selector", "#chart-disagg svg .mark-text text")]
    assert not any("suppressed" in t for t in texts)  # the suppressed cell was in 2020
    assert browser.console_errors(d) == []


def test_document_drill_down_and_links_resolve(site, driver):
    d = _open(driver, site / "indicator-RF0364.html", charts=1)
    links = [a.get_attribute("href") for a in d.find_elements("css selector", "a[href]")]
    docs = [h for h in links if "/doc-" in h]
    assert docs, "a document indicator links to its documents"
    for page in ["index.html", "indicator-RF0364.html", *[Path(urlparse(h).path).name
                                                          for h in docs]]:
        d.get((site / page).as_uri())
        for a in d.find_elements("css selector", "a[href]"):
            href = a.get_attribute("href")
            if href.startswith("file:"):
                assert Path(unquote(urlparse(href).path)).exists(), href
    d.get(Path(unquote(urlparse(docs[0]).path)).as_uri())
    report = [a.get_attribute("href") for a in d.find_elements("css selector", "a[href]")
              if "/evidence/doc-" in a.get_attribute("href")]
    assert report and Path(unquote(urlparse(report[0]).path)).exists()  # review's report
    marks = d.find_elements("css selector", "mark")
    assert [m.text for m in marks] == ["shared vision"]
    assert "reviewed" in d.page_source and browser.console_errors(d) == []
