"""The fit verdict: which engagement model fits a prospect, why, and what could make it fail.

The verdict is one of ``tpo`` (managed training), ``catalog_licensing``,
``custom_course_development`` or ``not_ready`` (fix something first). It follows the criteria of
the source article on Training Process Outsourcing (the "TPO guide", a vendor's own guide, so its
figures are the vendor's claims) and agrees with the prospect's own figures: TPO is recommended
only where it is not dearer than the best alternative over the horizon, or, in a regulated
domain, with its extra cost in the headline. Thresholds live in
``tpo_scoping/data/engagement_defaults.yaml``.

* :mod:`~tpo_scoping.verdict.facts`: what the verdict reads from the profile and the results;
* :mod:`~tpo_scoping.verdict.decide`: the rules;
* :mod:`~tpo_scoping.verdict.wording`: the headline and reasons;
* :mod:`~tpo_scoping.verdict.risks`: the three failure modes and the risks the data shows.

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

from typing import TYPE_CHECKING

from tpo_scoping.verdict.decide import decide
from tpo_scoping.verdict.facts import Facts
from tpo_scoping.verdict.result import (
    LABELS,
    SEVERITY_ORDER,
    Criterion,
    FitVerdict,
    Recommendation,
    Risk,
    Severity,
)
from tpo_scoping.verdict.risks import data_risks, failure_mode_risks
from tpo_scoping.verdict.wording import headline, reasons

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.profile import Profile

__all__ = [
    "LABELS",
    "SEVERITY_ORDER",
    "Criterion",
    "FitVerdict",
    "Recommendation",
    "Risk",
    "Severity",
    "fit_verdict",
]

INTERIM = "catalog licensing can cover immediate needs meanwhile"


def fit_verdict(
    profile: Profile,
    break_even: BreakEvenResult | None = None,
    needs: NeedsResult | None = None,
    kpis: KpiDraft | None = None,
) -> FitVerdict:
    """Recommend an engagement model and explain it.

    Parameters
    ----------
    profile : Profile
        The prospect profile (team size, growth, domains, L&D capacity, readiness).
    break_even : BreakEvenResult, optional
        The economics; TPO must not be dearer than the best alternative (or, in a regulated
        domain, the headline states the extra cost).
    needs : NeedsResult, optional
        The needs analysis; material gaps separate simple from specific needs, and lapsed
        compliance and at-risk retention add risks.
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
    facts = Facts.gather(profile, break_even, needs, kpis)
    decision = decide(facts)
    interim = INTERIM if decision.recommendation == "not_ready" else None
    risks = failure_mode_risks(profile, kpis, facts.scaling)
    risks += data_risks(facts, decision.recommendation)
    risks.sort(key=lambda r: SEVERITY_ORDER.index(r.severity))  # stable: the most serious first
    return FitVerdict(
        recommendation=decision.recommendation,
        headline=headline(facts, decision, interim),
        reasons=reasons(facts, decision),
        risks=risks,
        criteria=list(decision.criteria.values()),
        interim=interim,
        basis=decision.basis,
    )
