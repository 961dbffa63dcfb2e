"""The verdict in words: a one-sentence headline and the deciding reasons.

Every figure in a sentence comes from :class:`~tpo_scoping.verdict.facts.Facts` (the same
comparison the rule tested) and is written with :mod:`tpo_scoping.labels`, so a headline cannot
say what the numbers beside it deny.
"""

from __future__ import annotations

from tpo_scoping.economics import Comparison
from tpo_scoping.labels import (
    hours,
    in_sentence,
    money,
    option_label,
    pct,
)
from tpo_scoping.verdict.decide import PREMATURE, Decision
from tpo_scoping.verdict.facts import Facts


def headline(f: Facts, d: Decision, interim: str | None) -> str:
    """One sentence for the call."""
    if d.recommendation == "not_ready":
        fixes = []
        if not f.profile.readiness.kpis_defined:
            fixes.append("agree KPIs")
        if not f.profile.readiness.processes_stable:
            fixes.append("stabilise workflows")
        return f"Not ready yet: {' and '.join(fixes)} first, then re-scope; {interim}."
    if d.recommendation == "tpo":
        return _tpo_headline(f, d)
    if d.recommendation == "catalog_licensing":
        if f.premature:
            text = (
                f"Catalog licensing fits: a {f.fte}-FTE team with simple needs is under the"
                f" {f.thresholds.premature_below_fte:.0f} FTE below which the TPO guide calls"
                " managed training premature"
            )
        else:
            gaps = (
                "no specific competency gaps beyond what catalog content covers"
                if f.needs is not None
                else "no performance data yet to show specific gaps"
            )
            text = f"Catalog licensing fits: {f.fte} FTE with {gaps}; {why_not_tpo(f, d)}"
        return text + _tpo_relation(f, "catalog_licensing") + "."
    shown = ", ".join(f.gap_labels[:2]) + (" and more" if len(f.gap_labels) > 2 else "")
    return (
        f"Custom course development fits: a {f.fte}-FTE team with specific gaps ({shown}) that"
        f" catalog content does not target; {why_not_tpo(f, d)}"
        + _tpo_relation(f, "custom_course_development")
        + "."
    )


def _tpo_headline(f: Facts, d: Decision) -> str:
    parts = [f"{f.fte} offshore FTE"]
    if f.scaling:
        parts.append(f.plan.hiring_phrase())
    if f.domain_short:
        parts.append("under " + " and ".join(f.domain_short))
    if f.no_ld:
        parts.append("with no real internal L&D capacity")
    who = ", ".join(parts)
    c = f.tpo_against()
    if c is None:
        return f"Managed training (TPO) fits: {who}; its costs have not been computed yet."
    horizon = f.horizon
    alt = in_sentence(option_label(c.other))
    if d.basis == "compliance":
        return (
            f"Managed training (TPO) fits on compliance grounds, not cost: {who}; it costs"
            f" {money(c.total_difference)} more than {alt} over {horizon} months, the price of a"
            " provider that owns compliance training and its tracking."
        )
    text = f"Managed training (TPO) fits: {who}; " + _cost_clause(c, alt, horizon)
    e = f.economics
    if e is not None and f.fte < f.thresholds.tpo_min_fte and e.crossing_month is not None:
        text += (
            f"; its cumulative cost, setup fee included, falls below catalog licensing's by"
            f" month {e.crossing_month}"
        )
    return text + "."


def _cost_clause(c: Comparison, alt: str, horizon: int) -> str:
    """TPO against the next cheapest option, in cash and imputed terms when they differ."""
    if c.rests_on_imputed_time:
        return (
            f"TPO costs {money(c.cash_difference)} more in cash than {alt} over {horizon} months"
            f" and frees about {hours(c.manager_hours_freed)} of onshore managers' time, which"
            f" with faster ramp-up we value at {money(-c.imputed_difference)}"
        )
    return (
        f"over {horizon} months it costs {money(-c.total_difference)} less than {alt}, the"
        " cheapest alternative"
    )


def _tpo_relation(f: Facts, recommended: str) -> str:
    """How TPO compares with the recommended option, in numbers ('' without economics)."""
    c = f.tpo_against(recommended)
    if c is None:
        return ""
    name = in_sentence(option_label(recommended))
    if c.total_difference > 0:
        return (
            f"; TPO would cost {money(c.total_difference)} more than {name} over {f.horizon} months"
        )
    imputed = ", all of it in imputed time" if c.rests_on_imputed_time else ""
    return (
        f"; TPO would cost {money(-c.total_difference)} less than {name} over {f.horizon}"
        f" months{imputed}, but the TPO guide's criteria for it do not hold"
    )


def why_not_tpo(f: Facts, d: Decision) -> str:
    """Why managed training is not the recommendation, in a clause."""
    if d.tpo_case:
        c = f.tpo_against()
        if c is not None and c.total_difference > 0:
            return (
                f"managed training would cost {money(c.total_difference)} more than"
                f" {in_sentence(option_label(c.other))} over {f.horizon} months"
            )
    t = f.thresholds
    parts = []
    if not d.criteria["scale"].met:
        parts.append(f"under the {t.tpo_min_fte:.0f}-FTE scale")
    if not f.scaling:
        parts.append("not scaling fast")
    if not f.regulated_domains:
        parts.append("no regulated domain")
    if not f.no_ld:
        parts.append("internal L&D capacity in place")
    return "not a managed-service case (" + (", ".join(parts) or "no demand criterion holds") + ")"


def reasons(f: Facts, d: Decision) -> list[str]:
    """The deciding reasons, then the economics in one sentence."""
    by_key = d.criteria
    out: list[str]
    if d.recommendation == "not_ready":
        blockers = [by_key[k] for k in ("kpis_defined", "processes_stable") if not by_key[k].met]
        out = [f"Premature: {c.detail} ({c.source})." for c in blockers]
        if d.tpo_case:
            out.append(
                "Once fixed, managed training is the likely fit: "
                + "; ".join([by_key["scale"].detail, *(c.detail for c in d.demand)])
                + "."
            )
    elif d.recommendation == "tpo":
        out = [f"At scale: {by_key['scale'].detail}."]
        out += [f"{c.label[:1].upper()}{c.label[1:]}: {c.detail}." for c in d.demand]
        if d.basis == "compliance":
            out.append(
                "TPO costs more than the alternatives here; the case is a provider that owns"
                " compliance training and tracking in a regulated domain, not a saving."
            )
    elif d.recommendation == "custom_course_development":
        out = [
            f"Specific competency gaps: {', '.join(f.gap_labels)}, which generic catalog content"
            " does not target.",
            f"{why_not_tpo(f, d)[:1].upper()}{why_not_tpo(f, d)[1:]}.",
        ]
    elif f.premature:
        out = [
            f"Premature for TPO: {by_key['small_simple'].detail} ({PREMATURE}).",
            "Catalog licensing is the cost-effective start, with an upgrade path to TPO as the"
            " team grows (the TPO guide's advice).",
        ]
    else:
        why = (
            "no specific competency gap found in the data"
            if f.needs is not None
            else "no performance data yet to show specific gaps"
        )
        out = [
            f"{why_not_tpo(f, d)[:1].upper()}{why_not_tpo(f, d)[1:]}.",
            f"Catalog content covers the needs: {why}.",
        ]
    if f.economics is not None:
        out.append(economics_sentence(f))
    return out


def economics_sentence(f: Facts) -> str:
    """The economics the verdict read, in one sentence: cheapest option, TPO cash and imputed."""
    e = f.economics
    assert e is not None
    tpo = e.options["tpo"]
    text = f"Economics over {e.horizon_months} months (undiscounted): "
    if e.cheapest_option == "tpo":
        alt = e.options[e.best_alternative]
        text += (
            f"TPO is the cheapest option at {money(tpo.total_cost)} ({money(tpo.cash_cost)} of it"
            f" in cash); next comes {in_sentence(alt.label)} at {money(alt.total_cost)}"
            f" ({money(alt.cash_cost)} in cash)"
        )
    else:
        cheapest = e.options[e.cheapest_option]
        text += (
            f"the cheapest option is {in_sentence(cheapest.label)} at"
            f" {money(cheapest.total_cost)} ({money(cheapest.cash_cost)} in cash); TPO costs"
            f" {money(tpo.total_cost)} ({money(tpo.cash_cost)} in cash)"
        )
    if e.probability_tpo_cheaper is not None:
        text += (
            f"; TPO is cheaper than catalog licensing in {pct(e.probability_tpo_cheaper)} of"
            " simulated futures"
        )
    return text + "."
