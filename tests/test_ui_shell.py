"""The app frame: the first answer waits for the page in a kernel, comes at once elsewhere."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tpo_scoping.ui.messages import POLITE_ERROR
from tpo_scoping.ui.shell import AppShell


class _CountingApp(AppShell):
    def __init__(self) -> None:
        self.answers = 0
        super().__init__([])

    def show_answer(self) -> None:
        self.answers += 1


def test_deferred_launch_waits_for_the_page_not_a_timer() -> None:
    """In a kernel (a running loop) the first answer comes when the page reports it has drawn
    the app, however long that takes, and only once."""

    async def scenario() -> tuple[int, int, int, bool]:
        app = _CountingApp()
        app.launch(deferred=True)
        await asyncio.sleep(1.0)  # a timer would have fired by now
        before = app.answers
        app.shown._on_message(app.shown, {"event": "other"}, [])
        ignored = app.answers
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        app.shown._on_message(app.shown, {"event": "shown"}, [])  # a second view
        return before, ignored, app.answers, app.ready

    assert asyncio.run(scenario()) == (0, 0, 1, True)


def test_a_page_shown_before_launch_answers_at_launch() -> None:
    async def scenario() -> tuple[int, bool]:
        app = _CountingApp()
        app.shown._on_message(app.shown, {"event": "shown"}, [])  # JupyterLab: cell 1 drawn
        app.launch(deferred=True)
        return app.answers, "tpo-ready" in app._dom_classes

    assert asyncio.run(scenario()) == (1, True)


def test_launch_without_a_loop_answers_at_once() -> None:
    app = _CountingApp()
    app.launch()
    assert app.answers == 1 and app.ready


class _BrokenApp(AppShell):
    """Its first inputs cannot be shown, nor its first answer (say, the sample is unreadable)."""

    def show_inputs(self) -> None:
        raise RuntimeError("the sample prospect could not be read")

    def show_answer(self) -> None:
        raise RuntimeError("nothing to answer with")


def test_failures_at_launch_become_a_polite_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="tpo_scoping.ui"):
        app = _BrokenApp([])
        app.launch()
    assert app.ready and app.status.text == POLITE_ERROR.format(activity=app.activity)
    assert "the sample prospect could not be read" in caplog.text
    assert "nothing to answer with" in caplog.text
