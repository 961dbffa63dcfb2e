"""``needs --pseudonymise``: no employee ID or name leaves in the report; same salt, same output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tpo_scoping.synthetic import SCENARIOS, generate


def _dirty_folder(tmp_path: Path) -> tuple[Path, list[str]]:
    tables = generate(SCENARIOS["small_simple"], seed=5).tables
    employees = tables["employees"]
    dupe = employees.iloc[[0]]
    employees = pd.concat([employees, dupe], ignore_index=True)  # a duplicate ID
    assessments = tables["assessments"].copy()
    assessments.loc[0, "employee_id"] = "GHOST-4711"  # an ID unknown to employees
    folder = tmp_path / "data"
    folder.mkdir()
    employees.to_csv(folder / "employees.csv", index=False)
    assessments.to_csv(folder / "assessments.csv", index=False)
    secrets = ["GHOST-4711", str(dupe["employee_id"].iloc[0]), str(dupe["name"].iloc[0])]
    return folder, secrets


def test_pseudonymised_report_names_no_one(cli, tmp_path: Path) -> None:
    folder, secrets = _dirty_folder(tmp_path)
    plain = cli("needs", folder, "--format", "json")
    assert plain.code == 0, plain.err
    assert secrets[0] in plain.out, "the quality report quotes the unknown ID"
    first = cli("needs", folder, "--format", "json", "--pseudonymise", "salt-1")
    second = cli("needs", folder, "--format", "json", "--pseudonymise", "salt-1")
    other = cli("needs", folder, "--format", "json", "--pseudonymise", "salt-2")
    assert first.code == 0, first.err
    for secret in secrets:
        assert secret not in first.out
    assert "emp-" in first.out
    assert first.out == second.out
    assert first.out != other.out
