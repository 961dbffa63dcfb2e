"""1,000,000-row performance files: loaded within time and memory, or refused with a message.

The files are generated here, in a temporary folder, and never committed: an employees CSV of
1,000,000 rows (a few junk rows planted), a metrics CSV of 1,000,000 rows against 20,000
employees, and the same employees as uploaded bytes. Times are ratios against reading the same
CSV with bare ``pandas.read_csv`` in the same run. A CSV over the row guard is refused with a
clear message.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import emit, peak_rss_mb, row

ROWS = 1_000_000
REFERENCE = dt.date(2025, 1, 1)


def employees_csv(path: Path, n: int, seed: int = 0) -> int:
    """Write n employees with a few planted junk rows; returns how many rows are junk."""
    rng = np.random.default_rng(seed)
    hire = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2500, n), unit="D")
    frame = pd.DataFrame(
        {
            "employee_id": [f"E{i:07d}" for i in range(n)],
            "site": rng.choice(["Manila", "Bogota", "Pune"], n),
            "country": rng.choice(["PH", "CO", "IN"], n),
            "role": rng.choice(["agent", "team_lead"], n),
            "hire_date": hire.strftime("%Y-%m-%d"),
            "exit_date": "",
        }
    )
    junk = [10, 5_000, 999_999]
    frame.loc[junk[0], "hire_date"] = "1900-01-01"
    frame.loc[junk[1], "hire_date"] = "not a date"
    frame.loc[junk[2], "employee_id"] = frame.loc[0, "employee_id"]  # duplicate
    frame.to_csv(path, index=False)
    return len(junk)


def metrics_csv(path: Path, n: int, employees: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, employees, n)
    months = rng.integers(0, 48, n)
    period = [f"{2021 + m // 12}-{m % 12 + 1:02d}" for m in months]
    pd.DataFrame(
        {
            "employee_id": [f"E{i:07d}" for i in ids],
            "period": period,
            "metric": "productivity",
            "value": rng.normal(100, 15, n).round(2),
        }
    ).to_csv(path, index=False)


def main() -> None:
    from tpo_scoping.errors import InputError
    from tpo_scoping.ingest import load_performance_data

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = folder / "employees.csv"
        junk = employees_csv(big, ROWS)
        start = time.perf_counter()
        pd.read_csv(big, dtype=str)
        baseline = time.perf_counter() - start

        start = time.perf_counter()
        data = load_performance_data(big, reference_date=REFERENCE)
        took = time.perf_counter() - start
        used = data.quality.rows_used["employees"]
        rows.append(
            row(
                "big files: 1M-row employees CSV load",
                round(took, 1),
                "s",
                "ratio < 15",
                took / baseline < 15,
                ratio=round(took / baseline, 1),
            )
        )
        rows.append(
            row(
                "big files: 1M-row employees, planted junk rows dropped",
                ROWS - used,
                "rows",
                f"= {junk}",
                ROWS - used == junk,
            )
        )
        payload = big.read_bytes()
        del data
        start = time.perf_counter()
        data = load_performance_data({"employees.csv": payload}, reference_date=REFERENCE)
        took = time.perf_counter() - start
        rows.append(
            row(
                "big files: 1M-row employees as uploaded bytes",
                round(took, 1),
                "s",
                "ratio < 15",
                took / baseline < 15,
                ratio=round(took / baseline, 1),
                same=data.quality.rows_used["employees"] == used,
            )
        )
        del data, payload

        people = folder / "people"
        people.mkdir()
        employees_csv(people / "employees.csv", 20_000)
        metrics_csv(people / "metrics.csv", ROWS, 20_000)
        start = time.perf_counter()
        data = load_performance_data(people, reference_date=REFERENCE)
        took = time.perf_counter() - start
        rows.append(
            row(
                "big files: 20k employees + 1M metric rows load",
                round(took, 1),
                "s",
                "ratio < 15",
                took / baseline < 15,
                ratio=round(took / baseline, 1),
                metrics_used=data.quality.rows_used.get("metrics"),
            )
        )
        del data

        start = time.perf_counter()
        try:
            load_performance_data(big, max_rows=500_000, reference_date=REFERENCE)
            refused = False
        except InputError as exc:
            refused = "rows" in str(exc)
        took = time.perf_counter() - start
        rows.append(
            row(
                "big files: over the row guard, refused with a message",
                round(took, 2),
                "s",
                "refused, < 5 s",
                refused and took < 5,
            )
        )
    rows.append(
        row("big files: peak memory", round(peak_rss_mb()), "MB", "< 4000", peak_rss_mb() < 4000)
    )
    emit(rows)


if __name__ == "__main__":
    main()
