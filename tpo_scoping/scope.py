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
from typing import Any

from tpo_scoping.clauses import ClauseSet, draft_clauses
from tpo_scoping.kpis import Cadence, KpiDraft, draft_kpis
from tpo_scoping.plan import EngagementPlan, engagement_plan
from tpo_scoping.profile import Profile, load_profile
from tpo_scoping.verdict import FitVerdict, _lapsed, fit_verdict, material_gaps


@dataclass
class Scope:
    """Everything a prospect signs off on, computed once."""

    profile: Profile
    fit: FitVerdict
    break_even: Any
    needs: Any
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
            "break_even": _plain(self.break_even),
        }
        if self.needs is not None:
            out["needs"] = _plain(self.needs)
        out["kpis"] = [k.to_dict() for k in self.kpis.kpis]
        out["kpi_settings"] = {
            key: value for key, value in self.kpis.to_dict().items() if key != "kpis"
        }
        out["plan"] = self.plan.to_dict()
        out["clauses"] = self.clauses.to_dict()
        out["notes"] = list(self.notes)
        return out


def _plain(result: Any) -> Any:
    if result is None:
        return None
    return result.to_dict() if hasattr(result, "to_dict") else result


def load_data(
    source: Any, profile: Profile, mapping: dict[str, dict[str, str]] | None = None
) -> Any:
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


def analyse(data: Any, profile: Profile, as_of: dt.date | None, *, with_impact: bool = True) -> Any:
    """Run the needs analysis when the module is available; ``None`` without data.

    ``with_impact=False`` leaves out the training-impact models, which the scope never reads.
    """
    if data is None:
        return None
    from tpo_scoping import needs as needs_module

    analyse_needs = getattr(needs_module, "analyse_needs", None)
    if analyse_needs is None:  # pragma: no cover - needs module without its entry point
        return None
    return analyse_needs(data, profile=profile, as_of=as_of, with_impact=with_impact)


def build_scope(
    profile: Profile | str | Path,
    data: Any = None,
    as_of: dt.date | None = None,
    *,
    ambition: float = 0.5,
    cadence: Cadence = "monthly",
    simulations: int = 2000,
    seed: int = 0,
    needs: Any = None,
    break_even: Any = None,
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
    notes: list[str] = []
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
    needs_dict = _plain(needs)  # converted once: the KPIs and the verdict read the same form
    kpis = draft_kpis(profile, needs_dict, ambition=ambition, cadence=cadence)
    fit = fit_verdict(profile, break_even, needs_dict, kpis)
    gaps = _gap_labels(needs_dict)
    lapses = _lapsed_sites(needs_dict)
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
    if as_of is None and needs_dict and needs_dict.get("as_of"):
        as_of = dt.date.fromisoformat(str(needs_dict["as_of"])[:10])
    return Scope(profile, fit, break_even, needs, kpis, plan, clauses, as_of=as_of, notes=notes)


def _data_warnings(needs: Any) -> list[str]:
    """What the data could not support (no exit dates, no site column), for the brief."""
    quality = getattr(needs, "quality", None)
    return [f"Performance data: {w}" for w in getattr(quality, "warnings", [])]


def _gap_labels(needs: Any) -> list[str]:
    labels: list[str] = []
    for row in material_gaps(needs) if needs else []:
        name = str(row.get("competency", "")).replace("_", " ")
        site = row.get("site")
        label = f"{name} ({site})" if site and site != "all" else name
        if name and label not in labels:
            labels.append(label)
    return labels


def _lapsed_sites(needs: Any) -> list[str]:
    if not needs:
        return []
    out: list[str] = []
    for row in needs.get("compliance") or []:
        site = row.get("site")
        if site in (None, "all"):
            continue
        if _lapsed(row):
            label = f"{row.get('module', '')} at {site}"
            if label not in out:
                out.append(label)
    return out
