"""Risks to the engagement: the TPO guide's three failure modes, and what the data shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.labels import pct
from tpo_scoping.verdict.facts import Facts
from tpo_scoping.verdict.result import Risk, Severity

if TYPE_CHECKING:
    from tpo_scoping.kpis import Kpi, KpiDraft
    from tpo_scoping.profile import Profile


def failure_mode_risks(profile: Profile, kpis: KpiDraft | None, scaling: bool) -> list[Risk]:
    """One risk per failure mode of the TPO guide, its severity from the readiness checklist."""
    r = profile.readiness
    risks = [
        Risk(
            "no_accountable_person",
            "No named accountable person on the provider side: a shared inbox and a content"
            " library are a catalog, not a managed service (TPO guide)."
            if not r.named_accountable_person
            else "Accountability could drift to a ticket queue after signature (TPO guide).",
            "high" if not r.named_accountable_person else "low",
            "Name the provider's L&D lead in the contract before signature, with a response time"
            " and a replacement rule (clause 'Named accountable person').",
            failure_mode=True,
        )
    ]
    kpi_severity: Severity = "low"
    kpi_text = "KPIs exist; they must be written into the contract with baselines and targets."
    if not r.kpis_defined:
        kpi_severity = "high"
        kpi_text = (
            "KPIs are not set: without measurable targets at contract start there is no way to"
            " correct course (TPO guide)."
        )
    elif kpis is not None:
        weak = weak_kpi_findings(list(kpis.kpis))
        if weak:
            kpi_severity = "medium"
            kpi_text = "; ".join(weak) + "; a target that cannot be measured cannot be held."
    risks.append(
        Risk(
            "kpis_not_set",
            kpi_text,
            kpi_severity,
            "Sign the KPI table (ramp time, 90-day retention, pass rate, compliance status) as a"
            " contract schedule at start, baselines from the needs analysis, milestones at"
            " 30/60/90/180/365 days.",
            failure_mode=True,
        )
    )
    risks.append(
        Risk(
            "integration_problem",
            "Training is being asked to fix an integration problem: onshore staff do not treat"
            " offshore staff as team members, so training will raise knowledge but not"
            " performance (TPO guide)."
            if not r.offshore_integrated
            else (
                "Rapid scaling can create integration failures alongside training gaps."
                if scaling
                else "Offshore staff who are not treated as team members learn but do not"
                " perform; keep integration a management action beside training."
            ),
            "high" if not r.offshore_integrated else "low",
            "Make integration a client management action alongside training: shared rituals,"
            " onshore buddies, offshore staff in team channels and reviews; track it separately"
            " from the training KPIs.",
            failure_mode=True,
        )
    )
    return risks


def weak_kpi_findings(kpis: list[Kpi]) -> list[str]:
    """What weakens the drafted KPIs as contract terms, naming the KPIs concerned.

    >>> from types import SimpleNamespace as K
    >>> for finding in weak_kpi_findings([
    ...     K(name="Ramp time", baseline_is_default=True, detectable=True, cadence="monthly"),
    ...     K(name="CSAT", baseline_is_default=False, detectable=False, cadence="monthly"),
    ...     K(name="Error rate", baseline_is_default=False, detectable=False, cadence="monthly"),
    ... ]):
    ...     print(finding)
    1 of 3 drafted KPIs (Ramp time) rests on a default baseline, not the prospect's data
    2 of 3 (CSAT, error rate) have targets too small to detect month by month at this team size
    """
    defaults = [k for k in kpis if k.baseline_is_default]
    hidden = [k for k in kpis if k.detectable is False]
    findings = []
    if defaults:
        rests = "rests on a default baseline" if len(defaults) == 1 else "rest on default baselines"
        findings.append(f"{_which(defaults, kpis, first=True)} {rests}, not the prospect's data")
    if hidden:
        quarterly = hidden[0].cadence == "quarterly"
        period = "quarter by quarter" if quarterly else "month by month"
        has = "has a target" if len(hidden) == 1 else "have targets"
        findings.append(
            f"{_which(hidden, kpis, first=not findings)} {has} too small to detect {period}"
            " at this team size"
        )
    return [f[0].upper() + f[1:] for f in findings[:1]] + findings[1:]


def _which(some: list[Kpi], of: list[Kpi], *, first: bool, most: int = 4) -> str:
    """Which KPIs: "all 5 drafted KPIs", or "2 of 5 (CSAT, error rate)" naming them."""
    noun = " drafted KPIs" if first else ""
    if len(some) == len(of) and len(of) > 1:
        return f"all {len(of)}{noun}"
    shown = some if len(some) <= most + 1 else some[:most]
    names = [str(k.name) for k in shown]
    names[1:] = [n if n[:2].isupper() else n[0].lower() + n[1:] for n in names[1:]]
    more = f" and {len(some) - len(shown)} more" if len(shown) < len(some) else ""
    return f"{len(some)} of {len(of)}{noun} ({', '.join(names)}{more})"


def data_risks(f: Facts, recommendation: str) -> list[Risk]:
    """Risks the data shows: early attrition, compliance lapses, uncertain economics."""
    risks: list[Risk] = []
    needs = f.needs
    if needs is not None:
        at_risk = needs.low_retention_sites(90)
        if at_risk:
            risks.append(
                Risk(
                    "early_attrition",
                    f"Early attrition at {', '.join(at_risk)}: new hires leave before they ramp,"
                    " so onboarding spend is lost (90-day retention clearly below the team's).",
                    "medium",
                    "Put 90-day retention in the KPI table per site and review exit reasons"
                    " by stage (training, nesting, first month) monthly.",
                )
            )
        floor = f.thresholds.compliance_coverage_floor
        lapsed = needs.lapsed_sites(floor)
        if lapsed:
            detail = "; ".join(
                f"{r.site_name}: {pct(r.on_time)} on time, {r.overdue} overdue,"
                f" {r.never_completed} never completed"
                for r in lapsed
            )
            risks.append(
                Risk(
                    "compliance_lapses",
                    f"Required compliance training lapsed or missing ({detail}; under"
                    f" {pct(floor)} of required certificates on time): a regulatory liability,"
                    " not only a performance issue.",
                    "high" if f.profile.regulated else "medium",
                    "Run a compliance catch-up in the first weeks and report coverage and"
                    " overdue modules monthly.",
                )
            )
    e = f.economics
    if e is not None and recommendation == "tpo":
        prob = e.probability_tpo_cheaper
        if prob is not None and prob < 0.5:
            risks.append(
                Risk(
                    "economics_uncertain",
                    f"TPO is cheaper in only {pct(prob)} of simulated futures; the case rests on"
                    " outcomes (compliance, ramp, retention) more than on cost.",
                    "medium",
                    "Tie part of the fee to the KPI milestones and revisit at the first"
                    " quarterly review.",
                )
            )
    return risks
