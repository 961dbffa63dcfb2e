"""Seeded generator of a signed sample engagement and the year of data that follows it.

The sample prospect ``growing_healthcare`` (:mod:`tpo_scoping.synthetic.scenarios`) is
generated up to the day before the engagement starts, signed on that data
(:func:`tpo_scoping.engagement.sign`), and then simulated for four quarters, with one data drop
per quarter under ``data/<YYYYQn>/``: each a full export as the client's HRIS and LMS would give
it at the quarter's end. Planted effects:

* ramp time: cohorts onboarded under the engagement reach proficiency in ``ramp_speedup`` of the
  weeks their predecessors needed (staff hired before keep their own curves);
* 90-day retention: new hires at one site (Bogotá) stay far more often; the other site is
  unchanged;
* compliance coverage: lapsed and missing certificates are closed quarter by quarter until every
  required module is valid at the last quarter's end;
* a missed milestone: productivity of tenured staff does not move, so the productivity KPI
  misses its milestones (while every error rate falls by ``error_rate_cut`` over the year, so the
  error-rate KPI keeps up with its own);
* a change inside the detectable band: CSAT rises by a little less than its milestones ask.

:func:`write_engagement_sample` writes the folder and a ``planted.yaml`` with this truth.

Examples
--------
>>> year = simulate_year(ENGAGEMENT_SCENARIO, seed=5)
>>> [drop.label for drop in year.drops]
['2025Q4', '2026Q1', '2026Q2', '2026Q3']
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from tpo_scoping.needs.compliance import DAYS_PER_MONTH, required_modules
from tpo_scoping.reference import load_reference
from tpo_scoping.synthetic.files import write_tables
from tpo_scoping.synthetic.prospect import (
    EmployeeMonths,
    SampleDataset,
    generate,
    learning_curve,
    person_name,
    site_hazards,
)
from tpo_scoping.synthetic.scenarios import DEFAULT_SEED, LEARNING_CURVE_START, SCENARIOS, Scenario


@dataclass(frozen=True)
class EngagementScenario:
    """A sample engagement: which prospect, when it starts, how it is signed, what is planted."""

    key: str
    prospect: Scenario
    start: dt.date
    quarters: int = 4
    ambition: float = 1.0
    """Share of the gap to the best quartile the signed targets close (see ``draft_kpis``)."""
    cadence: str = "quarterly"
    hires_per_quarter: dict[str, int] = field(default_factory=dict)
    """Observed hires per quarter and site under the engagement."""
    ramp_speedup: float = 0.6
    """Engaged cohorts reach proficiency in this share of their role's planted weeks."""
    retention_90d_engaged: dict[str, float] = field(default_factory=dict)
    """Planted 90-day retention of hires onboarded under the engagement, per site."""
    compliance_fix_share: tuple[float, ...] = (0.5, 0.75, 0.9, 1.0)
    """Share of lapsed or missing certificates closed in each quarter (1.0: all of them)."""
    csat_lift: float = 0.05
    """Rise of every employee's CSAT under the engagement (points on the 1-5 scale)."""
    error_rate_cut: float = 0.5
    """Share by which every employee's error rate falls over the engagement's first year
    (linearly over its first six months, ahead of the saturating milestone path): enough to
    meet the error-rate milestones."""


ENGAGEMENT_SCENARIO = EngagementScenario(
    key="growing_healthcare",
    # Five years of history give the cohort comparisons enough hires before the start; the
    # prospect sample's refresher course for tenured staff is left out, since a course for
    # tenured staff in the year before the start would confound the cohort comparison.
    prospect=replace(SCENARIOS["growing_healthcare"], history_months=60, impact_course=None),
    start=dt.date(2025, 10, 1),
    hires_per_quarter={"Manila": 6, "Bogota": 12},
    retention_90d_engaged={"Manila": 0.88, "Bogota": 0.91},
)
"""The shipped sample engagement (``sample_data/engagements/growing_healthcare``)."""


@dataclass(frozen=True)
class DataDrop:
    """One quarter's export: its label (``2026Q1``), last day, and canonical tables."""

    label: str
    end: dt.date
    tables: dict[str, pd.DataFrame]


@dataclass(frozen=True)
class EngagementYear:
    """The data at signing and the quarterly drops after it."""

    scenario: EngagementScenario
    seed: int
    signing: SampleDataset
    drops: tuple[DataDrop, ...]


@dataclass(frozen=True)
class _Year:
    """What the year's tables are drawn from: the signing data, everyone employed, the quarters."""

    scenario: EngagementScenario
    signing: SampleDataset
    employees: pd.DataFrame
    rng: np.random.Generator
    start: pd.Timestamp
    ends: list[pd.Timestamp]

    @property
    def end(self) -> pd.Timestamp:
        return self.ends[-1]


def quarter_label(day: dt.date) -> str:
    """The calendar quarter of a day, as the data folders name it.

    >>> quarter_label(dt.date(2026, 8, 14))
    '2026Q3'
    """
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _quarter_ends(start: dt.date, quarters: int) -> list[dt.date]:
    ends = []
    period = pd.Period(start, freq="Q")
    for _ in range(quarters):
        ends.append(period.end_time.date())
        period += 1
    return ends


def simulate_year(scenario: EngagementScenario, seed: int = DEFAULT_SEED) -> EngagementYear:
    """Generate the prospect up to the day before the start, then the engagement's year.

    Parameters
    ----------
    scenario : EngagementScenario
        The engagement and what is planted in it.
    seed : int
        Seed of both the prospect's history and the year after it.
    """
    before = replace(scenario.prospect, as_of=scenario.start - dt.timedelta(days=1))
    signing = generate(before, seed)
    rng = np.random.default_rng([seed, 2])
    start = pd.Timestamp(scenario.start)
    ends = [pd.Timestamp(d) for d in _quarter_ends(scenario.start, scenario.quarters)]
    employees = _continue_employees(scenario, signing, rng, start, ends)
    year = _Year(scenario, signing, employees, rng, start, ends)
    metrics = _metrics(year)
    assessments = _assessments(year)
    compliance = _compliance(year)
    training = signing.tables.get("training")
    drops = []
    for end in ends:
        employees_then = employees[employees["hire_date"] <= end].drop(columns="engaged")
        employees_then["exit_date"] = employees_then["exit_date"].where(
            employees_then["exit_date"] <= end
        )
        tables = {
            "employees": employees_then.reset_index(drop=True),
            "assessments": assessments[assessments["assessed_on"] <= end].reset_index(drop=True),
            "compliance": compliance[
                compliance["completed_on"].isna() | (compliance["completed_on"] <= end)
            ].reset_index(drop=True),
            "metrics": metrics[metrics["period"] <= end].reset_index(drop=True),
        }
        if training is not None:
            tables["training"] = training
        drops.append(DataDrop(quarter_label(end.date()), end.date(), tables))
    return EngagementYear(scenario, seed, signing, tuple(drops))


def _continue_employees(
    scenario: EngagementScenario,
    signing: SampleDataset,
    rng: np.random.Generator,
    start: pd.Timestamp,
    ends: list[pd.Timestamp],
) -> pd.DataFrame:
    """Everyone in the signing data plus the year's hires, with exits drawn through the year."""
    prospect = scenario.prospect
    sites = {s.name: s for s in prospect.sites}
    before = signing.tables["employees"].copy()
    before["engaged"] = False
    # Staff active at the start leave at the site's base hazard, plus the early hazard for
    # the part of their first 90 days still ahead of them.
    active = before["exit_date"].isna()
    for index in np.flatnonzero(active.to_numpy()):
        row = before.iloc[index]
        h_base, h_early = site_hazards(sites[row["site"]], prospect.annual_attrition)
        tenure = (start - row["hire_date"]).days
        days = _exit_after(rng.exponential(), h_base, h_early, max(0, 90 - tenure))
        before.iloc[index, before.columns.get_loc("exit_date")] = (
            start + pd.Timedelta(days=math.floor(days)) if days < 400 else pd.NaT
        )
    roles = [r.name for r in prospect.roles]
    shares = np.array([r.share for r in prospect.roles], dtype=float)
    shares /= shares.sum()
    rows = []
    quarter_start = start
    for end in ends:
        span = (end - quarter_start).days + 1
        for site_name, count in scenario.hires_per_quarter.items():
            site = sites[site_name]
            planted = replace(site, retention_90d=scenario.retention_90d_engaged[site_name])
            h_base, h_early = site_hazards(planted, prospect.annual_attrition)
            offsets = np.sort(rng.integers(0, span, size=count))
            for offset in offsets:
                hire = quarter_start + pd.Timedelta(days=int(offset))
                days = _exit_after(rng.exponential(), h_base, h_early, 90)
                rows.append(
                    {
                        "name": person_name(rng, site.country),
                        "site": site.name,
                        "country": site.country,
                        "role": rng.choice(roles, p=shares),
                        "hire_date": hire,
                        "exit_date": hire + pd.Timedelta(days=math.floor(days))
                        if days < 400
                        else pd.NaT,
                        "engaged": True,
                    }
                )
        quarter_start = end + pd.Timedelta(days=1)
    hires = pd.DataFrame(rows)
    first = len(before) + 1
    hires.insert(0, "employee_id", [f"E{first + i:05d}" for i in range(len(hires))])
    out = pd.concat([before, hires], ignore_index=True)
    out["exit_date"] = pd.to_datetime(out["exit_date"]).dt.normalize()
    out["hire_date"] = pd.to_datetime(out["hire_date"]).dt.normalize()
    return out


def _exit_after(e: float, h_base: float, h_early: float, early_days: float) -> float:
    """Days until exit for a unit exponential draw ``e``: early hazard first, then the base."""
    early_mass = (h_early + h_base) * early_days
    if e < early_mass:
        return e / (h_early + h_base)
    return early_days + (e - early_mass) / h_base


def _metrics(year: _Year) -> pd.DataFrame:
    """The signing history, then a month of productivity, error rate and CSAT per person."""
    scenario, prospect, rng, start = year.scenario, year.scenario.prospect, year.rng, year.start
    roles = {r.name: r for r in prospect.roles}
    months = pd.date_range(start, year.end, freq="MS")
    worked = EmployeeMonths.of(year.employees, months, until=year.end)
    period = worked.period
    role = worked.column("role")
    weeks = np.array([roles[r].weeks_to_proficiency for r in role], dtype=float)
    weeks = np.where(worked.column("engaged"), weeks * scenario.ramp_speedup, weeks)
    plateau = np.array([roles[r].plateau for r in role], dtype=float)
    curve = learning_curve(worked.tenure_weeks, weeks)
    productivity = plateau * curve
    training = year.signing.tables.get("training")
    ids = worked.column("employee_id")
    if training is not None and prospect.impact_course:
        productivity += prospect.impact_points * np.isin(ids, list(set(training["employee_id"])))
    error = 0.02 + 0.10 * (1 - curve) / LEARNING_CURVE_START
    months_in = (period - start.to_datetime64()) / np.timedelta64(1, "D") / (365.25 / 12)
    error = error * (1 - scenario.error_rate_cut * np.clip(months_in / 6, 0, 1))
    csat = 4.6 - 0.8 * (1 - curve) + scenario.csat_lift
    n = period.size
    frames = [
        year.signing.tables["metrics"],
        worked.metric("productivity", np.round(productivity + rng.normal(0, plateau * 0.05), 2)),
        worked.metric("error_rate", np.round(np.clip(error + rng.normal(0, 0.01, n), 0, 1), 4)),
        worked.metric("csat", np.round(np.clip(csat + rng.normal(0, 0.15, n), 1, 5), 2)),
    ]
    out = pd.concat(frames, ignore_index=True)
    out["period"] = pd.to_datetime(out["period"])
    return out.sort_values(["employee_id", "metric", "period"], kind="stable").reset_index(
        drop=True
    )


def _assessments(year: _Year) -> pd.DataFrame:
    """The signing history, plus one assessment per competency for each new hire after 30 days."""
    prospect, rng, end = year.scenario.prospect, year.rng, year.end
    hires = year.employees[year.employees["engaged"]]
    last = hires["exit_date"].fillna(end)
    eligible = hires[(last - hires["hire_date"]).dt.days >= 30]
    comps = prospect.competencies
    rows = eligible.loc[eligible.index.repeat(len(comps))].reset_index(drop=True)
    rows["competency"] = np.tile(comps, len(eligible))
    span = (last.loc[eligible.index] - eligible["hire_date"]).dt.days.to_numpy() - 30
    offset = 30 + (rng.random(len(rows)) * np.repeat(span, len(comps))).astype(int)
    rows["assessed_on"] = rows["hire_date"] + pd.to_timedelta(offset, unit="D")
    mean = np.full(len(rows), prospect.base_score)
    if prospect.gap_site and prospect.gap_competency:
        planted = (rows["site"] == prospect.gap_site) & (
            rows["competency"] == prospect.gap_competency
        )
        mean = mean - prospect.gap_points * planted.to_numpy()
    rows["score"] = np.clip(rng.normal(mean, prospect.score_sd), 0, 100).round(1)
    new = rows[["employee_id", "competency", "score", "assessed_on"]]
    return pd.concat([year.signing.tables["assessments"], new], ignore_index=True)


def _compliance(year: _Year) -> pd.DataFrame:
    """Completion history: the signing export, then renewals and fixes quarter by quarter.

    Each quarter the provider closes ``compliance_fix_share`` of the certificates that are
    lapsed or missing at its start, renews those falling due within it, and new hires complete
    every module in their first week.
    """
    rng, fixes = year.rng, year.scenario.compliance_fix_share
    modules = load_reference("compliance_catalogue")["modules"]
    domains = year.scenario.prospect.compliance_domains
    history = year.signing.tables["compliance"]
    latest: dict[tuple[str, str], pd.Timestamp] = {}
    for row in history.dropna(subset=["completed_on"]).itertuples(index=False):
        key = (row.employee_id, row.module)
        if key not in latest or row.completed_on > latest[key]:
            latest[key] = row.completed_on
    records: list[tuple[str, str, pd.Timestamp]] = []
    quarter_start = year.start
    for quarter, end in enumerate(year.ends):
        fix_share = fixes[min(quarter, len(fixes) - 1)]
        span = (end - quarter_start).days + 1
        for emp in year.employees.itertuples(index=False):
            if emp.hire_date > end or (pd.notna(emp.exit_date) and emp.exit_date <= quarter_start):
                continue
            for module in required_modules(domains, emp.country):
                key = (emp.employee_id, module)
                cadence = pd.Timedelta(days=modules[module]["cadence_months"] * DAYS_PER_MONTH)
                done = latest.get(key)
                if emp.hire_date >= quarter_start:  # a new hire: onboarding covers it
                    when = min(emp.hire_date + pd.Timedelta(days=int(rng.integers(0, 7))), end)
                elif done is None or done + cadence <= quarter_start:  # lapsed or missing
                    if rng.random() >= fix_share:
                        continue
                    when = quarter_start + pd.Timedelta(days=int(rng.integers(0, span)))
                elif done + cadence <= end:  # falls due this quarter: renewed before it lapses
                    due = done + cadence
                    when = due - pd.Timedelta(days=int(rng.integers(1, 30)))
                    when = max(when, quarter_start)
                else:
                    continue
                if pd.notna(emp.exit_date) and when >= emp.exit_date:
                    continue
                latest[key] = when
                records.append((emp.employee_id, module, when.normalize()))
        quarter_start = end + pd.Timedelta(days=1)
    new = pd.DataFrame(records, columns=["employee_id", "module", "completed_on"])
    new["expires_on"] = pd.NaT
    out = pd.concat([history, new], ignore_index=True)
    out["completed_on"] = pd.to_datetime(out["completed_on"])
    out["expires_on"] = pd.to_datetime(out["expires_on"])
    return out


def planted_truth(scenario: EngagementScenario) -> dict[str, Any]:
    """What the year plants, in the units the tracking reports."""
    return {
        "start": scenario.start.isoformat(),
        "quarters": [quarter_label(d) for d in _quarter_ends(scenario.start, scenario.quarters)],
        "signed_with": {"ambition": scenario.ambition, "cadence": scenario.cadence},
        "hires_per_quarter": dict(scenario.hires_per_quarter),
        "ramp": {
            "weeks_to_proficiency_before": {
                r.name: r.weeks_to_proficiency for r in scenario.prospect.roles
            },
            "weeks_to_proficiency_engaged": {
                r.name: round(r.weeks_to_proficiency * scenario.ramp_speedup, 2)
                for r in scenario.prospect.roles
            },
        },
        "retention_90d": {
            "before": {s.name: s.retention_90d for s in scenario.prospect.sites},
            "engaged": dict(scenario.retention_90d_engaged),
            "improves_at": [
                s.name
                for s in scenario.prospect.sites
                if scenario.retention_90d_engaged[s.name] > s.retention_90d
            ],
        },
        "compliance_fix_share": list(scenario.compliance_fix_share),
        "missed_milestone": "productivity",
        "error_rate_cut": scenario.error_rate_cut,
        "inside_detectable_band": "csat",
        "csat_lift": scenario.csat_lift,
    }


def write_engagement_sample(
    folder: str | Path,
    scenario: EngagementScenario = ENGAGEMENT_SCENARIO,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Sign the sample engagement into ``folder`` and add its four quarterly data drops."""
    from tpo_scoping.engagement import sign
    from tpo_scoping.ingest import from_frames
    from tpo_scoping.profile import Profile

    year = simulate_year(scenario, seed)
    folder = Path(folder)
    profile_fields = {k: v for k, v in year.signing.profile.items() if k != "data"}
    profile = Profile.model_validate(profile_fields)
    sign(
        profile,
        from_frames(year.signing.tables, source="signing data"),
        scenario.start,
        folder,
        ambition=scenario.ambition,
        cadence=scenario.cadence,  # type: ignore[arg-type]
        signed_on=scenario.start,
        replace_existing=True,
    )
    for drop in year.drops:
        write_tables(drop.tables, folder / "data" / drop.label)
    planted = {"scenario": scenario.key, "seed": seed, **planted_truth(scenario)}
    (folder / "planted.yaml").write_text(
        "# What the generator planted in this engagement's year (the truth tests check against).\n"
        + yaml.safe_dump(planted, sort_keys=False, allow_unicode=True),
        "utf-8",
    )
    return folder
