"""The engagement brief as PDF: the HTML brief printed by headless Chromium.

Playwright drives the system's Chromium (``shutil.which("chromium")``); no browser is downloaded
and the page loads nothing from the network (every request other than ``data:``/``about:`` is
aborted).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from tpo_scoping.errors import InputError

if TYPE_CHECKING:
    from tpo_scoping.presentation.scenarios import ScenarioComparison
    from tpo_scoping.scope import Scope

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """Path of the system Chromium, or an :class:`InputError` saying how to install it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise InputError(
            "PDF output needs Chromium: install it with your package manager"
            " (Debian/Ubuntu: sudo apt-get install chromium), or use --format html"
        )
    return path


def html_to_pdf(html: str) -> bytes:
    """Print an HTML document to A4 PDF bytes with headless Chromium.

    Playwright's synchronous API refuses to run on a thread whose asyncio loop is running, which
    is the case inside a Jupyter or Voilà kernel; the printing therefore runs on a worker thread.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tpo-pdf") as pool:
        return pool.submit(_print_pdf, html).result()


def _print_pdf(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("data:", "about:"))
                    else route.abort()
                ),
            )
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return bytes(
                page.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                )
            )
        finally:
            browser.close()


def render_pdf(scope: Scope, *, comparison: ScenarioComparison | None = None) -> bytes:
    """The engagement brief as PDF bytes (every "details" section opened for print).

    Examples
    --------
    >>> pdf = render_pdf(scope)  # doctest: +SKIP
    >>> pdf[:5]  # doctest: +SKIP
    b'%PDF-'
    """
    from tpo_scoping.report.html import render_html

    return html_to_pdf(render_html(scope, expand=True, comparison=comparison))
