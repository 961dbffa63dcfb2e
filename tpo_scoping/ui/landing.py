"""The landing page of the workbench: the apps, and the sample prospect they open with."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from tpo_scoping.ui.html import HtmlBlock
from tpo_scoping.ui.sample_prospect import sample_profile
from tpo_scoping.ui.shell import AppShell


@dataclass(frozen=True)
class AppEntry:
    notebook: str
    title: str
    audience: str
    summary: str


APPS = (
    AppEntry(
        "scoping_calculator.ipynb",
        "Scoping calculator",
        "sales engineers, on a discovery call",
        "Sites, hiring, attrition, compliance and readiness in; a live fit verdict, the "
        "break-even chart, cost over time and draft KPIs out. Save the prospect (each save a "
        "version), compare two scenarios side by side, download the engagement brief as HTML, "
        "PDF or xlsx.",
    ),
    AppEntry(
        "breakeven.ipynb",
        "Break-even calculator",
        "prospects (the public calculator)",
        "A few questions, a clear answer and one chart. Links can prefill the answers.",
    ),
    AppEntry(
        "needs_analysis.ipynb",
        "Needs analysis",
        "consultants",
        "Upload performance data (xlsx or csv), or open a saved prospect's, and see data "
        "quality, competency gaps and priorities, retention and compliance. Uploaded files "
        "stay in memory only.",
    ),
    AppEntry(
        "kpi_drafter.ipynb",
        "KPI drafter",
        "consultants and sales engineers",
        "Choose the ambition and the measurement cadence; see targets, milestones and "
        "whether each target is measurable. Export to xlsx.",
    ),
    AppEntry(
        "quarterly_review.ipynb",
        "Quarterly business review",
        "account managers, after the signature",
        "Pick a signed engagement and a quarter: each KPI against its signed milestone, "
        "service credits and bonus as the clause says, plan against reality, the portfolio "
        "worst first. Download the review (HTML, xlsx) and the portfolio (CSV, xlsx).",
    ),
)
"""The apps the landing page lists, in order."""


def apps_html(entries: tuple[AppEntry, ...] = APPS) -> str:
    items = "".join(
        f'<li style="margin:10px 0"><a class="tpo-app-link" href="{html.escape(e.notebook)}" '
        f'style="font-size:16px;font-weight:600;color:#1f6f8b">{html.escape(e.title)}</a> '
        f'<span style="color:#667">for {html.escape(e.audience)}</span><br>'
        f'<span style="font-size:13px">{html.escape(e.summary)}</span></li>'
        for e in entries
    )
    return f'<ul style="list-style:none;padding-left:0">{items}</ul>'


def prospect_html(profile: Any) -> str:
    sites = ", ".join(f"{html.escape(s.label)} ({s.fte} FTE)" for s in profile.sites)
    from tpo_scoping.labels import domain_label, pct

    domains = "; ".join(html.escape(domain_label(d)) for d in profile.compliance_domains)
    return (
        '<div class="tpo-sample" style="border-left:4px solid #1f6f8b;padding:6px 12px;'
        'background:#f3f8fa;font-size:13px">'
        f"<b>Sample prospect loaded:</b> {html.escape(profile.prospect)}: {sites}; "
        f"{profile.growth.hires_per_quarter:g} hires per quarter, "
        f"{pct(profile.growth.annual_attrition)} annual attrition; compliance: {domains}. "
        "The apps open with it; start a new prospect, load a profile YAML or open a saved "
        "prospect instead.</div>"
    )


class Landing(AppShell):
    """The list of apps and a summary of the sample prospect."""

    activity = "loading the sample prospect"

    def __init__(self) -> None:
        self.intro = HtmlBlock(
            "<h1 style='margin:4px 0'>tpo-scoping workbench</h1>"
            "<p>Training needs analysis and engagement scoping for offshore teams.</p>"
        )
        self.apps = HtmlBlock(apps_html())
        self.prospect = HtmlBlock()
        super().__init__([self.intro, self.prospect, self.apps])

    def show_answer(self) -> None:
        self.prospect.value = prospect_html(sample_profile())
