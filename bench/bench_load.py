"""Load test: concurrent sessions of the public calculator, driven from a second process.

This script starts ``tpo-scoping serve --public`` as a subprocess on a free loopback port, then
opens N pages at once in headless Chromium (Playwright; one browser, one context per session;
the server runs at a lower CPU priority than the browser, see ``main``). Each session must
render the calculator (``.tpo-ready``), show an answer and the chart, and answer a changed
input, with no error in the page. The pages are then closed the way a person closes a tab
(``beforeunload`` runs, which asks Voilà to shut the kernel down), and the kernel processes
under the server are counted until they are gone. Memory is the summed resident memory of the
server and its kernels at the peak.

Steps: the required 20 sessions, then larger batches (``--probe``) until a batch fails or the
step budget runs out; the largest batch that fully succeeded is "max concurrent sessions".
Everything is bounded in count and time (per-page timeout, overall deadline), so it stops by
itself. Run with ``make bench`` or ``make soak`` (``bench/run.py --only load``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _report import emit, row  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer  # noqa: E402
from tpo_scoping.voila.processes import kernel_processes, resident_mb  # noqa: E402

MEMORY_BUDGET_MB = 8_000
"""Stated budget for 20 sessions: server plus 20 kernels (about 250 MB each) with room."""
PAGE_TIMEOUT_S = 240
SERVER_NICENESS = 10
RECLAIM_TIMEOUT_S = 90


async def session(browser: Any, url: str, index: int) -> dict[str, Any]:
    """One person: open, see an answer and the chart, change the team size, see the new
    answer, leave."""
    start = time.monotonic()
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_S * 1000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector(".tpo-ready", state="attached")
        await page.wait_for_selector(".tpo-answer-box .tpo-answer")
        first = time.monotonic() - start
        await page.wait_for_selector(".tpo-chart .marks", state="attached")
        before = await page.inner_text(".tpo-answer-box")
        box = page.locator("input.tpo-number, .tpo-number input").first
        await box.fill(str(60 + index))
        await box.press("Enter")
        await page.wait_for_function(
            "b => document.querySelector('.tpo-answer-box').innerText !== b", arg=before
        )
        ok = "TPO" in await page.inner_text(".tpo-answer-box") and not errors
        return {"ok": ok, "first_answer_s": first, "errors": errors, "page": page, "ctx": context}
    except Exception as exc:  # a bench reports failures; it never raises
        error = f"{type(exc).__name__}: {exc}"[:200]
        return {"ok": False, "error": error, "page": page, "ctx": context}


async def batch(server: VoilaServer, n: int) -> dict[str, Any]:
    """``n`` people (one browser context each) open the calculator at once."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        peak = {"mb": 0.0, "kernels": 0}
        done = asyncio.Event()

        async def watch() -> None:
            while not done.is_set():
                peak["mb"] = max(peak["mb"], sum(resident_mb(server.proc.pid).values()))
                peak["kernels"] = max(peak["kernels"], len(kernel_processes(server.proc.pid)))
                await asyncio.sleep(0.5)

        watcher = asyncio.create_task(watch())
        start = time.monotonic()
        results = await asyncio.gather(*(session(browser, server.url("/"), i) for i in range(n)))
        elapsed = time.monotonic() - start
        done.set()
        await watcher
        for r in results:  # leave like a person: beforeunload asks Voilà to shut the kernel
            await r["page"].close(run_before_unload=True)
        # close() returns before the tab has gone; closing the browser under a tab that is still
        # unloading would cancel its shutdown request, which no person's browser does.
        until = time.monotonic() + 60
        while not all(r["page"].is_closed() for r in results) and time.monotonic() < until:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        for r in results:
            await r["ctx"].close()
        await browser.close()
    deadline = time.monotonic() + RECLAIM_TIMEOUT_S
    while kernel_processes(server.proc.pid) and time.monotonic() < deadline:
        time.sleep(1)
    left = len(kernel_processes(server.proc.pid))
    firsts = sorted(r["first_answer_s"] for r in results if r.get("ok"))
    return {
        "n": n,
        "ok": sum(1 for r in results if r.get("ok")),
        "errors": [r.get("error") or r.get("errors") for r in results if not r.get("ok")][:3],
        "elapsed_s": elapsed,
        "p95_first_answer_s": firsts[int(0.95 * (len(firsts) - 1))] if firsts else None,
        "peak_mb": peak["mb"],
        "peak_kernels": peak["kernels"],
        "kernels_left": left,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--probe", type=int, nargs="*", default=[30, 40])
    parser.add_argument("--down", type=int, nargs="*", default=[15, 10, 5])
    parser.add_argument("--deadline", type=float, default=1500, help="overall budget, seconds")
    args = parser.parse_args()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_load_{os.getpid()}.log"
    # Raw capacity: no cap and no rate per address (every session comes from this machine);
    # bench_burst.py measures the server with its limits on.
    server = VoilaServer(
        "--public", "--pool-size=0", "--max-kernels=0", "--pages-per-minute=0", log_path=log
    )
    # The visitors' browsers would run on their own machines; here they share the server's two
    # cores. The server (and the kernels it forks, which inherit this) yields the CPU to the
    # browser, so a page is never starved past the deadlines browsers and widget libraries set
    # themselves (anywidget gives a widget 2 s to load its module) by load it would not meet
    # on a visitor's computer. The server still gets every cycle the browser leaves.
    psutil.Process(server.proc.pid).nice(SERVER_NICENESS)
    server.wait_ready()
    rows = []
    started = time.monotonic()
    try:
        first = asyncio.run(batch(server, args.sessions))
        print(first, file=sys.stderr)
        n = args.sessions
        rows += [
            row(
                f"load: sessions answering of {n}",
                first["ok"],
                "sessions",
                f"= {n}",
                first["ok"] == n,
                errors=first["errors"],
            ),
            row(
                f"load: {n} sessions, slowest first answer (p95)",
                first["p95_first_answer_s"],
                "s",
                "< 240",
                (first["p95_first_answer_s"] or 1e9) < PAGE_TIMEOUT_S,
            ),
            row(
                f"load: {n} sessions, peak memory (server + kernels)",
                round(first["peak_mb"]),
                "MB",
                f"< {MEMORY_BUDGET_MB}",
                first["peak_mb"] < MEMORY_BUDGET_MB,
            ),
            row(
                f"load: kernels left {RECLAIM_TIMEOUT_S} s after {n} pages closed",
                first["kernels_left"],
                "kernels",
                "= 0",
                first["kernels_left"] == 0,
                peak_kernels=first["peak_kernels"],
            ),
        ]
        best = n if first["ok"] == n else 0
        # Past the required batch, probe upwards; short of it, probe downwards, so the figure
        # is the largest batch this machine answered in full either way.
        sizes = args.probe if best == n else [m for m in args.down if m < n]
        for size in sizes:
            if time.monotonic() - started > args.deadline:
                break
            result = asyncio.run(batch(server, size))
            print(result, file=sys.stderr)
            if best == n and result["ok"] != size:
                break
            if result["ok"] == size:
                best = max(best, size)
                if best < n:
                    break
        rows.append(
            row(
                "load: largest batch of concurrent sessions all answering",
                best,
                "sessions",
                f">= {n}",
                best >= n,
            )
        )
    finally:
        server.stop()
    emit(rows)


if __name__ == "__main__":
    main()
