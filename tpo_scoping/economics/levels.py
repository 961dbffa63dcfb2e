"""How each option trains a team: the management time and compliance exposure it leaves, and
how many weeks a new hire takes to ramp up.

Shares are of the informal level (manager walkthroughs = 1). What TPO changes is stated as a
difference against catalog licensing, with a range that reaches "no difference".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tpo_scoping.economics.model import Context

CURRENT_PRACTICE = "current_practice"
"""Key of today's practice when it is not one of the options (manager walkthroughs, or an
internal L&D team as it is)."""


@dataclass(frozen=True)
class Levels:
    """How an option trains: management time and compliance exposure it leaves, ramp weeks."""

    mgmt_share: np.ndarray
    gap_share: np.ndarray
    ramp_weeks: np.ndarray


def option_levels(p: Mapping[str, np.ndarray], ctx: Context) -> dict[str, Levels]:
    """Each option's training levels, today's practice included.

    Management time and compliance exposure are shares of the informal level (manager
    walkthroughs = 1). TPO's are what catalog licensing leaves, reduced by the share TPO removes
    beyond it (``tpo_*_reduction_vs_catalog``, whose ranges reach 0: no difference). An internal
    L&D staff covers ``min(1, staff × FTE per trainer / FTE)`` of today's team; the rest is
    trained informally.
    """
    informal = p["ramp_weeks_informal"]
    structured = np.minimum(p["ramp_weeks_structured"], informal)
    partial = informal - (informal - structured) * p["ramp_partial_reduction_share"]
    weeks = {
        "catalog_licensing": partial,
        "custom_course_development": partial,
        "internal_ld": structured,
        "lms_only": informal,
        "adhoc_vendor": partial,
    }
    out = {
        o: Levels(p[f"mgmt_residual_share_{o}"], p[f"compliance_gap_share_{o}"], weeks[o])
        for o in weeks
    }
    catalog = out["catalog_licensing"]
    out["tpo"] = Levels(
        catalog.mgmt_share * (1 - p["tpo_mgmt_time_reduction_vs_catalog"]),
        catalog.gap_share * (1 - p["tpo_compliance_gap_reduction_vs_catalog"]),
        structured,
    )
    ones = np.ones_like(informal)
    if ctx.current_training == "internal_ld" and ctx.team_fte_now > 0:
        covered = np.minimum(
            1.0, ctx.internal_ld_staff * p["internal_ld_fte_per_trainer"] / ctx.team_fte_now
        )
        ld = out["internal_ld"]
        out[CURRENT_PRACTICE] = Levels(
            covered * ld.mgmt_share + (1 - covered),
            covered * ld.gap_share + (1 - covered),
            covered * ld.ramp_weeks + (1 - covered) * informal,
        )
    else:
        out[CURRENT_PRACTICE] = Levels(ones, ones, informal)
    return out
