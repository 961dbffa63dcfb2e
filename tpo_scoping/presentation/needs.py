"""The training needs analysis as people read it: one table per finding, from the typed result.

Figures come from :class:`~tpo_scoping.needs.NeedsResult`'s typed accessors (retention points,
compliance rows with one coverage definition); nothing is re-aggregated here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tpo_scoping.labels import (
    MISSING,
    impact_checks,
    impact_sentence,
    module_title,
    number,
    pct,
    site_label,
    words,
)
from tpo_scoping.presentation.table import Table

if TYPE_CHECKING:
    from tpo_scoping.ingest import QualityReport
    from tpo_scoping.needs import NeedsResult, RetentionPoint


def quality_table(quality: QualityReport) -> Table:
    """Rows received, used and set aside per table, with the column most often empty."""
    rows = []
    for name, read in quality.rows_read.items():
        used = quality.rows_used.get(name, 0)
        missing = quality.missing.get(name, {})
        worst = max(missing.items(), key=lambda kv: kv[1], default=(None, 0.0))
        rows.append(
            (
                name,
                number(read),
                number(used),
                number(read - used),
                f"{worst[0]} ({pct(worst[1])})" if worst[0] and worst[1] else MISSING,
            )
        )
    return Table(
        ("Table", "Rows received", "Rows used", "Rows set aside", "Most often empty"),
        tuple(rows),
        left=(0, 4),
    )


def quality_notes(quality: QualityReport) -> list[str]:
    """What limits the data first, then why rows were set aside, then the reader's notes."""
    lines = list(quality.warnings) + [
        f"{name}: {count:,} row{'s' if count != 1 else ''} set aside because {reason}"
        for name, counts in quality.dropped_by_reason().items()
        for reason, count in counts.items()
    ]
    return lines + list(quality.notes)


def quality_issues_table(quality: QualityReport, limit: int = 15) -> Table:
    """The first rows set aside, each with its file row, column and reason."""
    rows = tuple(
        (str(i["table"]), f"{int(i['row']):,}", str(i["column"]), str(i["problem"]))
        for i in quality.issues[:limit]
    )
    more = len(quality.issues) - limit
    return Table(
        ("Table", "Row", "Column", "Issue"),
        rows,
        left=(0, 2, 3),
        notes=(f"… and {more:,} more.",) if more > 0 else (),
    )


def gaps_table(needs: NeedsResult) -> Table:
    """Every role × site × competency cell, highest priority first, with its interval."""
    frame = needs.gaps
    if frame is None or frame.empty:
        return Table(("Site", "Role", "Competency"), ())
    rows = []
    for g in frame.sort_values("priority", ascending=False, kind="stable").itertuples():
        if math.isfinite(g.ci_low) and math.isfinite(g.ci_high):
            score = f"{g.mean:.0f} ({g.ci_low:.0f}–{g.ci_high:.0f})"
        else:
            score = f"{g.mean:.0f} (too few for an interval)"
        rows.append(
            (
                site_label(g.site),
                words(g.role),
                words(g.competency),
                score,
                f"{g.below_pass:.0f} of {g.headcount:.0f}",
                f"{g.gap:.1f}",
            )
        )
    return Table(
        (
            "Site",
            "Role",
            "Competency",
            "Average score (95 % CI)",
            "People below pass",
            "Points below target",
        ),
        tuple(rows),
        left=(0, 1, 2),
    )


def priorities_table(needs: NeedsResult, top: int = 8) -> Table:
    """The top training priorities, each in one plain sentence with its evidence."""
    ranked = sorted(needs.priorities, key=lambda p: int(p["rank"]))[:top]
    return Table(
        ("Rank", "Priority"),
        tuple((str(p["rank"]), str(p["summary"])) for p in ranked),
        left=(1,),
    )


def ramp_table(needs: NeedsResult) -> Table:
    """Weeks to proficiency per role and site on the main performance measure, with 95 % CI."""
    if needs.ramp is None or needs.ramp.empty:
        return Table(("Role", "Site", "Weeks to proficiency", "95 % range", "New hires"), ())
    from tpo_scoping.needs.result import primary_metric

    metric = primary_metric(needs.ramp)
    frame = needs.ramp[needs.ramp["metric"] == metric]
    rows = tuple(
        (
            words(r.role),
            site_label(r.site),
            number(r.weeks_to_proficiency, 1),
            f"{number(r.ci_low, 1)} to {number(r.ci_high, 1)}",
            number(r.n),
        )
        for r in frame.itertuples()
    )
    return Table(
        ("Role", "Site", "Weeks to proficiency", "95 % range", "New hires"),
        rows,
        caption=f"Measured on {words(metric)}",
        left=(0, 1),
    )


def _retention_cell(p: RetentionPoint) -> str:
    if math.isfinite(p.ci_low) and math.isfinite(p.ci_high):
        return f"{pct(p.estimate)} ({pct(p.ci_low)}–{pct(p.ci_high)})"
    return pct(p.estimate)


def retention_table(needs: NeedsResult, days: Sequence[int] = (30, 90, 180, 365)) -> Table:
    """Share of new hires still employed after each day, per site, with 95 % CI."""
    by_site: dict[str, dict[int, RetentionPoint]] = {}
    for day in days:
        for p in needs.retention_points(day):
            by_site.setdefault(p.site, {})[day] = p
    shown = [d for d in days if any(d in v for v in by_site.values())]
    low = set(needs.low_retention_sites(90))
    rows = []
    highlight = []
    for n, (site, points) in enumerate(by_site.items()):
        first = next(iter(points.values()))
        rows.append(
            (
                site_label(site),
                number(first.n),
                *(_retention_cell(points[d]) if d in points else MISSING for d in shown),
            )
        )
        if site in low:
            highlight.append(n)
    return Table(
        ("Site", "New hires", *(f"Day {d}" for d in shown)),
        tuple(rows),
        caption="Share of new hires still employed (Kaplan–Meier, 95 % interval)",
        highlight=tuple(highlight),
    )


def logrank_sentence(needs: NeedsResult) -> str:
    """The log-rank test between sites, in words ('' when there is nothing to compare)."""
    test = needs.logrank or {}
    if test.get("p_value") is None or len(test.get("groups", [])) < 2:
        return ""
    verdict = (
        "a real difference between sites, unlikely to be chance"
        if test["p_value"] < 0.05
        else "no difference between sites that we can tell from chance"
    )
    return f"Comparing the sites' curves (log-rank test, p = {test['p_value']:.3f}): {verdict}."


def compliance_table(needs: NeedsResult, *, by_module: bool = False) -> Table:
    """Required certificates per site (and module): valid, expiring, overdue, never completed.

    Coverage is one figure everywhere: valid certificates (current or expiring later) over
    required ones. Certificates that expire within 90 days are valid and are counted as such.
    """
    if by_module:
        rows = [r for r in needs.compliance_rows() if r.module != "all"]
    else:
        rows = needs.site_compliance()
    out = tuple(
        (
            site_label(r.site),
            *((module_title(r.module),) if by_module else ()),
            number(r.required),
            number(r.valid),
            number(r.expiring),
            number(r.overdue),
            number(r.never_completed),
            number(r.not_yet_due),
            pct(r.coverage, 1),
        )
        for r in rows
    )
    columns = (
        "Site",
        *(("Module",) if by_module else ()),
        "Required",
        "Valid",
        "of which expiring in 90 days",
        "Overdue",
        "Never completed",
        "Not yet due",
        "Coverage",
    )
    return Table(columns, out, left=(0, 1) if by_module else (0,))


def impact_table(needs: NeedsResult) -> Table:
    """Each course's effect on each measure in one sentence with its method, or why none.

    The trainees' own before/after change is never the effect: without colleagues to compare
    with, the row says so instead of a number.
    """
    rows = tuple(
        (
            words(i.course),
            words(i.metric),
            f"{i.n_trained} / {i.n_control}",
            impact_sentence(i),
            impact_checks(i),
        )
        for i in needs.impact or []
    )
    return Table(
        ("Course", "Measure", "Trained / compared", "Estimated effect", "Checks"),
        rows,
        left=(0, 1, 3, 4),
    )
