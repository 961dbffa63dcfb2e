"""Shared widget helpers: number parsing, field messages, error guarding, downloads, queries."""

from __future__ import annotations

import base64
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ui._common import (
    POLITE_ERROR,
    AppShell,
    Debouncer,
    MessageBox,
    NumberField,
    download_link,
    guarded,
    parse_number,
    parse_query,
    safe_filename,
)


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("42", {}, 42.0),
        (" 1,250 ", {"integer": True}, 1250.0),
        ("30", {"percent": True}, 0.30),
        ("12.5%", {"percent": True}, 0.125),
        ("-3", {}, -3.0),
    ],
)
def test_parse_number_accepts_what_people_type(text: str, kwargs: dict, expected: float) -> None:
    assert parse_number(text, label="x", **kwargs) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [
        ("", {}, "enter a number"),
        ("abc", {}, "is not a number"),
        ("<script>alert(1)</script>", {}, "is not a number"),
        ("nan", {}, "finite"),
        ("inf", {}, "finite"),
        ("1e400", {}, "finite"),
        ("2.5", {"integer": True}, "whole number"),
        ("0", {"minimum": 1}, "at least 1"),
        ("5000000", {"maximum": 100000}, "at most 100,000"),
        ("150", {"percent": True, "maximum": 1.0}, "at most 100%"),
        ("9" * 40, {}, "not a number we can use"),
    ],
)
def test_parse_number_explains_bad_input(text: str, kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_number(text, label="Team size", **kwargs)
    assert str(info.value).startswith("Team size:")


@given(st.text(max_size=60))
def test_parse_number_never_fails_other_than_valueerror(text: str) -> None:
    try:
        value = parse_number(text, label="x", minimum=0, maximum=1e6)
    except ValueError:
        return
    assert 0 <= value <= 1e6


def test_number_field_keeps_last_valid_value_and_shows_message() -> None:
    field = NumberField("Team size", 50, minimum=1, maximum=100_000, integer=True)
    seen = []
    field.observe(lambda c: seen.append(c["new"]), names="value")
    field.type("80")
    assert field.value == 80 and field.valid and field.message.text == ""
    field.type("eighty")
    assert field.value == 80 and not field.valid
    assert "Team size" in field.message.text and "not a number" in field.message.text
    assert "eighty" in field.message.value and "<script" not in field.message.value
    field.type("<script>x</script>")
    assert "&lt;script&gt;" in field.message.value
    field.type("120")
    assert field.valid and field.message.text == "" and seen == [80.0, 120.0]


def test_number_field_percent_round_trip() -> None:
    field = NumberField("Attrition", 0.3, minimum=0, maximum=1.5, percent=True)
    assert field.text.value == "30"
    field.type("45")
    assert field.value == pytest.approx(0.45)
    field.set(0.125)
    assert field.text.value == "12.5" and field.value == pytest.approx(0.125)


class _Thing:
    def __init__(self) -> None:
        self.box = MessageBox()

    @guarded("adding up", lambda self: self.box)
    def bad_input(self) -> None:
        raise InputError([Problem("sites[0].fte", "must be greater than 0")])

    @guarded("adding up", lambda self: self.box)
    def bug(self) -> None:
        raise ZeroDivisionError("secret internal detail")

    @guarded("adding up", lambda self: self.box)
    def fine(self) -> int:
        return 7


def test_guarded_shows_problems_and_hides_internal_errors() -> None:
    thing = _Thing()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("tpo_scoping.ui")
    logger.addHandler(handler)
    try:
        thing.bad_input()
        assert thing.box.text == "sites[0].fte: must be greater than 0"
        thing.bug()
    finally:
        logger.removeHandler(handler)
    assert thing.box.text == POLITE_ERROR.format(what="adding up")
    assert "secret" not in thing.box.value and "Traceback" not in thing.box.value
    assert records and records[-1].exc_info is not None
    assert records[-1].exc_info[0] is ZeroDivisionError
    assert thing.fine() == 7


def test_download_link_round_trips_the_bytes() -> None:
    payload = bytes(range(256)) * 3
    link = download_link(payload, 'brief "x".xlsx')
    href = link.split('href="', 1)[1].split('"', 1)[0]
    prefix = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
    assert href.startswith(prefix)
    assert base64.b64decode(href[len(prefix) :]) == payload
    assert 'download="brief &quot;x&quot;.xlsx"' in link


def test_safe_filename() -> None:
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert safe_filename("***") == "prospect"


def test_parse_query_keeps_known_keys_only() -> None:
    assert parse_query("fte=50&hires=9&x=<script>", {"fte", "hires"}) == {"fte": "50", "hires": "9"}
    assert parse_query("fte=1&fte=2", {"fte"}) == {"fte": "1"}
    assert parse_query("fte=" + "9" * 5000, {"fte"}) == {}
    assert parse_query("%%%&&&==", {"fte"}) == {}
    assert parse_query("", {"fte"}) == {}


def test_debouncer_runs_immediately_without_an_event_loop() -> None:
    calls = []
    debounced = Debouncer(lambda: calls.append(1), wait=10)
    debounced()
    debounced()
    assert calls == [1, 1]


def test_debouncer_coalesces_calls_in_a_loop() -> None:
    import asyncio

    calls = []

    async def main() -> None:
        debounced = Debouncer(lambda: calls.append(1), wait=0.05)
        for _ in range(5):
            debounced()
        await asyncio.sleep(0.15)

    asyncio.run(main())
    assert calls == [1]


class _CountingApp(AppShell):
    def __init__(self) -> None:
        self.refreshes = 0
        super().__init__([])

    def refresh(self) -> None:
        self.refreshes += 1


def test_deferred_launch_waits_for_the_page_not_a_timer() -> None:
    """In a kernel (a running loop) the first computation starts when the page reports it has
    drawn the app, however long that takes, and only once."""
    import asyncio

    async def scenario() -> tuple[int, int, int, bool]:
        app = _CountingApp()
        app.launch(deferred=True)
        await asyncio.sleep(1.0)  # a timer would have fired by now
        before = app.refreshes
        app.shown._on_message(app.shown, {"event": "other"}, [])
        ignored = app.refreshes
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        app.shown._on_message(app.shown, {"event": "shown"}, [])  # a second view
        return before, ignored, app.refreshes, app.ready

    assert asyncio.run(scenario()) == (0, 0, 1, True)


def test_a_page_shown_before_launch_computes_at_launch() -> None:
    import asyncio

    async def scenario() -> tuple[int, bool]:
        app = _CountingApp()
        app.shown._on_message(app.shown, {"event": "shown"}, [])  # JupyterLab: cell 1 drawn
        app.launch(deferred=True)
        return app.refreshes, "tpo-ready" in app._dom_classes

    assert asyncio.run(scenario()) == (1, True)


class _PreparingApp(AppShell):
    """Records where and when its preparation ran; ``fail`` makes the preparation raise."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.events: list[str] = []
        self.got: object = None
        super().__init__([])

    def prepare(self) -> object:
        import threading

        self.events.append(f"prepare in {threading.current_thread().name}")
        if self.fail:
            raise RuntimeError("the sample could not be read")
        return "prepared value"

    def refresh(self) -> None:
        self.events.append("refresh")
        self.got = self.prepared()


def test_deferred_launch_prepares_in_the_background_while_the_page_loads() -> None:
    """The widget-free work starts at launch, in another thread, before the page is shown;
    the first refresh then uses its value."""
    import asyncio
    import threading

    async def scenario() -> _PreparingApp:
        app = _PreparingApp()
        app.launch(deferred=True)
        assert app._preparation is not None
        for _ in range(200):  # the thread finishes on its own, the page not yet shown
            if app._preparation.done():
                break
            await asyncio.sleep(0.01)
        assert app.events == ["prepare in prepare _PreparingApp"] and not app.ready
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        return app

    app = asyncio.run(scenario())
    assert app.events[1:] == ["refresh"] and app.got == "prepared value" and app.ready
    assert threading.main_thread().name not in app.events[0]
    import sys

    assert sys.getswitchinterval() == pytest.approx(0.005)  # restored after the thread


def test_launch_without_a_page_prepares_in_the_calling_thread() -> None:
    app = _PreparingApp()
    app.launch()
    assert app.events == ["prepare in MainThread", "refresh"] and app.got == "prepared value"


def test_a_failed_preparation_becomes_a_polite_message(caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    async def scenario() -> _PreparingApp:
        app = _PreparingApp(fail=True)
        app.launch(deferred=True)
        await asyncio.sleep(0)
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        return app

    with caplog.at_level(logging.ERROR, logger="tpo_scoping.ui"):
        app = asyncio.run(scenario())
    assert app.ready and app.status.text == POLITE_ERROR.format(what=app.what)
    assert "the sample could not be read" in caplog.text


def test_a_closed_shared_model_is_replaced() -> None:
    import ipywidgets as widgets

    from tpo_scoping.ui._common import shared_model

    layout = shared_model(widgets.Layout, width="123px")
    assert shared_model(widgets.Layout, width="123px") is layout
    assert shared_model(widgets.Layout, width="124px") is not layout
    layout.close()
    again = shared_model(widgets.Layout, width="123px")
    assert again is not layout and again.width == "123px" and again.comm is not None


def test_overlapping_preparations_restore_the_switch_interval_once_all_end() -> None:
    """First starts, second starts, first ends, second ends: quick switching lasts until the
    second ends, then the interval from before either started comes back."""
    import sys
    import threading
    from concurrent.futures import Future

    from tpo_scoping.ui._common import BACKGROUND_SWITCH_INTERVAL, _call_in_background

    before = sys.getswitchinterval()
    started = [threading.Event(), threading.Event()]
    release = [threading.Event(), threading.Event()]

    def preparation(i: int) -> None:
        started[i].set()
        release[i].wait(5)

    threads = [
        threading.Thread(target=_call_in_background, args=(lambda i=i: preparation(i), Future()))
        for i in range(2)
    ]
    for thread, event in zip(threads, started, strict=True):
        thread.start()
        assert event.wait(5)
    release[0].set()
    threads[0].join(5)
    between = sys.getswitchinterval()
    release[1].set()
    threads[1].join(5)
    assert between == pytest.approx(BACKGROUND_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == pytest.approx(before)


class _BrokenInputsApp(AppShell):
    """Its first inputs cannot be shown (say, the sample prospect is unreadable)."""

    def __init__(self) -> None:
        self.attempts = 0
        super().__init__([])

    def show_inputs(self) -> None:
        self.attempts += 1
        raise RuntimeError("the sample prospect could not be read")

    def show_answer(self) -> None:  # pragma: no cover - never reached
        raise AssertionError("answered without inputs")


def test_inputs_that_cannot_be_shown_become_a_polite_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="tpo_scoping.ui"):
        app = _BrokenInputsApp()
        app.launch()
    assert app.ready and app.status.text == POLITE_ERROR.format(what=app.what)
    assert app.attempts == 2  # at launch, then once more for the first answer
    assert "the sample prospect could not be read" in caplog.text


def test_a_field_without_caption_still_names_itself_in_messages() -> None:
    """Table rows (the sites) show no caption above each field; the column header names it."""
    field = NumberField("FTE", 10, minimum=1, integer=True, caption=False)
    assert list(field.children) == [field.text, field.message]
    assert field.text.placeholder == "FTE"
    field.text.value = "-4"
    assert not field.valid and field.value == 10
    assert field.error.startswith("FTE") and "at least 1" in field.error


FORMAT_PROBE = """
import json, sys
import tpo_scoping.ui
from tpo_scoping.ui import UNUSED_FORMAT_CHECKERS
import altair as alt, jsonschema, pandas as pd
frame = pd.DataFrame({"x": [1.0]})
alt.Chart(frame).mark_point().encode(x="x:Q").to_dict()
try:
    alt.Chart(frame).mark_point(size="big").encode(x="x:Q").to_dict()
    checked = False
except alt.utils.schemapi.SchemaValidationError:
    checked = True
print(json.dumps({
    "loaded": [n for n in UNUSED_FORMAT_CHECKERS if sys.modules.get(n) is not None],
    "charts_checked": checked,
    "formats": sorted(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers),
}))
"""


def test_apps_leave_unused_format_checkers_out_and_charts_are_still_validated() -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FORMAT_PROBE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["loaded"] == []
    assert report["charts_checked"] is True  # altair still validates against Vega-Lite's schema
    # The formats Vega-Lite's schema uses are still checked; the left-out ones are not.
    assert {"uri", "uri-reference"} <= set(report["formats"])
    left_out = {"duration", "hostname", "color", "date-time", "uri-template", "json-pointer"}
    assert not left_out & set(report["formats"])
