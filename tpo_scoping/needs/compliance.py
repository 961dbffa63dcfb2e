"""Compliance coverage: each required module for each active employee, rolled up by site."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tpo_scoping.needs.gaps import active_at
from tpo_scoping.needs.settings import NeedsSettings
from tpo_scoping.reference import load_reference

DAYS_PER_MONTH = 365.25 / 12
"""Catalogue cadences are in months; a month is taken as 30.44 days."""

STATUSES = (
    "current",
    "expiring_30",
    "expiring_60",
    "expiring_90",
    "overdue",
    "never_completed",
    "not_yet_due",
)
"""Statuses of one required module for one employee, in display order (with default windows)."""


def required_modules(domains: tuple[str, ...] | list[str], country: str) -> list[str]:
    """Catalogue modules an employee in ``country`` needs under ``domains``.

    The modules of every listed domain, the baseline modules, and the privacy-law module of the
    country where the employee sits, each once, in that order.

    Examples
    --------
    >>> required_modules(["healthcare"], "PH")
    ['hipaa_privacy', 'hipaa_security', 'anti_harassment', 'ph_data_privacy_act']
    """
    catalogue = load_reference("compliance_catalogue")
    modules: list[str] = []
    for domain in domains:
        modules += catalogue["domains"][domain]["modules"]
    modules += catalogue["baseline"]
    country_module = catalogue["countries"].get(country)
    if country_module:
        modules.append(country_module)
    return list(dict.fromkeys(modules))


@dataclass
class ComplianceAnalysis:
    """Result of :func:`compliance_coverage`."""

    coverage: pd.DataFrame
    """Per site (or ``"all"``) × module (or ``"all"``): counts per status and coverage shares."""
    status: pd.DataFrame
    """Per active employee × required module: completion, expiry and status."""
    domains: list[str] = field(default_factory=list)
    inferred_domains: bool = False


def infer_domains(compliance: pd.DataFrame | None) -> list[str]:
    """Compliance domains whose modules appear in the data (used when there is no profile)."""
    catalogue = load_reference("compliance_catalogue")
    present = set() if compliance is None else set(compliance["module"].unique())
    found = [
        domain
        for domain, spec in catalogue["domains"].items()
        if spec["modules"] and present & set(spec["modules"])
    ]
    return found or ["general"]


def compliance_coverage(
    employees: pd.DataFrame,
    compliance: pd.DataFrame | None,
    as_of: pd.Timestamp,
    settings: NeedsSettings,
    domains: list[str] | None = None,
) -> ComplianceAnalysis:
    """Status of every required module for every active employee at ``as_of``, by site.

    Required modules come from the compliance catalogue: the modules of each domain, the
    baseline modules, and the privacy-law module of the employee's country. The latest
    completion on or before ``as_of`` counts; it expires on ``expires_on`` when the data gives
    one, otherwise ``cadence_months × 30.44`` days after completion. Statuses (exclusive):

    * ``current``: expires more than 90 days after ``as_of``;
    * ``expiring_30`` / ``expiring_60`` / ``expiring_90``: expires within 0–30, 31–60, 61–90 days;
    * ``overdue``: expired on or before ``as_of``;
    * ``never_completed``: no completion, and the hire is past the module's at-hire deadline;
    * ``not_yet_due``: no completion yet, but still within the at-hire deadline.

    ``coverage = (current + expiring) / required`` (a valid certificate today) and
    ``on_time = (current + expiring + not_yet_due) / required`` (nobody late). These are counts
    of the whole active team, not samples, so they carry no interval.

    Examples
    --------
    >>> from tpo_scoping.sample import SCENARIOS, generate
    >>> data = generate(SCENARIOS["growing_healthcare"], seed=3).tables
    >>> out = compliance_coverage(data["employees"], data["compliance"],
    ...                           pd.Timestamp("2026-09-30"), NeedsSettings.defaults(),
    ...                           domains=["healthcare"])
    >>> row = out.coverage.query("site == 'all' and module == 'all'").iloc[0]
    >>> bool(0.5 < row["coverage"] <= 1)
    True
    """
    catalogue = load_reference("compliance_catalogue")
    inferred = domains is None
    domains = infer_domains(compliance) if domains is None else list(domains)
    active = employees[active_at(employees, as_of)][["employee_id", "site", "country", "hire_date"]]
    countries = active["country"].fillna("").astype(str)
    required = pd.DataFrame(
        [(c, m) for c in countries.unique() for m in required_modules(domains, c)],
        columns=["country_key", "module"],
    )
    status = active.assign(country_key=countries.to_numpy()).merge(required, on="country_key")
    status = status.drop(columns="country_key")
    modules = catalogue["modules"]
    status["cadence_days"] = status["module"].map(
        {k: round(v["cadence_months"] * DAYS_PER_MONTH) for k, v in modules.items()}
    )
    status["grace_days"] = status["module"].map(
        {k: int(v["at_hire_within_days"]) for k, v in modules.items()}
    )
    if compliance is not None and len(compliance):
        done = compliance[
            compliance["completed_on"].notna() & (compliance["completed_on"] <= as_of)
        ]
        latest = done.sort_values("completed_on", kind="stable").drop_duplicates(
            ["employee_id", "module"], keep="last"
        )[["employee_id", "module", "completed_on", "expires_on"]]
        status = status.merge(latest, on=["employee_id", "module"], how="left")
    else:
        status["completed_on"] = pd.NaT
        status["expires_on"] = pd.NaT
    cadence = pd.to_timedelta(status["cadence_days"], unit="D")
    status["expiry"] = status["expires_on"].fillna(status["completed_on"] + cadence)
    status["expiry_source"] = np.where(
        status["expires_on"].notna(),
        "expires_on",
        np.where(status["completed_on"].notna(), "catalogue cadence", ""),
    )
    days_left = (status["expiry"] - as_of).dt.days
    tenure = (as_of - status["hire_date"]).dt.days
    windows = sorted(settings.expiring_windows)
    labels = np.full(len(status), "current", dtype=object)
    for window in reversed(windows):
        labels[(days_left <= window).to_numpy()] = f"expiring_{window}"
    labels[(days_left <= 0).to_numpy()] = "overdue"
    never = status["completed_on"].isna().to_numpy()
    labels[never] = np.where(
        (tenure < status["grace_days"]).to_numpy()[never], "not_yet_due", "never_completed"
    )
    status["status"] = labels
    status["days_left"] = days_left
    order = ["current", *[f"expiring_{w}" for w in windows], "overdue", "never_completed"]
    coverage = _roll_up(status, [*order, "not_yet_due"], windows)
    return ComplianceAnalysis(coverage, status.reset_index(drop=True), domains, inferred)


def _roll_up(status: pd.DataFrame, order: list[str], windows: list[int]) -> pd.DataFrame:
    counts = pd.crosstab([status["site"], status["module"]], status["status"])
    counts = counts.reindex(columns=order, fill_value=0)
    per_site_module = counts.reset_index()
    by_site = counts.groupby(level="site").sum().reset_index().assign(module="all")
    by_module = counts.groupby(level="module").sum().reset_index().assign(site="all")
    total = counts.sum().to_frame().T.assign(site="all", module="all")
    out = pd.concat([per_site_module, by_site, by_module, total], ignore_index=True)
    out = out[["site", "module", *order]]
    out[order] = out[order].fillna(0).astype(int)
    out["required"] = out[order].sum(axis=1)
    valid = out[["current", *[f"expiring_{w}" for w in windows]]].sum(axis=1)
    out["coverage"] = valid / out["required"].where(out["required"] > 0)
    out["on_time"] = (valid + out["not_yet_due"]) / out["required"].where(out["required"] > 0)
    out.columns.name = None
    return out.reset_index(drop=True)
