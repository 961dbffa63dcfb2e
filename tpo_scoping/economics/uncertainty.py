"""Uncertainty of the break-even: one-at-a-time sensitivity and a vectorized Monte Carlo.

* :func:`tornado` swings each assumption to the ends of its range with everything else at its
  value and re-solves the break-even (brentq), ranked by the swing.
* :func:`monte_carlo` draws every assumption at once, independently, from a two-sided
  triangular distribution centred on the stated value (mode and median at the value: half the
  draws below it, half above, each half triangular down to the end of the range), in chunks of
  :data:`CHUNK` scenarios, and evaluates the whole cost model on arrays of draws: no Python loop
  over scenarios. Centred draws keep the simulation's median break-even next to the modelled
  one; the mean of an asymmetric range differs from its value and is listed with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from tpo_scoping.assumptions import Assumption
from tpo_scoping.economics.model import (
    OPTIONS,
    Component,
    Context,
    Headcount,
    build_components,
    totals,
)
from tpo_scoping.economics.result import MonteCarloSummary, SensitivityRow
from tpo_scoping.economics.solve import MAX_FTE, break_even_between, break_even_vectorized

DISTRIBUTION = (
    "two-sided triangular on each assumption's range, mode and median at the stated value,"
    " independent"
)

CHUNK = 25_000
"""Scenarios per vectorized batch; bounds memory and paces the progress callback."""

PERCENTILES = (5, 25, 50, 75, 95)

Progress = Callable[[int, int], None]
"""Progress hook: called with (steps done, steps in total)."""


def draw_assumptions(
    table: Mapping[str, Assumption], size: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw ``size`` scenarios, each assumption centred on its stated value.

    Half the draws fall below the value, from a triangle rising from ``low`` to the value; half
    above, from a triangle falling from the value to ``high`` (inverse CDF of one uniform draw
    per scenario). Mode and median are the value. Assumptions marked ``vary: false`` (contract
    structure) and zero-width ranges stay at their value. Draws follow the table's order, so a
    seed fixes every scenario.

    Examples
    --------
    >>> from tpo_scoping.assumptions import resolve_assumptions
    >>> draws = draw_assumptions(resolve_assumptions(), 4001, np.random.default_rng(0))
    >>> draws["tpo_setup_fee"].shape, round(float(np.mean(draws["tpo_setup_fee"] < 20000)), 1)
    ((4001,), 0.5)
    """
    out = {}
    for name, a in table.items():
        if a.vary and a.high > a.low:
            u = rng.random(size)
            below = a.value - (a.value - a.low) * (1 - np.sqrt(np.minimum(2 * u, 1.0)))
            above = a.value + (a.high - a.value) * (1 - np.sqrt(np.minimum(2 - 2 * u, 1.0)))
            out[name] = np.where(u < 0.5, below, above)
        else:
            out[name] = np.full(size, a.value)
    return out


def mean_of(a: Assumption) -> float:
    """The mean of an assumption's draws (equal to its value only when the range is symmetric).

    >>> from tpo_scoping.assumptions import resolve_assumptions
    >>> round(mean_of(resolve_assumptions()["mgmt_hours_per_fte_month_informal"]), 2)
    4.33
    """
    if not a.vary or a.high <= a.low:
        return a.value
    return a.value + ((a.high - a.value) - (a.value - a.low)) / 6


@dataclass
class MonteCarlo:
    """Per-scenario results of the Monte Carlo (arrays of length ``n``)."""

    n: int
    seed: int
    team_fte_now: float
    break_even_fte: np.ndarray
    tpo_always_cheaper: np.ndarray
    tpo_never_cheaper: np.ndarray
    total_cost: dict[str, np.ndarray]
    cash_cost: dict[str, np.ndarray]
    today_total: np.ndarray
    """Total cost of today's practice per scenario (for TPO's saving against it)."""
    today_cash: np.ndarray
    tpo_cheaper_at_break_even: np.ndarray | None = None

    @property
    def probability_tpo_cheaper(self) -> float:
        """Share of scenarios where TPO's TCO is below catalog licensing's at the plan."""
        return float(np.mean(self.total_cost["tpo"] < self.total_cost["catalog_licensing"]))

    def probability_cheapest(self) -> dict[str, float]:
        """Share of scenarios in which each option has the lowest TCO."""
        stacked = np.stack([self.total_cost[o] for o in OPTIONS])
        winner = np.argmin(stacked, axis=0)
        return {o: float(np.mean(winner == i)) for i, o in enumerate(OPTIONS)}

    def summary(self) -> MonteCarloSummary:
        """The typed summary: percentiles, probabilities and the distribution drawn from."""
        be = np.where(self.tpo_always_cheaper, 1.0, self.break_even_fte)
        be = np.where(self.tpo_never_cheaper, np.inf, be)
        quantiles = np.quantile(be, [q / 100 for q in PERCENTILES], method="inverted_cdf")
        saving = self.total_cost["catalog_licensing"] - self.total_cost["tpo"]
        cash = self.cash_cost["catalog_licensing"] - self.cash_cost["tpo"]
        at_be = self.tpo_cheaper_at_break_even
        return MonteCarloSummary(
            n=self.n,
            seed=self.seed,
            distribution=DISTRIBUTION,
            break_even_percentiles={
                f"p{q}": (float(v) if np.isfinite(v) else None)
                for q, v in zip(PERCENTILES, quantiles, strict=True)
            },
            share_tpo_cheaper_from_1_fte=float(np.mean(self.tpo_always_cheaper)),
            share_no_crossing=float(np.mean(self.tpo_never_cheaper)),
            max_fte_searched=MAX_FTE,
            probability_tpo_cheaper=self.probability_tpo_cheaper,
            probability_tpo_cheaper_cash=float(np.mean(cash > 0)),
            probability_tpo_cheaper_at_break_even=None if at_be is None else float(np.mean(at_be)),
            probability_cheapest=self.probability_cheapest(),
            saving_percentiles=_percentiles(saving),
            cash_saving_percentiles=_percentiles(cash),
            saving_vs_today_percentiles=_percentiles(self.today_total - self.total_cost["tpo"]),
            cash_saving_vs_today_percentiles=_percentiles(self.today_cash - self.cash_cost["tpo"]),
        )


def _percentiles(values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, [p / 100 for p in PERCENTILES])
    return {f"p{p}": float(v) for p, v in zip(PERCENTILES, q, strict=True)}


def _cash(components: list[Component]) -> list[Component]:
    return [c for c in components if not c.imputed]


def monte_carlo(
    table: Mapping[str, Assumption],
    ctx: Context,
    simulations: int,
    seed: int,
    progress: Progress | None = None,
    at_fte: float | None = None,
) -> MonteCarlo:
    """Seeded Monte Carlo over every assumption's range at once.

    Per scenario: the TCO and cash cost of each option over the horizon at the prospect's
    projected headcount, the break-even team size TPO vs catalog licensing (exact, see
    :func:`~tpo_scoping.economics.solve.break_even_vectorized`), and, given ``at_fte`` (the
    modelled break-even), whether TPO is cheaper for a team starting at that size.

    Examples
    --------
    >>> from tpo_scoping.assumptions import resolve_assumptions
    >>> ctx = Context(50, 0.0, 0.0, 0, "manager_walkthroughs", 0, 36)
    >>> mc = monte_carlo(resolve_assumptions(), ctx, 1000, seed=1)
    >>> 0.0 <= mc.probability_tpo_cheaper <= 1.0
    True
    """
    rng = np.random.default_rng(seed)
    hc = Headcount.project([ctx.team_fte_now], ctx)
    parts_be, parts_always, parts_never = [], [], []
    parts_total: dict[str, list[np.ndarray]] = {o: [] for o in OPTIONS}
    parts_cash: dict[str, list[np.ndarray]] = {o: [] for o in OPTIONS}
    parts_at: list[np.ndarray] = []
    today_total: list[np.ndarray] = []
    today_cash: list[np.ndarray] = []
    at_hc = None if at_fte is None else Headcount.project([at_fte], ctx)
    chunks = max(1, -(-simulations // CHUNK))
    done = 0
    for chunk in range(chunks):
        size = min(CHUNK, simulations - done)
        draws = draw_assumptions(table, size, rng)
        components = build_components(draws, ctx)
        for option in OPTIONS:
            parts_total[option].append(totals(components[option], hc)[:, 0])
            cash = totals(_cash(components[option]), hc)[:, 0]
            parts_cash[option].append(np.broadcast_to(cash, size))
        # today's practice may have no cash line at all: a zero in every scenario
        today_total.append(np.broadcast_to(totals(components[ctx.baseline], hc)[:, 0], size))
        today_cash.append(np.broadcast_to(totals(_cash(components[ctx.baseline]), hc)[:, 0], size))
        if at_hc is not None:
            tpo_at = totals(components["tpo"], at_hc)[:, 0]
            parts_at.append(tpo_at < totals(components["catalog_licensing"], at_hc)[:, 0])
        be, always, never = break_even_vectorized(components, ctx, "tpo", "catalog_licensing")
        parts_be.append(be)
        parts_always.append(always)
        parts_never.append(never)
        done += size
        if progress is not None:
            progress(chunk + 1, chunks)
    return MonteCarlo(
        n=simulations,
        seed=seed,
        team_fte_now=ctx.team_fte_now,
        break_even_fte=np.concatenate(parts_be),
        tpo_always_cheaper=np.concatenate(parts_always),
        tpo_never_cheaper=np.concatenate(parts_never),
        total_cost={o: np.concatenate(v) for o, v in parts_total.items()},
        cash_cost={o: np.concatenate(v) for o, v in parts_cash.items()},
        today_total=np.concatenate(today_total),
        today_cash=np.concatenate(today_cash),
        tpo_cheaper_at_break_even=np.concatenate(parts_at) if parts_at else None,
    )


def tornado(
    table: Mapping[str, Assumption],
    ctx: Context,
    progress: Progress | None = None,
) -> list[SensitivityRow]:
    """One-at-a-time sensitivity of the break-even (TPO vs catalog) to every assumption.

    For each assumption, set it to the low and then the high end of its range (everything else
    at its value) and re-solve. ``swing`` = |break-even at high − break-even at low|; rows are
    ranked by swing (a side without a crossing ranks first), then by the swing in the saving
    against catalog licensing at the prospect's plan.

    Examples
    --------
    >>> from tpo_scoping.assumptions import resolve_assumptions
    >>> ctx = Context(50, 0.0, 0.0, 0, "manager_walkthroughs", 0, 36)
    >>> rows = tornado(resolve_assumptions(), ctx)
    >>> rows[0].swing >= rows[-1].swing
    True
    """
    base = {name: np.array([a.value]) for name, a in table.items()}
    hc = Headcount.project([ctx.team_fte_now], ctx)
    rows = []
    names = list(table)
    for step, name in enumerate(names, 1):
        a = table[name]
        ends = {}
        for label, value in (("low", a.low), ("high", a.high)):
            params = dict(base)
            params[name] = np.array([value])
            components = build_components(params, ctx)
            crossing = break_even_between(components, ctx, "tpo", "catalog_licensing")
            saving = float(
                totals(components["catalog_licensing"], hc)[0, 0]
                - totals(components["tpo"], hc)[0, 0]
            )
            ends[label] = (crossing, saving)
        (lo_cross, lo_saving), (hi_cross, hi_saving) = ends["low"], ends["high"]
        if lo_cross.fte is not None and hi_cross.fte is not None:
            swing: float | None = abs(hi_cross.fte - lo_cross.fte)
        elif lo_cross.fte is None and hi_cross.fte is None and lo_cross.reason == hi_cross.reason:
            swing = 0.0
        else:
            swing = None
        rows.append(
            SensitivityRow(
                name=name,
                description=a.description,
                unit=a.unit,
                value=a.value,
                low_value=a.low,
                high_value=a.high,
                break_even_at_low=lo_cross.fte,
                break_even_at_high=hi_cross.fte,
                swing=swing,
                saving_vs_catalog_at_low=lo_saving,
                saving_vs_catalog_at_high=hi_saving,
                saving_swing=abs(hi_saving - lo_saving),
            )
        )
        if progress is not None:
            progress(step, len(names))

    def rank(row: SensitivityRow) -> tuple[float, float]:
        primary = float("inf") if row.swing is None else row.swing
        return (-primary, -row.saving_swing)

    return [replace(row, rank=i) for i, row in enumerate(sorted(rows, key=rank), 1)]
