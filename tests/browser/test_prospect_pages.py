"""One prospect's data stays with that prospect; messages by their fields; saved prospects and
scenarios; one-click downloads. The scoping calculator, KPI drafter and needs app in Chromium."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import (
    Page,
    VoilaServer,
    assert_clean,
    download,
    open_app,
    wait_for_charts,
    wait_for_text,
)

SCOPING = "/voila/render/scoping_calculator.ipynb"
SAMPLE_DATA_WORDS = ("Manila", "Bogota", "Bogotá", "prospect data", "data as of")


def commit(page: Page, selector: str, text: str) -> None:
    box = page.locator(selector)
    box.fill(text)
    box.press("Enter")


def verdict_changes(page: Page, before: str) -> None:
    page.wait_for_function(
        "b => document.querySelector('.tpo-verdict-box').innerText !== b", arg=before
    )


def site_input(page: Page, row: int, column: int):  # type: ignore[no-untyped-def]
    return page.locator(".tpo-site").nth(row).locator("input").nth(column)


def test_a_new_prospect_never_carries_the_samples_data(
    page: Page, voila_server: VoilaServer, tmp_path: Path
) -> None:
    """The Acme case: overtype the sample with Acme Logistics, one site in Pune with 80 FTE;
    the screen says the sample's data was detached and the brief carries none of it."""
    open_app(page, voila_server, SCOPING)
    chip = page.locator(".tpo-data-chip")
    assert "Data attached for" in chip.inner_text()
    before = page.inner_text(".tpo-verdict-box")
    commit(page, ".tpo-prospect-name input", "Acme Logistics")
    page.wait_for_function(
        "() => document.querySelector('.tpo-data-chip').innerText.includes('No performance')"
    )
    wait_for_text(page, ".tpo-data", "was detached")
    page.locator(".tpo-site button:has-text('Remove')").nth(1).click()
    page.wait_for_function("() => document.querySelectorAll('.tpo-site').length === 1")
    site = site_input(page, 0, 0)
    site.fill("India")
    site.press("Enter")
    page.wait_for_function("() => document.querySelector('.tpo-site input').value === 'IN'")
    name = site_input(page, 0, 1)
    name.fill("Pune")
    name.press("Enter")
    fte = site_input(page, 0, 2)
    fte.fill("80")
    fte.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.tpo-kpi-table').innerText.includes('team of 80 FTE')"
    )
    verdict_changes(page, before)
    assert_clean(page)
    page.screenshot_to("scoping_acme_detached")
    brief = download(page, "Brief (HTML)", tmp_path).read_text("utf-8")
    assert "Acme Logistics" in brief and "Pune" in brief and "80 offshore FTE" in brief
    for word in SAMPLE_DATA_WORDS:
        assert word not in brief, f"the Acme brief carries the sample's {word!r}"


def test_a_country_message_stays_next_to_its_field(page: Page, voila_server: VoilaServer) -> None:
    open_app(page, voila_server, SCOPING)
    country = site_input(page, 1, 0)
    country.fill("Colombia")
    country.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.tpo-site input')[3].value === 'CO'")
    assert "Colombia is CO" in page.locator(".tpo-site").nth(1).inner_text()
    country.fill("Atlantis")
    country.press("Enter")
    message = page.locator(".tpo-site").nth(1).locator(".tpo-msg-error")
    message.wait_for()
    assert "use a two-letter code such as CO for Colombia" in message.inner_text()
    box, text = country.bounding_box(), message.bounding_box()
    assert box and text and 0 <= text["y"] - (box["y"] + box["height"]) < 40  # right under it
    assert text["y"] + text["height"] < page.viewport_size["height"]  # on screen, no scrolling
    page.wait_for_function(
        "() => document.querySelector('.tpo-verdict-box').innerText.includes('Site 2, country')"
    )
    assert "sites.1" not in page.inner_text("body")
    assert_clean(page)
    page.screenshot_to("scoping_country_message")


def test_add_site_adds_an_empty_row_and_computes_nothing(
    page: Page, voila_server: VoilaServer
) -> None:
    open_app(page, voila_server, SCOPING)
    before = page.inner_text(".tpo-verdict-box")
    page.click("button:has-text('Add site')")
    page.wait_for_function("() => document.querySelectorAll('.tpo-site').length === 3")
    assert [site_input(page, 2, i).input_value() for i in range(3)] == ["", "", ""]
    wait_for_text(page, ".tpo-sites", "Site 3 counts once it has a country and an FTE")
    page.wait_for_timeout(1500)
    assert page.inner_text(".tpo-verdict-box") == before
    commit(page, ".tpo-site >> nth=2 >> input >> nth=0", "MX")
    commit(page, ".tpo-site >> nth=2 >> input >> nth=2", "30")
    verdict_changes(page, before)
    wait_for_text(page, ".tpo-sites", "Site 3 counts", present=False)


def test_two_scenarios_side_by_side_with_the_differences_marked(
    page: Page, voila_server: VoilaServer, tmp_path: Path
) -> None:
    open_app(page, voila_server, SCOPING)
    hires = ".tpo-field:has-text('New hires per quarter') input"
    commit(page, hires, "20")
    page.click("button:has-text('Keep as scenario A')")
    page.wait_for_selector(".tpo-comparison")
    commit(page, hires, "40")
    page.wait_for_selector(".tpo-comparison td.tpo-changed")
    changed = page.locator(".tpo-comparison td.tpo-changed")
    assert changed.count() >= 4 and "20" in page.inner_text(".tpo-comparison")
    wait_for_charts(page, 2)
    page.screenshot_to("scoping_scenarios")
    page.click("text=Include the comparison in the brief")
    brief = download(page, "Brief (HTML)", tmp_path).read_text("utf-8")
    assert "Two scenarios compared" in brief


def test_a_download_says_it_is_preparing_and_leaves_no_link(
    page: Page, voila_server: VoilaServer, tmp_path: Path
) -> None:
    open_app(page, voila_server, SCOPING)
    page.evaluate(
        """() => { window.__busy = [];
        new MutationObserver(() => document.querySelectorAll('.tpo-download-button')
          .forEach(b => { if (b.disabled) window.__busy.push(b.textContent); }))
          .observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true}); }"""
    )
    pdf = download(page, "Brief (PDF)", tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert "Preparing the brief (PDF)…" in page.evaluate("window.__busy")
    assert page.locator("button:has-text('Brief (PDF)')").is_enabled()
    assert page.locator("a[download], a.tpo-download").count() == 0


def test_a_saved_prospect_opens_in_the_kpi_drafter_and_the_needs_app(
    page: Page, voila_server: VoilaServer
) -> None:
    open_app(page, voila_server, SCOPING)
    commit(page, ".tpo-prospect-name input", "Saved Prospect Ltd")
    page.wait_for_function(
        "() => document.querySelector('.tpo-data-chip').innerText.includes('No performance')"
    )
    page.click("button:has-text('Save as new version')")
    page.wait_for_selector(".tpo-saved .tpo-msg-ok")
    assert "Saved Saved Prospect Ltd as version 1" in page.inner_text(".tpo-saved")
    page.click("button:has-text('Save as new version')")
    page.wait_for_function(
        "() => document.querySelector('.tpo-saved').innerText.includes('version 2')"
    )
    assert voila_server.workspace is not None
    assert len(list(voila_server.workspace.glob("saved-prospect-ltd/v*.yaml"))) == 2

    open_app(page, voila_server, "/voila/render/kpi_drafter.ipynb")
    page.select_option(".tpo-saved select", "Saved Prospect Ltd")
    page.click(".tpo-saved button:has-text('Open')")
    page.wait_for_function(
        "() => document.querySelector('.tpo-saved').innerText.includes('Opened Saved')"
    )
    assert "Opened Saved Prospect Ltd, version 2" in page.inner_text(".tpo-saved")
    wait_for_text(page, ".tpo-app", "Prospect: Saved Prospect Ltd")
    assert_clean(page)

    open_app(page, voila_server, "/voila/render/needs_analysis.ipynb")
    page.select_option(".tpo-saved select", "Saved Prospect Ltd")
    page.click(".tpo-saved button:has-text('Open')")
    page.wait_for_selector(".tpo-msg-info, .tpo-msg-ok")
    wait_for_text(page, ".tpo-app", "Saved Prospect Ltd")
    assert_clean(page)
