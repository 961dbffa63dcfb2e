"""Where a KPI starts: the prospect's own data when the needs analysis measured it, else a default.

:func:`baselines_from_needs` reads a :class:`~tpo_scoping.needs.NeedsResult`'s baselines as the
analysis computed them (value, interval, between-employee spread, n and best-quartile level);
:func:`default_baselines` supplies the packaged defaults of ``kpi_benchmarks.yaml``, each marked
``default:`` with its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tpo_scoping.headcount import HeadcountPlan
from tpo_scoping.reference import load_reference

if TYPE_CHECKING:
    from tpo_scoping.needs import BaselineValue, NeedsResult
    from tpo_scoping.profile import Profile

CORE_KPIS = (
    "ramp_time",
    "retention_90d",
    "assessment_pass_rate",
    "compliance_coverage",
    "compliance_on_time",
)
"""KPIs every brief carries (TPO guide: specific targets at contract start)."""

OPTIONAL_KPIS = ("productivity", "error_rate", "csat", "certifications_achieved")
"""KPIs drafted only when the prospect's data has them."""

_FROM_NEEDS = {
    "ramp_time": "weeks_to_proficiency",
    "retention_90d": "retention_90d",
    "assessment_pass_rate": "assessment_pass_rate",
    "compliance_coverage": "compliance_coverage",
    "compliance_on_time": "compliance_on_time",
    "productivity": "productivity",
    "error_rate": "error_rate",
    "csat": "csat",
}
"""KPI key -> the needs analysis' baseline it starts from."""


@dataclass(frozen=True)
class Baseline:
    """Today's level of one KPI and where it comes from.

    Parameters
    ----------
    value : float
        The baseline level (share for proportions, unit value for means).
    source : str
        Where the value comes from: the prospect's data (table and rule) or a default's source.
    from_data : bool
        True when computed from the prospect's data; False marks a default.
    best_quartile : float, optional
        The level of the prospect's best-quartile performers, when the data gives it.
    n_per_month : float, optional
        Observations per month in the data (hires, assessments, staff measured).
    sd : float, optional
        Between-employee standard deviation (mean KPIs), for detectability.
    ci : tuple of float, optional
        Confidence interval of the baseline, when it is an estimate.
    """

    value: float
    source: str
    from_data: bool = False
    best_quartile: float | None = None
    best_quartile_source: str = ""
    n_per_month: float | None = None
    sd: float | None = None
    ci: tuple[float, float] | None = None
    unit: str | None = None


def kpi_specs() -> dict[str, dict[str, Any]]:
    """The packaged KPI definitions (``kpi_benchmarks.yaml``)."""
    return dict(load_reference("kpi_benchmarks")["kpis"])


def default_baselines(profile: Profile) -> dict[str, Baseline]:
    """Baselines when the prospect has no data: packaged defaults, each with its source.

    The default 90-day retention follows the profile's attrition through the one headcount
    model, :math:`(1 - a/12)^{90/30.44}`.
    """
    out: dict[str, Baseline] = {}
    plan = HeadcountPlan.from_profile(profile)
    for key in CORE_KPIS:
        spec = kpi_specs()[key]
        default = spec["default_baseline"]
        if default.get("from_profile_attrition"):
            value = plan.survival(90)
            source = (
                f"default: {' '.join(str(default['source']).split())}"
                f" = (1 - {plan.annual_attrition:.2f}/12)^(90/30.44) = {value:.3f}"
            )
        else:
            value = float(default["value"])
            source = f"default: {default['source']}"
        out[key] = Baseline(value=value, source=source, from_data=False)
    return out


def baselines_from_needs(needs: NeedsResult | None) -> dict[str, Baseline]:
    """Baselines from a needs-analysis result, as the analysis computed them.

    Each carries the analysis' interval, between-employee spread and best-quartile level (the
    needs analysis quotes a best quartile only from enough groups; without one, the draft uses
    the sourced benchmark). Observations per month follow what each KPI counts: certificates
    for coverage (a census), renewals falling due for on-time completion (a twelfth of the
    certificates a month), staff measured for metric levels.
    """
    if needs is None:
        return {}
    out: dict[str, Baseline] = {}
    for key, name in _FROM_NEEDS.items():
        item = needs.baseline.get(name)
        if item is None or not math.isfinite(item.value):
            continue
        out[key] = _from_value(key, item)
    return out


def _from_value(key: str, item: BaselineValue) -> Baseline:
    n_per_month: float | None = None
    if key == "compliance_coverage":
        n_per_month = float(item.n) or None
    elif key == "compliance_on_time":
        n_per_month = item.n / 12 if item.n else None
    elif key in ("productivity", "error_rate", "csat"):
        n_per_month = float(item.n) or None
    ci = (item.ci_low, item.ci_high)
    best = item.best_quartile if item.has_best_quartile else None
    return Baseline(
        value=item.value,
        source=f"prospect data: {item.description}" + (f" (n = {item.n})" if item.n else ""),
        from_data=True,
        best_quartile=best,
        best_quartile_source=f"prospect data: {item.best_quartile_note}"
        if best is not None
        else "",
        n_per_month=n_per_month,
        sd=item.sd if math.isfinite(item.sd) else None,
        ci=ci if all(math.isfinite(v) for v in ci) else None,
    )
