"""KPI drafts: definitions, baselines, derived targets, milestone paths and detectability.

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
range. The milestone path reaches the target at day 365 along a saturating curve and stays at
the baseline until the KPI can first move (90-day retention cannot move before day 90).

Detectability: given the observations per measurement period (new hires, assessments, staff),
the minimum detectable change (MDC) at α = 0.05 two-sided and power 0.8 comparing one period with
a baseline period of the same size:

* proportions: Cohen's h, :math:`h = 2\\arcsin\\sqrt{p_2} - 2\\arcsin\\sqrt{p_1}`, solved with
  ``statsmodels.stats.power.NormalIndPower``; the MDC is the change in :math:`p` whose h equals
  the detectable h;
* means: Cohen's d solved with ``TTestIndPower``, times the between-employee standard deviation.

A target whose improvement is smaller than the MDC is flagged, with what would make it
measurable: pooling periods, a larger cohort, or a different metric.

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

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.labels import kpi_change, kpi_level
from tpo_scoping.reference import load_reference

if TYPE_CHECKING:
    import pandas as pd

    from tpo_scoping.profile import Profile

Cadence = Literal["monthly", "quarterly"]

CORE_KPIS = (
    "ramp_time",
    "retention_90d",
    "assessment_pass_rate",
    "compliance_coverage",
    "compliance_on_time",
)
"""KPIs every brief carries (TPO guide: specific targets at contract start)."""

OPTIONAL_KPIS = ("productivity", "error_rate", "csat", "certifications_achieved")
"""KPIs drafted only when the prospect's data has them."""

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


@dataclass(frozen=True)
class Baseline:
    """Today's level of one KPI and where it comes from.

    Parameters
    ----------
    value : float
        The baseline level (share for proportions, unit value for means).
    source : str
        Where the value comes from: the prospect's data (table and rule) or a default's source.
    from_data : bool
        True when computed from the prospect's data; False marks a default.
    best_quartile : float, optional
        The level of the prospect's best-quartile performers, when known.
    n_per_month : float, optional
        Observations per month in the data (hires, assessments, staff measured).
    sd : float, optional
        Between-employee standard deviation (mean KPIs), for detectability.
    ci : tuple of float, optional
        Confidence interval of the baseline, when it is an estimate.
    """

    value: float
    source: str
    from_data: bool = False
    best_quartile: float | None = None
    best_quartile_source: str = ""
    n_per_month: float | None = None
    sd: float | None = None
    ci: tuple[float, float] | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Milestone:
    day: int
    value: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "value": self.value, "note": self.note}


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
        return _no_detectable_change(self.kind, self.n_per_period)

    @property
    def min_detectable_change_text(self) -> str:
        """The minimum detectable change as people read it, or why there is none."""
        return kpi_change(self.min_detectable_change, self.unit) or self.no_detectable_change

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
        }


@dataclass
class KpiDraft:
    """The drafted KPI table and the settings that produced it."""

    kpis: list[Kpi]
    ambition: float
    cadence: str
    alpha: float
    power: float
    target_rule: str
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Any:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    def get(self, key: str) -> Kpi | None:
        return next((k for k in self.kpis if k.key == key), None)

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
# Detectability


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions, :math:`2\\arcsin\\sqrt{p_2}-2\\arcsin\\sqrt{p_1}`.

    Examples
    --------
    >>> round(cohens_h(0.80, 0.90), 4)
    0.2838
    """
    return 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))


def required_n_per_group(
    baseline: float,
    target: float,
    *,
    kind: str = "proportion",
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """Observations per group to detect ``baseline -> target`` (two-sided test, equal groups).

    Proportions use Cohen's h with ``NormalIndPower``:
    :math:`n = 2 ((z_{1-\\alpha/2} + z_{power}) / h)^2` (statsmodels also counts the far tail);
    means use Cohen's :math:`d = |target - baseline| / sd` with ``TTestIndPower``.

    Examples
    --------
    >>> round(required_n_per_group(0.80, 0.90))
    195
    """
    if kind == "proportion":
        effect = abs(cohens_h(baseline, target))
    else:
        if not sd or sd <= 0:
            raise ValueError("a mean KPI needs a positive standard deviation")
        effect = abs(target - baseline) / sd
    if effect == 0:
        return math.inf
    return _required_n(effect, kind, alpha, power)


@functools.lru_cache(maxsize=4096)
def _required_n(effect: float, kind: str, alpha: float, power: float) -> float:
    # Cached: the calculators ask the same power questions on every keystroke, and each
    # statsmodels root-finding solve costs a few milliseconds.
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    solver: Any = NormalIndPower() if kind == "proportion" else TTestIndPower()
    return float(
        solver.solve_power(effect_size=effect, nobs1=None, alpha=alpha, power=power, ratio=1.0)
    )


def min_detectable_change(
    baseline: float,
    n_per_group: float,
    *,
    kind: str = "proportion",
    direction: str = "higher",
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float | None:
    """Smallest change from ``baseline`` detectable with ``n_per_group`` observations per group.

    Proportions: solve Cohen's h for ``n_per_group`` with ``NormalIndPower``, then move
    ``baseline`` by h in the improving direction,
    :math:`p_2 = \\sin^2(\\arcsin\\sqrt{p_1} \\pm h/2)`; returns :math:`|p_2 - p_1|`, or ``None``
    when no reachable proportion is that far away. Means: ``TTestIndPower`` d times ``sd``.

    Examples
    --------
    >>> round(min_detectable_change(0.80, 195), 3)
    0.1
    """
    if not n_per_group or n_per_group < 2:
        return None
    effect = _detectable_effect(n_per_group, kind, alpha, power)
    if kind == "proportion":
        p1 = min(max(baseline, 0.0), 1.0)
        sign = 1 if direction == "higher" else -1
        angle = math.asin(math.sqrt(p1)) + sign * effect / 2
        if angle > math.pi / 2 or angle < 0:
            return None
        return abs(math.sin(angle) ** 2 - p1)
    if not sd or sd <= 0:
        return None
    return effect * sd


def _no_detectable_change(kind: str, n_per_period: float) -> str:
    """Why no minimum detectable change exists: too little data, or none within the scale.

    >>> _no_detectable_change("proportion", 12.0)
    'larger than any possible change'
    """
    if not n_per_period or n_per_period < 2:
        return "undefined with under 2 observations"
    if kind == "proportion":
        return "larger than any possible change"
    return "unknown without a standard deviation"


@functools.lru_cache(maxsize=4096)
def _detectable_effect(n: float, kind: str, alpha: float, power: float) -> float:
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    solver: Any = NormalIndPower() if kind == "proportion" else TTestIndPower()
    try:
        return float(
            solver.solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power, ratio=1.0)
        )
    except Exception:  # pragma: no cover - root finding failed; use the normal approximation
        from scipy.stats import norm

        return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * math.sqrt(2 / n))


# --------------------------------------------------------------------------------------------
# Baselines


def kpi_specs() -> dict[str, dict[str, Any]]:
    """The packaged KPI definitions (``kpi_benchmarks.yaml``)."""
    return dict(load_reference("kpi_benchmarks")["kpis"])


def default_baselines(profile: Profile) -> dict[str, Baseline]:
    """Baselines when the prospect has no data: packaged defaults, each with its source."""
    out: dict[str, Baseline] = {}
    for key in CORE_KPIS:
        spec = kpi_specs()[key]
        default = spec["default_baseline"]
        if default.get("from_profile_attrition"):
            attrition = min(profile.growth.annual_attrition, 0.999)
            value = (1 - attrition) ** (90 / 365)
            source = f"default: {default['source']} = (1 - {attrition:.2f})^(90/365) = {value:.3f}"
        else:
            value = float(default["value"])
            source = f"default: {default['source']}"
        out[key] = Baseline(value=value, source=source, from_data=False)
    return out


def baselines_from_needs(needs: Any) -> dict[str, Baseline]:
    """Baselines from a needs-analysis result (a ``NeedsResult`` or its ``to_dict()``).

    Reads the result's ``baseline`` section (``retention_90d``, ``assessment_pass_rate``,
    ``compliance_coverage``, ``compliance_on_time``, ``weeks_to_proficiency`` and each metric
    with its ``<metric>_best_quartile``), and derives the best quartile where the needs result
    has groups to compare:

    * 90-day retention: upper quartile of the sites' Kaplan-Meier estimates;
    * assessment pass rate: upper quartile of the pass shares of role x site x competency groups;
    * ramp time: fastest quartile of role x site groups on the primary metric;
    * compliance: none from the data (full coverage is the legal expectation, see the defaults).

    The standard deviation of a metric between employees is recovered from its 95 % interval,
    :math:`sd = (ci_{high} - ci_{low}) / (2 \\times 1.96) \\times \\sqrt{n}`.
    """
    if needs is None:
        return {}
    data = needs.to_dict() if hasattr(needs, "to_dict") else dict(needs)
    raw = data.get("baseline") or {}
    out: dict[str, Any] = {}

    def entry(name: str, **extra: Any) -> dict[str, Any] | None:
        item = raw.get(name)
        if not isinstance(item, Mapping) or not _finite(item.get("value")):
            return None
        n = item.get("n")
        desc = str(item.get("description") or name.replace("_", " "))
        return {
            "value": float(item["value"]),
            "ci_low": item.get("ci_low") if _finite(item.get("ci_low")) else None,
            "ci_high": item.get("ci_high") if _finite(item.get("ci_high")) else None,
            "source": f"prospect data: {desc}" + (f" (n = {n})" if n else ""),
            "n": n,
            **extra,
        }

    retention = entry("retention_90d")
    if retention:
        sites = [
            float(r["estimate"])
            for r in data.get("retention") or []
            if r.get("site") not in (None, "all")
            and r.get("cohort", "all") == "all"
            and _near(r.get("day"), 90)
            and _finite(r.get("estimate"))
        ]
        if len(sites) >= 2:
            retention["best_quartile"] = _quantile(sites, 0.75)
            retention["best_quartile_source"] = (
                f"prospect data: upper quartile of the {len(sites)} sites' 90-day retention"
            )
        out["retention_90d"] = retention
    passing = entry("assessment_pass_rate")
    if passing:
        groups = [
            1 - float(g["share_below_pass"])
            for g in data.get("gaps") or []
            if _finite(g.get("share_below_pass")) and float(g.get("n") or 0) >= 5
        ]
        if len(groups) >= 4:
            passing["best_quartile"] = _quantile(groups, 0.75)
            passing["best_quartile_source"] = (
                "prospect data: upper quartile of pass shares over"
                f" {len(groups)} role x site x competency groups"
            )
        out["assessment_pass_rate"] = passing
    coverage = entry("compliance_coverage")
    if coverage:
        coverage["n_per_month"] = coverage.pop("n", None)  # a census of certificates
        out["compliance_coverage"] = coverage
    on_time = entry("compliance_on_time")
    if on_time:
        n = on_time.pop("n", None)
        on_time["n_per_month"] = float(n) / 12 if n else None  # annual renewals fall due
        out["compliance_on_time"] = on_time
    ramp = entry("weeks_to_proficiency")
    if ramp:
        rows = [r for r in data.get("ramp") or [] if _finite(r.get("weeks_to_proficiency"))]
        metrics = [r.get("metric") for r in rows]
        primary = "productivity" if "productivity" in metrics else (metrics[0] if metrics else None)
        weeks = [
            float(r["weeks_to_proficiency"])
            for r in rows
            if r.get("metric") == primary and float(r["weeks_to_proficiency"]) > 0
        ]
        if len(weeks) >= 2:
            ramp["best_quartile"] = _quantile(weeks, 0.25)
            ramp["best_quartile_source"] = (
                f"prospect data: fastest quartile of {len(weeks)} role x site groups"
            )
        out["ramp_time"] = ramp
    for metric in ("productivity", "error_rate", "csat"):
        item = entry(metric)
        if not item:
            continue
        best = raw.get(f"{metric}_best_quartile")
        if isinstance(best, Mapping) and _finite(best.get("value")):
            item["best_quartile"] = float(best["value"])
            item["best_quartile_source"] = f"prospect data: {best.get('description', '')}"
        n = item.get("n")
        if item["ci_low"] is not None and item["ci_high"] is not None and n:
            item["sd"] = (
                (float(item["ci_high"]) - float(item["ci_low"])) / (2 * 1.96) * (float(n) ** 0.5)
            )
        item["n_per_month"] = n
        out[metric] = item
    for item in out.values():
        item.pop("n", None)
    return _coerce_baselines(out)


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(float(x))


def _coerce_baselines(raw: Mapping[str, Any]) -> dict[str, Baseline]:
    out: dict[str, Baseline] = {}
    for key, item in raw.items():
        if item is None:
            continue
        if isinstance(item, Baseline):
            out[key] = item
            continue
        if isinstance(item, int | float):
            item = {"value": float(item)}
        value = item.get("value", item.get("estimate"))
        if value is None or not math.isfinite(float(value)):
            continue
        lo, hi = item.get("ci_low"), item.get("ci_high")
        ci = (float(lo), float(hi)) if lo is not None and hi is not None else None
        best = item.get("best_quartile")
        out[key] = Baseline(
            value=float(value),
            source=str(item.get("source") or "prospect data (needs analysis)"),
            from_data=True,
            best_quartile=None if best is None else float(best),
            best_quartile_source=str(item.get("best_quartile_source") or ""),
            n_per_month=_opt_float(item.get("n_per_month")),
            sd=_opt_float(item.get("sd")),
            ci=ci,
        )
    return out


def _opt_float(x: Any) -> float | None:
    if x is None:
        return None
    value = float(x)
    return value if math.isfinite(value) else None


def _quantile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.quantile(np.asarray(values, dtype=float), q))


def _near(day: Any, target: int) -> bool:
    try:
        return abs(float(day) - target) < 0.5
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------
# Drafting


def draft_kpis(
    profile: Profile,
    needs: Any = None,
    *,
    baselines: Mapping[str, Baseline | Mapping[str, Any] | float] | None = None,
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
    needs : NeedsResult or dict, optional
        A needs-analysis result; its baselines replace the packaged defaults.
    baselines : mapping, optional
        Explicit baselines by KPI key (they win over ``needs``); values may be a
        :class:`Baseline`, a number or a mapping (see :func:`baselines_from_needs`).
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
    >>> kpi = draft_kpis(p, baselines={"assessment_pass_rate": {"value": 0.7,
    ...                  "best_quartile": 0.9}}).get("assessment_pass_rate")
    >>> round(kpi.target, 2)
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
    if baselines:
        merged.update(_coerce_baselines(baselines))

    months_per_period = 12 / float(reference["cadence"][cadence]["periods_per_year"])
    specs = reference["kpis"]
    keys = [*CORE_KPIS, *(k for k in OPTIONAL_KPIS if k in merged)]
    kpis = [
        _draft_one(
            key,
            specs[key],
            merged[key],
            profile,
            ambition=ambition,
            cadence=cadence,
            months_per_period=months_per_period,
            alpha=alpha,
            power=power,
            rule=rule,
        )
        for key in keys
    ]
    rule_text = (
        f"target = baseline + {ambition:g} x (best quartile - baseline), clipped to the plausible"
        f" benchmark range; reached at day {rule['target_day']}"
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


def _n_per_month(key: str, profile: Profile, baseline: Baseline) -> float:
    """Observations per month behind a KPI (data when known, else from the profile)."""
    if baseline.n_per_month:
        return float(baseline.n_per_month)
    fte = float(profile.total_fte)
    hires = profile.growth.hires_per_quarter
    if hires <= 0:  # no growth: replacement hiring still brings cohorts in
        hires = profile.growth.annual_attrition * fte / 4
    if key in ("retention_90d", "ramp_time"):
        return hires / 3
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


def _draft_one(
    key: str,
    spec: Mapping[str, Any],
    baseline: Baseline,
    profile: Profile,
    *,
    ambition: float,
    cadence: str,
    months_per_period: float,
    alpha: float,
    power: float,
    rule: Mapping[str, Any],
) -> Kpi:
    kind, direction = spec["kind"], spec["direction"]
    base = baseline.value
    if baseline.best_quartile is not None:
        best, best_source = (
            baseline.best_quartile,
            (baseline.best_quartile_source or "prospect data: best-quartile performers"),
        )
    elif "default_best_quartile" in spec:
        best = float(spec["default_best_quartile"]["value"])
        best_source = f"default: {spec['default_best_quartile']['source']}"
    else:  # a mean KPI with no best quartile: keep the level
        best, best_source = base, "no best-quartile level in the data; target holds the baseline"
    better = (best > base) if direction == "higher" else (best < base)
    gap = best - base if better else 0.0
    raw_target = base + ambition * gap
    bounds = _bounds(spec, base)
    target = min(max(raw_target, bounds[0]), bounds[1])
    if direction == "higher":
        target = max(target, base) if base <= bounds[1] else target
    else:
        target = min(target, base) if base >= bounds[0] else target
    target_rule = (
        f"baseline {kpi_level(base, spec['unit'])} + {ambition:g} x (best quartile"
        f" {kpi_level(best, spec['unit'])} - baseline)"
    )
    if not better:
        target_rule = "baseline already at or better than the best quartile: hold it"
    if not math.isclose(target, raw_target, abs_tol=1e-12):
        target_rule += (
            f", bounded to {kpi_level(bounds[0], spec['unit'])}"
            f"-{kpi_level(bounds[1], spec['unit'])}"
        )

    lag = float(spec.get("lag_days", 0))
    if spec.get("lag_from_baseline"):
        lag = base * 7  # a ramp-time change shows only once a cohort has ramped
    milestones = _milestones(base, target, lag, rule)

    census = key in _CENSUS_KPIS
    n_period = _n_per_month(key, profile, baseline) * (1 if census else months_per_period)
    sd = baseline.sd
    if kind == "mean" and not sd:
        default_sd = spec.get("default_sd", {})
        if "value" in default_sd:
            sd = float(default_sd["value"])
        elif "value_share_of_baseline" in default_sd:
            sd = abs(base) * float(default_sd["value_share_of_baseline"])
    mdc = min_detectable_change(
        base, n_period, kind=kind, direction=direction, sd=sd, alpha=alpha, power=power
    )
    change = abs(target - base)
    unit = spec["unit"]
    period_word = "month" if cadence == "monthly" else "quarter"
    detectable: bool | None
    periods_needed: int | None = None
    if change == 0:
        detectable = None
        note = "Target holds the baseline; monitored, not tested for change."
    elif mdc is not None and change >= mdc:
        detectable = True
        note = (
            f"Detectable: with about {n_period:.0f} observations per {period_word} the smallest"
            f" change a {period_word}'s figure can show is {kpi_change(mdc, unit)}."
        )
    else:
        detectable = False
        needed = required_n_per_group(base, target, kind=kind, sd=sd, alpha=alpha, power=power)
        per_period = max(n_period, 1e-9)
        periods_needed = math.ceil(needed / per_period) if math.isfinite(needed) else None
        shown_mdc = kpi_change(mdc, unit) or _no_detectable_change(kind, n_period)
        note = (
            f"Not detectable per {period_word}: the target moves {kpi_change(change, unit)}"
            f" but with about {n_period:.0f} observations per {period_word} the minimum detectable"
            f" change is {shown_mdc}. "
        )
        options = []
        periods_per_year = round(12 / months_per_period)
        if census:
            periods_needed = None
        elif periods_needed is not None and periods_needed <= 2 * periods_per_year:
            options.append(
                f"pool {periods_needed} {period_word}s of data (about {needed:,.0f} per group)"
            )
        else:
            periods_needed = None
            note += (
                f"Even two years of pooled data fall short of the {needed:,.0f} per group needed. "
            )
        note += "To measure it, "
        options.append(
            f"use a larger cohort (at least {needed:,.0f} per group, e.g. across sites or"
            " with a comparable team)"
        )
        options.append(_ALTERNATIVE_METRIC.get(key, "choose a more sensitive metric"))
        note += "; or ".join(options) + "."
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
        best_quartile=best,
        best_quartile_source=" ".join(best_source.split()),
        target=target,
        target_rule=target_rule,
        target_bounds=bounds,
        milestones=milestones,
        cadence=cadence,
        data_source=str(spec["data_source"]),
        owner=str(spec["owner"]),
        n_per_period=n_period,
        min_detectable_change=mdc,
        detectable=detectable,
        detectability_note=note,
        periods_to_detect=periods_needed,
        baseline_ci=baseline.ci,
    )


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
