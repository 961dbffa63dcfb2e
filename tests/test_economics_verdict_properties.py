"""Invariants between the economics and the verdict: cash vs imputed, timing, and headlines that
agree with the figures beside them, over generated profiles (Hypothesis)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpo_scoping.economics import OPTIONS, break_even
from tpo_scoping.economics.result import QUOTE_BAND
from tpo_scoping.labels import money
from tpo_scoping.profile import parse_profile
from tpo_scoping.verdict import fit_verdict

PROPS = settings(max_examples=60, deadline=None)
READY = (
    "readiness: {kpis_defined: true, processes_stable: true, named_accountable_person: true,"
    " offshore_integrated: true}\n"
)


def make(
    fte: int,
    hires: float = 0,
    attrition: float = 0.0,
    domains: tuple[str, ...] = ("general",),
    training: str = "manager_walkthroughs",
    staff: int = 0,
    countries: tuple[str, ...] = ("PH",),
) -> object:
    share = max(1, fte // len(countries))
    sites = ", ".join(
        f"{{country: {c}, fte: {share if i else fte - share * (len(countries) - 1)}}}"
        for i, c in enumerate(countries)
    )
    return parse_profile(
        f"prospect: P\nsites: [{sites}]\n"
        f"growth: {{hires_per_quarter: {hires}, annual_attrition: {attrition}}}\n"
        f"compliance_domains: [{', '.join(domains)}]\ncurrent_training: {training}\n"
        f"internal_ld_staff: {staff}\n{READY}"
    )


profiles = st.builds(
    make,
    fte=st.integers(min_value=2, max_value=600),
    hires=st.sampled_from([0, 1, 3, 5, 10, 20, 40]),
    attrition=st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0]),
    domains=st.sampled_from([("general",), ("healthcare",), ("payments", "data_processing")]),
    training=st.sampled_from(
        ["manager_walkthroughs", "lms_only", "internal_ld", "adhoc_vendor", "catalog_licensing"]
    ),
    staff=st.sampled_from([0, 1, 3]),
    countries=st.sampled_from([("PH",), ("PH", "CO")]),
)


def economics(profile: object, **kw: object) -> object:
    return break_even(profile, simulations=0, sensitivity=False, **kw)  # type: ignore[arg-type]


@PROPS
@given(profile=profiles)
def test_every_option_splits_into_cash_and_imputed(profile: object) -> None:
    result = economics(profile)
    for option in [*result.options.values(), result.current_practice_costs]:
        assert option.total_cost == pytest.approx(option.cash_cost + option.imputed_cost)
        cash = sum(ln.total for ln in option.lines if ln.basis == "cash")
        imputed = sum(ln.total for ln in option.lines if ln.basis == "imputed")
        assert cash == pytest.approx(option.cash_cost)
        assert imputed == pytest.approx(option.imputed_cost)
        assert option.cash_cost >= 0 and option.imputed_cost >= 0


@PROPS
@given(profile=profiles)
def test_the_cash_view_counts_no_imputed_cost(profile: object) -> None:
    full = economics(profile)
    cash = economics(profile, imputed_share=0.0)
    for key in OPTIONS:
        assert cash.options[key].imputed_cost == 0
        assert cash.options[key].total_cost == pytest.approx(full.options[key].cash_cost)
    assert cash.break_even_fte == full.break_even_fte_cash
    views = {v.imputed_share: v for v in full.conservative}
    assert views[1.0].break_even_fte == full.break_even_fte
    assert views[1.0].cheapest_option == full.cheapest_option
    assert views[0.0].cheapest_option == full.cheapest_option_cash


AMOUNT = re.compile(r"-?\$[\d,]+")


@PROPS
@given(profile=profiles)
def test_no_headline_contradicts_the_figures_beside_it(profile: object) -> None:
    result = economics(profile)
    verdict = fit_verdict(profile, result)  # type: ignore[arg-type]
    tpo = result.options["tpo"]
    best = result.options[result.best_alternative]
    fte = profile.total_fte  # type: ignore[attr-defined]
    simple = not profile.regulated and len(profile.countries) == 1  # type: ignore[attr-defined]
    if verdict.recommendation == "tpo":
        if tpo.total_cost > best.total_cost:
            assert profile.regulated and verdict.basis == "compliance"  # type: ignore[attr-defined]
            assert money(tpo.total_cost - best.total_cost) + " more" in verdict.headline
        else:
            assert verdict.basis == "cost"
        assert not (fte < 20 and simple)
    match = re.search(r"by month (\d+)", verdict.headline)
    if match:
        assert result.crossing_month == int(match.group(1))
    # every amount in the headline is a difference the result holds, formatted the same way
    differences = set()
    for key in OPTIONS:
        c = result.tpo_against(key) if key != "tpo" else None
        if c is None:
            continue
        for value in (c.total_difference, c.cash_difference, c.imputed_difference):
            differences.add(money(abs(value)))
    for amount in AMOUNT.findall(verdict.headline):
        assert amount in differences, (amount, verdict.headline)
    said = re.search(
        r"TPO would cost (\$[\d,]+) (more|less) than ([a-z ]+?) over", verdict.headline
    )
    if said:
        other = next(o for o in OPTIONS if result.options[o].label.lower() == said.group(3))
        diff = tpo.total_cost - result.options[other].total_cost
        assert said.group(1) == money(abs(diff))
        assert (diff > 0) == (said.group(2) == "more")


@pytest.mark.parametrize(
    ("profile", "not_tpo_because"),
    [
        (make(5, hires=5), "a 5-FTE general team hiring 5 a quarter is premature"),
        (make(46), "a steady 46-FTE team where TPO costs more than catalog licensing"),
        (make(60, attrition=1.0), "a 60-FTE team with no hires that shrinks to almost nothing"),
    ],
)
def test_the_reviewed_cases_do_not_get_tpo(profile: object, not_tpo_because: str) -> None:
    verdict = fit_verdict(profile, economics(profile))  # type: ignore[arg-type]
    assert verdict.recommendation != "tpo", not_tpo_because


@settings(max_examples=25, deadline=None)
@given(
    fte=st.integers(min_value=20, max_value=300),
    low=st.sampled_from([0.1, 0.2, 0.3]),
    extra=st.sampled_from([0.2, 0.4, 0.6]),
)
def test_with_replacement_hiring_more_churn_grows_tpos_edge(
    fte: int, low: float, extra: float
) -> None:
    """A team held steady by replacement hires onboards more people when churn rises: TPO,
    which owns onboarding, gains against catalog licensing."""

    def saving(attrition: float) -> float:
        hires = attrition * fte / 4  # exactly the leavers of a quarter
        r = economics(make(fte, hires=hires, attrition=attrition))
        return r.options["catalog_licensing"].total_cost - r.options["tpo"].total_cost

    assert saving(low + extra) > saving(low)


def test_tpo_changes_nothing_before_go_live() -> None:
    result = economics(make(80, hires=10, attrition=0.2))
    monthly = result.monthly_costs
    mgmt = monthly[monthly["component"] == "management_time"]
    tpo = mgmt[mgmt["option"] == "tpo"].set_index("month")["cost"]
    today = mgmt[mgmt["option"] == "current_practice"].set_index("month")["cost"]
    assert tpo[1] == pytest.approx(today[1])  # week 6 go-live: month 1 is walkthroughs as today
    assert tpo[3] < 0.5 * today[3]
    assert result.go_live_week == 6


def test_ramp_counts_only_the_weeks_inside_the_horizon() -> None:
    """A hire in the last month loses only the ramp weeks before the horizon ends."""
    one = economics(make(50, hires=3), horizon_months=1)
    twelve = economics(make(50, hires=3), horizon_months=12)
    ramp = {
        h: next(ln.total for ln in r.options["catalog_licensing"].lines if ln.key == "ramp")
        for h, r in ((1, one), (12, twelve))
    }
    # month 1 of 1: 2.17 of the ramp's weeks fall inside; month 1 of 12: the whole ramp does
    per_month = np.diff(
        [
            0.0,
            *twelve.monthly_costs.query("option == 'catalog_licensing' and component == 'ramp'")[
                "cost"
            ].cumsum(),
        ]
    )
    assert ramp[1] < per_month[0]
    assert per_month[-1] < per_month[0]  # the last month's hires are cut off by the horizon


@settings(max_examples=12, deadline=None)
@given(
    fte=st.integers(min_value=10, max_value=120),
    hires=st.sampled_from([0, 2, 5]),
    attrition=st.sampled_from([0.0, 0.2]),
)
def test_the_quoted_break_even_and_the_simulation_tell_one_story(
    fte: int, hires: float, attrition: float
) -> None:
    result = break_even(make(fte, hires, attrition), simulations=1500, seed=3, sensitivity=False)
    quoted = result.quoted_break_even()
    if quoted is None:
        return
    if quoted.source == "model":
        p = result.monte_carlo.probability_tpo_cheaper_at_break_even
        assert QUOTE_BAND[0] <= p <= QUOTE_BAND[1]
    else:
        assert quoted.fte == result.monte_carlo.break_even_percentiles["p50"]


def test_the_simulation_can_say_tpo_does_not_pay() -> None:
    """At the modelled break-even the futures split: nothing in the model fixes the answer."""
    steady = break_even(make(50), simulations=4000, seed=5, sensitivity=False)
    at = break_even(make(round(steady.break_even_fte)), simulations=4000, seed=5, sensitivity=False)
    assert 0.25 < at.probability_tpo_cheaper < 0.75
    # and the difference TPO makes to management time can be nothing at all
    table = steady.assumptions["tpo_mgmt_time_reduction_vs_catalog"]
    assert table.low == 0
