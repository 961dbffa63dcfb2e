"""The server as a client sees it: landing page, what is reachable, what is not."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import Page, VoilaServer, assert_clean, open_app


def status(url: str) -> int:
    """The final HTTP status after redirects."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_landing_lists_every_app_and_the_sample_prospect(
    page: Page, voila_server: VoilaServer
) -> None:
    page.goto(voila_server.url("/"), wait_until="domcontentloaded")
    page.wait_for_selector(".tpo-ready", state="attached")
    assert page.url.endswith("/voila/render/index.ipynb")
    page.wait_for_selector(".tpo-sample")
    assert "Sample prospect loaded" in page.inner_text(".tpo-sample")
    links = page.locator("a.tpo-app-link")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert names == [
        "Scoping calculator",
        "Break-even calculator",
        "Needs analysis",
        "KPI drafter",
        "Quarterly business review",
    ]
    assert_clean(page)
    page.screenshot_to("landing")
    page.click("text=KPI drafter")
    page.wait_for_selector(".tpo-ready", state="attached")
    assert page.url.endswith("/voila/render/kpi_drafter.ipynb")
    # Visits leave no trust warning in the server log (it never matters here: see server.py).
    assert "is not trusted" not in voila_server.log()


@pytest.mark.parametrize(
    "path",
    [
        "/voila/tree",
        "/voila/api/contents/",
        "/voila/files/index.ipynb",
        "/voila/files/../pyproject.toml",
        "/voila/static/../../../../pyproject.toml",
        "/voila/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/voila/render/../pyproject.toml",
        "/voila/render/%2e%2e/pyproject.toml",
        "/voila/templates/tpo/../../../../pyproject.toml",
        "/api/kernels",
        "/tpo-assets/",
        "/tpo-assets/../pyproject.toml",
        "/tpo-assets/%2e%2e/pyproject.toml",
        "/tpo-assets/other.js",
    ],
)
def test_nothing_but_the_apps_is_reachable(voila_server: VoilaServer, path: str) -> None:
    got = status(voila_server.url(path))
    assert got >= 400, f"{path} answered {got}"


def test_the_chart_bundle_is_the_only_file_the_server_hands_out(
    voila_server: VoilaServer,
) -> None:
    from tpo_scoping.charts import bundle_path
    from tpo_scoping.voila.server import ASSET_ROUTE

    url = voila_server.url(f"/{ASSET_ROUTE}/{bundle_path().name}")
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].endswith("javascript")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.read() == bundle_path().read_bytes()


def test_template_and_theme_cannot_be_overridden(page: Page, voila_server: VoilaServer) -> None:
    # The lab and classic templates link Font Awesome from a CDN; the page fixture fails the
    # test if any such request leaves localhost.
    open_app(page, voila_server, "/voila/render/index.ipynb?template=classic&theme=dark")
    assert page.locator("body.theme-dark").count() == 0
    assert_clean(page)


def test_public_mode_reaches_nothing_else(public_server: VoilaServer) -> None:
    """Files are refused; any other path lands on the calculator itself, never on a listing."""
    for path in ("/voila/files/breakeven.ipynb", "/voila/files/index.ipynb"):
        assert status(public_server.url(path)) in {403, 404}
    for path in (
        "/voila/tree",
        "/voila/api/contents/",
        "/voila/render/index.ipynb",
        "/voila/static/../../../../pyproject.toml",
    ):
        try:
            with urllib.request.urlopen(public_server.url(path), timeout=60) as response:
                landed = urllib.parse.urlparse(response.geturl()).path
                body = response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            assert exc.code >= 400
            continue
        assert landed == "/", f"{path} landed on {landed}"
        assert '"type": "directory"' not in body and "[build-system]" not in body


def test_closing_the_tab_shuts_its_kernel_down(page: Page, public_server: VoilaServer) -> None:
    """The page's beforeunload shutdown request is honoured, not refused for a missing _xsrf."""
    import time

    before = public_server.kernel_count()
    open_app(page, public_server, "/")
    assert public_server.kernel_count() == before + 1
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 30
    while public_server.kernel_count() > before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert public_server.kernel_count() == before
    assert "_xsrf" not in public_server.log()
