"""The quarterly business review of a signed engagement: HTML, PDF and xlsx; the portfolio as
CSV and xlsx.

The HTML is one self-contained file like the engagement brief: the chart is inline SVG rendered
by vl-convert, styles are inline, and a Content-Security-Policy forbids loading anything. The PDF
is that page printed by the system's Chromium. Every figure and sentence comes from
:mod:`tpo_scoping.presentation.engagement`, the rows the CLI, the notebook and the app show.
The review is about the latest quarter of the result (track to a quarter's end to review it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.engagement import Portfolio, TrackingResult

log = logging.getLogger(__name__)


def qbr_context(result: TrackingResult, expand: bool = False) -> dict[str, Any]:
    """Everything the review template shows, formatted."""
    from markupsafe import Markup

    from tpo_scoping import __version__
    from tpo_scoping.charts import to_svg
    from tpo_scoping.charts.engagement import kpi_tracking_chart
    from tpo_scoping.presentation import engagement as p

    quarter = result.latest
    if quarter is None:
        from tpo_scoping.errors import InputError

        raise InputError("no quarter tracked yet: nothing to review")
    info = result.engagement.info
    attribution = result.attribution
    return {
        "prospect": info.prospect,
        "quarter": quarter.period.label,
        "start": info.start.isoformat(),
        "signed_on": info.signed_on.isoformat(),
        "signed_version": info.package_version,
        "as_of": result.as_of.isoformat(),
        "headline": p.headline(result, quarter),
        "key_figures": p.key_figures(result, quarter),
        "status_columns": p.STATUS_COLUMNS,
        "status_rows": p.status_rows(quarter),
        "tone": p.STATUS_TONE,
        "chart": Markup(to_svg(kpi_tracking_chart(result))),
        "rules": p.rules_in_words(result),
        "incentive_rows": p.incentive_rows(result),
        "evidence_rows": p.evidence_rows(quarter.incentives),
        "plan_rows": p.plan_rows(result),
        "break_even": p.break_even_sentences(result),
        "attribution": p.attribution_sentences(attribution),
        "cohort_rows": p.cohort_rows(attribution),
        "assumptions": list(attribution.ramp.assumptions)
        if attribution is not None and attribution.ramp is not None
        else [],
        "method": attribution.ramp.method
        if attribution is not None and attribution.ramp is not None
        else "",
        "next_steps": p.next_steps(result, quarter),
        "notes": list(result.notes),
        "expand": expand,
        "version": __version__,
    }


def render_html(result: TrackingResult, *, expand: bool = False) -> str:
    """The quarterly business review as one self-contained HTML document."""
    from tpo_scoping.report.html import render_template

    return render_template("qbr.html.j2", **qbr_context(result, expand=expand))


def render_pdf(result: TrackingResult) -> bytes:
    """The review as PDF bytes, printed by headless Chromium (every detail opened)."""
    from tpo_scoping.report.pdf import html_to_pdf

    return html_to_pdf(render_html(result, expand=True))


def render_xlsx(result: TrackingResult) -> bytes:
    """The review's tables as a workbook: status per quarter, incentives, plan, attribution."""
    from tpo_scoping.presentation import engagement as p
    from tpo_scoping.report.xlsx import new_book, workbook_bytes, write_sheet

    book = new_book()
    history = [p.kpi_row(k) for q in result.quarters for k in q.kpis]
    columns = ["Quarter", *p.STATUS_COLUMNS, "Target", "Why", "Value note", "n"]
    write_sheet(
        book,
        "KPI status",
        columns,
        [[row[c] for c in columns] for row in history],
        [10, 34, 12, 20, 12, 22, 24, 10, 12, 40, 40, 6],
    )
    rows = p.incentive_rows(result)
    write_sheet(
        book,
        "Credits and bonuses",
        list(rows[0]) if rows else ["Quarter"],
        [list(r.values()) for r in rows],
        [10, 16, 16, 40, 8],
    )
    evidence = [
        {"Quarter": q.period.label, **e}
        for q in result.quarters
        for e in p.evidence_rows(q.incentives)
    ]
    if evidence:
        write_sheet(
            book,
            "Evidence",
            list(evidence[0]),
            [list(r.values()) for r in evidence],
            [10, 30, 14, 24, 14, 14, 16, 6, 8],
        )
    write_sheet(book, "Rules", ["Signed rule"], [[s] for s in p.rules_in_words(result)], [120])
    plan = p.plan_rows(result)
    write_sheet(
        book,
        "Plan vs actual",
        list(plan[0]) if plan else ["Quarter"],
        [list(r.values()) for r in plan] + [[s] for s in p.break_even_sentences(result)],
        [10, 12, 10, 14, 10, 16, 12],
    )
    cohorts = p.cohort_rows(result.attribution)
    write_sheet(
        book,
        "Attribution",
        list(cohorts[0]) if cohorts else ["Finding"],
        [list(r.values()) for r in cohorts]
        + [[s] for s in p.attribution_sentences(result.attribution)],
        [14, 22, 8, 28, 18],
    )
    return workbook_bytes(book)


def write_review(
    result: TrackingResult, output_dir: str | Path, formats: Sequence[str] = ("html", "xlsx")
) -> list[Path]:
    """Write the review as ``quarterly_review_<quarter>.<format>`` files into ``output_dir``.

    Formats: ``html``, ``xlsx`` and ``pdf`` (needs Chromium).
    """
    from tpo_scoping.errors import InputError, Problem
    from tpo_scoping.serialize import write_atomic

    quarter = result.latest.period.label if result.latest else "none"
    written = []
    for fmt in formats:
        payload: str | bytes
        if fmt == "html":
            payload = render_html(result)
        elif fmt == "xlsx":
            payload = render_xlsx(result)
        elif fmt == "pdf":
            payload = render_pdf(result)
        else:
            raise InputError([Problem("formats", f"unknown format '{fmt}' (html, xlsx, pdf)")])
        path = write_atomic(Path(output_dir) / f"quarterly_review_{quarter}.{fmt}", payload)
        path.chmod(0o644)
        written.append(path)
    return written


def portfolio_csv(folio: Portfolio) -> str:
    """The portfolio as CSV text (formulas neutralised), one engagement a row, worst first."""
    import pandas as pd

    from tpo_scoping.presentation.engagement import portfolio_rows
    from tpo_scoping.report.safe import safe_csv

    return safe_csv(pd.DataFrame(portfolio_rows(folio)))


def portfolio_xlsx(folio: Portfolio) -> bytes:
    """The portfolio as an xlsx workbook, one engagement a row, worst first."""
    from tpo_scoping.presentation.engagement import portfolio_rows
    from tpo_scoping.report.xlsx import new_book, workbook_bytes, write_sheet

    rows = portfolio_rows(folio)
    book = new_book()
    write_sheet(
        book,
        "Portfolio",
        list(rows[0]) if rows else ["Prospect"],
        [list(r.values()) for r in rows],
        [30, 12, 12, 8, 8, 8, 12, 14, 10, 12, 12, 8, 40],
    )
    return workbook_bytes(book)
