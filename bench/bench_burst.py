"""Burst: 50 anonymous visitors open the public calculator at once, beside the workbench.

The machine runs what a deployment on one host runs: the workbench (``tpo-scoping serve``, as
``make run`` serves it, kernel pool on) and the public calculator (``tpo-scoping serve
--public``, default capacity limits), each a process of its own. Then:

1. **quiet**: a sales engineer opens the scoping calculator in headless Chromium on the
   workbench; the time to its first answer (``.tpo-ready``) is the baseline;
2. **burst**: 50 plain HTTP GETs of the public calculator at once, each from its own loopback
   address (127.0.1.1-50, so that the per-address rate does not hide the cap), while the sales
   engineer opens the scoping calculator again. Every 0.2 s the public server's kernels are
   counted and its memory (server plus kernels) summed;
3. **reclaim**: the visitors fetched the page and never ran it, as a crawler or a flood does;
   the seconds until the public server is back to its pool are timed.

Reported: answers by status (200 admitted, 503 over the cap; every refusal must carry
``Retry-After``), the peak kernel count against the cap, peak memory against the budget
(cap x :data:`MB_PER_KERNEL` + :data:`SERVER_MB`), the engineer's first answer during the burst
as a ratio to the quiet one, the slowest admitted page, and the reclaim time. A benchmark
never fails the build; a missed target is reported.
"""

from __future__ import annotations

import http.client
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _report import emit, row  # noqa: E402

from tpo_scoping.voila.processes import (  # noqa: E402
    kernel_processes,
    resident_mb,
    wait_until_settled,
)
from tpo_scoping.voila.server import default_max_kernels  # noqa: E402

VISITORS = 50
MB_PER_KERNEL = 250
"""Memory budget per public kernel: the break-even calculator's kernel measures about 175-200 MB
(README, benchmarks), with room for a visitor's inputs."""
SERVER_MB = 400
"""Memory budget of the public server process itself (Voilà, tornado, the page template)."""
ENGINEER_SLOWDOWN_TARGET = 3.0
"""The sales engineer's first answer during the burst, as a ratio to the quiet one."""
RECLAIM_TARGET_S = 150
PAGE_TIMEOUT_S = 300


def fetch(port: int, index: int) -> dict[str, Any]:
    """One anonymous visitor: GET the calculator from its own loopback address."""
    address = f"127.0.1.{index + 1}"
    start = time.monotonic()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=PAGE_TIMEOUT_S, source_address=(address, 0)
    )
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read()
        return {
            "status": response.status,
            "retry_after": response.getheader("Retry-After"),
            "seconds": time.monotonic() - start,
            "bytes": len(body),
        }
    except OSError as exc:
        return {"status": None, "error": f"{type(exc).__name__}: {exc}"[:120]}
    finally:
        conn.close()


def engineer_first_answer(browser: Any, url: str) -> float | None:
    """A sales engineer opens the scoping calculator: seconds to its first answer."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        start = time.monotonic()
        page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
        page.wait_for_selector(".tpo-ready", state="attached", timeout=PAGE_TIMEOUT_S * 1000)
        return time.monotonic() - start
    except Exception as exc:  # a benchmark reports failures; it never raises
        print(f"engineer's page failed: {exc}"[:300], file=sys.stderr)
        return None
    finally:
        page.close(run_before_unload=True)
        time.sleep(1)
        context.close()


class Watch:
    """Samples the public server's kernel count and memory until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kernels = 0
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kernels = max(self.peak_kernels, len(kernel_processes(self.pid)))
            self.peak_mb = max(self.peak_mb, sum(resident_mb(self.pid).values()))
            self._stop.wait(0.2)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer

    if CHROMIUM is None:
        emit([row("burst: chromium", None, "", "chromium installed", False)])
        return
    cap = default_max_kernels(public=True)
    budget_mb = cap * MB_PER_KERNEL + SERVER_MB
    logs = Path(tempfile.mkdtemp(prefix="tpo-bench-burst-"))
    workbench = VoilaServer(log_path=logs / "workbench.log")
    public = VoilaServer("--public", log_path=logs / "public.log")
    rows: list[dict[str, Any]] = []
    try:
        workbench.wait_ready()
        public.wait_ready()
        apps = len(list((ROOT / "apps").glob("*.ipynb")))
        wait_until_settled(workbench.proc.pid, kernels=apps, timeout=600)
        wait_until_settled(public.proc.pid, kernels=1, timeout=300)
        engineer_url = workbench.url("/voila/render/scoping_calculator.ipynb")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            engineer_first_answer(browser, engineer_url)  # warm the browser's own caches
            wait_until_settled(workbench.proc.pid, kernels=apps, timeout=600)
            quiet = engineer_first_answer(browser, engineer_url)
            wait_until_settled(workbench.proc.pid, kernels=apps, timeout=600)
            with Watch(public.proc.pid) as watch, ThreadPoolExecutor(VISITORS) as pool:
                start = time.monotonic()
                futures = [pool.submit(fetch, public.port, i) for i in range(VISITORS)]
                time.sleep(1)  # the burst is under way: admitted notebooks are running
                busy = engineer_first_answer(browser, engineer_url)
                answers = [f.result() for f in futures]
                burst_s = time.monotonic() - start
            browser.close()
        ended = time.monotonic()
        deadline = ended + 300
        while len(kernel_processes(public.proc.pid)) > 1 and time.monotonic() < deadline:
            time.sleep(2)
        reclaim_s = time.monotonic() - ended
        left = len(kernel_processes(public.proc.pid))
    finally:
        public.stop()
        workbench.stop()

    by_status: dict[str, int] = {}
    for a in answers:
        by_status[str(a.get("status"))] = by_status.get(str(a.get("status")), 0) + 1
    admitted = [a for a in answers if a.get("status") == 200]
    refused = [a for a in answers if a.get("status") in (429, 503)]
    polite = all(a.get("retry_after") for a in refused)
    slowest = max((a["seconds"] for a in admitted), default=None)
    ratio = busy / quiet if busy and quiet else None
    print(
        {
            "cap": cap,
            "by_status": by_status,
            "peak_kernels": watch.peak_kernels,
            "peak_mb": round(watch.peak_mb),
            "quiet_s": quiet,
            "busy_s": busy,
            "burst_s": burst_s,
            "reclaim_s": reclaim_s,
            "kernels_left": left,
            "cores": os.cpu_count(),
        },
        file=sys.stderr,
    )
    rows += [
        row(
            f"burst: {VISITORS} anonymous pages, admitted / refused (503 or 429)",
            len(admitted),
            "pages",
            f"<= cap {cap}; every refusal with Retry-After",
            len(admitted) + len(refused) == VISITORS and len(admitted) <= cap and polite,
            by_status=by_status,
        ),
        row(
            "burst: peak public kernels (pool included)",
            watch.peak_kernels,
            "kernels",
            f"<= {cap}",
            watch.peak_kernels <= cap,
        ),
        row(
            "burst: peak memory of the public server and its kernels",
            round(watch.peak_mb),
            "MB",
            f"<= {budget_mb} ({cap} x {MB_PER_KERNEL} + {SERVER_MB})",
            watch.peak_mb <= budget_mb,
        ),
        row(
            "burst: sales engineer's scoping calculator, first answer during the burst",
            round(busy, 2) if busy else None,
            "s",
            f"answers; <= {ENGINEER_SLOWDOWN_TARGET}x quiet ({quiet:.2f} s)"
            if quiet
            else "answers",
            busy is not None and (ratio or 1e9) <= ENGINEER_SLOWDOWN_TARGET,
            ratio=round(ratio, 2) if ratio else None,
        ),
        row(
            "burst: slowest admitted public page (GET, notebook run server-side)",
            round(slowest, 1) if slowest else None,
            "s",
            f"< {PAGE_TIMEOUT_S}",
            slowest is not None and slowest < PAGE_TIMEOUT_S,
            burst_s=round(burst_s, 1),
        ),
        row(
            "burst: public kernels reclaimed after the visitors left",
            round(reclaim_s),
            "s",
            f"<= {RECLAIM_TARGET_S}; back to the pool",
            reclaim_s <= RECLAIM_TARGET_S and left <= 1,
            kernels_left=left,
        ),
    ]
    emit(rows)


if __name__ == "__main__":
    main()
