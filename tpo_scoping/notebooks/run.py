"""Run the consultant notebooks for one prospect with papermill.

The notebooks in ``notebooks/`` each start with one cell tagged ``parameters`` (papermill's
convention) holding ``profile_path``, ``data_path``, ``as_of``, ``seed`` and, where they apply,
``simulations`` and ``output_dir``. :func:`run_notebooks` executes every notebook for one prospect
into a folder and writes, next to each executed ``.ipynb``, an HTML copy for the client
(:func:`tpo_scoping.notebooks.client_html.export_html`).

When a cell raises, :class:`NotebookFailure` names the notebook, the cell (its number in the
notebook as stored, the section heading above it and its first line) and the error.

Examples
--------
>>> runs = run_notebooks("sample_data/small_simple/profile.yaml", "out/small")  # doctest: +SKIP
>>> [r.html.name for r in runs]  # doctest: +SKIP
['01_discovery_call.html', '02_training_needs_analysis.html', ...]
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.notebooks.client_html import export_html
from tpo_scoping.paths import check_output_file, make_output_folder

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
"""Where the consultant notebooks live (the repository's ``notebooks/`` folder)."""

PARAMETER_NAMES = ("profile_path", "data_path", "as_of", "seed", "simulations", "output_dir")
"""Parameters :func:`run_notebooks` may inject; each notebook receives those it declares."""

CELL_TIMEOUT_SECONDS = 900

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class NotebookRun:
    """One executed notebook: where its outputs went and how long it took."""

    name: str
    notebook: Path
    html: Path | None
    seconds: float


@dataclass
class NotebookFailure(Exception):
    """A cell raised while a notebook ran.

    ``cell`` is the cell's 1-based position in the notebook as stored (markdown cells count, so
    it matches what a consultant sees when scrolling); ``first_line`` is the line that raised (or
    the cell's first line of code); ``section`` is the nearest section heading
    (``##`` or deeper) above it.
    ``bad_input`` is true when the cell raised :class:`~tpo_scoping.errors.InputError`, i.e. the
    prospect's profile or data is at fault rather than the notebook.
    """

    notebook: str
    cell: int | None
    section: str
    first_line: str
    ename: str
    evalue: str
    executed: Path | None = None
    lines_: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def bad_input(self) -> bool:
        return self.ename == "InputError"

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell else "a cell"
        if self.section:
            where += f" (section '{self.section}')"
        first = f": `{self.first_line}`" if self.first_line else ""
        message = f"{self.notebook}: {where}{first} raised {self.ename}"
        if self.evalue:
            message += f": {self.evalue}"
        return message

    def lines(self) -> list[str]:
        """Human-readable lines: the failure, then where the partly executed notebook is."""
        out = [str(self)]
        if self.executed is not None:
            out.append(f"the notebook as far as it ran is in {self.executed}")
        return out


# --------------------------------------------------------------------------------------------
# Discovery and parameters


def notebook_paths(folder: str | Path | None = None) -> list[Path]:
    """The consultant notebooks in run order (sorted by their numbered file names).

    Examples
    --------
    >>> [p.name for p in notebook_paths()][:1]  # doctest: +SKIP
    ['01_discovery_call.ipynb']
    """
    root = Path(folder) if folder is not None else NOTEBOOKS_DIR
    if not root.is_dir():
        raise InputError("notebook folder not found", source=str(root))
    paths = sorted(p for p in root.glob("*.ipynb") if not p.name.startswith("."))
    if not paths:
        raise InputError("no notebooks (*.ipynb) in this folder", source=str(root))
    return paths


def declared_parameters(path: str | Path) -> list[str]:
    """Names assigned in the notebook's ``parameters`` cell (empty when it has none)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", cell.source, flags=re.M)
    return []


def notebook_parameters(
    profile: str | Path,
    *,
    data: str | Path | None = None,
    as_of: dt.date | str | None = None,
    seed: int = 0,
    simulations: int | None = None,
    output_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Validate a prospect's inputs and turn them into papermill parameters.

    Paths become absolute (the notebooks run with their own folder as working directory);
    the profile is loaded once here so a bad profile fails before any notebook starts.

    Raises
    ------
    InputError
        When the profile is missing or invalid, the data path does not exist, or ``as_of`` is not
        a date.

    Examples
    --------
    >>> p = notebook_parameters("sample_data/small_simple/profile.yaml", seed=3)  # doctest: +SKIP
    >>> p["seed"], Path(p["profile_path"]).is_absolute()  # doctest: +SKIP
    (3, True)
    """
    from tpo_scoping.paths import DATA_HINT, refuse_special_file
    from tpo_scoping.profile import load_profile

    profile_path = Path(profile).expanduser().resolve()
    profile_obj = load_profile(profile_path)
    params: dict[str, Any] = {"profile_path": str(profile_path), "seed": int(seed)}
    if data is not None:
        data_path = Path(data).expanduser().resolve()
        if not data_path.exists():
            raise InputError([Problem("--data", f"{data} does not exist")])
        params["data_path"] = str(data_path)
    elif profile_obj.data is not None and profile_obj.data.path is not None:
        data_path = Path(profile_obj.data.path)
    else:
        data_path = None
    if data_path is not None:
        # Checked here, before any notebook starts: a FIFO would hang a notebook's kernel.
        refuse_special_file(data_path, DATA_HINT)
    if as_of is not None:
        if isinstance(as_of, str):
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                raise InputError(
                    [Problem("as_of", f"'{as_of}' is not a YYYY-MM-DD date")]
                ) from None
        params["as_of"] = as_of.isoformat()
    if simulations is not None:
        params["simulations"] = int(simulations)
    if output_dir is not None:
        params["output_dir"] = str(Path(output_dir).expanduser().resolve())
    return params


# --------------------------------------------------------------------------------------------
# Execution


def execute_notebook(
    path: str | Path,
    executed_path: str | Path,
    parameters: dict[str, Any],
    *,
    timeout: int = CELL_TIMEOUT_SECONDS,
) -> Path:
    """Execute one notebook with papermill, injecting only the parameters it declares.

    The executed copy is written to ``executed_path``, with the live-widget views of charts
    removed (their static SVG stays), so it opens anywhere without a running kernel.

    Raises
    ------
    NotebookFailure
        Naming the notebook and the cell when a cell raises.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    path = Path(path)
    executed_path = Path(executed_path)
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    declared = set(declared_parameters(path))
    injected = {k: v for k, v in parameters.items() if k in declared}
    try:
        pm.execute_notebook(
            str(path),
            str(executed_path),
            parameters=injected,
            cwd=str(path.parent),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            kernel_name=_kernel_name(),
            language="python",
            kernel_manager_class=_quiet_kernel_manager(),
        )
    except PapermillExecutionError as exc:
        raise _failure(
            path, exc.source, exc.ename, exc.evalue, executed_path, exc.traceback
        ) from None
    except CellTimeoutError:
        raise _failure(
            path, "", "CellTimeoutError", f"a cell ran longer than {timeout} s", executed_path
        ) from None
    except DeadKernelError as exc:
        raise _failure(path, "", "DeadKernelError", str(exc), executed_path) from None
    _drop_widget_views(executed_path)
    return executed_path


def _kernel_name() -> str:
    """The kernel of the Python running us, so notebooks see the same installed package."""
    from ipykernel.kernelspec import KERNEL_NAME

    return str(KERNEL_NAME)


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel's own stderr (start-up chatter) does not reach the user."""
    import subprocess

    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_start_kernel(self, **kw: Any) -> None:
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_start_kernel(**kw)

        start_kernel = _async_start_kernel  # type: ignore[assignment]

    return QuietKernelManager


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failing_line(source: str, traceback: Sequence[str] | None) -> str:
    """The line that raised (IPython marks it ``---->`` in the cell's frame), else the first
    line of code in the cell."""
    for frame in traceback or []:
        for line in _ANSI.sub("", frame).splitlines():
            match = re.match(r"^-+>\s*\d+\s?(.*)$", line)
            if match and match.group(1).strip():
                return match.group(1).strip()
    for line in (source or "").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    return ""


def _failure(
    path: Path,
    source: str,
    ename: str,
    evalue: str,
    executed: Path | None,
    traceback: Sequence[str] | None = None,
) -> NotebookFailure:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cell_number = None
    section = ""
    heading = ""
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("##"):  # section headings; the notebook's title is "# ..."
                    heading = line.lstrip("#").strip()
        elif cell.source.strip() == (source or "").strip():
            cell_number, section = i, heading
            break
    first_line = _failing_line(source, traceback)
    if len(first_line) > 80:
        first_line = first_line[:77] + "..."
    evalue = " ".join(str(evalue).split())
    return NotebookFailure(
        notebook=path.name,
        cell=cell_number,
        section=section,
        first_line=first_line,
        ename=str(ename),
        evalue=evalue,
        executed=executed,
    )


def _drop_widget_views(path: Path) -> None:
    """Remove live widget views (and their state) from outputs that also carry a static form."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if _WIDGET_VIEW in data and len(set(data) - {_WIDGET_VIEW, "text/plain"}) > 0:
                del data[_WIDGET_VIEW]
    nbformat.write(nb, str(path))


# --------------------------------------------------------------------------------------------
# All notebooks for one prospect


def run_notebooks(
    profile: str | Path,
    out: str | Path,
    *,
    data: str | Path | None = None,
    as_of: dt.date | str | None = None,
    seed: int = 0,
    simulations: int | None = None,
    notebooks: Sequence[str | Path] | None = None,
    html: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[NotebookRun]:
    """Execute every consultant notebook for one prospect into ``out``.

    For each notebook ``NN_name.ipynb`` this writes ``out/NN_name.ipynb`` (executed, for the
    consultant) and ``out/NN_name.html`` (the client's copy, inputs hidden). Notebooks that
    export files (the engagement brief) write them under ``out/brief/``.

    Parameters
    ----------
    profile : path
        The prospect's profile YAML.
    out : path
        Output folder (created if needed).
    data : path, optional
        Performance data (workbook, folder of CSVs or employees CSV); default: the profile's
        ``data.path``.
    as_of : date or 'YYYY-MM-DD', optional
        The analysis date; default: each analysis's own default (the data's latest date).
    seed : int
        Seed of every random draw (Monte Carlo, bootstrap).
    simulations : int, optional
        Monte Carlo draws; default: the notebooks' own parameter value.
    notebooks : paths, optional
        Which notebooks to run; default: every notebook of :func:`notebook_paths` whose
        parameters take a prospect's profile (the quarterly review takes an engagement folder).
    html : bool
        Also write the client HTML copies.
    progress : callable, optional
        Called with one line of text per step (the CLI prints them to stderr).

    Returns
    -------
    list of NotebookRun

    Raises
    ------
    InputError
        Before anything runs, when the profile, data path or date is bad.
    NotebookFailure
        When a cell raises; names the notebook and the cell. Later notebooks do not run.
    """
    out = Path(out)
    params = notebook_parameters(
        profile,
        data=data,
        as_of=as_of,
        seed=seed,
        simulations=simulations,
        output_dir=out / "brief",
    )
    paths = (
        [Path(p) for p in notebooks]
        if notebooks is not None
        else [p for p in notebook_paths() if "profile_path" in declared_parameters(p)]
    )
    for p in paths:
        if not p.is_file():
            raise InputError("notebook not found", source=str(p))
    make_output_folder(out)
    for p in paths:  # papermill writes the executed copies itself: never through a link
        check_output_file(out / p.name)
        if html:
            check_output_file(out / f"{p.stem}.html")
    say = progress or (lambda _line: None)
    from tpo_scoping.profile import load_profile

    prospect = load_profile(params["profile_path"]).prospect
    footer = (
        f"{prospect} · prepared with tpo-scoping on {dt.date.today().isoformat()} · seed {seed}"
    )
    runs = []
    for i, path in enumerate(paths, 1):
        say(f"[{i}/{len(paths)}] {path.name}: running")
        start = time.perf_counter()
        executed = execute_notebook(path, out / path.name, params)
        html_path = None
        if html:
            html_path = export_html(executed, out / f"{path.stem}.html", footer=footer)
        seconds = time.perf_counter() - start
        say(
            f"[{i}/{len(paths)}] {path.name}: done in {seconds:.1f} s"
            + (f" -> {html_path}" if html_path else "")
        )
        runs.append(NotebookRun(path.stem, executed, html_path, seconds))
    return runs
