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


# The probes below render the calculator dozens of times from one address within a minute; the
# capacity limits, which would answer most of them "busy", are tested on their own server below.
UNLIMITED = ("--max-kernels=0", "--pages-per-minute=0")


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from start(tmp_path_factory, *UNLIMITED)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from start(tmp_path_factory, "--public", *UNLIMITED)


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


# --------------------------------------------------------------------------------------------
# Authentication, host names, slow connections, hostile widget messages


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--token", ""], "empty token switches authentication off"),
        (["--token", "   "], "empty token switches authentication off"),
        (["--public", "--ip", "0.0.0.0"], "--allowed-host"),
        (["--public", "--ip", "::"], "--allowed-host"),
    ],
)
@pytest.mark.timeout(120)  # before the fix, serve started and never returned
def test_serve_refuses_settings_that_open_it_up(cli, args: list[str], words: str) -> None:
    result = cli("serve", *args, "--port", "1")
    assert result.code == 2 and words in result.err


def get_as(server: VoilaServer, path: str, host: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["/voila/render/index.ipynb", "/voila/static/voila.js", "/"])
def test_requests_for_another_host_are_refused(workbench: VoilaServer, path: str) -> None:
    """DNS rebinding: a page on evil.test resolving to 127.0.0.1 sends Host: evil.test."""
    kernels = workbench.kernel_count()
    assert get_as(workbench, path, f"evil.test:{workbench.port}") == 403
    assert get_as(workbench, path, "evil.test") == 403
    assert workbench.kernel_count() == kernels, "a refused request started a kernel"
    for host in (f"127.0.0.1:{workbench.port}", f"localhost:{workbench.port}", "[::1]"):
        assert get_as(workbench, "/voila/static/voila.js", host) == 200


def test_the_kernel_websocket_refuses_another_host(public: VoilaServer) -> None:
    kernel = kernel_of_a_page(public)
    conn = http.client.HTTPConnection("127.0.0.1", public.port, timeout=60)
    try:
        conn.putrequest("GET", f"/api/kernels/{kernel}/channels", skip_host=True)
        for name, value in (
            ("Host", "evil.test"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
        ):
            conn.putheader(name, value)
        conn.endheaders()
        assert conn.getresponse().status == 403
    finally:
        conn.close()


def test_named_hosts_are_answered(tmp_path_factory: pytest.TempPathFactory) -> None:
    for server in start(
        tmp_path_factory, "--public", "--allowed-host", "Calc.Example.com", *UNLIMITED
    ):
        assert get_as(server, "/voila/static/voila.js", "calc.example.com") == 200
        assert get_as(server, "/voila/static/voila.js", "calc.example.com.evil.test") == 403


def test_slow_requests_are_cut_off(public: VoilaServer) -> None:
    """A client that never finishes its request headers (slowloris) is disconnected."""
    import socket
    import time

    from tpo_scoping.voila.server import HEADER_TIMEOUT_SECONDS

    with socket.create_connection(("127.0.0.1", public.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        start = time.monotonic()
        sock.settimeout(HEADER_TIMEOUT_SECONDS + 30)
        while True:
            if sock.recv(1000) == b"":
                break
        waited = time.monotonic() - start
    assert waited < HEADER_TIMEOUT_SECONDS + 10


def kernel_of_a_page(server: VoilaServer) -> str:
    import re

    status, body = get(server, "/")
    assert status == 200
    match = re.search(r'"kernelId": "([0-9a-f-]{36})"', body)
    assert match, "the page names no kernel"
    return match.group(1)


def test_malformed_comm_open_tells_the_visitor_nothing(public: VoilaServer) -> None:
    """A hostile page opens widget comms with junk; the kernel's traceback (with install paths)
    goes to the server log, never over the websocket."""
    import asyncio
    import json
    import uuid

    from tornado.websocket import websocket_connect

    kernel = kernel_of_a_page(public)

    def message(msg_type: str, content: dict) -> str:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "v",
            "session": uuid.uuid4().hex,
            "date": "",
            "version": "5.3",
        }
        return json.dumps(
            {
                "header": header,
                "parent_header": {},
                "metadata": {},
                "content": content,
                "channel": "shell",
                "buffers": [],
            }
        )

    hostile = [
        message(
            "comm_open",
            {
                "comm_id": uuid.uuid4().hex,
                "target_name": "jupyter.widget",
                "data": {"state": {"_model_name": 42}},
            },
        ),
        message("comm_open", {"comm_id": "x", "target_name": "jupyter.widget", "data": "junk"}),
        message("comm_open", {"comm_id": "y", "target_name": "no.such.target", "data": {}}),
        message("comm_msg", {"comm_id": "nope", "data": {"method": "update", "state": [1]}}),
        message("kernel_info_request", {}),
    ]

    async def talk() -> list[dict]:
        url = f"ws://127.0.0.1:{public.port}/api/kernels/{kernel}/channels"
        ws = await websocket_connect(f"{url}?session_id={uuid.uuid4()}")
        for text in hostile:
            await ws.write_message(text)
        received: list[dict] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while loop.time() < deadline:
            try:
                raw = await asyncio.wait_for(ws.read_message(), 2)
            except TimeoutError:
                if any(m["msg_type"] == "kernel_info_reply" for m in received):
                    break
                continue
            if raw is None:
                break
            if isinstance(raw, str):
                received.append(json.loads(raw))
        ws.close()
        return received

    received = asyncio.run(talk())
    assert any(m["msg_type"] == "kernel_info_reply" for m in received), "the kernel went quiet"
    # The kernel's self-description (language, version, help links) is what any page gets.
    told = [m for m in received if m["msg_type"] != "kernel_info_reply"]
    assert not [m for m in told if m["msg_type"] in ("stream", "error")], told
    text = json.dumps(told)
    for leak in ("Traceback", "site-packages", "Exception opening comm", ".py", "/"):
        assert leak not in text, f"the visitor was sent {leak!r}"
    assert "Exception opening comm" in public.log(), "the detail belongs in the server log"


# --------------------------------------------------------------------------------------------
# Capacity: a cap on kernels, a rate per address, a polite refusal


def get_from(server: VoilaServer, address: str, path: str = "/") -> tuple[int, dict, str]:
    """A GET from one of the loopback addresses (127.0.0.0/8), as a distinct visitor."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=240, source_address=(address, 0)
    )
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from start(tmp_path_factory, "--public", "--max-kernels=3", "--pages-per-minute=2")


def assert_polite(status: int, headers: dict, body: str, code: int) -> None:
    assert status == code
    assert 1 <= int(headers["retry-after"]) <= 60
    assert "retry" in body.lower() and "<script" not in body.lower()
    assert headers["content-security-policy"].startswith("default-src 'none'")


def test_capacity_rate_per_address_then_cap(capped: VoilaServer) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    # One visitor may open two pages a minute; the third is told to wait, and starts nothing.
    assert get_from(capped, "127.0.0.20")[0] == 200
    assert get_from(capped, "127.0.0.20")[0] == 200
    kernels = capped.kernel_count()
    assert kernels == 2
    assert_polite(*get_from(capped, "127.0.0.20"), 429)
    assert capped.kernel_count() == kernels

    # Six new visitors at once: one place is left under the cap of three.
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], capped.kernel_count())
            done.wait(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda i: get_from(capped, f"127.0.0.{30 + i}"), range(6)))
    finally:
        done.set()
        watcher.join()
    statuses = sorted(a[0] for a in answers)
    assert statuses == [200, 503, 503, 503, 503, 503], statuses
    for answer in answers:
        if answer[0] == 503:
            assert_polite(*answer, 503)
    assert peak[0] <= 3 and capped.kernel_count() == 3
    assert "refused a page (503" in capped.log() and "refused a page (429" in capped.log()


def test_public_mode_reclaims_idle_kernels_within_two_minutes() -> None:
    from tpo_scoping.voila.server import voila_argv

    argv = voila_argv("apps", public=True)
    value = {a.split("=")[0]: float(a.split("=")[1]) for a in argv if "MappingKernelManager" in a}
    idle = value["--MappingKernelManager.cull_idle_timeout"]
    interval = value["--MappingKernelManager.cull_interval"]
    assert idle + interval <= 120
