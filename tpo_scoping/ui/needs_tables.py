"""The needs analysis as the needs app shows it: the presentation tables, on screen and in xlsx.

Every table comes from :mod:`tpo_scoping.presentation.needs`, so the app, the notebook, the
brief and the CLI show the same cells; the xlsx download (:func:`needs_workbook`) holds exactly
the tables on screen, one sheet each, under the screen's titles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.presentation import needs as rows
from tpo_scoping.ui.html import bullets_html, table_html

if TYPE_CHECKING:
    from tpo_scoping.ingest.quality import QualityReport
    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.presentation import Table

NO_IMPACT = (
    "Training impact cannot be estimated: the data has no training records with performance "
    "before and after."
)


def screen_tables(result: NeedsResult) -> list[tuple[str, Table]]:
    """The tables the app shows, under their titles, in the order shown."""
    return [
        ("Priorities", rows.priorities_table(result)),
        ("Gaps", rows.gaps_table(result)),
        ("Ramp time", rows.ramp_table(result)),
        ("Retention", rows.retention_table(result)),
        ("Compliance", rows.compliance_table(result)),
        ("Compliance by module", rows.compliance_table(result, by_module=True)),
        ("Training impact", rows.impact_table(result)),
    ]


def needs_workbook(result: NeedsResult) -> bytes:
    """The tables on screen as an xlsx workbook, one sheet each, with every data-quality issue."""
    from tpo_scoping.report import tables_to_xlsx

    issues = rows.quality_issues_table(result.quality, limit=len(result.quality.issues))
    return tables_to_xlsx(
        [
            *screen_tables(result),
            ("Data quality", rows.quality_table(result.quality)),
            ("Rows set aside", issues),
        ]
    )


def quality_html(quality: QualityReport) -> str:
    """Rows received and used per table, what limits the data, and the first rows set aside."""
    return (
        table_html(rows.quality_table(quality))
        + bullets_html(rows.quality_notes(quality))
        + table_html(rows.quality_issues_table(quality))
    )


def impact_html(result: NeedsResult) -> str:
    """Each course's effect in one sentence with its checks, or why there is no estimate."""
    return table_html(rows.impact_table(result), empty=NO_IMPACT)


def outcome_text(quality: QualityReport) -> str:
    """One line on what an analysis used: rows read and dropped, where to look next.

    >>> from tpo_scoping.ingest.quality import QualityReport
    >>> outcome_text(QualityReport(rows_read={"employees": 80, "metrics": 2000},
    ...                            rows_used={"employees": 78, "metrics": 2000}))
    'Done: 2,080 rows read, 2 dropped (listed under Data quality); the results are below.'
    """
    read = sum(quality.rows_read.values())
    dropped = read - sum(quality.rows_used.values())
    rows_read = f"{read:,} rows read, " + (
        f"{dropped:,} dropped (listed under Data quality)" if dropped else "none dropped"
    )
    return f"Done: {rows_read}; the results are below."
