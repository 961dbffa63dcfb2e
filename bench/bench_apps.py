"""Apps in headless Chromium: time to interactive, input-to-output latency, kernel memory.

One ``tpo-scoping serve`` per mode, serving the apps plus ``bench/bare_slider.ipynb`` (the
baseline: one slider) from a temporary folder of links:

* cold (``--pool-size=0``): navigation -> ``.tpo-app`` attached (first widget) and
  ``.tpo-ready`` attached (first answer), each as a ratio to the bare slider (target <= 1.3x);
* pool (``--pool-size=1``): the same after the pool has filled (target <= 1.0x);
* each time is the median of ``REPEAT`` visits, each visit in a fresh browser context, with the
  server's kernels quiet before it starts (the pool refilled, the last page's kernel idle);
* input change -> updated answer on the calculators, median of 7 (target <= 200 ms);
* kernel RSS after the first answer, per app session (target < 200 MB).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _report import emit, row  # noqa: E402

from tpo_scoping.voila.processes import resident_mb, wait_until_settled  # noqa: E402

APPS = ("breakeven", "scoping_calculator", "kpi_drafter", "needs_analysis", "index")
NOTEBOOKS = len(APPS) + 1
"""The apps plus the bare slider: the kernels a full pool holds."""
REPEAT = 3


def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tpo-bench-apps-"))
    for nb in (ROOT / "apps").glob("*.ipynb"):
        (folder / nb.name).symlink_to(nb)
    (folder / "bare_slider.ipynb").symlink_to(HERE / "bare_slider.ipynb")
    return folder


def _time_page(page, url: str, selector: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="attached", timeout=180_000)
    return time.perf_counter() - start


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer

    if CHROMIUM is None:
        emit([row("apps: chromium", None, "", "chromium installed", False)])
        return
    folder = _folder()
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for mode, pool in (("cold", 0), ("pool", 1)):
            log = folder / f"server-{mode}.log"
            server = VoilaServer(f"--pool-size={pool}", log_path=log, apps=folder)
            try:
                server.wait_ready()
                target = 1.3 if mode == "cold" else 1.0

                def visit(
                    name: str,
                    selector: str,
                    server: VoilaServer = server,
                    pool: int = pool,
                    mode: str = mode,
                ) -> float | None:
                    """Median seconds to ``selector`` over REPEAT visits; None if one hangs."""
                    from playwright.sync_api import TimeoutError as PlaywrightTimeout

                    times = []
                    for _ in range(REPEAT):
                        # The pool refilled (one kernel per notebook) and every kernel idle.
                        wait_until_settled(server.proc.pid, kernels=pool * NOTEBOOKS, timeout=120)
                        context = browser.new_context()
                        page = context.new_page()
                        try:
                            url = server.url(f"/voila/render/{name}.ipynb")
                            times.append(_time_page(page, url, selector))
                        except PlaywrightTimeout:
                            print(f"{name} ({mode}): {selector} never appeared", file=sys.stderr)
                            return None
                        finally:
                            page.close(run_before_unload=True)  # Voilà shuts the kernel down
                            context.close()
                    return statistics.median(times)

                visit("bare_slider", ".tpo-ready")  # warm the browser cache and the server
                base = visit("bare_slider", ".tpo-ready") or float("nan")
                rows.append(row(f"tti bare slider ({mode})", base, "s", "baseline", True))
                stages = (("first widget", ".tpo-app"), ("first answer", ".tpo-ready"))
                for app in APPS:
                    for what, selector in stages:
                        took = visit(app, selector)
                        ratio = None if took is None else took / base
                        rows.append(
                            row(
                                f"tti {app} {what} ({mode})",
                                took,
                                "s",
                                f"<= {target}x bare slider",
                                ratio is not None and ratio <= target,
                                ratio=ratio,
                            )
                        )
                if mode == "cold":
                    rows.extend(_latency_and_memory(browser, server))
            finally:
                server.stop()
        browser.close()
    emit(rows)


def _latency_and_memory(browser, server) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    context = browser.new_context()
    page = context.new_page()
    cases = {
        "breakeven": (".tpo-field:has-text('Offshore team today') input", ".tpo-answer-box"),
        "scoping_calculator": (
            ".tpo-field:has-text('New hires per quarter') input",
            ".tpo-verdict-box",
        ),
    }
    for app, (field, output) in cases.items():
        before_rss = resident_mb(server.proc.pid, kernels_only=True)
        _time_page(page, server.url(f"/voila/render/{app}.ipynb"), ".tpo-ready")
        page.wait_for_timeout(2000)
        after_rss = resident_mb(server.proc.pid, kernels_only=True)
        new = [rss for pid, rss in after_rss.items() if pid not in before_rss]
        rss = max(new) if new else None
        out.append(row(f"kernel rss {app}", rss, "MB", "< 200 MB", rss is not None and rss < 200))
        times = []
        for i in range(7):
            value = str(60 + 10 * i)
            script = "s => document.querySelector(s).innerText"
            before = page.evaluate(script, output)
            start = time.perf_counter()
            page.fill(field, value)
            page.press(field, "Enter")
            page.wait_for_function(
                "([s, b]) => document.querySelector(s).innerText !== b", arg=[output, before]
            )
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        out.append(
            row(f"input -> output {app} (median of 7)", median, "ms", "<= 200 ms", median <= 200)
        )
    context.close()
    return out


if __name__ == "__main__":
    main()
