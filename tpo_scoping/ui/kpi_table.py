"""The draft KPI table as the apps show it, with what "measurable" means for this team.

The scoping calculator and the KPI drafter show the table of the presentation layer
(:func:`tpo_scoping.presentation.kpis.kpi_table`), as the brief and the CLI do: each KPI's note
in full under its row, since on a shared screen or a phone nobody hovers for a tooltip.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tpo_scoping.presentation.kpis import kpi_table, measurable_meaning

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft


def kpi_table_html(draft: KpiDraft, team_fte: int) -> str:
    """The KPI table under the sentence on what "measurable" means for this team."""
    meaning = html.escape(measurable_meaning(draft, team_fte))
    table = kpi_table(draft).to_html()
    return f'<p style="font-size:13px;color:#334;margin:4px 0">{meaning}</p>{table}'


def kpi_workbook(draft: KpiDraft) -> bytes:
    """The KPI table as on screen, each note in a last column, as an xlsx workbook."""
    from tpo_scoping.report import tables_to_xlsx

    return tables_to_xlsx([("KPIs", kpi_table(draft))])
