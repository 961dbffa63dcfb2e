"""Apps in headless Chromium: time to interactive, input-to-output latency, kernel memory.

One ``tpo-scoping serve`` per mode, serving the apps plus ``bench/bare_slider.ipynb`` (the
baseline: one slider) from a temporary folder of links:

* cold (``--pool-size=0``): navigation -> ``.tpo-app`` attached (first widget) and
  ``.tpo-ready`` attached (first answer), both timed in the page during one visit, each as a
  ratio to the bare slider (target <= 1.3x). The calculators' default first answers are kept
  across kernels (``tpo_scoping.voila.answer_cache``); one visit per app fills that cache
  before the rounds, as the first visitor after an upgrade (or the pool) does;
* cold, computed: the same with the cache switched off, so every first answer is computed
  in the visitor's kernel (reported, no target: what the cache buys);
* pool (``--pool-size=1``): the same after the pool has filled (target <= 1.0x);
* ``REPEAT`` rounds, each visiting every app in a shuffled order with a bare slider before and
  after each app, each visit in a fresh browser context with the server and its kernels quiet
  before it starts (the pool refilled, the last page's kernel gone); a ratio is the median over
  rounds of the app against the mean of the two sliders around it;
* input change -> updated answer on the calculators, timed in the page from the Enter key to
  the frame showing the new answer, median of 7 changes each made a second after the previous
  one (target <= 200 ms);
* kernel RSS per app session after those input changes (target <= 250 MB).

``bench/README.md`` keeps the history of these figures and of the start-up mechanisms tried.
"""

from __future__ import annotations

import os
import random
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

from tpo_scoping.voila.answer_cache import SWITCH as ANSWER_CACHE  # noqa: E402
from tpo_scoping.voila.processes import resident_mb, wait_until_settled  # noqa: E402

APPS = ("breakeven", "scoping_calculator", "kpi_drafter", "needs_analysis", "index")
NOTEBOOKS = len(APPS) + 1
"""The apps plus the bare slider: the kernels a full pool holds."""
REPEAT = 7
ORDER_SEED = 20261206
"""Seeds the order of the apps in each round (round ``r`` uses ``ORDER_SEED + r``)."""


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
        for mode, pool, kept in (
            ("cold", 0, True),
            ("cold, computed", 0, False),
            ("pool", 1, True),
        ):
            log = folder / f"server-{mode.replace(', ', '-')}.log"
            os.environ[ANSWER_CACHE] = "on" if kept else "off"  # the kernels inherit it
            server = VoilaServer(f"--pool-size={pool}", log_path=log, apps=folder)
            try:
                server.wait_ready()
                target = {"cold": 1.3, "pool": 1.0}.get(mode)

                def visit(
                    name: str, server: VoilaServer = server, pool: int = pool
                ) -> dict[str, float]:
                    """Seconds from navigation to each stage, timed in the page."""
                    # The pool refilled (one kernel per notebook), the last page's kernel gone,
                    # the server and every kernel idle.
                    wait_until_settled(server.proc.pid, kernels=pool * NOTEBOOKS, timeout=120)
                    context = browser.new_context()
                    page = context.new_page()
                    page.add_init_script(MARK_STAGES)
                    try:
                        page.goto(server.url(f"/voila/render/{name}.ipynb"), wait_until="commit")
                        page.wait_for_selector(".tpo-ready", state="attached", timeout=180_000)
                        stages = page.evaluate("window.__tpoStages")
                    finally:
                        page.close(run_before_unload=True)  # Voilà shuts the kernel down
                        context.close()
                    return {stage: stages[stage] / 1000 for stage in ("widget", "answer")}

                if mode == "cold":
                    for name in APPS:  # the first visitor computes and keeps the answer
                        visit(name)
                rows.extend(_time_to_interactive(visit, mode, target))
                if mode == "cold":
                    rows.extend(_latency_and_memory(browser, server))
            finally:
                server.stop()
        browser.close()
    emit(rows)


def _time_to_interactive(visit, mode: str, target: float | None) -> list[dict]:  # type: ignore[no-untyped-def]
    """REPEAT rounds, each visiting every app once, in a shuffled order, between bare sliders.

    A round is: bare slider, app, bare slider, app, …, bare slider. Each app's ratio is its time
    against the mean of the two bare-slider visits just before and just after it, and the
    reported ratio is the median over the rounds. Bracketing each visit cancels most of the
    drift of a shared machine, and the shuffled order (seeded) keeps an app from always
    following the same neighbour.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    visit("bare_slider")  # warm the browser and the server
    seconds: dict[tuple[str, str], list[float]] = {}
    ratios: dict[tuple[str, str], list[float]] = {}
    hung: set[str] = set()
    for round_ in range(REPEAT):
        order = list(APPS)
        random.Random(ORDER_SEED + round_).shuffle(order)
        before = visit("bare_slider")["answer"]
        seconds.setdefault(("bare_slider", "answer"), []).append(before)
        for name in order:
            try:
                took = visit(name)
            except PlaywrightTimeout:
                print(f"{name} ({mode}): never ready", file=sys.stderr)
                hung.add(name)
                took = None
            after = visit("bare_slider")["answer"]
            seconds[("bare_slider", "answer")].append(after)
            if took is not None:
                for stage, value in took.items():
                    seconds.setdefault((name, stage), []).append(value)
                    ratios.setdefault((name, stage), []).append(value / ((before + after) / 2))
            before = after
    bare = statistics.median(seconds[("bare_slider", "answer")])
    rows = [row(f"tti bare slider ({mode})", bare, "s", "baseline", True)]
    for name in APPS:
        for stage, what in (("widget", "first widget"), ("answer", "first answer")):
            ok = name not in hung and (name, stage) in ratios
            ratio = statistics.median(ratios[(name, stage)]) if ok else None
            value = statistics.median(seconds[(name, stage)]) if ok else None
            rows.append(
                row(
                    f"tti {name} {what} ({mode})",
                    value,
                    "s",
                    f"<= {target}x bare slider" if target is not None else "reported",
                    ratio is not None and (target is None or ratio <= target),
                    ratio=ratio,
                    ratios=[round(r, 3) for r in ratios.get((name, stage), [])],
                )
            )
    return rows


MARK_STAGES = """(() => {
  const stages = {};
  window.__tpoStages = stages;
  const mark = () => {
    if (stages.widget === undefined && document.querySelector(".tpo-app")) {
      stages.widget = performance.now();
    }
    if (stages.answer === undefined && document.querySelector(".tpo-ready")) {
      stages.answer = performance.now();
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    mark();
    new MutationObserver(mark).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
    });
  });
})()"""
"""Timed in the page, from navigation start (``performance.now()``) to the first widget
(``.tpo-app``) and the first answer (``.tpo-ready``) appearing in one visit."""


WATCH_OUTPUT = """output => {
  const box = document.querySelector(output);
  const before = box.innerText;
  window.__tpoLatency = new Promise(resolve => {
    let start = null;
    document.addEventListener("keydown", event => {
      if (event.key === "Enter") start = performance.now();
    }, {capture: true, once: true});
    const seen = new MutationObserver(() => {
      if (start !== null && box.innerText !== before) {
        seen.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      }
    });
    seen.observe(box, {subtree: true, childList: true, characterData: true, attributes: true});
  });
}"""
"""Timed in the page: from the Enter key that commits the field to the frame that shows the
changed output (the driver's own round trips are not part of what a user waits for). Each change
is made a second after the previous one, once its answer and chart are drawn."""


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
        times = []
        for i in range(7):
            # A user reads the answer before the next change: start from a settled page (the
            # previous change's answer and chart drawn), not while the last chart still renders.
            page.wait_for_timeout(1000)
            page.evaluate(WATCH_OUTPUT, output)
            page.fill(field, str(60 + 10 * i))
            page.press(field, "Enter")
            times.append(page.evaluate("window.__tpoLatency"))
        median = statistics.median(times)
        out.append(
            row(f"input -> output {app} (median of 7)", median, "ms", "<= 200 ms", median <= 200)
        )
        page.wait_for_timeout(1000)  # the charts of the last change drawn
        after_rss = resident_mb(server.proc.pid, kernels_only=True)
        new = [rss for pid, rss in after_rss.items() if pid not in before_rss]
        rss = max(new) if new else None
        out.append(row(f"kernel rss {app}", rss, "MB", "<= 250 MB", rss is not None and rss <= 250))
    context.close()
    return out


if __name__ == "__main__":
    main()
