"""KPI drafts: baselines, targets, milestone paths and whether each target is measurable.

* :mod:`~tpo_scoping.kpis.baselines`: where each KPI starts (the prospect's data, or a default);
* :mod:`~tpo_scoping.kpis.draft`: the target rule, the milestone path and :func:`draft_kpis`;
* :mod:`~tpo_scoping.kpis.power`: the minimum detectable change (statsmodels' power solvers).
"""

from tpo_scoping.kpis.baselines import (
    CORE_KPIS,
    OPTIONAL_KPIS,
    Baseline,
    baselines_from_needs,
    default_baselines,
    kpi_specs,
)
from tpo_scoping.kpis.draft import Cadence, Kpi, KpiDraft, Milestone, draft_kpis
from tpo_scoping.kpis.power import cohens_h, min_detectable_change, required_n_per_group

__all__ = [
    "CORE_KPIS",
    "OPTIONAL_KPIS",
    "Baseline",
    "Cadence",
    "Kpi",
    "KpiDraft",
    "Milestone",
    "baselines_from_needs",
    "cohens_h",
    "default_baselines",
    "draft_kpis",
    "kpi_specs",
    "min_detectable_change",
    "required_n_per_group",
]
