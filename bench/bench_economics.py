"""Benchmark of the break-even economics.

* 100,000 Monte Carlo scenarios over a 36-month horizon, timed as a ratio to the time numpy
  takes just to draw the same random numbers (same generator, same triangular draws, same
  chunks). Target: at most 5x.
* Peak memory of that run: numpy allocations traced with tracemalloc, and the peak resident
  memory of a fresh process doing only that run. Target: under 500 MB.
* The live path (``simulations=0, sensitivity=False``), which calculators call on every input
  change. Target: under 100 ms.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _report import best_of, emit, peak_rss_mb, row  # noqa: E402

from tpo_scoping.assumptions import resolve_assumptions  # noqa: E402
from tpo_scoping.economics import break_even, monte_carlo  # noqa: E402
from tpo_scoping.economics.model import Context  # noqa: E402
from tpo_scoping.economics.uncertainty import CHUNK  # noqa: E402
from tpo_scoping.profile import load_profile  # noqa: E402

SCENARIOS = 100_000
HORIZON = 36
SEED = 2024
PROFILE = HERE.parent / "sample_data" / "growing_healthcare" / "profile.yaml"


def _setup() -> tuple[dict, Context]:
    profile = load_profile(PROFILE)
    return resolve_assumptions(profile.assumptions), Context.from_profile(profile, HORIZON)


def draw_only(table: dict) -> None:
    """The baseline: numpy drawing exactly the numbers the Monte Carlo draws."""
    rng = np.random.default_rng(SEED)
    varying = [a for a in table.values() if a.vary and a.high > a.low]
    done = 0
    while done < SCENARIOS:
        size = min(CHUNK, SCENARIOS - done)
        for a in varying:
            rng.triangular(a.low, a.value, a.high, size)
        done += size


def memory_child() -> None:
    table, ctx = _setup()
    before = peak_rss_mb()
    monte_carlo(table, ctx, SCENARIOS, SEED)
    print(f"{before} {peak_rss_mb()}")


def main() -> None:
    table, ctx = _setup()
    monte_carlo(table, ctx, 2_000, SEED)  # warm up imports and caches
    baseline = best_of(lambda: draw_only(table), repeat=5)
    full = best_of(lambda: monte_carlo(table, ctx, SCENARIOS, SEED), repeat=5)
    ratio = full / baseline

    tracemalloc.start()
    monte_carlo(table, ctx, SCENARIOS, SEED)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_mb = traced_peak / 2**20

    proc = subprocess.run(
        [sys.executable, __file__, "--memory-child"], capture_output=True, text=True, check=True
    )
    rss_before, rss_after = (float(x) for x in proc.stdout.split()[-2:])

    profile = load_profile(PROFILE)
    break_even(profile, simulations=0, sensitivity=False)
    start = time.perf_counter()
    for _ in range(20):
        break_even(profile, simulations=0, sensitivity=False)
    live_ms = (time.perf_counter() - start) / 20 * 1000

    emit(
        [
            row(
                "economics_monte_carlo_100k_x_36_months",
                full,
                "s",
                "<= 5x numpy drawing the same numbers",
                ratio <= 5.0,
                ratio=ratio,
                baseline_s=baseline,
                scenarios=SCENARIOS,
                horizon_months=HORIZON,
            ),
            row(
                "economics_monte_carlo_peak_traced_memory",
                traced_mb,
                "MB",
                "< 500 MB",
                traced_mb < 500,
            ),
            row(
                "economics_monte_carlo_peak_rss_fresh_process",
                rss_after,
                "MB",
                "< 500 MB",
                rss_after < 500,
                rss_before_run_mb=rss_before,
            ),
            row(
                "economics_live_path_break_even",
                live_ms,
                "ms",
                "< 100 ms (simulations=0, sensitivity=False)",
                live_ms < 100,
            ),
        ]
    )


if __name__ == "__main__":
    if "--memory-child" in sys.argv:
        memory_child()
    else:
        main()
