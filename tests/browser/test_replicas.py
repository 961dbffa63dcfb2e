"""Two ``tpo-scoping serve`` replicas behind Debian's nginx, with the repository's configuration.

``deploy/nginx/tpo-scoping.conf`` is used as written, with only its replica addresses and its
``listen`` line pointed at free ports on localhost; nginx runs as a child of the test, with its
files in a temporary folder. Through it:

* new visitors are spread over both replicas (each replica's kernels are counted);
* a visitor stays on its replica: every page opened with the same cookie starts its kernel in
  the same replica;
* a whole session works through the proxy in Chromium: the page, the kernel websocket, an
  answer, a changed input and the updated answer, and no request leaves localhost.
"""

from __future__ import annotations

import getpass
import http.client
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import Page, VoilaServer, assert_clean, free_port, stop_process
from tests.conftest import ROOT
from tpo_scoping.voila.processes import kernel_processes

CONF = ROOT / "deploy" / "nginx" / "tpo-scoping.conf"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)
pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (Debian: apt-get install nginx; make test does it as root)",
)


def site_config(replica_ports: list[int], port: int) -> str:
    """The repository's configuration with its replicas and listen address made local."""
    text = CONF.read_text("utf-8")
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ [^;]*;", text, flags=re.M)
    assert len(servers) == 2, "the example configuration names two replicas"
    for line, replica in zip(servers, replica_ports, strict=True):
        text = text.replace(line, re.sub(r":\d+", f":{replica}", line, count=1))
    text, listens = re.subn(r"^\s*listen 80;", f"    listen 127.0.0.1:{port};", text, flags=re.M)
    assert listens == 1
    return text


class Nginx:
    """nginx in the foreground with its pid, logs and temporary files in ``folder``."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder = folder
        (folder / "site.conf").write_text(site, "utf-8")
        temp = {n: folder / n for n in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir()
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log info;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"  access_log {folder}/access.log;\n"
            + "".join(f"  {n}_temp_path {p};\n" for n, p in temp.items()).replace(
                "body_temp_path", "client_body_temp_path"
            )
            + f"  include {folder}/site.conf;\n"
            "}\n",
            "utf-8",
        )
        self.proc = subprocess.Popen(
            [
                str(NGINX),
                "-p",
                str(folder),
                "-c",
                str(folder / "nginx.conf"),
                "-e",
                str(folder / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text("utf-8", errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, list[VoilaServer]]]:
    folder = tmp_path_factory.mktemp("replicas")
    replicas = [
        VoilaServer(
            "--public",
            "--pool-size=0",
            "--behind-proxy",
            "--pages-per-minute=0",
            log_path=folder / f"replica{i}.log",
        )
        for i in (1, 2)
    ]
    port = free_port()
    nginx = Nginx(folder, site_config([r.port for r in replicas], port))
    try:
        for replica in replicas:
            replica.wait_ready()
        deadline = time.monotonic() + 30
        while True:
            if nginx.proc.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{nginx.log()}")
            try:
                status, _, _ = get(port, "/voila/static/voila.js")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer:\n{nginx.log()}")
            time.sleep(0.3)
        yield port, replicas
    finally:
        nginx.stop()
        for replica in replicas:
            replica.stop()


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=240)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def nginx_log(replicas: list[VoilaServer]) -> str:
    """The end of nginx's error log (it sits beside the replicas' logs)."""
    path = replicas[0].log_path.parent / "error.log"
    return path.read_text("utf-8", errors="replace")[-3000:] if path.exists() else ""


def kernels(replicas: list[VoilaServer]) -> list[set[int]]:
    """Each replica's kernel processes (by id: the idle cull may take old ones meanwhile)."""
    return [{p.pid for p in kernel_processes(r.proc.pid)} for r in replicas]


def started(before: list[set[int]], after: list[set[int]]) -> list[int]:
    """How many kernels each replica started between two looks."""
    return [len(a - b) for a, b in zip(after, before, strict=True)]


def test_new_visitors_are_spread_and_each_stays_on_its_replica(
    proxy: tuple[int, list[VoilaServer]],
) -> None:
    port, replicas = proxy
    cookies: dict[int, str] = {}
    # New visitors (no cookie) until both replicas have one; a fair coin per visitor, so twenty
    # tries leave one replica empty-handed with probability 2 x 2^-20.
    for _ in range(20):
        before = kernels(replicas)
        status, headers, body = get(port, "/")
        assert status == 200 and "<title>Break-even calculator</title>" in body
        cookie = headers["set-cookie"].split(";")[0]
        assert cookie.startswith("tpo_replica=")
        new = started(before, kernels(replicas))
        assert sorted(new) == [0, 1]
        served = new.index(1)
        cookies.setdefault(served, cookie)
        if len(cookies) == 2:
            break
    assert len(cookies) == 2, (
        "every new visitor went to the same replica; nginx said:\n" + nginx_log(replicas)
    )
    # Sticky: the same visitor's next pages start their kernels where the first one did.
    for served, cookie in cookies.items():
        for _ in range(2):
            before = kernels(replicas)
            status, headers, _ = get(port, "/", cookie)
            assert status == 200 and headers["set-cookie"].split(";")[0] == cookie
            new = started(before, kernels(replicas))
            assert new[served] == 1 and new[1 - served] == 0


def test_a_session_works_through_the_proxy(
    proxy: tuple[int, list[VoilaServer]], page: Page
) -> None:
    port, replicas = proxy
    before = kernels(replicas)
    page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
    page.wait_for_selector(".tpo-ready", state="attached")
    page.wait_for_selector(".tpo-answer-box .tpo-answer")
    answer = page.inner_text(".tpo-answer-box")
    box = page.locator("input.tpo-number, .tpo-number input").first
    box.fill("75")
    box.press("Enter")
    page.wait_for_function(
        "b => document.querySelector('.tpo-answer-box').innerText !== b", arg=answer
    )
    assert "TPO" in page.inner_text(".tpo-answer-box")
    assert_clean(page)
    assert sorted(started(before, kernels(replicas))) == [0, 1], "one kernel, in one replica"
