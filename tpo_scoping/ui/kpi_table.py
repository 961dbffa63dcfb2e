"""The draft KPI table as the apps show it, with what "measurable" means for this team.

The scoping calculator and the KPI drafter show the same table. Each KPI has a row of figures
and, under it, its note in full (how it is measured, or why a change cannot be told apart from
noise and what to do instead): on a shared screen or a phone nobody hovers for a tooltip.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tpo_scoping.labels import kpi_level
from tpo_scoping.ui.html import html_table

if TYPE_CHECKING:
    from tpo_scoping.kpis import Kpi, KpiDraft

PERIOD = {"monthly": "month", "quarterly": "quarter"}


def measurable_words(kpi: Kpi, cadence: str) -> str:
    """Whether the target's change shows in the team's own numbers, in a few words."""
    period = PERIOD.get(cadence, cadence)
    if kpi.detectable is None:
        return "held at baseline"
    if kpi.detectable:
        return f"yes, {period} by {period}"
    if kpi.periods_to_detect is not None:
        return f"over {kpi.periods_to_detect} {period}s pooled"
    return "not from this team's numbers alone"


def measurable_meaning(draft: KpiDraft, team_fte: int) -> str:
    """The sentence above the table that says what "measurable" means for this team."""
    period = PERIOD.get(draft.cadence, draft.cadence)
    return (
        f"“Measurable” means that the change from baseline to target is larger than the "
        f"smallest change one {period}'s figures from a team of {team_fte:,} FTE can tell apart "
        f"from noise ({draft.alpha:.0%} false alarms, {draft.power:.0%} power). Where it is "
        "not, the note under the KPI says how it will be measured instead."
    )


def kpi_rows(draft: KpiDraft) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, rows of figures and each row's note, as plain text written for people."""
    period = PERIOD.get(draft.cadence, draft.cadence)
    days = sorted({m.day for k in draft.kpis for m in k.milestones if m.day != 365})
    headers = ["KPI", "Baseline", "Baseline from", "Target (day 365)"]
    headers += [f"Day {d}" for d in days]
    headers += [f"Smallest change a {period} can show", "Measurable?"]
    rows, notes = [], []
    for k in draft.kpis:
        by_day = {m.day: m.value for m in k.milestones}
        rows.append(
            [
                k.name,
                kpi_level(k.baseline, k.unit),
                "default" if k.baseline_is_default else "prospect data",
                kpi_level(k.target, k.unit),
                *[kpi_level(by_day.get(d), k.unit) for d in days],
                k.min_detectable_change_text,
                measurable_words(k, draft.cadence),
            ]
        )
        notes.append(k.detectability_note)
    return headers, rows, notes


def kpi_table_html(draft: KpiDraft, team_fte: int) -> str:
    """The KPI table with each KPI's note in a row of its own, under the sentence on meaning."""
    headers, rows, notes = kpi_rows(draft)
    source = headers.index("Baseline from")
    cells = []
    for row in rows:
        shown = [html.escape(c) for c in row]
        shown[0], shown[3] = f"<b>{shown[0]}</b>", f"<b>{shown[3]}</b>"
        shown[1] += f'<br><span style="color:#667;font-size:11px">{shown[source]}</span>'
        cells.append(shown[:source] + shown[source + 1 :])
    heads = [html.escape(h) for h in headers[:source] + headers[source + 1 :]]
    table = html_table(heads, cells, notes=[html.escape(n) for n in notes])
    meaning = html.escape(measurable_meaning(draft, team_fte))
    return f'<p style="font-size:13px;color:#334;margin:4px 0">{meaning}</p>{table}'


def kpi_workbook(draft: KpiDraft) -> bytes:
    """The KPI table as on screen, with each note in a last column, as an xlsx workbook."""
    from tpo_scoping.report import tables_to_xlsx

    headers, rows, notes = kpi_rows(draft)
    table = [[*row, note] for row, note in zip(rows, notes, strict=True)]
    return tables_to_xlsx([("KPIs", [*headers, "What it means"], table)])
