"""Benchmark: the full needs analysis on 10,000 employees × 20 competencies × 24 months.

The dataset comes from the seeded generator (``tpo_scoping.synthetic.scaled``), written as CSVs to a
temporary folder. The baseline is pandas alone reading the same files (``pd.read_csv`` on each);
the measured time is loading, mapping, parsing, checking and running every analysis from those
files. Target: at most 3× the baseline. Peak memory is reported too.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import best_of, emit, peak_rss_mb, row

from tpo_scoping.ingest import load_performance_data
from tpo_scoping.needs import analyse_needs
from tpo_scoping.synthetic import SCENARIOS, generate, scaled, write_dataset

EMPLOYEES = 10_000
COMPETENCIES = 20
MONTHS = 24
TARGET_RATIO = 3.0


def main() -> None:
    scenario = scaled(
        SCENARIOS["large_multicountry"],
        employees=EMPLOYEES,
        competencies=COMPETENCIES,
        months=MONTHS,
    )
    start = time.perf_counter()
    dataset = generate(scenario, seed=20261124)
    generated = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(dataset, tmp) / "data"
        del dataset
        files = sorted(folder.glob("*.csv"))
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        rows = sum(len(pd.read_csv(f)) for f in files)

        def pandas_only() -> None:
            for f in files:
                pd.read_csv(f)

        def full_analysis() -> None:
            analyse_needs(load_performance_data(folder))

        full_analysis()  # warm imports (scipy, statsmodels, pandera) outside the timing
        baseline = best_of(pandas_only, repeat=3)
        measured = best_of(full_analysis, repeat=3)
    ratio = measured / baseline
    print(
        f"generated in {generated:.1f} s; {len(files)} files, {size_mb:.1f} MB, {rows:,} rows;"
        f" pandas read {baseline:.2f} s, full needs analysis {measured:.2f} s",
        file=sys.stderr,
    )
    emit(
        [
            row(
                "needs analysis, 10k employees × 20 competencies × 24 months",
                round(measured, 3),
                "s",
                target=f"≤ {TARGET_RATIO:g}× pandas reading the same CSVs",
                passed=ratio <= TARGET_RATIO,
                ratio=round(ratio, 2),
                baseline_s=round(baseline, 3),
                rows=rows,
                megabytes=round(size_mb, 1),
            ),
            row(
                "needs analysis peak memory",
                round(peak_rss_mb(), 1),
                "MB",
                target="reported",
                passed=True,
            ),
        ]
    )


if __name__ == "__main__":
    main()
