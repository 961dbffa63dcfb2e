"""Two scenarios of one prospect side by side: what differs in the inputs and in the answers.

A sales engineer keeps one version of the inputs (say 20 hires a quarter) and changes another
(40 a quarter); :func:`compare_scopes` lines up the two :class:`~tpo_scoping.scope.Scope` results,
formatted as everywhere else (:mod:`tpo_scoping.labels`), and marks each row whose values differ.
The scoping calculator shows it and the brief can include it.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> from tpo_scoping.scope import build_scope
>>> base = "prospect: X\\nsites: [{country: PH, fte: 40}]\\ngrowth: {hires_per_quarter: %d}"
>>> first, second = (build_scope(parse_profile(base % n), simulations=0) for n in (20, 40))
>>> comparison = compare_scopes(first, second, ("20 hires", "40 hires"))
>>> [row.label for row in comparison.rows if row.differs][:2]
['New hires per quarter', 'Team at the end of the horizon']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpo_scoping.labels import MISSING, domain_label, fte, money, pct, words

if TYPE_CHECKING:
    from tpo_scoping.scope import Scope


@dataclass(frozen=True)
class ScenarioRow:
    """One line of the comparison: what it is, its value in each scenario, whether they differ."""

    label: str
    first: str
    second: str

    @property
    def differs(self) -> bool:
        return self.first != self.second


@dataclass(frozen=True)
class ScenarioComparison:
    """Two scenarios of one prospect, row by row (inputs first, then the answers)."""

    names: tuple[str, str]
    rows: tuple[ScenarioRow, ...]

    @property
    def differences(self) -> tuple[ScenarioRow, ...]:
        return tuple(row for row in self.rows if row.differs)


def _facts(scope: Scope) -> dict[str, str]:
    """The figures a scenario is compared on, formatted as the apps and the brief show them."""
    profile = scope.profile
    be = scope.break_even
    years = f"{be.horizon_months / 12:g}"
    readiness = profile.readiness.model_dump()
    measurable = sum(1 for k in scope.kpis.kpis if k.detectable)
    quoted = be.quoted_break_even()
    return {
        "Sites": ", ".join(f"{s.label} ({s.fte:,} FTE)" for s in profile.sites),
        "Offshore FTE today": f"{profile.total_fte:,}",
        "New hires per quarter": f"{profile.growth.hires_per_quarter:g}",
        "Annual attrition": pct(profile.growth.annual_attrition),
        "Compliance domains": "; ".join(domain_label(d) for d in profile.compliance_domains),
        "Training today": words(profile.current_training.value),
        "Readiness checklist": f"{sum(readiness.values())} of {len(readiness)} in place",
        "Team at the end of the horizon": fte(be.team_fte_end),
        "Fit verdict": scope.fit.label,
        f"TPO over {years} years, cash": money(be.options["tpo"].cash_cost),
        f"TPO over {years} years, total": money(be.options["tpo"].total_cost),
        f"Catalog licensing over {years} years, total": money(
            be.options["catalog_licensing"].total_cost
        ),
        f"Today's practice over {years} years, total": money(be.current_practice_costs.total_cost),
        "Break-even against catalog licensing": fte(quoted.fte) if quoted else "none",
        "KPIs measurable month to month": f"{measurable} of {len(scope.kpis.kpis)}",
    }


def compare_scopes(
    first: Scope, second: Scope, names: tuple[str, str] = ("Scenario A", "Scenario B")
) -> ScenarioComparison:
    """Line up two scopes of one prospect; rows in the order of :func:`_facts`."""
    a, b = _facts(first), _facts(second)
    rows = tuple(ScenarioRow(label, a[label], b.get(label, MISSING)) for label in a)
    return ScenarioComparison(names, rows)
