"""Small hand-made needs results for tests of what reads them (verdict, KPIs, plan)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from tpo_scoping.ingest import QualityReport
from tpo_scoping.needs import NeedsResult, NeedsSettings

GAP_COLUMNS = ["role", "site", "competency", "n", "mean", "ci_low", "ci_high", "gap"]


def gap(
    competency: str, site: str, diff: float = math.nan, p_adj: float = math.nan, **kw: float
) -> dict:
    """One gap row: a site ``diff`` points below the others, Holm-adjusted ``p_adj``."""
    row = {
        "role": "agent",
        "site": site,
        "competency": competency,
        "n": 20,
        "mean": 70.0,
        "ci_low": 66.0,
        "ci_high": 74.0,
        "gap": 0.1,
        "site_diff": diff,
        "site_p_adj": p_adj,
        "share_below_pass": 0.4,
    }
    row.update(kw)
    return row


def needs_with(gaps: list[dict] | None = None, compliance: list[dict] | None = None) -> NeedsResult:
    """A needs result holding only the given gap and compliance rows."""
    empty = pd.DataFrame()
    return NeedsResult(
        as_of=dt.date(2026, 9, 30),
        quality=QualityReport(),
        settings=NeedsSettings.defaults(),
        gaps=pd.DataFrame(gaps or [], columns=None if gaps else GAP_COLUMNS),
        site_tests=empty,
        priorities=[],
        ramp=empty,
        ramp_curves=empty,
        retention=empty,
        km_curves=empty,
        logrank={},
        compliance=pd.DataFrame(compliance or []),
        compliance_status=empty,
        impact=None,
    )
