"""The whole engagement scope of one prospect: fit, economics, needs, KPIs, plan and clauses.

:func:`build_scope` runs every analysis once and returns a plain :class:`Scope`; the brief
renderers (:mod:`tpo_scoping.report`) and the ``scope`` command only present it.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 12}]\\n"
...                   "readiness: {kpis_defined: true, processes_stable: true}")
>>> scope = build_scope(p, simulations=0)
>>> scope.fit.recommendation
'catalog_licensing'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpo_scoping.clauses import ClauseSet, draft_clauses
from tpo_scoping.kpis import Cadence, KpiDraft, draft_kpis
from tpo_scoping.labels import module_title
from tpo_scoping.plan import EngagementPlan, engagement_plan
from tpo_scoping.profile import Profile, load_profile, plausibility_warnings
from tpo_scoping.verdict import FitVerdict, fit_verdict
from tpo_scoping.verdict.facts import Thresholds

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult
    from tpo_scoping.ingest import PerformanceData
    from tpo_scoping.needs import NeedsResult


@dataclass(frozen=True)
class Scope:
    """Everything a prospect signs off on, computed once."""

    profile: Profile
    fit: FitVerdict
    break_even: BreakEvenResult
    needs: NeedsResult | None
    kpis: KpiDraft
    plan: EngagementPlan
    clauses: ClauseSet
    as_of: dt.date | None = None
    generated_on: dt.date = field(default_factory=dt.date.today)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the keys of ``tpo-scoping scope --format json``."""
        out: dict[str, Any] = {
            "prospect": self.profile.prospect,
            "total_fte": self.profile.total_fte,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "fit": self.fit.to_dict(),
            "break_even": self.break_even.to_dict(),
        }
        if self.needs is not None:
            out["needs"] = self.needs.to_dict()
        out["kpis"] = [k.to_dict() for k in self.kpis.kpis]
        out["kpi_settings"] = {
            key: value for key, value in self.kpis.to_dict().items() if key != "kpis"
        }
        out["plan"] = self.plan.to_dict()
        out["clauses"] = self.clauses.to_dict()
        out["notes"] = list(self.notes)
        return out


def load_data(
    source: str | Path | PerformanceData | None,
    profile: Profile,
    mapping: dict[str, dict[str, str]] | None = None,
) -> PerformanceData | None:
    """Performance data from a path (or ``None``: the profile's ``data.path``).

    ``mapping`` (the command line's ``--map``) is laid over the profile's ``data.mapping``;
    the profile's ``data.tables`` and ``data.date_order`` apply too.
    """
    if source is None:
        if profile.data is None or profile.data.path is None:
            return None
        source = profile.data.path
    if not isinstance(source, str | Path):
        return source  # already loaded
    from tpo_scoping.ingest import load_performance_data

    merged: dict[str, dict[str, str]] = {}
    tables: dict[str, str] = {}
    dayfirst = None
    if profile.data is not None:
        merged = {t: dict(m) for t, m in profile.data.mapping.items()}
        tables = dict(profile.data.tables)
        dayfirst = profile.data.dayfirst
    for table, columns in (mapping or {}).items():
        merged.setdefault(table, {}).update(columns)
    return load_performance_data(source, merged or None, tables=tables or None, dayfirst=dayfirst)


def analyse(
    data: PerformanceData | None,
    profile: Profile,
    as_of: dt.date | None,
    *,
    with_impact: bool = True,
) -> NeedsResult | None:
    """Run the needs analysis of the data; ``None`` without data.

    ``with_impact=False`` leaves out the training-impact models, which the scope never reads.
    """
    if data is None:
        return None
    from tpo_scoping.needs import analyse_needs

    return analyse_needs(data, profile=profile, as_of=as_of, with_impact=with_impact)


def build_scope(
    profile: Profile | str | Path,
    data: str | Path | PerformanceData | None = None,
    as_of: dt.date | None = None,
    *,
    ambition: float = 0.5,
    cadence: Cadence = "monthly",
    simulations: int = 2000,
    seed: int = 0,
    needs: NeedsResult | None = None,
    break_even: BreakEvenResult | None = None,
) -> Scope:
    """Build the engagement scope of a prospect.

    Parameters
    ----------
    profile : Profile or path
        The prospect profile (a path is loaded and validated).
    data : path or PerformanceData, optional
        Performance data; defaults to the profile's ``data.path`` when it has one.
    as_of : date, optional
        Date the needs analysis is computed at (default: the latest date in the data).
    ambition : float
        Share of the gap to the best quartile the KPI targets close (0-1).
    cadence : {"monthly", "quarterly"}
        KPI measurement and reporting cadence.
    simulations, seed : int
        Monte Carlo size and seed of the economics.
    needs, break_even : optional
        Precomputed results (skip recomputation, e.g. in apps and tests).

    Returns
    -------
    Scope
        ``fit``, ``break_even``, ``needs``, ``kpis``, ``plan``, ``clauses``; ``to_dict()`` gives
        the JSON of the ``scope`` command.
    """
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    notes: list[str] = list(plausibility_warnings(profile))
    if needs is None:
        needs = analyse(load_data(data, profile), profile, as_of)
    if needs is None:
        notes.append(
            "No performance data: KPI baselines are packaged defaults and the verdict rests on"
            " the profile alone."
        )
    else:
        notes += _data_warnings(needs)
    if break_even is None:
        from tpo_scoping.economics import break_even as compute_break_even

        break_even = compute_break_even(
            profile, simulations=simulations, seed=seed, sensitivity=simulations > 0
        )
    kpis = draft_kpis(profile, needs, ambition=ambition, cadence=cadence)
    fit = fit_verdict(profile, break_even, needs, kpis)
    gaps, lapses = _training_targets(needs)
    plan = engagement_plan(
        profile, fit.recommendation, gaps=gaps, compliance_lapses=lapses, cadence=cadence
    )
    clauses = draft_clauses(
        profile,
        kpis,
        plan,
        gaps=gaps,
        break_even=break_even,
        recommendation=fit.recommendation,
    )
    if as_of is None and needs is not None:
        as_of = needs.as_of
    return Scope(profile, fit, break_even, needs, kpis, plan, clauses, as_of=as_of, notes=notes)


def _training_targets(needs: NeedsResult | None) -> tuple[list[str], list[str]]:
    """The material competency gaps and the lapsed compliance modules the plan prioritises."""
    if needs is None:
        return [], []
    t = Thresholds.load()
    gaps = list(dict.fromkeys(g.label for g in needs.material_gaps(t.material_gap_points)))
    lapses = list(
        dict.fromkeys(
            f"{module_title(r.module)} at {r.site_name}"
            for r in needs.lapsed_compliance(t.compliance_coverage_floor)
        )
    )
    return gaps, lapses


def _data_warnings(needs: NeedsResult) -> list[str]:
    """What the data could not support (no exit dates, no site column), for the brief."""
    return [f"Performance data: {w}" for w in needs.quality.warnings]
