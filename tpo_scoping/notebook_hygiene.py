"""Keep notebooks diff-friendly: stored with outputs and execution counts stripped.

``python -m tpo_scoping.notebook_hygiene [--fix] FILE...`` exits 1 listing notebooks that carry
outputs (``--fix`` strips them in place). The test suite runs the same check over ``notebooks/``
and ``apps/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def dirty_cells(path: str | Path) -> list[int]:
    """Indexes of code cells that carry outputs or an execution count."""
    nb = nbformat.read(str(path), as_version=4)
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def strip(path: str | Path) -> None:
    """Remove outputs and execution counts in place."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, str(path))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    fix = "--fix" in args
    paths = [a for a in args if a != "--fix"]
    bad = [p for p in paths if dirty_cells(p)]
    for p in bad:
        if fix:
            strip(p)
            print(f"stripped {p}")
        else:
            print(f"{p}: has outputs; run python -m tpo_scoping.notebook_hygiene --fix {p}")
    return 1 if bad and not fix else 0


if __name__ == "__main__":
    sys.exit(main())
