"""The fit verdict: which engagement model fits a prospect, why, and what could make it fail.

The verdict is one of ``tpo`` (managed training), ``catalog_licensing``,
``custom_course_development`` or ``not_ready`` (fix something first). It follows the criteria of
the source article on Training Process Outsourcing (the "TPO guide"), with thresholds in
``tpo_scoping/data/engagement_defaults.yaml``:

1. **Not ready** when the prospect has no clear KPIs or its processes are still being defined
   ("TPO cannot be scoped or measured without them"; "you need stable workflows").
2. **TPO** when the team is at scale (50+ offshore FTEs, or the break-even crossed on the growth
   path) and at least one demand criterion holds: scaling 10+ hires a quarter, a
   compliance-sensitive domain, or no internal L&D capacity. A team of 20+ FTEs scaling fast in a
   regulated domain or without L&D also qualifies: it crosses the threshold within the year.
3. **Catalog licensing** under about 20 FTEs with simple needs (no regulated domain, one
   country, at most one material competency gap), or when no specific gap is known.
4. **Custom course development** for a stable team of 20+ FTEs (or a small team with complex
   needs) with specific competency gaps that generic catalog content does not target, not
   scaling fast enough for a managed service.

Each of the article's three failure modes raises a risk whose severity follows the readiness
checklist: no named accountable person, KPIs not set at contract start, training asked to fix an
integration problem.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> p = parse_profile('''
... prospect: X
... sites: [{country: PH, fte: 80}]
... growth: {hires_per_quarter: 20}
... compliance_domains: [healthcare]
... readiness: {kpis_defined: true, processes_stable: true}
... ''')
>>> fit_verdict(p).recommendation
'tpo'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tpo_scoping.labels import domain_label
from tpo_scoping.reference import load_reference

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

Recommendation = Literal["tpo", "catalog_licensing", "custom_course_development", "not_ready"]
Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: tuple[Severity, ...] = ("high", "medium", "low")
"""Risks are listed in this order, the most serious first."""

LABELS = {
    "tpo": "Managed training (TPO)",
    "catalog_licensing": "Catalog licensing",
    "custom_course_development": "Custom course development",
    "not_ready": "Not ready yet",
}
"""Plain names of the verdicts, for headlines and tables."""


@dataclass(frozen=True)
class Criterion:
    """One of the seed's criteria, whether it holds for this prospect, and the evidence."""

    key: str
    label: str
    met: bool | None
    detail: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "met": self.met,
            "detail": self.detail,
            "source": self.source,
        }


@dataclass(frozen=True)
class Risk:
    """A risk to the engagement, how serious it is, and what mitigates it."""

    key: str
    risk: str
    severity: Severity
    mitigation: str
    failure_mode: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "risk": self.risk,
            "severity": self.severity,
            "mitigation": self.mitigation,
            "failure_mode": self.failure_mode,
        }


@dataclass
class FitVerdict:
    """The recommendation, its one-sentence headline, the deciding reasons and the risks."""

    recommendation: Recommendation
    headline: str
    reasons: list[str]
    risks: list[Risk]
    criteria: list[Criterion] = field(default_factory=list)
    interim: str | None = None

    @property
    def label(self) -> str:
        return LABELS[self.recommendation]

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "label": self.label,
            "headline": self.headline,
            "reasons": list(self.reasons),
            "risks": [r.to_dict() for r in self.risks],
            "criteria": [c.to_dict() for c in self.criteria],
            "interim": self.interim,
        }


def _as_dict(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    if hasattr(result, "to_dict"):
        return dict(result.to_dict())
    return dict(result)


def _thresholds() -> dict[str, float]:
    raw = load_reference("engagement_defaults")["fit"]
    return {k: float(v["value"]) for k, v in raw.items()}


def material_gaps(needs: Any, min_points: float | None = None) -> list[dict[str, Any]]:
    """Competency gaps in a needs result large and clear enough to train for.

    Accepts a ``NeedsResult`` or its ``to_dict()``. A gap row (role x site x competency)
    counts when either

    * its site scores at least ``min_points`` below the other sites on that competency
      (``site_diff``) with a Holm-adjusted p-value (``site_p_adj``) under 0.05, or
    * its mean is at least ``2 x min_points`` below the target proficiency (``gap``) and the
      upper end of its confidence interval (``ci_high``) is still below the target.

    Rows carrying a plain ``gap_points``/``difference`` and ``significant`` flag are read too.
    Returns the rows with ``points`` (the size of the gap), largest first.
    """
    data = _as_dict(needs)
    if not data:
        return []
    threshold = _thresholds()["material_gap_points"] if min_points is None else min_points
    out = []
    for row in data.get("gaps") or []:
        points = _material_points(row, threshold)
        if points is not None:
            out.append({**row, "points": points})
    out.sort(key=lambda r: -r["points"])
    return out


def _material_points(row: Mapping[str, Any], threshold: float) -> float | None:
    site_diff = _first_number(row, ("site_diff",))
    if site_diff is not None:
        p_adj = _first_number(row, ("site_p_adj",))
        if site_diff <= -threshold and p_adj is not None and p_adj < 0.05:
            return -site_diff
    gap = _first_number(row, ("gap",))
    mean, ci_high = _first_number(row, ("mean",)), _first_number(row, ("ci_high",))
    if gap is not None and mean is not None and ci_high is not None:
        target = mean + gap
        if gap >= 2 * threshold and ci_high < target:
            return gap
        return None
    size = _first_number(row, ("gap_points", "difference", "gap"))
    if size is not None and abs(size) >= threshold and _significant(row):
        return abs(size)
    return None


def _first_number(row: Mapping[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        value = row.get(key)
        if isinstance(value, int | float) and value == value:
            return float(value)
    return None


def _significant(row: Mapping[str, Any]) -> bool:
    if "significant" in row and row["significant"] is not None:
        return bool(row["significant"])
    for key in ("q_value", "p_adjusted", "p_value"):
        value = row.get(key)
        if isinstance(value, int | float):
            return float(value) < 0.05
    lo, hi = row.get("ci_low"), row.get("ci_high")
    if isinstance(lo, int | float) and isinstance(hi, int | float):
        return lo > 0 or hi < 0
    return True  # no test reported: trust the size threshold


def _projected_fte(profile: Profile, quarters: int = 4) -> float:
    """FTEs after ``quarters`` of planned hiring net of attrition (no economics result)."""
    fte = float(profile.total_fte)
    quarterly_attrition = 1 - (1 - min(profile.growth.annual_attrition, 0.999)) ** 0.25
    for _ in range(quarters):
        fte = fte * (1 - quarterly_attrition) + profile.growth.hires_per_quarter
    return fte


def fit_verdict(
    profile: Profile,
    break_even: Any = None,
    needs: Any = None,
    kpis: Any = None,
) -> FitVerdict:
    """Recommend an engagement model and explain it.

    Parameters
    ----------
    profile : Profile
        The prospect profile (team size, growth, domains, L&D capacity, readiness).
    break_even : BreakEvenResult or dict, optional
        The economics result; its crossing on the growth path counts as "at scale".
    needs : NeedsResult or dict, optional
        The needs-analysis result; material gaps separate simple from specific needs, and
        lapsed compliance and at-risk retention add risks.
    kpis : KpiDraft, optional
        Drafted KPIs; default baselines or undetectable targets raise the KPI risk to medium.

    Returns
    -------
    FitVerdict
        ``recommendation``, a one-sentence ``headline``, the deciding ``reasons``, all
        ``criteria`` with their evidence, and ``risks`` (one per failure mode, plus any from
        the data), the most serious first.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 12}]\\n"
    ...                   "readiness: {kpis_defined: true, processes_stable: true}")
    >>> fit_verdict(p).recommendation
    'catalog_licensing'
    """
    t = _thresholds()
    economics = _as_dict(break_even)
    needs_dict = _as_dict(needs)
    fte = profile.total_fte
    hires = profile.growth.hires_per_quarter
    tpo_guide = "TPO guide: when TPO makes sense"
    premature = "TPO guide: when TPO is likely premature"

    # -- the seed's criteria, each with its evidence
    be_fte = economics.get("break_even_fte") if economics else None
    crossing = economics.get("crossing_month") if economics else None
    horizon = economics.get("horizon_months") if economics else None
    projected = _projected_fte(profile)
    if economics is not None:
        crossed = crossing is not None or (be_fte is not None and fte >= float(be_fte))
        steady = economics.get("break_even_fte_steady_team")
        if be_fte is None and crossing is not None:
            be_text = f"on the growth path TPO costs least from month {int(crossing)}"
            if isinstance(steady, int | float):
                be_text += f"; a team without growth breaks even at about {steady:.0f} FTE"
        elif be_fte is None:
            be_text = "the economics find no break-even within the horizon"
            if economics.get("break_even_reason"):
                be_text += f" ({economics['break_even_reason']})"
        elif fte >= float(be_fte):
            be_text = f"already past the modelled break-even of {float(be_fte):.0f} FTE"
        elif crossing is not None:
            be_text = (
                f"the growth path crosses the modelled break-even of {float(be_fte):.0f} FTE"
                f" in month {int(crossing)}"
            )
        else:
            be_text = (
                f"below the modelled break-even of {float(be_fte):.0f} FTE throughout the"
                f" {horizon or 36}-month horizon"
            )
    else:
        crossed = projected >= t["tpo_min_fte"]
        be_text = (
            f"planned hiring net of attrition takes the team to about {projected:.0f} FTE in a"
            " year (no economics result given)"
        )
    at_scale = fte >= t["tpo_min_fte"] or crossed
    scale_detail = f"{fte} offshore FTE today; {be_text}"
    scaling = hires >= t["scaling_hires_per_quarter"]
    regulated_domains = [d for d in profile.compliance_domains if d != "general"]
    domain_labels = [domain_label(d) for d in regulated_domains]
    domain_short = [_SHORT_DOMAIN.get(d, d.replace("_", " ")) for d in regulated_domains]
    ld_ratio_ok = profile.internal_ld_staff * t["fte_per_ld_staff"] >= fte
    no_ld = not ld_ratio_ok
    if profile.internal_ld_staff == 0:
        ld_detail = f"no internal L&D staff; training today is {_training_phrase(profile)}"
    else:
        ld_detail = (
            f"{profile.internal_ld_staff:g} internal L&D staff for {fte} FTE"
            f" ({'under' if no_ld else 'at least'} one per {t['fte_per_ld_staff']:.0f} FTE)"
        )
    gaps = material_gaps(needs_dict) if needs_dict else []
    gap_names = _gap_names(gaps)
    simple_needs = not regulated_domains and len(profile.countries) == 1
    if needs_dict is not None:
        simple_needs = simple_needs and len(gap_names) <= t["simple_needs_max_gaps"]
    readiness = profile.readiness

    criteria = [
        Criterion(
            "scale",
            f"{t['tpo_min_fte']:.0f}+ offshore FTEs, or the break-even crossed on the growth path",
            at_scale,
            scale_detail,
            tpo_guide,
        ),
        Criterion(
            "scaling",
            f"scaling {t['scaling_hires_per_quarter']:.0f}+ hires per quarter",
            scaling,
            f"{hires:g} hires planned per quarter",
            tpo_guide,
        ),
        Criterion(
            "compliance",
            "compliance-sensitive domain",
            bool(regulated_domains),
            "; ".join(domain_labels) if domain_labels else "no regulated domain listed",
            tpo_guide,
        ),
        Criterion("no_ld", "no internal L&D capacity", no_ld, ld_detail, tpo_guide),
        Criterion(
            "small_simple",
            f"under {t['premature_below_fte']:.0f} FTEs with simple needs",
            fte < t["premature_below_fte"] and simple_needs,
            _needs_phrase(fte, simple_needs, gap_names, regulated_domains, profile, needs_dict),
            premature,
        ),
        Criterion(
            "kpis_defined",
            "clear performance KPIs exist",
            readiness.kpis_defined,
            "KPIs agreed" if readiness.kpis_defined else "no agreed KPIs for the offshore team",
            premature,
        ),
        Criterion(
            "processes_stable",
            "processes stable, not still being defined",
            readiness.processes_stable,
            "workflows stable"
            if readiness.processes_stable
            else "workflows still being defined or changing",
            premature,
        ),
    ]
    by_key = {c.key: c for c in criteria}
    demand = [c for c in (by_key["scaling"], by_key["compliance"], by_key["no_ld"]) if c.met]

    # -- the decision
    interim = None
    recommendation: Recommendation
    if not readiness.kpis_defined or not readiness.processes_stable:
        recommendation = "not_ready"
        blockers = [by_key[k] for k in ("kpis_defined", "processes_stable") if not by_key[k].met]
        reasons = [f"Premature: {c.detail} ({c.source})." for c in blockers]
        if at_scale and demand:
            reasons.append(
                "Once fixed, managed training is the likely fit: "
                + "; ".join([scale_detail, *(c.detail for c in demand)])
                + "."
            )
        interim = "catalog licensing can cover immediate needs meanwhile"
    elif at_scale and demand:
        recommendation = "tpo"
        reasons = [f"At scale: {scale_detail}."] + [
            f"{_sentence_case(c.label)}: {c.detail}." for c in demand
        ]
    elif fte >= t["premature_below_fte"] and scaling and (by_key["compliance"].met or no_ld):
        recommendation = "tpo"
        reasons = [
            f"Scaling fast from {fte} FTE: {hires:g} hires a quarter; {be_text}.",
            *(f"{_sentence_case(c.label)}: {c.detail}." for c in demand if c.key != "scaling"),
        ]
    elif fte < t["premature_below_fte"] and simple_needs:
        recommendation = "catalog_licensing"
        reasons = [
            f"Premature for TPO: {by_key['small_simple'].detail} ({premature}).",
            "Catalog licensing is the cost-effective start, with an upgrade path to TPO as the"
            " team grows (TPO guide).",
        ]
    elif gap_names and (fte >= t["custom_min_fte"] or not simple_needs):
        recommendation = "custom_course_development"
        reasons = [
            f"Specific competency gaps: {', '.join(gap_names)}, which generic catalog content"
            " does not target.",
            f"Not a managed-service case: {_why_not_tpo(by_key, fte, t)}.",
            "Project-based custom course development is usually cheaper below the break-even"
            " (TPO guide).",
        ]
    else:
        recommendation = "catalog_licensing"
        why = (
            "no specific competency gap found in the data"
            if needs_dict is not None
            else "no performance data yet to show specific gaps"
        )
        reasons = [
            f"Not a managed-service case: {_why_not_tpo(by_key, fte, t)}.",
            f"Catalog content covers the needs: {why}.",
        ]
    if economics is not None:
        reasons.append(_economics_sentence(economics))

    risks = _failure_mode_risks(profile, kpis)
    risks += _data_risks(profile, needs_dict, economics, recommendation)
    risks.sort(key=lambda r: SEVERITY_ORDER.index(r.severity))  # stable: the most serious first
    steady_be = economics.get("break_even_fte_steady_team") if economics is not None else None
    headline = _headline(
        recommendation,
        profile,
        by_key,
        be_fte,
        crossing,
        gap_names,
        domain_short,
        interim,
        steady_be if isinstance(steady_be, int | float) else None,
    )
    return FitVerdict(recommendation, headline, reasons, risks, criteria, interim)


_SHORT_DOMAIN = {
    "healthcare": "HIPAA",
    "payments": "PCI DSS",
    "data_processing": "GDPR",
    "financial_services": "FINRA and BSA/AML",
}


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _training_phrase(profile: Profile) -> str:
    return {
        "manager_walkthroughs": "manager walkthroughs",
        "lms_only": "an LMS without a training owner",
        "internal_ld": "an internal L&D function",
        "adhoc_vendor": "ad-hoc vendors",
        "catalog_licensing": "licensed catalog content",
    }[profile.current_training.value]


def _gap_names(gaps: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for row in gaps:
        name = str(row.get("competency") or row.get("name") or "").replace("_", " ")
        site = row.get("site")
        label = f"{name} ({site})" if site and site != "all" else name
        if name and label not in names:
            names.append(label)
    return names


def _needs_phrase(
    fte: int,
    simple: bool,
    gaps: list[str],
    domains: list[str],
    profile: Profile,
    needs: Mapping[str, Any] | None,
) -> str:
    parts = [f"{fte} FTE"]
    if domains:
        parts.append("regulated work")
    if len(profile.countries) > 1:
        parts.append(f"{len(profile.countries)} countries")
    if needs is not None:
        parts.append(f"{len(gaps)} material competency gap(s)" + (f": {gaps[0]}" if gaps else ""))
    parts.append("simple needs" if simple else "needs beyond a catalog")
    return ", ".join(parts)


def _why_not_tpo(by_key: Mapping[str, Criterion], fte: int, t: Mapping[str, float]) -> str:
    parts = []
    if not by_key["scale"].met:
        parts.append(f"{fte} FTE, under the {t['tpo_min_fte']:.0f}-FTE scale")
    if not by_key["scaling"].met:
        parts.append("not scaling fast")
    if not by_key["compliance"].met:
        parts.append("no regulated domain")
    if not by_key["no_ld"].met:
        parts.append("internal L&D capacity in place")
    return ", ".join(parts) or "no demand criterion holds"


def _economics_sentence(economics: Mapping[str, Any]) -> str:
    cheapest = economics.get("cheapest_option")
    prob = economics.get("probability_tpo_cheaper")
    horizon = economics.get("horizon_months") or 36
    name = LABELS.get(str(cheapest), str(cheapest).replace("_", " "))
    text = f"Economics over {horizon} months: cheapest option {name}"
    if isinstance(prob, int | float):
        text += f"; TPO cheaper in {prob:.0%} of simulations"
    return text + "."


def _failure_mode_risks(profile: Profile, kpis: Any) -> list[Risk]:
    r = profile.readiness
    risks = [
        Risk(
            "no_accountable_person",
            "No named accountable person on the provider side: a shared inbox and a content"
            " library are a catalog, not a managed service (TPO guide)."
            if not r.named_accountable_person
            else "Accountability could drift to a ticket queue after signature (TPO guide).",
            "high" if not r.named_accountable_person else "low",
            "Name the provider's L&D lead in the contract before signature, with a response time"
            " and a replacement rule (clause 'Named accountable person').",
            failure_mode=True,
        )
    ]
    kpi_severity: Severity = "low"
    kpi_text = "KPIs exist; they must be written into the contract with baselines and targets."
    if not r.kpis_defined:
        kpi_severity = "high"
        kpi_text = (
            "KPIs are not set: without measurable targets at contract start there is no way to"
            " correct course (TPO guide)."
        )
    elif kpis is not None:
        items = list(getattr(kpis, "kpis", kpis))
        weak = _weak_kpi_findings(items)
        if weak:
            kpi_severity = "medium"
            kpi_text = "; ".join(weak) + "; a target that cannot be measured cannot be held."
    risks.append(
        Risk(
            "kpis_not_set",
            kpi_text,
            kpi_severity,
            "Sign the KPI table (ramp time, 90-day retention, pass rate, compliance status) as a"
            " contract schedule at start, baselines from the needs analysis, milestones at"
            " 30/60/90/180/365 days.",
            failure_mode=True,
        )
    )
    risks.append(
        Risk(
            "integration_problem",
            "Training is being asked to fix an integration problem: onshore staff do not treat"
            " offshore staff as team members, so training will raise knowledge but not"
            " performance (TPO guide)."
            if not r.offshore_integrated
            else "Rapid scaling can create integration failures alongside training gaps.",
            "high" if not r.offshore_integrated else "low",
            "Make integration a client management action alongside training: shared rituals,"
            " onshore buddies, offshore staff in team channels and reviews; track it separately"
            " from the training KPIs.",
            failure_mode=True,
        )
    )
    return risks


def _weak_kpi_findings(kpis: list[Any]) -> list[str]:
    """What weakens the drafted KPIs as contract terms, naming the KPIs concerned.

    >>> from types import SimpleNamespace as K
    >>> for finding in _weak_kpi_findings([
    ...     K(name="Ramp time", baseline_is_default=True, detectable=True, cadence="monthly"),
    ...     K(name="CSAT", baseline_is_default=False, detectable=False, cadence="monthly"),
    ...     K(name="Error rate", baseline_is_default=False, detectable=False, cadence="monthly"),
    ... ]):
    ...     print(finding)
    1 of 3 drafted KPIs (Ramp time) rests on a default baseline, not the prospect's data
    2 of 3 (CSAT, error rate) have targets too small to detect month by month at this team size
    """
    defaults = [k for k in kpis if getattr(k, "baseline_is_default", False)]
    hidden = [k for k in kpis if getattr(k, "detectable", None) is False]
    findings = []
    if defaults:
        rests = "rests on a default baseline" if len(defaults) == 1 else "rest on default baselines"
        findings.append(f"{_which(defaults, kpis, first=True)} {rests}, not the prospect's data")
    if hidden:
        quarterly = getattr(hidden[0], "cadence", "") == "quarterly"
        period = "quarter by quarter" if quarterly else "month by month"
        has = "has a target" if len(hidden) == 1 else "have targets"
        findings.append(
            f"{_which(hidden, kpis, first=not findings)} {has} too small to detect {period}"
            " at this team size"
        )
    return [f[0].upper() + f[1:] for f in findings[:1]] + findings[1:]


def _which(some: list[Any], of: list[Any], *, first: bool, most: int = 4) -> str:
    """Which KPIs: "all 5 drafted KPIs", or "2 of 5 (CSAT, error rate)" naming them."""
    noun = " drafted KPIs" if first else ""
    if len(some) == len(of) and len(of) > 1:
        return f"all {len(of)}{noun}"
    shown = some if len(some) <= most + 1 else some[:most]
    names = [str(k.name) for k in shown]
    names[1:] = [n if n[:2].isupper() else n[0].lower() + n[1:] for n in names[1:]]
    more = f" and {len(some) - len(shown)} more" if len(shown) < len(some) else ""
    return f"{len(some)} of {len(of)}{noun} ({', '.join(names)}{more})"


def _lapsed(row: Mapping[str, Any]) -> bool:
    """A site x module row with lapsed or missing training and under 90 % held or not yet due."""
    overdue = float(row.get("overdue", 0) or 0) + float(row.get("never_completed", 0) or 0)
    required = float(row.get("required", 0) or 0)
    fine = float(row.get("current", 0) or 0) + float(row.get("not_yet_due", 0) or 0)
    if required <= 0:
        return overdue > 0 and float(row.get("coverage", 1) or 0) < 0.9
    return overdue > 0 and fine / required < 0.9


def low_retention_sites(needs: Any) -> list[str]:
    """Sites whose 90-day retention is clearly below the team's: upper 95 % bound below it."""
    data = _as_dict(needs) or {}
    rows = [
        r
        for r in data.get("retention") or []
        if r.get("cohort", "all") == "all" and abs(float(r.get("day", 0) or 0) - 90) < 0.5
    ]
    overall = next((r for r in rows if r.get("site") == "all"), None)
    if overall is None or not isinstance(overall.get("estimate"), int | float):
        return []
    return sorted(
        str(r["site"])
        for r in rows
        if r.get("site") not in (None, "all")
        and isinstance(r.get("ci_high"), int | float)
        and r["ci_high"] < overall["estimate"]
    )


def _data_risks(
    profile: Profile,
    needs: Mapping[str, Any] | None,
    economics: Mapping[str, Any] | None,
    recommendation: str,
) -> list[Risk]:
    risks: list[Risk] = []
    if needs:
        at_risk = low_retention_sites(needs)
        if at_risk:
            sites = at_risk
            risks.append(
                Risk(
                    "early_attrition",
                    f"Early attrition at {', '.join(sites)}: new hires leave before they ramp,"
                    " so onboarding spend is lost.",
                    "medium",
                    "Put 90-day retention in the KPI table per site and review exit reasons"
                    " by stage (training, nesting, first month) monthly.",
                )
            )
        rows = [c for c in needs.get("compliance") or [] if c.get("site") not in (None, "all")]
        lapsed = sorted({str(c["site"]) for c in rows if _lapsed(c)})
        if lapsed:
            risks.append(
                Risk(
                    "compliance_lapses",
                    f"Required compliance training lapsed or missing at {', '.join(lapsed)}"
                    " (coverage under 90 %): a regulatory liability, not only a performance"
                    " issue.",
                    "high" if profile.regulated else "medium",
                    "Run a compliance catch-up in the first weeks and report coverage and"
                    " overdue modules monthly.",
                )
            )
    if economics and recommendation == "tpo":
        prob = economics.get("probability_tpo_cheaper")
        if isinstance(prob, int | float) and prob < 0.5:
            risks.append(
                Risk(
                    "economics_uncertain",
                    f"TPO is cheaper in only {prob:.0%} of simulated futures; the case rests on"
                    " outcomes (compliance, ramp, retention) more than on cost.",
                    "medium",
                    "Tie part of the fee to the KPI milestones and revisit at the first"
                    " quarterly review.",
                )
            )
    return risks


def _headline(
    recommendation: str,
    profile: Profile,
    by_key: Mapping[str, Criterion],
    be_fte: Any,
    crossing: Any,
    gaps: list[str],
    domains: list[str],
    interim: str | None,
    steady_be: float | None = None,
) -> str:
    """One sentence for the call.

    ``be_fte`` is the break-even starting team size on the prospect's own growth plan;
    ``steady_be`` the break-even of a team without growth, quoted only as context when the growth
    plan has no break-even (TPO already cheaper at any size), so the two are never confused.
    """
    fte = profile.total_fte
    hires = profile.growth.hires_per_quarter
    if recommendation == "not_ready":
        fixes = []
        if not profile.readiness.kpis_defined:
            fixes.append("agree KPIs")
        if not profile.readiness.processes_stable:
            fixes.append("stabilise workflows")
        return f"Not ready yet: {' and '.join(fixes)} first, then re-scope; {interim}."
    if recommendation == "tpo":
        parts = [f"{fte} offshore FTE"]
        if by_key["scaling"].met:
            parts.append(f"adding {hires:g} hires a quarter")
        if domains:
            parts.append("under " + " and ".join(domains))
        text = "Managed training (TPO) fits: " + ", ".join(parts)
        if by_key["no_ld"].met:
            text += ", with no real internal L&D capacity"
        if be_fte is not None:
            if fte >= float(be_fte):
                text += f", past the break-even of {float(be_fte):.0f} FTE"
            elif crossing is not None:
                text += f", crossing the break-even in month {int(crossing)}"
        elif steady_be is not None:
            text += (
                "; on this growth plan TPO costs less than catalog licensing from any starting size"
                f" (a team that did not grow would break even at about {steady_be:.0f} FTE)"
            )
        return text + "."
    if recommendation == "catalog_licensing":
        if fte < 20:
            return (
                f"Catalog licensing fits: a {fte}-FTE team with simple needs is too small for"
                " managed training to pay; upgrade to TPO as it grows."
            )
        return (
            f"Catalog licensing fits: at {fte} FTE with no specific gaps beyond what catalog"
            " content covers, a managed service would not pay yet."
        )
    shown = ", ".join(gaps[:2]) + (" and more" if len(gaps) > 2 else "")
    return (
        f"Custom course development fits: a stable {fte}-FTE team with specific gaps"
        f" ({shown}) that catalog content does not target, not growing fast enough for TPO."
    )
