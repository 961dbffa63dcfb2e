"""Break-even uncertainty and monotonicity: hypothesis properties, tornado, Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpo_scoping.assumptions import resolve_assumptions
from tpo_scoping.economics import OPTIONS, break_even, monte_carlo
from tpo_scoping.economics.model import Context, Headcount, build_components, totals
from tpo_scoping.economics.solve import break_even_between
from tpo_scoping.economics.uncertainty import draw_assumptions
from tpo_scoping.profile import parse_profile

PROPS = settings(max_examples=30, deadline=None)


def profile(fte: int = 50, hires: float = 0.0, attrition: float = 0.0, extra: str = "") -> object:
    return parse_profile(
        f"prospect: P\nsites: [{{country: PH, fte: {fte}}}]\n"
        f"growth: {{hires_per_quarter: {hires}, annual_attrition: {attrition}}}\n" + extra
    )


def be_key(result: object) -> float:
    """Break-even as a number: TPO cheaper from 1 FTE -> 0, never -> infinity."""
    fte, reason = result.break_even_fte, result.break_even_reason  # type: ignore[attr-defined]
    if fte is not None:
        return float(fte)
    return 0.0 if "from 1 FTE up" in reason else math.inf


def run(p: object, **overrides: float) -> object:
    return break_even(p, simulations=0, sensitivity=False, overrides=overrides)


growth = st.tuples(
    st.floats(min_value=0, max_value=60, allow_nan=False),
    st.floats(min_value=0, max_value=0.8, allow_nan=False),
)


@PROPS
@given(
    low=st.floats(min_value=0, max_value=20_000),
    delta=st.floats(min_value=0, max_value=20_000),
    plan=growth,
)
def test_higher_retainer_never_lowers_the_break_even(
    low: float, delta: float, plan: tuple[float, float]
) -> None:
    p = profile(hires=plan[0], attrition=plan[1])
    cheap = run(p, tpo_retainer_base_monthly=low)
    dear = run(p, tpo_retainer_base_monthly=low + delta)
    assert be_key(dear) >= be_key(cheap) - 1e-6


@PROPS
@given(
    fee=st.floats(min_value=10, max_value=120),
    factor=st.floats(min_value=1, max_value=3),
    plan=growth,
)
def test_higher_per_fte_fee_never_lowers_the_break_even(
    fee: float, factor: float, plan: tuple[float, float]
) -> None:
    p = profile(hires=plan[0], attrition=plan[1])
    tiers = {f"tpo_fee_per_fte_tier{i}": fee for i in (1, 2, 3)}
    dearer = {k: v * factor for k, v in tiers.items()}
    assert be_key(run(p, **dearer)) >= be_key(run(p, **tiers)) - 1e-6


@PROPS
@given(
    low=st.floats(min_value=0.5, max_value=12),
    delta=st.floats(min_value=0, max_value=12),
    plan=growth,
    domain=st.sampled_from(["general", "healthcare"]),
)
def test_more_management_overhead_never_raises_the_break_even(
    low: float, delta: float, plan: tuple[float, float], domain: str
) -> None:
    p = profile(hires=plan[0], attrition=plan[1], extra=f"compliance_domains: [{domain}]\n")
    light = run(p, mgmt_hours_per_fte_month_informal=low)
    heavy = run(p, mgmt_hours_per_fte_month_informal=low + delta)
    assert be_key(heavy) <= be_key(light) + 1e-6


@PROPS
@given(
    fte=st.integers(min_value=1, max_value=400),
    hires=st.floats(min_value=0, max_value=40),
    more=st.floats(min_value=0, max_value=40),
    attrition=st.floats(min_value=0, max_value=0.6),
)
def test_faster_growth_never_makes_the_crossing_later(
    fte: int, hires: float, more: float, attrition: float
) -> None:
    slow = run(profile(fte, hires, attrition))
    fast = run(profile(fte, hires + more, attrition))

    def month(r: object) -> float:
        m = r.crossing_month  # type: ignore[attr-defined]
        return math.inf if m is None else m

    assert month(fast) <= month(slow)


@PROPS
@given(
    fte=st.integers(min_value=1, max_value=2000),
    extra=st.integers(min_value=1, max_value=500),
    plan=growth,
)
def test_costs_scale_sensibly_with_fte(fte: int, extra: int, plan: tuple[float, float]) -> None:
    small = run(profile(fte, *plan))
    large = run(profile(fte + extra, *plan))
    for option in OPTIONS:
        # more people never cost less in total
        assert large.options[option].total_cost >= small.options[option].total_cost - 1e-6
    # TPO's fixed retainer and falling tiers spread: cost per FTE-month never rises
    assert (
        large.options["tpo"].monthly_cost_per_fte
        <= small.options["tpo"].monthly_cost_per_fte + 1e-6
    )
    # per-seat catalog licensing costs the same per FTE-month up to the fixed admin share
    assert large.options["catalog_licensing"].monthly_cost_per_fte <= (
        small.options["catalog_licensing"].monthly_cost_per_fte + 1e-6
    )


def test_monte_carlo_is_reproducible_with_a_seed() -> None:
    p = profile(60, 10, 0.2, "compliance_domains: [payments]\n")
    a = break_even(p, simulations=3000, seed=11, sensitivity=False)
    b = break_even(p, simulations=3000, seed=11, sensitivity=False)
    c = break_even(p, simulations=3000, seed=12, sensitivity=False)
    assert a.monte_carlo == b.monte_carlo
    assert a.monte_carlo_draws.equals(b.monte_carlo_draws)
    assert not a.monte_carlo_draws.equals(c.monte_carlo_draws)


def test_draws_stay_in_range_and_contract_structure_is_held() -> None:
    table = resolve_assumptions()
    draws = draw_assumptions(table, 20_000, np.random.default_rng(5))
    for name, a in table.items():
        assert draws[name].min() >= a.low and draws[name].max() <= a.high, name
        if not a.vary:
            assert np.all(draws[name] == a.value), name
    # centred on the stated value: median and mode at it, half the draws on either side, and the
    # mean of a two-sided triangle value + ((high - value) - (value - low)) / 6
    for name in (
        "tpo_setup_fee",
        "mgmt_hours_per_fte_month_informal",
        "catalog_seat_price_monthly",
    ):
        a, x = table[name], draws[name]
        assert np.mean(x < a.value) == pytest.approx(0.5, abs=0.01), name
        assert np.median(x) == pytest.approx(a.value, rel=0.02), name
        mean = a.value + ((a.high - a.value) - (a.value - a.low)) / 6
        assert x.mean() == pytest.approx(mean, rel=0.02), name
        # each half is triangular with its peak at the value: its own mean sits a third of the
        # way from the value to the end of the range
        below = x[x < a.value]
        assert below.mean() == pytest.approx(a.value - (a.value - a.low) / 3, rel=0.02), name


def test_vectorized_break_even_matches_brentq_per_scenario() -> None:
    table = resolve_assumptions()
    ctx = Context(120, 8.0, 0.03, 1, "manager_walkthroughs", 0, 36)
    draws = draw_assumptions(table, 40, np.random.default_rng(2))
    mc = monte_carlo(table, ctx, 40, seed=2)
    for i in range(40):
        one = {k: v[i : i + 1] for k, v in draws.items()}
        crossing = break_even_between(build_components(one, ctx), ctx, "tpo", "catalog_licensing")
        if crossing.fte is None:
            assert np.isnan(mc.break_even_fte[i])
            assert mc.tpo_always_cheaper[i] or mc.tpo_never_cheaper[i]
        else:
            assert mc.break_even_fte[i] == pytest.approx(crossing.fte, rel=1e-6)
        hc = Headcount.project([ctx.team_fte_now], ctx)
        comps = build_components(one, ctx)
        for option in OPTIONS:
            assert mc.total_cost[option][i] == pytest.approx(totals(comps[option], hc)[0, 0])


def test_steady_team_probability_agrees_with_the_break_even_draws() -> None:
    """For a steady team TPO is cheaper at n FTE exactly when the break-even lies below n."""
    n = 55
    result = break_even(profile(n), simulations=5000, seed=4, sensitivity=False)
    draws = result.monte_carlo_draws
    below = (draws["break_even_fte"] < n) | draws["tpo_cheaper_from_1_fte"]
    assert result.probability_tpo_cheaper == pytest.approx(below.mean(), abs=1e-9)
    pct = result.monte_carlo.break_even_percentiles
    assert pct["p5"] <= pct["p50"] <= pct["p95"]
    # always cheaper counts as 1 FTE, never as beyond the search: the median of that
    by_draw = np.where(draws["tpo_cheaper_from_1_fte"], 1.0, draws["break_even_fte"])
    by_draw = np.where(draws["no_crossing"], np.inf, by_draw)
    assert pct["p50"] == pytest.approx(np.quantile(by_draw, 0.5), rel=0.01)
    cheapest = result.monte_carlo.probability_cheapest
    assert sum(cheapest.values()) == pytest.approx(1.0)


def test_far_above_and_below_the_break_even_the_probability_is_extreme() -> None:
    big = break_even(profile(2000), simulations=2000, seed=1, sensitivity=False)
    small = break_even(profile(3), simulations=2000, seed=1, sensitivity=False)
    assert big.probability_tpo_cheaper > 0.97
    assert small.probability_tpo_cheaper < 0.03


def test_tornado_covers_every_assumption_ranked_by_swing() -> None:
    result = break_even(profile(50), simulations=0)
    rows = result.sensitivity
    table = resolve_assumptions()
    assert {r.name for r in rows} == set(table)
    swings = [r.swing for r in rows if r.swing is not None]
    assert swings == sorted(swings, reverse=True)
    by_name = {r.name: r for r in rows}
    retainer = by_name["tpo_retainer_base_monthly"]
    assert retainer.low_value == table["tpo_retainer_base_monthly"].low
    assert retainer.break_even_at_high > result.break_even_fte > retainer.break_even_at_low
    hours = by_name["mgmt_hours_per_fte_month_informal"]
    assert hours.break_even_at_high < result.break_even_fte < hours.break_even_at_low
    # each end re-solves the model: compare with a direct run at that value
    direct = run(profile(50), tpo_retainer_base_monthly=retainer.high_value)
    assert retainer.break_even_at_high == pytest.approx(direct.break_even_fte)
    # the NPV discount rate does not move the break-even
    assert by_name["discount_rate_annual"].swing == 0


def test_progress_callback_reaches_the_end() -> None:
    calls: list[tuple[int, int]] = []
    break_even(profile(50), simulations=60_000, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
