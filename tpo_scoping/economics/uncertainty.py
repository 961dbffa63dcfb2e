"""Uncertainty of the break-even: one-at-a-time sensitivity and a vectorized Monte Carlo.

* :func:`tornado` swings each assumption to the ends of its range with everything else at its
  value and re-solves the break-even (brentq), ranked by the swing.
* :func:`monte_carlo` draws every assumption at once from a triangular distribution
  (low, mode = value, high), independently, in chunks of :data:`CHUNK` scenarios, and evaluates
  the whole cost model on arrays of draws: no Python loop over scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from tpo_scoping.assumptions import Assumption
from tpo_scoping.economics.model import (
    OPTIONS,
    Context,
    Headcount,
    build_components,
    totals,
)
from tpo_scoping.economics.solve import MAX_FTE, break_even_between, break_even_vectorized

CHUNK = 25_000
"""Scenarios per vectorized batch; bounds memory and paces the progress callback."""

PERCENTILES = (5, 25, 50, 75, 95)

Progress = Callable[[int, int], None]
"""Progress hook: called with (steps done, steps in total)."""


def draw_assumptions(
    table: Mapping[str, Assumption], size: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw ``size`` scenarios: triangular(low, value, high) per varying assumption.

    Assumptions marked ``vary: false`` (contract structure) and zero-width ranges stay at their
    value. Draws follow the table's order, so a seed fixes every scenario.

    Examples
    --------
    >>> from tpo_scoping.assumptions import resolve_assumptions
    >>> draws = draw_assumptions(resolve_assumptions(), 4, np.random.default_rng(0))
    >>> draws["tpo_setup_fee"].shape
    (4,)
    """
    out = {}
    for name, a in table.items():
        if a.vary and a.high > a.low:
            out[name] = rng.triangular(a.low, a.value, a.high, size)
        else:
            out[name] = np.full(size, a.value)
    return out


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

    @property
    def probability_tpo_cheaper(self) -> float:
        """Share of scenarios where TPO's TCO is below catalog licensing's at the plan."""
        return float(np.mean(self.total_cost["tpo"] < self.total_cost["catalog_licensing"]))

    def probability_cheapest(self) -> dict[str, float]:
        """Share of scenarios in which each option has the lowest TCO."""
        stacked = np.stack([self.total_cost[o] for o in OPTIONS])
        winner = np.argmin(stacked, axis=0)
        return {o: float(np.mean(winner == i)) for i, o in enumerate(OPTIONS)}

    def summary(self) -> dict[str, object]:
        """Plain summary: n, seed, break-even percentiles and shares without a crossing.

        Percentiles count a scenario where TPO is cheaper from 1 FTE as 1 FTE and one with no
        crossing up to the search limit as beyond it (``null`` when a percentile falls there).
        """
        be = np.where(self.tpo_always_cheaper, 1.0, self.break_even_fte)
        be = np.where(self.tpo_never_cheaper, np.inf, be)
        quantiles = np.quantile(be, [q / 100 for q in PERCENTILES], method="inverted_cdf")
        saving = self.total_cost["catalog_licensing"] - self.total_cost["tpo"]
        saving_q = np.quantile(saving, [q / 100 for q in PERCENTILES])
        return {
            "n": self.n,
            "seed": self.seed,
            "distribution": "triangular(low, value, high), independent",
            "break_even_fte_percentiles": {
                f"p{q}": (float(v) if np.isfinite(v) else None)
                for q, v in zip(PERCENTILES, quantiles, strict=True)
            },
            "break_even_fte_mean_where_found": (
                float(np.nanmean(self.break_even_fte))
                if np.isfinite(self.break_even_fte).any()
                else None
            ),
            "share_tpo_cheaper_from_1_fte": float(np.mean(self.tpo_always_cheaper)),
            "share_no_crossing_below_max_fte": float(np.mean(self.tpo_never_cheaper)),
            "max_fte_searched": MAX_FTE,
            "probability_tpo_cheaper": self.probability_tpo_cheaper,
            "probability_cheapest": self.probability_cheapest(),
            "saving_vs_catalog_percentiles": {
                f"p{q}": float(v) for q, v in zip(PERCENTILES, saving_q, strict=True)
            },
        }


def monte_carlo(
    table: Mapping[str, Assumption],
    ctx: Context,
    simulations: int,
    seed: int,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Seeded Monte Carlo over every assumption's range at once.

    Per scenario: the TCO of each option over the horizon at the prospect's projected headcount,
    and the break-even team size TPO vs catalog licensing (exact, see
    :func:`~tpo_scoping.economics.solve.break_even_vectorized`).

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
    chunks = max(1, -(-simulations // CHUNK))
    done = 0
    for chunk in range(chunks):
        size = min(CHUNK, simulations - done)
        draws = draw_assumptions(table, size, rng)
        components = build_components(draws, ctx)
        for option in OPTIONS:
            parts_total[option].append(totals(components[option], hc)[:, 0])
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
    )


def tornado(
    table: Mapping[str, Assumption],
    ctx: Context,
    progress: Progress | None = None,
) -> list[dict[str, object]]:
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
    >>> rows[0]["swing"] >= rows[-1]["swing"]
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
            {
                "name": name,
                "unit": a.unit,
                "value": a.value,
                "low_value": a.low,
                "high_value": a.high,
                "break_even_at_low": lo_cross.fte,
                "break_even_at_high": hi_cross.fte,
                "swing": swing,
                "saving_vs_catalog_at_low": lo_saving,
                "saving_vs_catalog_at_high": hi_saving,
                "saving_swing": abs(hi_saving - lo_saving),
            }
        )
        if progress is not None:
            progress(step, len(names))

    def rank(row: dict[str, object]) -> tuple[float, float]:
        swing = row["swing"]
        primary = float("inf") if swing is None else float(swing)  # type: ignore[arg-type]
        return (-primary, -float(row["saving_swing"]))  # type: ignore[arg-type]

    rows.sort(key=rank)
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    return rows
