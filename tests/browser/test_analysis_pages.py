"""The scoping calculator and the needs-analysis app in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.browser.conftest import (
    Page,
    VoilaServer,
    assert_clean,
    download,
    open_app,
    upload,
    wait_for_charts,
)
from tests.conftest import SAMPLES


def test_scoping_calculator(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, "/voila/render/scoping_calculator.ipynb")
    verdict = page.locator(".tpo-verdict-box")
    page.wait_for_selector(".tpo-verdict")
    wait_for_charts(page, 2)
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
    fte = page.locator(".tpo-site .tpo-number input").first
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

    book = openpyxl.load_workbook(download(page, "Brief (xlsx)", tmp_path))
    assert len(book.sheetnames) >= 2
    saved = download(page, "Profile (YAML)", tmp_path)
    assert "prospect:" in saved.read_text()
    assert page.locator("a[download]").count() == 0  # no link left behind to go stale


def test_needs_analysis(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, "/voila/render/needs_analysis.ipynb")
    assert_clean(page)

    big = tmp_path / "employees.csv"
    big.write_bytes(b"employee_id,site\n" + b"1,x\n" * (11 * 1024 * 1024 // 4))
    upload(page, "Upload data", big)
    page.wait_for_selector(".tpo-msg-error")
    assert "the limit is 10 MB" in page.inner_text(".tpo-msg-error")
    page.screenshot_to("needs_too_big")

    upload(page, "Upload data", *sorted((SAMPLES / "growing_healthcare/data").glob("*.csv")))
    page.wait_for_selector(".tpo-msg-ok", timeout=120_000)
    assert "Manila" in page.inner_text(".tpo-needs-results")
    # The button says it is reading while the kernel reads, then shows its label, no "(5)".
    page.wait_for_function(
        "() => document.querySelector('button.tpo-upload-button').innerText === 'Upload data'"
    )
    wait_for_charts(page, 2)
    assert_clean(page)
    page.screenshot_to("needs_analysis")
    book = openpyxl.load_workbook(download(page, "Tables (xlsx)", tmp_path))
    assert "Priorities" in book.sheetnames
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "claims_specialist" not in cells and "ci_low" not in cells  # words, as on screen

    # A failed upload after a good one greys the results out and says why.
    bad = tmp_path / "employees.csv"
    bad.write_bytes(b"garbage,,,\n1,2,3,4\n")
    upload(page, "Upload data", bad)
    page.wait_for_selector(".tpo-needs-results.tpo-stale")
    message = page.inner_text(".tpo-msg-error")
    assert "no column for employees.employee_id" in message and "greyed out" in message
    page.screenshot_to("needs_failed_upload")
