"""The public break-even calculator in headless Chromium, in workbench and public mode."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from tests.browser.conftest import Page, VoilaServer, assert_clean, download, open_app

APP = "/voila/render/breakeven.ipynb"


def field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.locator(f".tpo-field:has-text('{label}') input").first


def answer(page: Page) -> str:
    return page.inner_text(".tpo-answer-box")


def commit(page: Page, label: str, text: str) -> None:
    box = field(page, label)
    box.fill(text)
    box.press("Enter")


def test_calculator_answers_and_updates(page: Page, voila_server: VoilaServer) -> None:
    open_app(page, voila_server, APP)
    page.wait_for_selector(".tpo-answer")
    # The chart renders offline (vega from the package, not a CDN).
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    assert_clean(page)
    page.screenshot_to("breakeven")
    before = answer(page)
    commit(page, "Offshore team today", "300")
    page.wait_for_function(
        "b => document.querySelector('.tpo-answer-box').innerText !== b", arg=before
    )
    assert "from 300 FTE to about" in answer(page)

    beside = field(page, "New hires per quarter").bounding_box()
    commit(page, "Offshore team today", "three hundred")
    page.wait_for_selector(".tpo-field .tpo-msg-error")
    assert "is not a number" in page.inner_text(".tpo-field .tpo-msg-error")
    # The message wraps under its field; the fields beside it stay where they were.
    assert field(page, "New hires per quarter").bounding_box() == beside
    assert "Fix the highlighted answer" in answer(page)
    assert_clean(page)
    page.screenshot_to("breakeven_bad_input")


def test_public_link_prefills_the_answers(page: Page, public_server: VoilaServer) -> None:
    # Public mode serves the calculator whatever the path asks for.
    query = "fte=120&hires=15&attrition=25&domain=healthcare&training=lms_only"
    open_app(page, public_server, f"/voila/render/kpi_drafter.ipynb?{query}")
    page.wait_for_selector(".tpo-answer")
    assert page.locator(".tpo-breakeven").count() == 1
    assert page.locator(".tpo-kpi-table").count() == 0
    assert field(page, "Offshore team today").input_value() == "120"
    assert field(page, "New hires per quarter").input_value() == "15"
    assert field(page, "People leaving per year").input_value() == "25"
    assert "from 120 FTE to about" in answer(page)
    assert page.locator("select").first.input_value() == "Healthcare (HIPAA)"
    assert_clean(page)
    page.screenshot_to("breakeven_prefilled")


HOSTILE = (
    "fte=<script>document.body.innerHTML='pwned'</script>&hires=1e999"
    "&attrition=999999999999999999999&domain=<img src=x onerror=alert(1)>&training=../../etc"
    "&%%%&&=;;" + "x" * 500
)


def test_hostile_link_is_handled(page: Page, voila_server: VoilaServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page, voila_server, APP + "?" + urllib.parse.quote(HOSTILE, safe="=&"))
    page.wait_for_selector(".tpo-answer")
    assert "pwned" not in page.inner_text("body") and dialogs == []
    assert field(page, "Offshore team today").input_value() == "50"
    assert field(page, "New hires per quarter").input_value() == "20"
    warning = page.inner_text(".tpo-msg-warning")
    for key in ("fte", "hires", "attrition", "domain", "training"):
        assert f"The link's {key} value was ignored" in warning
    assert_clean(page)
    page.screenshot_to("breakeven_hostile_link")


def test_mistyped_link_keys_are_named_and_fractions_read_as_shares(
    page: Page, public_server: VoilaServer
) -> None:
    open_app(page, public_server, "/?FTE=120&hire=15&attrition=0.25")
    page.wait_for_selector(".tpo-answer")
    assert field(page, "Offshore team today").input_value() == "120"
    assert field(page, "People leaving per year").input_value() == "25"
    assert "from 120 FTE to about" in answer(page)
    note = page.inner_text(".tpo-msg-warning")
    assert "'hire' is not one this calculator reads (did you mean hires?)" in note
    assert "the keys are attrition, domain, fte, hires, hours, imputed, rate, trainers" in note
    assert "read as 25 % a year" in note
    assert_clean(page)
    page.screenshot_to("breakeven_mistyped_link")


def test_cold_visits_show_the_kept_answer_and_still_compute(
    page: Page, public_server: VoilaServer
) -> None:
    """Public mode has no kernel pool, so every visit starts a kernel. The default answer,
    once computed by any kernel, is shown at once by the next; that kernel then computes it
    anyway (the chart appears) and answers typing as usual."""
    seen = []
    for _ in range(2):
        open_app(page, public_server, APP)
        page.wait_for_selector(".tpo-answer")
        seen.append(answer(page))
    assert seen[0] == seen[1] and "from 50 FTE to about" in seen[1]
    server_log = public_server.log_path.read_text("utf-8", errors="replace")
    assert "BreakEvenCalculator: showed the kept first answer" in server_log
    assert "out of date" not in server_log
    page.wait_for_selector(".tpo-chart svg, .tpo-chart canvas", state="attached")
    commit(page, "Offshore team today", "300")
    page.wait_for_function(
        "b => document.querySelector('.tpo-answer-box').innerText !== b", arg=seen[1]
    )
    assert "from 300 FTE to about" in answer(page)
    assert_clean(page)


def test_the_answer_leads_with_the_saving_and_keeps_cash_apart(
    page: Page, voila_server: VoilaServer, tmp_path: Path
) -> None:
    """The first figure is the saving against today with its range; the table and the chart
    name today's practice; counting imputed costs at 0 % leaves the cash case; the PDF and the
    link keep the estimate."""
    open_app(page, voila_server, APP + "?fte=50&training=lms_only")
    page.wait_for_selector(".tpo-figures")
    assert page.locator(".tpo-figure").count() == 4
    assert "against today" in page.locator(".tpo-figure").first.inner_text()
    assert "90 % of 1,000 simulated futures" in answer(page)
    assert "LMS platform only (today)" in page.inner_text(".tpo-scroll table")
    before = answer(page)
    commit(page, "Count imputed costs at", "0")
    page.wait_for_function(
        "b => document.querySelector('.tpo-answer-box').innerText !== b", arg=before
    )
    assert "imputed costs are not counted" in answer(page)
    assert download(page, "This estimate (PDF)", tmp_path).read_bytes().startswith(b"%PDF")
    href = page.get_attribute("a.tpo-link", "href") or ""
    assert "imputed=0" in href and "training=lms_only" in href
    assert_clean(page)
    page.screenshot_to("breakeven_cash_only")
    page.click("a.tpo-link")
    page.wait_for_selector(".tpo-ready", state="attached")
    page.wait_for_selector(".tpo-figures")
    assert field(page, "Count imputed costs at").input_value() == "0"
    assert "imputed costs are not counted" in answer(page)
