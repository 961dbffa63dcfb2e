"""The engagement brief as PDF: the HTML brief printed by headless Chromium.

Playwright drives the system's Chromium (``shutil.which("chromium")``); no browser is downloaded
and the page loads nothing from the network (every request other than ``data:``/``about:`` is
aborted). A Chromium printing a page takes a couple of hundred megabytes, so at most
:data:`PRINTERS` print at once on one machine, across every app kernel and command: a flood of
"download the PDF" clicks on the public calculator queues, then gets a "busy" message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
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


PRINTERS = os.cpu_count() or 1
"""Chromium printers that may run at once on one machine (one per core)."""

PRINTER_WAIT_SECONDS = 60.0
"""How long a document waits for a free printer before the user is told to retry."""


@contextlib.contextmanager
def printer_slot(wait: float | None = None) -> Iterator[None]:
    """Hold one of the machine's :data:`PRINTERS` slots (a locked file) while printing.

    The locks are ``flock`` on files in a per-user folder under the temporary directory, so
    they are shared by every process of the user and released by the system when a process
    dies. Raises :class:`InputError` when no slot frees within ``wait`` seconds.
    """
    import fcntl

    folder = Path(tempfile.gettempdir()) / f"tpo-scoping-printers-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    deadline = time.monotonic() + (PRINTER_WAIT_SECONDS if wait is None else wait)
    while True:
        for slot in range(PRINTERS):
            handle = open(folder / f"slot-{slot}", "a")  # noqa: SIM115 - closed below
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                handle.close()  # closing releases the lock
            return
        if time.monotonic() >= deadline:
            raise InputError(
                "Many documents are being printed right now; please try again in a minute"
            )
        time.sleep(0.2)


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

    with printer_slot(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="tpo-pdf") as pool:
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
