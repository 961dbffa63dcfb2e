"""Break-even of a managed training service (TPO) against catalog licensing and the alternatives.

:func:`break_even` costs the six options month by month over a horizon at the prospect's
projected headcount, splits each into cash and imputed cost, solves the break-even team sizes
(scipy) on both bases and at the conservative shares of imputed cost, and adds a one-at-a-time
sensitivity and a seeded Monte Carlo. The result is a typed
:class:`~tpo_scoping.economics.result.BreakEvenResult`; charts live in
:mod:`tpo_scoping.charts.economics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from tpo_scoping.assumptions import Assumption, resolve_assumptions
from tpo_scoping.economics.model import (
    COMPONENT_LABELS,
    CURRENT_PRACTICE,
    IMPUTED_COMPONENTS,
    MANAGER_HOUR_COMPONENTS,
    OPTIONS,
    Component,
    Context,
    Headcount,
    build_components,
    monthly,
    totals,
)
from tpo_scoping.economics.result import (
    BreakEvenResult,
    ConservativeView,
    CostLine,
    OptionCost,
)
from tpo_scoping.economics.solve import Crossing, break_even_between
from tpo_scoping.economics.uncertainty import MonteCarlo, Progress, monte_carlo, tornado
from tpo_scoping.errors import InputError, Problem
from tpo_scoping.labels import OPTION_LABELS, pct

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

MAX_HORIZON = 120
MAX_SIMULATIONS = 1_000_000
HISTOGRAM_BINS = 40
CONSERVATIVE_SHARES = (0.0, 0.5, 1.0)
"""Shares of imputed cost the brief always shows (Phillips: the conservative view counts none)."""


def default_params(overrides: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """Assumption values as one-scenario arrays, the input :func:`build_components` takes."""
    return _params(resolve_assumptions(overrides))


def _params(table: Mapping[str, Assumption]) -> dict[str, np.ndarray]:
    return {name: np.array([a.value]) for name, a in table.items()}


def check_args(
    horizon_months: int, simulations: int, seed: int, imputed_share: float = 1.0
) -> None:
    """Refuse arguments outside their domain, naming each (exit code 2 at the CLI)."""
    problems = []
    if isinstance(horizon_months, bool) or not isinstance(horizon_months, int | np.integer):
        problems.append(Problem("horizon_months", "must be a whole number of months"))
    elif not 1 <= horizon_months <= MAX_HORIZON:
        problems.append(
            Problem("horizon_months", f"must be between 1 and {MAX_HORIZON}, got {horizon_months}")
        )
    if isinstance(simulations, bool) or not isinstance(simulations, int | np.integer):
        problems.append(Problem("simulations", "must be a whole number"))
    elif not 0 <= simulations <= MAX_SIMULATIONS:
        problems.append(
            Problem("simulations", f"must be between 0 and {MAX_SIMULATIONS:,}, got {simulations}")
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(Problem("seed", "must be a non-negative whole number"))
    if not isinstance(imputed_share, int | float) or not 0.0 <= float(imputed_share) <= 1.0:
        problems.append(Problem("imputed_share", "must be between 0 and 1 (0 % to 100 %)"))
    if problems:
        raise InputError(problems)


def break_even(
    profile: Profile,
    *,
    horizon_months: int = 36,
    simulations: int = 2000,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
    progress: Progress | None = None,
    sensitivity: bool = True,
    imputed_share: float = 1.0,
) -> BreakEvenResult:
    """Break-even of TPO against catalog licensing and every other option, with uncertainty.

    Parameters
    ----------
    profile : Profile
        The prospect: team size, growth, compliance domains, current training, overrides.
    horizon_months : int
        Months costed (1-120).
    simulations : int
        Monte Carlo scenarios; 0 skips the Monte Carlo (the fast path for live calculators).
    seed : int
        Seed of the Monte Carlo; the same seed gives the same result.
    overrides : mapping, optional
        Assumption values by name, applied on top of the profile's ``assumptions:``.
    progress : callable, optional
        Called as ``progress(done, total)`` during the sensitivity and Monte Carlo.
    sensitivity : bool
        False skips the one-at-a-time sensitivity (the other slow part).
    imputed_share : float
        Share of imputed cost (managers' time, output lost while ramping, re-onboarding,
        compliance exposure) counted in totals: 1 counts it in full, 0 is the cash-only view.

    Notes
    -----
    TCO_o(n) = Σ_m cost_o(m; n) over the horizon, undiscounted, for a team starting at n FTE
    with the profile's gross hires and attrition. ``break_even_fte`` solves TCO_tpo(n) =
    TCO_catalog(n) with brentq; ``break_even_fte_cash`` does the same on cash alone;
    ``crossing_month`` is the first month from which TPO's cumulative cost, setup fee included,
    stays at or below catalog licensing's on the prospect's own projection;
    ``payback_month`` is the first month from which an option's cumulative cost stays at or
    below today's practice; ``npv`` = Σ_m (cost_today(m) − cost_o(m)) / (1 + r)^(m/12).

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> profile = parse_profile("prospect: X\\nsites: [{country: PH, fte: 50}]\\n")
    >>> result = break_even(profile, simulations=0, sensitivity=False)
    >>> tpo = result.options["tpo"]
    >>> tpo.total_cost == tpo.cash_cost + tpo.imputed_cost
    True
    """
    check_args(horizon_months, simulations, seed, imputed_share)
    table = resolve_assumptions({**profile.assumptions, **(overrides or {})})
    ctx = Context.from_profile(profile, int(horizon_months), float(imputed_share))
    params = _params(table)
    components = build_components(params, ctx)
    hc = Headcount.project([ctx.team_fte_now], ctx)

    crossings = {o: break_even_between(components, ctx, "tpo", o) for o in OPTIONS if o != "tpo"}
    main = crossings["catalog_licensing"]
    views = tuple(_conservative_view(params, ctx, hc, share) for share in CONSERVATIVE_SHARES)
    cash_view = views[0]
    steady_ctx = replace(ctx, hires_per_month=0.0, monthly_attrition=0.0)
    steady = break_even_between(
        build_components(params, steady_ctx), steady_ctx, "tpo", "catalog_licensing"
    )
    crossing_month, crossing_reason = _crossing_month(components, hc)

    rate = float(table["discount_rate_annual"].value)
    hourly = float(table["loaded_hourly_rate_onshore_manager"].value)
    in_full = build_components(params, replace(ctx, imputed_share=1.0))
    options = {o: _option_cost(o, components, in_full, ctx, hc, rate, hourly) for o in OPTIONS}
    baseline = _option_cost(ctx.baseline, components, in_full, ctx, hc, rate, hourly)

    steps_sens = len(table) if sensitivity else 0
    steps_mc = -(-simulations // 25_000) if simulations else 0
    total_steps = steps_sens + steps_mc

    def sens_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total_steps)

    def mc_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(steps_sens + done, total_steps)

    rows = tornado(table, ctx, sens_progress) if sensitivity else []
    mc: MonteCarlo | None = None
    if simulations:
        mc = monte_carlo(table, ctx, simulations, seed, mc_progress, at_fte=main.fte)

    from tpo_scoping.profile import plausibility_warnings

    return BreakEvenResult(
        prospect=profile.prospect,
        horizon_months=int(horizon_months),
        team_fte_now=ctx.team_fte_now,
        team_fte_end=float(hc.fte[0, -1]),
        current_practice=ctx.baseline,
        current_training=str(profile.current_training.value),
        imputed_share=float(imputed_share),
        go_live_week=ctx.go_live_weeks,
        break_even_fte=main.fte,
        break_even_reason=main.reason,
        break_even_fte_cash=cash_view.break_even_fte,
        break_even_cash_reason=cash_view.break_even_reason,
        break_even_fte_steady_team=steady.fte,
        break_even_by_option={o: c.fte for o, c in crossings.items()},
        break_even_reasons_by_option={o: c.reason for o, c in crossings.items()},
        crossing_month=crossing_month,
        crossing_reason=crossing_reason,
        options=options,
        current_practice_costs=baseline,
        conservative=views,
        monte_carlo=None if mc is None else mc.summary(),
        sensitivity=tuple(rows),
        assumptions=dict(table),
        discount_rate=rate,
        notes=tuple(plausibility_warnings(profile)),
        monte_carlo_histogram=None if mc is None else _histogram(mc),
        monte_carlo_draws=None if mc is None else _draws(mc),
        **_frames(components, ctx, hc, main),
    )


def _conservative_view(
    params: Mapping[str, np.ndarray], ctx: Context, hc: Headcount, share: float
) -> ConservativeView:
    """Break-even and cheapest option with imputed costs counted at ``share``."""
    view_ctx = replace(ctx, imputed_share=share)
    comps = build_components(params, view_ctx)
    crossing = break_even_between(comps, view_ctx, "tpo", "catalog_licensing")
    total = {o: float(totals(comps[o], hc)[0, 0]) for o in OPTIONS}
    others = [o for o in OPTIONS if o != "tpo"]
    best = min(others, key=total.__getitem__)
    reason = crossing.reason
    if reason is not None and share < 1.0:
        basis = "in cash alone" if share == 0 else f"counting {pct(share)} of imputed costs"
        # "Catalog licensing costs …" reads on as "catalog licensing …"; "TPO …" keeps its case.
        lowered = reason if reason[:2].isupper() else reason[:1].lower() + reason[1:]
        reason = f"{basis[:1].upper()}{basis[1:]}: {lowered}"
    return ConservativeView(
        imputed_share=share,
        break_even_fte=crossing.fte,
        break_even_reason=reason,
        cheapest_option=min(OPTIONS, key=total.__getitem__),
        tpo_total=total["tpo"],
        best_alternative=best,
        best_alternative_total=total[best],
    )


def _crossing_month(
    components: dict[str, list[Component]], hc: Headcount
) -> tuple[int | None, str | None]:
    """First month from which TPO's cumulative cost, setup fee included, stays at or below
    catalog licensing's until the end of the horizon."""
    tpo = np.cumsum(monthly(components["tpo"], hc)[0, 0])
    catalog = np.cumsum(monthly(components["catalog_licensing"], hc)[0, 0])
    above = np.flatnonzero(tpo > catalog + 1e-9)
    if above.size == 0:
        return 1, None
    if above[-1] + 1 < hc.months:
        return int(above[-1]) + 2, None
    return None, (
        "TPO's cumulative cost, setup fee included, is still above catalog licensing's at the"
        f" end of month {hc.months}"
    )


def _option_cost(
    key: str,
    components: dict[str, list[Component]],
    in_full: dict[str, list[Component]],
    ctx: Context,
    hc: Headcount,
    rate: float,
    hourly: float,
) -> OptionCost:
    """One option's cost over the horizon: itemised cash and imputed lines, savings, payback."""
    months = np.arange(1, hc.months + 1)
    discount = (1.0 + rate) ** (-months / 12.0)
    items = components[key]
    lines: dict[str, float] = {}
    for c in items:
        lines[c.name] = lines.get(c.name, 0.0) + float(c.total(hc)[0, 0])
    cost_lines = tuple(
        CostLine(
            name, COMPONENT_LABELS[name], "imputed" if name in IMPUTED_COMPONENTS else "cash", total
        )
        for name, total in lines.items()
    )
    hours = sum(float(c.total(hc)[0, 0]) for c in in_full[key] if c.name in MANAGER_HOUR_COMPONENTS)
    cost = monthly(items, hc)[0, 0]
    cash = monthly([c for c in items if not c.imputed], hc)[0, 0]
    base_items = components[ctx.baseline]
    base_cost = monthly(base_items, hc)[0, 0]
    base_cash = monthly([c for c in base_items if not c.imputed], hc)[0, 0]
    is_baseline = key == ctx.baseline
    return OptionCost(
        key=key,
        label=OPTION_LABELS[key] if key != CURRENT_PRACTICE else _practice_label(ctx),
        cash_cost=float(cash.sum()),
        imputed_cost=float((cost - cash).sum()),
        lines=cost_lines,
        manager_hours=hours / hourly if hourly > 0 else 0.0,
        monthly_cost_per_fte=float(cost.sum()) / float(hc.fte[0].sum()),
        present_value_cost=float(np.sum(cost * discount)),
        is_current_practice=is_baseline,
        saving_vs_current_practice=float(base_cost.sum() - cost.sum()),
        cash_saving_vs_current_practice=float(base_cash.sum() - cash.sum()),
        npv=0.0 if is_baseline else float(np.sum((base_cost - cost) * discount)),
        payback_month=None if is_baseline else _payback(cost, base_cost),
        cash_payback_month=None if is_baseline else _payback(cash, base_cash),
    )


def _basis(name: str) -> Literal["cash", "imputed"]:
    return "imputed" if name in IMPUTED_COMPONENTS else "cash"


def _practice_label(ctx: Context) -> str:
    if ctx.current_training == "internal_ld":
        staff = f"{ctx.internal_ld_staff:g}"
        return f"Current practice (internal L&D team of {staff})"
    return OPTION_LABELS[CURRENT_PRACTICE]


def _payback(cost: np.ndarray, base: np.ndarray) -> int | None:
    """First month from which the cumulative cost stays at or below the baseline's."""
    behind = np.flatnonzero(np.cumsum(cost) > np.cumsum(base) + 1e-9)
    if behind.size == 0:
        return 1
    if behind[-1] + 1 < cost.size:
        return int(behind[-1]) + 2
    return None


def _frames(
    components: dict[str, list[Component]], ctx: Context, hc: Headcount, main: Crossing
) -> dict[str, pd.DataFrame]:
    months = np.arange(1, hc.months + 1)
    n_months = hc.months
    keys = [*OPTIONS, *([CURRENT_PRACTICE] if CURRENT_PRACTICE in components else [])]
    headcount = pd.DataFrame(
        {"month": months, "fte": hc.fte[0], "hires": hc.hires, "leavers": hc.leavers[0]}
    )
    # one row per (option, component): tier lines and go-live halves merge into one component
    lines: dict[tuple[str, str], np.ndarray] = {}
    for key in keys:
        for comp in components[key]:
            cost = comp.monthly(hc)[0, 0]
            k = (key, comp.name)
            lines[k] = lines[k] + cost if k in lines else cost
    line_keys = list(lines)
    costs = np.stack([lines[k] for k in line_keys])
    basis = [_basis(k[1]) for k in line_keys]
    monthly_costs = pd.DataFrame(
        {
            "option": np.repeat([k[0] for k in line_keys], n_months),
            "component": np.repeat([k[1] for k in line_keys], n_months),
            "component_label": np.repeat([COMPONENT_LABELS[k[1]] for k in line_keys], n_months),
            "basis": np.repeat(basis, n_months),
            "month": np.tile(months, len(line_keys)),
            "cost": costs.ravel(),
        }
    )
    breakdown = pd.DataFrame(
        {
            "option": [k[0] for k in line_keys],
            "component": [k[1] for k in line_keys],
            "component_label": [COMPONENT_LABELS[k[1]] for k in line_keys],
            "basis": basis,
            "total_cost": costs.sum(axis=1),
        }
    )
    by_option = np.stack([sum(lines[k] for k in line_keys if k[0] == key) for key in keys])
    per_month = pd.DataFrame(
        {
            "option": np.repeat(keys, n_months),
            "label": np.repeat([OPTION_LABELS[k] for k in keys], n_months),
            "month": np.tile(months, len(keys)),
            "cost": by_option.ravel(),
            "cumulative_cost": np.cumsum(by_option, axis=1).ravel(),
        }
    )

    top = max(100.0, 2.0 * ctx.team_fte_now, 1.5 * (main.fte or 0.0))
    grid = np.unique(np.round(np.linspace(1.0, top, 80), 6))
    grid_hc = Headcount.project(grid, ctx)
    tco = np.stack([totals(components[key], grid_hc)[0] for key in OPTIONS])
    vs_fte = pd.DataFrame(
        {
            "option": np.repeat(OPTIONS, grid.size),
            "label": np.repeat([OPTION_LABELS[k] for k in OPTIONS], grid.size),
            "fte": np.tile(grid, len(OPTIONS)),
            "total_cost": tco.ravel(),
            "average_monthly_cost": tco.ravel() / hc.months,
            "monthly_cost_per_fte": (tco / grid_hc.fte.sum(axis=1)[None, :]).ravel(),
        }
    )
    return {
        "headcount": headcount,
        "monthly_costs": monthly_costs,
        "cumulative_costs": per_month,
        "cost_vs_fte": vs_fte,
        "cost_breakdown": breakdown,
    }


def _histogram(mc: MonteCarlo) -> pd.DataFrame:
    """Binned draws for the chart: break-even FTE (where found) and TPO saving vs catalog."""
    frames = []
    saving = mc.total_cost["catalog_licensing"] - mc.total_cost["tpo"]
    for metric, values in (
        ("break_even_fte", mc.break_even_fte[np.isfinite(mc.break_even_fte)]),
        ("saving_vs_catalog", saving),
    ):
        if values.size == 0:
            continue
        lo, hi = (float(v) for v in np.quantile(values, [0.0, 0.995]))
        edges = np.linspace(lo, max(hi, lo + 1.0), HISTOGRAM_BINS + 1)
        counts, _ = np.histogram(np.clip(values, lo, edges[-1]), bins=edges)
        frames.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "bin_start": edges[:-1],
                    "bin_end": edges[1:],
                    "count": counts,
                    "share": counts / mc.n,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _draws(mc: MonteCarlo) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "break_even_fte": mc.break_even_fte,
            "tpo_cheaper_from_1_fte": mc.tpo_always_cheaper,
            "no_crossing": mc.tpo_never_cheaper,
            **{f"total_cost_{o}": v for o, v in mc.total_cost.items()},
            **{f"cash_cost_{o}": v for o, v in mc.cash_cost.items()},
        }
    )
    frame["tpo_cheaper_at_plan"] = frame["total_cost_tpo"] < frame["total_cost_catalog_licensing"]
    return frame
