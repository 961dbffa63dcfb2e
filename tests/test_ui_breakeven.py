"""The public break-even calculator, driven through its controls without a browser."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from tpo_scoping.economics import break_even
from tpo_scoping.labels import money
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
        assert money(expected["options"][option]["total_cost"]) in app.answer.value
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
    defaults = {k: c.value for k, c in app.controls.items()}
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
    assert "the keys are attrition, domain, fte, hires, training" in notes[0]
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
    from tpo_scoping.ui.downloads import DownloadButton
    from tpo_scoping.ui.uploads import UploadButton

    kinds = {type(w) for w in walk(app)}
    assert not kinds & {widgets.FileUpload, UploadButton, DownloadButton}
    assert not any("download=" in w.value for w in walk(app) if isinstance(w, widgets.HTML))
