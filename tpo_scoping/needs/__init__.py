"""Training needs analysis: the gap between current and target performance, with uncertainty.

:func:`analyse_needs` runs every analysis the data allows on a :class:`PerformanceData`:

* competency gaps by role × site × competency, site differences and ranked priorities
  (:mod:`~tpo_scoping.needs.gaps`);
* ramp time from learning curves (:mod:`~tpo_scoping.needs.ramp`);
* new-hire retention by site and hire cohort (:mod:`~tpo_scoping.needs.retention`);
* compliance coverage per required module (:mod:`~tpo_scoping.needs.compliance`);
* training impact against untrained colleagues of the same role and tenure
  (:mod:`~tpo_scoping.needs.impact`).

The result is plain data (:class:`NeedsResult`); charts live in :mod:`tpo_scoping.charts.needs`.

Examples
--------
>>> from tpo_scoping.ingest import from_frames
>>> from tpo_scoping.synthetic import SCENARIOS, generate
>>> result = analyse_needs(from_frames(generate(SCENARIOS["growing_healthcare"], seed=3).tables))
>>> result.priorities[0]["competency"], result.as_of.isoformat()
('hipaa_privacy', '2026-09-30')
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_DIRECTIONS
from tpo_scoping.errors import InputError
from tpo_scoping.labels import module_title, pct
from tpo_scoping.needs.result import (
    ALL,
    BaselineValue,
    CompetencyGap,
    ComplianceRow,
    NeedsResult,
    RetentionPoint,
    primary_metric,
)
from tpo_scoping.needs.row_keys import MetricKeys
from tpo_scoping.needs.settings import NeedsSettings

if TYPE_CHECKING:
    from tpo_scoping.ingest import PerformanceData, QualityReport
    from tpo_scoping.profile import Profile

__all__ = [
    "BaselineValue",
    "CompetencyGap",
    "ComplianceRow",
    "NeedsResult",
    "NeedsSettings",
    "RetentionPoint",
    "analyse_needs",
    "wilson_interval",
]


def analyse_needs(
    data: PerformanceData,
    profile: Profile | None = None,
    as_of: dt.date | None = None,
    settings: NeedsSettings | None = None,
    *,
    with_impact: bool = True,
) -> NeedsResult:
    """Run every needs analysis the data allows.

    Parameters
    ----------
    data : PerformanceData
        From :func:`tpo_scoping.ingest.load_performance_data` (or ``from_frames``).
    profile : Profile, optional
        Supplies the compliance domains; without it they are inferred from the modules present.
    as_of : date, optional
        The day the analysis speaks for: retention is censored there, actives are counted
        there, certificates are checked against it. Default: the latest date in the data.
    settings : NeedsSettings, optional
        Pass mark, target proficiency and other defaults (see ``needs_defaults.yaml``).
    with_impact : bool, default True
        False leaves out the training-impact estimates and their placebo checks (``impact``
        is then ``None``). The engagement scope and its brief do not read them, so the
        scoping calculator skips them.

    Returns
    -------
    NeedsResult
    """
    from tpo_scoping.needs.compliance import ComplianceAnalysis, compliance_coverage
    from tpo_scoping.needs.gaps import competency_gaps, need_summary
    from tpo_scoping.needs.ramp import ramp_times
    from tpo_scoping.needs.retention import RETENTION_COLUMNS, RetentionAnalysis, retention

    settings = settings or NeedsSettings.defaults()
    notes: list[str] = []
    if as_of is None:
        as_of = data.latest_date()
        if as_of is None:
            raise InputError("the data holds no dates; give --as-of")
        notes.append(f"as of {as_of.isoformat()}: the latest date in the data")
    stamp = pd.Timestamp(as_of)
    employees = data.tables["employees"]
    if not (employees["hire_date"] <= stamp).any():
        raise InputError(f"--as-of {as_of.isoformat()}: nobody in the data was hired by then")
    tables = data.tables

    if data.has("assessments"):
        gap_result = competency_gaps(tables["assessments"], employees, stamp, settings)
        gaps, site_tests, scores = gap_result.gaps, gap_result.site_tests, gap_result.scores
        notes.extend(gap_result.notes)
    else:
        gaps, site_tests, scores = pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
        notes.append("no assessments: competency gaps need the assessments table")

    keys = None
    if data.has("metrics"):
        keys = MetricKeys.of(tables["metrics"], employees)  # shared by ramp, impact, baselines
        ramp_result = ramp_times(tables["metrics"], employees, settings, stamp, keys=keys)
        ramp, ramp_curves = ramp_result.ramp, ramp_result.curves
    else:
        ramp, ramp_curves = pd.DataFrame(), pd.DataFrame()
        notes.append("no metrics: ramp time needs the metrics table")

    if data.supplied("employees", "exit_date"):
        kept = retention(employees, stamp, settings)
        notes.extend(kept.notes)
    else:
        # Without exit dates everyone would look retained: no estimate, and a note saying why.
        kept = RetentionAnalysis(pd.DataFrame(columns=RETENTION_COLUMNS), pd.DataFrame())
        notes.append(_no_exit_dates(data.quality))

    domains = list(profile.compliance_domains) if profile is not None else None
    if data.has("compliance"):
        comp = compliance_coverage(
            employees, tables.get("compliance"), stamp, settings, domains=domains
        )
        if comp.inferred_domains:
            notes.append(
                "compliance domains inferred from the modules in the data: "
                + ", ".join(comp.domains)
            )
    else:
        # Without completion records nobody can be called overdue: report nothing, say why.
        comp = ComplianceAnalysis(pd.DataFrame(), pd.DataFrame(), domains or [], False)
        notes.append("no compliance table: coverage needs completion records")

    impact = None
    if with_impact and data.has("training") and data.has("metrics"):
        from tpo_scoping.needs.impact import training_impact

        impact = training_impact(
            tables["training"],
            tables["metrics"],
            employees,
            settings,
            stamp,
            keys=keys,
            ramp=ramp,
        )

    priorities = _priorities(gaps, comp.coverage, settings, need_summary)
    unused = _unused_tables(data)
    notes += [f"{table} table read but not used: {why}" for table, why in unused.items()]
    quality = replace(data.quality, unused={**data.quality.unused, **unused})
    result = NeedsResult(
        as_of=as_of,
        quality=quality,
        settings=settings,
        gaps=gaps,
        site_tests=site_tests,
        priorities=priorities,
        ramp=ramp,
        ramp_curves=ramp_curves,
        retention=kept.retention,
        km_curves=kept.curves,
        logrank=kept.logrank,
        compliance=comp.coverage,
        compliance_status=comp.status,
        impact=impact,
        notes=notes,
        compliance_domains=comp.domains,
    )
    baseline = _baseline(
        result,
        scores,
        tables.get("metrics"),
        employees,
        stamp,
        settings,
        keys,
    )
    return replace(result, baseline=baseline)


def _no_exit_dates(quality: QualityReport) -> str:
    """The note for data without an exit-date column, with the loader's candidate columns."""
    missing = quality.missing_fields.get("employees.exit_date") or {}
    text = str(
        missing.get("consequence", "no exit dates found: retention and churn cannot be estimated")
    )
    candidates = missing.get("candidates") or []
    if candidates:
        text += f"; columns that may hold them: {', '.join(map(str, candidates))}"
    return text + " (map a column of exit dates with --map employees.exit_date=COLUMN)"


def _unused_tables(data: PerformanceData) -> dict[str, str]:
    """Tables that were read but that no analysis can use, with the reason."""
    out: dict[str, str] = {}
    if data.has("training") and not data.has("metrics"):
        out["training"] = (
            "training records feed the training-impact analysis, which needs the metrics table"
        )
    return out


def _priorities(
    gaps: pd.DataFrame, coverage: pd.DataFrame, settings: NeedsSettings, summarise: Any
) -> list[dict[str, Any]]:
    """Competency needs ranked by priority score, then compliance modules people lack."""
    out: list[dict[str, Any]] = []
    if not gaps.empty:
        top = gaps[gaps["priority"] > 0].head(settings.top_priorities)
        for _, row in top.iterrows():
            out.append(
                {
                    "kind": "competency",
                    "role": row["role"],
                    "site": row["site"],
                    "competency": row["competency"],
                    "priority": float(row["priority"]),
                    "gap": float(row["gap"]),
                    "mean": float(row["mean"]),
                    "ci_low": float(row["ci_low"]),
                    "ci_high": float(row["ci_high"]),
                    "n": int(row["n"]),
                    "people_below_pass": float(row["below_pass"]),
                    "summary": summarise(row, settings),
                }
            )
    if not coverage.empty:
        lacking = coverage[(coverage["site"] != "all") & (coverage["module"] != "all")].copy()
        lacking["lacking"] = lacking["overdue"] + lacking["never_completed"]
        lacking = lacking[lacking["lacking"] > 0].sort_values(
            ["lacking", "coverage"], ascending=[False, True], kind="stable"
        )
        for _, row in lacking.head(settings.top_priorities).iterrows():
            module = str(row["module"])
            out.append(
                {
                    "kind": "compliance",
                    "site": row["site"],
                    "module": module,
                    "priority": float(row["lacking"]),
                    "overdue": int(row["overdue"]),
                    "never_completed": int(row["never_completed"]),
                    "coverage": float(row["coverage"]),
                    "summary": (
                        f"{row['site']}: {int(row['lacking'])} of {int(row['required'])} active"
                        f" people lack a valid {module_title(module)} certificate"
                        f" ({int(row['overdue'])} overdue, {int(row['never_completed'])} never"
                        f" completed); coverage {pct(row['coverage'])}."
                    ),
                }
            )
    for rank, item in enumerate(out, 1):
        item["rank"] = rank
    return out


def _baseline(
    result: NeedsResult,
    scores: pd.DataFrame,
    metrics: pd.DataFrame | None,
    employees: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: NeedsSettings,
    keys: MetricKeys | None = None,
) -> dict[str, BaselineValue]:
    """The starting point of each KPI, with its interval, spread, n and best-quartile level.

    A best quartile is quoted only from at least ``settings.best_quartile_min_groups`` groups
    (sites, role x site cells with 5+ people, or people); otherwise it is left NaN and the KPI
    draft falls back on its sourced benchmark.
    """
    out: dict[str, BaselineValue] = {}
    enough = settings.best_quartile_min_groups
    upper = 1 - settings.best_quartile
    try:
        point = result.retention_at(ALL, 90)
    except KeyError:
        point = None
    if point is not None:
        sites = [p.estimate for p in result.retention_points(90) if p.site != ALL]
        best = _quartile(sites, upper, enough)
        out["retention_90d"] = BaselineValue(
            "retention_90d",
            point.estimate,
            "share",
            "Kaplan–Meier share of new hires still employed 90 days after hire (all sites)",
            point.ci_low,
            point.ci_high,
            point.n,
            best_quartile=best,
            best_quartile_note=f"upper quartile of the {len(sites)} sites' 90-day retention",
            best_quartile_groups=len(sites),
        )
    if not scores.empty:
        passed = (scores["score"] >= settings.pass_mark).to_numpy()
        low, high = wilson_interval(int(passed.sum()), len(passed), settings.confidence)
        gaps = result.gaps
        groups = (
            (1 - gaps.loc[gaps["n"] >= 5, "share_below_pass"]).dropna().tolist()
            if not gaps.empty
            else []
        )
        out["assessment_pass_rate"] = BaselineValue(
            "assessment_pass_rate",
            float(passed.mean()),
            "share",
            f"share of active employees' latest scores at or above the pass mark"
            f" ({settings.pass_mark:g})",
            low,
            high,
            len(passed),
            best_quartile=_quartile(groups, upper, enough),
            best_quartile_note=(
                f"upper quartile of pass shares over {len(groups)} role x site x competency"
                " groups of 5 or more people"
            ),
            best_quartile_groups=len(groups),
        )
    team = result.team_compliance()
    if team is not None:
        out["compliance_coverage"] = BaselineValue(
            "compliance_coverage",
            team.coverage,
            "share",
            "share of required certificates held and valid",
            n=team.required,
        )
        out["compliance_on_time"] = BaselineValue(
            "compliance_on_time",
            team.on_time,
            "share",
            "share of required certificates valid or not yet due (nobody late)",
            n=team.required,
        )
    if not result.ramp.empty:
        metric = primary_metric(result.ramp)
        pooled = result.ramp[(result.ramp["metric"] == metric)]
        per_role = pooled.sort_values("site", key=lambda s: s != ALL).drop_duplicates("role")
        weeks = per_role["weeks_to_proficiency"].dropna()
        cells = pooled.loc[pooled["site"] != ALL, "weeks_to_proficiency"].dropna()
        cells = cells[cells > 0].tolist()
        if len(weeks):
            out["weeks_to_proficiency"] = BaselineValue(
                "weeks_to_proficiency",
                float(np.median(weeks)),
                "weeks",
                f"median over roles of weeks to {pct(settings.proficiency_share)} of tenured"
                f" {metric}",
                n=len(weeks),
                best_quartile=_quartile(cells, settings.best_quartile, enough),
                best_quartile_note=f"fastest quartile of {len(cells)} role x site groups",
                best_quartile_groups=len(cells),
            )
    if metrics is not None and len(metrics):
        out.update(_metric_levels(metrics, employees, as_of, settings, keys))
    return out


def _quartile(values: list[float], q: float, at_least: int) -> float:
    """The ``q`` quantile of ``values`` when there are ``at_least`` of them, else NaN."""
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < at_least:
        return math.nan
    return float(np.quantile(np.asarray(finite, dtype=float), q))


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (statsmodels' ``proportion_confint``).

    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return math.nan, math.nan
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)


def _metric_levels(
    metrics: pd.DataFrame,
    employees: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: NeedsSettings,
    keys: MetricKeys | None = None,
) -> dict[str, BaselineValue]:
    """Current level and best-quartile level of each metric among active employees.

    Each active employee's mean over the last three months of data up to ``as_of``; the level
    is the mean of those, with a t interval; the best-quartile level is the 75th percentile
    (25th for lower-is-better metrics) of the per-person means.
    """
    from scipy import stats

    from tpo_scoping.needs.gaps import active_at

    keys = keys or MetricKeys.of(metrics, employees)
    pos, metric_code, metric_names = keys.positions, keys.codes, keys.names
    active = np.append(active_at(employees, as_of).to_numpy(), False)  # -1 (unknown) -> False
    period = metrics["period"].to_numpy(dtype="datetime64[ns]")
    start = (as_of - pd.DateOffset(months=3)).to_datetime64()
    recent = np.flatnonzero((period <= as_of.to_datetime64()) & (period > start) & active[pos])
    # Each employee's rank in ID order: grouping by it orders people as grouping by the IDs would.
    rank = pd.factorize(employees["employee_id"].to_numpy(dtype=object), sort=True)[0]
    person = rank[pos[recent]]
    value = metrics["value"].to_numpy(dtype=float)[recent]
    metric_of = metric_code[recent]
    out: dict[str, BaselineValue] = {}
    for mi in sorted(np.unique(metric_of[metric_of >= 0]), key=lambda i: metric_names[i]):
        metric = metric_names[mi]
        sel = (metric_of == mi) & (person >= 0)
        per_person = pd.Series(value[sel]).groupby(person[sel]).mean()
        n = len(per_person)
        if n < 2:
            continue
        mean = float(per_person.mean())
        half = float(stats.t.ppf(0.5 + settings.confidence / 2, n - 1) * per_person.std() / n**0.5)
        direction = METRIC_DIRECTIONS.get(str(metric), 1)
        best = float(
            per_person.quantile(
                1 - settings.best_quartile if direction > 0 else settings.best_quartile
            )
        )
        out[str(metric)] = BaselineValue(
            str(metric),
            mean,
            "metric units",
            f"mean {metric} of active employees over the last 3 months",
            mean - half,
            mean + half,
            n,
            sd=float(per_person.std()),
            best_quartile=best if n >= settings.best_quartile_min_groups else math.nan,
            best_quartile_note=f"{metric} level the best quarter of {n} active employees reach"
            " or beat",
            best_quartile_groups=n,
        )
    return out
