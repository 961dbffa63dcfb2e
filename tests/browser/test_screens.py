"""Every app on a shared screen (1280 px) and on a phone (390 px): nothing of the machinery
shows, nothing runs off the side, every control can be tapped, charts fit."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import (
    PAGE_OVERFLOW,
    Page,
    VoilaServer,
    assert_clean,
    open_app,
    wait_for_charts,
)

APPS = {
    "breakeven": ("Break-even calculator", "Preparing your break-even estimate…", 1),
    "scoping_calculator": ("Scoping calculator", "Preparing the scoping calculator…", 2),
    "kpi_drafter": ("KPI drafter", "Drafting the KPIs…", 0),
    "needs_analysis": ("Needs analysis", "Opening the needs analysis…", 0),
    "index": ("tpo-scoping workbench", "Opening the workbench…", 0),
}
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1280, "height": 800}

SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.tpo-app input:not([type=checkbox]):not([type=file]), .tpo-app button, .tpo-app select,'
    + ' .tpo-app .widget-checkbox')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.tagName, e.className.toString().slice(0, 40), e.innerText || e.value || '',
             Math.round(e.getBoundingClientRect().height)])
  .filter(([, , , h]) => h < 44)"""

CHARTS_CUT = """() => [...document.querySelectorAll('.tpo-chart svg.marks, .tpo-chart canvas')]
  .map(e => e.getBoundingClientRect())
  .filter(r => r.left < -1 || r.right > window.innerWidth + 1).length"""


def show(page: Page, server: VoilaServer, app: str, charts: int) -> None:
    open_app(page, server, f"/voila/render/{app}.ipynb")
    if app == "needs_analysis":
        page.click("button:has-text('Use the sample data')")
        page.wait_for_selector(".tpo-msg-ok", timeout=120_000)
        charts = 2
    if charts:
        wait_for_charts(page, charts)


@pytest.mark.parametrize("app", list(APPS))
def test_page_title_and_loading_screen_name_the_app(voila_server: VoilaServer, app: str) -> None:
    title, loading, _charts = APPS[app]
    url = voila_server.url(f"/voila/render/{app}.ipynb")
    with urllib.request.urlopen(url, timeout=120) as response:
        page = response.read().decode("utf-8")
    assert f"<title>{title}</title>" in page
    assert json.dumps(loading) in page  # the loading screen's words (as the page script has them)
    assert "voila_process = () => {}" in page  # and no "Executing 1 of 2" after them


@pytest.mark.parametrize("app", list(APPS))
def test_each_app_on_a_shared_screen(page: Page, voila_server: VoilaServer, app: str) -> None:
    page.set_viewport_size(SCREEN)
    show(page, voila_server, app, APPS[app][2])
    assert page.title() == APPS[app][0]
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    assert page.locator(".vega-embed details, .vega-actions").count() == 0  # no "…" menu
    assert page.locator(".widget-upload").count() == 0  # no "Upload (0)" counters
    if app == "breakeven":  # its chart takes the column's width, not a phone's
        page.wait_for_selector(".tpo-chart-fill svg, .tpo-chart-fill canvas", state="attached")
        width = page.evaluate(
            "() => document.querySelector('.tpo-chart-fill svg, .tpo-chart-fill canvas')"
            ".getBoundingClientRect().width"
        )
        assert width >= 600
    assert_clean(page)
    page.screenshot_to(f"screen_1280_{app}")


LABELS_CUT = """() => [...document.querySelectorAll('.widget-checkbox .widget-label-basic')]
    .filter(label => label.scrollWidth > label.clientWidth + 1)
    .map(label => label.innerText)"""
"""Checkbox labels wider than their box, which the widgets' own style ends with "…"."""


@pytest.mark.parametrize("app", list(APPS))
def test_each_app_on_a_phone(page: Page, voila_server: VoilaServer, app: str) -> None:
    page.set_viewport_size(PHONE)
    show(page, voila_server, app, APPS[app][2])
    assert page.evaluate(PAGE_OVERFLOW) <= 0, "the page scrolls sideways"
    assert page.evaluate(SMALL_TARGETS) == []
    # The page marks number inputs as they arrive (a MutationObserver): wait for it.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.tpo-number input')]"
        ".every(i => i.inputMode === 'decimal')"
    )
    modes = page.evaluate(
        "() => [...document.querySelectorAll('.tpo-number input')].map(i => i.inputMode)"
    )
    if app in ("breakeven", "scoping_calculator"):
        assert modes, "the calculators ask for numbers"
    assert page.evaluate(CHARTS_CUT) == 0
    assert page.locator(".vega-embed details, .vega-actions").count() == 0
    assert page.evaluate(LABELS_CUT) == [], "checkbox labels end in an ellipsis"
    assert_clean(page)
    page.screenshot_to(f"phone_390_{app}")


def test_the_public_calculator_on_a_phone(page: Page, public_server: VoilaServer) -> None:
    """The public calculator as a prospect opens it from a link on a phone."""
    page.set_viewport_size(PHONE)
    open_app(page, public_server, "/?fte=120&hires=15&attrition=25")
    wait_for_charts(page, 1)
    assert page.evaluate(PAGE_OVERFLOW) <= 0 and page.evaluate(CHARTS_CUT) == 0
    assert page.evaluate(SMALL_TARGETS) == []
    assert_clean(page)
    page.screenshot_to("phone_390_public_breakeven")
