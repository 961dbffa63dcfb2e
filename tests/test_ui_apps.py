"""Scoping calculator and needs-analysis app, driven through their controls without a browser."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
import yaml

from tests.conftest import SAMPLES
from tests.test_ui_kpi_drafter import upload_value
from tpo_scoping.economics import break_even
from tpo_scoping.profile import load_profile, parse_profile
from tpo_scoping.reference import load_reference
from tpo_scoping.ui.html import STALE
from tpo_scoping.ui.needs_app import NeedsApp
from tpo_scoping.ui.scoping_calculator import ScopingCalculator
from tpo_scoping.verdict import fit_verdict

SAMPLE = SAMPLES / "growing_healthcare"


def downloaded(button) -> bytes:  # type: ignore[no-untyped-def]
    """Click a one-click download button; the bytes it handed to the page."""
    got = button.click()
    assert got is not None, "no file was prepared"
    return got[1]


@pytest.fixture(scope="module")
def scoping() -> ScopingCalculator:
    app = ScopingCalculator(charts=False, with_needs=False)
    app.launch()
    return app


def test_scoping_shows_the_sample_and_its_verdict(scoping: ScopingCalculator) -> None:
    sample = load_profile(SAMPLE / "profile.yaml")
    assert scoping.ready and scoping.status.text == ""
    assert scoping.scope.profile.total_fte == sample.total_fte
    expected = fit_verdict(sample, break_even(sample, simulations=0, sensitivity=False))
    assert scoping.scope.fit.recommendation == expected.recommendation
    assert scoping.scope.fit.label in scoping.verdict.value


def test_scoping_names_each_compliance_domain_as_the_catalogue_does(
    scoping: ScopingCalculator,
) -> None:
    catalogue = load_reference("compliance_catalogue")["domains"]
    boxes = scoping.controls["domains"]
    assert list(boxes) == list(catalogue)
    for key, box in boxes.items():
        assert box.description == catalogue[key]["label"]
    assert boxes["healthcare"].value  # the sample prospect is under HIPAA


def test_scoping_inputs_flow_into_the_profile(scoping: ScopingCalculator) -> None:
    c = scoping.controls
    c["hires"].type("45")
    c["readiness"]["kpis_defined"].value = False
    c["domains"]["payments"].value = True
    row = c["sites"].add_site("IN", "Pune", 120)
    try:
        p = scoping.scope.profile
        assert p.growth.hires_per_quarter == 45
        assert not p.readiness.kpis_defined
        assert "payments" in p.compliance_domains
        assert p.total_fte == load_profile(SAMPLE / "profile.yaml").total_fte + 120
        tpo = scoping.scope.break_even.options["tpo"].total_cost
        row.fte.type("400")
        assert scoping.scope.break_even.options["tpo"].total_cost > tpo
    finally:
        c["sites"].remove_site(row)
        c["domains"]["payments"].value = False
        c["readiness"]["kpis_defined"].value = True


def test_scoping_assumption_override_reaches_the_economics(scoping: ScopingCalculator) -> None:
    field = scoping.controls["assumptions"]["tpo_fee_per_fte_tier1"]
    before = scoping.scope.break_even.options["tpo"].total_cost
    field.set(field.value * 2)
    try:
        assert scoping.scope.profile.assumptions["tpo_fee_per_fte_tier1"] == field.value
        assert scoping.scope.break_even.options["tpo"].total_cost > before
    finally:
        field.set(field.value / 2)


def test_scoping_bad_country_is_explained_next_to_its_field(scoping: ScopingCalculator) -> None:
    before = scoping.scope
    row = scoping.controls["sites"].rows[1]
    row.country.type("XX")
    assert "use a two-letter code such as CO for Colombia" in row.country.message.text
    assert scoping.profile_message.text == ""  # nothing far from the field
    assert "correction: Site 2, country (marked in red" in scoping.verdict.value
    assert scoping.scope is before
    outputs = [scoping.summary, scoping.kpi_table, scoping.breakeven_chart, scoping.cost_chart]
    assert all(STALE in o._dom_classes for o in outputs)  # from the earlier inputs: greyed
    row.country.type("Colombia")  # a name is converted where it is unambiguous
    assert row.country.text.value == "CO" and row.country.message.text == "Colombia is CO"
    assert scoping.scope is not before and "CO" in scoping.scope.profile.countries
    assert not any(STALE in o._dom_classes for o in outputs)


def test_add_site_adds_an_empty_row_that_counts_once_filled(scoping: ScopingCalculator) -> None:
    sites = scoping.controls["sites"]
    revision, fte = scoping.revision, scoping.scope.profile.total_fte
    row = sites.add_site()
    try:
        assert row.country.text.value == "" and row.fte.text.value == ""
        assert scoping.revision == revision  # nothing computed for a blank row
        assert f"Site {len(sites.rows)} counts once it has a country and an FTE" in sites.hint.value
        row.country.type("MX")
        assert scoping.revision == revision  # still no FTE
        row.fte.type("30")
        assert scoping.revision == revision + 1 and scoping.scope.profile.total_fte == fte + 30
    finally:
        sites.remove_site(row)
    assert scoping.scope.profile.total_fte == fte


def test_scoping_save_and_load_round_trip(scoping: ScopingCalculator) -> None:
    saved = downloaded(scoping.controls["save_profile"])
    assert parse_profile(saved) == scoping.scope.profile.model_copy(update={"data": None})
    other = yaml.safe_load(saved)
    other["prospect"] = "Round Trip Ltd"
    other["sites"][0]["fte"] = 77
    scoping.controls["profile_upload"].value = upload_value(
        "p.yaml", yaml.safe_dump(other).encode()
    )
    assert scoping.scope.profile.prospect == "Round Trip Ltd"
    assert scoping.controls["sites"].rows[0].fte.value == 77
    scoping.controls["profile_upload"].value = upload_value("bad.yaml", b"prospect: [unclosed")
    assert "not valid YAML" in scoping.file_message.text
    scoping.open_profile(load_profile(SAMPLE / "profile.yaml"))


def test_scoping_brief_downloads(scoping: ScopingCalculator) -> None:
    book = openpyxl.load_workbook(io.BytesIO(downloaded(scoping.controls["brief_xlsx"])))
    assert len(book.sheetnames) >= 2
    page = downloaded(scoping.controls["brief_html"]).decode()
    assert scoping.scope.profile.prospect in page and "<script src=" not in page


def test_scoping_keeps_saying_why_the_profile_data_was_not_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A profile whose data folder cannot be read still gets a verdict, with a warning that
    stays on screen through recomputations."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "employees.csv").write_text("not,the,columns\n1,2,3\n")
    fields = yaml.safe_load((SAMPLE / "profile.yaml").read_text())
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(fields))
    app = ScopingCalculator(load_profile(tmp_path / "profile.yaml"), charts=False)
    app.launch()
    assert app.scope is not None and app.scope.needs is None
    assert "could not be used" in app.data.message.text
    assert app.data.message.kind == "warning" and app.data.attached is None
    app.controls["hires"].type("25")
    assert app.scope.profile.growth.hires_per_quarter == 25
    assert "could not be used" in app.data.message.text


def test_scoping_uses_the_sample_data_it_says_is_attached(scoping: ScopingCalculator) -> None:
    """The sample's needs analysis (without the training-impact models the scope never reads)
    feeds the KPI baselines, and the chip names its files and date."""
    from tpo_scoping.needs import analyse_needs
    from tpo_scoping.scope import load_data

    app = ScopingCalculator(charts=False)
    app.launch()
    sample = load_profile(SAMPLE / "profile.yaml")
    expected = analyse_needs(load_data(None, sample), profile=sample, with_impact=False)
    assert app.scope.needs is not None and app.profile_message.text == ""
    chip = app.data.chip.value
    assert "Data attached for <b>" + sample.prospect in chip and "employees.csv" in chip
    assert f"as of {expected.as_of:%d %b %Y}" in chip
    same = json.dumps(app.scope.needs.to_dict(), sort_keys=True, default=str)  # NaN-safe
    assert same == json.dumps(expected.to_dict(), sort_keys=True, default=str)
    assert app.scope.kpis.to_dict() != scoping.scope.kpis.to_dict()  # without data: defaults


def test_needs_app_analyses_uploaded_files_in_memory(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = NeedsApp(charts=False)
    app.launch()
    files = {p.name: p.read_bytes() for p in sorted((SAMPLE / "data").glob("*.csv"))}
    value = sum((upload_value(name, data) for name, data in files.items()), ())
    app.controls["upload"].value = value
    assert app.result is not None, app.upload_message.text
    assert app.controls["upload"].value == ()
    # The message counts the data rows of the files themselves (the sample drops none).
    rows = sum(len(list(csv.reader(io.StringIO(data.decode())))) - 1 for data in files.values())
    assert app.upload_message.kind == "ok"
    expected = f"Done: {rows:,} rows read, none dropped; the results are below."
    assert app.upload_message.text == expected
    # The sample plants a Manila HIPAA-privacy gap; it must head the priorities shown.
    first = app.priorities.value.split("<li>")[1].lower()
    assert "manila" in first and "hipaa" in first
    assert list(tmp_path.iterdir()) == []  # nothing written
    # Sites, modules and the whole-team rows are named, not keyed.
    titles = load_reference("compliance_catalogue")["modules"]
    for key in {"hipaa_privacy", "anti_harassment"}:
        assert titles[key]["title"] in app.compliance.value and key not in app.compliance.value
    assert ">all</td>" not in app.compliance.value + app.retention.value
    assert "whole team" in app.retention.value and "whole team" in app.compliance.value
    # The sample's bootcamp, taken by every new hire, is not credited with their ramp-up.
    assert "No estimate: the trainees were new hires still ramping up" in app.impact.value
    book = openpyxl.load_workbook(io.BytesIO(downloaded(app.controls["export"])))
    assert {"Priorities", "Gaps", "Retention", "Compliance", "Training impact"} <= set(
        book.sheetnames
    )


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ({"employees.csv": b"x" * (2 * 1024 * 1024 + 1)}, "the limit is 2 MB"),
        ({"malware.exe": b"MZ"}, "only .xlsx workbooks and .csv files"),
        ({"employees.csv": b"garbage,,,\n1,2,3,4"}, "no column for employees.employee_id"),
        ({"employees.csv": b"garbage,,,\n1,2"}, "row 2 has 2 fields where the header has 4"),
    ],
)
def test_needs_app_refuses_bad_uploads(files: dict, fragment: str) -> None:
    app = NeedsApp(charts=False, max_bytes=2 * 1024 * 1024)
    app.analyse(files)
    assert fragment in app.upload_message.text
    assert app.result is None and app.status.text == ""


def test_needs_quality_table_shows_each_problem() -> None:
    from tpo_scoping.ingest.quality import QualityReport
    from tpo_scoping.ui.needs_tables import quality_html

    quality = QualityReport(
        rows_read={"employees": 8},
        rows_used={"employees": 7},
        issues=[
            {"table": "employees", "row": 7, "column": "hire_date", "problem": "exit before hire"}
        ],
        missing={"employees": {"employee_id": 0.0, "exit_date": 0.6}},
    )
    shown = quality_html(quality)
    assert "exit before hire" in shown
    assert "exit_date (60 %)" in shown and "employee_id" not in shown


def test_text_blocks_share_layouts_and_styles_nobody_changes(scoping: ScopingCalculator) -> None:
    """Sharing cuts the models the page must fetch before it shows the form; it is safe only
    while no code changes a shared layout or style (which would change every widget using it)."""
    import ipywidgets as widgets

    from tpo_scoping.ui.html import _SHARED_MODELS, HtmlBlock

    NeedsApp(charts=False).launch()  # its messages and blocks too
    first, second = HtmlBlock("a"), HtmlBlock("b")
    assert first.layout is second.layout and first.style is second.style
    assert scoping.verdict.layout is scoping.profile_message.layout
    assert len(_SHARED_MODELS) >= 5

    def state(model: widgets.Widget) -> dict:
        return {k: v for k, v in model.get_state().items() if not k.startswith("_")}

    for (_kind, traits), model in _SHARED_MODELS.items():
        assert state(model) == state(type(model)(**dict(traits))), model


def test_landing_summarises_the_sample_with_catalogue_labels() -> None:
    from tpo_scoping.ui.landing import APPS, Landing

    sample = load_profile(SAMPLE / "profile.yaml")
    landing = Landing()
    landing.launch()
    assert landing.ready and landing.status.text == ""
    text = landing.prospect.value
    assert sample.prospect in text and f"{sample.sites[0].fte} FTE" in text
    catalogue = load_reference("compliance_catalogue")["domains"]
    for key in sample.compliance_domains:
        label = catalogue[key]["label"]
        assert label != key
        assert label in text.replace("&amp;", "&")
    assert landing.apps.value.count("tpo-app-link") == len(APPS)
