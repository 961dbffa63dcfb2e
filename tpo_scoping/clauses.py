"""Contract clauses for training, drafted from the scoped numbers.

The clause set follows the contracts guide (how to build skill development into outsourcing
contracts): training and development requirements, the knowledge-transfer process, onboarding
and ongoing support, performance metrics (the KPI table), reporting frequency, an exit strategy
for knowledge retention, incentives tied to skill advancement with service credits for missed
milestones, and the named accountable person the TPO guide insists on. Each clause is plain,
editable text rendered from a Jinja2 template in ``tpo_scoping/templates/clauses/``;
parameters (learning hours, credit percentages, notice periods) come from
``engagement_defaults.yaml`` and are assumptions to negotiate. The whole set is a draft for
legal review, never legal advice.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> from tpo_scoping.kpis import draft_kpis
>>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 60}]")
>>> clauses = draft_clauses(p, draft_kpis(p))
>>> [c.key for c in clauses.clauses][:2]
['training_requirements', 'knowledge_transfer']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tpo_scoping.labels import kpi_level, money, pct
from tpo_scoping.reference import load_reference
from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.plan import EngagementPlan
    from tpo_scoping.profile import Profile

DRAFT_NOTICE = (
    "DRAFT FOR LEGAL REVIEW. Generated from the scoping figures as a starting point for"
    " negotiation; not legal advice. Verify every regulatory reference and every figure before"
    " use."
)

CLAUSES = (
    ("training_requirements", "Training and development requirements", "01_training_requirements"),
    ("knowledge_transfer", "Knowledge-transfer process", "02_knowledge_transfer"),
    ("onboarding_support", "Onboarding and ongoing support", "03_onboarding_support"),
    ("performance_metrics", "Performance metrics", "04_performance_metrics"),
    ("reporting", "Reporting frequency", "05_reporting"),
    ("exit_strategy", "Exit strategy for knowledge retention", "06_exit_strategy"),
    ("incentives_credits", "Incentives and service credits", "07_incentives_credits"),
    ("accountable_person", "Named accountable person", "08_accountable_person"),
)
"""Key, title and template of each clause, in contract order."""


@dataclass(frozen=True)
class Clause(FlatResult):
    """One editable clause: number, title, plain text, and where its substance comes from."""

    number: int
    key: str
    title: str
    text: str
    source: str


@dataclass
class ClauseSet:
    """The drafted clauses, marked as a draft for legal review."""

    clauses: list[Clause]
    notice: str = DRAFT_NOTICE
    status: str = "DRAFT for legal review"
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "notice": self.notice,
            "parameters": dict(self.parameters),
            "clauses": [c.to_dict() for c in self.clauses],
        }

    def as_text(self) -> str:
        """The whole set as one plain-text document."""
        parts = [self.notice, ""]
        for c in self.clauses:
            parts += [f"{c.number}. {c.title.upper()}", c.text, ""]
        return "\n".join(parts)


_SOURCES = {
    "training_requirements": "contracts guide: define clear upskilling targets, ongoing learning"
    " commitments, individual learning paths; compliance modules from the compliance catalogue",
    "knowledge_transfer": "contracts guide: training and knowledge-transfer clauses (documentation,"
    " workshops, shadowing)",
    "onboarding_support": "contracts guide: onboarding and refresher support; TPO guide: the"
    " 4-6 week start",
    "performance_metrics": "contracts guide: link training to performance metrics; TPO guide:"
    " specific targets at contract start",
    "reporting": "contracts guide: set reporting frequencies, centralise reporting",
    "exit_strategy": "contracts guide: exit strategy for knowledge retention",
    "incentives_credits": "contracts guide: link bonuses to skill advancement, penalties for missed"
    " training milestones",
    "accountable_person": "TPO guide: a named accountable person separates a managed service"
    " from a content subscription",
}


@functools.cache
def _environment() -> Any:
    """The clause templates' environment: one per process, so each template compiles once."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("tpo_scoping", "templates/clauses"),
        autoescape=False,  # plain text; HTML rendering escapes it again
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=False,
    )


def _defaults() -> dict[str, Any]:
    return {k: v["value"] for k, v in load_reference("engagement_defaults")["clauses"].items()}


def monthly_fee_estimate(break_even: BreakEvenResult | None) -> float | None:
    """Estimated monthly TPO fee: TPO's cash cost (setup and retainer) averaged over the horizon."""
    if break_even is None:
        return None
    return break_even.options["tpo"].cash_cost / break_even.horizon_months


def measurable_routes(kpis: KpiDraft) -> list[str]:
    """What would make a KPI measurable: pooling where it helps, else a more sensitive metric."""
    routes = [
        f"{k.name} judged over {k.periods_to_detect} pooled {k.cadence_period}s"
        for k in kpis.kpis
        if k.detectable is False and k.periods_to_detect
    ]
    if not routes:
        routes = ["a leading metric measured on more observations (see each KPI's note)"]
    return routes


def draft_clauses(
    profile: Profile,
    kpis: KpiDraft,
    plan: EngagementPlan | None = None,
    *,
    gaps: list[str] | None = None,
    break_even: BreakEvenResult | None = None,
    recommendation: str = "tpo",
) -> ClauseSet:
    """Draft the training clauses from the profile, the KPI table, the plan and the economics.

    Parameters
    ----------
    profile : Profile
        Team size, sites, hiring and compliance domains.
    kpis : KpiDraft
        The KPI table, written into the performance-metrics clause as Schedule A; only
        detectable KPIs carry incentives and service credits, and with none detectable no bonus
        is payable (the clause names what would make a KPI measurable).
    plan : EngagementPlan, optional
        Go-live week and onboarding-wave rhythm.
    gaps : list of str, optional
        Material competency gaps to prioritise.
    break_even : BreakEvenResult, optional
        For fee-based amounts (credits and bonus in USD); placeholders otherwise.
    recommendation : str
        The fit verdict the clauses are drafted for (shown in the parameters).

    Returns
    -------
    ClauseSet
        Numbered clauses with plain text, and the parameters used.
    """
    d = _defaults()
    catalogue = load_reference("compliance_catalogue")
    module_keys: list[str] = []
    for domain in profile.compliance_domains:
        module_keys += catalogue["domains"][domain]["modules"]
    module_keys += catalogue.get("baseline", [])
    for site in profile.sites:
        country_module = catalogue.get("countries", {}).get(site.country)
        if country_module:
            module_keys.append(country_module)
    modules = [
        {
            "title": catalogue["modules"][k]["title"],
            "rule": catalogue["modules"][k]["rule"],
            "at_hire_within_days": catalogue["modules"][k]["at_hire_within_days"],
            "cadence_months": catalogue["modules"][k]["cadence_months"],
        }
        for k in dict.fromkeys(module_keys)
        if k in catalogue["modules"]
    ]
    kpi_rows = []
    period_word = "month" if kpis.cadence == "monthly" else "quarter"
    for k in kpis.kpis:
        kpi_rows.append(
            {
                "name": k.name,
                "baseline_text": kpi_level(k.baseline, k.unit),
                "baseline_is_default": k.baseline_is_default,
                "target_text": kpi_level(k.target, k.unit),
                "milestones_text": ", ".join(
                    f"day {m.day}: {kpi_level(m.value, k.unit)}" for m in k.milestones
                ),
                "cadence": k.cadence,
                "detectable": k.detectable,
                "pooling_text": (
                    f"judged over {k.periods_to_detect} pooled {period_word}s"
                    if k.periods_to_detect
                    else "reported only at this team size; no bonus or credit attaches to it"
                ),
            }
        )
    hires = profile.growth.hires_per_quarter
    wave_text = (
        f"monthly cohorts of about {hires / 3:.0f}" if hires / 3 >= 3 else "one cohort a quarter"
    )
    monthly_fee = monthly_fee_estimate(break_even)
    quarterly_fee = monthly_fee * 3 if monthly_fee else None
    credit = float(d["service_credit_per_missed_milestone"])
    bonus = float(d["skill_bonus_share"])
    context = {
        "fte": profile.total_fte,
        "sites": ", ".join(f"{s.label} ({s.country}, {s.fte} FTE)" for s in profile.sites),
        "gaps": list(gaps or []),
        "modules": modules,
        "learning_hours": d["learning_hours_per_fte_per_quarter"],
        "update_days": d["knowledge_update_business_days"],
        "hires_per_quarter": f"{hires:g}" if hires else "",
        "wave_text": wave_text,
        "go_live_week": (plan.go_live_week if plan and plan.go_live_week else 6),
        "kpis": kpi_rows,
        "cadence": kpis.cadence,
        "transition_days": d["transition_assistance_days"],
        "detectable_names": [k.name for k in kpis.detectable],
        "measurable_routes": measurable_routes(kpis),
        "bonus_pct": pct(bonus),
        "credit_pct": pct(credit),
        "cap_pct": pct(float(d["service_credit_cap"])),
        "quarterly_fee": money(quarterly_fee) if quarterly_fee else "",
        "quarterly_fee_bonus": money(quarterly_fee * bonus) if quarterly_fee else "",
        "credit_amount": money(quarterly_fee * credit) if quarterly_fee else "",
        "response_days": d["accountable_person_response_business_days"],
        "notice_days": d["replacement_notice_days"],
    }
    env = _environment()
    clauses = [
        Clause(
            number=i,
            key=key,
            title=title,
            text=env.get_template(f"{template}.txt.j2").render(**context).strip(),
            source=_SOURCES[key],
        )
        for i, (key, title, template) in enumerate(CLAUSES, 1)
    ]
    parameters = {
        "recommendation": recommendation,
        "prospect": profile.prospect,
        "monthly_fee_estimate": monthly_fee,
        **{k: d[k] for k in sorted(d)},
    }
    return ClauseSet(clauses=clauses, parameters=parameters)
