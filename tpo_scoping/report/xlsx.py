"""The KPI table, the plan and the clauses as an ``.xlsx`` workbook (openpyxl).

Every text cell passes through :func:`~tpo_scoping.report.safe.spreadsheet_safe`, and is
written with an explicit string type, so that no cell can become a formula; numbers stay
numbers.

Workbooks are assembled in memory (:func:`workbook_bytes`): openpyxl's own ``save`` writes each
worksheet's XML, which holds the analysis text, to a temporary file first, and an app's export
must not leave a prospect's figures on the server's disk, even briefly.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tpo_scoping.report.safe import spreadsheet_safe

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.presentation import Table
    from tpo_scoping.scope import Scope

_WRAP_WIDTH = {"short": 14, "medium": 28, "long": 60}


def write_sheet(
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
    sheet = write_sheet(book, "KPIs", headers, rows, widths)
    for row in sheet.iter_rows(min_row=2):
        unit = row[3].value
        for cell in row[4 : 9 + len(days)]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%" if unit == "share" else "0.00"
    notes = [[kpis.target_rule], *([n] for n in kpis.notes)]
    write_sheet(book, "KPI notes", ["Note"], notes, [120])


def _economics_sheets(book: Any, scope: Scope) -> None:
    """Each option's cash, imputed and total cost (numbers, USD), and the conservative view."""
    from tpo_scoping.labels import option_label

    be = scope.break_even
    options = sorted(be.options.values(), key=lambda o: o.total_cost)
    sheet = write_sheet(
        book,
        "Economics",
        [
            "Option",
            "Cash (USD)",
            "Imputed (USD)",
            "Total (USD)",
            "Per FTE per month (USD)",
            "Saving vs today (USD)",
            "Cash saving vs today (USD)",
            "Manager hours",
            "Payback month",
        ],
        [
            [
                o.label,
                o.cash_cost,
                o.imputed_cost,
                o.total_cost,
                o.monthly_cost_per_fte,
                o.saving_vs_current_practice,
                o.cash_saving_vs_current_practice,
                o.manager_hours,
                o.payback_month,
            ]
            for o in options
        ],
        [30, 14, 14, 14, 14, 14, 14, 12, 10],
    )
    for row in sheet.iter_rows(min_row=2):
        for cell in row[1:7]:
            cell.number_format = "#,##0"
        row[7].number_format = "#,##0"
    write_sheet(
        book,
        "Conservative view",
        ["Imputed cost counted", "Break-even vs catalog (FTE)", "Why none", "Cheapest option"],
        [
            [
                v.imputed_share,
                v.break_even_fte,
                v.break_even_reason or "",
                option_label(v.cheapest_option),
            ]
            for v in be.conservative
        ],
        [14, 16, 80, 30],
    )


def new_book() -> Any:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def workbook_bytes(book: Any) -> bytes:
    """The ``.xlsx`` bytes of an openpyxl workbook, written without touching the disk.

    The same parts as :meth:`openpyxl.Workbook.save`, but each worksheet's XML goes to a buffer
    in memory instead of a temporary file (openpyxl's ``WorksheetWriter`` takes any output; its
    own save always gives it a file in the temporary folder).

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> workbook_bytes(Workbook())[:2]
    b'PK'
    """
    import datetime as dt
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    if book.write_only:  # pragma: no cover - the workbench builds ordinary workbooks
        raise ValueError("write-only workbooks keep their sheets in temporary files")

    class InMemoryExcelWriter(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    buffer = io.BytesIO()
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    book.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    InMemoryExcelWriter(book, archive).save()
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
    book = new_book()
    _kpi_sheet(book, kpis)
    return workbook_bytes(book)


def render_xlsx(scope: Scope) -> bytes:
    """The brief's tables as xlsx bytes: fit, economics, KPIs, plan and the draft clauses."""
    book = new_book()
    fit = scope.fit
    write_sheet(
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
    _economics_sheets(book, scope)
    _kpi_sheet(book, scope.kpis)
    write_sheet(
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
    write_sheet(
        book,
        "Clauses (DRAFT)",
        ["No.", "Clause", "Text", "Basis"],
        [[None, clauses.status, clauses.notice, ""]]
        + [[c.number, c.title, c.text, c.source] for c in clauses.clauses],
        [6, 30, 110, 50],
    )
    return workbook_bytes(book)


def tables_to_xlsx(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """Tables as the screen shows them, one sheet each: ``(sheet title, table)``.

    Cells are the table's text (the same labels, units and rounding as on screen); a table's
    notes under its rows go in a last column, "Note".

    Examples
    --------
    >>> from tpo_scoping.presentation import Table
    >>> tables_to_xlsx([("Retention", Table(("Site", "Day 90"), (("Manila", "80 %"),)))])[:2]
    b'PK'
    """
    book = new_book()
    for title, table in sheets:
        headers = [*table.columns, *(["Note"] if table.row_notes else [])]
        rows = [
            [*row, *([table.row_notes[i]] if table.row_notes else [])]
            for i, row in enumerate(table.rows)
        ]
        widths = [
            max(10, min(70, max((len(str(r[i])) for r in rows), default=10) + 2))
            for i in range(len(headers))
        ]
        write_sheet(book, title[:31], headers, rows, widths)
    if not book.worksheets:
        book.create_sheet("empty")
    return workbook_bytes(book)
