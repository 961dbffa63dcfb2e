"""Signing: freeze what was agreed into an engagement folder (see :mod:`.record`).

The scope is built once, on the prospect's data as of the day before the start, and written as
the record: the profile, the KPI table, the incentive and credit rules of the clause, the plan
and the assumptions, with the package version. Nothing in an existing record is overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpo_scoping.engagement.record import (
    ASSUMPTIONS_FILE,
    ENGAGEMENT_FILE,
    INCENTIVES_FILE,
    KPIS_FILE,
    PLAN_FILE,
    PROFILE_FILE,
    RECORD_FILES,
    SCHEMA_VERSION,
    SignedEngagement,
    read_record,
)
from tpo_scoping.errors import InputError

if TYPE_CHECKING:
    from tpo_scoping.kpis import Cadence, Kpi
    from tpo_scoping.profile import Profile
    from tpo_scoping.scope import Scope


def sign(
    profile: Profile,
    data: Any,
    start: dt.date,
    out: str | Path,
    *,
    ambition: float = 0.5,
    cadence: Cadence = "quarterly",
    signed_on: dt.date | None = None,
    replace_existing: bool = False,
) -> SignedEngagement:
    """Sign an engagement: scope it on the data before ``start`` and write the record to ``out``.

    Parameters
    ----------
    profile : Profile
        The prospect profile (its ``data`` entry is not kept: the record holds the baselines).
    data : path, PerformanceData or None
        The prospect's performance data up to the start; None uses the profile's ``data.path``
        (or packaged default baselines when the profile has none).
    start : date
        First day of the engagement; the baselines are measured as of the day before.
    out : path
        The engagement folder to write. A folder that already holds a record is refused.
    ambition, cadence
        As for :func:`tpo_scoping.kpis.draft_kpis`.
    signed_on : date, optional
        The signing date written to the record (default: today).
    replace_existing : bool
        Rewrite an existing record (the sample generator does; the CLI never does).

    Returns
    -------
    SignedEngagement
        The record as read back from ``out``.
    """
    from tpo_scoping.scope import build_scope, load_data
    from tpo_scoping.serialize import write_atomic

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder; nothing overwritten", str(out))
    existing = [name for name in RECORD_FILES if (out / name).exists()]
    if existing and not replace_existing:
        raise InputError(
            f"already holds a signed engagement ({', '.join(existing)}); nothing overwritten."
            " Sign into a new folder",
            str(out),
        )
    baseline_day = start - dt.timedelta(days=1)
    loaded = load_data(data, profile)
    needs = None
    if loaded is not None:
        from tpo_scoping.needs import analyse_needs

        needs = analyse_needs(loaded, profile=profile, as_of=baseline_day, with_impact=False)
    unsigned = profile.model_copy(update={"data": None})
    scope = build_scope(
        unsigned, None, baseline_day, ambition=ambition, cadence=cadence, simulations=0, needs=needs
    )
    files = _record_files(scope, start, signed_on or dt.date.today(), needs is not None)
    for name, text in files.items():
        write_atomic(out / name, text)
    return read_record(out)


def _record_files(
    scope: Scope, start: dt.date, signed_on: dt.date, from_data: bool
) -> dict[str, str]:
    import yaml

    from tpo_scoping import __version__
    from tpo_scoping.profile import profile_to_yaml

    info = {
        "schema_version": SCHEMA_VERSION,
        "prospect": scope.profile.prospect,
        "start": start.isoformat(),
        "signed_on": signed_on.isoformat(),
        "baseline_as_of": (start - dt.timedelta(days=1)).isoformat() if from_data else None,
        "package_version": __version__,
        "period": "quarter",
    }
    header = f"# Signed engagement: {scope.profile.prospect}. Written by `tpo-scoping sign`.\n"
    return {
        ENGAGEMENT_FILE: header + yaml.safe_dump(info, sort_keys=False, allow_unicode=True),
        PROFILE_FILE: header + profile_to_yaml(scope.profile),
        KPIS_FILE: _json(_kpi_table(scope)),
        INCENTIVES_FILE: header
        + yaml.safe_dump(_incentives(scope), sort_keys=False, allow_unicode=True, width=100),
        PLAN_FILE: _json(_plan(scope)),
        ASSUMPTIONS_FILE: _json(_assumptions(scope)),
    }


def _json(data: dict[str, Any]) -> str:
    from tpo_scoping.serialize import to_jsonable

    return json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n"


def lag_days(kpi: Kpi) -> float:
    """Days after the start before a KPI can move, as its drafted milestones assume.

    From the KPI definitions (``kpi_benchmarks.yaml``): ``lag_days``, or the baseline ramp
    time in days for a KPI whose lag is its own baseline (ramp time shows only once a cohort
    has ramped).
    """
    from tpo_scoping.kpis import kpi_specs

    spec = kpi_specs().get(kpi.key, {})
    if spec.get("lag_from_baseline"):
        return float(kpi.baseline) * 7
    return float(spec.get("lag_days", 0))


def _kpi_table(scope: Scope) -> dict[str, Any]:
    draft = scope.kpis
    return {
        "schema_version": SCHEMA_VERSION,
        "cadence": draft.cadence,
        "ambition": draft.ambition,
        "alpha": draft.alpha,
        "power": draft.power,
        "target_rule": draft.target_rule,
        "kpis": [
            {
                "key": k.key,
                "name": k.name,
                "unit": k.unit,
                "kind": k.kind,
                "direction": k.direction,
                "baseline": k.baseline,
                "baseline_ci": list(k.baseline_ci) if k.baseline_ci else None,
                "baseline_source": k.baseline_source,
                "baseline_is_default": k.baseline_is_default,
                "target": k.target,
                "milestones": [m.to_dict() for m in k.milestones],
                "lag_days": lag_days(k),
                "min_detectable_change": k.min_detectable_change,
                "detectable": k.detectable,
                "detectability_note": k.detectability_note,
                "n_per_period": k.n_per_period,
            }
            for k in draft.kpis
        ],
    }


def _incentives(scope: Scope) -> dict[str, Any]:
    params = scope.clauses.parameters
    clause = next(c for c in scope.clauses.clauses if c.key == "incentives_credits")
    monthly = params.get("monthly_fee_estimate")
    return {
        "schema_version": SCHEMA_VERSION,
        "clause": clause.text,
        "quarterly_fee": round(float(monthly) * 3, 2) if monthly else None,
        "currency": "USD",
        "bonus": {
            "share_of_quarterly_fee": float(params["skill_bonus_share"]),
            "when": "all_detectable_milestones_met",
        },
        "credits": {
            "share_per_missed_milestone": float(params["service_credit_per_missed_milestone"]),
            "cap_share_per_quarter": float(params["service_credit_cap"]),
            "missed_when": "shortfall_beyond_min_detectable_change",
        },
    }


def _plan(scope: Scope) -> dict[str, Any]:
    from tpo_scoping.economics import BreakEvenResult

    profile = scope.profile
    result = scope.break_even
    quarters = []
    if isinstance(result, BreakEvenResult):
        frame = result.headcount
        for q in range(1, min(4, result.horizon_months // 3) + 1):
            months = frame[(frame["month"] > 3 * (q - 1)) & (frame["month"] <= 3 * q)]
            quarters.append(
                {
                    "quarter": q,
                    "fte": float(months["fte"].iloc[-1]),
                    "hires": float(months["hires"].sum()),
                    "leavers": float(months["leavers"].sum()),
                }
            )
    plan = scope.plan
    return {
        "schema_version": SCHEMA_VERSION,
        "model": plan.model,
        "go_live_week": plan.go_live_week,
        "fte_at_start": profile.total_fte,
        "hires_per_quarter": profile.growth.hires_per_quarter,
        "annual_attrition": profile.growth.annual_attrition,
        "headcount": quarters,
        "break_even_fte": getattr(result, "break_even_fte", None),
        "break_even_reason": getattr(result, "break_even_reason", None),
        "cheapest_option": getattr(result, "cheapest_option", ""),
        "horizon_months": getattr(result, "horizon_months", 36),
        "items": [i.to_dict() for i in plan.items],
    }


def _assumptions(scope: Scope) -> dict[str, Any]:
    from dataclasses import asdict

    from tpo_scoping.needs import NeedsSettings

    needs = scope.needs
    settings = needs.settings if needs is not None else NeedsSettings.defaults()
    return {
        "schema_version": SCHEMA_VERSION,
        "economics": dict(getattr(scope.break_even, "assumptions", {}) or {}),
        "needs_settings": {
            k: v
            for k, v in asdict(settings).items()
            if k not in ("weight_groups", "competency_weights")
        },
    }
