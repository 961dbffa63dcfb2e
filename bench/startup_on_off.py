"""Each start-up mechanism of the apps on and off, measured in one run (issue 16, point 4).

A one-off measurement, kept in the commit that took it: one ``tpo-scoping serve`` per
configuration, all running at once, each with ``TPO_SCOPING_BENCH_OFF`` naming the mechanisms
its kernels leave out. A round visits, for every configuration in a shuffled order, the bare
slider and then every app; a ratio is an app's time against the bare slider of the same
configuration in the same round, and the reported figure is the median over rounds.

Mechanisms: ``answer_cache`` (first answers remembered on disk), ``dist_info`` (library
versions read from folder names, for the cache's key), ``prepare_thread`` (the first
computation's widget-free part in a background thread), ``quick_switch`` (short switch interval
while that thread runs), ``lazy_numpy`` (numpy.testing/f2py loaded on first use),
``format_checkers`` (jsonschema's unused format packages blocked in ``sys.modules``).

Writes ``bench/startup_on_off.json`` and prints a markdown table.
"""

from __future__ import annotations

import json
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

from bench_apps import APPS, MARK_STAGES, NOTEBOOKS, WATCH_OUTPUT, _folder  # noqa: E402

from tpo_scoping.voila.processes import resident_mb, wait_until_settled  # noqa: E402

MECHANISMS = (
    "answer_cache",
    "dist_info",
    "prepare_thread",
    "quick_switch",
    "lazy_numpy",
    "format_checkers",
)
CONFIGS: dict[str, frozenset[str]] = {
    "all on (today)": frozenset(MECHANISMS),
    "all off": frozenset(),
    "+answer_cache": frozenset({"answer_cache"}),
    "+answer_cache +dist_info": frozenset({"answer_cache", "dist_info"}),
    "+prepare_thread": frozenset({"prepare_thread"}),
    "+prepare_thread +quick_switch": frozenset({"prepare_thread", "quick_switch"}),
    "+lazy_numpy": frozenset({"lazy_numpy"}),
    "+format_checkers": frozenset({"format_checkers"}),
}
POOLED = ("all on (today)", "all off")
MEMORY = ("all on (today)", "all off", "+lazy_numpy", "+format_checkers")
ROUNDS = int(os.environ.get("ROUNDS", "5"))


def start(config: str, pool: int, folder: Path):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import VoilaServer

    off = ",".join(m for m in MECHANISMS if m not in CONFIGS[config])
    os.environ["TPO_SCOPING_BENCH_OFF"] = off  # the server and its kernels inherit it
    slug = "".join(c if c.isalnum() else "-" for c in config)
    return VoilaServer(
        f"--pool-size={pool}", log_path=folder / f"server-{slug}-{pool}.log", apps=folder
    )


def visit(browser, server, name: str, kernels: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    wait_until_settled(server.proc.pid, kernels=kernels, timeout=180)
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(MARK_STAGES)
    try:
        page.goto(server.url(f"/voila/render/{name}.ipynb"), wait_until="commit")
        page.wait_for_selector(".tpo-ready", state="attached", timeout=180_000)
        stages = page.evaluate("window.__tpoStages")
    finally:
        page.close(run_before_unload=True)
        context.close()
    return {stage: stages[stage] / 1000 for stage in ("widget", "answer")}


def rounds(browser, servers: dict, pool: int, seed: int) -> dict:  # type: ignore[no-untyped-def]
    """{(config, app, stage): [ratio per round]} and the bare slider's seconds per config."""
    rng = random.Random(seed)
    ratios: dict[tuple[str, str, str], list[float]] = {}
    bare: dict[str, list[float]] = {}
    kernels = pool * NOTEBOOKS
    for server in servers.values():  # warm each server's first page
        visit(browser, server, "bare_slider", kernels)
    for number in range(ROUNDS):
        order = list(servers)
        rng.shuffle(order)
        for config in order:
            server = servers[config]
            base = visit(browser, server, "bare_slider", kernels)["answer"]
            bare.setdefault(config, []).append(base)
            for app in APPS:
                took = visit(browser, server, app, kernels)
                for stage, seconds in took.items():
                    ratios.setdefault((config, app, stage), []).append(seconds / base)
        print(f"pool={pool} round {number + 1} done", file=sys.stderr, flush=True)
    return {"ratios": ratios, "bare": bare}


def latency_and_rss(browser, server) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out: dict[str, float] = {}
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
        wait_until_settled(server.proc.pid, kernels=0, timeout=120)
        before = resident_mb(server.proc.pid, kernels_only=True)
        page.goto(server.url(f"/voila/render/{app}.ipynb"), wait_until="commit")
        page.wait_for_selector(".tpo-ready", state="attached", timeout=180_000)
        page.wait_for_timeout(2000)
        times = []
        for i in range(7):
            page.wait_for_timeout(1000)
            page.evaluate(WATCH_OUTPUT, output)
            page.fill(field, str(60 + 10 * i))
            page.press(field, "Enter")
            times.append(page.evaluate("window.__tpoLatency"))
        out[f"latency {app} ms"] = statistics.median(times)
        page.wait_for_timeout(1000)
        after = resident_mb(server.proc.pid, kernels_only=True)
        new = [rss for pid, rss in after.items() if pid not in before]
        out[f"rss {app} MB"] = max(new) if new else float("nan")
    context.close()
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    folder = _folder()
    results: dict = {"rounds": ROUNDS, "load_before": os.getloadavg()}
    started = time.time()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        servers = {c: start(c, 0, folder) for c in CONFIGS}
        try:
            for server in servers.values():
                server.wait_ready(timeout=300)
            # The first visitor after an upgrade computes and remembers the default answers.
            for app in APPS:
                visit(browser, servers["all on (today)"], app, 0)
            cold = rounds(browser, servers, 0, seed=1)
            memory = {c: latency_and_rss(browser, servers[c]) for c in MEMORY}
        finally:
            for server in servers.values():
                server.stop()
        pooled_servers = {c: start(c, 1, folder) for c in POOLED}
        try:
            for server in pooled_servers.values():
                server.wait_ready(timeout=300)
            pooled = rounds(browser, pooled_servers, 1, seed=2)
        finally:
            for server in pooled_servers.values():
                server.stop()
        browser.close()
    results["seconds"] = time.time() - started
    results["load_after"] = os.getloadavg()
    results["memory"] = memory
    for label, run in (("cold", cold), ("pooled", pooled)):
        results[label] = {
            "bare_s": {c: statistics.median(v) for c, v in run["bare"].items()},
            "bare_spread_s": {c: [min(v), max(v)] for c, v in run["bare"].items()},
            "ratios": {
                " | ".join(k): {
                    "median": statistics.median(v),
                    "min": min(v),
                    "max": max(v),
                    "all": v,
                }
                for k, v in run["ratios"].items()
            },
        }
    out = HERE / "startup_on_off.json"
    out.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    print(json.dumps(results["memory"], indent=1))
    print(f"written {out} in {results['seconds']:.0f} s; tmp {tempfile.gettempdir()}")


if __name__ == "__main__":
    main()
