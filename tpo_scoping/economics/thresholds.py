"""What would have to be true: the value of an input at which TPO and catalog cost the same.

Each threshold solves TCO_tpo = TCO_catalog over the horizon at the prospect's own plan for one
input, everything else at its value, with :func:`scipy.optimize.brentq`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from tpo_scoping.assumptions import resolve_assumptions
from tpo_scoping.economics.analysis import check_args
from tpo_scoping.economics.model import Context, Headcount, Params, build_components, totals
from tpo_scoping.economics.solve import Crossing, break_even_between
from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile


@dataclass(frozen=True)
class Threshold(FlatResult):
    """The value of one input at which TPO and catalog licensing cost the same."""

    name: str
    unit: str
    current_value: float
    break_even_value: float | None
    tpo_cheaper_when: str
    reason: str | None = None


def what_would_have_to_be_true(
    profile: Profile,
    *,
    horizon_months: int = 36,
    overrides: Mapping[str, float] | None = None,
) -> list[Threshold]:
    """The thresholds at which TPO stops (or starts) paying off against catalog licensing.

    Each threshold solves TCO_tpo = TCO_catalog over the horizon at the prospect's own plan
    (today's FTE, hires, attrition) for one input, everything else at its value, with
    :func:`scipy.optimize.brentq`:

    * ``tpo_fee_per_fte_tier1``: the per-FTE retainer (all tiers scaled by the same factor)
      above which TPO stops paying off;
    * ``tpo_retainer_base_monthly``: the fixed retainer above which it stops paying off;
    * ``team_fte``: the team size needed at today's prices (the break-even FTE);
    * ``mgmt_hours_per_fte_month_informal``: the management overhead above which TPO pays off;
    * ``hires_per_quarter``: the hiring pace above which TPO pays off at today's size.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> profile = parse_profile("prospect: X\\nsites: [{country: PH, fte: 80}]\\n")
    >>> fee = what_would_have_to_be_true(profile)[0]
    >>> fee.break_even_value > fee.current_value  # TPO pays off at 80 FTE at today's fee
    True
    """
    check_args(horizon_months, 0, 0)
    table = resolve_assumptions({**profile.assumptions, **(overrides or {})})
    base: Params = {name: np.array([a.value]) for name, a in table.items()}
    ctx = Context.from_profile(profile, int(horizon_months))

    def saving(params: Params, c: Context) -> float:
        comps = build_components(params, c)
        hc = Headcount.project([c.team_fte_now], c)
        return float(totals(comps["catalog_licensing"], hc)[0, 0] - totals(comps["tpo"], hc)[0, 0])

    def with_param(name: str) -> Callable[[float], float]:
        def f(x: float) -> float:
            params = dict(base)
            params[name] = np.array([x])
            return saving(params, ctx)

        return f

    def fee_scale(k: float) -> float:
        params = dict(base)
        for tier in ("tier1", "tier2", "tier3"):
            params[f"tpo_fee_per_fte_{tier}"] = base[f"tpo_fee_per_fte_{tier}"] * k
        return saving(params, ctx)

    def hires(x: float) -> float:
        return saving(base, replace(ctx, hires_per_month=x / 3.0))

    fee1 = float(table["tpo_fee_per_fte_tier1"].value)
    scale = _solve(fee_scale, 0.0, 50.0)
    fee = Threshold(
        "tpo_fee_per_fte_tier1",
        table["tpo_fee_per_fte_tier1"].unit,
        fee1,
        None if scale.fte is None else scale.fte * fee1,
        "below",
        None if scale.fte is not None else _reason(fee_scale, 0.0, "a per-FTE fee of 0"),
    )

    def of_assumption(name: str, hi: float, direction: str, at_zero: str) -> Threshold:
        """Where one assumption, searched from 0 to ``hi``, makes the two options cost alike."""
        a, f = table[name], with_param(name)
        root = _solve(f, 0.0, hi)
        reason = None if root.fte is not None else _reason(f, 0.0, at_zero)
        return Threshold(name, a.unit, a.value, root.fte, direction, reason)

    retainer_t = of_assumption("tpo_retainer_base_monthly", 1e7, "below", "no base fee")
    comps = build_components(base, ctx)
    team = break_even_between(comps, ctx, "tpo", "catalog_licensing")
    team_t = Threshold("team_fte", "FTE", ctx.team_fte_now, team.fte, "above", team.reason)
    hours_t = of_assumption("mgmt_hours_per_fte_month_informal", 200.0, "above", "no overhead")
    current_hires = float(profile.growth.hires_per_quarter)
    root = _solve(hires, 0.0, 10.0 * ctx.team_fte_now + 1000.0)
    hires_t = Threshold(
        "hires_per_quarter",
        "hires/quarter",
        current_hires,
        root.fte,
        "above",
        None if root.fte is not None else _reason(hires, 0.0, "no hiring"),
    )
    return [fee, retainer_t, team_t, hours_t, hires_t]


def _solve(f: Callable[[float], float], lo: float, hi: float) -> Crossing:
    """Root of a monotone-ish function on [lo, hi] by a scan and brentq (value in ``.fte``)."""
    from scipy.optimize import brentq

    xs = np.linspace(lo, hi, 201)
    ys = np.array([f(float(x)) for x in xs])
    signs = np.sign(ys)
    change = np.flatnonzero(signs[:-1] * signs[1:] <= 0)
    if change.size == 0:
        return Crossing(None, "no sign change")
    i = int(change[0])
    if ys[i] == 0:
        return Crossing(float(xs[i]), None)
    return Crossing(float(brentq(f, float(xs[i]), float(xs[i + 1]), xtol=1e-9)), None)


def _reason(f: Callable[[float], float], at: float, what: str) -> str:
    if f(at) < 0:
        return f"TPO costs more than catalog licensing even with {what}"
    return "TPO stays cheaper than catalog licensing across the whole range searched"
