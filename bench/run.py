"""Run every ``bench/bench_*.py`` and collect results into bench/results.json and results.md.

Each benchmark script prints a JSON list of results on its last stdout line, each
``{name, value, unit, ratio, target, passed}`` (``bench/_report.py`` helps). Timings are ratios
against a baseline measured in the same run, because the machine is shared and noisy.
Benchmarks never fail the build: a missed target is reported, not raised.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only scripts whose name contains this")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if args.only in s.stem]
    results: list[dict] = []
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        try:
            rows = json.loads(lines[-1]) if lines else []
        except json.JSONDecodeError:
            rows = []
        if proc.returncode != 0 or not rows:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            print(f"  {script.name} failed:\n    " + "\n    ".join(tail), file=sys.stderr)
            rows = [
                {
                    "name": script.stem,
                    "value": None,
                    "unit": "",
                    "ratio": None,
                    "target": "script runs",
                    "passed": False,
                    "error": " | ".join(tail),
                }
            ]
        for row in rows:
            row.setdefault("script", script.name)
        results.extend(rows)
        print(f"  done in {elapsed:.1f} s", file=sys.stderr)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    (HERE / "results.md").write_text(_markdown(results), "utf-8")
    print(_markdown(results))
    return 0


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _markdown(results: list[dict]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "| name | value | unit | ratio | target | passed |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        mark = "yes" if r.get("passed") else "**no**"
        lines.append(
            f"| {r['name']} | {_fmt(r.get('value'))} | {r.get('unit', '')} | {_fmt(r.get('ratio'))}"
            f" | {r.get('target', '')} | {mark} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
