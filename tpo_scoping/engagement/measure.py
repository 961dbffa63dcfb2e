"""Each signed KPI measured on one quarter's data drop, with its interval.

The measures are those of the needs analysis (:func:`tpo_scoping.needs.analyse_needs`), run on
the drop as of the quarter's last day:

* team KPIs (assessment pass rate, compliance coverage and on-time rate, productivity, error
  rate, CSAT) on the whole team, as the baselines were;
* cohort KPIs (ramp time, 90-day retention) on the cohorts onboarded under the engagement (hired
  on or after the start), since only they went through its onboarding.

Intervals are the analysis's own (Wilson for the pass rate, t for metric means, Greenwood for
Kaplan-Meier, the delta method for learning curves). Compliance rates are counts of the whole
team; their Wilson interval treats the quarter's certificates as a sample of how reliably the
process keeps people certified, so one person more or less is not read as a change.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tpo_scoping.engagement.record import Period, SignedEngagement
from tpo_scoping.errors import InputError, Problem

if TYPE_CHECKING:
    from tpo_scoping.ingest import PerformanceData
    from tpo_scoping.needs import NeedsResult, NeedsSettings

COHORT_KPIS = frozenset({"ramp_time", "retention_90d"})
"""KPIs measured on the cohorts onboarded under the engagement."""

NEEDED_TABLE = {
    "ramp_time": "metrics",
    "retention_90d": "employees",
    "assessment_pass_rate": "assessments",
    "compliance_coverage": "compliance",
    "compliance_on_time": "compliance",
    "productivity": "metrics",
    "error_rate": "metrics",
    "csat": "metrics",
}
"""The table each KPI is measured from."""

_METRIC_KPIS = ("productivity", "error_rate", "csat")


@dataclass(frozen=True)
class Measurement:
    """One KPI's actual value in one quarter, with its interval and how it was obtained."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    method: str
    note: str = ""

    @property
    def measured(self) -> bool:
        return self.value is not None


def needs_settings(engagement: SignedEngagement) -> NeedsSettings:
    """The needs-analysis settings the record was signed with (pass mark, confidence, ...)."""
    from dataclasses import fields

    from tpo_scoping.needs import NeedsSettings

    names = {f.name for f in fields(NeedsSettings)}
    stored = {
        k: tuple(v) if isinstance(v, list) else v
        for k, v in engagement.assumptions.needs_settings.items()
        if k in names
    }
    return NeedsSettings.defaults(**stored)


def load_drop(engagement: SignedEngagement, period: Period) -> PerformanceData:
    """Load a quarter's data drop and check that it covers the quarter.

    Raises
    ------
    InputError
        The folder is missing or empty, its latest date falls before the quarter's last month,
        or nobody in it was hired before the start (a drop must be a full export of the team).
    """
    from tpo_scoping.ingest import load_performance_data

    folder = engagement.data_folder(period)
    if not folder.is_dir():
        raise InputError(f"no data drop for {period.label}", str(folder))
    files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(files) == 1 and files[0].suffix.lower() in (".xlsx", ".csv"):
        source: Any = files[0]  # a workbook, or one employees CSV
    else:
        source = folder
    mapping = engagement.profile.data.mapping if engagement.profile.data else None
    data = load_performance_data(source, mapping or None)
    latest = data.latest_date()
    if latest is None or latest < period.last_month:
        raise InputError(
            [
                Problem(
                    str(folder),
                    f"does not cover {period.label}: its latest date is"
                    f" {latest.isoformat() if latest else 'missing'}, before the quarter's last"
                    f" month ({period.last_month:%B %Y}); export it again at the quarter's end",
                )
            ]
        )
    hired = data.tables["employees"]["hire_date"]
    if not (hired < _stamp(engagement.start)).any():
        raise InputError(
            [
                Problem(
                    f"{folder}: employees.hire_date",
                    f"nobody was hired before the start ({engagement.start.isoformat()}): a"
                    " drop must be a full export of the team, not the quarter's changes",
                )
            ]
        )
    return data


def check_kpi_data(engagement: SignedEngagement, period: Period, data: PerformanceData) -> None:
    """Every signed KPI's table (and metric) is in the drop, or an error names what vanished."""
    folder = engagement.data_folder(period)
    problems = []
    metrics = set(data.tables["metrics"]["metric"].unique()) if data.has("metrics") else set()
    for kpi in engagement.kpis.kpis:
        table = NEEDED_TABLE[kpi.key]
        if not data.has(table):
            why = [n for n in data.quality.notes if table in n]
            problems.append(
                Problem(
                    f"{folder}: {table}",
                    f"missing or empty, so the signed KPI '{kpi.name}' cannot be measured"
                    + (f" ({why[0]})" if why else ""),
                )
            )
            continue
        metric = kpi.key if kpi.key in _METRIC_KPIS else None
        if kpi.key == "ramp_time" and "productivity" not in metrics:
            metric = "productivity"
        if metric and metric not in metrics:
            problems.append(
                Problem(
                    f"{folder}: metrics.metric",
                    f"no '{metric}' rows, so the signed KPI '{kpi.name}' cannot be measured"
                    f" (metrics present: {', '.join(sorted(map(str, metrics))) or 'none'})",
                )
            )
    if problems:
        raise InputError(problems)


def engaged_cohorts(data: PerformanceData, start: dt.date) -> PerformanceData | None:
    """The drop restricted to people hired on or after ``start`` (None when nobody is)."""
    from tpo_scoping.ingest import PerformanceData

    employees = data.tables["employees"]
    keep = employees[employees["hire_date"] >= _stamp(start)]
    if keep.empty:
        return None
    ids = set(keep["employee_id"])
    tables = {"employees": keep.reset_index(drop=True)}
    for name, frame in data.tables.items():
        if name != "employees":
            tables[name] = frame[frame["employee_id"].isin(ids)].reset_index(drop=True)
    return PerformanceData(tables=tables, quality=data.quality, source=data.source)


def measure_period(
    engagement: SignedEngagement,
    period: Period,
    data: PerformanceData,
    settings: NeedsSettings,
) -> dict[str, Measurement]:
    """Measure every signed KPI on one quarter's drop, as of the quarter's last day."""
    from tpo_scoping.needs import analyse_needs

    team = analyse_needs(
        data, engagement.profile, as_of=period.end, settings=settings, with_impact=False
    )
    cohorts = engaged_cohorts(data, engagement.start)
    engaged = (
        analyse_needs(
            cohorts, engagement.profile, as_of=period.end, settings=settings, with_impact=False
        )
        if cohorts is not None
        else None
    )
    since = engagement.start.isoformat()
    out: dict[str, Measurement] = {}
    for kpi in engagement.kpis.kpis:
        if kpi.key == "retention_90d":
            out[kpi.key] = _retention(engaged, since)
        elif kpi.key == "ramp_time":
            out[kpi.key] = _ramp(engaged, since)
        elif kpi.key in ("compliance_coverage", "compliance_on_time"):
            out[kpi.key] = _census_share(team, kpi.key, settings.confidence)
        else:
            out[kpi.key] = _team_level(team, kpi.key)
    return out


def _stamp(day: dt.date) -> Any:
    import pandas as pd

    return pd.Timestamp(day)


def _finite(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _retention(engaged: NeedsResult | None, since: str) -> Measurement:
    method = f"Kaplan-Meier share still employed 90 days after hire, hires since {since}"
    if engaged is None:
        return Measurement(None, None, None, 0, method, "no hire under the engagement yet")
    try:
        point = engaged.retention_at("all", 90)
    except KeyError:
        point = None
    value = None if point is None else _finite(point.estimate)
    n = 0 if point is None else point.n
    if point is None or value is None:
        return Measurement(
            None, None, None, n, method, "no hire under the engagement followed for 90 days yet"
        )
    return Measurement(value, _finite(point.ci_low), _finite(point.ci_high), n, method)


def _ramp(engaged: NeedsResult | None, since: str) -> Measurement:
    """Median over roles of weeks to proficiency, as the baseline; its interval by the delta
    method: one role's own interval, or for two middle roles ``sqrt(se_a² + se_b²) / 2``."""
    method = f"learning curves of cohorts hired since {since}: median over roles of weeks to 90 %"
    if engaged is None or engaged.ramp.empty:
        return Measurement(
            None, None, None, 0, method, "no ramp-up of a cohort under the engagement to fit yet"
        )
    rows = []
    for role in dict.fromkeys(engaged.ramp["role"]):
        row = engaged.ramp_for(str(role))
        weeks = _finite(row.get("weeks_to_proficiency"))
        low, high = _finite(row.get("ci_low")), _finite(row.get("ci_high"))
        if weeks is not None and low is not None and high is not None:
            rows.append((weeks, low, high, int(row.get("n") or 0)))
    if not rows:
        return Measurement(
            None, None, None, 0, method, "the cohorts under the engagement have not ramped up yet"
        )
    rows.sort()
    n = sum(r[3] for r in rows)
    middle = len(rows) // 2
    if len(rows) % 2:
        weeks, low, high, _ = rows[middle]
        return Measurement(weeks, low, high, n, method)
    (a, a_lo, a_hi, _), (b, b_lo, b_hi, _) = rows[middle - 1], rows[middle]
    se = math.hypot((a_hi - a_lo) / (2 * 1.96), (b_hi - b_lo) / (2 * 1.96)) / 2
    value = (a + b) / 2
    return Measurement(value, max(0.0, value - 1.96 * se), value + 1.96 * se, n, method)


def _census_share(team: NeedsResult, key: str, confidence: float) -> Measurement:
    from tpo_scoping.needs import wilson_interval

    item = team.baseline.get(key)
    method = "share of the whole team's required certificates (Wilson interval)"
    if item is None or _finite(item.value) is None or not item.n:
        return Measurement(None, None, None, 0, method, "no required certificate in the data")
    low, high = wilson_interval(round(item.value * item.n), item.n, confidence)
    return Measurement(item.value, low, high, item.n, method)


def _team_level(team: NeedsResult, key: str) -> Measurement:
    item = team.baseline.get(key)
    if item is None or _finite(item.value) is None:
        return Measurement(None, None, None, 0, "", "not in this quarter's data")
    return Measurement(
        item.value, _finite(item.ci_low), _finite(item.ci_high), item.n, item.description
    )
