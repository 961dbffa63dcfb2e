"""Tracking: every signed KPI, quarter by quarter, against the signed record.

:func:`track` reads each quarter's data drop from the start up to ``as_of``, measures every KPI
(:mod:`.measure`), judges it against the milestone due (:mod:`.status`), applies the signed
bonus and credit rules (:mod:`.incentives`), compares the plan with what happened
(:mod:`.plan_actual`) and compares cohorts before and under the engagement
(:mod:`.attribution`). The result is a frozen :class:`TrackingResult`; ``to_dict()`` gives the
JSON of ``tpo-scoping track``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tpo_scoping.engagement.attribution import Attribution, attribute
from tpo_scoping.engagement.incentives import QuarterIncentives, quarter_incentives
from tpo_scoping.engagement.measure import (
    check_kpi_data,
    load_drop,
    measure_period,
    needs_settings,
)
from tpo_scoping.engagement.plan_actual import (
    PlanVsActual,
    QuarterPlanActual,
    break_even_check,
    quarter_plan_actual,
)
from tpo_scoping.engagement.record import Period, SignedEngagement, read_record
from tpo_scoping.engagement.status import STATUSES, KpiQuarter, Status, judge
from tpo_scoping.errors import InputError


@dataclass(frozen=True)
class QuarterResult:
    """One quarter: every KPI judged, the incentives, the plan against reality."""

    period: Period
    kpis: tuple[KpiQuarter, ...]
    incentives: QuarterIncentives
    plan: QuarterPlanActual

    def kpi(self, key: str) -> KpiQuarter:
        return next(k for k in self.kpis if k.key == key)

    @property
    def value_delivered(self) -> float | None:
        """Mean value delivered over the KPIs measured this quarter (None when none was)."""
        shares = [k.value_delivered.share for k in self.kpis if k.value_delivered.share is not None]
        return sum(shares) / len(shares) if shares else None

    def status_counts(self) -> dict[Status, int]:
        return {s: sum(k.status == s for k in self.kpis) for s in STATUSES}


@dataclass(frozen=True)
class TrackingResult:
    """The engagement tracked up to ``as_of``; each quarter in order, latest last."""

    engagement: SignedEngagement
    as_of: dt.date
    quarters: tuple[QuarterResult, ...]
    plan_vs_actual: PlanVsActual
    attribution: Attribution | None
    notes: tuple[str, ...] = field(default=())

    @property
    def latest(self) -> QuarterResult | None:
        return self.quarters[-1] if self.quarters else None

    def quarter(self, label: str) -> QuarterResult:
        """The quarter named ``label`` (``KeyError`` when it was not tracked)."""
        for q in self.quarters:
            if q.period.label == label:
                return q
        raise KeyError(f"no tracked quarter {label}")

    @property
    def credits_owed(self) -> float | None:
        """Credits owed over every tracked quarter, in the fee's currency (None without fee)."""
        amounts = [q.incentives.credit_amount for q in self.quarters]
        return None if any(a is None for a in amounts) else sum(a or 0.0 for a in amounts)

    @property
    def bonuses_earned(self) -> float | None:
        amounts = [q.incentives.bonus_amount for q in self.quarters]
        return None if any(a is None for a in amounts) else sum(a or 0.0 for a in amounts)

    def to_dict(self) -> dict[str, object]:
        """The JSON of ``tpo-scoping track`` (keys documented in the README)."""
        latest = self.latest
        info = self.engagement.info
        return {
            "prospect": info.prospect,
            "start": info.start.isoformat(),
            "signed_on": info.signed_on.isoformat(),
            "signed_with_version": info.package_version,
            "as_of": self.as_of.isoformat(),
            "periods": [q.period.label for q in self.quarters],
            "kpis": [k.to_dict() for q in self.quarters for k in q.kpis],
            "value_delivered": {q.period.label: q.value_delivered for q in self.quarters},
            "status_counts": {} if latest is None else dict(latest.status_counts()),
            "credits": [q.incentives.credit_dict() for q in self.quarters],
            "bonuses": [q.incentives.bonus_dict() for q in self.quarters],
            "credits_owed": self.credits_owed,
            "bonuses_earned": self.bonuses_earned,
            "currency": self.engagement.incentives.currency,
            "quarterly_fee": self.engagement.incentives.quarterly_fee,
            "plan_vs_actual": self.plan_vs_actual.to_dict(),
            "attribution": None if self.attribution is None else self.attribution.to_dict(),
            "notes": list(self.notes),
        }


def periods_due(engagement: SignedEngagement, as_of: dt.date) -> list[Period]:
    """Quarters from the start whose last day has come by ``as_of``."""
    out = []
    period = engagement.first_period
    while period.end <= as_of:
        out.append(period)
        period = period.next()
    return out


def track(
    engagement: SignedEngagement | str | Path,
    as_of: dt.date | None = None,
    *,
    with_attribution: bool = True,
) -> TrackingResult:
    """Track a signed engagement quarter by quarter.

    Parameters
    ----------
    engagement : SignedEngagement or path
        The record (a folder path is read and validated with :func:`read_record`).
    as_of : date, optional
        Track the quarters that ended by this day. Default: the end of the latest quarter that
        has a data drop.
    with_attribution : bool
        False skips the cohort comparison (the slowest part).

    Raises
    ------
    InputError
        A drop that does not cover its quarter, a KPI whose data vanished, or an ``as_of``
        before the first quarter's end.
    """
    if not isinstance(engagement, SignedEngagement):
        engagement = read_record(engagement)
    with_data = engagement.periods_with_data()
    notes: list[str] = []
    if as_of is None:
        if not with_data:
            raise InputError(
                f"no data drop yet: add the first quarter's data under"
                f" data/{engagement.first_period.label}/",
                str(engagement.folder),
            )
        as_of = with_data[-1].end
    periods = periods_due(engagement, as_of)
    if not periods:
        raise InputError(
            f"--as-of {as_of.isoformat()}: the first quarter ({engagement.first_period.label})"
            f" ends on {engagement.first_period.end.isoformat()}; nothing to track before then"
        )
    available = set(with_data)
    missing = [p for p in periods if p not in available]
    if missing:
        notes.append(
            "no data drop yet for " + ", ".join(p.label for p in missing) + ": not tracked"
        )
    settings = needs_settings(engagement)
    quarters = []
    latest_data = None
    for index, period in enumerate(periods):
        if period not in available:
            continue
        data = load_drop(engagement, period)
        check_kpi_data(engagement, period, data)
        measured = measure_period(engagement, period, data, settings)
        judged = [judge(k, period, engagement.start, measured[k.key]) for k in engagement.kpis.kpis]
        quarters.append(
            QuarterResult(
                period,
                tuple(judged),
                quarter_incentives(period, judged, engagement.incentives),
                quarter_plan_actual(engagement, period, index, data),
            )
        )
        latest_data = data
    plan_quarters = tuple(q.plan for q in quarters)
    plan = PlanVsActual(plan_quarters, break_even_check(engagement, plan_quarters))
    attribution = None
    if with_attribution and latest_data is not None and quarters:
        attribution = attribute(latest_data, engagement.start, quarters[-1].period.end)
    return TrackingResult(engagement, as_of, tuple(quarters), plan, attribution, tuple(notes))


def review(
    engagement: SignedEngagement | str | Path,
    quarter: str | None = None,
    *,
    with_attribution: bool = True,
) -> TrackingResult:
    """The engagement tracked to the end of ``quarter`` (``2026Q1``; None: the latest with data),
    so that the result's latest quarter is the one a quarterly review is about.

    Raises
    ------
    InputError
        For a quarter that is not written as ``YYYYQn``, besides :func:`track`'s own errors.
    """
    as_of = None
    if quarter:
        try:
            as_of = Period.parse(quarter).end
        except ValueError as exc:
            raise InputError(f"quarter: {exc}") from None
    return track(engagement, as_of, with_attribution=with_attribution)
