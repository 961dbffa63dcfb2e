"""The engagement brief as one self-contained HTML file.

Tables, key figures and sentences come from the presentation layer
(:mod:`tpo_scoping.presentation`), the same rows the notebooks, the apps and the CLI show; this
module only gathers them and the charts for the template. Charts are rendered server-side to
inline SVG (:func:`tpo_scoping.charts.to_svg`), styles are inline, and a Content-Security-Policy
forbids loading anything: the file opens offline and makes no network request. Every piece of
text the prospect supplied is escaped by Jinja2's autoescape; only the SVG produced by
vl-convert is inserted as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tpo_scoping.labels import domain_label, kpi_level, pct
from tpo_scoping.presentation import economics as economics_rows
from tpo_scoping.presentation import kpis as kpi_rows
from tpo_scoping.presentation import needs as needs_rows
from tpo_scoping.presentation import scope as scope_rows

if TYPE_CHECKING:
    from tpo_scoping.presentation.scenarios import ScenarioComparison
    from tpo_scoping.scope import Scope


def _svg(chart_fn: Callable[..., Any], *args: Any, caption: str = "") -> dict[str, Any]:
    """Render a chart builder's output to inline SVG."""
    from markupsafe import Markup

    from tpo_scoping.charts import to_svg

    # vl-convert escapes text into XML entities; the SVG carries no script or external link.
    return {"svg": Markup(to_svg(chart_fn(*args))), "caption": caption}


def _economics_context(scope: Scope) -> dict[str, Any]:
    from tpo_scoping.charts import economics as ec

    be = scope.break_even
    return {
        "sentences": economics_rows.economics_sentences(be),
        "options": economics_rows.option_table(be),
        "conservative": economics_rows.conservative_table(be),
        "split_chart": _svg(ec.cash_imputed_chart, be)["svg"],
        "charts": [
            _svg(ec.cost_vs_fte_chart, be, caption="Total cost by team size, per option."),
            _svg(ec.cumulative_cost_chart, be, caption="Cumulative cost on the growth path."),
        ],
    }


def _needs_context(scope: Scope) -> dict[str, Any] | None:
    needs = scope.needs
    if needs is None:
        return None
    from tpo_scoping.charts import needs as nc
    from tpo_scoping.verdict.facts import Thresholds

    t = Thresholds.load()
    charts = [
        _svg(nc.gap_heatmap, needs, caption="Mean assessment score by site and competency.")
        if not needs.gaps.empty
        else None,
        _svg(nc.km_curves, needs, caption="Share of new hires still employed (95 % CI).")
        if not needs.retention.empty
        else None,
        _svg(nc.compliance_coverage, needs, caption="Required compliance modules by status.")
        if not needs.compliance.empty
        else None,
    ]
    return {
        "gaps": list(dict.fromkeys(g.label for g in needs.material_gaps(t.material_gap_points))),
        "retention": needs_rows.retention_table(needs, days=(30, 90, 180)),
        "compliance": needs_rows.compliance_table(needs),
        "impact": needs_rows.impact_table(needs),
        "charts": [c for c in charts if c is not None],
    }


def brief_context(scope: Scope, expand: bool = False) -> dict[str, Any]:
    """Everything the brief template shows, formatted (tables, sentences, key figures)."""
    from tpo_scoping import __version__
    from tpo_scoping.charts.scope import kpi_milestone_chart, plan_gantt_chart

    profile = scope.profile
    kpis = scope.kpis
    return {
        "prospect": profile.prospect,
        "total_fte": profile.total_fte,
        "sites": ", ".join(f"{s.label} ({s.country})" for s in profile.sites),
        "domains": "; ".join(domain_label(d) for d in profile.compliance_domains),
        "as_of": scope.as_of.isoformat() if scope.as_of else None,
        "generated_on": scope.generated_on.isoformat(),
        "fit": scope.fit,
        "warnings": list(scope.break_even.notes),
        "criteria": scope_rows.criteria_table(scope.fit),
        "risks": scope_rows.risks_table(scope.fit),
        "key_figures": economics_rows.key_figures(
            scope.break_even, profile.total_fte, profile.growth.hires_per_quarter
        ),
        "economics": _economics_context(scope),
        "needs": _needs_context(scope),
        "kpis": kpi_rows.kpi_table(kpis),
        "kpi_path": kpi_rows.kpi_path_table(kpis),
        "kpi_details": [
            {
                "name": k.name,
                "formula": k.formula,
                "data_source": k.data_source,
                "baseline_source": k.baseline_source,
                "best_quartile": kpi_level(k.best_quartile, k.unit),
                "best_quartile_source": k.best_quartile_source,
                "owner": k.owner,
            }
            for k in kpis.kpis
        ],
        "kpi_rule": kpis.target_rule,
        "kpi_notes": kpis.notes,
        "alpha_pct": pct(kpis.alpha),
        "power_pct": pct(kpis.power),
        "cadence": kpis.cadence,
        "kpi_chart": _svg(kpi_milestone_chart, kpis)["svg"],
        "plan_summary": scope_rows.plan_sentence(scope.plan),
        "plan_chart": _svg(plan_gantt_chart, scope.plan)["svg"],
        "plan": scope_rows.plan_table(scope.plan, reporting=False),
        "clauses": scope.clauses,
        "notes": [n for n in scope.notes if n not in scope.break_even.notes],
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
        Two scenarios of the prospect side by side
        (:func:`tpo_scoping.presentation.scenarios.compare_scopes`), shown after the economics.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> from tpo_scoping.scope import build_scope
    >>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 12}]")
    >>> "<svg" in render_html(build_scope(p, simulations=0))
    True
    """
    return render_template(
        "brief.html.j2", **brief_context(scope, expand=expand), comparison=comparison
    )


def render_template(name: str, **context: Any) -> str:
    """A document template of the package rendered with ``context``, text escaped, and the
    documents' Content-Security-Policy (``content_security_policy``) given to it."""
    import jinja2
    from markupsafe import Markup

    from tpo_scoping.report.safe import CONTENT_SECURITY_POLICY

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tpo_scoping", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    policy = Markup(CONTENT_SECURITY_POLICY)  # our constant: its quotes stay as written
    return env.get_template(name).render(**context, content_security_policy=policy)
