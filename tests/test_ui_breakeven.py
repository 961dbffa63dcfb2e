"""The public break-even calculator, driven through its controls without a browser."""

from __future__ import annotations

import html
import shutil

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpo_scoping.economics import break_even
from tpo_scoping.labels import money
from tpo_scoping.presentation import Table
from tpo_scoping.presentation.economics import option_table, today_figures
from tpo_scoping.profile import parse_profile
from tpo_scoping.ui.breakeven_calculator import BreakEvenCalculator
from tpo_scoping.ui.html import STALE


def walk(widget: widgets.Widget) -> list[widgets.Widget]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(walk(child))
    return out


@pytest.fixture
def app() -> BreakEvenCalculator:
    calculator = BreakEvenCalculator(chart=False)
    calculator.start(query="")
    return calculator


def test_answer_matches_the_library_for_the_same_team(app: BreakEvenCalculator) -> None:
    app.controls["fte"].type("120")
    app.controls["hires"].type("15")
    app.controls["attrition"].type("25%")
    app.controls["domain"].value = "healthcare"
    profile = parse_profile(
        "prospect: Your team\nsites: [{country: PH, fte: 120}]\n"
        "growth: {hires_per_quarter: 15, annual_attrition: 0.25}\n"
        "compliance_domains: [healthcare]\ncurrent_training: manager_walkthroughs\n"
    )
    expected = break_even(profile, simulations=0, sensitivity=False).to_dict()
    got = app.result.to_dict()
    for option in ("tpo", "catalog_licensing"):
        assert got["options"][option]["total_cost"] == pytest.approx(
            expected["options"][option]["total_cost"]
        )
        assert money(expected["options"][option]["total_cost"]) in app.options.value
    assert got["cheapest_option"] == expected["cheapest_option"]


def test_every_input_moves_the_answer(app: BreakEvenCalculator) -> None:
    seen = {app.answer.value}
    for name, text in (("fte", "300"), ("hires", "60"), ("attrition", "60")):
        app.controls[name].type(text)
        seen.add(app.answer.value)
    for name, value in (("domain", "payments"), ("training", "lms_only")):
        app.controls[name].value = value
        seen.add(app.answer.value)
    assert len(seen) == 6
    assert app.revision >= 5


def test_a_bigger_team_costs_more_in_total(app: BreakEvenCalculator) -> None:
    app.controls["fte"].type("40")
    small = app.result.options["tpo"].total_cost
    app.controls["fte"].type("400")
    assert app.result.options["tpo"].total_cost > small


def test_bad_input_shows_a_message_and_freezes_the_answer(app: BreakEvenCalculator) -> None:
    before = app.result
    app.controls["fte"].type("lots")
    assert "Offshore team today" in app.controls["fte"].message.text
    assert "Fix the highlighted answer" in app.answer.value
    assert app.result is before
    assert STALE in app.chart_box._dom_classes  # the chart still shows the earlier team
    app.controls["fte"].type("80")
    assert app.controls["fte"].message.text == "" and app.result.team_fte_now == 80
    assert STALE not in app.chart_box._dom_classes


def test_prefill_from_the_link(app: BreakEvenCalculator) -> None:
    problems = app.prefill("fte=75&hires=12&attrition=40&domain=payments&training=lms_only")
    assert problems == []
    c = app.controls
    assert (c["fte"].value, c["hires"].value) == (75, 12)
    assert c["attrition"].value == pytest.approx(0.40)
    assert (c["domain"].value, c["training"].value) == ("payments", "lms_only")
    assert app.result.team_fte_now == 75


@pytest.mark.parametrize(
    "query",
    [
        "fte=<script>alert(1)</script>",
        "fte=1e309&hires=-5&attrition=nan",
        "fte=99999999999999999999",
        "domain=<img src=x onerror=alert(1)>&training=../../etc/passwd",
        "%%%&&&===;;",
        "fte=" + "9" * 10_000,
        "fte=50&fte=<script>",
        "training=lms_only%00&hires=%F0%9F%92%A5",
    ],
)
def test_hostile_links_are_refused_politely(app: BreakEvenCalculator, query: str) -> None:
    defaults = {k: c.value for k, c in app.controls.items() if hasattr(c, "value")}
    app.prefill(query)
    for key, value in defaults.items():
        if key == "fte" and query.startswith("fte=50"):
            continue
        assert app.controls[key].value == value
    assert "<script" not in app.query_message.value and "<img" not in app.query_message.value
    assert app.status.text == ""
    assert app.result is not None


def test_mistyped_and_unknown_link_keys_are_named(app: BreakEvenCalculator) -> None:
    """?FTE=120&hire=15: the case-blind key is used, the misspelt one is named with the keys
    that exist, and the answer is for 120 FTE."""
    notes = app.prefill("FTE=120&hire=15")
    assert app.controls["fte"].value == 120 and app.result.team_fte_now == 120
    assert app.controls["hires"].value == 20  # the default, and the note says why
    assert len(notes) == 1 and "'hire' is not one this calculator reads" in notes[0]
    assert "(did you mean hires?)" in notes[0]
    keys = "attrition, domain, fte, hires, hours, imputed, rate, trainers, training"
    assert f"the keys are {keys}" in notes[0]
    assert app.query_message.kind == "warning" and notes[0] in app.query_message.text


@pytest.mark.parametrize(
    ("given", "percent"), [("0.25", 25.0), ("25", 25.0), ("25%", 25.0), ("1", 1.0)]
)
def test_a_fractional_attrition_in_a_link_is_read_as_a_share(
    app: BreakEvenCalculator, given: str, percent: float
) -> None:
    notes = app.prefill(f"attrition={given}")
    assert app.controls["attrition"].value == pytest.approx(percent / 100)
    assert app.controls["attrition"].text.value == f"{percent:g}"
    if given == "0.25":  # never silently 0.25 %
        assert notes == [
            "The link gave attrition as the fraction 0.25; it is read as 25 % a year "
            "(attrition=25 gives it in percent)."
        ]
    else:
        assert notes == []


def test_no_upload_and_no_file_access(app: BreakEvenCalculator) -> None:
    """Nothing comes in but the answers; the one file going out is the estimate, built in
    memory from them when asked for (no link to a file on the server)."""
    from tpo_scoping.ui.downloads import DownloadButton
    from tpo_scoping.ui.uploads import UploadButton

    kinds = {type(w) for w in walk(app)}
    assert not kinds & {widgets.FileUpload, UploadButton}
    assert [w for w in walk(app) if isinstance(w, DownloadButton)] == [app.controls["pdf"]]
    assert not any("download=" in w.value for w in walk(app) if isinstance(w, widgets.HTML))


def _cell(table: Table, option: str, column: str) -> float:
    """A money cell of the option table as a number ('-$1,200' -> -1200)."""
    row = next(r for r in table.rows if r[0].startswith(option))
    return float(row[table.columns.index(column)].replace("$", "").replace(",", ""))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fte=st.integers(1, 2_000),
    hires=st.integers(0, 200),
    attrition=st.integers(0, 120),
    training=st.sampled_from(
        ["manager_walkthroughs", "lms_only", "adhoc_vendor", "catalog_licensing", "internal_ld"]
    ),
    imputed=st.sampled_from([0, 25, 50, 100]),
)
def test_the_headline_is_the_tables_tpo_row(
    app: BreakEvenCalculator, fte: int, hires: int, attrition: int, training: str, imputed: int
) -> None:
    """Whatever the answers, the headline's saving and its cash part are the table's figures
    for TPO against today, rounded the same way, and 'saved' or 'extra' follows their sign."""
    app.prefill(
        f"fte={fte}&hires={hires}&attrition={attrition}&training={training}&imputed={imputed}"
        "&trainers=3"
    )
    table = option_table(app.result)
    today = next(r[0] for r in table.rows if r[-1] == "today")
    saving = _cell(table, "TPO", "Saving vs today")
    cash = _cell(table, today, "Cash") - _cell(table, "TPO", "Cash")
    figures = today_figures(app.result)
    assert figures[0].value == money(abs(saving), short=True)
    assert ("saved" in figures[0].label) == (saving >= 0)
    assert figures[2].value == money(abs(cash), short=True)
    assert ("less in cash" in figures[2].label) == (cash >= 0)
    if imputed == 0:  # nothing imputed counts: the total is the cash
        assert abs(saving - cash) <= 1
    for figure in figures:
        assert html.escape(figure.value) in app.answer.value


def test_internal_ld_asks_for_the_team_size_before_answering(app: BreakEvenCalculator) -> None:
    before = app.result
    app.controls["training"].value = "internal_ld"
    assert app.controls["trainers"].layout.display == "flex"
    assert "How many people work in your L&amp;D team?" in app.answer.value
    assert app.result is before  # no answer costs the team's trainers at nothing
    app.controls["trainers"].type("4")
    salaries = next(
        ln for ln in app.result.current_practice_costs.lines if ln.label == "Internal trainers"
    )
    assert salaries.basis == "cash" and salaries.total > 0
    app.controls["training"].value = "lms_only"
    assert app.controls["trainers"].layout.display == "none"


def test_the_link_reproduces_the_estimate(app: BreakEvenCalculator) -> None:
    app.prefill("fte=140&hires=9&attrition=22&domain=payments&training=internal_ld&trainers=2")
    app.controls["imputed"].type("40")
    app.controls["rate"].type("90")
    query = app.query_string()
    assert "imputed=40" in query and "rate=90" in query and "hours" not in query
    other = BreakEvenCalculator(chart=False)
    other.start(query=query)
    assert other.answer.value == app.answer.value
    assert other.options.value == app.options.value
    assert html.escape(query, quote=True) in app.link.value


def test_an_imputed_share_from_a_link_may_be_a_fraction(app: BreakEvenCalculator) -> None:
    notes = app.prefill("imputed=0.5")
    assert app.controls["imputed"].value == pytest.approx(0.5)
    assert app.result.imputed_share == pytest.approx(0.5)
    assert notes == [
        "The link gave imputed as the fraction 0.5; it is read as 50 % (imputed=50 gives it in"
        " percent)."
    ]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="PDF output needs Chromium")
def test_the_pdf_is_the_estimate_on_screen(app: BreakEvenCalculator) -> None:
    name, data = app.controls["pdf"].click()
    assert name == "training-cost-estimate.pdf" and data.startswith(b"%PDF")
    from tpo_scoping.report.estimate import render_estimate_html

    page = render_estimate_html(app.profile(), app.result)
    for figure in today_figures(app.result):
        assert html.escape(figure.value) in page
    for row in option_table(app.result).rows:
        assert html.escape(row[3]) in page  # every option's total
