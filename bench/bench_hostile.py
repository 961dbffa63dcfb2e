"""Benchmark: peak memory while the loader refuses hostile files under the 10 MB upload limit.

Each file (``tests/corpus/hostile.py``, plus a few CSVs) is handed to the loader as an upload
with the needs app's limits, in a fresh process, and that process's peak resident memory is
read from ``getrusage``. The baseline is a fresh process that imports the loader and refuses an
empty upload. Target: every refusal peaks under 300 MB, and each comes with a message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from _report import emit, row  # noqa: E402

UPLOAD = 10 * 1024 * 1024
TARGET_MB = 300

CHILD = """
import json, resource, sys, time
from tpo_scoping.errors import InputError
from tpo_scoping.ingest import load_performance_data
name, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read() if path else b""
start = time.perf_counter()
try:
    load_performance_data({name: data}, max_bytes=MAX_BYTES)
    outcome = "accepted"
except InputError as exc:
    outcome = str(exc)
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "seconds": took, "peak_mb": peak}))
""".replace("MAX_BYTES", str(UPLOAD))


def _measure(name: str, path: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, name, path], capture_output=True, text=True, cwd=ROOT
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        return {"outcome": f"crashed: {proc.stderr.strip()[-200:]}", "seconds": 0, "peak_mb": 0}
    return json.loads(lines[-1])


def _csv_cases() -> dict[str, bytes]:
    header = b"employee_id,site,role,hire_date\n"
    return {
        # Ten million line ends: a row count far past anything a 10 MB table holds.
        "many_rows.csv": header + b"\n" * (UPLOAD - 100),
        # One field of almost 10 MB behind quotes.
        "one_long_field.csv": header + b'"' + b"x" * (UPLOAD - 200) + b'",a,b,c\n',
        # A header of 5,000 columns.
        "wide_header.csv": b",".join(b"c%d" % i for i in range(5_000)) + b"\n1\n",
    }


def main() -> None:
    from tests.corpus import hostile

    started = time.perf_counter()
    cases = {
        "declared_far_cell.xlsx": hostile.declared_far_cell(),
        "undeclared_far_cell.xlsx": hostile.undeclared_far_cell(),
        "undeclared_far_cell_row_50000.xlsx": hostile.undeclared_far_cell(row=50_000),
        "long_strings.xlsx": hostile.long_strings(),
        "many_cells.xlsx": hostile.many_cells(),
        "lying_zip_directory.xlsx": hostile.lying_size(),
        **_csv_cases(),
    }
    print(f"built {len(cases)} files in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rows = []
    baseline = _measure("empty.csv", "")["peak_mb"]
    rows.append(
        row(
            "hostile files: baseline (imports, empty upload)",
            round(baseline),
            "MB",
            "reported",
            True,
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in cases.items():
            assert len(data) <= UPLOAD, f"{name} is {len(data):,} bytes, over the upload limit"
            path = Path(tmp) / name
            path.write_bytes(data)
            result = _measure(name, str(path))
            refused = result["outcome"] != "accepted" and not result["outcome"].startswith(
                "crashed"
            )
            peak = result["peak_mb"]
            print(
                f"{name}: {len(data):,} bytes, peak {peak:.0f} MB, {result['seconds']:.2f} s:"
                f" {result['outcome'][:110]}",
                file=sys.stderr,
            )
            rows.append(
                row(
                    f"hostile files: {name} ({len(data) / 1e6:.1f} MB) refused",
                    round(peak),
                    "MB",
                    f"refused with a message, peak < {TARGET_MB} MB",
                    refused and peak < TARGET_MB,
                    ratio=round(peak / baseline, 2) if baseline else None,
                    seconds=round(result["seconds"], 2),
                    message=result["outcome"][:200],
                )
            )
        # For reference: a workbook just under the cell limit is read, not refused.
        edge = Path(tmp) / "edge.xlsx"
        edge.write_bytes(hostile.many_cells(rows=340_000))
        result = _measure("edge.xlsx", str(edge))
        rows.append(
            row(
                "hostile files: 1.02 million cells, just under the limit, read",
                round(result["peak_mb"]),
                "MB",
                "reported (read, not refused)",
                result["outcome"] == "accepted",
                seconds=round(result["seconds"], 1),
            )
        )
    emit(rows)


if __name__ == "__main__":
    main()
