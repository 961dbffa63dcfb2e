"""KPI drafter widget, driven through its controls without a browser."""

from __future__ import annotations

import html
import io
import math

import openpyxl
import pytest

from tests.conftest import upload_value
from tpo_scoping.kpis import draft_kpis
from tpo_scoping.labels import kpi_level
from tpo_scoping.presentation.kpis import kpi_table
from tpo_scoping.profile import parse_profile
from tpo_scoping.ui.kpi_drafter import KpiDrafter


@pytest.fixture(scope="module")
def app() -> KpiDrafter:
    drafter = KpiDrafter()
    drafter.launch()
    return drafter


def test_launch_drafts_for_the_sample_prospect(app: KpiDrafter) -> None:
    assert app.ready and app.status.text == ""
    assert "tpo-ready" in app._dom_classes
    assert app.draft is not None and len(app.draft.kpis) >= 4
    for kpi in app.draft.kpis:
        assert kpi.name in app.table.value
        assert kpi_level(kpi.target, kpi.unit) in app.table.value


def test_table_says_why_a_kpi_has_no_detectable_change(app: KpiDrafter) -> None:
    from statsmodels.stats.power import NormalIndPower

    table = kpi_table(app.draft)
    rows = table.column("Smallest change a month can show")
    missing = [k for k in app.draft.kpis if k.min_detectable_change is None]
    assert missing  # the sample's small monthly cohorts leave some proportions without one
    for kpi, cell in zip(app.draft.kpis, rows, strict=True):
        assert html.escape(cell) in app.table.value
        if kpi.min_detectable_change is not None:
            assert cell.startswith(f"{kpi.min_detectable_change * 100:.1f}") or (
                kpi.unit != "share"
            )
            continue
        assert cell == kpi.no_detectable_change == "larger than any possible change"
        # Independently: the detectable Cohen's h moves the baseline past 100 %.
        h = NormalIndPower().solve_power(nobs1=kpi.n_per_period, alpha=0.05, power=0.8)
        assert math.asin(math.sqrt(kpi.baseline)) + h / 2 > math.pi / 2
        assert "larger than any possible change" in kpi.detectability_note


def test_table_says_in_words_what_measurable_means_with_each_note_in_its_row(
    app: KpiDrafter,
) -> None:
    """On a shared screen nobody hovers: every KPI's note is in the table, in full, and the
    "Measurable?" column is words, not a warning sign."""
    import re

    table = kpi_table(app.draft)
    words = table.column("Measurable?")
    for kpi, cell, note in zip(app.draft.kpis, words, table.row_notes, strict=True):
        assert note == kpi.detectability_note and html.escape(note) in app.table.value
        assert cell == kpi.measurability
        assert html.escape(cell) in app.table.value
        # Counts of 1,000 and more carry thousands separators (was "70119 per group").
        assert not re.search(r"\b\d{4,} per group", kpi.detectability_note)
        if kpi.periods_to_detect:
            assert cell == f"over {kpi.periods_to_detect} months pooled"
        assert "⚠" not in app.table.value
    team = app.profile.total_fte
    assert f"a team of {team:,} FTE can tell apart from noise" in app.table.value
    assert 'title="' not in app.table.value  # no tooltip-only explanations


def test_baselines_come_from_the_sample_prospects_data(app: KpiDrafter) -> None:
    from tpo_scoping.scope import analyse, load_data

    profile = app.profile
    assert profile.data is not None and profile.data.path  # the sample ships its data
    needs = analyse(load_data(None, profile), profile, None, with_impact=False)
    expected = draft_kpis(profile, needs, ambition=0.5, cadence="monthly")
    drafted = {k.key: k for k in app.draft.kpis}
    for kpi in expected.kpis:
        assert drafted[kpi.key].baseline == pytest.approx(kpi.baseline)
        assert drafted[kpi.key].baseline_is_default is kpi.baseline_is_default
    assert any(not k.baseline_is_default for k in app.draft.kpis)
    assert "prospect data" in app.table.value
    assert app.data.attached is not None and "Data attached for" in app.data.chip.value
    # Without its data the drafter falls back to the packaged defaults, and says so.
    bare = KpiDrafter(with_data=False)
    bare.launch()
    assert all(k.baseline_is_default for k in bare.draft.kpis)
    assert "prospect data" not in bare.table.value


def test_ambition_zero_keeps_baselines_and_one_reaches_best_quartile(app: KpiDrafter) -> None:
    app.controls["ambition"].value = 0.0
    for kpi in app.draft.kpis:
        low, high = kpi.target_bounds
        assert kpi.target == pytest.approx(min(max(kpi.baseline, low), high))
    app.controls["ambition"].value = 1.0
    for kpi in app.draft.kpis:
        low, high = kpi.target_bounds
        assert kpi.target == pytest.approx(min(max(kpi.best_quartile, low), high))
    app.controls["ambition"].value = 0.5


def test_cadence_changes_detectability_like_the_library(app: KpiDrafter) -> None:
    app.controls["cadence"].value = "quarterly"
    try:
        expected = draft_kpis(
            app.profile, app.data.attached.needs, ambition=0.5, cadence="quarterly"
        )
        quarterly = [k.n_per_period for k in app.draft.kpis]
        assert quarterly == [k.n_per_period for k in expected.kpis]
        assert app.draft.cadence == "quarterly"
    finally:
        app.controls["cadence"].value = "monthly"
    monthly = [k.n_per_period for k in app.draft.kpis]
    # A quarter never has fewer observations than a month, and flows (hires) have more.
    assert all(q >= m for q, m in zip(quarterly, monthly, strict=True))
    assert any(q > m for q, m in zip(quarterly, monthly, strict=True))


def test_bad_profile_upload_shows_the_field(app: KpiDrafter) -> None:
    before = app.draft
    app.controls["profile_upload"].value = upload_value(
        "bad.yaml", b"prospect: X\nsites: [{country: PH, fte: -3}]\n"
    )
    assert "bad.yaml: Site 1, FTE" in app.upload_message.text
    assert app.draft is before
    app.controls["profile_upload"].value = upload_value("junk.yaml", b"\x00\x01\x02")
    assert "binary" in app.upload_message.text


def test_good_profile_upload_redrafts_without_the_earlier_prospects_data(app: KpiDrafter) -> None:
    text = b"prospect: Upload Test Co\nsites: [{country: IN, fte: 400}]\n"
    app.controls["profile_upload"].value = upload_value("good.yaml", text)
    assert "Upload Test Co" in app.prospect_label.value
    assert app.data.attached is None and "No performance data attached" in app.data.chip.value
    assert all(k.baseline_is_default for k in app.draft.kpis)
    assert app.profile == parse_profile(text)
    expected = draft_kpis(app.profile, ambition=0.5, cadence="monthly")
    assert [k.n_per_period for k in app.draft.kpis] == [k.n_per_period for k in expected.kpis]


def test_export_gives_an_xlsx_with_every_kpi(app: KpiDrafter) -> None:
    name, payload = app.controls["export"].click()
    assert name.startswith("kpis-") and name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(payload))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    for kpi in app.draft.kpis:
        assert kpi.name in cells
    # The same words and rounding as the table on screen.
    table = kpi_table(app.draft)
    sheet = [[c.value for c in row] for row in book["KPIs"].iter_rows()]
    assert sheet[0] == [*table.columns, "Note"]
    expected = [[*row, note] for row, note in zip(table.rows, table.row_notes, strict=True)]
    assert sheet[1:] == [[cell if cell != "" else None for cell in row] for row in expected]
