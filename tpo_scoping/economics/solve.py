"""Break-even team sizes: scipy's brentq on the difference in total cost of ownership.

The difference D(n) = TCO_a(n) − TCO_b(n) is a function of the starting team size ``n`` (the
prospect's hires and attrition apply on top). A log-spaced scan from 1 to :data:`MAX_FTE`
brackets the first sign change from "a costs more" to "a costs less"; brentq then solves
D(n) = 0 inside that bracket.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tpo_scoping.economics.model import (
    Component,
    Context,
    Headcount,
    affine_coefficients,
    tier_knots,
    totals,
)
from tpo_scoping.labels import OPTION_LABELS, in_sentence

MAX_FTE = 10_000.0
"""Largest team the break-even search considers; larger offshore teams are out of scope."""

SCAN = np.geomspace(1.0, MAX_FTE, 241)


@dataclass(frozen=True)
class Crossing:
    """A break-even team size, or ``None`` with the reason there is none."""

    fte: float | None
    reason: str | None


def tco_difference(
    a: list[Component], b: list[Component], ctx: Context, start_fte: object
) -> np.ndarray:
    """TCO of ``a`` minus TCO of ``b`` over the horizon, for each starting size (first scenario)."""
    hc = Headcount.project(start_fte, ctx)
    return np.asarray(totals(a, hc)[0] - totals(b, hc)[0])


def break_even_between(
    components: dict[str, list[Component]], ctx: Context, option: str, other: str
) -> Crossing:
    """The starting team size at which ``option`` becomes cheaper than ``other`` over the horizon.

    Solves TCO_option(n) = TCO_other(n) with :func:`scipy.optimize.brentq` inside the first
    bracket where the difference changes sign from positive to non-positive.

    Examples
    --------
    >>> from tpo_scoping.economics.analysis import default_params
    >>> from tpo_scoping.economics.model import build_components
    >>> ctx = Context(50, 0.0, 0.0, 0, "manager_walkthroughs", 0, 36)
    >>> comps = build_components(default_params(), ctx)
    >>> 40 < break_even_between(comps, ctx, "tpo", "catalog_licensing").fte < 60
    True
    """
    from scipy.optimize import brentq

    a, b = components[option], components[other]
    diff = tco_difference(a, b, ctx, SCAN)
    name, other_name = OPTION_LABELS[option], OPTION_LABELS[other]
    if diff[0] <= 0:
        return Crossing(
            None,
            f"{name} costs no more than {in_sentence(other_name)} over the horizon at every"
            " starting team size, from 1 FTE up, so there is no break-even to reach",
        )
    below = np.flatnonzero(diff <= 0)
    if below.size == 0:
        return Crossing(
            None,
            f"{other_name} stays cheaper than {in_sentence(name)} for every team size up to"
            f" {MAX_FTE:,.0f} FTE",
        )
    i = int(below[0])
    if diff[i] == 0:
        return Crossing(float(SCAN[i]), None)

    def f(n: float) -> float:
        return float(tco_difference(a, b, ctx, [n])[0])

    root = brentq(f, float(SCAN[i - 1]), float(SCAN[i]), xtol=1e-6, rtol=1e-10)
    return Crossing(float(root), None)


def break_even_vectorized(
    components: dict[str, list[Component]], ctx: Context, option: str, other: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Break-even of ``option`` against ``other`` for every scenario at once (no Python loop).

    TCO is affine in the starting size n except for the tiered retainer, whose kinks sit at
    known sizes (where some month's FTE meets a tier limit, the same in every scenario). The
    difference is therefore linear between consecutive knots: evaluate it at the knots,
    find the first sign change per scenario and interpolate exactly.

    Returns
    -------
    (break_even, always, never)
        ``break_even`` in FTE (NaN where there is no crossing); ``always`` marks scenarios where
        ``option`` is already cheaper at 1 FTE, ``never`` those cheaper nowhere up to
        :data:`MAX_FTE`.
    """
    c0a, c1a, tiers_a = affine_coefficients(components[option], ctx)
    c0b, c1b, tiers_b = affine_coefficients(components[other], ctx)
    knots = tier_knots(tiers_a + tiers_b, ctx, 1.0, MAX_FTE)
    # D(n_k) = coef @ basis: one matrix product instead of a pass per term
    coef = [c0a - c0b, c1a - c1b]
    basis = [np.ones_like(knots), knots]
    if tiers_a or tiers_b:
        hc = Headcount.project(knots, ctx)
        for sign, tiers in ((1.0, tiers_a), (-1.0, tiers_b)):
            for tier in tiers:
                coef.append(sign * tier.amount)
                basis.append(tier.driver(hc).sum(axis=-1))
    diff = np.stack(coef, axis=1) @ np.stack(basis, axis=0)
    below = diff <= 0
    found = below.any(axis=1)
    always = below[:, 0]
    first = np.argmax(below, axis=1)
    prev = np.maximum(first - 1, 0)
    d_hi = np.take_along_axis(diff, first[:, None], axis=1)[:, 0]
    d_lo = np.take_along_axis(diff, prev[:, None], axis=1)[:, 0]
    n_lo, n_hi = knots[prev], knots[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(d_lo > d_hi, d_lo / (d_lo - d_hi), 0.0)
    result = n_lo + (n_hi - n_lo) * frac
    result[~found | always] = np.nan
    return result, always, ~found
