"""The kept first answer: a cold page shows the default answer at once, then computes it.

Each test gets its own cache folder and plays a served kernel. A "cold visit" launches an app
as a kernel started for a request does (deferred, in an event loop), then reports the page as
drawn, which computes the answer for real.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tpo_scoping.ui.breakeven_calculator import BreakEvenCalculator
from tpo_scoping.ui.kpi_drafter import KpiDrafter
from tpo_scoping.ui.scoping_calculator import ScopingCalculator
from tpo_scoping.voila import answer_cache

APPS: dict[str, Callable[[], Any]] = {
    "scoping": lambda: ScopingCalculator(charts=False, workspace=None),
    "breakeven": lambda: BreakEvenCalculator(chart=False),
    "kpi_drafter": lambda: KpiDrafter(workspace=None),
}


@pytest.fixture(autouse=True)
def answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv(answer_cache.SERVED_ENV, "1")
    monkeypatch.delenv(answer_cache.SWITCH, raising=False)
    return tmp_path / "tpo-scoping" / "answers"


class Visit:
    """What a cold visit showed at launch, before the page was drawn, and after."""

    def __init__(self, app: Any, computed: list[str] | None = None) -> None:
        self.app = app
        self.computed = computed if computed is not None else []
        asyncio.run(self._run())

    async def _run(self) -> None:
        app = self.app
        original = app.show_answer

        def counted() -> None:
            self.computed.append("computed")
            original()

        app.show_answer = counted
        app.launch(deferred=True)
        self.ready_at_launch = app.ready
        self.state_at_launch = app.answer_state()
        self.computed_at_launch = len(self.computed)
        app.shown._on_message(app.shown, {"event": "shown"}, [])
        self.state_after = app.answer_state()


def computed_state(name: str) -> dict[str, Any]:
    """The default answer computed the plain way (no page)."""
    app = APPS[name]()
    app.launch()
    return app.answer_state()


@pytest.mark.parametrize("name", sorted(APPS))
def test_second_cold_visit_shows_the_first_answer_before_computing(
    name: str, answers: Path
) -> None:
    expected = computed_state(name)
    stored = list(answers.glob("*.json"))
    assert len(stored) == 1  # kept by the plain launch, as a pooled kernel does
    stored[0].unlink()

    first = Visit(APPS[name]())
    assert not first.ready_at_launch and first.computed_at_launch == 0
    assert first.state_after == expected
    assert len(list(answers.glob(f"{type(first.app).__name__}-*.json"))) == 1

    second = Visit(APPS[name]())
    # The answer is in the widgets before the page draws them; computed only afterwards.
    assert second.ready_at_launch and second.computed_at_launch == 0
    assert second.state_at_launch == expected
    assert second.computed == ["computed"] and second.state_after == expected


def test_the_computed_answer_replaces_an_out_of_date_one(
    answers: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Visit(ScopingCalculator(charts=False, workspace=None))
    (path,) = answers.glob("ScopingCalculator-*.json")
    planted = json.loads(path.read_text("utf-8"))
    computed = dict(planted)
    planted["verdict"] = {"value": "<p>STALE verdict</p>"}
    path.write_text(json.dumps(planted), "utf-8")
    with caplog.at_level(logging.WARNING, logger="tpo_scoping.ui"):
        visit = Visit(ScopingCalculator(charts=False, workspace=None))
    assert visit.state_at_launch["verdict"]["value"] == "<p>STALE verdict</p>"
    assert visit.state_after == computed
    assert json.loads(path.read_text("utf-8")) == computed
    assert "out of date" in caplog.text


@pytest.mark.parametrize(
    "planted", ["not json", json.dumps({"verdict": 1}), json.dumps(["a"]), json.dumps({})]
)
def test_a_malformed_file_is_ignored(answers: Path, planted: str) -> None:
    Visit(BreakEvenCalculator(chart=False))
    (path,) = answers.glob("BreakEvenCalculator-*.json")
    good = path.read_text("utf-8")
    path.write_text(planted, "utf-8")
    visit = Visit(BreakEvenCalculator(chart=False))
    assert not visit.ready_at_launch  # computed, not shown from the file
    assert json.loads(path.read_text("utf-8")) == json.loads(good)


def test_visitors_inputs_never_reach_the_disk(answers: Path) -> None:
    app = BreakEvenCalculator(chart=False)
    app.prefill("fte=77")
    Visit(app)
    drafter = KpiDrafter(workspace=None)
    drafter.profile = APPS["kpi_drafter"]().profile  # not the sample it would load itself
    assert drafter.answer_key() is None
    assert not answers.exists() or not list(answers.glob("*.json"))


def test_only_served_kernels_keep_answers(answers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(answer_cache.SERVED_ENV)
    Visit(BreakEvenCalculator(chart=False))
    monkeypatch.setenv(answer_cache.SERVED_ENV, "1")
    monkeypatch.setenv(answer_cache.SWITCH, "off")
    Visit(BreakEvenCalculator(chart=False))
    assert not answers.exists()


def test_the_key_changes_with_the_code_the_date_and_the_inputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import datetime as dt

    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("A = 1\n")
    monkeypatch.setattr(answer_cache, "PACKAGE_ROOT", package)
    monkeypatch.setattr(answer_cache, "SAMPLE_ROOT", tmp_path / "no-samples")
    answer_cache.fingerprint.cache_clear()
    try:
        base = answer_cache.answer_path("App", "inputs")
        assert answer_cache.answer_path("App", "other inputs") != base
        assert answer_cache.answer_path("Other", "inputs") != base
        today = answer_cache._today
        monkeypatch.setattr(answer_cache, "_today", lambda: dt.date(2000, 1, 2))
        assert answer_cache.answer_path("App", "inputs") != base
        monkeypatch.setattr(answer_cache, "_today", today)
        assert answer_cache.answer_path("App", "inputs") == base
        # Byte code written while kernels import the package does not change the key (a
        # kernel caching its own .pyc must not lose the answer the next kernel looks for).
        (package / "__pycache__").mkdir()
        (package / "__pycache__" / "module.cpython-311.pyc.140234").write_bytes(b"partial")
        answer_cache.fingerprint.cache_clear()
        assert answer_cache.answer_path("App", "inputs") == base
        (package / "module.py").write_text("A = 2\n")
        answer_cache.fingerprint.cache_clear()
        assert answer_cache.answer_path("App", "inputs") != base
    finally:
        answer_cache.fingerprint.cache_clear()


def test_storing_prunes_only_answers_left_alone_for_a_week(answers: Path) -> None:
    import os
    import time

    kept = answer_cache.store("App", "a", {"x": {"value": "1"}})
    assert kept is not None
    old, recent = answers / "Old-1.json", answers / "Recent-1.json"
    old.write_text("{}")
    recent.write_text("{}")
    week_ago = time.time() - (answer_cache.KEEP_DAYS + 1) * 86_400
    os.utime(old, (week_ago, week_ago))
    answer_cache.store("App", "b", {"x": {"value": "2"}})
    assert not old.exists() and recent.exists() and kept.exists()


def test_the_answer_is_kept_before_the_chart_is_drawn(answers: Path) -> None:
    """A visitor may close the page once the answer shows, and Voilà then ends the kernel
    while it still draws the chart: the answer must already be on disk by then."""

    class KernelEnded(BaseException):
        pass

    app = BreakEvenCalculator(chart=True)

    def ended() -> None:
        raise KernelEnded

    app._draw_chart = ended
    with pytest.raises(KernelEnded):
        Visit(app)
    assert len(list(answers.glob("BreakEvenCalculator-*.json"))) == 1
