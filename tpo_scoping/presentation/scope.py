"""The prospect, the verdict and the plan as people read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.labels import MISSING, domain_label, number, pct, training_label
from tpo_scoping.presentation.table import Table

if TYPE_CHECKING:
    from tpo_scoping.plan import EngagementPlan
    from tpo_scoping.profile import Profile
    from tpo_scoping.verdict import FitVerdict

READINESS_LABELS = {
    "kpis_defined": "KPIs defined",
    "processes_stable": "Processes stable",
    "named_accountable_person": "Named accountable person",
    "offshore_integrated": "Offshore staff treated as team members",
}


def profile_table(profile: Profile, *, public: bool = False) -> Table:
    """The prospect as told on the call: sites, growth, compliance, training today, readiness.

    ``public`` gives the public calculator's answers only: no sites, no readiness checklist,
    and the L&D team's size only when training today is an internal L&D team.
    """
    hires = profile.growth.hires_per_quarter
    training = profile.current_training.value
    rows = [
        ("Offshore team", f"{profile.total_fte} FTE"),
        *(
            (f"Site: {s.label}", f"{s.fte} FTE ({s.country})")
            for s in (() if public else profile.sites)
        ),
        (
            "Hiring (gross, replacements included)",
            f"{number(hires)} hire{'' if hires == 1 else 's'} per quarter",
        ),
        ("Attrition", f"{pct(profile.growth.annual_attrition)} a year"),
        ("Compliance domains", "; ".join(domain_label(d) for d in profile.compliance_domains)),
        ("Training today", training_label(training)),
    ]
    if not public or training == "internal_ld":
        rows.append(("Internal L&D staff", f"{float(profile.internal_ld_staff):g}"))
    if not public:
        rows += [
            (label, "yes" if getattr(profile.readiness, key) else "no")
            for key, label in READINESS_LABELS.items()
        ]
    caption = "" if public else profile.prospect
    return Table(("", "What we were told"), tuple(rows), caption=caption, left=(0, 1))


def criteria_table(fit: FitVerdict) -> Table:
    """The TPO guide's criteria, whether each holds, and the evidence."""
    met = {True: "yes", False: "no", None: MISSING}
    return Table(
        ("Condition", "Met", "Your team"),
        tuple((c.label, met[c.met], c.detail) for c in fit.criteria),
        left=(0, 1, 2),
    )


def risks_table(fit: FitVerdict) -> Table:
    """The risks, the most serious first, with how each is addressed."""
    return Table(
        ("Risk", "Severity", "How we address it"),
        tuple((r.risk, r.severity, r.mitigation) for r in fit.risks),
        left=(0, 1, 2),
        highlight=tuple(i for i, r in enumerate(fit.risks) if r.severity == "high"),
    )


def plan_table(plan: EngagementPlan, *, reporting: bool = True) -> Table:
    """The engagement plan with plain week numbers."""
    items = [i for i in plan.items if reporting or i.workstream != "Reporting"]
    return Table(
        ("Workstream", "Activity", "Weeks", "Owner", "Detail"),
        tuple(
            (
                i.workstream,
                i.activity,
                f"{i.start_week:g}"
                if i.end_week == i.start_week
                else f"{i.start_week:g}–{i.end_week:g}",
                i.owner,
                i.detail,
            )
            for i in items
        ),
        left=(0, 1, 3, 4),
    )


def _weeks(start: float, end: float) -> str:
    return f"{start:g}" if end == start else f"{start:g}–{end:g}"


def plan_sentence(plan: EngagementPlan) -> str:
    """The plan in one sentence."""
    if plan.go_live_week is not None:
        return (
            f"Structured programme live in week {plan.go_live_week}: needs analysis first, catalog"
            " content for immediate needs, custom content in parallel, then onboarding waves and"
            f" {plan.reporting_cadence} KPI reports with quarterly reviews."
        )
    return (
        "A readiness phase comes first: agree KPIs and stabilise workflows, with catalog"
        " content for immediate needs, then re-scope."
    )
