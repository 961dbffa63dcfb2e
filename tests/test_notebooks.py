"""The four consultant notebooks: structure (one parameters cell, thin cells, checks) and a full
run for a sample prospect other than the notebooks' default.

nbval (``make test``) executes every notebook with its default parameters; the run here executes
them through ``run_notebooks`` for ``not_ready`` (the prospect whose verdict, readiness and KPIs
differ most from the default), so the parameters really reach every analysis, and checks the
client HTML. Each notebook's own ``checks`` cell asserts its figures are in range and consistent.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, SAMPLES
from tpo_scoping.notebooks.client_html import CLIENT_HIDDEN_TAGS
from tpo_scoping.notebooks.run import declared_parameters, run_notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "01_discovery_call.ipynb",
    "02_training_needs_analysis.ipynb",
    "03_economics_deep_dive.ipynb",
    "04_kpis_and_engagement_brief.ipynb",
    "05_quarterly_business_review.ipynb",
]
PROSPECT_NOTEBOOKS = EXPECTED[:4]
"""Notebooks parameterised by a prospect's profile; the review is parameterised by an
engagement folder instead."""
# Statements that would be logic of the notebook's own rather than calls into the package.
LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.Try)


def _read(path: Path):
    return nbformat.read(str(path), as_version=4)


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def test_the_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_first(path: Path) -> None:
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in nb.cells if "parameters" in _tags(c)]
    assert len(tagged) == 1
    assert code[0] is tagged[0], "the parameters cell must be the first code cell"
    names = declared_parameters(path)
    values: dict[str, object] = {}
    exec(tagged[0].source, {}, values)  # plain literals only
    if path.name not in PROSPECT_NOTEBOOKS:
        assert {"engagement_path", "quarter", "output_dir"} <= set(names)
        folder = (path.parent / str(values["engagement_path"])).resolve()
        assert (folder / "engagement.yaml").exists() and folder.parent == SAMPLES / "engagements"
        assert values["quarter"] is None
        return
    assert {"profile_path", "data_path", "as_of", "seed"} <= set(names)
    default = (path.parent / str(values["profile_path"])).resolve()
    assert default.exists() and default.parent.parent == SAMPLES
    assert values["data_path"] is None and values["as_of"] is None
    assert isinstance(values["seed"], int)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_thin_and_checked(path: Path) -> None:
    nb = _read(path)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    checks = [c for c in nb.cells if "checks" in _tags(c)]
    assert len(checks) == 1 and nb.cells[-1] is checks[0], "one checks cell, last"
    assert len(re.findall(r"^assert ", checks[0].source, flags=re.M)) >= 5
    for cell in nb.cells:
        if cell.cell_type != "code" or "checks" in _tags(cell):
            continue
        tree = ast.parse(cell.source)
        logic = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, LOGIC)]
        assert not logic, f"cell {cell.id} holds logic ({logic}); move it into tpo_scoping"
        assert "import" not in cell.source or all(
            n.module.startswith("tpo_scoping")
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module
        )
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert sum("## " in c.source for c in markdown) >= 3, "a narrative with sections"


@pytest.fixture(scope="module")
def not_ready_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("not_ready")
    lines: list[str] = []
    runs = run_notebooks(
        SAMPLES / "not_ready" / "profile.yaml",
        out,
        seed=3,
        simulations=300,
        progress=lines.append,
    )
    return out, runs, lines


@pytest.mark.slow
def test_all_notebooks_run_for_another_prospect(not_ready_run) -> None:
    out, runs, lines = not_ready_run
    assert [r.notebook.name for r in runs] == PROSPECT_NOTEBOOKS
    assert sum("done in" in line for line in lines) == 4
    for run in runs:
        nb = _read(run.notebook)
        injected = next(c for c in nb.cells if "injected-parameters" in _tags(c))
        assert "not_ready" in injected.source and "seed = 3" in injected.source
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors
    brief = out / "brief"
    assert (brief / "engagement_brief.html").stat().st_size > 0
    assert (brief / "engagement_brief.xlsx").stat().st_size > 0


@pytest.mark.slow
def test_parameters_reach_the_analyses(not_ready_run) -> None:
    out, _runs, _ = not_ready_run
    discovery = (out / "01_discovery_call.html").read_text()
    # not_ready's planted truth: readiness all false, so the verdict is "not ready".
    assert "Not ready yet" in discovery
    assert "Example Health Services" not in discovery  # the default prospect
    economics = _read(out / "03_economics_deep_dive.ipynb")
    text = "".join(
        o.get("data", {}).get("text/html", "")
        for c in economics.cells
        for o in c.get("outputs", [])
    )
    assert "We drew 300 futures" in text and "seed 3" in text


@pytest.mark.slow
def test_client_html_is_clean(not_ready_run) -> None:
    _, runs, _ = not_ready_run
    for run in runs:
        html = run.html.read_text()
        assert "<img" in html and 'src="data:image/svg+xml;base64,' in html
        assert not re.search(r"<script[^>]+src=", html), run.html.name
        assert "For the consultant" not in html
        assert "Checks (run in CI" not in html
        assert "profile_path" not in html
        assert "Traceback" not in html
        for tag in CLIENT_HIDDEN_TAGS:
            assert f'"{tag}"' not in html
