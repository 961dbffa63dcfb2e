"""The scoping calculator's answer as HTML: the verdict with its reasons and risks, the cost
summary, and two scenarios side by side."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tpo_scoping.presentation import economics
from tpo_scoping.presentation.scope import risks_table
from tpo_scoping.ui.html import bullets_html, html_paragraph

if TYPE_CHECKING:
    from tpo_scoping.presentation.scenarios import ScenarioComparison
    from tpo_scoping.scope import Scope
    from tpo_scoping.verdict import FitVerdict

VERDICT_COLOURS = {"tpo": "#1d6b35", "not_ready": "#9b1c1c"}


def verdict_html(fit: FitVerdict) -> str:
    """The fit verdict, its reasons, the step for meanwhile and the risks (as in the brief)."""
    colour = VERDICT_COLOURS.get(fit.recommendation, "#8a5a00")
    interim = html_paragraph(f"Meanwhile: {fit.interim}") if fit.interim else ""
    risks = risks_table(fit)
    return (
        f'<div class="tpo-verdict"><div style="font-size:20px;font-weight:700;color:{colour}">'
        f"{html.escape(fit.label)}</div>"
        f'<p style="font-size:15px">{html.escape(fit.headline)}</p>'
        f"{bullets_html(list(fit.reasons))}{interim}"
        f"{'' if risks.empty else risks.to_html()}</div>"
    )


def summary_html(scope: Scope) -> str:
    """The cost case as the brief states it: TPO against the cheapest alternative (cash and
    imputed apart), the break-even a reader may quote, then every option's costs."""
    be = scope.break_even
    sentences = (
        economics.tpo_cost_sentence(be),
        economics.break_even_sentence(be),
        economics.cash_break_even_sentence(be),
    )
    return (
        "".join(html_paragraph(s) for s in sentences)
        + f"<div class='tpo-scroll'>{economics.option_table(be).to_html()}</div>"
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
