"""Packaging: pinned installs, environment.yml in step with pyproject.toml, CI calls make test."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_environment_yml_mirrors_pyproject() -> None:
    project = _pyproject()["project"]
    wanted = {
        _name(r): r.replace(" ", "")
        for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    conda = {
        _name(d): d.replace(" ", "")
        for d in env["dependencies"]
        if isinstance(d, str) and _name(d) not in {"python", "pip"}
    }
    assert set(conda) == set(wanted), (
        f"only in pyproject: {sorted(set(wanted) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(wanted))}"
    )
    for name, spec in wanted.items():
        assert conda[name].lower().replace("_", "-") == spec.lower().replace("_", "-"), name


def test_every_dependency_is_pinned_in_constraints() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_name(name)] = version
    project = _pyproject()["project"]
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert _name(req) in pins, f"{_name(req)} is not pinned in constraints.txt (run make lock)"


def test_no_known_vulnerable_server_versions() -> None:
    """voila < 0.5.6 allows arbitrary file reads via /static (CVE-2024-30265)."""
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines()
        if "==" in line
    )
    voila = tuple(int(x) for x in pins["voila"].split(".")[:3])
    server = tuple(int(x) for x in pins["jupyter_server"].split(".")[:3])
    assert voila >= (0, 5, 6)
    assert server >= (2, 7, 2)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make test" in ci
    assert "make test" in readme and "make run" in readme
