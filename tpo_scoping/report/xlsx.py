"""The KPI table, the plan and the clauses as an ``.xlsx`` workbook (openpyxl).

Every text cell passes through :func:`~tpo_scoping.report.safe.spreadsheet_safe`, and is
written with an explicit string type, so that no cell can become a formula; numbers stay
numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tpo_scoping.report.safe import spreadsheet_safe

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.scope import Scope

_WRAP_WIDTH = {"short": 14, "medium": 28, "long": 60}


def _write_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = book.create_sheet(title=title)
    sheet.append([spreadsheet_safe(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D2433")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            value = _cell_value(value)
            if isinstance(value, str):
                cell.value = spreadsheet_safe(value)
                cell.data_type = "s"  # never a formula, whatever the text
            else:
                cell.value = value
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    sheet.freeze_panes = "B2"
    return sheet


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _kpi_sheet(book: Any, kpis: KpiDraft) -> None:
    days = [m.day for m in kpis.kpis[0].milestones] if kpis.kpis else []
    headers = [
        "KPI",
        "Definition",
        "Formula",
        "Unit",
        "Baseline",
        "Baseline source",
        "Baseline is default",
        "Best quartile",
        "Target (day 365)",
        *[f"Day {d}" for d in days],
        "Cadence",
        "Observations per period",
        "Min. detectable change",
        "Detectable",
        "Detectability note",
        "Data source",
        "Owner",
    ]
    rows = [
        [
            k.name,
            k.definition,
            k.formula,
            k.unit,
            k.baseline,
            k.baseline_source,
            k.baseline_is_default,
            k.best_quartile,
            k.target,
            *[m.value for m in k.milestones],
            k.cadence,
            k.n_per_period,
            k.min_detectable_change,
            "n/a (hold)" if k.detectable is None else k.detectable,
            k.detectability_note,
            k.data_source,
            k.owner,
        ]
        for k in kpis.kpis
    ]
    widths = [26, 50, 40, 10, 10, 50, 10, 10, 10, *[9] * len(days), 10, 10, 10, 10, 60, 40, 30]
    sheet = _write_sheet(book, "KPIs", headers, rows, widths)
    for row in sheet.iter_rows(min_row=2):
        unit = row[3].value
        for cell in row[4 : 9 + len(days)]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%" if unit == "share" else "0.00"
    notes = [[kpis.target_rule], *([n] for n in kpis.notes)]
    _write_sheet(book, "KPI notes", ["Note"], notes, [120])


def _book() -> Any:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kpis_to_xlsx(kpis: KpiDraft) -> bytes:
    """The KPI table (and its notes) as xlsx bytes.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> from tpo_scoping.kpis import draft_kpis
    >>> profile = parse_profile("prospect: X\\nsites: [{country: PH, fte: 9}]")
    >>> kpis_to_xlsx(draft_kpis(profile))[:2]
    b'PK'
    """
    book = _book()
    _kpi_sheet(book, kpis)
    return _save(book)


def render_xlsx(scope: Scope) -> bytes:
    """The brief's tables as xlsx bytes: fit, KPIs, plan and the draft clauses."""
    book = _book()
    fit = scope.fit
    _write_sheet(
        book,
        "Fit",
        ["Item", "Value"],
        [
            ["Prospect", scope.profile.prospect],
            ["Recommendation", fit.label],
            ["Headline", fit.headline],
            *(["Reason", r] for r in fit.reasons),
            *([f"Risk ({r.severity})", f"{r.risk} Mitigation: {r.mitigation}"] for r in fit.risks),
        ],
        [22, 120],
    )
    _kpi_sheet(book, scope.kpis)
    _write_sheet(
        book,
        "Plan",
        ["Workstream", "Activity", "Start week", "End week", "Type", "Owner", "Detail"],
        [
            [i.workstream, i.activity, i.start_week, i.end_week, i.kind, i.owner, i.detail]
            for i in scope.plan.items
        ],
        [16, 40, 10, 10, 10, 24, 70],
    )
    clauses = scope.clauses
    _write_sheet(
        book,
        "Clauses (DRAFT)",
        ["No.", "Clause", "Text", "Basis"],
        [[None, clauses.status, clauses.notice, ""]]
        + [[c.number, c.title, c.text, c.source] for c in clauses.clauses],
        [6, 30, 110, 50],
    )
    return _save(book)


def tables_to_xlsx(tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """Tables as shown on screen, one sheet each: ``(sheet title, headers, rows)``.

    Examples
    --------
    >>> tables_to_xlsx([("Retention", ["Site", "90-day retention"], [["Manila", "80 %"]])])[:2]
    b'PK'
    """
    book = _book()
    for title, headers, rows in tables:
        widths = [
            max(10, min(70, max((len(str(r[i])) for r in rows), default=10) + 2))
            for i in range(len(headers))
        ]
        _write_sheet(book, title[:31], headers, rows, widths)
    return _save(book)
