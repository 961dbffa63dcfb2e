"""Notebooks are stored diff-friendly: outputs and execution counts stripped (enforced here)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT
from tpo_scoping.notebook_hygiene import dirty_cells, main, strip

NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("apps/*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_stored_without_outputs(path: Path) -> None:
    assert dirty_cells(path) == [], (
        f"{path.name} has outputs: python -m tpo_scoping.notebook_hygiene --fix {path}"
    )


def test_checker_catches_and_fixes_outputs(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)
    ]
    cell.execution_count = 1
    nb.cells = [nbformat.v4.new_markdown_cell("x"), cell]
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, path)
    assert dirty_cells(path) == [1]
    assert main([str(path)]) == 1
    strip(path)
    assert dirty_cells(path) == []
    assert main([str(path)]) == 0
