"""The scoping calculator and the needs-analysis app in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.browser.conftest import Page, VoilaServer, assert_clean, open_app, upload
from tests.conftest import SAMPLES


def download(page: Page, tmp_path: Path, link_text: str = "a.tpo-download") -> Path:
    link = page.locator(link_text).last
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_scoping_calculator(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, "/voila/render/scoping_calculator.ipynb")
    verdict = page.locator(".tpo-verdict-box")
    page.wait_for_selector(".tpo-verdict")
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    page.wait_for_function("() => document.querySelectorAll('.tpo-chart .marks').length >= 2")
    # Both charts share one copy of the vega bundle, fetched from the server, not inlined.
    assert sum("/tpo-assets/" in url for url in page.local) == 1
    assert_clean(page)
    # At 1280 px the charts and the KPI table fit their places: nothing is cut off or scrolls.
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.tpo-chart, .tpo-kpi-table')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)"""
    )
    assert overflowing == []
    page.screenshot_to("scoping_calculator")
    before = verdict.inner_text()

    # Tick "no KPIs defined": the verdict changes.
    page.click("text=Clear performance KPIs exist today")
    page.wait_for_function(
        "b => document.querySelector('.tpo-verdict-box').innerText !== b", arg=before
    )

    # A bad FTE shows a message next to the field.
    fte = page.locator(".tpo-site .tpo-field input").first
    remove = page.locator(".tpo-site button").first.bounding_box()
    fte.fill("-4")
    fte.press("Enter")
    page.wait_for_selector(".tpo-site .tpo-msg-error")
    assert "must be at least 1" in page.inner_text(".tpo-site .tpo-msg-error")
    # The message wraps under the FTE column; the row's Remove button stays in its column.
    assert page.locator(".tpo-site button").first.bounding_box()["x"] == remove["x"]
    assert_clean(page)
    page.screenshot_to("scoping_bad_input")
    fte.fill("38")
    fte.press("Enter")
    page.wait_for_function("() => !document.querySelector('.tpo-site .tpo-msg-error')")

    page.click("button:has-text('Brief: xlsx')")
    book = openpyxl.load_workbook(download(page, tmp_path))
    assert len(book.sheetnames) >= 2
    page.click("button:has-text('Save profile (YAML)')")
    saved = download(page, tmp_path)
    assert "prospect:" in saved.read_text()


def test_needs_analysis(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, "/voila/render/needs_analysis.ipynb")
    assert_clean(page)

    big = tmp_path / "employees.csv"
    big.write_bytes(b"employee_id,site\n" + b"1,x\n" * (11 * 1024 * 1024 // 4))
    upload(page, "Upload data", big)
    page.wait_for_selector(".tpo-msg-error")
    assert "the limit is 10 MB" in page.inner_text(".tpo-msg-error")
    page.screenshot_to("needs_too_big")

    with page.expect_file_chooser() as chooser:
        page.click("button:has-text('Upload data')")
    chooser.value.set_files(
        sorted(str(p) for p in (SAMPLES / "growing_healthcare/data").glob("*.csv"))
    )
    page.wait_for_selector(".tpo-msg-ok", timeout=120_000)
    assert "Manila" in page.inner_text(".tpo-needs-results")
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    assert_clean(page)
    page.screenshot_to("needs_analysis")
    page.click("button:has-text('Prepare xlsx')")
    book = openpyxl.load_workbook(download(page, tmp_path))
    assert "priorities" in book.sheetnames
