"""Break-even of a managed training service (TPO) against catalog licensing and the alternatives.

:func:`break_even` costs the six options month by month over a horizon at the prospect's
projected headcount, solves the break-even team sizes (scipy), and adds a one-at-a-time
sensitivity and a seeded Monte Carlo. The result is plain data: numbers in
:meth:`BreakEvenResult.to_dict`, DataFrames for the charts in :mod:`tpo_scoping.charts.economics`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tpo_scoping.assumptions import Assumption, resolve_assumptions
from tpo_scoping.economics.model import (
    COMPONENT_LABELS,
    CURRENT_PRACTICE,
    OPTION_LABELS,
    OPTIONS,
    Component,
    Context,
    Headcount,
    Params,
    build_components,
    monthly,
    recurring_monthly,
    totals,
)
from tpo_scoping.economics.solve import Crossing, break_even_between
from tpo_scoping.economics.uncertainty import MonteCarlo, Progress, monte_carlo, tornado
from tpo_scoping.errors import InputError, Problem

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

MAX_HORIZON = 120
MAX_SIMULATIONS = 1_000_000
HISTOGRAM_BINS = 40


def default_params(overrides: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """Assumption values as one-scenario arrays, the input :func:`build_components` takes."""
    return _params(resolve_assumptions(overrides))


def _params(table: Mapping[str, Assumption]) -> dict[str, np.ndarray]:
    return {name: np.array([a.value]) for name, a in table.items()}


@dataclass
class BreakEvenResult:
    """Everything :func:`break_even` computed. Plain data; charts live elsewhere.

    Numbers are in USD over the horizon unless a name says otherwise. DataFrame attributes
    (``headcount``, ``monthly_costs``, ``cumulative_costs``, ``cost_vs_fte``,
    ``cost_breakdown``, ``monte_carlo_histogram``, ``monte_carlo_draws``) feed the charts and
    stay out of :meth:`to_dict`.
    """

    prospect: str
    horizon_months: int
    team_fte_now: float
    team_fte_end: float
    current_practice: str
    break_even_fte: float | None
    break_even_reason: str | None
    break_even_fte_steady_team: float | None
    break_even_by_option: dict[str, float | None]
    break_even_reasons_by_option: dict[str, str | None]
    crossing_month: int | None
    crossing_reason: str | None
    options: dict[str, dict[str, Any]]
    current_practice_costs: dict[str, Any]
    cheapest_option: str
    probability_tpo_cheaper: float | None
    monte_carlo: dict[str, Any] | None
    sensitivity: list[dict[str, Any]]
    assumptions: dict[str, dict[str, Any]]
    discount_rate: float
    headcount: pd.DataFrame = field(repr=False)
    monthly_costs: pd.DataFrame = field(repr=False)
    cumulative_costs: pd.DataFrame = field(repr=False)
    cost_vs_fte: pd.DataFrame = field(repr=False)
    cost_breakdown: pd.DataFrame = field(repr=False)
    monte_carlo_histogram: pd.DataFrame | None = field(default=None, repr=False)
    monte_carlo_draws: pd.DataFrame | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready result (the ``tpo-scoping breakeven --format json`` payload)."""
        breakdown: dict[str, dict[str, float]] = {}
        for row in self.cost_breakdown.itertuples(index=False):
            breakdown.setdefault(str(row.option), {})[str(row.component)] = float(row.total_cost)
        return {
            "prospect": self.prospect,
            "horizon_months": self.horizon_months,
            "team_fte_now": self.team_fte_now,
            "team_fte_end": self.team_fte_end,
            "current_practice": self.current_practice,
            "break_even_fte": self.break_even_fte,
            "break_even_reason": self.break_even_reason,
            "break_even_fte_steady_team": self.break_even_fte_steady_team,
            "break_even_by_option": dict(self.break_even_by_option),
            "break_even_reasons_by_option": dict(self.break_even_reasons_by_option),
            "crossing_month": self.crossing_month,
            "crossing_reason": self.crossing_reason,
            "options": {k: dict(v) for k, v in self.options.items()},
            "current_practice_costs": dict(self.current_practice_costs),
            "cheapest_option": self.cheapest_option,
            "probability_tpo_cheaper": self.probability_tpo_cheaper,
            "monte_carlo": self.monte_carlo,
            "sensitivity": [dict(r) for r in self.sensitivity],
            "discount_rate": self.discount_rate,
            "cost_breakdown": breakdown,
            "assumptions": {k: dict(v) for k, v in self.assumptions.items()},
        }


def _check_args(horizon_months: int, simulations: int, seed: int) -> None:
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

    Notes
    -----
    TCO_o(n) = Σ_m cost_o(m; n) over the horizon, for a team starting at n FTE with the
    profile's hires and attrition. ``break_even_fte`` solves TCO_tpo(n) = TCO_catalog(n)
    with brentq; ``crossing_month`` is the first month whose recurring TPO cost (one-offs
    excluded) is below catalog licensing's on the prospect's own projection;
    ``payback_month`` is the first month from which an option's cumulative cost stays at or
    below today's practice; ``npv`` = Σ_m (cost_today(m) − cost_o(m)) / (1 + r)^(m/12).

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> profile = parse_profile("prospect: X\\nsites: [{country: PH, fte: 50}]\\n")
    >>> result = break_even(profile, simulations=0, sensitivity=False)
    >>> 40 < result.break_even_fte < 60
    True
    """
    _check_args(horizon_months, simulations, seed)
    merged = {**profile.assumptions, **(overrides or {})}
    table = resolve_assumptions(merged)
    ctx = Context.from_profile(profile, int(horizon_months))
    params = _params(table)
    components = build_components(params, ctx)
    hc = Headcount.project([ctx.team_fte_now], ctx)

    crossings = {o: break_even_between(components, ctx, "tpo", o) for o in OPTIONS if o != "tpo"}
    main = crossings["catalog_licensing"]
    steady_ctx = replace(ctx, hires_per_month=0.0, monthly_attrition=0.0)
    steady = break_even_between(
        build_components(params, steady_ctx), steady_ctx, "tpo", "catalog_licensing"
    )
    crossing_month, crossing_reason = _crossing_month(components, hc)

    rate = float(table["discount_rate_annual"].value)
    frames = _frames(components, ctx, hc, main)
    options, baseline_costs = _option_summaries(components, ctx, hc, rate)
    cheapest = min(OPTIONS, key=lambda o: options[o]["total_cost"])

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
        mc = monte_carlo(table, ctx, simulations, seed, mc_progress)

    return BreakEvenResult(
        prospect=profile.prospect,
        horizon_months=int(horizon_months),
        team_fte_now=ctx.team_fte_now,
        team_fte_end=float(hc.fte[0, -1]),
        current_practice=ctx.baseline,
        break_even_fte=main.fte,
        break_even_reason=main.reason,
        break_even_fte_steady_team=steady.fte,
        break_even_by_option={o: c.fte for o, c in crossings.items()},
        break_even_reasons_by_option={o: c.reason for o, c in crossings.items()},
        crossing_month=crossing_month,
        crossing_reason=crossing_reason,
        options=options,
        current_practice_costs=baseline_costs,
        cheapest_option=cheapest,
        probability_tpo_cheaper=None if mc is None else mc.probability_tpo_cheaper,
        monte_carlo=None if mc is None else mc.summary(),
        sensitivity=rows,
        assumptions={name: _assumption_dict(a) for name, a in table.items()},
        discount_rate=rate,
        monte_carlo_histogram=None if mc is None else _histogram(mc),
        monte_carlo_draws=None if mc is None else _draws(mc),
        **frames,
    )


def _assumption_dict(a: Assumption) -> dict[str, Any]:
    d = a.to_dict()
    d.pop("name")
    return d


def _crossing_month(
    components: dict[str, list[Component]], hc: Headcount
) -> tuple[int | None, str | None]:
    tpo = recurring_monthly(components["tpo"], hc)[0, 0]
    catalog = recurring_monthly(components["catalog_licensing"], hc)[0, 0]
    cheaper = np.flatnonzero(tpo < catalog)
    if cheaper.size:
        return int(cheaper[0]) + 1, None
    return None, (
        "TPO's monthly cost stays above catalog licensing's in every month of the horizon"
    )


def _option_summaries(
    components: dict[str, list[Component]], ctx: Context, hc: Headcount, rate: float
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    months = np.arange(1, hc.months + 1)
    discount = (1.0 + rate) ** (-months / 12.0)
    fte_months = float(hc.fte_months[0])
    baseline_key = ctx.baseline
    base_monthly = monthly(components[baseline_key], hc)[0, 0]
    base_cum = np.cumsum(base_monthly)

    def summary(key: str) -> dict[str, Any]:
        items = components[key]
        cost = monthly(items, hc)[0, 0]
        cum = np.cumsum(cost)
        hidden = float(sum(c.total(hc)[0, 0] for c in items if c.hidden))
        total = float(cum[-1])
        out: dict[str, Any] = {
            "label": OPTION_LABELS[key],
            "total_cost": total,
            "direct_cost": total - hidden,
            "hidden_cost": hidden,
            "monthly_cost_per_fte": total / fte_months,
            "average_monthly_cost": total / hc.months,
            "present_value_cost": float(np.sum(cost * discount)),
            "is_current_practice": key == baseline_key,
        }
        if key == baseline_key:
            out["npv"] = 0.0
            out["payback_month"] = None
            out["saving_vs_current_practice"] = 0.0
        else:
            out["npv"] = float(np.sum((base_monthly - cost) * discount))
            out["saving_vs_current_practice"] = float(base_cum[-1] - total)
            ahead = cum <= base_cum + 1e-9
            behind = np.flatnonzero(~ahead)
            if behind.size == 0:
                out["payback_month"] = 1
            elif behind[-1] + 1 < hc.months:
                out["payback_month"] = int(behind[-1]) + 2
            else:
                out["payback_month"] = None
        return out

    options = {o: summary(o) for o in OPTIONS}
    return options, summary(baseline_key)


def _frames(
    components: dict[str, list[Component]], ctx: Context, hc: Headcount, main: Crossing
) -> dict[str, pd.DataFrame]:
    months = np.arange(1, hc.months + 1)
    n_months = hc.months
    keys = [*OPTIONS, *([CURRENT_PRACTICE] if CURRENT_PRACTICE in components else [])]
    headcount = pd.DataFrame(
        {"month": months, "fte": hc.fte[0], "hires": hc.hires, "leavers": hc.leavers[0]}
    )
    # one row per (option, component): tier lines of the retainer merge into one component
    lines: dict[tuple[str, str], np.ndarray] = {}
    hidden_of: dict[tuple[str, str], bool] = {}
    for key in keys:
        for comp in components[key]:
            cost = comp.monthly(hc)[0, 0]
            k = (key, comp.name)
            lines[k] = lines[k] + cost if k in lines else cost
            hidden_of[k] = comp.hidden
    line_keys = list(lines)
    costs = np.stack([lines[k] for k in line_keys])
    monthly_costs = pd.DataFrame(
        {
            "option": np.repeat([k[0] for k in line_keys], n_months),
            "component": np.repeat([k[1] for k in line_keys], n_months),
            "component_label": np.repeat([COMPONENT_LABELS[k[1]] for k in line_keys], n_months),
            "hidden": np.repeat([hidden_of[k] for k in line_keys], n_months),
            "month": np.tile(months, len(line_keys)),
            "cost": costs.ravel(),
        }
    )
    breakdown = pd.DataFrame(
        {
            "option": [k[0] for k in line_keys],
            "component": [k[1] for k in line_keys],
            "component_label": [COMPONENT_LABELS[k[1]] for k in line_keys],
            "hidden": [hidden_of[k] for k in line_keys],
            "total_cost": costs.sum(axis=1),
        }
    )
    by_option = np.stack(
        [sum(lines[k] for k in line_keys if k[0] == key) for key in keys]  # type: ignore[misc]
    )
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
            "monthly_cost_per_fte": (tco / grid_hc.fte_months[None, :]).ravel(),
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
        }
    )
    frame["tpo_cheaper_at_plan"] = frame["total_cost_tpo"] < frame["total_cost_catalog_licensing"]
    return frame


# --------------------------------------------------------------------------------------------
# What would have to be true


@dataclass(frozen=True)
class Threshold:
    """The value of one input at which TPO and catalog licensing cost the same."""

    name: str
    unit: str
    current_value: float
    break_even_value: float | None
    tpo_cheaper_when: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "current_value": self.current_value,
            "break_even_value": self.break_even_value,
            "tpo_cheaper_when": self.tpo_cheaper_when,
            "reason": self.reason,
        }


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
    _check_args(horizon_months, 0, 0)
    table = resolve_assumptions({**profile.assumptions, **(overrides or {})})
    base = _params(table)
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
    retainer = table["tpo_retainer_base_monthly"]
    root = _solve(with_param(retainer.name), 0.0, 1e7)
    retainer_t = Threshold(
        retainer.name,
        retainer.unit,
        retainer.value,
        root.fte,
        "below",
        None if root.fte is not None else _reason(with_param(retainer.name), 0.0, "no base fee"),
    )
    comps = build_components(base, ctx)
    team = break_even_between(comps, ctx, "tpo", "catalog_licensing")
    team_t = Threshold("team_fte", "FTE", ctx.team_fte_now, team.fte, "above", team.reason)
    hours = table["mgmt_hours_per_fte_month_informal"]
    root = _solve(with_param(hours.name), 0.0, 200.0)
    hours_t = Threshold(
        hours.name,
        hours.unit,
        hours.value,
        root.fte,
        "above",
        None if root.fte is not None else _reason(with_param(hours.name), 0.0, "no overhead"),
    )
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
