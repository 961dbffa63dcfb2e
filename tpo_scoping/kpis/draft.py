"""KPI drafts: targets from baselines, milestone paths and whether each target is measurable.

Every engagement brief carries the four KPIs the TPO guide names for contract start (ramp time,
90-day retention, assessment pass rate, compliance certification status as coverage and on-time
completion), plus productivity, error rate, CSAT and certifications achieved when the data has
them. Definitions, default baselines and plausible bounds live in
``tpo_scoping/data/kpi_benchmarks.yaml``.

The target rule is explicit:

.. math::

    target = clip(baseline + ambition \\times (best\\_quartile - baseline), bounds)

where ``best_quartile`` is the level of the prospect's own best-quartile performers (sites,
cohorts or employees), ``ambition`` defaults to 0.5 and ``bounds`` are the plausible benchmark
range. A target is never worse than its baseline: at a ceiling it holds the baseline. The
milestone path reaches the target at day 365 along a saturating curve and stays at the baseline
until the KPI can first move (90-day retention cannot move before day 90).

Detectability (:mod:`~tpo_scoping.kpis.power`): a target whose improvement is smaller than the
minimum detectable change is flagged with what would make it measurable: pooling periods, or a
more sensitive metric; where no cohort this team will have within two years suffices, the KPI is
reported only, and no incentive or credit attaches to it.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> profile = parse_profile("prospect: X\\nsites: [{country: PH, fte: 60}]\\n"
...                         "growth: {hires_per_quarter: 15, annual_attrition: 0.3}")
>>> draft = draft_kpis(profile)
>>> [k.key for k in draft.kpis][:3]
['ramp_time', 'retention_90d', 'assessment_pass_rate']
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.headcount import HeadcountPlan
from tpo_scoping.kpis.baselines import (
    CORE_KPIS,
    OPTIONAL_KPIS,
    Baseline,
    baselines_from_needs,
    default_baselines,
)
from tpo_scoping.kpis.power import (
    min_detectable_change,
    no_detectable_change,
    required_n_per_group,
)
from tpo_scoping.labels import kpi_change, kpi_level
from tpo_scoping.reference import load_reference
from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    import pandas as pd

    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.profile import Profile

Cadence = Literal["monthly", "quarterly"]

_CENSUS_KPIS = frozenset(
    {"compliance_coverage", "productivity", "error_rate", "csat", "certifications_achieved"}
)
"""KPIs measured on the whole team each period: a longer period does not add people."""

_ALTERNATIVE_METRIC = {
    "ramp_time": "track assessment pass rate at week 4 of onboarding as a leading indicator",
    "retention_90d": "track 30-day retention, or early exits by stage (training, nesting)",
    "assessment_pass_rate": "track the mean assessment score (continuous, more sensitive)",
    "compliance_coverage": "report coverage as a census of every module and treat any lapse as"
    " an incident rather than testing a change",
    "compliance_on_time": "report every overdue module as an incident rather than a rate",
    "productivity": "track time to complete a standard work item in a QA sample",
    "error_rate": "track errors per QA-sampled item with a larger sample per employee",
    "csat": "track the share of top-box (5/5) responses over all surveyed interactions",
    "certifications_achieved": "track certification attempts and pass rate per attempt",
}

POOLING_LIMIT_YEARS = 2
"""Data pooled over more than two years no longer describes the engagement it judges."""


@dataclass(frozen=True)
class Milestone(FlatResult):
    day: int
    value: float
    note: str = ""


@dataclass(frozen=True)
class Kpi:
    """One drafted KPI with its baseline, target, milestone path and detectability."""

    key: str
    name: str
    definition: str
    formula: str
    unit: str
    kind: str
    direction: str
    baseline: float
    baseline_source: str
    baseline_is_default: bool
    best_quartile: float
    best_quartile_source: str
    target: float
    target_rule: str
    target_bounds: tuple[float, float]
    milestones: list[Milestone]
    cadence: str
    data_source: str
    owner: str
    n_per_period: float
    min_detectable_change: float | None
    detectable: bool | None
    detectability_note: str
    periods_to_detect: int | None = None
    baseline_ci: tuple[float, float] | None = None

    @property
    def no_detectable_change(self) -> str:
        """Why :attr:`min_detectable_change` is missing, in a few words ('' when it is not)."""
        if self.min_detectable_change is not None:
            return ""
        return no_detectable_change(self.kind, self.n_per_period)

    @property
    def min_detectable_change_text(self) -> str:
        """The minimum detectable change as people read it, or why there is none."""
        return kpi_change(self.min_detectable_change, self.unit) or self.no_detectable_change

    @property
    def cadence_period(self) -> str:
        """The measurement period in a word: ``month`` or ``quarter``."""
        return "month" if self.cadence == "monthly" else "quarter"

    @property
    def report_only(self) -> bool:
        """Too small to detect even with two years of this team's data: reported, not paid on."""
        return self.detectable is False and self.periods_to_detect is None

    @property
    def measurability(self) -> str:
        """Whether the target's change shows in the team's own numbers, in a few words."""
        period = self.cadence_period
        if self.detectable is None:
            return "held at baseline"
        if self.detectable:
            return f"yes, {period} by {period}"
        if self.periods_to_detect:
            return f"over {self.periods_to_detect} {period}s pooled"
        return "reported only at this team size"

    @property
    def improvement(self) -> float:
        """Signed change from baseline to target (negative when lower is better)."""
        return self.target - self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "definition": self.definition,
            "formula": self.formula,
            "unit": self.unit,
            "kind": self.kind,
            "direction": self.direction,
            "baseline": self.baseline,
            "baseline_source": self.baseline_source,
            "baseline_is_default": self.baseline_is_default,
            "baseline_ci": list(self.baseline_ci) if self.baseline_ci else None,
            "best_quartile": self.best_quartile,
            "best_quartile_source": self.best_quartile_source,
            "target": self.target,
            "target_rule": self.target_rule,
            "target_bounds": list(self.target_bounds),
            "milestones": [m.to_dict() for m in self.milestones],
            "cadence": self.cadence,
            "data_source": self.data_source,
            "owner": self.owner,
            "n_per_period": self.n_per_period,
            "min_detectable_change": self.min_detectable_change,
            "detectable": self.detectable,
            "detectability_note": self.detectability_note,
            "periods_to_detect": self.periods_to_detect,
            "report_only": self.report_only,
            "measurability": self.measurability,
        }


@dataclass(frozen=True)
class KpiDraft:
    """The drafted KPI table and the settings that produced it."""

    kpis: list[Kpi]
    ambition: float
    cadence: str
    alpha: float
    power: float
    target_rule: str
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    def get(self, key: str) -> Kpi | None:
        return next((k for k in self.kpis if k.key == key), None)

    @property
    def detectable(self) -> list[Kpi]:
        """The KPIs whose targets a period's figure can show: the only ones payments attach to."""
        return [k for k in self.kpis if k.detectable]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ambition": self.ambition,
            "cadence": self.cadence,
            "alpha": self.alpha,
            "power": self.power,
            "target_rule": self.target_rule,
            "notes": list(self.notes),
            "kpis": [k.to_dict() for k in self.kpis],
        }

    def table(self) -> pd.DataFrame:
        """One row per KPI: the contract's performance-metrics schedule."""
        import pandas as pd

        rows = []
        for k in self.kpis:
            row = {
                "KPI": k.name,
                "Definition": k.definition,
                "Unit": k.unit,
                "Baseline": k.baseline,
                "Baseline source": k.baseline_source,
                "Target (day 365)": k.target,
            }
            for m in k.milestones:
                row[f"Day {m.day}"] = m.value
            row.update(
                {
                    "Cadence": k.cadence,
                    "Min. detectable change": k.min_detectable_change,
                    "Detectable": k.detectable,
                    "Data source": k.data_source,
                    "Owner": k.owner,
                }
            )
            rows.append(row)
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Drafting


def draft_kpis(
    profile: Profile,
    needs: NeedsResult | None = None,
    *,
    baselines: Mapping[str, Baseline] | None = None,
    ambition: float | None = None,
    cadence: Cadence = "monthly",
    alpha: float | None = None,
    power: float | None = None,
) -> KpiDraft:
    """Draft the KPI table for a prospect.

    Parameters
    ----------
    profile : Profile
        The prospect profile (team size and hiring set the detectability).
    needs : NeedsResult, optional
        A needs-analysis result; its baselines replace the packaged defaults.
    baselines : mapping of str to Baseline, optional
        Explicit baselines by KPI key (they win over ``needs``).
    ambition : float, optional
        Share of the gap to the best quartile to close by day 365 (default 0.5), in [0, 1].
    cadence : {"monthly", "quarterly"}
        Measurement cadence; sets the observations per period for detectability.
    alpha, power : float, optional
        Significance level (two-sided) and power for the minimum detectable change.

    Returns
    -------
    KpiDraft
        ``kpis`` in a fixed order: the core five, then optional ones present in the data.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 60}]")
    >>> base = {"assessment_pass_rate": Baseline(0.7, "test", True, best_quartile=0.9)}
    >>> round(draft_kpis(p, baselines=base).get("assessment_pass_rate").target, 2)
    0.8
    """
    reference = load_reference("kpi_benchmarks")
    rule = reference["target_rule"]
    ambition = float(rule["ambition"]["value"] if ambition is None else ambition)
    alpha = float(rule["alpha"] if alpha is None else alpha)
    power = float(rule["power"] if power is None else power)
    problems = []
    if not 0 <= ambition <= 1:
        problems.append(Problem("ambition", f"must be between 0 and 1, got {ambition:g}"))
    if cadence not in reference["cadence"]:
        problems.append(Problem("cadence", f"must be monthly or quarterly, got {cadence!r}"))
    if not 0 < alpha < 1 or not 0 < power < 1:
        problems.append(Problem("alpha/power", "must both be between 0 and 1"))
    if problems:
        raise InputError(problems)

    merged: dict[str, Baseline] = default_baselines(profile)
    merged.update(baselines_from_needs(needs))
    merged.update(baselines or {})

    months_per_period = 12 / float(reference["cadence"][cadence]["periods_per_year"])
    specs = reference["kpis"]
    keys = [*CORE_KPIS, *(k for k in OPTIONAL_KPIS if k in merged)]
    setting = _Setting(ambition, cadence, months_per_period, alpha, power, rule)
    kpis = [_draft_one(key, specs[key], merged[key], profile, setting) for key in keys]
    rule_text = (
        f"target = baseline + {ambition:g} x (best quartile - baseline), clipped to the plausible"
        f" benchmark range and never worse than the baseline; reached at day {rule['target_day']}"
    )
    notes = []
    defaults = [k.name for k in kpis if k.baseline_is_default]
    if defaults:
        notes.append(
            "Baselines marked 'default' are not the prospect's data: "
            + ", ".join(defaults)
            + ". Replace them in the needs-analysis phase before the targets are signed."
        )
    undetectable = [k.name for k in kpis if k.detectable is False]
    if undetectable:
        notes.append(
            f"At a {cadence} cadence these targets are smaller than the minimum detectable"
            f" change: {', '.join(undetectable)}. See each KPI's note for how to measure them."
        )
    return KpiDraft(kpis, ambition, cadence, alpha, power, rule_text, notes)


@dataclass(frozen=True)
class _Setting:
    ambition: float
    cadence: str
    months_per_period: float
    alpha: float
    power: float
    rule: Mapping[str, Any]

    @property
    def period_word(self) -> str:
        return "month" if self.cadence == "monthly" else "quarter"

    @property
    def periods_per_year(self) -> int:
        return round(12 / self.months_per_period)


def _n_per_month(key: str, profile: Profile, baseline: Baseline) -> float:
    """Observations per month behind a KPI (data when known, else from the profile).

    New-hire KPIs count the gross hires of the one headcount model (growth and replacement
    alike); assessments one per employee per quarter (an assumption); on-time completion the
    annual renewals falling due; census KPIs the whole team.
    """
    if baseline.n_per_month:
        return float(baseline.n_per_month)
    plan = HeadcountPlan.from_profile(profile)
    fte = plan.start_fte
    if key in ("retention_90d", "ramp_time"):
        return plan.hires_per_month
    if key == "assessment_pass_rate":
        return fte / 3  # assumption: one assessment per employee per quarter
    if key == "compliance_on_time":
        return fte * _modules_per_employee(profile) / 12  # annual renewals
    return fte  # census of staff: coverage, productivity, error rate, CSAT, certifications


def _modules_per_employee(profile: Profile) -> float:
    catalogue = load_reference("compliance_catalogue")
    modules = set(catalogue.get("baseline", []))
    for domain in profile.compliance_domains:
        modules.update(catalogue["domains"][domain]["modules"])
    with_country = sum(1 for s in profile.sites if s.country in catalogue.get("countries", {}))
    return len(modules) + with_country / max(1, len(profile.sites))


@dataclass(frozen=True)
class _Target:
    best: float
    best_source: str
    value: float
    rule: str


def _target(spec: Mapping[str, Any], baseline: Baseline, ambition: float) -> _Target:
    """The day-365 target: close ``ambition`` of the gap to the best quartile, within bounds.

    A target is never worse than the baseline in the KPI's direction: when the bounds would
    push it there (a baseline already past the plausible ceiling), it holds the baseline.
    """
    base, unit = baseline.value, spec["unit"]
    sign = 1.0 if spec["direction"] == "higher" else -1.0
    if baseline.best_quartile is not None:
        best = baseline.best_quartile
        best_source = baseline.best_quartile_source or "prospect data: best-quartile performers"
    elif "default_best_quartile" in spec:
        best = float(spec["default_best_quartile"]["value"])
        best_source = f"default: {spec['default_best_quartile']['source']}"
    else:  # a mean KPI with no best quartile: keep the level
        best, best_source = base, "no best-quartile level in the data; target holds the baseline"
    better = sign * (best - base) > 0
    raw = base + ambition * (best - base) if better else base
    low, high = _bounds(spec, base)
    target = min(max(raw, low), high)
    if not better:
        rule = "baseline already at or better than the best quartile: hold it"
    else:
        rule = (
            f"baseline {kpi_level(base, unit)} + {ambition:g} x (best quartile"
            f" {kpi_level(best, unit)} - baseline)"
        )
    if sign * (target - base) < 0:
        target = base
        edge = kpi_level(high if sign > 0 else low, unit)
        rule = f"baseline already past the plausible range ({edge}): hold it"
    elif not math.isclose(target, raw, abs_tol=1e-12):
        rule += f", bounded to {kpi_level(low, unit)}-{kpi_level(high, unit)}"
    return _Target(best, " ".join(best_source.split()), target, rule)


def _mean_sd(spec: Mapping[str, Any], baseline: Baseline) -> float | None:
    """Between-employee spread of a mean KPI: the data's, else the sourced default."""
    if baseline.sd:
        return baseline.sd
    default_sd = spec.get("default_sd", {})
    if "value" in default_sd:
        return float(default_sd["value"])
    if "value_share_of_baseline" in default_sd:
        return abs(baseline.value) * float(default_sd["value_share_of_baseline"])
    return None


def _draft_one(
    key: str, spec: Mapping[str, Any], baseline: Baseline, profile: Profile, s: _Setting
) -> Kpi:
    kind, direction, unit = spec["kind"], spec["direction"], spec["unit"]
    base = baseline.value
    target = _target(spec, baseline, s.ambition)
    lag = float(spec.get("lag_days", 0))
    if spec.get("lag_from_baseline"):
        lag = base * 7  # a ramp-time change shows only once a cohort has ramped
    milestones = _milestones(base, target.value, lag, s.rule)

    census = key in _CENSUS_KPIS
    n_month = _n_per_month(key, profile, baseline)
    n_period = n_month * (1 if census else s.months_per_period)
    sd = _mean_sd(spec, baseline) if kind == "mean" else baseline.sd
    mdc = min_detectable_change(
        base, n_period, kind=kind, direction=direction, sd=sd, alpha=s.alpha, power=s.power
    )
    change = abs(target.value - base)
    detectable: bool | None
    periods_needed: int | None = None
    if change == 0:
        detectable = None
        note = "Target holds the baseline; monitored, not tested for change."
    elif mdc is not None and change >= mdc:
        detectable = True
        note = (
            f"Detectable: with about {n_period:,.0f} observations per {s.period_word} the smallest"
            f" change a {s.period_word}'s figure can show is {kpi_change(mdc, unit)}."
        )
    else:
        detectable = False
        needed = required_n_per_group(
            base, target.value, kind=kind, sd=sd, alpha=s.alpha, power=s.power
        )
        periods_needed, note = _remedy(key, kind, census, needed, n_period, mdc, change, unit, s)
    return Kpi(
        key=key,
        name=str(spec["name"]),
        definition=" ".join(str(spec["definition"]).split()),
        formula=str(spec["formula"]),
        unit=str(baseline.unit or unit),
        kind=kind,
        direction=direction,
        baseline=base,
        baseline_source=baseline.source,
        baseline_is_default=not baseline.from_data,
        best_quartile=target.best,
        best_quartile_source=target.best_source,
        target=target.value,
        target_rule=target.rule,
        target_bounds=_bounds(spec, base),
        milestones=milestones,
        cadence=s.cadence,
        data_source=str(spec["data_source"]),
        owner=str(spec["owner"]),
        n_per_period=n_period,
        min_detectable_change=mdc,
        detectable=detectable,
        detectability_note=note,
        periods_to_detect=periods_needed,
        baseline_ci=baseline.ci,
    )


def _remedy(
    key: str,
    kind: str,
    census: bool,
    needed: float,
    n_period: float,
    mdc: float | None,
    change: float,
    unit: str,
    s: _Setting,
) -> tuple[int | None, str]:
    """What makes an undetectable target measurable, practical at the team's size.

    Pooling periods helps when up to two years of this team's data reach the observations
    needed; a census KPI cannot pool (the same people are counted again). Otherwise the KPI is
    reported only: no cohort this team will have can show the change.
    """
    period = s.period_word
    shown_mdc = kpi_change(mdc, unit) or no_detectable_change(kind, n_period)
    note = (
        f"Not detectable per {period}: the target moves {kpi_change(change, unit)} but with"
        f" about {n_period:,.0f} observations per {period} the minimum detectable change is"
        f" {shown_mdc}. "
    )
    per_period = max(n_period, 1e-9)
    periods = math.ceil(needed / per_period) if math.isfinite(needed) else None
    limit = POOLING_LIMIT_YEARS * s.periods_per_year
    alternative = _ALTERNATIVE_METRIC.get(key, "choose a more sensitive metric")
    if not census and periods is not None and periods <= limit:
        return periods, note + (
            f"To measure it, pool {periods} {period}s of data (about {needed:,.0f} per group);"
            f" or {alternative}."
        )
    reachable = n_period if census else n_period * limit
    return None, note + (
        f"Report only at this team size: even {POOLING_LIMIT_YEARS} years of this team's data"
        f" (about {reachable:,.0f} per group) fall short of the {_count(needed)} needed, so no"
        f" incentive or credit can rest on it. Instead, {alternative}."
    )


def _count(needed: float) -> str:
    return f"{needed:,.0f}" if math.isfinite(needed) else "any number"


def _bounds(spec: Mapping[str, Any], base: float) -> tuple[float, float]:
    bounds = spec["target_bounds"]
    if "relative" in bounds:
        lo, hi = bounds["relative"]
        return (base * (1 + float(lo)), base * (1 + float(hi)))
    lo, hi = bounds["value"]
    return (float(lo), float(hi))


def _milestones(base: float, target: float, lag: float, rule: Mapping[str, Any]) -> list[Milestone]:
    """Saturating path from ``base`` (until ``lag`` days) to ``target`` at the target day."""
    tau = float(rule["curve_days"]["value"])
    end = float(rule["target_day"])
    lag = min(lag, end - 1)
    scale = 1 - math.exp(-(end - lag) / tau)
    out = []
    for day in rule["milestone_days"]:
        if day <= lag:
            out.append(
                Milestone(int(day), base, f"not yet measurable: the KPI lags {lag:.0f} days")
            )
            continue
        share = (1 - math.exp(-(day - lag) / tau)) / scale
        out.append(Milestone(int(day), base + share * (target - base)))
    return out
