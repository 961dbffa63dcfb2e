"""The quarterly review app in headless Chromium, on a shared screen and on a phone."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.browser.conftest import Page, VoilaServer, assert_clean, download, open_app

APP = "/voila/render/quarterly_review.ipynb"


def test_quarterly_review(page: Page, voila_server: VoilaServer, tmp_path: Path) -> None:
    open_app(page, voila_server, APP)
    page.wait_for_selector(".tpo-review-headline")
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    assert_clean(page)
    headline = page.inner_text(".tpo-review-headline")
    assert headline.startswith("2026Q3:") and "Productivity behind" in headline
    table = page.locator(".tpo-kpi-table table").first
    assert "Compliance certification coverage" in table.inner_text()
    page.screenshot_to("quarterly_review_1280")
    # At 1280 px the tables and the chart fit their places: nothing is cut off or scrolls.
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.tpo-chart, .tpo-kpi-table')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 40))"""
    )
    assert overflowing == []

    # Pick an earlier quarter: the headline and the table follow it.
    page.locator("select").nth(1).select_option(label="2026Q1")
    page.wait_for_function(
        "() => document.querySelector('.tpo-review-headline').innerText.startsWith('2026Q1')"
    )
    page.wait_for_selector("text=Evidence for 2026Q1")
    assert_clean(page)

    book = openpyxl.load_workbook(download(page, "Review (xlsx)", tmp_path))
    assert "KPI status" in book.sheetnames
    portfolio = download(page, "Portfolio (CSV)", tmp_path).read_text(encoding="utf-8")
    assert "Example Health Services" in portfolio
    assert "Example Health Services" in page.inner_text(".tpo-kpi-table >> nth=-1")


def test_quarterly_review_on_a_phone(page: Page, voila_server: VoilaServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, voila_server, APP)
    page.wait_for_selector(".tpo-review-headline")
    assert_clean(page)
    # The page itself never scrolls sideways; wide tables scroll inside their own box.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.tpo-kpi-table')]
            .map(e => getComputedStyle(e).overflowX)"""
    )
    assert boxes and all(b == "auto" for b in boxes)
    controls = page.locator("select")
    assert controls.count() == 2
    for i in range(2):
        box = controls.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 391
    # Each dropdown's label sits above it, so the select has the column's width for the
    # engagement's name instead of what a label beside it leaves.
    for name in ("Engagement", "Quarter"):
        label = page.locator(".widget-dropdown > .widget-label", has_text=name).bounding_box()
        select = page.locator(".widget-dropdown", has_text=name).locator("select").bounding_box()
        assert label["y"] + label["height"] <= select["y"] + 1
    engagement = page.locator(".widget-dropdown", has_text="Engagement").locator("select")
    assert engagement.bounding_box()["width"] >= 280
    # ... and stays inside its column, margins included.
    sticking_out = page.evaluate(
        """() => [...document.querySelectorAll('.widget-dropdown')].map(e => {
            const margin = parseFloat(getComputedStyle(e).marginRight);
            return e.getBoundingClientRect().right + margin
                - e.parentElement.getBoundingClientRect().right;
        })"""
    )
    assert sticking_out and max(sticking_out) <= 0.5, sticking_out
    # The small-multiple chart keeps its drawn size (three panels, wider than the phone) and
    # scrolls sideways in its own box; the page does not.
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    drawn = page.evaluate(
        """() => {
            const chart = document.querySelector('.tpo-chart-scroll');
            const figure = chart.querySelector('svg, canvas');
            return [getComputedStyle(chart).overflowX, figure.getBoundingClientRect().width,
                    chart.clientWidth];
        }"""
    )
    assert drawn[0] == "auto" and drawn[1] > drawn[2] and drawn[1] >= 500
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    page.screenshot_to("quarterly_review_390")
