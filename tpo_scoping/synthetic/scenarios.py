"""The sample prospects: what each one looks like and which effects are planted in its data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

LEARNING_CURVE_START = 0.5
"""Planted curve: productivity(t) = plateau * (1 - 0.5 * exp(-t / tau)), so 90 % at tau * ln 5."""


@dataclass(frozen=True)
class SiteSpec:
    """A synthetic site: where it is, how big it is, and what is planted there."""

    name: str
    country: str
    target_fte: int
    retention_90d: float = 0.92
    """Planted probability that a new hire is still employed 90 days after hire."""
    overdue_share: float = 0.03
    """Share of required compliance modules whose last completion has lapsed."""
    never_completed_share: float = 0.01


@dataclass(frozen=True)
class RoleSpec:
    name: str
    share: float
    plateau: float
    """Tenured productivity (units per week, e.g. tickets resolved)."""
    weeks_to_proficiency: float
    """Planted weeks of tenure to reach 90 % of ``plateau``."""


@dataclass(frozen=True)
class Scenario:
    """Everything needed to generate one synthetic prospect."""

    key: str
    prospect: str
    description: str
    sites: tuple[SiteSpec, ...]
    roles: tuple[RoleSpec, ...]
    competencies: tuple[str, ...]
    hires_per_quarter: float
    annual_attrition: float
    compliance_domains: tuple[str, ...] = ("general",)
    current_training: str = "manager_walkthroughs"
    internal_ld_staff: float = 0
    readiness: dict[str, bool] = field(
        default_factory=lambda: {
            "kpis_defined": True,
            "processes_stable": True,
            "named_accountable_person": True,
            "offshore_integrated": True,
        }
    )
    as_of: date = date(2026, 9, 30)
    history_months: int = 36
    metric_months: int = 24
    gap_site: str | None = None
    gap_competency: str | None = None
    gap_points: float = 15.0
    base_score: float = 78.0
    score_sd: float = 9.0
    impact_course: str | None = "process_refresher"
    impact_points: float = 4.0
    impact_months_ago: int = 6
    onboarding_course: str | None = None
    onboarding_share: float = 1.0
    """Share of new hires who take the onboarding course."""
    onboarding_days: tuple[int, int] = (10, 200)
    """Days after the start when they take it (uniform, inclusive)."""
    onboarding_points: float = 0.0
    extra_metrics: tuple[str, ...] = ("error_rate", "csat")
    assumptions: dict[str, float] = field(default_factory=dict)
    expected_fit: str = ""


_COMPETENCIES_SUPPORT = (
    "product_knowledge",
    "systems_navigation",
    "written_communication",
    "call_handling",
    "data_privacy",
)

SCENARIOS: dict[str, Scenario] = {
    s.key: s
    for s in (
        Scenario(
            key="small_simple",
            prospect="Northwind Bookkeeping",
            description=(
                "A 14-FTE bookkeeping team in the Philippines with simple, stable needs and almost"
                " no growth. The source article calls TPO premature under about 20 FTE: catalog"
                " licensing is the cheaper start."
            ),
            sites=(SiteSpec("Manila", "PH", 14, retention_90d=0.95),),
            roles=(RoleSpec("bookkeeper", 1.0, plateau=40, weeks_to_proficiency=10),),
            competencies=("reconciliation", "accounting_software", "written_communication"),
            hires_per_quarter=1,
            annual_attrition=0.12,
            current_training="lms_only",
            gap_site="Manila",
            gap_competency="reconciliation",
            gap_points=12,
            history_months=30,
            extra_metrics=("error_rate",),
            expected_fit="catalog_licensing",
        ),
        Scenario(
            key="growing_healthcare",
            prospect="Example Health Services",
            description=(
                "A healthcare revenue-cycle team of about 50 FTE across Manila and Bogotá, adding"
                " 20 hires a quarter under HIPAA, trained today by manager walkthroughs. Bogotá"
                " loses far more new hires in the first 90 days, Manila scores low on HIPAA"
                " privacy, and Bogotá's HIPAA security certificates are lapsing. Every new hire"
                " takes a claims-accuracy bootcamp in their first months, which does nothing of"
                " its own: their improvement is ramp-up."
            ),
            sites=(
                SiteSpec("Manila", "PH", 38, retention_90d=0.88, overdue_share=0.04),
                SiteSpec(
                    "Bogota",
                    "CO",
                    12,
                    retention_90d=0.70,
                    overdue_share=0.25,
                    never_completed_share=0.05,
                ),
            ),
            roles=(
                RoleSpec("claims_specialist", 0.7, plateau=60, weeks_to_proficiency=12),
                RoleSpec("team_lead", 0.3, plateau=45, weeks_to_proficiency=20),
            ),
            competencies=(
                "hipaa_privacy",
                "claims_processing",
                "medical_coding",
                "systems_navigation",
                "written_communication",
            ),
            hires_per_quarter=20,
            annual_attrition=0.30,
            compliance_domains=("healthcare",),
            gap_site="Manila",
            gap_competency="hipaa_privacy",
            gap_points=15,
            # Every new hire takes the bootcamp while ramping up; it does nothing of its own.
            onboarding_course="claims_accuracy_bootcamp",
            expected_fit="tpo",
        ),
        Scenario(
            key="large_multicountry",
            prospect="Meridian Card Services",
            description=(
                "A 200-FTE card-services operation in India and Mexico under PCI DSS and GDPR,"
                " with one internal trainer. Mexico has a real gap in fraud detection; Pune's"
                " new hires ramp slower in the dispute role."
            ),
            sites=(
                SiteSpec("Pune", "IN", 140, retention_90d=0.90, overdue_share=0.05),
                SiteSpec("Guadalajara", "MX", 60, retention_90d=0.82, overdue_share=0.12),
            ),
            roles=(
                RoleSpec("card_support_agent", 0.6, plateau=80, weeks_to_proficiency=8),
                RoleSpec("dispute_analyst", 0.3, plateau=35, weeks_to_proficiency=16),
                RoleSpec("supervisor", 0.1, plateau=30, weeks_to_proficiency=24),
            ),
            competencies=(
                "fraud_detection",
                "pci_procedures",
                "dispute_handling",
                "call_handling",
                "spanish_english_fluency",
                "systems_navigation",
            ),
            hires_per_quarter=15,
            annual_attrition=0.25,
            compliance_domains=("payments", "data_processing"),
            current_training="internal_ld",
            internal_ld_staff=1,
            gap_site="Guadalajara",
            gap_competency="fraud_detection",
            gap_points=14,
            expected_fit="tpo",
        ),
        Scenario(
            key="not_ready",
            prospect="Brightpath Labs",
            description=(
                "A 28-FTE product-support team in Colombia whose workflows are still changing"
                " and who have no agreed KPIs yet. The source article says TPO cannot be scoped"
                " without KPIs: fix that first."
            ),
            sites=(SiteSpec("Medellin", "CO", 28, retention_90d=0.85),),
            roles=(RoleSpec("support_agent", 1.0, plateau=50, weeks_to_proficiency=14),),
            competencies=_COMPETENCIES_SUPPORT[:4],
            hires_per_quarter=4,
            annual_attrition=0.35,
            readiness={
                "kpis_defined": False,
                "processes_stable": False,
                "named_accountable_person": False,
                "offshore_integrated": False,
            },
            gap_site="Medellin",
            gap_competency="systems_navigation",
            gap_points=10,
            extra_metrics=("csat",),
            expected_fit="not_ready",
        ),
    )
}
"""The shipped sample prospects, keyed by their folder name under ``sample_data/``."""

DEFAULT_SEED = 20261124


def planted_truth(scenario: Scenario) -> dict[str, Any]:
    """What the generator plants, in the units the analyses report."""
    return {
        "as_of": scenario.as_of.isoformat(),
        "top_gap": {
            "site": scenario.gap_site,
            "competency": scenario.gap_competency,
            "points": scenario.gap_points,
        },
        "weeks_to_proficiency": {r.name: r.weeks_to_proficiency for r in scenario.roles},
        "retention_90d": {s.name: s.retention_90d for s in scenario.sites},
        "overdue_share": {s.name: s.overdue_share for s in scenario.sites},
        "never_completed_share": {s.name: s.never_completed_share for s in scenario.sites},
        "annual_attrition": scenario.annual_attrition,
        "impact": {
            "course": scenario.impact_course,
            "metric": "productivity",
            "points": scenario.impact_points,
        },
        **(
            {
                "onboarding": {
                    "course": scenario.onboarding_course,
                    "metric": "productivity",
                    "points": scenario.onboarding_points,
                    "share_of_new_hires": scenario.onboarding_share,
                    "days_after_start": list(scenario.onboarding_days),
                }
            }
            if scenario.onboarding_course
            else {}
        ),
        "expected_fit": scenario.expected_fit,
    }


def scaled(scenario: Scenario, employees: int, competencies: int, months: int) -> Scenario:
    """A bigger (or smaller) copy of a scenario, e.g. for benchmarks.

    Examples
    --------
    >>> big = scaled(SCENARIOS["large_multicountry"], employees=1000, competencies=8, months=12)
    >>> sum(s.target_fte for s in big.sites)
    1000
    """
    total = sum(s.target_fte for s in scenario.sites)
    sites = tuple(
        replace(s, target_fte=max(1, round(s.target_fte * employees / total)))
        for s in scenario.sites
    )
    drift = employees - sum(s.target_fte for s in sites)
    sites = (replace(sites[0], target_fte=sites[0].target_fte + drift), *sites[1:])
    comps = tuple(scenario.competencies) + tuple(
        f"competency_{i:02d}" for i in range(max(0, competencies - len(scenario.competencies)))
    )
    return replace(scenario, sites=sites, competencies=comps[:competencies], metric_months=months)
