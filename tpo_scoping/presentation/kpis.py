"""The KPI draft as people read it: the contract's KPI table, the milestone path, definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.labels import kpi_level, number, pct
from tpo_scoping.presentation.table import Table

if TYPE_CHECKING:
    from tpo_scoping.kpis import Kpi, KpiDraft


def baseline_from(kpi: Kpi) -> str:
    """Where a baseline comes from, in two words."""
    return "default" if kpi.baseline_is_default else "prospect data"


def kpi_table(draft: KpiDraft) -> Table:
    """The contract's KPI table: baseline and its source, the day-365 target, the milestones,
    the smallest change a period can show, and whether the target's change is measurable, with
    each KPI's note in full under its row."""
    period = draft.kpis[0].cadence_period if draft.kpis else "period"
    days = sorted({m.day for k in draft.kpis for m in k.milestones if m.day != 365})
    rows = []
    for k in draft.kpis:
        by_day = {m.day: m.value for m in k.milestones}
        rows.append(
            (
                k.name,
                kpi_level(k.baseline, k.unit),
                baseline_from(k),
                kpi_level(k.target, k.unit),
                *(kpi_level(by_day.get(d), k.unit) for d in days),
                k.min_detectable_change_text,
                k.measurability,
            )
        )
    columns = (
        "KPI",
        "Baseline",
        "Baseline from",
        "Target (day 365)",
        *(f"Day {d}" for d in days),
        f"Smallest change a {period} can show",
        "Measurable?",
    )
    return Table(
        columns,
        tuple(rows),
        left=(0, 2, len(columns) - 2, len(columns) - 1),
        row_notes=tuple(k.detectability_note for k in draft.kpis),
    )


def measurable_meaning(draft: KpiDraft, team_fte: int) -> str:
    """What "measurable" means for this team, in one sentence above the table."""
    period = draft.kpis[0].cadence_period if draft.kpis else "period"
    return (
        f"“Measurable” means that the change from baseline to target is larger than the smallest"
        f" change one {period}'s figures from a team of {team_fte:,} FTE can tell apart from noise"
        f" ({pct(draft.alpha)} false alarms, {pct(draft.power)} power). Where it is not, the note"
        " under the KPI says how it will be measured instead."
    )


def kpi_path_table(draft: KpiDraft) -> Table:
    """Each KPI's milestone path from baseline to target, with how the target is set."""
    days = [m.day for m in draft.kpis[0].milestones] if draft.kpis else []
    rows = tuple(
        (
            k.name,
            kpi_level(k.baseline, k.unit),
            *(kpi_level(m.value, k.unit) for m in k.milestones),
            k.target_rule,
        )
        for k in draft.kpis
    )
    return Table(
        ("KPI", "Baseline", *(f"Day {d}" for d in days), "How the target is set"),
        rows,
        left=(0, len(days) + 2),
    )


def detectability_table(draft: KpiDraft) -> Table:
    """Whether each target is measurable at the prospect's size, and what to do when it is not."""
    rows = tuple(
        (
            k.name,
            number(k.n_per_period),
            k.min_detectable_change_text,
            k.measurability,
            k.detectability_note,
        )
        for k in draft.kpis
    )
    return Table(
        (
            "KPI",
            f"Observations per {draft.kpis[0].cadence_period if draft.kpis else 'period'}",
            "Smallest change a period can show",
            "Measurable?",
            "What it means",
        ),
        rows,
        left=(0, 2, 3, 4),
    )


def definitions_table(draft: KpiDraft) -> Table:
    """How each KPI is computed, from which data, and who owns it."""
    return Table(
        ("KPI", "Definition", "Data", "Owner"),
        tuple((k.name, k.definition, k.data_source, k.owner) for k in draft.kpis),
        left=(0, 1, 2, 3),
    )
