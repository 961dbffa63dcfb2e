"""The typed result of the training needs analysis, and the facts other analyses read from it.

:class:`NeedsResult` keeps the analysis tables (for charts and exports) and offers each fact the
verdict, the KPI draft, the plan and the brief need as a typed value, computed here once:

* :meth:`NeedsResult.retention_at` and :meth:`NeedsResult.retention_points`: Kaplan–Meier rows as
  :class:`RetentionPoint`; :meth:`NeedsResult.low_retention_sites`;
* :meth:`NeedsResult.site_compliance` and :meth:`NeedsResult.lapsed_compliance`: per-site
  compliance as :class:`ComplianceRow`, with one definition of coverage;
* :meth:`NeedsResult.material_gaps`: competency gaps large and clear enough to train for, as
  :class:`CompetencyGap`;
* :attr:`NeedsResult.baseline`: the starting points of the KPI draft, as :class:`BaselineValue`
  (value, interval, spread, n and best-quartile level, each as the analysis computed it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from tpo_scoping.labels import site_label, words

if TYPE_CHECKING:
    from tpo_scoping.ingest import QualityReport
    from tpo_scoping.needs.impact import ImpactEstimate
    from tpo_scoping.needs.settings import NeedsSettings

ALL = "all"
"""The site (or module, or cohort) label of rows pooled over every site."""


@dataclass(frozen=True)
class BaselineValue:
    """A measured starting point for a KPI, as the needs analysis computed it.

    ``sd`` is the between-employee standard deviation of a mean (``nan`` for shares and
    counts); ``best_quartile`` the level the best quarter of groups or people reach, with
    ``best_quartile_groups`` the number of groups it was taken from (0 when it is unknown).
    """

    name: str
    value: float
    unit: str
    description: str
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: int = 0
    sd: float = math.nan
    best_quartile: float = math.nan
    best_quartile_note: str = ""
    best_quartile_groups: int = 0

    @property
    def has_best_quartile(self) -> bool:
        return math.isfinite(self.best_quartile)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "sd": self.sd,
            "best_quartile": self.best_quartile,
            "best_quartile_note": self.best_quartile_note,
            "best_quartile_groups": self.best_quartile_groups,
            "unit": self.unit,
            "description": self.description,
        }


@dataclass(frozen=True)
class RetentionPoint:
    """Kaplan–Meier share of new hires still employed ``day`` days after hire."""

    site: str
    cohort: str
    day: int
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    exits: int
    at_risk: int = 0
    """New hires still followed at ``day`` (neither left nor censored before it)."""

    @property
    def site_name(self) -> str:
        return site_label(self.site)


@dataclass(frozen=True)
class ComplianceRow:
    """Required compliance certificates of one site (or the whole team) and one module (or all).

    Statuses are exclusive. A certificate that expires within 90 days is still valid: it
    counts in :attr:`valid` and never as lapsed.
    """

    site: str
    module: str
    required: int
    current: int
    expiring: int
    overdue: int
    never_completed: int
    not_yet_due: int

    @property
    def valid(self) -> int:
        """Certificates held and valid today (current or expiring later)."""
        return self.current + self.expiring

    @property
    def lacking(self) -> int:
        """Certificates overdue or never completed past the at-hire deadline."""
        return self.overdue + self.never_completed

    @property
    def coverage(self) -> float:
        """Share of required certificates held and valid today: ``valid / required``."""
        return self.valid / self.required if self.required else math.nan

    @property
    def on_time(self) -> float:
        """Share valid or not yet due (nobody late): ``(valid + not_yet_due) / required``."""
        return (self.valid + self.not_yet_due) / self.required if self.required else math.nan

    def lapsed(self, floor: float) -> bool:
        """Somebody is late (overdue or never completed) and under ``floor`` are on time.

        A certificate that expires soon is valid, and a new hire still within the at-hire
        deadline is not late: neither makes a row lapsed.
        """
        return self.lacking > 0 and self.on_time < floor

    @property
    def site_name(self) -> str:
        return site_label(self.site)


@dataclass(frozen=True)
class CompetencyGap:
    """One role × site × competency cell of the gap analysis."""

    role: str
    site: str
    competency: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    gap: float
    site_diff: float
    site_p_adj: float
    points: float = math.nan
    """Size of the gap that makes it material (set by :meth:`NeedsResult.material_gaps`)."""

    @property
    def label(self) -> str:
        """``hipaa privacy (Manila)``: the competency in words, with its site."""
        name = words(self.competency)
        return f"{name} ({self.site})" if self.site and self.site != ALL else name

    def material_points(self, threshold: float) -> float | None:
        """The gap's size if it is material, else ``None``.

        Material when the site scores at least ``threshold`` points below the other sites on
        the competency with a Holm-adjusted p under 0.05, or when the mean is at least
        ``2 × threshold`` below the target and the upper end of its interval still below it.
        """
        below_others = math.isfinite(self.site_diff) and self.site_diff <= -threshold
        if below_others and math.isfinite(self.site_p_adj) and self.site_p_adj < 0.05:
            return -self.site_diff
        target = self.mean + self.gap
        if self.gap >= 2 * threshold and self.ci_high < target:
            return self.gap
        return None


@dataclass(frozen=True)
class NeedsResult:
    """Everything the needs analysis found.

    ``to_dict()`` gives the JSON of ``tpo-scoping needs``: ``as_of``, ``quality``, ``gaps``,
    ``priorities``, ``ramp``, ``retention``, ``compliance``, ``impact`` (when the data allows),
    ``site_tests``, ``logrank``, ``baseline`` and ``settings``.
    """

    as_of: dt.date
    quality: QualityReport
    settings: NeedsSettings
    gaps: pd.DataFrame
    site_tests: pd.DataFrame
    priorities: list[dict[str, Any]]
    ramp: pd.DataFrame
    ramp_curves: pd.DataFrame
    retention: pd.DataFrame
    km_curves: pd.DataFrame
    logrank: dict[str, Any]
    compliance: pd.DataFrame
    compliance_status: pd.DataFrame
    impact: list[ImpactEstimate] | None
    baseline: dict[str, BaselineValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    compliance_domains: list[str] = field(default_factory=list)

    # -- retention
    def retention_at(self, site: str = ALL, day: int = 90, cohort: str = ALL) -> RetentionPoint:
        """The retention row of a site (or ``"all"``) and day, e.g. ``retention_at("all", 90)``.

        Raises ``KeyError`` when there is no such row.
        """
        for point in self._retention_points(cohort):
            if point.site == site and point.day == day:
                return point
        raise KeyError(f"no retention row for site={site!r}, day={day}, cohort={cohort!r}")

    def retention_points(self, day: int = 90) -> list[RetentionPoint]:
        """Every site's retention at ``day`` (the whole team first), all hire cohorts pooled."""
        points = [p for p in self._retention_points(ALL) if p.day == day]
        return sorted(points, key=lambda p: (p.site != ALL, p.site))

    def _retention_points(self, cohort: str) -> list[RetentionPoint]:
        rows = _rows(self.retention)
        return [
            RetentionPoint(
                site=str(r.site),
                cohort=str(r.cohort),
                day=int(r.day),
                estimate=float(r.estimate),
                ci_low=float(r.ci_low),
                ci_high=float(r.ci_high),
                n=int(r.n),
                exits=int(r.exits),
                at_risk=int(r.at_risk),
            )
            for r in rows
            if r.cohort == cohort
        ]

    def low_retention_sites(self, day: int = 90) -> list[str]:
        """Sites whose retention at ``day`` is clearly below the team's: upper bound below it."""
        points = self.retention_points(day)
        overall = next((p for p in points if p.site == ALL), None)
        if overall is None or not math.isfinite(overall.estimate):
            return []
        return sorted(p.site for p in points if p.site != ALL and p.ci_high < overall.estimate)

    # -- compliance
    def compliance_rows(self) -> list[ComplianceRow]:
        """Every site × module row, the sites' and the team's totals (module ``"all"``) too."""
        return [
            ComplianceRow(
                site=str(r.site),
                module=str(r.module),
                required=int(r.required),
                current=int(r.current),
                expiring=int(r.expiring_30 + r.expiring_60 + r.expiring_90),
                overdue=int(r.overdue),
                never_completed=int(r.never_completed),
                not_yet_due=int(r.not_yet_due),
            )
            for r in _rows(self.compliance)
        ]

    def site_compliance(self) -> list[ComplianceRow]:
        """Each site's total over its required modules, then the whole team's."""
        rows = [r for r in self.compliance_rows() if r.module == ALL]
        return sorted(rows, key=lambda r: (r.site == ALL, r.site))

    def team_compliance(self) -> ComplianceRow | None:
        """The whole team's total over every required module (``None`` without records)."""
        return next((r for r in self.site_compliance() if r.site == ALL), None)

    def lapsed_compliance(self, floor: float) -> list[ComplianceRow]:
        """Site × module rows where somebody is late and under ``floor`` are on time."""
        return [
            r
            for r in self.compliance_rows()
            if r.site != ALL and r.module != ALL and r.lapsed(floor)
        ]

    def lapsed_sites(self, floor: float) -> list[ComplianceRow]:
        """Sites (totals over their modules) where somebody is late, under ``floor`` on time."""
        return [r for r in self.site_compliance() if r.site != ALL and r.lapsed(floor)]

    # -- competency gaps
    def competency_gaps(self) -> list[CompetencyGap]:
        """Every role × site × competency cell of the gap analysis."""
        frame = self.gaps
        if frame is None or frame.empty:
            return []
        nan = math.nan
        return [
            CompetencyGap(
                role=str(r["role"]),
                site=str(r["site"]),
                competency=str(r["competency"]),
                n=int(r["n"]),
                mean=float(r["mean"]),
                ci_low=float(r["ci_low"]),
                ci_high=float(r["ci_high"]),
                gap=float(r["gap"]),
                site_diff=_number(r.get("site_diff", nan)),
                site_p_adj=_number(r.get("site_p_adj", nan)),
            )
            for r in frame.to_dict(orient="records")
        ]

    def material_gaps(self, threshold: float) -> list[CompetencyGap]:
        """Gaps large and clear enough to train for, largest first (see ``material_points``)."""
        out = []
        for gap in self.competency_gaps():
            points = gap.material_points(threshold)
            if points is not None:
                out.append(_with_points(gap, points))
        return sorted(out, key=lambda g: -g.points)

    # -- ramp
    def ramp_for(self, role: str, site: str = ALL, metric: str | None = None) -> dict[str, Any]:
        """The ramp row of a role (pooled sites by default) for the primary metric."""
        metric = metric or primary_metric(self.ramp)
        rows = self.ramp[
            (self.ramp["role"] == role)
            & (self.ramp["site"] == site)
            & (self.ramp["metric"] == metric)
        ]
        if rows.empty:
            # A role at a single site has no separate "all" row.
            rows = self.ramp[(self.ramp["role"] == role) & (self.ramp["metric"] == metric)]
        if rows.empty:
            raise KeyError(f"no ramp row for role={role!r}, site={site!r}, metric={metric!r}")
        return dict(rows.iloc[0])

    def baseline_value(self, name: str) -> float:
        """The point value of a baseline (NaN when the data did not allow it)."""
        item = self.baseline.get(name)
        return item.value if item is not None else math.nan

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "quality": self.quality.to_dict(),
            "gaps": records(self.gaps),
            "priorities": self.priorities,
            "site_tests": records(self.site_tests),
            "ramp": records(self.ramp),
            "retention": records(self.retention),
            "logrank": self.logrank,
            "compliance": records(self.compliance),
            "compliance_domains": self.compliance_domains,
            "baseline": {k: v.to_dict() for k, v in self.baseline.items()},
            "notes": self.notes,
            "settings": {
                "pass_mark": self.settings.pass_mark,
                "target_proficiency": self.settings.target_proficiency,
                "confidence": self.settings.confidence,
                "alpha": self.settings.alpha,
                "proficiency_share": self.settings.proficiency_share,
            },
        }
        if self.impact is not None:
            out["impact"] = [estimate.to_dict() for estimate in self.impact]
        return out


def _rows(frame: pd.DataFrame | None) -> list[Any]:
    """A table's rows as named tuples (none for a missing or empty table)."""
    return [] if frame is None or frame.empty else list(frame.itertuples(index=False))


def _number(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def _with_points(gap: CompetencyGap, points: float) -> CompetencyGap:
    from dataclasses import replace

    return replace(gap, points=points)


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A table as JSON-ready records, missing values as ``None``."""
    if frame is None or frame.empty:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(r) for r in clean.to_dict(orient="records")]


def primary_metric(ramp: pd.DataFrame) -> str:
    """The metric ramp time is quoted on: productivity when measured, else the first known."""
    present = set(ramp["metric"]) if not ramp.empty else set()
    for metric in ("productivity", "error_rate", "quality", "csat", "handle_time"):
        if metric in present:
            return metric
    return "productivity"
