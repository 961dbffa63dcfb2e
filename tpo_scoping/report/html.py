"""The engagement brief as one self-contained HTML file.

Charts are rendered server-side to inline SVG (:func:`tpo_scoping.charts.to_svg`), styles are
inline, and a Content-Security-Policy forbids loading anything: the file opens offline and makes
no network request. Every piece of text the prospect supplied is escaped by Jinja2's autoescape;
only the SVG produced by vl-convert is inserted as markup.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tpo_scoping.labels import domain_label, kpi_level, site_label

if TYPE_CHECKING:
    from tpo_scoping.scenarios import ScenarioComparison
    from tpo_scoping.scope import Scope

log = logging.getLogger(__name__)


def _money(value: Any) -> str:
    if not isinstance(value, int | float) or value != value:
        return "–"
    return f"${value:,.0f}"


def _svg(chart_fn: Any, *args: Any, caption: str = "") -> dict[str, Any] | None:
    """Render a chart builder's output to inline SVG; a chart that is unavailable is skipped."""
    from markupsafe import Markup

    from tpo_scoping.charts import to_svg

    try:
        chart = chart_fn(*args)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("chart %s skipped: %s", getattr(chart_fn, "__name__", chart_fn), exc)
        return None
    svg = to_svg(chart)
    # vl-convert escapes text into XML entities; the SVG carries no script or external link.
    return {"svg": Markup(svg), "caption": caption}


def _economics_context(scope: Scope) -> dict[str, Any] | None:
    result = scope.break_even
    if result is None:
        return None
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    options = data.get("options") or {}
    cheapest = data.get("cheapest_option")
    rows = [
        {
            "label": o.get("label", key.replace("_", " ")),
            "total": _money(o.get("total_cost")),
            "per_fte": _money(o.get("monthly_cost_per_fte")),
            "payback": o.get("payback_month") if o.get("payback_month") is not None else "–",
            "cheapest": key == cheapest,
        }
        for key, o in sorted(options.items(), key=lambda kv: kv[1].get("total_cost") or 0)
    ]
    prob = data.get("probability_tpo_cheaper")
    summary = (
        f"Over {data.get('horizon_months', 36)} months, with the team growing from"
        f" {data.get('team_fte_now', scope.profile.total_fte):.0f} to"
        f" {data.get('team_fte_end', scope.profile.total_fte):.0f} FTE, the cheapest option is"
        f" {options.get(cheapest, {}).get('label', cheapest)}"
    )
    if isinstance(prob, int | float):
        summary += f"; TPO is cheaper than catalog licensing in {prob:.0%} of simulated futures"
    summary += ". Costs include hidden costs (management time, slow ramp, re-onboarding)."
    charts: list[dict[str, Any]] = []
    if hasattr(result, "to_dict"):
        ec: Any
        try:
            from tpo_scoping.charts import economics as ec
        except ImportError:
            ec = None
        if ec is not None:
            for fn, caption in (
                (getattr(ec, "cost_vs_fte_chart", None), "Total cost by team size, per option."),
                (getattr(ec, "cumulative_cost_chart", None), "Cumulative cost on the growth path."),
            ):
                if fn is not None:
                    item = _svg(fn, result, caption=caption)
                    if item:
                        charts.append(item)
    return {
        "horizon": data.get("horizon_months", 36),
        "options": rows,
        "summary": summary,
        "charts": charts,
    }


def _needs_context(scope: Scope) -> dict[str, Any] | None:
    if scope.needs is None:
        return None
    from tpo_scoping.scope import _gap_labels

    data = scope.needs.to_dict() if hasattr(scope.needs, "to_dict") else dict(scope.needs)
    from tpo_scoping.verdict import low_retention_sites

    low = set(low_retention_sites(data))
    retention = [
        {
            "site": site_label(r.get("site")),
            "estimate": kpi_level(r.get("estimate"), "share"),
            "ci": f"{kpi_level(r.get('ci_low'), 'share')} – {kpi_level(r.get('ci_high'), 'share')}",
            "at_risk": r.get("site") in low,
        }
        for r in data.get("retention") or []
        if abs(float(r.get("day", 0) or 0) - 90) < 0.5 and r.get("cohort", "all") == "all"
    ]
    by_site: dict[str, dict[str, float]] = {}
    for row in data.get("compliance") or []:
        site = site_label(row.get("site"))
        agg = by_site.setdefault(site, {"current": 0.0, "required": 0.0, "overdue": 0, "never": 0})
        current = float(row.get("current", 0) or 0)
        overdue = float(row.get("overdue", 0) or 0)
        never = float(row.get("never_completed", 0) or 0)
        agg["current"] += current
        agg["required"] += current + overdue + never
        agg["overdue"] += overdue
        agg["never"] += never
    compliance = [
        {
            "site": site,
            "coverage": kpi_level(a["current"] / a["required"], "share") if a["required"] else "–",
            "overdue": f"{a['overdue']:.0f}",
            "never": f"{a['never']:.0f}",
        }
        for site, a in by_site.items()
    ]
    charts: list[dict[str, Any]] = []
    if hasattr(scope.needs, "to_dict"):  # a NeedsResult, whose tables the charts draw
        from tpo_scoping.charts import needs as nc

        for fn, caption in (
            (nc.gap_heatmap, "Mean assessment score by site and competency."),
            (nc.km_curves, "Share of new hires still employed, by days since hire (95 % CI)."),
            (nc.compliance_coverage, "Required compliance modules by status, per site."),
        ):
            item = _svg(fn, scope.needs, caption=caption)
            if item:
                charts.append(item)
    return {
        "gaps": _gap_labels(data),
        "retention": retention,
        "compliance": compliance,
        "charts": charts,
    }


def brief_context(scope: Scope, expand: bool = False) -> dict[str, Any]:
    """Everything the brief template shows, formatted (plain strings and numbers)."""
    from tpo_scoping import __version__
    from tpo_scoping.charts.scope import kpi_milestone_chart, plan_gantt_chart

    profile = scope.profile
    fit = scope.fit.to_dict()
    economics = _economics_context(scope)
    be = scope.break_even.to_dict() if hasattr(scope.break_even, "to_dict") else scope.break_even
    be_fte = (be or {}).get("break_even_fte")
    if be_fte is None and be:
        be_fte = be.get("break_even_fte_steady_team")
    key_numbers = [
        {"value": f"{profile.total_fte}", "label": "offshore FTE today"},
        {"value": f"{profile.growth.hires_per_quarter:g}", "label": "hires planned per quarter"},
        {
            "value": f"{float(be_fte):.0f} FTE" if isinstance(be_fte, int | float) else "–",
            "label": "break-even team size vs catalog licensing",
        },
        {
            "value": (
                f"{be['probability_tpo_cheaper']:.0%}"
                if be and isinstance(be.get("probability_tpo_cheaper"), int | float)
                else "–"
            ),
            "label": "chance TPO is cheaper (simulated)",
        },
    ]
    kpis = []
    for k in scope.kpis.kpis:
        by_day = {m.day: m.value for m in k.milestones}
        kpis.append(
            {
                "name": k.name,
                "definition": k.definition,
                "formula": k.formula,
                "data_source": k.data_source,
                "baseline": kpi_level(k.baseline, k.unit),
                "is_default": k.baseline_is_default,
                "baseline_source": k.baseline_source,
                "best_quartile": kpi_level(k.best_quartile, k.unit),
                "best_quartile_source": k.best_quartile_source,
                "day90": kpi_level(by_day.get(90), k.unit),
                "day180": kpi_level(by_day.get(180), k.unit),
                "target": kpi_level(k.target, k.unit),
                "mdc": k.min_detectable_change_text,
                "mdc_is_text": k.min_detectable_change is None,
                "detectable": k.detectable,
                "owner": k.owner,
                "milestones": ", ".join(
                    f"day {d}: {kpi_level(v, k.unit)}" for d, v in by_day.items()
                ),
                "note": k.detectability_note,
            }
        )
    plan = scope.plan
    plan_rows = [
        {
            "workstream": i.workstream,
            "activity": i.activity,
            "weeks": f"{i.start_week:g}"
            if i.end_week == i.start_week
            else f"{i.start_week:g}–{i.end_week:g}",
            "owner": i.owner,
            "detail": i.detail,
        }
        for i in plan.items
        if i.workstream != "Reporting"
    ]
    plan_summary = (
        f"Structured programme live in week {plan.go_live_week}: needs analysis first, catalog"
        " content for immediate needs, custom content in parallel, then onboarding waves and"
        f" {plan.reporting_cadence} KPI reports with quarterly reviews."
        if plan.go_live_week is not None
        else "A readiness phase comes first: agree KPIs and stabilise workflows, with catalog"
        " content for immediate needs, then re-scope."
    )
    plan_chart = _svg(plan_gantt_chart, plan)
    kpi_chart = _svg(kpi_milestone_chart, scope.kpis)
    sites = ", ".join(f"{s.label} ({s.country})" for s in profile.sites)
    domains = "; ".join(domain_label(d) for d in profile.compliance_domains)
    return {
        "prospect": profile.prospect,
        "total_fte": profile.total_fte,
        "sites": sites,
        "domains": domains,
        "as_of": scope.as_of.isoformat() if scope.as_of else None,
        "generated_on": scope.generated_on.isoformat(),
        "fit": fit,
        "key_numbers": key_numbers,
        "economics": economics,
        "needs": _needs_context(scope),
        "kpis": kpis,
        "kpi_rule": scope.kpis.target_rule,
        "kpi_notes": scope.kpis.notes,
        "alpha": scope.kpis.alpha,
        "power": scope.kpis.power,
        "cadence": scope.kpis.cadence,
        "kpi_chart": kpi_chart["svg"] if kpi_chart else None,
        "plan_summary": plan_summary,
        "plan_chart": plan_chart["svg"] if plan_chart else "",
        "plan_rows": plan_rows,
        "clauses": scope.clauses.to_dict(),
        "notes": scope.notes,
        "expand": expand,
        "version": __version__,
    }


def render_html(
    scope: Scope, *, expand: bool = False, comparison: ScenarioComparison | None = None
) -> str:
    """Render the engagement brief as one self-contained HTML document.

    Parameters
    ----------
    scope : Scope
        The result of :func:`tpo_scoping.scope.build_scope`.
    expand : bool
        Open every "details" section (used for print and PDF).
    comparison : ScenarioComparison, optional
        Two scenarios of the prospect side by side (:func:`tpo_scoping.scenarios.compare_scopes`),
        shown after the economics.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> from tpo_scoping.scope import build_scope
    >>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 12}]")
    >>> "<svg" in render_html(build_scope(p, simulations=0))
    True
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tpo_scoping", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    context = brief_context(scope, expand=expand)
    return env.get_template("brief.html.j2").render(**context, comparison=comparison)
