"""Helpers for benchmark scripts: best-of timing, peak memory and the result row format."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Fastest wall-clock time of ``repeat`` calls, in seconds (least disturbed by noise)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(
    name: str,
    value: float | None,
    unit: str,
    target: str,
    passed: bool,
    ratio: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "ratio": ratio,
        "target": target,
        "passed": bool(passed),
        **extra,
    }


def emit(rows: list[dict[str, Any]]) -> None:
    """Print the rows as the last stdout line, the format bench/run.py reads."""
    print(json.dumps(rows))
