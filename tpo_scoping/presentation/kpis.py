"""The KPI draft as people read it: the contract's KPI table, the milestone path, definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.labels import kpi_level, number
from tpo_scoping.presentation.table import Table

if TYPE_CHECKING:
    from tpo_scoping.kpis import Kpi, KpiDraft


def baseline_from(kpi: Kpi) -> str:
    """Where a baseline comes from, in two words."""
    return "benchmark (default)" if kpi.baseline_is_default else "prospect's data"


def kpi_table(draft: KpiDraft) -> Table:
    """One row per KPI: baseline and its source, day-90 and day-180 milestones, the day-365
    target, the smallest change a period can show, and what that means in words."""
    rows = []
    for k in draft.kpis:
        by_day = {m.day: m.value for m in k.milestones}
        rows.append(
            (
                k.name,
                kpi_level(k.baseline, k.unit),
                baseline_from(k),
                kpi_level(by_day.get(90), k.unit),
                kpi_level(by_day.get(180), k.unit),
                kpi_level(k.target, k.unit),
                k.min_detectable_change_text,
                k.measurability,
            )
        )
    return Table(
        (
            "KPI",
            "Baseline",
            "Baseline from",
            "Day 90",
            "Day 180",
            "Target (day 365)",
            "Smallest change a period can show",
            "Measurable?",
        ),
        tuple(rows),
        left=(0, 2, 6, 7),
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
