"""A real Voilà server and headless Chromium for the browser tests.

One server per session (``tpo-scoping serve`` on a free loopback port, the configuration
``make run`` uses) and one browser; every page gets a fresh context that refuses and records any
request leaving localhost, so a test fails if a page reaches for a CDN.

Set ``TPO_SCREENSHOT_DIR`` to keep the screenshots the tests take.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT
from tpo_scoping.report.pdf import CHROMIUM_ARGS
from tpo_scoping.voila.processes import kernel_processes, wait_until_settled

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
PAGE_TIMEOUT_MS = 90_000

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(
                    pytest.mark.skip(
                        reason="Chromium is not installed (Debian: apt-get install chromium); "
                        "the browser tests need it"
                    )
                )


_PORTS_GIVEN: set[int] = set()


def free_port() -> int:
    """A port free now and never handed out before in this run.

    Two servers asked for ports one after the other may otherwise get the same one (neither
    has bound it yet); the second then fails to start while the first answers for both.
    """
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _PORTS_GIVEN:
            _PORTS_GIVEN.add(port)
            return port


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "tpo-scoping"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tpo_scoping.cli import main; sys.exit(main())"]


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Ask a server to stop, and kill it if it has not within 15 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class VoilaServer:
    """A ``tpo-scoping serve`` subprocess; ``url(path)`` builds addresses on it."""

    def __init__(self, *args: str, log_path: Path, apps: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [*_cli(), "serve", f"--port={self.port}", *args]
        if apps is not None:
            command.append(f"--apps={apps}")
        self.log_path = log_path
        self.workspace: Path | None = None
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, cwd=str(ROOT)
        )

    def url(self, path: str = "/") -> str:
        return self.base + path

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voilà exited early; see {self.log_path}:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url("/voila/static/voila.js"), timeout=2).close()
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
                continue
            if f"{self.base}/" in self.log():  # this server, not another one on the port
                return
            time.sleep(0.3)
        raise RuntimeError(f"Voilà did not start within {timeout} s:\n{self.log()}")

    def kernel_count(self) -> int:
        return len(kernel_processes(self.proc.pid))

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text("utf-8", errors="replace")[-5000:]

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """The workbench, served as ``make run`` serves it (kernel pool on), with a fresh workspace
    of saved prospects."""
    workspace = tmp_path_factory.mktemp("workspace")
    server = VoilaServer(
        f"--workspace={workspace}", log_path=tmp_path_factory.mktemp("voila") / "server.log"
    )
    server.workspace = workspace
    try:
        server.wait_ready()
        # The pool preheats one kernel per app at start-up, all at once; on a loaded 2-core
        # machine that takes a minute or more. Pages opened meanwhile would time the warm-up,
        # not the app, so wait for the pool to go quiet first.
        apps = len(list((ROOT / "apps").glob("*.ipynb")))
        wait_until_settled(server.proc.pid, kernels=apps, timeout=300)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """Public mode: the break-even calculator alone, no kernel pool (the cold path)."""
    # Every page comes from this one address, faster than a visitor opens them: the rate per
    # address is off here (tests/test_security_server.py tests it); the kernel cap stays on.
    server = VoilaServer(
        "--public",
        "--pool-size=0",
        "--pages-per-minute=0",
        log_path=tmp_path_factory.mktemp("public") / "server.log",
    )
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("TPO_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


CONTENT_HEIGHT = """() => {
  const cells = document.getElementById("rendered_cells");
  return Math.min(12000, Math.ceil(Math.max(cells ? cells.scrollHeight + 40 : 0,
                                            document.documentElement.scrollHeight)));
}"""

PAGE_OVERFLOW = """() => {
  const cells = document.getElementById("rendered_cells");
  const widths = [document.documentElement.scrollWidth - window.innerWidth];
  if (cells) widths.push(cells.scrollWidth - cells.clientWidth);
  return Math.max(...widths);
}"""
"""How many pixels the page is wider than the screen (0 or less: no sideways scrolling)."""


class Page:
    """A Playwright page plus the requests it tried to make outside localhost."""

    def __init__(self, page: Any, external: list[str], local: list[str], shots: Path) -> None:
        self.page = page
        self.external = external
        self.local = local
        self.shots = shots

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)

    def screenshot_to(self, name: str) -> Path:
        """The whole app: Voilà scrolls it inside ``#rendered_cells``, so the viewport is made
        as tall as the content for the picture, then put back."""
        path = self.shots / f"{name}.png"
        size = self.page.viewport_size
        height = self.page.evaluate(CONTENT_HEIGHT)
        if size and height > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": height})
        try:
            self.page.screenshot(path=str(path), full_page=True)
        finally:
            if size:
                self.page.set_viewport_size(size)
        return path


@pytest.fixture
def page(browser: Any, screenshot_dir: Path) -> Iterator[Page]:
    context = browser.new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    external: list[str] = []
    local: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in {"data", "blob", "about"} or parsed.hostname in LOCAL_HOSTS:
            local.append(url)
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield Page(page, external, local, screenshot_dir)
    finally:
        _close_like_a_tab(context, page)
        context.close()
    assert external == [], f"the page tried to reach outside localhost: {external}"


def _close_like_a_tab(context: Any, page: Any) -> None:
    """Close the page as a visitor closes a tab, so that its kernel is shut down.

    Closing the browser context skips ``beforeunload``, so Voilà's shutdown request is never
    sent and each test would leave a kernel running until the idle cull; a full run would then
    meet the server's kernel cap. Pages that never reached an app send no request: that wait
    ends after a few seconds.
    """
    from playwright.sync_api import Error as PlaywrightError

    if page.is_closed():  # the test closed it itself
        return
    if urlparse(page.url).hostname not in LOCAL_HOSTS:
        page.close()
        return
    try:
        with context.expect_event(
            "requestfinished", predicate=lambda r: "/api/shutdown/" in r.url, timeout=5_000
        ):
            page.close(run_before_unload=True)
    except PlaywrightError:  # no app on the page (no request), or the test already closed it
        pass


def wait_for_text(page: Any, selector: str, text: str, present: bool = True) -> None:
    """Wait until the first element matching ``selector`` shows (or no longer shows) ``text``.

    Widgets update one comm message at a time: after one has changed, a neighbour's new text may
    still be a frame away, so a test waits for it rather than reading it at once.
    """
    page.wait_for_function(
        "([sel, text, present]) => { const e = document.querySelector(sel);"
        " return !!e && e.innerText.includes(text) === present; }",
        arg=[selector, text, present],
    )


def open_app(page: Page, server: VoilaServer, path: str, ready: str = ".tpo-ready") -> None:
    """Navigate and wait until the app marks its first output as rendered."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(server.url(path), wait_until="domcontentloaded")
    try:
        page.wait_for_selector(ready, state="attached", timeout=PAGE_TIMEOUT_MS)
    except PlaywrightTimeout as exc:
        body = page.inner_text("body")[-1500:]
        raise AssertionError(
            f"{path} did not become ready within {PAGE_TIMEOUT_MS // 1000} s.\n"
            f"Page text:\n{body}\nServer log:\n{server.log()}"
        ) from exc


FORBIDDEN_TEXT = ("Traceback", "Error in", "Exception", "import ", "def ", "tpo_scoping.ui")


def assert_clean(page: Page) -> None:
    """No traceback, no stderr output and no source code anywhere on the page."""
    text = page.inner_text("body")
    for word in FORBIDDEN_TEXT:
        assert word not in text, f"page shows {word!r}"
    assert page.locator(".jp-InputArea, .jp-InputPrompt, .jp-CodeMirrorEditor").count() == 0
    stderr = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, stderr.first.inner_text()
    assert (
        page.locator(".jp-OutputArea-output.jp-mod-error, .jp-RenderedText.jp-mod-error").count()
        == 0
    )


def upload(page: Page, button_text: str, *paths: Path) -> None:
    """Pick ``paths`` in the file chooser an app's upload button opens."""
    with page.expect_file_chooser() as chooser:
        page.click(f"button:has-text('{button_text}')")
    chooser.value.set_files([str(p) for p in paths])


def download(page: Page, button_text: str, tmp_path: Path) -> Path:
    """Click a one-click download button; the file the page saved."""
    with page.expect_download() as info:
        page.click(f"button.tpo-download-button:has-text('{button_text}')")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def wait_for_charts(page: Page, count: int = 1) -> None:
    """Until ``count`` charts are drawn (the vega bundle loads after the first answer)."""
    page.wait_for_function(
        "n => document.querySelectorAll('.tpo-chart svg.marks, .tpo-chart canvas').length >= n",
        arg=count,
    )
