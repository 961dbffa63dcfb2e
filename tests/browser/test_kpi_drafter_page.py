"""The KPI drafter in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.browser.conftest import Page, VoilaServer, assert_clean, download, open_app, upload

APP = "/voila/render/kpi_drafter.ipynb"


def test_kpi_drafter(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, APP)
    table = page.locator(".tpo-kpi-table table")
    table.wait_for()
    assert_clean(page)
    page.screenshot_to("kpi_drafter")
    before = table.inner_text()
    assert "Ramp time" in before

    # Changing the cadence changes the detectability columns.
    page.click("button:has-text('Quarterly')")
    page.wait_for_function(
        "before => document.querySelector('.tpo-kpi-table table').innerText !== before",
        arg=before,
    )

    # On a shared screen the table explains itself: notes in the rows, no warning signs.
    assert (
        page.locator(".tpo-kpi-table tr.tpo-note-row").count()
        == page.locator(".tpo-kpi-table tbody tr:not(.tpo-note-row)").count()
    )
    assert "⚠" not in before and "Measurable” means" in page.inner_text(".tpo-kpi-table")
    assert page.locator(".tpo-kpi-table table [title]").count() == 0  # nothing hides in tooltips

    # Download the xlsx in one click.
    saved = download(page, "KPIs (xlsx)", tmp_path)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved)
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "Ramp time" in cells

    # A broken profile shows a message next to the upload button.
    bad = tmp_path / "bad.yaml"
    bad.write_text("prospect: X\nsites: [{country: PH, fte: -3}]\n")
    upload(page, "Load profile", bad)
    page.wait_for_selector(".tpo-msg-error")
    assert "bad.yaml: Site 1, FTE" in page.inner_text(".tpo-msg-error")
    assert_clean(page)
    page.screenshot_to("kpi_drafter_bad_upload")
