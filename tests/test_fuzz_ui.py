"""Fuzzing the apps' input handlers through their exposed controls, without a browser.

Typed numbers, link query strings and uploaded files either give an answer or a message next to
the input; never the polite "something went wrong" (which means an internal failure), and never
hostile text rendered as markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, upload_value
from tpo_scoping.ui.links import MAX_QUERY_STRING, parse_query
from tpo_scoping.ui.messages import POLITE_ERROR

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "+cmd",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "",
    " ",
    "0",
    "-0",
    "1,2,3",
    "٣٠",
    "x" * 10_000,
]
FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "link", "meta"}
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def html_values(widget: widgets.Widget) -> Iterator[str]:
    """Every HTML string a widget tree shows."""
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        yield str(widget.value)
    for child in getattr(widget, "children", ()) or ():
        yield from html_values(child)


class _Markup(HTMLParser):
    """Collects the tags and event-handler attributes of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {name}={value!r}")


def markup_problems(value: str) -> list[str]:
    """Script-capable markup in an HTML fragment (escaped text is fine)."""
    parser = _Markup()
    parser.feed(value)
    parser.close()
    return parser.bad


def assert_no_markup_injection(app: widgets.Widget) -> None:
    for value in html_values(app):
        bad = markup_problems(value)
        assert not bad, f"script-capable markup {bad} in {value[:200]!r}"


def assert_no_internal_failure(app: widgets.Widget) -> None:
    marker = POLITE_ERROR.split(",")[0]
    for value in html_values(app):
        assert marker not in value, "an input caused an internal failure"


# --------------------------------------------------------------------------------------------
# The public calculator


@pytest.fixture(scope="module")
def calculator() -> Any:
    from tpo_scoping.ui.breakeven_calculator import BreakEvenCalculator

    app = BreakEvenCalculator(chart=False)
    app.launch(deferred=False)
    return app


@SETTINGS
@given(
    st.sampled_from(["fte", "hires", "attrition"]),
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.floats().map(str)),
)
def test_calculator_typed_input(calculator: Any, field: str, text: str) -> None:
    control = calculator.controls[field]
    before = calculator.revision
    control.type(text)
    try:
        expected = control.parse(text)
    except ValueError:
        assert not control.valid and control.error, f"{text!r} accepted silently"
        assert control.message.text
    else:
        assert control.valid and math.isfinite(expected)
        assert control.value == pytest.approx(expected)
        assert calculator.revision >= before
        if field == "fte":
            assert calculator.result.team_fte_now == pytest.approx(expected)
    assert_no_internal_failure(calculator)
    assert_no_markup_injection(calculator)
    control.type({"fte": "50", "hires": "20", "attrition": "30"}[field])  # back to a valid state


QUERY_VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))


@SETTINGS
@given(
    st.dictionaries(
        st.one_of(
            st.sampled_from(["fte", "hires", "attrition", "domain", "training", "country"]),
            st.text(max_size=8),
        ),
        QUERY_VALUES,
        max_size=8,
    )
)
def test_calculator_query_string(calculator: Any, params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    from tpo_scoping.ui import breakeven_calculator as module

    problems = calculator.prefill(urlencode(params))
    assert isinstance(problems, list)
    c = calculator.controls
    for key in ("fte", "hires", "attrition"):
        field = c[key]
        assert field.minimum <= field.value <= field.maximum
    for key, labels in (("domain", "DOMAIN_LABELS"), ("training", "TRAINING_LABELS")):
        assert c[key].value in getattr(module, labels)
    assert len(problems) <= len(params)  # at most one note per key the link gave
    assert_no_internal_failure(calculator)
    assert_no_markup_injection(calculator)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_parse_query_never_fails(query: str) -> None:
    allowed = frozenset({"fte", "hires"})
    out = parse_query(query, allowed)
    assert set(out.values) <= allowed
    assert all(len(v) <= 100 for v in out.values.values())
    assert len(out.unknown) <= 10 and all(len(k) <= 40 for k in out.unknown)
    if len(query) > MAX_QUERY_STRING:
        assert out.values == {} and out.too_long


# --------------------------------------------------------------------------------------------
# Uploads: the KPI drafter's profile upload and the needs app's data upload


@pytest.fixture(scope="module")
def drafter() -> Any:
    from tpo_scoping.ui.kpi_drafter import KpiDrafter

    app = KpiDrafter()
    app.launch(deferred=False)
    return app


PROFILE_CORPUS = sorted((ROOT / "tests" / "corpus" / "profiles").iterdir())


@pytest.mark.parametrize("path", PROFILE_CORPUS, ids=lambda p: p.name)
def test_kpi_drafter_profile_upload_corpus(drafter: Any, path: Path) -> None:
    drafter.controls["profile_upload"].value = upload_value(path.name, path.read_bytes())
    message = drafter.upload_message
    assert message.text, "an upload must always be answered"
    assert message.kind in ("ok", "error")
    assert_no_internal_failure(drafter)
    assert_no_markup_injection(drafter)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=2000))
def test_kpi_drafter_profile_upload_bytes(drafter: Any, payload: bytes) -> None:
    drafter.controls["profile_upload"].value = upload_value("p.yaml", payload)
    assert drafter.upload_message.text
    assert_no_internal_failure(drafter)


def test_kpi_drafter_hostile_prospect_name_is_escaped(drafter: Any) -> None:
    text = (
        "prospect: '<script>alert(1)</script><img src=x onerror=alert(1)>'\n"
        "sites: [{country: PH, fte: 20}]\n"
    )
    drafter.controls["profile_upload"].value = upload_value("p.yaml", text.encode())
    assert drafter.upload_message.kind == "ok", drafter.upload_message.text
    assert "&lt;script&gt;" in drafter.prospect_label.value
    assert_no_markup_injection(drafter)


@pytest.fixture(scope="module")
def needs_app() -> Any:
    module = pytest.importorskip("tpo_scoping.ui.needs_app")
    app = module.NeedsApp(charts=False, max_bytes=2_000_000)
    app.launch(deferred=False)
    return app


DATA_CORPUS = sorted(p for p in (ROOT / "tests" / "corpus" / "data").iterdir() if p.suffix != ".py")


@pytest.mark.parametrize("path", DATA_CORPUS, ids=lambda p: p.name)
def test_needs_app_upload_corpus(needs_app: Any, path: Path) -> None:
    needs_app.controls["upload"].value = upload_value(path.name, path.read_bytes())
    message = needs_app.upload_message
    assert message.text, "an upload must always be answered"
    assert message.kind in ("ok", "error"), message.text
    assert_no_internal_failure(needs_app)
    assert_no_markup_injection(needs_app)
    assert needs_app.controls["upload"].value == (), "the widget must not keep the bytes"


def test_needs_app_upload_limit_has_a_clear_message(needs_app: Any) -> None:
    big = b"employee_id,site\n" + b"E1,Manila\n" * 250_000  # 2.5 MB > the 2 MB limit
    needs_app.controls["upload"].value = upload_value("employees.csv", big)
    assert needs_app.upload_message.kind == "error"
    assert "limit" in needs_app.upload_message.text and "MB" in needs_app.upload_message.text


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=2000), st.sampled_from(["employees.csv", "data.xlsx", "x.exe"]))
def test_needs_app_upload_bytes(needs_app: Any, payload: bytes, name: str) -> None:
    needs_app.controls["upload"].value = upload_value(name, payload)
    assert needs_app.upload_message.text
    assert_no_internal_failure(needs_app)


# --------------------------------------------------------------------------------------------
# The scoping calculator's cost assumptions: inside their hard bounds, or refused beside the field


@pytest.fixture(scope="module")
def scoping() -> Any:
    from tpo_scoping.ui.scoping_calculator import ScopingCalculator

    app = ScopingCalculator(charts=False, with_needs=False)
    app.launch()
    return app


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(
        [
            "tpo_fee_per_fte_tier1",
            "catalog_seat_price_monthly",
            "loaded_hourly_rate_onshore_manager",
            "mgmt_hours_per_fte_month_informal",
            "offshore_fte_monthly_cost",
        ]
    ),
    st.one_of(
        st.sampled_from(["-1000", "1e308", "-1e308", "nan", "inf", "0", "2000", "744", "745"]),
        st.floats().map(str),
        st.text(max_size=12),
    ),
)
def test_scoping_assumption_fields(scoping: Any, name: str, text: str) -> None:
    from tpo_scoping.assumptions import default_assumptions

    default = default_assumptions()[name]
    field = scoping.controls["assumptions"][name]
    field.type(text)
    try:
        if field.valid:
            assert default.min_value <= field.value <= default.max_value
            costs = scoping.scope.break_even.options.values()
            assert all(math.isfinite(o.total_cost) and o.total_cost >= 0 for o in costs)
        else:
            assert field.error and field.message.text
        assert_no_internal_failure(scoping)
    finally:
        field.set(default.value)
