"""The remembered first answer: a cold page shows the default answer at once, then computes it.

Each test gets its own cache folder. A "cold visit" launches an app as a kernel started for a
request does (deferred, in an event loop), reports the page as drawn, and waits until the
remembered answer, if one was shown, has been replaced by a computed one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tpo_scoping.ui import _answers
from tpo_scoping.ui.breakeven_calculator import BreakEvenCalculator
from tpo_scoping.ui.kpi_drafter import KpiDrafter
from tpo_scoping.ui.scoping_calculator import ScopingCalculator

APPS: dict[str, Callable[[], Any]] = {
    "scoping": lambda: ScopingCalculator(charts=False),
    "breakeven": lambda: BreakEvenCalculator(chart=False),
    "kpi_drafter": lambda: KpiDrafter(),
}


@pytest.fixture(autouse=True)
def answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(_answers.SWITCH, raising=False)
    return tmp_path / "tpo-scoping" / "answers"


def hold_preparation(app: Any, seconds: float | None = None) -> threading.Event:
    """Make the app's preparation wait until the returned event is set (or ``seconds`` pass)."""
    release = threading.Event()
    if seconds is not None:
        threading.Timer(seconds, release.set).start()
    prepare = app.prepare

    def held() -> Any:
        assert release.wait(30), "the test never released the preparation"
        return prepare()

    app.prepare = held
    return release


class Visit:
    """What a cold visit saw when the page reported itself drawn, and after it settled."""

    def __init__(self, app: Any, release: threading.Event | None = None) -> None:
        self.app = app
        self.ready_at_launch = False
        self.preparing_at_launch = False
        self.ready_at_shown = False
        self.prepared_at_shown = True
        self.state_at_shown: dict[str, Any] = {}
        asyncio.run(self._run(release))

    async def _run(self, release: threading.Event | None) -> None:
        app = self.app
        app.launch(deferred=True)
        self.ready_at_launch = app.ready
        self.preparing_at_launch = app._preparation is not None
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        self.ready_at_shown = app.ready
        self.prepared_at_shown = app._preparation.done()
        self.state_at_shown = app.answer_state()
        if release is not None:
            release.set()
        for _ in range(3000):
            if app._preparation.done() and not app._provisional:
                break
            await asyncio.sleep(0.01)
        assert not app._provisional, "the remembered answer was never replaced"


def computed_state(name: str) -> dict[str, Any]:
    """The default answer computed the plain way (no page, no cache)."""
    app = APPS[name]()
    app.launch()
    return app.answer_state()


@pytest.mark.parametrize("name", sorted(APPS))
def test_second_cold_visit_shows_the_first_answer_before_its_preparation_ends(
    name: str, answers: Path
) -> None:
    expected = computed_state(name)
    assert not answers.exists(), "a launch without a page must not write the cache"

    first = Visit(APPS[name]())
    assert first.state_at_shown == expected and first.ready_at_shown
    assert not first.ready_at_launch and first.preparing_at_launch  # computed after the page
    assert len(list(answers.glob(f"{type(first.app).__name__}-*.json"))) == 1

    second_app = APPS[name]()
    second = Visit(second_app, release=hold_preparation(second_app))
    # The answer is in the widgets before the page draws them; the libraries load afterwards.
    assert second.ready_at_launch and not second.preparing_at_launch
    assert second.ready_at_shown and not second.prepared_at_shown
    assert second.state_at_shown == expected
    assert second_app.answer_state() == expected  # computed for real afterwards: the same


def test_the_computed_answer_replaces_an_out_of_date_one(
    answers: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Visit(ScopingCalculator(charts=False))
    (path,) = answers.glob("ScopingCalculator-*.json")
    planted = json.loads(path.read_text("utf-8"))
    computed = dict(planted)
    planted["verdict"] = {"value": "<p>STALE verdict</p>"}
    path.write_text(json.dumps(planted), "utf-8")

    app = ScopingCalculator(charts=False)
    with caplog.at_level(logging.WARNING, logger="tpo_scoping.ui"):
        visit = Visit(app, release=hold_preparation(app))
    assert visit.state_at_shown["verdict"] == {"value": "<p>STALE verdict</p>"}
    assert app.answer_state() == computed
    assert json.loads(path.read_text("utf-8")) == computed
    assert "out of date" in caplog.text


def test_typing_before_the_preparation_ends_computes_from_what_was_typed(answers: Path) -> None:
    Visit(ScopingCalculator(charts=False))
    (path,) = answers.glob("ScopingCalculator-*.json")
    remembered = path.read_bytes()
    app = ScopingCalculator(charts=False)
    release = hold_preparation(app)

    async def scenario() -> None:
        app.launch(deferred=True)
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        assert app._provisional and app.scope is None
        threading.Timer(0.2, release.set).start()
        app.controls["hires"].type("40")  # waits for the preparation, then computes

    asyncio.run(scenario())
    assert not app._provisional
    assert app.scope is not None and app.scope.profile.growth.hires_per_quarter == 40.0
    # What the visitor typed is not written, nor mistaken for an out-of-date answer.
    assert list(answers.iterdir()) == [path] and path.read_bytes() == remembered


def test_a_visitors_inputs_are_never_written(answers: Path) -> None:
    from tpo_scoping.ui._common import sample_profile

    prefilled = BreakEvenCalculator(chart=False)
    prefilled.prefill("fte=80&hires=5")
    Visit(prefilled)
    given = ScopingCalculator(sample_profile(), charts=False)
    Visit(given)
    assert not answers.exists() or not list(answers.iterdir())

    app = BreakEvenCalculator(chart=False)
    Visit(app)
    (path,) = answers.glob("BreakEvenCalculator-*.json")
    written = path.read_bytes()
    app.controls["fte"].type("80")  # a visitor typing afterwards
    assert path.read_bytes() == written and len(list(answers.iterdir())) == 1


def test_a_malformed_file_is_ignored_and_replaced(answers: Path) -> None:
    Visit(KpiDrafter())
    (path,) = answers.glob("KpiDrafter-*.json")
    good = path.read_text("utf-8")
    wrong_trait = {"table": {"layout": "x"}, "notes": {"value": ""}}
    for bad in (
        "{not json",
        json.dumps({"table": {"value": 3}}),
        json.dumps([1, 2]),
        json.dumps(wrong_trait),
    ):
        path.write_text(bad, "utf-8")
        app = KpiDrafter()
        visit = Visit(app, release=hold_preparation(app, seconds=0.2))
        # Nothing remembered to show: the page waited for the real answer.
        assert visit.prepared_at_shown and json.loads(path.read_text("utf-8")) == json.loads(good)


def test_switched_off_nothing_is_read_or_written(
    answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Visit(KpiDrafter())
    monkeypatch.setenv(_answers.SWITCH, "off")
    app = KpiDrafter()
    visit = Visit(app, release=hold_preparation(app, seconds=0.2))
    assert visit.prepared_at_shown  # computed, not recalled
    for path in answers.iterdir():
        path.unlink()
    Visit(KpiDrafter())
    assert not list(answers.iterdir())


def test_the_key_follows_the_date_the_code_and_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("A = 1\n", "utf-8")
    monkeypatch.setattr(_answers, "PACKAGE_ROOT", package)
    monkeypatch.setattr(_answers, "SAMPLE_ROOT", tmp_path / "no-samples")
    _answers.fingerprint.cache_clear()
    try:
        base = _answers.answer_path("App", "inputs")
        assert _answers.answer_path("App", "other inputs") != base
        assert _answers.answer_path("Other", "inputs") != base
        today = _answers._today
        monkeypatch.setattr(_answers, "_today", lambda: dt.date(2000, 1, 2))
        assert _answers.answer_path("App", "inputs") != base
        monkeypatch.setattr(_answers, "_today", today)
        assert _answers.answer_path("App", "inputs") == base
        (package / "module.py").write_text("A = 2\n", "utf-8")
        _answers.fingerprint.cache_clear()
        assert _answers.answer_path("App", "inputs") != base
    finally:
        _answers.fingerprint.cache_clear()


def test_storing_prunes_only_answers_left_alone_for_a_week(answers: Path) -> None:
    import os
    import time

    answers.mkdir(parents=True)
    stale = answers / "KpiDrafter-0000.json"
    other_version = answers / "KpiDrafter-1111.json"
    for path in (stale, other_version):
        path.write_text("{}", "utf-8")
    week_ago = time.time() - (_answers.KEEP_DAYS + 1) * 86_400
    os.utime(stale, (week_ago, week_ago))
    Visit(KpiDrafter())
    left = sorted(p.name for p in answers.iterdir())
    assert stale.name not in left and other_version.name in left and len(left) == 2


@pytest.mark.parametrize("name", sorted(APPS))
def test_a_pool_kernel_remembers_the_default_answer_for_cold_kernels(
    name: str, answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preheated kernel computes before anyone visits; what it computed serves cold kernels,
    even when the visitor who then takes the pooled kernel came with a link."""
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    app = APPS[name]()
    if isinstance(app, BreakEvenCalculator):
        app.start(query="fte=80")  # computed (and remembered) before the link is applied
        assert "from 80 to about" in app.answer.value
    else:
        app.launch()
    assert app.ready
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    cold = APPS[name]()
    visit = Visit(cold, release=hold_preparation(cold))
    assert visit.ready_at_launch and visit.state_at_shown == computed_state(name)


def test_installed_versions_agree_with_importlib_metadata() -> None:
    from importlib.metadata import version

    names = (*_answers.LIBRARIES, "PyYAML", "typing-extensions", "no-such-distribution")
    found = _answers.installed_versions(names)
    assert "no-such-distribution" not in found
    for name in names[:-1]:
        assert found[name] == version(name), name
