"""Training impact that cannot mistake ramp-up for training.

People improve as they gain tenure, with or without a course; and a whole team moves with the
season. So a course is credited only with the difference between its trainees' change and the
change of untrained colleagues of the same role, in the same tenure band, over the same months
(a matched, stacked difference-in-differences, :func:`~tpo_scoping.needs.did.stacked_did`).
Colleagues who take the course later count as untrained until then (staggered adoption). When
no such colleagues exist, for instance because every new hire takes the course while ramping
up, there is no estimate, and the reason says what the trainees' change compares with: the
ramp-up the role's fitted learning curve expects.

Each estimate carries its checks: a pre-trend test (the same comparison over the months just
before the course) and two placebos (the course given at random to untrained colleagues; the
course moved to earlier dates), whose intervals should exclude 0 about 5 % of the time.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_DIRECTIONS
from tpo_scoping.needs.did import DidFit, t_quantile
from tpo_scoping.needs.matching import (
    MetricGrid,
    People,
    Takers,
    earlier_dates,
    matched_stack,
    months_since_1970,
    random_colleagues,
)
from tpo_scoping.needs.row_keys import MetricKeys, employee_positions
from tpo_scoping.needs.settings import NeedsSettings
from tpo_scoping.serialize import FlatResult

METHOD = "matched difference-in-differences"
"""The method behind every impact estimate (see :func:`training_impact`)."""

ASSUMPTIONS = (
    "Without the course, trained people would have changed like their untrained colleagues"
    " of the same role and tenure over the same months (parallel trends).",
    "Who took the course, and when, is unrelated to how their performance was about to change"
    " (no selection on expected improvement).",
    "The course did not change untrained colleagues' performance (no spill-over).",
)
"""What an impact estimate assumes; stated with every result."""


@dataclass(frozen=True)
class PreTrend:
    """The same comparison over the months just before the course: it should find nothing."""

    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    n_trained: int
    n_control: int

    @property
    def passed(self) -> bool:
        """True when the interval covers 0: no sign the groups were already drifting apart."""
        return self.ci_low <= 0 <= self.ci_high

    def to_dict(self) -> dict[str, Any]:
        return {
            "effect": self.effect,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "passed": self.passed,
            "n_trained": self.n_trained,
            "n_control": self.n_control,
        }


@dataclass(frozen=True)
class Placebo:
    """Repeats of the analysis on a course that did nothing, and how many found something."""

    kind: str
    """``"random_colleagues"``: the course given at random to untrained colleagues of the same
    role and tenure; ``"earlier_dates"``: each trainee's course moved to earlier months."""
    runs: int
    """Runs that produced an interval."""
    excluding_zero: int
    """Of those, the intervals that exclude 0 (about 5 % expected)."""

    @property
    def share_excluding_zero(self) -> float | None:
        return self.excluding_zero / self.runs if self.runs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "runs": self.runs,
            "excluding_zero": self.excluding_zero,
            "share_excluding_zero": self.share_excluding_zero,
        }


@dataclass(frozen=True)
class RawChange(FlatResult):
    """Trainees' own before/after change: a detail, never the headline."""

    before: float
    after: float
    change: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True)
class ImpactEstimate:
    """One course's effect on one metric, or why there is none.

    ``effect`` is None exactly when ``no_estimate_reason`` is set. The sentence people read is
    :func:`tpo_scoping.labels.impact_sentence`.
    """

    course: str
    metric: str
    direction: int
    effect: float | None
    effect_ci_low: float | None
    effect_ci_high: float | None
    p_value: float | None
    method: str
    n_trained: int
    """Trained people compared (with measurements before and after, and comparable untrained
    colleagues); without an estimate, the trained people with measurements before and after."""
    n_control: int
    """Distinct untrained colleagues they were compared with."""
    no_estimate_reason: str | None
    pre_trend: PreTrend | None
    placebos: tuple[Placebo, ...]
    raw_change: RawChange
    expected_ramp_up: float | None
    """Mean change the role's learning curve predicts for the trainees over their windows."""
    window_months: int
    confidence: float
    assumptions: tuple[str, ...] = ASSUMPTIONS

    def placebo(self, kind: str) -> Placebo | None:
        """The placebo check of one kind (``"random_colleagues"`` or ``"earlier_dates"``)."""
        return next((p for p in self.placebos if p.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        from tpo_scoping.labels import impact_sentence

        return {
            "course": self.course,
            "metric": self.metric,
            "direction": self.direction,
            "effect": self.effect,
            "effect_ci_low": self.effect_ci_low,
            "effect_ci_high": self.effect_ci_high,
            "p_value": self.p_value,
            "method": self.method,
            "n_trained": self.n_trained,
            "n_control": self.n_control,
            "no_estimate_reason": self.no_estimate_reason,
            "pre_trend": None if self.pre_trend is None else self.pre_trend.to_dict(),
            "placebos": [p.to_dict() for p in self.placebos],
            "raw_change": self.raw_change.to_dict(),
            "expected_ramp_up": self.expected_ramp_up,
            "window_months": self.window_months,
            "assumptions": list(self.assumptions),
            "summary": impact_sentence(self),
        }


def training_impact(
    training: pd.DataFrame,
    metrics: pd.DataFrame,
    employees: pd.DataFrame,
    settings: NeedsSettings,
    as_of: pd.Timestamp | None = None,
    keys: MetricKeys | None = None,
    ramp: pd.DataFrame | None = None,
) -> list[ImpactEstimate]:
    """The effect of each course on each metric, net of ramp-up and of what moved everyone.

    For each course with at least ``impact_min_trained`` trainees and each metric with a known
    direction, each person's change is the mean over the ``impact_window_months`` after a
    reference month minus the mean over as many months before it (the month itself left out).
    A trainee's reference month is the month they first completed the course. Their colleagues
    of the same role and tenure band (``impact_tenure_bands``) at that month, who had not taken
    the course by the end of the window, are their comparison (:mod:`~tpo_scoping.needs.
    matching`); :func:`~tpo_scoping.needs.did.stacked_did` gives the average effect on the
    trained and its interval (delete-one-person jackknife). Fewer than ``impact_min_trained``
    trainees or colleagues compared: no estimate, and the reason in words.

    Checks: the pre-trend test moves every course date back by one window plus a month, so that
    both windows lie before the course; the placebos run ``impact_placebo_runs`` times with the
    course given to random comparison colleagues, and ``impact_placebo_dates`` times on earlier
    dates. ``ramp`` (the learning curves of :func:`~tpo_scoping.needs.ramp.ramp_times`) gives
    the ramp-up expected over the trainees' windows, which a reason without an estimate cites.

    Examples
    --------
    >>> from tpo_scoping.synthetic import SCENARIOS, generate, scaled
    >>> scenario = scaled(SCENARIOS["large_multicountry"], employees=600, competencies=3,
    ...                   months=24)
    >>> t = generate(scenario, seed=3).tables
    >>> rows = training_impact(t["training"], t["metrics"], t["employees"],
    ...                        NeedsSettings.defaults())
    >>> row = next(r for r in rows if r.metric == "productivity")
    >>> bool(row.effect_ci_low < 4 < row.effect_ci_high)  # planted: +4
    True
    """
    if training is None or metrics is None or training.empty or metrics.empty:
        return []
    keys = keys or MetricKeys.of(metrics, employees)
    pos, metric_code, metric_names = keys.positions, keys.codes, keys.names
    period = metrics["period"].to_numpy(dtype="datetime64[ns]")
    use = (pos >= 0) & np.isin(metric_names, list(METRIC_DIRECTIONS))[metric_code]
    if as_of is not None:
        use &= period <= as_of.to_datetime64()
    if not use.any():
        return []
    pos, metric_code = pos[use], metric_code[use]
    month = months_since_1970(period[use])
    first_month = int(month.min())
    month = month - first_month
    value = metrics["value"].to_numpy(dtype=float)[use]
    people = People.of(employees, first_month, settings, ramp)
    grids = {}
    present = np.flatnonzero(np.bincount(metric_code, minlength=len(metric_names)))
    for mi in sorted(present, key=lambda i: str(metric_names[i])):
        rows = metric_code == mi
        grids[str(metric_names[mi])] = MetricGrid(
            pos[rows], month[rows], value[rows], len(employees), int(month.max()) + 1
        )
    out: list[ImpactEstimate] = []
    for course, taken in training.groupby("course", sort=True):
        first = taken.sort_values("completed_on", kind="stable").drop_duplicates("employee_id")
        trainee = employee_positions(first, employees)
        done = first["completed_on"].to_numpy(dtype="datetime64[ns]")
        known = (trainee >= 0) & ~np.isnat(done)
        if as_of is not None:
            known &= done <= as_of.to_datetime64()
        if known.sum() < settings.impact_min_trained:
            continue
        ref = months_since_1970(done[known]) - first_month
        takers = Takers.of(trainee[known], ref, len(people.role))
        for metric, grid in grids.items():
            out.append(
                _course_metric(str(course), metric, grid, people, takers, done[known], settings)
            )
    return out


def _course_metric(
    course: str,
    metric: str,
    grid: MetricGrid,
    people: People,
    takers: Takers,
    done: np.ndarray,
    settings: NeedsSettings,
) -> ImpactEstimate:
    """``done``: each taker's completion date, in the order of ``takers.who``."""
    window, level = settings.impact_window_months, settings.confidence
    trainee, ref = takers.who, takers.month
    stack = matched_stack(grid, people, takers, window)
    fit = stack.fit(level)
    raw, observed = _raw_change(grid, trainee, ref, window, level)
    curve = people.curve(metric)
    expected = _expected_ramp_up(
        grid, people, curve, observed, ref[np.isin(trainee, observed)], window
    )
    enough = (
        fit is not None
        and fit.n_trained >= settings.impact_min_trained
        and fit.n_control >= settings.impact_min_trained
    )
    pre_trend = None
    placebos: tuple[Placebo, ...] = ()
    if fit is not None and enough:
        rng = np.random.default_rng(zlib.crc32(f"{course}|{metric}".encode()))
        shifts = [window + 1 + k for k in range(settings.impact_placebo_dates)]
        shifted = earlier_dates(grid, people, takers, window, shifts, level)
        first = shifted[0] if shifted else None
        if first is not None:
            pre_trend = PreTrend(
                first.effect,
                first.ci_low,
                first.ci_high,
                first.p_value,
                first.n_trained,
                first.n_control,
            )
        random_fits = random_colleagues(stack, rng, settings.impact_placebo_runs, level)
        placebos = (
            _placebo("random_colleagues", random_fits),
            _placebo("earlier_dates", shifted),
        )
    reason = None
    if not enough:
        reason = _no_estimate_reason(fit, raw, expected, people, observed, done, trainee, settings)
    return ImpactEstimate(
        course=course,
        metric=metric,
        direction=METRIC_DIRECTIONS[metric],
        effect=fit.effect if enough and fit else None,
        effect_ci_low=fit.ci_low if enough and fit else None,
        effect_ci_high=fit.ci_high if enough and fit else None,
        p_value=fit.p_value if enough and fit else None,
        method=METHOD,
        n_trained=fit.n_trained if enough and fit else raw.n,
        n_control=fit.n_control if fit else 0,
        no_estimate_reason=reason,
        pre_trend=pre_trend,
        placebos=placebos,
        raw_change=raw,
        expected_ramp_up=expected,
        window_months=window,
        confidence=level,
    )


def _placebo(kind: str, fits: list[DidFit | None]) -> Placebo:
    done = [f for f in fits if f is not None]
    return Placebo(kind, len(done), sum(f.excludes_zero() for f in done))


def _raw_change(
    grid: MetricGrid, trainee: np.ndarray, ref: np.ndarray, window: int, level: float
) -> tuple[RawChange, np.ndarray]:
    """Trainees' mean change with a paired t interval, and which trainees had both windows."""
    before, after = grid.before_after(trainee, ref, window)
    ok = np.isfinite(before) & np.isfinite(after)
    n = int(ok.sum())
    change = after[ok] - before[ok]
    if n == 0:
        nan = math.nan
        return RawChange(nan, nan, nan, nan, nan, 0), trainee[ok]
    mean = float(change.mean())
    half = (
        t_quantile(0.5 + level / 2, n - 1) * float(change.std(ddof=1)) / math.sqrt(n)
        if n > 1
        else math.nan
    )
    raw = RawChange(
        float(before[ok].mean()), float(after[ok].mean()), mean, mean - half, mean + half, n
    )
    return raw, trainee[ok]


def _expected_ramp_up(
    grid: MetricGrid,
    people: People,
    curve_of: np.ndarray,
    who: np.ndarray,
    ref: np.ndarray,
    window: int,
) -> float | None:
    """Mean change the role's learning curve predicts over each trainee's own windows.

    The curve ``plateau + excess · exp(-tenure / τ)`` is read at each month the trainee has
    data, at their tenure on the first of that month, and averaged as their data are.
    """
    if len(who) == 0:
        return None
    plateau, excess, tau = (curve_of[who, k] for k in range(3))
    known = np.isfinite(plateau) & np.isfinite(excess) & np.isfinite(tau) & (tau > 0)
    if not known.any():
        return None
    who, ref = who[known], ref[known]
    plateau, excess, tau = plateau[known], excess[known], tau[known]
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    months = ref[:, None] + offsets[None, :]
    has = grid.has(who[:, None], months)
    starts = (months + people.first_month).astype("datetime64[M]").astype("datetime64[ns]")
    weeks = (starts - people.hire[who][:, None]) / np.timedelta64(7, "D")
    curve = plateau[:, None] + excess[:, None] * np.exp(-np.maximum(weeks, 0) / tau[:, None])
    before, after = has[:, :window], has[:, window:]
    ok = before.any(axis=1) & after.any(axis=1)
    if not ok.any():
        return None
    mean_before = (curve[:, :window] * before).sum(axis=1) / np.maximum(before.sum(axis=1), 1)
    mean_after = (curve[:, window:] * after).sum(axis=1) / np.maximum(after.sum(axis=1), 1)
    return float((mean_after - mean_before)[ok].mean())


def _no_estimate_reason(
    fit: DidFit | None,
    raw: RawChange,
    expected: float | None,
    people: People,
    observed: np.ndarray,
    done: np.ndarray,
    trainee: np.ndarray,
    settings: NeedsSettings,
) -> str:
    """Why a course has no estimate, in plain words."""
    need = settings.impact_min_trained
    if raw.n < need:
        return (
            f"only {raw.n} of the trainees have measurements in the {settings.impact_window_months}"
            f" months before and after the course (at least {need} needed)"
        )
    tenure_weeks = (done - people.hire[trainee]) / np.timedelta64(7, "D")
    median_weeks = float(np.median(tenure_weeks[np.isin(trainee, observed)]))
    # Still ramping up: the learning curve alone predicts a change as large as the trainees'
    # change is uncertain; without a curve, under six months in the job (3-6 months to
    # proficiency for routine work, domain reference).
    half_width = (raw.ci_high - raw.ci_low) / 2
    if expected is not None and math.isfinite(half_width):
        ramping = abs(expected) >= half_width
    else:
        ramping = median_weeks < 26
    matched = 0 if fit is None else fit.n_trained
    controls = 0 if fit is None else fit.n_control
    if matched and controls >= need:
        lacking = f"only {matched} of them have untrained colleagues of the same role and tenure"
    elif matched:
        lacking = f"only {controls} untrained colleagues of the same role and tenure"
    else:
        lacking = "no untrained colleagues of the same role and tenure"
    lacking += f" over the same months to compare with (at least {need} needed)"
    change = f"{raw.change:+.3g}"
    if ramping:
        text = (
            f"the trainees were new hires still ramping up ({median_weeks:.0f} weeks in the job"
            " at the course, median)"
        )
        if expected is not None and math.isfinite(raw.ci_low):
            if raw.ci_low <= expected <= raw.ci_high:
                text += (
                    f"; their change of {change} matches the expected ramp-up of"
                    f" {expected:+.3g} from the role's learning curve"
                )
            else:
                text += (
                    f"; their change of {change} compares with an expected ramp-up of"
                    f" {expected:+.3g} from the role's learning curve"
                )
        else:
            text += f"; their change of {change} cannot be told apart from ramp-up"
        return f"{text}; {lacking}"
    return (
        f"the trainees' change of {change} cannot be told apart from what changed for everyone"
        f" over those months; {lacking}"
    )
