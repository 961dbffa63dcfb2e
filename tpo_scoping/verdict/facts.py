"""What the verdict knows about a prospect, gathered once from the profile and the results.

:class:`Facts` reads the profile, the economics, the needs analysis and the KPI draft through
their typed attributes; the rules (:mod:`~tpo_scoping.verdict.decide`) and the words
(:mod:`~tpo_scoping.verdict.wording`) read only these facts, so a figure the headline quotes is
the figure the rule tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpo_scoping.headcount import HeadcountPlan
from tpo_scoping.labels import domain_label, domain_short
from tpo_scoping.reference import load_reference

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult, Comparison
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.profile import Profile


@dataclass(frozen=True)
class Thresholds:
    """The verdict's thresholds (``engagement_defaults.yaml``, ``fit``)."""

    tpo_min_fte: float
    premature_below_fte: float
    scaling_hires_per_quarter: float
    fte_per_ld_staff: float
    material_gap_points: float
    simple_needs_max_gaps: float
    compliance_coverage_floor: float
    custom_min_fte: float

    @classmethod
    def load(cls) -> Thresholds:
        raw = load_reference("engagement_defaults")["fit"]
        return cls(**{k: float(v["value"]) for k, v in raw.items()})


@dataclass(frozen=True)
class Facts:
    """Everything the rules and the words need, each fact computed once."""

    profile: Profile
    thresholds: Thresholds
    plan: HeadcountPlan
    economics: BreakEvenResult | None
    needs: NeedsResult | None
    kpis: KpiDraft | None
    gap_labels: tuple[str, ...]

    @classmethod
    def gather(
        cls,
        profile: Profile,
        economics: BreakEvenResult | None,
        needs: NeedsResult | None,
        kpis: KpiDraft | None,
    ) -> Facts:
        t = Thresholds.load()
        gaps = needs.material_gaps(t.material_gap_points) if needs is not None else []
        labels = tuple(dict.fromkeys(g.label for g in gaps))
        return cls(profile, t, HeadcountPlan.from_profile(profile), economics, needs, kpis, labels)

    # -- the team
    @property
    def fte(self) -> int:
        return self.profile.total_fte

    @property
    def hires(self) -> float:
        return self.profile.growth.hires_per_quarter

    @property
    def horizon(self) -> int:
        return self.economics.horizon_months if self.economics is not None else 12

    @property
    def fte_in_a_year(self) -> float:
        """The team after 12 months of planned gross hiring and attrition."""
        return self.plan.fte_after(12)

    @property
    def scaling(self) -> bool:
        return self.hires >= self.thresholds.scaling_hires_per_quarter

    @property
    def regulated_domains(self) -> list[str]:
        return [d for d in self.profile.compliance_domains if d != "general"]

    @property
    def domain_labels(self) -> list[str]:
        return [domain_label(d) for d in self.regulated_domains]

    @property
    def domain_short(self) -> list[str]:
        return [domain_short(d) for d in self.regulated_domains]

    @property
    def no_ld(self) -> bool:
        """Under one internal L&D person per ``fte_per_ld_staff`` FTE."""
        return self.profile.internal_ld_staff * self.thresholds.fte_per_ld_staff < self.fte

    @property
    def simple_needs(self) -> bool:
        """No regulated domain, one country, and at most the allowed material gaps."""
        simple = not self.regulated_domains and len(self.profile.countries) == 1
        if self.needs is not None:
            simple = simple and len(self.gap_labels) <= self.thresholds.simple_needs_max_gaps
        return simple

    @property
    def premature(self) -> bool:
        """Under 20 FTE with simple needs: the TPO guide's "likely premature"."""
        return self.fte < self.thresholds.premature_below_fte and self.simple_needs

    # -- the economics
    @property
    def tpo_cheaper_than_catalog(self) -> bool | None:
        """TPO's total over the horizon at or below catalog licensing's (setup fee included)."""
        if self.economics is None:
            return None
        options = self.economics.options
        return options["tpo"].total_cost <= options["catalog_licensing"].total_cost

    @property
    def at_scale(self) -> bool:
        """50+ FTE today, or a break-even the plan reaches within the horizon.

        With economics, "reached" means TPO's cumulative cost, setup fee included, falls to
        catalog licensing's within the horizon; without, the team reaches the 50-FTE scale
        within a year of planned hiring.
        """
        if self.fte >= self.thresholds.tpo_min_fte:
            return True
        if self.economics is not None:
            return self.economics.crossing_month is not None
        return self.fte_in_a_year >= self.thresholds.tpo_min_fte

    def tpo_against(self, other: str | None = None) -> Comparison | None:
        """TPO against an option (default: the best alternative), or ``None`` without costs."""
        return None if self.economics is None else self.economics.tpo_against(other)
