"""Pieces the apps share: messages in words, failures turned polite, links, downloads, tables."""

from __future__ import annotations

import logging

import pytest

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ui.downloads import DownloadButton, safe_filename
from tpo_scoping.ui.html import html_table, shared_model
from tpo_scoping.ui.links import MAX_QUERY_STRING, parse_query
from tpo_scoping.ui.messages import POLITE_ERROR, MessageBox, field_words, guarded


class _Thing:
    def __init__(self) -> None:
        self.box = MessageBox()

    @guarded("adding up", lambda self: self.box)
    def bad_input(self) -> None:
        raise InputError([Problem("sites.0.fte", "must be greater than 0")], source="p.yaml")

    @guarded("adding up", lambda self: self.box)
    def bug(self) -> None:
        raise ZeroDivisionError("secret internal detail")

    @guarded("adding up", lambda self: self.box)
    def fine(self) -> int:
        return 7


def test_guarded_shows_problems_in_words_and_hides_internal_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    thing = _Thing()
    thing.bad_input()
    assert thing.box.text == "p.yaml: Site 1, FTE: must be greater than 0"
    with caplog.at_level(logging.ERROR, logger="tpo_scoping.ui"):
        thing.bug()
    assert thing.box.text == POLITE_ERROR.format(activity="adding up")
    assert "secret" not in thing.box.value and "Traceback" not in thing.box.value
    assert caplog.records[-1].exc_info is not None
    assert caplog.records[-1].exc_info[0] is ZeroDivisionError
    assert thing.fine() == 7


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("sites.0.country", "Site 1, country"),
        ("sites.11.fte", "Site 12, FTE"),
        ("growth.hires_per_quarter", "New hires per quarter"),
        ("prospect", "Prospect name"),
        ("assumptions.tpo_fee", "Assumption, tpo fee"),
    ],
)
def test_field_paths_read_as_words_counting_sites_from_one(path: str, words: str) -> None:
    assert field_words(path) == words


def test_links_keep_known_keys_match_case_and_name_the_rest() -> None:
    found = parse_query("FTE=50&hires=9&Hire=3&x=<script>", {"fte", "hires"})
    assert found.values == {"fte": "50", "hires": "9"}
    assert found.unknown == ("Hire", "x")
    notes = found.notes({"fte", "hires"})
    assert "'Hire' is not one this calculator reads (did you mean hires?)" in notes[0]
    assert notes[0].endswith("the keys are fte, hires.")
    assert parse_query("fte=1&fte=2", {"fte"}).values == {"fte": "1"}
    assert parse_query("", {"fte"}).values == {}


def test_links_that_cannot_be_read_say_so() -> None:
    long = parse_query("fte=" + "9" * MAX_QUERY_STRING, {"fte"})
    assert long.values == {} and long.too_long and "ignored" in long.notes({"fte"})[0]
    assert parse_query("%%%&&&==", {"fte"}).values == {}


def test_keys_differing_only_in_case_are_not_guessed() -> None:
    found = parse_query("FTE=3", {"fte", "Fte"})
    assert found.values == {} and found.unknown == ("FTE",)


def test_download_button_hands_the_bytes_and_name_to_the_page() -> None:
    payload = bytes(range(256)) * 3
    sent: list[tuple[dict, list]] = []
    states: list[bool] = []
    button = DownloadButton("Brief (xlsx)", lambda: (payload, 'brief "x".xlsx'))
    button.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    button.observe(lambda c: states.append(c["new"]), names="preparing")
    assert button.busy_label == "Preparing the brief (xlsx)…"
    button._on_message(button, {"event": "click"}, [])
    content, buffers = sent[0]
    assert content["name"] == 'brief "x".xlsx' and content["mime"].endswith("spreadsheetml.sheet")
    assert buffers == [payload] and states == [True, False]


def test_a_download_that_explains_a_problem_sends_nothing() -> None:
    sent: list[object] = []
    button = DownloadButton("Brief (PDF)", lambda: None)
    button.send = lambda *a, **k: sent.append(a)  # type: ignore[method-assign]
    assert button.click() is None and sent == [] and not button.preparing


def test_safe_filename() -> None:
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert safe_filename("***") == "prospect"


def test_a_closed_shared_model_is_replaced() -> None:
    import ipywidgets as widgets

    layout = shared_model(widgets.Layout, width="123px")
    assert shared_model(widgets.Layout, width="123px") is layout
    assert shared_model(widgets.Layout, width="124px") is not layout
    layout.close()
    again = shared_model(widgets.Layout, width="123px")
    assert again is not layout and again.width == "123px" and again.comm is not None


def test_a_table_note_sits_in_its_own_full_width_row() -> None:
    table = html_table(["a", "<b>b</b>"], [["1", "2"], ["3", "4"]], notes=["why", ""])
    assert table.count("<tr>") == 3 and '<td colspan="2">why</td>' in table
    assert table.index("why") < table.index('<td data-label="a">3</td>')
    assert '<td data-label="b">4</td>' in table  # each cell names its column, as plain text


def test_the_apps_leave_the_interpreter_alone_when_imported() -> None:
    """No sys.modules entries, switch interval or import hooks as a side effect of an import."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys; before = (set(sys.modules), sys.getswitchinterval(), "
        "len(sys.meta_path)); "
        "import tpo_scoping.ui.scoping_calculator, tpo_scoping.ui.breakeven_calculator; "
        "print(json.dumps({'none': [k for k, v in sys.modules.items() if v is None], "
        "'switch': sys.getswitchinterval() == before[1], "
        "'hooks': len(sys.meta_path) == before[2]}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["switch"] and report["hooks"]
    assert not any(name.startswith(("rfc3987", "webcolors", "fqdn")) for name in report["none"])
