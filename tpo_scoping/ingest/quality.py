"""The data-quality report: what was read, what was used, and why every other row was dropped.

The report is produced by :func:`tpo_scoping.ingest.load_performance_data` before any analysis
runs, so a consultant can show the prospect exactly which of their rows fed the numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_ISSUES_LISTED = 1000
"""The JSON form lists at most this many issues; the counts per reason always cover all of them."""


@dataclass
class QualityReport:
    """Rows read, used and dropped per table, with one issue per dropped row.

    Attributes
    ----------
    rows_read : dict[str, int]
        Data rows found per table (header excluded).
    rows_used : dict[str, int]
        Rows that passed every check and feed the analyses.
    issues : list[dict]
        One ``{table, row, column, problem}`` per dropped row; ``row`` is the row number in the
        file or sheet, the header being row 1.
    mapping : dict[str, dict[str, str]]
        Per table, canonical column -> the header it was read from.
    missing : dict[str, dict[str, float]]
        Per table and canonical column, the share of empty cells among the rows read.
    notes : list[str]
        Things worth knowing that dropped nothing: ignored files and columns, how ambiguous
        dates were read, rescaled scores.
    sources : dict[str, str]
        Per table, the file (and sheet) it came from.
    warnings : list[str]
        Things that limit what the data can say: no exit dates (so no retention), no site
        column, dates whose day/month order nothing in the file settles (with the rows).
    missing_fields : dict[str, dict]
        Per ``table.column`` the file lacks, what follows from it and columns that might hold it.
    date_orders : dict[str, dict]
        Per table with numeric dates: the order used (``dayfirst``/``monthfirst``), what
        decided it (or None), and the rows an undecided order touches.
    outcomes : dict[str, dict[str, int]]
        Per table with a status column (training): rows completed, failed, incomplete,
        unrecognised, empty. Only completed rows are kept.
    unused : dict[str, str]
        Tables that were read but that no analysis used, with the reason (set by the analysis).

    Examples
    --------
    >>> report = QualityReport(rows_read={"employees": 3}, rows_used={"employees": 2})
    >>> report.add("employees", 4, "hire_date", "unparseable date 'soon'")
    >>> report.rows_dropped
    {'employees': 1}
    """

    rows_read: dict[str, int] = field(default_factory=dict)
    rows_used: dict[str, int] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    missing_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    date_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)

    def add(self, table: str, row: int, column: str, problem: str) -> None:
        """Record one dropped row."""
        self.issues.append({"table": table, "row": int(row), "column": column, "problem": problem})

    @property
    def rows_dropped(self) -> dict[str, int]:
        """Rows dropped per table (read minus used)."""
        return {t: self.rows_read[t] - self.rows_used.get(t, 0) for t in self.rows_read}

    def dropped_by_reason(self) -> dict[str, dict[str, int]]:
        """Per table, how many rows were dropped for each kind of problem.

        The kind is the problem text up to its first quote or parenthesis, so that
        "unparseable date '31/02/2025'" and "unparseable date 'soon'" count together.
        """
        out: dict[str, Counter[str]] = {}
        for issue in self.issues:
            kind = str(issue["problem"]).split("'")[0].split("(")[0].strip()
            out.setdefault(issue["table"], Counter())[kind] += 1
        return {t: dict(sorted(c.items())) for t, c in out.items()}

    @property
    def ok(self) -> bool:
        """True when no row was dropped."""
        return not self.issues

    def summary_lines(self) -> list[str]:
        """A few readable lines: per table, rows read/used and the main drop reasons."""
        lines = []
        reasons = self.dropped_by_reason()
        for table, read in self.rows_read.items():
            used = self.rows_used.get(table, 0)
            line = f"{table}: {read:,} rows read, {used:,} used"
            if read != used:
                detail = ", ".join(f"{n:,} {why}" for why, n in reasons.get(table, {}).items())
                line += f", {read - used:,} dropped ({detail})"
            lines.append(line)
        for table, counts in self.outcomes.items():
            parts = [f"{n:,} {kind}" for kind, n in counts.items() if n]
            lines.append(f"{table} outcomes: {', '.join(parts)}; only completed ones are used")
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"{t}: read but not used: {why}" for t, why in self.unused.items()]
        return lines + list(self.notes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the issue list is capped at :data:`MAX_ISSUES_LISTED`."""
        return {
            "rows_read": dict(self.rows_read),
            "rows_used": dict(self.rows_used),
            "rows_dropped": self.rows_dropped,
            "dropped_by_reason": self.dropped_by_reason(),
            "issues": self.issues[:MAX_ISSUES_LISTED],
            "issues_total": len(self.issues),
            "mapping": {t: dict(m) for t, m in self.mapping.items()},
            "missing": {t: dict(m) for t, m in self.missing.items()},
            "notes": list(self.notes),
            "sources": dict(self.sources),
            "warnings": list(self.warnings),
            "missing_fields": {k: dict(v) for k, v in self.missing_fields.items()},
            "date_orders": {k: dict(v) for k, v in self.date_orders.items()},
            "outcomes": {k: dict(v) for k, v in self.outcomes.items()},
            "unused": dict(self.unused),
        }
