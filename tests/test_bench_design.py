"""The app benchmark's design: each app is timed against the bare sliders around it.

A fake ``visit`` stands in for the browser: the machine slows down steadily from visit to visit
(the drift of a shared machine), and each app takes a known multiple of what a bare slider
would take at that moment. Bracketing each app between two bare sliders must recover the
multiple exactly; a single slider at the start of the round would not.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_apps

FACTORS = {"breakeven": 0.9, "scoping_calculator": 1.2, "kpi_drafter": 1.0}
FACTORS |= {"needs_analysis": 1.1, "index": 0.8}
DRIFT = 0.05
"""Seconds a bare slider gains from one visit to the next."""


class DriftingMachine:
    """Visits on a machine that gets slower by :data:`DRIFT` seconds per visit."""

    def __init__(self) -> None:
        self.visits: list[str] = []

    def __call__(self, name: str) -> dict[str, float]:
        bare = 1.0 + DRIFT * len(self.visits)
        self.visits.append(name)
        took = bare * FACTORS.get(name, 1.0)
        return {"widget": took, "answer": took}


def test_each_app_is_measured_against_the_sliders_around_it() -> None:
    machine = DriftingMachine()
    rows = bench_apps._time_to_interactive(machine, "pool", 1.0)
    ratios = {r["name"]: r["ratio"] for r in rows if r["ratio"] is not None}
    for app, factor in FACTORS.items():
        assert ratios[f"tti {app} first answer (pool)"] == pytest.approx(factor, rel=1e-9)
        assert rows_passed(rows, app) == (factor <= 1.0)


def test_every_app_sits_between_two_bare_sliders_in_a_shuffled_order() -> None:
    machine = DriftingMachine()
    bench_apps._time_to_interactive(machine, "pool", 1.0)
    visits = machine.visits[1:]  # after the warm-up slider
    per_round = 2 * len(FACTORS) + 1  # a slider, then each app followed by a slider
    rounds = [visits[i : i + per_round] for i in range(0, len(visits), per_round)]
    assert len(rounds) == bench_apps.REPEAT
    orders = []
    for visited in rounds:
        assert visited[::2] == ["bare_slider"] * (len(FACTORS) + 1)
        assert sorted(visited[1::2]) == sorted(FACTORS)
        orders.append(tuple(visited[1::2]))
    assert len(set(orders)) > 1, "every round visited the apps in the same order"


def rows_passed(rows: list[dict], app: str) -> bool:
    return next(r["passed"] for r in rows if r["name"] == f"tti {app} first answer (pool)")
