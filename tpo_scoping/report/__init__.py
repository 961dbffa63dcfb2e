"""Rendering of the engagement brief: self-contained HTML, PDF, xlsx and JSON.

* :func:`render_html` - one HTML file, charts as inline SVG, nothing loaded from the network;
* :func:`render_pdf` - the same brief printed by headless Chromium;
* :func:`render_xlsx` / :func:`kpis_to_xlsx` - the tables as a workbook, formulas neutralised;
* :func:`spreadsheet_safe` - the formula-neutralisation helper every exporter uses (CSV too).

JSON is ``serialize.dumps(scope.to_dict())``.
"""

from tpo_scoping.report.html import render_html
from tpo_scoping.report.pdf import render_pdf
from tpo_scoping.report.safe import safe_csv, safe_frame, spreadsheet_safe
from tpo_scoping.report.xlsx import kpis_to_xlsx, render_xlsx, tables_to_xlsx

__all__ = [
    "kpis_to_xlsx",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "safe_csv",
    "safe_frame",
    "spreadsheet_safe",
    "tables_to_xlsx",
]
