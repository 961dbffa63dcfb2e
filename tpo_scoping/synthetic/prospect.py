"""One prospect's tables from its scenario: employees, assessments, compliance, metrics, training.

Examples
--------
>>> from tpo_scoping.synthetic.scenarios import SCENARIOS
>>> one, again = (generate(SCENARIOS["small_simple"], seed=3) for _ in range(2))
>>> all(one.tables[name].equals(again.tables[name]) for name in one.tables)  # same seed
True
>>> generate(SCENARIOS["small_simple"], seed=4).tables["metrics"].equals(one.tables["metrics"])
False
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.needs.compliance import required_modules
from tpo_scoping.reference import load_reference
from tpo_scoping.synthetic.scenarios import (
    DEFAULT_SEED,
    LEARNING_CURVE_START,
    Scenario,
    SiteSpec,
    planted_truth,
)


@dataclass
class SampleDataset:
    """A generated prospect: profile fields, canonical tables and the truth that was planted."""

    scenario: Scenario
    seed: int
    profile: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    planted: dict[str, Any]


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
    worked = EmployeeMonths.of(employees, months, until=as_of)
    emp, idx, period = worked.people, worked.row, worked.period
    role = worked.column("role")
    plateau = np.array([roles[r].plateau for r in role])
    curve = learning_curve(
        worked.tenure_weeks, np.array([roles[r].weeks_to_proficiency for r in role])
    )
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
        worked.metric("productivity", np.round(productivity + rng.normal(0, plateau * 0.05), 2))
    ]
    if "error_rate" in scenario.extra_metrics:
        error = 0.02 + 0.10 * (1 - curve) / LEARNING_CURVE_START
        noisy = np.clip(error + rng.normal(0, 0.01, idx.size), 0, 1)
        frames.append(worked.metric("error_rate", np.round(noisy, 4)))
    if "csat" in scenario.extra_metrics:
        csat = 4.6 - 0.8 * (1 - curve)
        noisy = np.clip(csat + rng.normal(0, 0.15, idx.size), 1, 5)
        frames.append(worked.metric("csat", np.round(noisy, 2)))
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


@dataclass(frozen=True)
class EmployeeMonths:
    """One row per employee per month employed: whose (a row of ``people``), which, what tenure.

    A month counts when it starts on or after the hire date and before the exit date (or the
    day after ``until`` for people still employed).
    """

    people: pd.DataFrame
    row: np.ndarray
    period: np.ndarray
    tenure_weeks: np.ndarray

    @classmethod
    def of(
        cls, employees: pd.DataFrame, months: pd.DatetimeIndex, until: pd.Timestamp
    ) -> EmployeeMonths:
        people = employees.reset_index(drop=True)
        row = np.repeat(np.arange(len(people)), len(months))
        period = np.tile(months.to_numpy(), len(people))
        hire = people["hire_date"].to_numpy()[row]
        exit_ = people["exit_date"].fillna(until + pd.Timedelta(days=1)).to_numpy()[row]
        keep = (period >= hire) & (period < exit_)
        tenure = (period[keep] - hire[keep]) / np.timedelta64(7, "D")
        return cls(people, row[keep], period[keep], tenure)

    def column(self, name: str) -> np.ndarray:
        """The people's ``name`` column, one value per employee-month."""
        return np.asarray(self.people[name].to_numpy()[self.row])

    def metric(self, name: str, values: np.ndarray) -> pd.DataFrame:
        """A canonical metrics table of ``values`` for metric ``name``, one row per month."""
        return pd.DataFrame(
            {
                "employee_id": self.column("employee_id"),
                "period": self.period,
                "metric": name,
                "value": values,
            }
        )


def learning_curve(tenure_weeks: np.ndarray, weeks_to_proficiency: np.ndarray) -> np.ndarray:
    """The planted share of plateau output at each tenure: 90 % at ``weeks_to_proficiency``."""
    tau = weeks_to_proficiency / math.log(LEARNING_CURVE_START / 0.1)
    return np.asarray(1 - LEARNING_CURVE_START * np.exp(-tenure_weeks / tau))
