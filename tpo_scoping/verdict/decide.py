"""The verdict's rules: which engagement model fits, decided from :class:`Facts`.

1. **Not ready** when the prospect has no clear KPIs or its processes are still being defined
   ("TPO cannot be scoped or measured without them"; "you need stable workflows").
2. **Catalog licensing** under 20 FTE with simple needs: never TPO there (the TPO guide calls it
   premature).
3. **TPO** when the team is at scale (50+ FTE, or the break-even reached on the growth path
   within the horizon, setup fee included), at least one demand criterion holds (scaling 10+
   hires a quarter, a regulated domain, no internal L&D capacity), **and** TPO is not dearer than
   the best alternative over the horizon. In a regulated domain TPO may still be recommended
   when it costs more, on compliance grounds, with the extra cost in the headline.
4. **Custom course development** for a team of 20+ FTE (or a small team with complex needs)
   with specific competency gaps that generic catalog content does not target.
5. **Catalog licensing** otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tpo_scoping.labels import training_label
from tpo_scoping.verdict.facts import Facts
from tpo_scoping.verdict.result import Criterion, Recommendation

TPO_GUIDE = "TPO guide, a vendor's guide: when TPO makes sense"
PREMATURE = "TPO guide, a vendor's guide: when TPO is likely premature"

Basis = Literal["cost", "compliance", "criteria", "readiness"]


@dataclass(frozen=True)
class Decision:
    """The recommendation, what it rests on, and the criteria it was decided from."""

    recommendation: Recommendation
    basis: Basis
    criteria: dict[str, Criterion]
    tpo_case: bool
    """The TPO guide's criteria hold (scale and demand), whatever the costs say."""

    @property
    def demand(self) -> list[Criterion]:
        return [
            self.criteria[k] for k in ("scaling", "compliance", "no_ld") if self.criteria[k].met
        ]


def criteria(f: Facts) -> dict[str, Criterion]:
    """The TPO guide's criteria, each with whether it holds and the evidence."""
    t = f.thresholds
    if f.profile.internal_ld_staff == 0:
        today = training_label(f.profile.current_training.value)
        ld_detail = f"no internal L&D staff; training today is {today}"
    else:
        ld_detail = (
            f"{f.profile.internal_ld_staff:g} internal L&D staff for {f.fte} FTE"
            f" ({'under' if f.no_ld else 'at least'} one per {t.fte_per_ld_staff:.0f} FTE)"
        )
    readiness = f.profile.readiness
    items = [
        Criterion(
            "scale",
            f"{t.tpo_min_fte:.0f}+ offshore FTEs, or the break-even reached on the growth path",
            f.at_scale,
            _scale_detail(f),
            TPO_GUIDE,
        ),
        Criterion(
            "scaling",
            f"onboarding {t.scaling_hires_per_quarter:.0f}+ hires per quarter (growth or"
            " replacement)",
            f.scaling,
            f"{f.plan.hiring_phrase()}",
            TPO_GUIDE,
        ),
        Criterion(
            "compliance",
            "compliance-sensitive domain",
            bool(f.regulated_domains),
            "; ".join(f.domain_labels) if f.domain_labels else "no regulated domain listed",
            TPO_GUIDE,
        ),
        Criterion("no_ld", "no internal L&D capacity", f.no_ld, ld_detail, TPO_GUIDE),
        Criterion(
            "small_simple",
            f"under {t.premature_below_fte:.0f} FTEs with simple needs",
            f.premature,
            _needs_detail(f),
            PREMATURE,
        ),
        Criterion(
            "kpis_defined",
            "clear performance KPIs exist",
            readiness.kpis_defined,
            "KPIs agreed" if readiness.kpis_defined else "no agreed KPIs for the offshore team",
            PREMATURE,
        ),
        Criterion(
            "processes_stable",
            "processes stable, not still being defined",
            readiness.processes_stable,
            "workflows stable"
            if readiness.processes_stable
            else "workflows still being defined or changing",
            PREMATURE,
        ),
    ]
    return {c.key: c for c in items}


def decide(f: Facts) -> Decision:
    """Apply the rules in order (see the module docstring)."""
    by_key = criteria(f)
    demand = any(by_key[k].met for k in ("scaling", "compliance", "no_ld"))
    tpo_case = bool(f.at_scale and demand and not f.premature)
    readiness = f.profile.readiness
    if not readiness.kpis_defined or not readiness.processes_stable:
        return Decision("not_ready", "readiness", by_key, tpo_case)
    if tpo_case:
        against = f.tpo_against()
        if against is None:
            return Decision("tpo", "criteria", by_key, tpo_case)
        if against.total_difference <= 0:
            return Decision("tpo", "cost", by_key, tpo_case)
        if f.regulated_domains:
            return Decision("tpo", "compliance", by_key, tpo_case)
    basis: Basis = "cost" if f.economics is not None else "criteria"
    if f.premature:
        return Decision("catalog_licensing", basis, by_key, tpo_case)
    t = f.thresholds
    if f.gap_labels and (f.fte >= t.custom_min_fte or not f.simple_needs):
        return Decision("custom_course_development", basis, by_key, tpo_case)
    return Decision("catalog_licensing", basis, by_key, tpo_case)


def _scale_detail(f: Facts) -> str:
    from tpo_scoping.labels import fte

    parts = [f"{f.fte} offshore FTE today"]
    e = f.economics
    if e is None:
        parts.append(
            f"planned hiring and attrition take the team to about {fte(f.fte_in_a_year)} in a"
            " year (no economics given)"
        )
    elif e.crossing_month is not None:
        parts.append(
            f"on this plan TPO's cumulative cost, setup fee included, falls to catalog"
            f" licensing's by month {e.crossing_month} of {e.horizon_months}"
        )
    else:
        parts.append(
            f"on this plan TPO's cumulative cost stays above catalog licensing's through month"
            f" {e.horizon_months}"
        )
    return "; ".join(parts)


def _needs_detail(f: Facts) -> str:
    parts = [f"{f.fte} FTE"]
    if f.regulated_domains:
        parts.append("regulated work")
    if len(f.profile.countries) > 1:
        parts.append(f"{len(f.profile.countries)} countries")
    if f.needs is not None:
        count = len(f.gap_labels)
        if count == 0:
            parts.append("no material competency gap")
        else:
            parts.append(
                f"{count} material competency gap{'' if count == 1 else 's'}: {f.gap_labels[0]}"
            )
    parts.append("simple needs" if f.simple_needs else "needs beyond a catalog")
    return ", ".join(parts)
