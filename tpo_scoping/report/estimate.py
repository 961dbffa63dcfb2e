"""The public calculator's estimate as a document the visitor keeps: HTML, and PDF.

The figures, sentences and tables are those the calculator shows
(:func:`~tpo_scoping.presentation.economics.today_figures`, ``today_sentences``,
``option_table``), with the visitor's answers and every assumption with its source.

Examples
--------
>>> from tpo_scoping.economics import break_even
>>> from tpo_scoping.profile import parse_profile
>>> p = parse_profile("prospect: Your team\\nsites: [{country: PH, fte: 50}]")
>>> page = render_estimate_html(p, break_even(p, simulations=200, sensitivity=False))
>>> "Every option over 3 years" in page and "<script" not in page
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult
    from tpo_scoping.profile import Profile


def estimate_context(profile: Profile, be: BreakEvenResult) -> dict[str, Any]:
    """What the estimate template shows, each part from the presentation layer."""
    from markupsafe import Markup

    from tpo_scoping.charts import to_svg
    from tpo_scoping.charts.economics import cash_imputed_chart
    from tpo_scoping.presentation import economics
    from tpo_scoping.presentation.scope import profile_table

    assumptions = economics.assumption_sources_table(be.assumptions)
    assumptions = replace(assumptions, left=tuple(range(len(assumptions.columns))))
    return {
        "prepared": f"{dt.date.today():%d %B %Y}",
        "years": f"{be.horizon_months / 12:g}",
        "figures": economics.today_figures(be),
        "sentences": economics.today_sentences(be),
        "options": economics.option_table(be),
        "chart": Markup(to_svg(cash_imputed_chart(be, width=460))),
        "answers": profile_table(profile, public=True),
        "assumptions": assumptions,
        "notes": list(be.notes),
    }


def render_estimate_html(profile: Profile, be: BreakEvenResult) -> str:
    """The estimate as one self-contained HTML page (no script, nothing fetched)."""
    from tpo_scoping.report.html import render_template

    return render_template("estimate.html.j2", **estimate_context(profile, be))


def render_estimate_pdf(profile: Profile, be: BreakEvenResult) -> bytes:
    """The estimate as PDF, printed by the system's headless Chromium."""
    from tpo_scoping.report.pdf import html_to_pdf

    return html_to_pdf(render_estimate_html(profile, be))
