"""The notebook runner: papermill execution, client HTML export, clear failures (small notebooks).

These use tiny notebooks written on the fly, so they test the runner, not the analyses; the
consultant notebooks themselves are covered by tests/test_notebooks.py and by nbval.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import SAMPLES
from tpo_scoping.errors import InputError
from tpo_scoping.notebooks.client_html import export_html
from tpo_scoping.notebooks.run import (
    NotebookFailure,
    declared_parameters,
    notebook_parameters,
    run_notebooks,
)

PROFILE = SAMPLES / "small_simple" / "profile.yaml"

PARAMETERS = (
    "profile_path = '../sample_data/small_simple/profile.yaml'\n"
    "data_path = None\n"
    "as_of = None\n"
    "seed = 0\n"
    "output_dir = 'out'\n"
)


def _notebook(path: Path, body: list[tuple[str, str, list[str]]]) -> Path:
    """Write a notebook: a title, the parameters cell, then (kind, source, tags) cells."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A small report\nFor the client."), params]
    for kind, source, tags in body:
        cell = (
            nbformat.v4.new_markdown_cell(source)
            if kind == "md"
            else nbformat.v4.new_code_cell(source)
        )
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


CHART = (
    "import altair as alt, pandas as pd\n"
    "from tpo_scoping import display as show_\n"
    "show_.setup()\n"
    "frame = pd.DataFrame({'month': [1, 2, 3], 'cost': [3, 1, 2]})\n"
    "show_.show_chart(alt.Chart(frame).mark_line().encode(x='month', y='cost')"
    ".properties(title='Cost by month'))"
)


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("good")
    nb = _notebook(
        root / "nbs" / "01_small.ipynb",
        [
            ("md", "How to use: change the parameters cell. SECRET_HOWTO", ["consultant-only"]),
            ("code", CHART, []),
            ("md", "## The figures", []),
            ("code", "print('seed is', seed, 'output', output_dir)", []),
            ("code", "import sys; print('NOISE_ON_STDERR', file=sys.stderr)", []),
            ("code", "assert seed >= 0, 'CHECK_CELL_SOURCE'", ["checks"]),
        ],
    )
    lines: list[str] = []
    runs = run_notebooks(PROFILE, root / "out", seed=5, notebooks=[nb], progress=lines.append)
    return root, runs, lines


def test_run_writes_executed_notebook_and_client_html(good_run) -> None:
    root, runs, lines = good_run
    [run] = runs
    assert run.notebook == root / "out" / "01_small.ipynb"
    assert run.html == root / "out" / "01_small.html"
    executed = nbformat.read(str(run.notebook), as_version=4)
    tags = [c.metadata.get("tags", []) for c in executed.cells]
    assert ["injected-parameters"] in tags
    injected = next(
        c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    # Only declared parameters are injected, paths made absolute.
    assert f"profile_path = {str(PROFILE.resolve())!r}" in injected.source.replace('"', "'")
    assert "seed = 5" in injected.source
    assert "simulations" not in injected.source
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert f"seed is 5 output {(root / 'out' / 'brief').resolve()}" in printed
    assert lines[0].startswith("[1/1] 01_small.ipynb: running")
    assert "done in" in lines[-1]


def test_client_html_hides_code_and_consultant_cells(good_run) -> None:
    _, [run], _ = good_run
    html = run.html.read_text()
    assert "<title>A small report</title>" in html
    assert "For the client." in html
    assert "The figures" in html
    assert "seed is 5" in html
    for hidden in ("SECRET_HOWTO", "CHECK_CELL_SOURCE", "show_.setup", "NOISE_ON_STDERR"):
        assert hidden not in html, hidden
    assert "profile_path" not in html


def test_client_html_needs_no_network(good_run) -> None:
    _, [run], _ = good_run
    html = run.html.read_text()
    # Charts are inline SVG images with the chart title as alt text; no scripts load from a CDN.
    assert re.search(r'<img alt="Cost by month" src="data:image/svg\+xml;base64,', html)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"?https?:", html)
    assert "application/vnd.jupyter.widget" not in html


def test_executed_notebook_keeps_static_chart_only(good_run) -> None:
    _, [run], _ = good_run
    executed = nbformat.read(str(run.notebook), as_version=4)
    assert "widgets" not in executed.metadata
    bundles = [o.get("data", {}) for c in executed.cells for o in c.get("outputs", [])]
    charts = [b for b in bundles if "image/svg+xml" in b]
    assert len(charts) == 1
    assert "application/vnd.jupyter.widget-view+json" not in charts[0]


def test_consultant_html_keeps_inputs(good_run, tmp_path: Path) -> None:
    _, [run], _ = good_run
    html = export_html(run.notebook, tmp_path / "full.html", client=False).read_text()
    assert "SECRET_HOWTO" in html
    assert "show_" in html


def test_failing_cell_is_named(tmp_path: Path) -> None:
    nb = _notebook(
        tmp_path / "02_fails.ipynb",
        [
            ("md", "## Retention curves", []),
            ("code", "x = 1", []),
            ("code", "y = x + 1\nraise ValueError('the curve is upside down')", []),
            ("code", "print('never')", []),
        ],
    )
    with pytest.raises(NotebookFailure) as info:
        run_notebooks(PROFILE, tmp_path / "out", notebooks=[nb])
    failure = info.value
    assert failure.notebook == "02_fails.ipynb"
    assert failure.cell == 5  # title, parameters, heading, x = 1, then this one
    assert failure.section == "Retention curves"
    assert (
        failure.first_line == "raise ValueError('the curve is upside down')"
    )  # the line that raised
    assert failure.ename == "ValueError"
    assert not failure.bad_input
    assert str(failure) == (
        "02_fails.ipynb: cell 5 (section 'Retention curves'):"
        " `raise ValueError('the curve is upside down')` raised ValueError:"
        " the curve is upside down"
    )
    assert (tmp_path / "out" / "02_fails.ipynb").exists()


def test_cli_failing_cell_exit_codes(cli, tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    _notebook(folder / "01_ok.ipynb", [("code", "ok = True", [])])
    _notebook(
        folder / "02_bad_input.ipynb",
        [
            (
                "code",
                "from tpo_scoping.errors import InputError\n"
                "raise InputError('employees.csv: row 3: hire_date is empty')",
                [],
            )
        ],
    )
    _notebook(folder / "03_not_reached.ipynb", [("code", "open('REACHED', 'w')", [])])
    result = cli("run-notebooks", PROFILE, "--notebooks", folder, "--out", tmp_path / "out")
    assert result.code == 2
    assert "[1/3] 01_ok.ipynb: done" in result.err
    assert (
        "error: 02_bad_input.ipynb: cell 3: `raise InputError('employees.csv: row 3: hire_date is"
        " empty')` raised InputError: employees.csv: row 3: hire_date is empty"
    ) in result.err
    assert "Traceback" not in result.err
    assert "03_not_reached" not in result.err
    assert not (folder / "REACHED").exists()


def test_cli_bad_profile_exits_2_before_running(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = cli("run-notebooks", missing, "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err.strip() == f"error: {missing}: file not found"
    assert not (tmp_path / "out").exists()


def test_cli_bad_data_and_date(cli, tmp_path: Path) -> None:
    result = cli("run-notebooks", PROFILE, "--data", tmp_path / "x.xlsx", "--out", tmp_path)
    assert result.code == 2
    assert "--data" in result.err and "x.xlsx does not exist" in result.err
    result = cli("run-notebooks", PROFILE, "--as-of", "2026-13-01", "--out", tmp_path)
    assert result.code == 2
    assert "--as-of: '2026-13-01' is not a date" in result.err


def test_invalid_profile_lists_problems(tmp_path: Path) -> None:
    bad = tmp_path / "profile.yaml"
    bad.write_text("prospect: X\nsites: []\n")
    with pytest.raises(InputError) as info:
        notebook_parameters(bad)
    assert any("sites" in line for line in info.value.lines())


def test_declared_parameters(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "n.ipynb", [])
    assert declared_parameters(nb) == ["profile_path", "data_path", "as_of", "seed", "output_dir"]
