"""The plan against what happened: hires, leavers and headcount per quarter, and the break-even
recomputed on the growth that was observed.

Planned figures are the record's (the economics' headcount projection at signing). Observed:
hires are people whose hire date falls in the quarter, leavers those whose exit date does,
headcount the people active on the quarter's last day; annual attrition is
:math:`4 \\times leavers / mean(headcount_{start}, headcount_{end})` per quarter, pooled over the
quarters so far. The break-even is :func:`tpo_scoping.economics.break_even` on the signed
profile with the observed hires per quarter and annual attrition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpo_scoping.engagement.record import Period, SignedEngagement

if TYPE_CHECKING:
    from tpo_scoping.ingest import PerformanceData


@dataclass(frozen=True)
class QuarterPlanActual:
    period: Period
    planned_hires: float | None
    hires: int
    planned_leavers: float | None
    leavers: int
    planned_headcount: float | None
    headcount: int
    headcount_at_start: int

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period.label,
            "planned_hires": self.planned_hires,
            "hires": self.hires,
            "planned_leavers": self.planned_leavers,
            "leavers": self.leavers,
            "planned_headcount": self.planned_headcount,
            "headcount": self.headcount,
        }


@dataclass(frozen=True)
class BreakEvenCheck:
    """The break-even as signed and as recomputed on the observed growth."""

    planned_hires_per_quarter: float
    observed_hires_per_quarter: float
    planned_annual_attrition: float
    observed_annual_attrition: float
    signed_break_even_fte: float | None
    signed_reason: str | None
    signed_cheapest: str
    break_even_fte: float | None
    reason: str | None
    cheapest: str

    def to_dict(self) -> dict[str, object]:
        return {
            "planned_hires_per_quarter": self.planned_hires_per_quarter,
            "observed_hires_per_quarter": self.observed_hires_per_quarter,
            "planned_annual_attrition": self.planned_annual_attrition,
            "observed_annual_attrition": self.observed_annual_attrition,
            "signed": {
                "break_even_fte": self.signed_break_even_fte,
                "reason": self.signed_reason,
                "cheapest_option": self.signed_cheapest,
            },
            "observed": {
                "break_even_fte": self.break_even_fte,
                "reason": self.reason,
                "cheapest_option": self.cheapest,
            },
        }


@dataclass(frozen=True)
class PlanVsActual:
    quarters: tuple[QuarterPlanActual, ...]
    break_even: BreakEvenCheck | None

    def to_dict(self) -> dict[str, object]:
        return {
            "quarters": [q.to_dict() for q in self.quarters],
            "break_even": None if self.break_even is None else self.break_even.to_dict(),
        }


def quarter_plan_actual(
    engagement: SignedEngagement, period: Period, index: int, data: PerformanceData
) -> QuarterPlanActual:
    """Planned and observed hires, leavers and headcount of the ``index``-th quarter (from 0)."""
    import pandas as pd

    employees = data.tables["employees"]
    first = pd.Timestamp(max(period.first_day, engagement.start))
    last = pd.Timestamp(period.end)
    hire, exit_ = employees["hire_date"], employees["exit_date"]
    hires = int(((hire >= first) & (hire <= last)).sum())
    leavers = int(((exit_ >= first) & (exit_ <= last)).sum())
    day_before = first - pd.Timedelta(days=1)
    active_before = int(((hire <= day_before) & (exit_.isna() | (exit_ > day_before))).sum())
    active_end = int(((hire <= last) & (exit_.isna() | (exit_ > last))).sum())
    planned = next((q for q in engagement.plan.headcount if q.quarter == index + 1), None)
    return QuarterPlanActual(
        period=period,
        planned_hires=planned.hires if planned else None,
        hires=hires,
        planned_leavers=planned.leavers if planned else None,
        leavers=leavers,
        planned_headcount=planned.fte if planned else None,
        headcount=active_end,
        headcount_at_start=active_before,
    )


def observed_attrition(quarters: tuple[QuarterPlanActual, ...]) -> float:
    """Annual attrition over the quarters: leavers over the mean headcount, times 4 per quarter."""
    exposure = sum((q.headcount_at_start + q.headcount) / 2 for q in quarters) / 4
    leavers = sum(q.leavers for q in quarters)
    return leavers / exposure if exposure > 0 else 0.0


def break_even_check(
    engagement: SignedEngagement, quarters: tuple[QuarterPlanActual, ...]
) -> BreakEvenCheck | None:
    """The signed break-even beside one recomputed with the observed hires and attrition."""
    if not quarters:
        return None
    from tpo_scoping.economics import break_even

    plan = engagement.plan
    hires = sum(q.hires for q in quarters) / len(quarters)
    attrition = observed_attrition(quarters)
    profile = engagement.profile
    observed = profile.model_copy(
        update={
            "growth": profile.growth.model_copy(
                update={"hires_per_quarter": hires, "annual_attrition": min(attrition, 0.99)}
            )
        }
    )
    result = break_even(
        observed, horizon_months=plan.horizon_months, simulations=0, sensitivity=False
    )
    return BreakEvenCheck(
        planned_hires_per_quarter=plan.hires_per_quarter,
        observed_hires_per_quarter=hires,
        planned_annual_attrition=plan.annual_attrition,
        observed_annual_attrition=attrition,
        signed_break_even_fte=plan.break_even_fte,
        signed_reason=plan.break_even_reason,
        signed_cheapest=plan.cheapest_option,
        break_even_fte=result.break_even_fte,
        reason=result.break_even_reason,
        cheapest=result.cheapest_option,
    )
