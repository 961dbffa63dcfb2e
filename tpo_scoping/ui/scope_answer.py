"""The scoping calculator's answer as HTML: the verdict with its reasons and risks, the cost
summary, and two scenarios side by side."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tpo_scoping.labels import money
from tpo_scoping.ui.html import html_table

if TYPE_CHECKING:
    from tpo_scoping.scenarios import ScenarioComparison
    from tpo_scoping.scope import Scope
    from tpo_scoping.verdict import FitVerdict

VERDICT_COLOURS = {"tpo": "#1d6b35", "not_yet": "#9b1c1c"}


def verdict_html(fit: FitVerdict) -> str:
    """The fit verdict, its reasons and its risks."""
    d = fit.to_dict()
    colour = VERDICT_COLOURS.get(str(d["recommendation"]), "#8a5a00")
    reasons = "".join(f"<li>{html.escape(str(r))}</li>" for r in d["reasons"])
    risks = [
        [html.escape(str(r[key])) for key in ("risk", "severity", "mitigation")] for r in d["risks"]
    ]
    risk_table = html_table(["Risk", "Severity", "Mitigation"], risks) if risks else ""
    interim = (
        f"<p><i>Meanwhile: {html.escape(str(d['interim']))}</i></p>" if d.get("interim") else ""
    )
    return (
        f'<div class="tpo-verdict"><div style="font-size:20px;font-weight:700;color:{colour}">'
        f"{html.escape(str(d['label']))}</div>"
        f'<p style="font-size:15px">{html.escape(str(d["headline"]))}</p>'
        f'<ul style="font-size:13px">{reasons}</ul>{interim}{risk_table}</div>'
    )


def summary_html(scope: Scope) -> str:
    """Totals over the horizon and the break-even, in one paragraph."""
    be = scope.break_even.to_dict()
    options = be["options"]
    point = be["break_even_fte"]
    point_text = (
        f"{point:,.0f} FTE" if point is not None else str(be.get("break_even_reason") or "–")
    )
    return (
        '<p style="font-size:13px">'
        f"Over {be['horizon_months']} months: TPO {money(options['tpo']['total_cost'])}, "
        f"catalog licensing {money(options['catalog_licensing']['total_cost'])}, today's "
        f"practice {money(be['current_practice_costs']['total_cost'])}. Break-even against "
        f"catalog licensing: {html.escape(point_text)}; steady-team break-even "
        f"{be['break_even_fte_steady_team'] or 0:,.0f} FTE.</p>"
    )


def comparison_html(comparison: ScenarioComparison) -> str:
    """Two scenarios side by side, the rows that differ highlighted."""
    first, second = (html.escape(n) for n in comparison.names)
    rows = "".join(
        f"<tr><td>{html.escape(r.label)}</td>"
        + "".join(
            f'<td class="tpo-changed">{html.escape(v)}</td>'
            if r.differs
            else f"<td>{html.escape(v)}</td>"
            for v in (r.first, r.second)
        )
        + "</tr>"
        for r in comparison.rows
    )
    changed = len(comparison.differences)
    return (
        f'<p style="font-size:13px;margin:2px 0">{changed} of {len(comparison.rows)} lines '
        "differ (highlighted).</p>"
        '<table class="tpo-table tpo-comparison" style="border-collapse:collapse;font-size:13px">'
        f"<thead><tr><th></th><th>{first}</th><th>{second}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
