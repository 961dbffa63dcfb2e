"""The served apps against path traversal, template/theme overrides and stray endpoints.

A real ``tpo-scoping serve`` (workbench and public mode, kernel pool off to spare the CPU) is
asked for files outside the apps in every spelling we know: plain, URL-encoded, double-encoded,
backslashes, through ``/voila/files``, ``/voila/static`` and ``/voila/templates``. Each must be
refused and no response may carry the file. The browser tests (tests/browser/) check the same
server from a page.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.browser.conftest import VoilaServer

SECRET_MARKERS = ("root:x:0:0", "[project]", "[build-system]", "tpo_scoping")

TRAVERSALS = [
    "/static/../../etc/passwd",
    "/voila/static/../../../../../../etc/passwd",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/static/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/voila/static/..\\..\\..\\..\\etc\\passwd",
    "/voila/static/....//....//....//etc/passwd",
    "/voila/static//etc/passwd",
    "/voila/files/../../../../etc/passwd",
    "/voila/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/files/../pyproject.toml",
    "/voila/files/index.ipynb",
    "/voila/files/breakeven.ipynb",
    "/voila/templates/tpo/../../../../../../etc/passwd",
    "/voila/templates/lab/static/../../../../../../../etc/passwd",
    "/voila/templates/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/render/../../../../etc/passwd",
    "/voila/render/%2e%2e/%2e%2e/pyproject.toml",
    "/voila/render//etc/passwd",
    "/voila/tree",
    "/voila/tree/..",
    "/voila/api/contents/",
    "/voila/api/contents/../pyproject.toml",
    "/api/contents",
    "/api/kernels",
    "/api/sessions",
    "/api/terminals",
    "/voila/api/kernels",
    "/voila/nbconvert/index.ipynb",
    "/lab",
    "/tree",
]


def get(server: VoilaServer, path: str) -> tuple[int, str]:
    """Send the path exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read(200_000).decode("utf-8", errors="replace")
        return response.status, body
    finally:
        conn.close()


def start(tmp_path_factory: pytest.TempPathFactory, *args: str) -> Iterator[VoilaServer]:
    server = VoilaServer(*args, "--pool-size=0", log_path=tmp_path_factory.mktemp("v") / "log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from start(tmp_path_factory)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from start(tmp_path_factory, "--public")


def assert_refused(status: int, body: str, path: str, *, ok_if_app: str | None = None) -> None:
    for marker in SECRET_MARKERS[:3]:
        assert marker not in body, f"{path} leaked {marker!r}"
    if ok_if_app and status == 200:
        assert ok_if_app in body, f"{path} answered 200 with something other than the app"
        return
    assert status >= 400 or status in (301, 302), f"{path} answered {status}"


@pytest.mark.parametrize("path", TRAVERSALS)
def test_workbench_refuses_traversal_and_stray_endpoints(workbench: VoilaServer, path: str) -> None:
    status, body = get(workbench, path)
    assert_refused(status, body, path)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_public_mode_serves_the_calculator_or_nothing(public: VoilaServer, path: str) -> None:
    status, body = get(public, path)
    # Public Voilà answers every render path with the one notebook; nothing else is reachable.
    assert_refused(status, body, path, ok_if_app="<title>breakeven</title>")


@pytest.mark.parametrize(
    "query",
    [
        "?template=lab",
        "?template=classic",
        "?template=../../../../etc",
        "?theme=dark",
        "?theme=../../../../etc/passwd",
        "?template=reveal&theme=dark",
    ],
)
def test_template_and_theme_overrides_are_ignored(workbench: VoilaServer, query: str) -> None:
    status, _plain = get(workbench, "/voila/render/index.ipynb")
    status_q, body = get(workbench, "/voila/render/index.ipynb" + query)
    assert status == 200 and status_q in (200, 400)
    assert "theme-dark" not in body and "reveal.js" not in body.lower()
    assert "cdnjs" not in body and "fontawesome" not in body.lower()
    assert_refused(400, body, query)


def test_pages_carry_no_source_and_hardening_headers(public: VoilaServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", public.port, timeout=60)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    assert response.status == 200
    assert headers.get("x-content-type-options") == "nosniff"
    assert "BreakEvenCalculator" not in body and "import " not in body, "sources must be stripped"


def test_versions_are_past_known_cves() -> None:
    """voila < 0.5.6: file read through /static (CVE-2024-30265); jupyter_server < 2.7.2."""

    def parts(name: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version(name).split(".")[:3] if p.isdigit())

    assert parts("voila") >= (0, 5, 6)
    assert parts("jupyter_server") >= (2, 7, 2)
    assert parts("tornado") >= (6, 4, 1)


def test_served_config_is_the_hardened_one() -> None:
    import json

    from tpo_scoping.voila import CONFIG_DIR, MAX_UPLOAD_BYTES

    config = json.loads((Path(CONFIG_DIR) / "voila.json").read_text("utf-8"))
    voila = config["VoilaConfiguration"]
    assert voila["strip_sources"] is True and voila["show_tracebacks"] is False
    assert voila["allow_template_override"] == "NO" and voila["allow_theme_override"] == "NO"
    assert voila["file_allowlist"] == [] and ".*" in voila["file_denylist"]
    assert config["Voila"]["ip"] == "127.0.0.1"
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    limit = config["Voila"]["tornado_settings"]["websocket_max_message_size"]
    # The file travels base64-encoded (4/3) inside a JSON message: the socket must fit it.
    assert limit > MAX_UPLOAD_BYTES * 4 / 3 + 1_000_000
    assert config["KernelManager"]["transport"] == "ipc"


def test_kernels_talk_over_private_sockets(public: VoilaServer) -> None:
    """Kernels use IPC sockets in a private folder, not TCP ports any local process can reach."""
    import json
    import stat

    from tpo_scoping.voila.processes import kernel_processes

    status, _ = get(public, "/")  # renders the calculator, which starts its kernel
    assert status == 200
    kernels = kernel_processes(public.proc.pid)
    assert kernels, "rendering the page started no kernel"
    for kernel in kernels:
        argv = kernel.cmdline()
        connection = Path(argv[argv.index("-f") + 1])
        info = json.loads(connection.read_text("utf-8"))
        assert info["transport"] == "ipc", info
        assert Path(info["ip"]).parent == connection.parent
        assert stat.S_IMODE(connection.parent.stat().st_mode) & 0o077 == 0  # owner only
