"""Data belongs to one prospect; saved prospects and scenarios; failed uploads say so.

Driven through the apps' controls without a browser (the browser tests check the same on the
page).
"""

from __future__ import annotations

import html
import io
import os
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SAMPLES
from tests.test_ui_kpi_drafter import upload_value
from tpo_scoping.profile import load_profile
from tpo_scoping.report.safe import spreadsheet_safe
from tpo_scoping.ui.html import STALE
from tpo_scoping.ui.kpi_drafter import KpiDrafter
from tpo_scoping.ui.needs_app import NeedsApp
from tpo_scoping.ui.needs_tables import screen_tables
from tpo_scoping.ui.scoping_calculator import ScopingCalculator
from tpo_scoping.workspace import Workspace

SAMPLE = SAMPLES / "growing_healthcare"
SAMPLE_WORDS = ("Manila", "Bogota", "Bogotá", "prospect data", "hipaa privacy (Manila)")


@pytest.fixture
def scoping() -> ScopingCalculator:
    app = ScopingCalculator(charts=False, workspace=None)
    app.launch()
    return app


def brief_text(app: ScopingCalculator) -> str:
    got = app.controls["brief_html"].click()
    assert got is not None, app.file_message.text
    return got[1].decode("utf-8")


def become_acme(app: ScopingCalculator) -> None:
    """What a sales engineer does on a call: overtype the sample with the new prospect."""
    c = app.controls
    c["prospect"].value = "Acme Logistics"
    sites = c["sites"]
    first = sites.rows[0]
    first.country.type("IN")
    first.name.value = "Pune"
    first.fte.type("80")
    for row in sites.rows[1:]:
        sites.remove_site(row)


def test_a_new_name_detaches_the_samples_data_from_screen_and_brief(
    scoping: ScopingCalculator,
) -> None:
    """The Acme case: the sample's data must not reach another prospect's brief."""
    assert scoping.data.attached is not None and scoping.scope.needs is not None
    assert "Manila" in brief_text(scoping)  # the sample's own brief carries its data
    become_acme(scoping)
    assert scoping.data.attached is None and scoping.scope.needs is None
    assert "No performance data attached" in scoping.data.chip.value
    assert "data of Example Health Services was detached" in scoping.data.message.text.replace(
        load_profile(SAMPLE / "profile.yaml").prospect, "Example Health Services"
    )
    page = brief_text(scoping)
    assert "Acme Logistics" in page
    for word in SAMPLE_WORDS:
        assert word not in page, word
    assert "data as of" not in page
    assert all(k.baseline_is_default for k in scoping.scope.kpis.kpis)


def test_other_sites_detach_the_data_but_another_team_size_does_not(
    scoping: ScopingCalculator,
) -> None:
    row = scoping.controls["sites"].rows[0]
    row.fte.type(str(int(row.fte.value) + 5))
    assert scoping.data.attached is not None  # a what-if on the same sites
    row.country.type("MX")
    assert scoping.data.attached is None and "sites changed" in scoping.data.message.text


def test_new_prospect_clears_the_form_and_the_data(scoping: ScopingCalculator) -> None:
    scoping.controls["new_prospect"].click()
    c = scoping.controls
    assert c["prospect"].value == "" and len(c["sites"].rows) == 1
    assert c["sites"].rows[0].country.text.value == "" and not c["sites"].rows[0].fte.filled
    assert scoping.data.attached is None and "New prospect" in scoping.data.message.text
    assert "correction: Sites (marked in red" in scoping.verdict.value
    c["prospect"].value = "Acme Logistics"
    c["sites"].rows[0].country.type("India")
    c["sites"].rows[0].fte.type("80")
    assert scoping.scope.profile.prospect == "Acme Logistics"
    assert scoping.scope.profile.total_fte == 80 and scoping.scope.needs is None


def test_data_uploaded_in_the_chip_belongs_to_the_prospect_on_screen(
    scoping: ScopingCalculator,
) -> None:
    become_acme(scoping)
    files = sorted((SAMPLE / "data").glob("*.csv"))
    value = sum((upload_value(p.name, p.read_bytes()) for p in files), ())
    scoping.data.upload.value = value
    assert scoping.data.attached is not None and scoping.data.attached.prospect == "Acme Logistics"
    assert scoping.data.upload.value == ()  # no copy kept in the widget
    assert scoping.scope.needs is scoping.data.attached.needs
    assert "Data attached for <b>Acme Logistics</b>" in scoping.data.chip.value
    scoping.data.detach.click()
    assert scoping.data.attached is None and scoping.scope.needs is None


def test_two_scenarios_side_by_side_and_in_the_brief(scoping: ScopingCalculator) -> None:
    c = scoping.controls
    c["hires"].type("20")
    c["keep_scenario"].click()
    kept = scoping.scope
    c["hires"].type("40")
    comparison = scoping.comparison_now()
    rows = {r.label: r for r in comparison.rows}
    assert (rows["New hires per quarter"].first, rows["New hires per quarter"].second) == (
        "20",
        "40",
    )
    assert rows["Sites"].differs is False and rows["New hires per quarter"].differs
    # The team at the end of the horizon grows with the hiring, as each scope says.
    end = {kept.break_even.team_fte_end, scoping.scope.break_even.team_fte_end}
    assert len(end) == 2 and rows["Team at the end of the horizon"].differs
    html = scoping.comparison.value
    assert html.count('class="tpo-changed"') == 2 * len(comparison.differences)
    assert "Two scenarios compared" not in brief_text(scoping)
    c["brief_with_comparison"].value = True
    page = brief_text(scoping)
    assert "Two scenarios compared" in page and 'class="differs"' in page


def test_saved_prospects_keep_every_version_and_open_in_the_other_apps(tmp_path) -> None:  # type: ignore[no-untyped-def]
    space = Workspace(tmp_path / "workspace")
    app = ScopingCalculator(charts=False, workspace=space)
    app.launch()
    name = app.scope.profile.prospect
    first = app.saved.save_current()
    app.controls["hires"].type("35")
    second = app.saved.save_current()
    assert (first.version, second.version) == (1, 2)
    assert [v.version for v in space.versions(name)] == [1, 2]
    assert space.load(name, 1).growth.hires_per_quarter != 35
    assert space.load(name).growth.hires_per_quarter == 35
    assert "version 2" in app.saved.message.text
    # The KPI drafter opens the same prospect, with its own data (the profile keeps its path).
    drafter = KpiDrafter(workspace=space)
    drafter.launch()
    drafter.saved.choice.value = name
    drafter.saved.open_selected()
    assert drafter.profile.growth.hires_per_quarter == 35
    assert drafter.data.attached is not None and not drafter.draft.kpis[0].baseline_is_default
    # The needs app analyses the data the saved prospect names.
    needs = NeedsApp(charts=False, workspace=space)
    needs.launch()
    needs.saved.choice.value = name
    needs.saved.open_selected()
    assert needs.result is not None and f"the data of {name}" in needs.source.value
    # And the scoping calculator reopens version 1.
    app.open_profile(space.load(name, 1))
    assert app.scope.profile.growth.hires_per_quarter == first_hires(space, name)


def first_hires(space: Workspace, name: str) -> float:
    return space.load(name, 1).growth.hires_per_quarter


def test_no_workspace_no_bar() -> None:
    app = KpiDrafter(workspace=None)
    assert app.saved.children == ()  # nothing shown, nothing for the page to fetch


def test_a_failed_upload_greys_out_the_earlier_results_with_the_reason() -> None:
    app = NeedsApp(charts=False)
    app.launch()
    app.use_sample()
    assert app.result is not None and STALE not in app.results._dom_classes
    app.controls["upload"].value = upload_value("employees.csv", b"garbage,,,\n1,2,3,4")
    assert STALE in app.results._dom_classes
    assert "no column for employees.employee_id" in app.upload_message.text
    assert "still those of the sample prospect's data, greyed out" in app.upload_message.text
    app.use_sample()
    assert STALE not in app.results._dom_classes


def test_the_needs_export_says_what_the_screen_says() -> None:
    app = NeedsApp(charts=False)
    app.launch()
    app.use_sample()
    _name, data = app.controls["export"].click()
    book = openpyxl.load_workbook(io.BytesIO(data))
    blocks = {"Retention": app.retention, "Compliance": app.compliance, "Gaps": app.gaps}
    for title, table in screen_tables(app.result):
        got = [[c.value for c in row] for row in book[title].iter_rows()]
        assert got[0] == list(table.columns)
        # Text a spreadsheet could run as a formula gains a leading quote; nothing else changes.
        expected = [[spreadsheet_safe(c) if c != "" else None for c in row] for row in table.rows]
        assert got[1:] == expected
        if title in blocks:  # the same text as on screen
            assert all(html.escape(c) in blocks[title].value for row in table.rows for c in row)
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert not {"claims_specialist", "ci_low", "hipaa_privacy", "all"} & cells
    # Counts of people are whole (was 15.0769 people); shares are percentages, not fractions.
    import re

    gaps = list(book["Gaps"].iter_rows(values_only=True))
    people = gaps[0].index("People below pass")
    assert all(re.fullmatch(r"\d+ of \d+", row[people]) for row in gaps[1:])
    share = r"\d+(\.\d)? %"
    for title in ("Retention", "Compliance"):
        for row in book[title].iter_rows(min_row=2, values_only=True):
            assert not any(isinstance(v, float) for v in row)
            shares = [v for v in row[1:] if "%" in str(v)]
            assert all(re.fullmatch(rf"{share}( \({share}–{share}\))?", v) for v in shares)


def test_serve_names_the_workspace_and_public_mode_never_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from tpo_scoping.cli.serve import _choose_workspace
    from tpo_scoping.errors import InputError
    from tpo_scoping.workspace import WORKSPACE_ENV, default_workspace_dir, workspace_from_env

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    _choose_workspace(argparse.Namespace(public=False, workspace=None))
    assert default_workspace_dir() == tmp_path / "data" / "tpo-scoping" / "workspace"
    assert os.environ[WORKSPACE_ENV] == str(default_workspace_dir())
    _choose_workspace(argparse.Namespace(public=False, workspace=tmp_path / "mine"))
    assert workspace_from_env().root == tmp_path / "mine"  # type: ignore[union-attr]
    _choose_workspace(argparse.Namespace(public=True, workspace=None))
    assert WORKSPACE_ENV not in os.environ and workspace_from_env() is None
    with pytest.raises(InputError, match="public calculator never opens saved prospects"):
        _choose_workspace(argparse.Namespace(public=True, workspace=tmp_path / "mine"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        _choose_workspace(argparse.Namespace(public=False, workspace=tmp_path / "file"))


def test_a_version_is_never_overwritten(tmp_path: Path) -> None:
    from tpo_scoping.profile import parse_profile

    space = Workspace(tmp_path)
    profile = parse_profile("prospect: Acme\nsites: [{country: IN, fte: 80}]")
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "v0002.yaml").write_text("prospect: placed by hand\n")
    first, second = space.save(profile), space.save(profile)
    assert (first.version, second.version) == (3, 4)
    assert (tmp_path / "acme" / "v0002.yaml").read_text() == "prospect: placed by hand\n"
    assert not list(tmp_path.glob("acme/.save-*"))  # no temporary file left behind
