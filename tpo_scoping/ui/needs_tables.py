"""The needs analysis as the needs app shows it: one set of tables for the screen and the export.

Each table is ``(title, headers, rows)`` with cells already written for people (sites and modules
by name, shares as percentages, counts rounded), so the xlsx download says exactly what the
screen says (:func:`needs_workbook`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tpo_scoping.labels import MISSING, module_title, site_label, words
from tpo_scoping.ui.html import html_table

if TYPE_CHECKING:
    from tpo_scoping.ingest.quality import QualityReport
    from tpo_scoping.needs import NeedsResult

Table = tuple[str, list[str], list[list[Any]]]
TOP_PRIORITIES = 8


def percent(x: Any) -> str:
    """A share as a whole percentage ('80 %'); the missing mark when there is none."""
    return MISSING if x is None or x != x else f"{float(x) * 100:.0f} %"


def score_with_interval(mean: float, low: float, high: float) -> str:
    """An average score with its 95 % interval, or a note when too few people give one.

    >>> score_with_interval(69.3, 66.1, 72.6), score_with_interval(70.0, float("nan"), 1.0)
    ('69 (66–73)', '70 (too few for an interval)')
    """
    if low != low or high != high:
        return f"{mean:.0f} (too few for an interval)"
    return f"{mean:.0f} ({low:.0f}–{high:.0f})"


def priorities_table(result: NeedsResult) -> Table:
    rows = [
        [int(p.get("rank", i)), str(p.get("summary", ""))]
        for i, p in enumerate(result.priorities[:TOP_PRIORITIES], 1)
    ]
    return ("Priorities", ["Rank", "Training need"], rows)


def gaps_table(result: NeedsResult) -> Table:
    rows = [
        [
            site_label(g["site"]),
            words(g["role"]),
            words(g["competency"]),
            score_with_interval(g["mean"], g["ci_low"], g["ci_high"]),
            f"{g['below_pass']:.0f} of {g['headcount']:.0f}",
            f"{g['gap']:.1f}",
        ]
        for g in _records(result.gaps, sort="priority")
    ]
    headers = ["Site", "Role", "Competency", "Average score (95% CI)", "People below pass"]
    return ("Gaps", [*headers, "Points below target"], rows)


def retention_table(result: NeedsResult) -> Table:
    rows = [
        [
            site_label(r["site"]),
            f"{percent(r['estimate'])} ({percent(r['ci_low'])}–{percent(r['ci_high'])})",
            int(r["n"]),
        ]
        for r in _records(result.retention)
        if r["day"] == 90 and r["cohort"] == "all"
    ]
    return ("Retention", ["Site", "90-day retention (95% CI)", "Hires"], rows)


def compliance_table(result: NeedsResult) -> Table:
    rows = [
        [
            site_label(c["site"]),
            module_title(c["module"]),
            percent(c["coverage"]),
            percent(c["on_time"]),
            int(c["overdue"]),
            int(c["expiring_30"]),
        ]
        for c in _records(result.compliance)
    ]
    headers = ["Site", "Module", "Coverage", "On time", "Overdue", "Expiring ≤30 d"]
    return ("Compliance", headers, rows)


def _records(frame: Any, sort: str | None = None) -> list[dict[str, Any]]:
    """A result's table as rows (none when the data allowed no such table)."""
    if frame is None or frame.empty:
        return []
    if sort is not None:
        frame = frame.sort_values(sort, ascending=False)
    return list(frame.to_dict("records"))


def quality_table(quality: QualityReport, limit: int = 15) -> Table:
    rows = [[i["table"], i["row"], i["column"], i["problem"]] for i in quality.issues[:limit]]
    return ("Data quality", ["Table", "Row", "Column", "Issue"], rows)


def table_html(table: Table) -> str:
    """A table's rows as escaped HTML."""
    _title, headers, rows = table
    cells = [[html.escape(str(c)) for c in row] for row in rows]
    return html_table([html.escape(h) for h in headers], cells)


def needs_workbook(result: NeedsResult) -> bytes:
    """The tables on screen as an xlsx workbook, one sheet each."""
    from tpo_scoping.report import tables_to_xlsx

    tables: Sequence[Table] = (
        priorities_table(result),
        gaps_table(result),
        retention_table(result),
        compliance_table(result),
        quality_table(result.quality, limit=10_000),
    )
    return tables_to_xlsx(tables)


def quality_html(quality: QualityReport) -> str:
    """Rows read and dropped, missing values, and the first issues."""
    issues = quality.issues
    table = table_html(quality_table(quality)) if issues else ""
    gaps = [
        f"{html.escape(t)}.{html.escape(c)} {share:.0%}"
        for t, columns in quality.missing.items()
        for c, share in columns.items()
        if share > 0
    ]
    missing = (
        f"<p style='font-size:13px'>Missing values (share of rows): {', '.join(gaps)}.</p>"
        if gaps
        else ""
    )
    more = len(issues) - 15
    return (
        f"<p style='font-size:13px'>Rows read: {_counts(quality.rows_read)}.<br>"
        f"Rows dropped: {_counts(quality.rows_dropped)}; issues: {len(issues):,}.</p>"
        f"{missing}{table}"
        + (f"<p style='font-size:12px'>… and {more:,} more.</p>" if more > 0 else "")
    )


def _counts(value: Mapping[str, int]) -> str:
    return ", ".join(f"{html.escape(k)} {v:,}" for k, v in value.items()) or "0"


def outcome_text(quality: QualityReport) -> str:
    """One line on what an analysis used: rows read and dropped, where to look next.

    >>> from tpo_scoping.ingest.quality import QualityReport
    >>> outcome_text(QualityReport(rows_read={"employees": 80, "metrics": 2000},
    ...                            rows_used={"employees": 78, "metrics": 2000}))
    'Done: 2,080 rows read, 2 dropped (listed under Data quality); the results are below.'
    """
    read = sum(quality.rows_read.values())
    dropped = read - sum(quality.rows_used.values())
    rows = f"{read:,} rows read, " + (
        f"{dropped:,} dropped (listed under Data quality)" if dropped else "none dropped"
    )
    return f"Done: {rows}; the results are below."
