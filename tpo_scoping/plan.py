"""The engagement plan: how the first year runs, week by week.

For an existing team with defined roles, the TPO guide's 4-6-week start: a training needs analysis
first, then catalog content for the immediate needs it finds while custom content is built in
parallel, the structured programme live by week 6, onboarding waves for the planned hires, and a
reporting cadence with quarterly reviews. Durations live in
``tpo_scoping/data/engagement_defaults.yaml`` (``plan``). Other verdicts get the plan that fits
them: a catalog deployment, a custom-course project, or a readiness phase before re-scoping.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 60}]\\n"
...                   "growth: {hires_per_quarter: 15}")
>>> plan = engagement_plan(p, recommendation="tpo")
>>> plan.go_live_week
6
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tpo_scoping.reference import load_reference
from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    import pandas as pd

    from tpo_scoping.profile import Profile

ItemKind = Literal["phase", "wave", "milestone", "review"]


@dataclass(frozen=True)
class PlanItem(FlatResult):
    """One bar or milestone of the plan; weeks count from engagement start (week 0)."""

    key: str
    workstream: str
    activity: str
    start_week: float
    end_week: float
    kind: ItemKind
    owner: str
    detail: str = ""


@dataclass
class EngagementPlan:
    """The plan's items in display order, and its headline facts."""

    model: str
    go_live_week: int | None
    horizon_weeks: int
    items: list[PlanItem]
    reporting_cadence: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "go_live_week": self.go_live_week,
            "horizon_weeks": self.horizon_weeks,
            "reporting_cadence": self.reporting_cadence,
            "notes": list(self.notes),
            "items": [i.to_dict() for i in self.items],
        }

    def table(self) -> pd.DataFrame:
        """The plan as a table: workstream, activity, weeks, owner, detail."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "Workstream": i.workstream,
                    "Activity": i.activity,
                    "Start week": i.start_week,
                    "End week": i.end_week,
                    "Type": i.kind,
                    "Owner": i.owner,
                    "Detail": i.detail,
                }
                for i in self.items
            ]
        )


def _plan_defaults() -> dict[str, Any]:
    return {k: v["value"] for k, v in load_reference("engagement_defaults")["plan"].items()}


PROVIDER = "Provider L&D lead"
CLIENT = "Client operations"


def engagement_plan(
    profile: Profile,
    recommendation: str = "tpo",
    *,
    gaps: list[str] | None = None,
    compliance_lapses: list[str] | None = None,
    cadence: str = "monthly",
) -> EngagementPlan:
    """Lay out the first year of the engagement for the recommended model.

    Parameters
    ----------
    profile : Profile
        The prospect (planned hires set the onboarding waves, domains the compliance work).
    recommendation : str
        The fit verdict: ``tpo``, ``catalog_licensing``, ``custom_course_development`` or
        ``not_ready``.
    gaps : list of str, optional
        Material competency gaps from the needs analysis (immediate needs and custom content).
    compliance_lapses : list of str, optional
        Sites or modules with lapsed compliance training (a catch-up workstream).
    cadence : {"monthly", "quarterly"}
        Reporting cadence of the KPI reports; quarterly reviews are always in the plan.

    Returns
    -------
    EngagementPlan
        Items with start and end weeks (milestones have ``start_week == end_week``).
    """
    d = _plan_defaults()
    horizon = int(d["horizon_weeks"])
    gaps = list(gaps or [])
    lapses = list(compliance_lapses or [])
    items: list[PlanItem] = []
    gap_text = ", ".join(gaps[:4]) if gaps else "the gaps the needs analysis finds"
    notes: list[str] = []
    go_live: int | None = int(d["go_live_week"])

    if recommendation == "not_ready":
        r0, r1 = d["readiness_weeks"]
        items += [
            PlanItem(
                "define_kpis",
                "Readiness",
                "Agree KPIs for the offshore team",
                r0,
                r1 / 2,
                "phase",
                CLIENT,
                "Ramp time, 90-day retention, assessment pass rate, compliance status:"
                " definitions and baselines (the drafted KPI table is the starting point).",
            ),
            PlanItem(
                "stabilise_processes",
                "Readiness",
                "Document and stabilise workflows",
                r0,
                r1,
                "phase",
                CLIENT,
                "Training is built around stable workflows; freeze and document them first.",
            ),
            PlanItem(
                "interim_catalog",
                "Content",
                "Catalog licensing for immediate needs",
                1,
                r1,
                "phase",
                PROVIDER,
                f"Generic catalog courses for {gap_text}.",
            ),
            PlanItem("rescope", "Governance", "Re-scope the engagement", r1, r1, "review", CLIENT),
        ]
        go_live = None
        notes.append("No structured programme is planned until the readiness phase is done.")
    else:
        live = int(d["go_live_week"])
        n0, n1 = d["needs_analysis_weeks"]
        items.append(
            PlanItem(
                "accountable_person",
                "Governance",
                "Named accountable person appointed",
                0,
                0,
                "milestone",
                PROVIDER,
                "The provider's L&D lead who owns training outcomes (TPO guide).",
            )
        )
        items.append(
            PlanItem(
                "needs_analysis",
                "Needs analysis",
                "Training needs analysis and KPI baselines",
                n0,
                n1,
                "phase",
                PROVIDER,
                "Gap between current and target performance; baselines signed into the KPI"
                " schedule.",
            )
        )
        c0, c1 = d["catalog_weeks"]
        items.append(
            PlanItem(
                "catalog",
                "Content",
                "Catalog content for immediate needs",
                c0,
                c1,
                "phase",
                PROVIDER,
                f"Deploy catalog courses for {gap_text}.",
            )
        )
        if lapses or profile.regulated:
            items.append(
                PlanItem(
                    "compliance_catch_up",
                    "Compliance",
                    "Compliance catch-up and tracking",
                    c0,
                    live,
                    "phase",
                    PROVIDER,
                    "Bring lapsed and missing modules current"
                    + (f" ({', '.join(lapses[:4])})" if lapses else "")
                    + "; completion tracking from then on.",
                )
            )
        if recommendation in ("tpo", "custom_course_development"):
            u0, u1 = d["custom_weeks"]
            items.append(
                PlanItem(
                    "custom_content",
                    "Content",
                    "Custom content built in parallel",
                    u0,
                    u1,
                    "phase",
                    PROVIDER,
                    f"Role-specific modules for {gap_text}, built around the client's workflows.",
                )
            )
        items.append(
            PlanItem(
                "go_live",
                "Governance",
                "Structured programme live",
                live,
                live,
                "milestone",
                PROVIDER,
                "Within 4-6 weeks of start for an existing team with defined roles (TPO guide).",
            )
        )
        if recommendation == "tpo":
            items += _waves(profile, live, horizon, int(d["onboarding_wave_weeks"]))
    items += _reporting(go_live or 0, horizon, cadence)
    return EngagementPlan(
        model=recommendation,
        go_live_week=go_live,
        horizon_weeks=horizon,
        items=items,
        reporting_cadence=cadence,
        notes=notes,
    )


def _waves(profile: Profile, start: int, horizon: int, length: int) -> list[PlanItem]:
    """Onboarding waves for the planned hires: monthly cohorts, or quarterly when few."""
    hires = profile.growth.hires_per_quarter
    if hires <= 0:
        return []
    monthly = hires / 3 >= 3
    step = 4.33 if monthly else 13.0
    per_wave = hires / 3 if monthly else hires
    out = []
    week = float(start)
    i = 1
    while week + length <= horizon and i <= 12:
        out.append(
            PlanItem(
                f"wave_{i}",
                "Onboarding",
                f"Onboarding wave {i}",
                round(week, 1),
                round(week + length, 1),
                "wave",
                PROVIDER,
                f"About {math.ceil(per_wave)} new hires through structured onboarding.",
            )
        )
        week += step
        i += 1
    return out


def _reporting(start: int, horizon: int, cadence: str) -> list[PlanItem]:
    out = []
    step = 4.33 if cadence == "monthly" else 13.0
    week = start + step
    n = 1
    while week <= horizon + 0.01:
        out.append(
            PlanItem(
                f"report_{n}",
                "Reporting",
                f"{cadence.capitalize()} KPI report",
                round(week, 1),
                round(week, 1),
                "milestone",
                PROVIDER,
                "Completion, assessment scores, compliance status and KPI milestones.",
            )
        )
        week += step
        n += 1
    for q in range(1, 5):
        out.append(
            PlanItem(
                f"qbr_{q}",
                "Governance",
                f"Quarterly review {q}",
                13.0 * q,
                13.0 * q,
                "review",
                "Client sponsor and provider L&D lead",
                "Review KPIs against milestones; adjust the training plan and targets.",
            )
        )
    return out
