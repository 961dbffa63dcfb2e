"""Seeded generator of synthetic prospects with planted, known effects.

Each :class:`Scenario` describes a prospect (sites, roles, growth, compliance domains) and the
effects planted in its data, so that tests can check the analyses recover them:

* a competency gap: one site scores ``gap_points`` lower on one competency;
* a learning curve: productivity approaches a plateau exponentially and reaches 90 % of it after
  ``weeks_to_proficiency`` weeks of tenure, per role;
* early attrition: each site has a planted 90-day retention (one site much lower);
* certificates: a share of one site's compliance modules is overdue, some expiring soon, some
  never completed;
* training impact: a refresher course raises productivity by ``impact_points`` for the
  tenured staff who took it; an onboarding course (``onboarding_course``) is taken by new hires
  ``onboarding_days`` after their start and raises productivity by ``onboarding_points``
  (none by default: their improvement is ramp-up, which the impact analysis must not credit).

Generated data is a dict of canonical tables (see :mod:`tpo_scoping.data_contract`) plus a
profile dict whose FTE counts are the active headcount in the data at ``as_of``.

Examples
--------
>>> dataset = generate(SCENARIOS["growing_healthcare"], seed=7)
>>> sorted(dataset.tables)
['assessments', 'compliance', 'employees', 'metrics', 'training']
>>> dataset.profile["prospect"]
'Example Health Services'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from tpo_scoping.needs.compliance import required_modules
from tpo_scoping.reference import load_reference

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


@dataclass
class SampleDataset:
    """A generated prospect: profile fields, canonical tables and the truth that was planted."""

    scenario: Scenario
    seed: int
    profile: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    planted: dict[str, Any]


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


def generate(scenario: Scenario, seed: int = DEFAULT_SEED) -> SampleDataset:
    """Generate one prospect's profile and performance tables.

    Parameters
    ----------
    scenario : Scenario
        What to generate, and what to plant.
    seed : int
        Seed of the random generator; the same seed gives identical tables.
    """
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(scenario.as_of)
    employees = _employees(scenario, rng, as_of)
    active = employees[employees["exit_date"].isna()]
    tables = {
        "employees": employees,
        "assessments": _assessments(scenario, employees, rng, as_of),
        "compliance": _compliance(scenario, active, rng, as_of),
    }
    # The onboarding course draws from its own stream, so adding it leaves the other tables as
    # they were for the same seed.
    onboarding_rng = np.random.default_rng([seed, 22])
    metrics, training = _metrics_and_training(scenario, employees, rng, as_of, onboarding_rng)
    tables["metrics"] = metrics
    if training is not None:
        tables["training"] = training
    counts = active.groupby("site").size()
    profile: dict[str, Any] = {
        "prospect": scenario.prospect,
        "sites": [
            {"country": s.country, "fte": int(counts.get(s.name, 0)), "name": s.name}
            for s in scenario.sites
        ],
        "growth": {
            "hires_per_quarter": scenario.hires_per_quarter,
            "annual_attrition": scenario.annual_attrition,
        },
        "compliance_domains": list(scenario.compliance_domains),
        "current_training": scenario.current_training,
        "internal_ld_staff": scenario.internal_ld_staff,
        "readiness": dict(scenario.readiness),
    }
    if scenario.assumptions:
        profile["assumptions"] = dict(scenario.assumptions)
    profile["data"] = {"path": "data"}
    return SampleDataset(scenario, seed, profile, tables, planted_truth(scenario))


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


# --------------------------------------------------------------------------------------------
# Tables


def site_hazards(site: SiteSpec, annual_attrition: float) -> tuple[float, float]:
    """Daily base hazard from the annual attrition, plus an extra hazard in the first 90 days.

    Survival is S(t) = exp(-(h_early * min(t, 90) + h_base * t)), so S(90) = retention_90d.
    """
    h_base = -math.log(max(1e-9, 1 - min(annual_attrition, 0.999))) / 365.0
    ceiling = math.exp(-90 * h_base)
    if site.retention_90d > ceiling + 1e-9:
        raise ValueError(
            f"site {site.name}: a planted 90-day retention of {site.retention_90d:.1%} is"
            f" unreachable with {annual_attrition:.0%} annual attrition, which alone leaves"
            f" {ceiling:.1%} after 90 days"
        )
    h_early = (-math.log(site.retention_90d) - 90 * h_base) / 90
    return h_base, h_early


def _employees(scenario: Scenario, rng: np.random.Generator, as_of: pd.Timestamp) -> pd.DataFrame:
    window = int(scenario.history_months * 30.44)
    frames = []
    next_id = 1
    role_names = [r.name for r in scenario.roles]
    role_p = np.array([r.share for r in scenario.roles], dtype=float)
    role_p /= role_p.sum()
    for site in scenario.sites:
        h_base, h_early = site_hazards(site, scenario.annual_attrition)
        # Expected actives from a uniform hiring rate r over the window: r * integral of S(t).
        t = np.arange(window)
        survival = np.exp(-(h_early * np.minimum(t, 90) + h_base * t))
        # Hires arrive uniformly over the window; draw them in sequence and stop at the hire
        # that makes the active headcount equal the site's target FTE.
        pool = int(3 * site.target_fte * window / survival.sum()) + 50
        tenure_days = rng.integers(0, window, size=pool)
        # Inverse-transform sample of the exit time from the piecewise hazard.
        e = rng.exponential(size=pool)
        early_mass = (h_early + h_base) * 90
        exit_after = np.where(
            e < early_mass,
            e / (h_early + h_base),
            90 + (e - early_mass) / h_base,
        )
        active = np.cumsum(exit_after >= tenure_days)
        n = int(np.searchsorted(active, site.target_fte) + 1)
        tenure_days, exit_after = tenure_days[:n], exit_after[:n]
        hire = as_of - pd.to_timedelta(tenure_days, unit="D")
        exited = exit_after < tenure_days
        exit_date = pd.Series(hire + pd.to_timedelta(np.floor(exit_after), unit="D")).where(exited)
        frame = pd.DataFrame(
            {
                "employee_id": [f"E{next_id + i:05d}" for i in range(n)],
                "name": [person_name(rng, site.country) for _ in range(n)],
                "site": site.name,
                "country": site.country,
                "role": rng.choice(role_names, size=n, p=role_p),
                "hire_date": hire.normalize(),
                "exit_date": exit_date.dt.normalize(),
            }
        )
        frames.append(frame)
        next_id += n
    employees = pd.concat(frames, ignore_index=True)
    employees = employees.sort_values(["hire_date", "employee_id"], kind="stable")
    employees["employee_id"] = [f"E{i + 1:05d}" for i in range(len(employees))]
    return employees.reset_index(drop=True)[
        ["employee_id", "name", "site", "country", "role", "hire_date", "exit_date"]
    ]


_GIVEN = {
    "PH": ["Maria", "Jose", "Angelica", "Mark", "Kristine", "John Paul", "Rowena", "Jericho"],
    "CO": ["José", "María Fernanda", "Andrés", "Valentina", "Camilo", "Sofía", "Julián", "Lucía"],
    "MX": ["Ana", "Luis", "Guadalupe", "Jesús", "Ximena", "Diego", "Mariana", "Óscar"],
    "IN": ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya"],
}
_FAMILY = {
    "PH": ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Villanueva"],
    "CO": ["Peña", "Rodríguez", "Gómez", "Muñoz", "Díaz", "Castaño", "Ibáñez", "Londoño"],
    "MX": ["Hernández", "López", "Martínez", "González", "Pérez", "Sánchez", "Ramírez", "Núñez"],
    "IN": ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Kulkarni", "Menon"],
}


def person_name(rng: np.random.Generator, country: str) -> str:
    given = _GIVEN.get(country, _GIVEN["PH"])
    family = _FAMILY.get(country, _FAMILY["PH"])
    return f"{given[rng.integers(len(given))]} {family[rng.integers(len(family))]}"


def _assessments(
    scenario: Scenario, employees: pd.DataFrame, rng: np.random.Generator, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One assessment per employee and competency, taken after 30 days of tenure."""
    last_day = employees["exit_date"].fillna(as_of)
    eligible = employees[(last_day - employees["hire_date"]).dt.days >= 30]
    n_emp, n_comp = len(eligible), len(scenario.competencies)
    comp_effect = dict(zip(scenario.competencies, rng.normal(0, 3, n_comp), strict=True))
    rows = eligible.loc[eligible.index.repeat(n_comp)].reset_index(drop=True)
    rows["competency"] = np.tile(scenario.competencies, n_emp)
    span = (last_day.loc[eligible.index] - eligible["hire_date"]).dt.days.to_numpy() - 30
    offset = 30 + (rng.random(n_emp * n_comp) * np.repeat(span, n_comp)).astype(int)
    rows["assessed_on"] = rows["hire_date"] + pd.to_timedelta(offset, unit="D")
    mean = scenario.base_score + rows["competency"].map(comp_effect).to_numpy()
    if scenario.gap_site and scenario.gap_competency:
        planted = (rows["site"] == scenario.gap_site) & (
            rows["competency"] == scenario.gap_competency
        )
        mean = mean - scenario.gap_points * planted.to_numpy()
    score = np.clip(rng.normal(mean, scenario.score_sd), 0, 100).round(1)
    rows["score"] = score
    return rows[["employee_id", "competency", "score", "assessed_on"]]


def _compliance(
    scenario: Scenario, active: pd.DataFrame, rng: np.random.Generator, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Latest completion of each required module for active staff, with planted lapses."""
    modules = load_reference("compliance_catalogue")["modules"]
    sites = {s.name: s for s in scenario.sites}
    with_expiry = "payments" in scenario.compliance_domains
    records = []
    for emp in active.itertuples(index=False):
        site = sites[emp.site]
        tenure = int((as_of - emp.hire_date).days)
        for key in required_modules(scenario.compliance_domains, emp.country):
            spec = modules[key]
            cadence = int(spec["cadence_months"] * 30.44)
            grace = int(spec["at_hire_within_days"])
            draw = rng.random()
            if draw < site.never_completed_share or (tenure < grace and draw < 0.5):
                records.append((emp.employee_id, key, pd.NaT, pd.NaT))
                continue
            if draw < site.never_completed_share + site.overdue_share and tenure > cadence + grace:
                age = cadence + int(rng.integers(1, 120))  # lapsed 1-120 days ago
            else:
                age = int(rng.integers(0, max(1, min(cadence, tenure - 1))))
            age = min(age, max(0, tenure - 1))
            completed = as_of - pd.Timedelta(days=age)
            expires = completed + pd.Timedelta(days=cadence) if with_expiry else pd.NaT
            records.append((emp.employee_id, key, completed.normalize(), expires))
    frame = pd.DataFrame(records, columns=["employee_id", "module", "completed_on", "expires_on"])
    for col in ("completed_on", "expires_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def _metrics_and_training(
    scenario: Scenario,
    employees: pd.DataFrame,
    rng: np.random.Generator,
    as_of: pd.Timestamp,
    onboarding_rng: np.random.Generator | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Monthly metric series per employee following the planted learning curves."""
    months = pd.date_range(
        end=as_of.to_period("M").to_timestamp(), periods=scenario.metric_months, freq="MS"
    )
    roles = {r.name: r for r in scenario.roles}
    emp = employees.reset_index(drop=True)
    n_emp, n_mon = len(emp), len(months)
    period = np.tile(months.to_numpy(), n_emp)
    idx = np.repeat(np.arange(n_emp), n_mon)
    hire = emp["hire_date"].to_numpy()[idx]
    exit_ = emp["exit_date"].fillna(as_of + pd.Timedelta(days=1)).to_numpy()[idx]
    keep = (period >= hire) & (period < exit_)
    idx, period, hire = idx[keep], period[keep], hire[keep]
    tenure_weeks = (period - hire) / np.timedelta64(7, "D")
    role = emp["role"].to_numpy()[idx]
    plateau = np.array([roles[r].plateau for r in role])
    tau = np.array([roles[r].weeks_to_proficiency for r in role]) / math.log(
        LEARNING_CURVE_START / 0.1
    )
    curve = 1 - LEARNING_CURVE_START * np.exp(-tenure_weeks / tau)
    productivity = plateau * curve
    training = None
    if scenario.impact_course:
        start = as_of - pd.DateOffset(months=scenario.impact_months_ago)
        tenured = emp[
            (emp["hire_date"] < start - pd.Timedelta(days=180))
            & (emp["exit_date"].isna() | (emp["exit_date"] > start))
        ]
        chosen = tenured.sample(frac=0.4, random_state=int(rng.integers(2**31 - 1)))
        completed = start + pd.to_timedelta(rng.integers(0, 28, len(chosen)), unit="D")
        training = pd.DataFrame(
            {
                "employee_id": chosen["employee_id"].to_numpy(),
                "course": scenario.impact_course,
                "completed_on": completed.normalize(),
            }
        )
        trained_on = pd.Series(completed.to_numpy(), index=chosen.index)
        done = emp.index.map(trained_on).to_numpy(dtype="datetime64[ns]")[idx]
        after = ~np.isnat(done) & (period > done)
        productivity = productivity + scenario.impact_points * after
    if scenario.onboarding_course:
        onboarding = _onboarding(scenario, emp, onboarding_rng or rng, as_of)
        done = emp.index.map(onboarding["completed_on"]).to_numpy(dtype="datetime64[ns]")[idx]
        productivity = productivity + scenario.onboarding_points * (
            ~np.isnat(done) & (period > done)
        )
        onboarding = onboarding.reset_index(drop=True)[["employee_id", "course", "completed_on"]]
        training = onboarding if training is None else pd.concat([training, onboarding])
        training = training.reset_index(drop=True)
    frames = [
        pd.DataFrame(
            {
                "employee_id": emp["employee_id"].to_numpy()[idx],
                "period": period,
                "metric": "productivity",
                "value": np.round(productivity + rng.normal(0, plateau * 0.05), 2),
            }
        )
    ]
    if "error_rate" in scenario.extra_metrics:
        error = 0.02 + 0.10 * (1 - curve) / LEARNING_CURVE_START
        frames.append(
            pd.DataFrame(
                {
                    "employee_id": emp["employee_id"].to_numpy()[idx],
                    "period": period,
                    "metric": "error_rate",
                    "value": np.round(np.clip(error + rng.normal(0, 0.01, idx.size), 0, 1), 4),
                }
            )
        )
    if "csat" in scenario.extra_metrics:
        csat = 4.6 - 0.8 * (1 - curve)
        frames.append(
            pd.DataFrame(
                {
                    "employee_id": emp["employee_id"].to_numpy()[idx],
                    "period": period,
                    "metric": "csat",
                    "value": np.round(np.clip(csat + rng.normal(0, 0.15, idx.size), 1, 5), 2),
                }
            )
        )
    metrics = pd.concat(frames, ignore_index=True)
    metrics["period"] = pd.to_datetime(metrics["period"])
    return metrics, training


def _onboarding(
    scenario: Scenario, emp: pd.DataFrame, rng: np.random.Generator, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Who took the onboarding course and when: a share of hires, some days after their start.

    Indexed like ``emp``; only people still employed on the day, up to ``as_of``.
    """
    low, high = scenario.onboarding_days
    days = rng.integers(low, high + 1, len(emp))
    takes = rng.random(len(emp)) < scenario.onboarding_share
    completed = emp["hire_date"] + pd.to_timedelta(days, unit="D")
    last_day = emp["exit_date"].fillna(as_of)
    chosen = takes & (completed <= last_day).to_numpy() & (completed <= as_of).to_numpy()
    return pd.DataFrame(
        {
            "employee_id": emp["employee_id"][chosen],
            "course": scenario.onboarding_course,
            "completed_on": completed[chosen].dt.normalize(),
        }
    )


# --------------------------------------------------------------------------------------------
# Writing


def write_dataset(dataset: SampleDataset, folder: str | Path) -> Path:
    """Write ``profile.yaml``, ``data/<table>.csv`` and ``planted.yaml`` into ``folder``.

    Each file is written atomically (:func:`tpo_scoping.serialize.write_atomic`), never through
    a symbolic link or over a device, and is readable by all (synthetic data holds no secret).
    """
    from tpo_scoping.paths import make_output_folder
    from tpo_scoping.serialize import write_atomic

    folder = Path(folder)
    data_dir = make_output_folder(folder / "data")
    header = (
        f"# {dataset.scenario.prospect}: synthetic sample prospect '{dataset.scenario.key}'.\n"
        f"# Generated by `tpo-scoping sample` (seed {dataset.seed}); FTEs are the active headcount"
        f" in data/ as of {dataset.scenario.as_of.isoformat()}.\n"
    )
    write_atomic(
        folder / "profile.yaml",
        header + yaml.safe_dump(dataset.profile, sort_keys=False, allow_unicode=True),
    )
    write_tables(dataset.tables, data_dir)
    planted = {
        "scenario": dataset.scenario.key,
        "seed": dataset.seed,
        "description": dataset.scenario.description,
        **dataset.planted,
    }
    written = write_atomic(
        folder / "planted.yaml",
        "# What the generator planted in this prospect's data (the truth tests check against).\n"
        + yaml.safe_dump(planted, sort_keys=False, allow_unicode=True),
    )
    for path in [folder / "profile.yaml", written, *data_dir.glob("*.csv")]:
        path.chmod(0o644)
    return folder


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write each table as ``<folder>/<table>.csv``, dates as YYYY-MM-DD, each atomically."""
    from tpo_scoping.serialize import write_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        write_atomic(folder / f"{name}.csv", out.to_csv(index=False, lineterminator="\n"))
    return folder


def write_samples(root: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Regenerate every shipped sample prospect under ``root``, and the sample engagement under
    ``root/engagements`` (:mod:`tpo_scoping.synthetic_engagement`)."""
    from tpo_scoping.synthetic_engagement import ENGAGEMENT_SCENARIO, write_engagement_sample

    folders = [write_dataset(generate(s, seed), Path(root) / key) for key, s in SCENARIOS.items()]
    engagement = Path(root) / "engagements" / ENGAGEMENT_SCENARIO.key
    return [*folders, write_engagement_sample(engagement, ENGAGEMENT_SCENARIO, seed)]
