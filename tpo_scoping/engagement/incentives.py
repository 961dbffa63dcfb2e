"""Bonuses and service credits per quarter, exactly as the signed clause's rules say.

Only KPIs the record marks ``detectable`` count; the percentages come from ``incentives.yaml``.

* **Bonus** (``all_detectable_milestones_met``): earned when at least one detectable KPI was
  measured in the quarter and every one measured meets or beats its milestone (the measured
  value, in the KPI's direction): ``bonus = share_of_quarterly_fee × quarterly fee``.
* **Service credits** (``shortfall_beyond_min_detectable_change``): each detectable KPI whose
  measured value falls short of its milestone by more than its signed minimum detectable change
  is one missed milestone; ``credit = min(missed × share_per_missed_milestone,
  cap_share_per_quarter) × quarterly fee``.

KPIs not yet measurable in a quarter earn and cost nothing that quarter.

Examples
--------
>>> credit_share(missed=5, per_miss=0.03, cap=0.12)
0.12
"""

from __future__ import annotations

from dataclasses import dataclass

from tpo_scoping.engagement.record import IncentiveRules, Period
from tpo_scoping.engagement.status import KpiQuarter


@dataclass(frozen=True)
class Evidence:
    """What one detectable KPI showed in the quarter, against its milestone."""

    key: str
    name: str
    unit: str
    actual: float
    ci_low: float | None
    ci_high: float | None
    milestone: float
    min_detectable_change: float
    shortfall: float
    met: bool
    missed: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "actual": self.actual,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "milestone": self.milestone,
            "min_detectable_change": self.min_detectable_change,
            "shortfall": self.shortfall,
            "met": self.met,
            "missed": self.missed,
        }


@dataclass(frozen=True)
class QuarterIncentives:
    """The bonus and credits of one quarter, with the evidence they rest on."""

    period: Period
    evidence: tuple[Evidence, ...]
    bonus_earned: bool
    bonus_share: float
    bonus_amount: float | None
    missed: tuple[str, ...]
    credit_share: float
    credit_amount: float | None
    credit_capped: bool

    def bonus_dict(self) -> dict[str, object]:
        return {
            "period": self.period.label,
            "earned": self.bonus_earned,
            "share_of_fee": self.bonus_share,
            "amount": self.bonus_amount,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    def credit_dict(self) -> dict[str, object]:
        return {
            "period": self.period.label,
            "missed": list(self.missed),
            "share_of_fee": self.credit_share,
            "amount": self.credit_amount,
            "capped": self.credit_capped,
            "evidence": [e.to_dict() for e in self.evidence if e.missed],
        }


def credit_share(missed: int, per_miss: float, cap: float) -> float:
    """Share of the quarterly fee credited for ``missed`` milestones: ``min(n × per, cap)``."""
    return min(missed * per_miss, cap)


def quarter_incentives(
    period: Period, judged: list[KpiQuarter], rules: IncentiveRules
) -> QuarterIncentives:
    """Apply the signed bonus and credit rules to one quarter's judged KPIs."""
    evidence = []
    for row in judged:
        kpi, m = row.kpi, row.measurement
        if kpi.detectable is not True or m.value is None or row.status == "not yet measurable":
            continue
        mdc = float(kpi.min_detectable_change or 0.0)
        shortfall = max(0.0, -kpi.better(m.value, row.milestone.value))
        evidence.append(
            Evidence(
                key=kpi.key,
                name=kpi.name,
                unit=kpi.unit,
                actual=m.value,
                ci_low=m.ci_low,
                ci_high=m.ci_high,
                milestone=row.milestone.value,
                min_detectable_change=mdc,
                shortfall=shortfall,
                met=kpi.better(m.value, row.milestone.value) >= 0,
                missed=shortfall > mdc,
            )
        )
    fee = rules.quarterly_fee
    earned = bool(evidence) and all(e.met for e in evidence)
    bonus = rules.bonus.share_of_quarterly_fee if earned else 0.0
    missed = tuple(e.key for e in evidence if e.missed)
    per_miss = rules.credits.share_per_missed_milestone
    cap = rules.credits.cap_share_per_quarter
    share = credit_share(len(missed), per_miss, cap)
    return QuarterIncentives(
        period=period,
        evidence=tuple(evidence),
        bonus_earned=earned,
        bonus_share=bonus,
        bonus_amount=None if fee is None else bonus * fee,
        missed=missed,
        credit_share=share,
        credit_amount=None if fee is None else share * fee,
        credit_capped=len(missed) * per_miss > cap,
    )
