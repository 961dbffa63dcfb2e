"""Who each trainee is compared with: window means per person and month, and matched cells.

The training-impact analysis (:mod:`~tpo_scoping.needs.impact`) compares each trainee's change
around their course with the change of untrained colleagues of the same role, in the same
tenure band, over the same months. This module holds that matching: each metric as a
months × people grid of sums and counts (:class:`MetricGrid`), what matching needs of each
employee (:class:`People`), the stacked rows of one comparison (:func:`matched_stack`), and the
placebo versions of it (:func:`earlier_dates`, :func:`random_colleagues`), fitted with
:func:`~tpo_scoping.needs.did.stacked_did_runs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tpo_scoping.needs.did import DidFit, stacked_did, stacked_did_runs
from tpo_scoping.needs.settings import NeedsSettings

NEVER = np.iinfo(np.int64).max // 4
"""Course month of people who never took the course."""


def months_since_1970(dates: np.ndarray) -> np.ndarray:
    """Calendar months since 1970 of datetime64 values (so month differences are integers).

    Converted once per distinct date: a column of periods repeats a few dates many times, and
    the calendar conversion costs far more than finding the distinct values.
    """
    stamps = np.asarray(dates, dtype="datetime64[ns]").view(np.int64)
    code, distinct = pd.factorize(stamps)
    months = distinct.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return months[code]


@dataclass(frozen=True)
class People:
    """What matching needs of each employee: role, hire month and date, learning curve."""

    role: np.ndarray
    hire_month: np.ndarray
    hire: np.ndarray
    first_month: int
    bands: np.ndarray
    curves: dict[str, np.ndarray]
    """Per metric, per employee: (plateau, excess, tau_weeks, weeks_to_proficiency) of the
    role's learning curve (sites pooled), NaN where the ramp analysis has none."""

    @classmethod
    def of(
        cls,
        employees: pd.DataFrame,
        first_month: int,
        settings: NeedsSettings,
        ramp: pd.DataFrame | None,
    ) -> People:
        from tpo_scoping.needs.row_keys import codes

        role, roles = codes(employees["role"].fillna("unknown"))
        hire = employees["hire_date"].to_numpy(dtype="datetime64[ns]")
        curves: dict[str, np.ndarray] = {}
        if ramp is not None and not ramp.empty:
            # The pooled row of each role, or its only site's row.
            rows = ramp.sort_values("site", key=lambda s: s != "all", kind="stable")
            rows = rows.drop_duplicates(["role", "metric"])
            for metric, of_metric in rows.groupby("metric"):
                table = np.full((len(roles), 4), np.nan)
                where = pd.Index(roles).get_indexer(of_metric["role"])
                found = where >= 0
                table[where[found]] = np.column_stack(
                    [
                        of_metric["plateau"],
                        of_metric["start"] - of_metric["plateau"],
                        of_metric["tau_weeks"],
                        of_metric["weeks_to_proficiency"],
                    ]
                ).astype(float)[found]
                curves[str(metric)] = table[role]
        return cls(
            role=role,
            hire_month=months_since_1970(hire) - first_month,
            hire=hire,
            first_month=first_month,
            bands=np.asarray(settings.impact_tenure_bands, dtype=np.int64),
            curves=curves,
        )

    def curve(self, metric: str) -> np.ndarray:
        """The learning-curve parameters of each employee's role for ``metric`` (NaN if none)."""
        return self.curves.get(metric, np.full((len(self.role), 4), np.nan))


class MetricGrid:
    """One metric as person × month sums and counts, for window means at any reference month."""

    def __init__(
        self, who: np.ndarray, month: np.ndarray, value: np.ndarray, n_people: int, n_months: int
    ) -> None:
        # Months × people: a window's sum adds a few contiguous rows.
        flat = month * n_people + who
        size = n_people * n_months
        self.count = np.bincount(flat, minlength=size).reshape(n_months, n_people)
        self.total = np.bincount(flat, weights=value, minlength=size).reshape(n_months, n_people)
        self.n_months = n_months
        self.n_people = n_people
        self._means: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def has(self, who: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Whether each person has data in each month (months outside the data: False)."""
        inside = (month >= 0) & (month < self.n_months)
        out = np.zeros(np.shape(month), dtype=bool)
        out[inside] = self.count[month[inside], np.broadcast_to(who, np.shape(month))[inside]] > 0
        return out

    def _mean(self, start: int, stop: int) -> np.ndarray:
        """Everyone's mean over months ``start..stop`` (inclusive), NaN without data."""
        a, b = max(start, 0), min(stop + 1, self.n_months)
        if a >= b:
            return np.full(self.n_people, np.nan)
        n = self.count[a:b].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, self.total[a:b].sum(axis=0) / np.maximum(n, 1), np.nan)

    def before_after_at(self, ref: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """Everyone's means over the ``window`` months before and after month ``ref``.

        Kept once computed: the placebo runs ask for the same months again.
        """
        key = (ref, window)
        if key not in self._means:
            self._means[key] = (
                self._mean(ref - window, ref - 1),
                self._mean(ref + 1, ref + window),
            )
        return self._means[key]

    def before_after(
        self, who: np.ndarray, ref: np.ndarray, window: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each person's means before and after their own reference month."""
        refs, at = np.unique(ref, return_inverse=True)
        columns = [self.before_after_at(int(r), window) for r in refs]
        before = np.column_stack([c[0] for c in columns])
        after = np.column_stack([c[1] for c in columns])
        return before[who, at], after[who, at]

    def changes(self, refs: np.ndarray, window: int) -> np.ndarray:
        """Everyone's change (after − before mean) at each reference month: people × refs."""
        columns = []
        for r in refs.tolist():
            before, after = self.before_after_at(int(r), window)
            columns.append(after - before)
        return np.column_stack(columns) if columns else np.zeros((self.n_people, 0))


@dataclass(frozen=True)
class Stack:
    """Rows of one comparison: (person, cell) with the person's change; trained or not."""

    change: np.ndarray
    trained: np.ndarray
    cell: np.ndarray
    person: np.ndarray

    def fit(self, confidence: float) -> DidFit | None:
        return stacked_did(self.change, self.trained, self.cell, self.person, confidence)


@dataclass(frozen=True)
class Takers:
    """Who took a course (rows of :class:`People`) and the month each first took it."""

    who: np.ndarray
    month: np.ndarray
    month_of: np.ndarray
    """For every person, the month they took the course; :data:`NEVER` if they never did."""

    @classmethod
    def of(cls, who: np.ndarray, month: np.ndarray, people: int) -> Takers:
        month_of = np.full(people, NEVER, dtype=np.int64)
        month_of[who] = month
        return cls(who, month, month_of)

    def moved_back(self, months: int) -> Takers:
        """The same people, each taking the course ``months`` earlier."""
        return Takers.of(self.who, self.month - months, len(self.month_of))


def matched_stack(grid: MetricGrid, people: People, takers: Takers, window: int) -> Stack:
    """Trainees at their reference months, and the colleagues they are compared with.

    A colleague serves at reference month ``r`` only if they took the course after
    ``r + window``, or never.
    """
    trainee, course_month = takers.who, takers.month_of
    refs, ref_index = np.unique(takers.month, return_inverse=True)
    change = grid.changes(refs, window)  # people × refs
    n_bands = len(people.bands) + 1
    tenure = refs[None, :] - people.hire_month[:, None]
    band = np.where(tenure >= 0, np.searchsorted(people.bands, tenure, side="right"), -1)
    cell = (people.role[:, None] * n_bands + band) * len(refs) + np.arange(len(refs))[None, :]
    trainee_change = change[trainee, ref_index]
    ok = np.isfinite(trainee_change) & (band[trainee, ref_index] >= 0)
    trainee, ref_index, trainee_change = trainee[ok], ref_index[ok], trainee_change[ok]
    trained_cell = cell[trainee, ref_index]
    with_trainee = np.zeros(int(cell.max()) + 1 if cell.size else 1, dtype=bool)
    with_trainee[trained_cell] = True
    serves = (
        (band >= 0)
        & (course_month[:, None] > refs[None, :] + window)
        & with_trainee[np.maximum(cell, 0)]
        & np.isfinite(change)
    )
    who, at = np.nonzero(serves)
    return Stack(
        change=np.concatenate([trainee_change, change[who, at]]),
        trained=np.concatenate([np.ones(len(trainee), bool), np.zeros(len(who), bool)]),
        cell=np.concatenate([trained_cell, cell[who, at]]),
        person=np.concatenate([trainee, who]),
    )


def earlier_dates(
    grid: MetricGrid,
    people: People,
    takers: Takers,
    window: int,
    shifts: list[int],
    level: float,
) -> list[DidFit | None]:
    """The analysis with every trainee's course moved back by each of ``shifts`` months."""
    stacks = [matched_stack(grid, people, takers.moved_back(s), window) for s in shifts]
    if not stacks:
        return []
    return stacked_did_runs(
        np.concatenate([s.change for s in stacks]),
        np.concatenate([s.trained for s in stacks]),
        np.concatenate([s.cell for s in stacks]),
        np.concatenate([s.person for s in stacks]),
        np.repeat(np.arange(len(stacks)), [len(s.change) for s in stacks]),
        len(stacks),
        level,
    )


def random_colleagues(
    stack: Stack, rng: np.random.Generator, runs: int, level: float
) -> list[DidFit | None]:
    """The course given instead to random comparison colleagues; the real trainees left out.

    In each cell, each colleague is picked with probability ``min(n_trained, n_colleagues − 1)
    / n_colleagues``: about as many fake trainees as real ones, and most cells keep a colleague
    to compare with (a cell left without one drops out). All ``runs`` are fitted at once.
    """
    if runs <= 0:
        return []
    n_cells = int(stack.cell.max()) + 1
    n_trained = np.bincount(stack.cell, weights=stack.trained, minlength=n_cells)
    control = ~stack.trained
    cell = stack.cell[control]
    n_control = np.bincount(cell, minlength=n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        chance = np.minimum(n_trained, n_control - 1) / n_control
    picked = rng.random((runs, len(cell))) < chance[cell][None, :]
    return stacked_did_runs(
        np.tile(stack.change[control], runs),
        picked.ravel(),
        np.tile(cell, runs),
        np.tile(stack.person[control], runs),
        np.repeat(np.arange(runs), len(cell)),
        runs,
        level,
    )
