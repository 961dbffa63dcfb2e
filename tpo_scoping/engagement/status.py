"""Judging one KPI in one quarter: the milestone due, the status, and the value delivered.

Status, against the milestone due at the quarter's end (the latest signed milestone whose day
has come), judged with the measured interval in the KPI's direction:

* ``ahead``: the whole interval is beyond the milestone;
* ``on track``: the interval reaches the milestone;
* ``behind``: the whole interval falls short of the milestone;
* ``not yet measurable``: the KPI lags (90-day retention before day 90) or nobody measured yet;
* ``not detectable at this size``: signed as not detectable; reported only, never judged.

Value delivered: :math:`(actual - baseline) / (target - baseline)`, capped to 0-100 %, with the
reason whenever the cap applies.

Examples
--------
>>> judge_interval(0.80, 0.86, 0.85, "higher")
'on track'
>>> judge_interval(0.70, 0.80, 0.85, "higher")
'behind'
>>> judge_interval(10.0, 12.0, 14.0, "lower")
'ahead'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from tpo_scoping.engagement.measure import Measurement
from tpo_scoping.engagement.record import Period, SignedKpi

Status = Literal["ahead", "on track", "behind", "not yet measurable", "not detectable at this size"]
STATUSES: tuple[Status, ...] = (
    "behind",
    "on track",
    "ahead",
    "not yet measurable",
    "not detectable at this size",
)
"""Every status, worst first (the order of tables and counts)."""


@dataclass(frozen=True)
class MilestoneDue:
    """The milestone a quarter is judged against: its day after the start and level."""

    day: int
    value: float
    note: str


@dataclass(frozen=True)
class ValueDelivered:
    """Share of the signed improvement delivered, capped to 0-1, and why when capped."""

    share: float | None
    raw: float | None
    explanation: str


@dataclass(frozen=True)
class KpiQuarter:
    """One KPI in one quarter: what was signed, what was measured, and the judgement."""

    kpi: SignedKpi
    period: Period
    day: int
    milestone: MilestoneDue
    measurement: Measurement
    status: Status
    reason: str
    value_delivered: ValueDelivered

    @property
    def key(self) -> str:
        return self.kpi.key

    @property
    def shortfall(self) -> float | None:
        """How far the actual falls short of the milestone in the KPI's direction (0 if not)."""
        if self.measurement.value is None:
            return None
        return max(0.0, -self.kpi.better(self.measurement.value, self.milestone.value))

    def to_dict(self) -> dict[str, object]:
        m = self.measurement
        return {
            "key": self.kpi.key,
            "name": self.kpi.name,
            "unit": self.kpi.unit,
            "direction": self.kpi.direction,
            "period": self.period.label,
            "day": self.day,
            "baseline": self.kpi.baseline,
            "target": self.kpi.target,
            "milestone": self.milestone.value,
            "milestone_day": self.milestone.day,
            "actual": m.value,
            "ci_low": m.ci_low,
            "ci_high": m.ci_high,
            "n": m.n,
            "method": m.method,
            "detectable": self.kpi.detectable,
            "min_detectable_change": self.kpi.min_detectable_change,
            "status": self.status,
            "reason": self.reason,
            "value_delivered": self.value_delivered.share,
            "value_delivered_raw": self.value_delivered.raw,
            "value_delivered_note": self.value_delivered.explanation,
        }


def day_of(period: Period, start: dt.date) -> int:
    """Days from the start to the quarter's last day, counting both (the start is day 1).

    >>> day_of(Period(2025, 4), dt.date(2025, 10, 1))
    92
    """
    return (period.end - start).days + 1


def milestone_due(kpi: SignedKpi, day: int) -> MilestoneDue:
    """The latest signed milestone whose day has come (the baseline before the first one)."""
    due = [m for m in kpi.milestones if m.day <= day]
    if not due:
        return MilestoneDue(0, kpi.baseline, "no milestone due yet: compared with the baseline")
    last = due[-1]
    return MilestoneDue(last.day, last.value, last.note)


def judge_interval(low: float, high: float, milestone: float, direction: str) -> Status:
    """Ahead, on track or behind: where the interval ``[low, high]`` lies against the milestone."""
    if direction == "lower":
        low, high, milestone = -high, -low, -milestone
    if high < milestone:
        return "behind"
    if low > milestone:
        return "ahead"
    return "on track"


def value_delivered(kpi: SignedKpi, actual: float | None) -> ValueDelivered:
    """Share of the way from baseline to target, capped to 0-100 %.

    >>> from tpo_scoping.engagement.record import SignedKpi, SignedMilestone
    >>> k = SignedKpi(key="csat", name="CSAT", unit="score 1-5", kind="mean", direction="higher",
    ...               baseline=4.0, target=4.5, milestones=[SignedMilestone(day=365, value=4.5)],
    ...               lag_days=30, detectable=True, min_detectable_change=0.1, n_per_period=50)
    >>> value_delivered(k, 4.25).share, value_delivered(k, 4.8).share
    (0.5, 1.0)
    """
    if actual is None:
        return ValueDelivered(None, None, "not measured this quarter")
    span = kpi.target - kpi.baseline
    if span == 0:
        return ValueDelivered(None, None, "the target holds the baseline: nothing to deliver")
    raw = (actual - kpi.baseline) / span
    if raw > 1:
        return ValueDelivered(
            1.0, raw, f"capped at 100 %: beyond the target ({raw * 100:.0f} % of the way)"
        )
    if raw < 0:
        return ValueDelivered(
            0.0, raw, f"counted as 0 %: worse than the baseline ({raw * 100:.0f} % of the way)"
        )
    return ValueDelivered(raw, raw, f"{raw * 100:.0f} % of the way from baseline to target")


def judge(kpi: SignedKpi, period: Period, start: dt.date, measurement: Measurement) -> KpiQuarter:
    """The quarter's judgement of one KPI (see the module's description of each status)."""
    day = day_of(period, start)
    milestone = milestone_due(kpi, day)
    status: Status
    if day <= kpi.lag_days:
        status = "not yet measurable"
        reason = f"it lags {kpi.lag_days:.0f} days and the quarter ends on day {day}"
        measurement = Measurement(None, None, None, measurement.n, measurement.method, reason)
    elif measurement.value is None:
        status = "not yet measurable"
        reason = measurement.note or "not measured"
    elif kpi.detectable is False:
        status = "not detectable at this size"
        reason = "signed as not detectable at this team size: reported only"
    else:
        low = measurement.ci_low if measurement.ci_low is not None else measurement.value
        high = measurement.ci_high if measurement.ci_high is not None else measurement.value
        status = judge_interval(low, high, milestone.value, kpi.direction)
        reason = {
            "ahead": "the whole interval is beyond the milestone",
            "on track": "the interval reaches the milestone",
            "behind": "the whole interval falls short of the milestone",
        }[status]
    return KpiQuarter(
        kpi,
        period,
        day,
        milestone,
        measurement,
        status,
        reason,
        value_delivered(kpi, measurement.value),
    )
