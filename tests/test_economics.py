"""Break-even economics: numbers checked against algebra done here from the same inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tpo_scoping.assumptions import default_assumptions, resolve_assumptions
from tpo_scoping.economics import (
    CURRENT_PRACTICE,
    OPTIONS,
    break_even,
    what_would_have_to_be_true,
)
from tpo_scoping.errors import InputError
from tpo_scoping.profile import parse_profile

STEADY = "prospect: Steady\nsites: [{country: PH, fte: %d}]\n"


def steady(fte: int = 50, extra: str = "") -> object:
    return parse_profile(STEADY % fte + extra)


def values(overrides: dict[str, float] | None = None) -> dict[str, float]:
    return {k: a.value for k, a in resolve_assumptions(overrides).items()}


WEEKS = 52 / 12


def live(horizon: int, go_live: float = 6.0) -> np.ndarray:
    """Share of each month after TPO's go-live (week 6), computed here independently."""
    out = []
    for m in range(1, horizon + 1):
        out.append(min(1.0, max(0.0, (m * WEEKS - go_live) / WEEKS)))
    return np.array(out)


def tpo_share(v: dict[str, float], kind: str = "mgmt") -> float:
    """TPO's level: what catalog licensing leaves, less the share TPO removes beyond it."""
    if kind == "mgmt":
        return v["mgmt_residual_share_catalog_licensing"] * (
            1 - v["tpo_mgmt_time_reduction_vs_catalog"]
        )
    return v["compliance_gap_share_catalog_licensing"] * (
        1 - v["tpo_compliance_gap_reduction_vs_catalog"]
    )


def test_steady_team_break_even_is_where_the_totals_meet() -> None:
    result = break_even(steady(), simulations=0, sensitivity=False)
    assert result.break_even_reason is None
    assert result.break_even_fte_steady_team == pytest.approx(result.break_even_fte)
    at = break_even(steady(round(result.break_even_fte)), simulations=0, sensitivity=False)
    tpo, cat = at.options["tpo"], at.options["catalog_licensing"]
    assert abs(tpo.total_cost - cat.total_cost) < 0.02 * cat.total_cost


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"loaded_hourly_rate_onshore_manager": 90, "mgmt_hours_per_fte_month_informal": 5},
        {"tpo_retainer_base_monthly": 9000, "catalog_seat_price_monthly": 20, "tpo_setup_fee": 0},
    ],
)
@pytest.mark.parametrize("horizon", [12, 36, 60])
def test_linear_steady_case_matches_algebra(overrides: dict[str, float], horizon: int) -> None:
    v = values(overrides)
    rate, hours = v["loaded_hourly_rate_onshore_manager"], v["mgmt_hours_per_fte_month_informal"]
    w = live(horizon).sum()  # months of TPO's effect; before go-live TPO leaves today's level
    # TCO_tpo(n) = setup + H base + H fee1 n + hours rate n ((H - W) 1 + W s_tpo)
    # TCO_cat(n) = H admin rate + H seat n + H hours s_cat rate n
    fixed_gap = v["tpo_setup_fee"] + horizon * v["tpo_retainer_base_monthly"]
    fixed_gap -= horizon * v["client_platform_admin_hours_month"] * rate
    per_fte_gap = horizon * (
        v["catalog_seat_price_monthly"]
        + hours * v["mgmt_residual_share_catalog_licensing"] * rate
        - v["tpo_fee_per_fte_tier1"]
    ) - hours * rate * ((horizon - w) + w * tpo_share(v))
    expected = fixed_gap / per_fte_gap
    assert 1 < expected < v["tpo_tier1_max_fte"]  # stays in the first pricing tier
    result = break_even(
        steady(), horizon_months=horizon, simulations=0, sensitivity=False, overrides=overrides
    )
    assert result.break_even_fte == pytest.approx(expected, rel=1e-7)


def test_option_totals_for_a_steady_team_match_algebra() -> None:
    n, h = 70, 36
    v = values()
    rate, hours = v["loaded_hourly_rate_onshore_manager"], v["mgmt_hours_per_fte_month_informal"]
    result = break_even(steady(n), simulations=0, sensitivity=False)
    w = live(h).sum()
    tpo_cash = v["tpo_setup_fee"] + h * (
        v["tpo_retainer_base_monthly"] + v["tpo_fee_per_fte_tier1"] * n
    )
    tpo = tpo_cash + hours * rate * n * ((h - w) + w * tpo_share(v))
    catalog = h * (
        v["client_platform_admin_hours_month"] * rate
        + v["catalog_seat_price_monthly"] * n
        + hours * v["mgmt_residual_share_catalog_licensing"] * rate * n
    )
    trainers = math.ceil(n / v["internal_ld_fte_per_trainer"])
    internal = (
        v["internal_ld_recruiting_cost_per_trainer"] * trainers
        + v["lms_implementation_fee"]
        + h
        * (
            v["internal_ld_trainer_monthly_cost"] * trainers
            + v["lms_platform_fee_monthly"]
            + v["lms_fee_per_user_monthly"] * n
            + v["internal_ld_content_per_fte_year"] / 12 * n
            + hours * v["mgmt_residual_share_internal_ld"] * rate * n
        )
    )
    today = h * hours * rate * n
    assert result.options["tpo"].total_cost == pytest.approx(tpo)
    assert result.options["tpo"].cash_cost == pytest.approx(tpo_cash)
    assert result.options["catalog_licensing"].total_cost == pytest.approx(catalog)
    assert result.options["catalog_licensing"].cash_cost == pytest.approx(
        h * v["catalog_seat_price_monthly"] * n
    )
    assert result.options["internal_ld"].total_cost == pytest.approx(internal)
    assert result.current_practice_costs.total_cost == pytest.approx(today)
    assert result.current_practice_costs.cash_cost == 0
    assert result.options["tpo"].monthly_cost_per_fte == pytest.approx(tpo / (h * n))
    assert result.cheapest_option == min(OPTIONS, key=lambda o: result.options[o].total_cost)
    # managers' hours: management time plus the catalog's platform administration
    catalog_hours = h * (hours * v["mgmt_residual_share_catalog_licensing"] * n)
    catalog_hours += h * v["client_platform_admin_hours_month"]
    assert result.options["catalog_licensing"].manager_hours == pytest.approx(catalog_hours)


def test_tiered_retainer_above_tier_limits_matches_algebra() -> None:
    n, h = 400, 24
    v = values()
    t1, t2 = v["tpo_tier1_max_fte"], v["tpo_tier2_max_fte"]
    fees = (
        v["tpo_fee_per_fte_tier1"] * t1
        + v["tpo_fee_per_fte_tier2"] * (t2 - t1)
        + v["tpo_fee_per_fte_tier3"] * (n - t2)
    )
    result = break_even(steady(n), horizon_months=h, simulations=0, sensitivity=False)
    assert line(result, "tpo", "retainer_per_fte") == pytest.approx(h * fees)


def test_headcount_and_growing_costs_match_an_independent_month_loop() -> None:
    profile = parse_profile(
        "prospect: G\nsites: [{country: PH, fte: 40}, {country: CO, fte: 10}]\n"
        "growth: {hires_per_quarter: 18, annual_attrition: 0.24}\n"
        "compliance_domains: [healthcare, payments]\n"
    )
    horizon = 24
    result = break_even(profile, horizon_months=horizon, simulations=0, sensitivity=False)
    v = values()
    rate, hours = v["loaded_hourly_rate_onshore_manager"], v["mgmt_hours_per_fte_month_informal"]
    week = v["offshore_fte_monthly_cost"] * 12 / 52 * v["ramp_productivity_loss_share"]
    informal, structured = v["ramp_weeks_informal"], v["ramp_weeks_structured"]
    partial = informal - v["ramp_partial_reduction_share"] * (informal - structured)
    exposure = 2 * v["compliance_exposure_per_fte_year"] / 12
    cat_share = v["mgmt_residual_share_catalog_licensing"]
    cat_gap = v["compliance_gap_share_catalog_licensing"]
    w = live(horizon)

    def ramp(weeks: float, month: int) -> float:
        # a linear learning curve: the first t of w weeks lose (2x - x^2) of the ramp's loss
        x = min(1.0, (horizon - month + 0.5) * WEEKS / weeks)
        return 6 * weeks * (2 * x - x * x) * week

    team, fte, tpo, catalog, leavers_of = 50.0, [], [], [], []
    for m in range(1, horizon + 1):
        leavers = team * 0.24 / 12
        team = team + 6 - leavers
        fte.append(team)
        tier = (
            min(team, 100) * v["tpo_fee_per_fte_tier1"]
            + max(0, min(team, 250) - 100) * v["tpo_fee_per_fte_tier2"]
        )

        def imputed(share: float, gap: float, weeks: float, m: int = m) -> float:
            t, out = fte[m - 1], leavers_of[m - 1]
            return (
                hours * share * rate * t
                + ramp(weeks, m)
                + out * v["reonboarding_hours_per_leaver"] * share * rate
                + exposure * gap * t
            )

        leavers_of.append(leavers)
        after = w[m - 1]
        tpo.append(
            v["tpo_retainer_base_monthly"]
            + tier
            + (1 - after) * imputed(1.0, 1.0, informal)  # today's walkthroughs until go-live
            + after * imputed(tpo_share(v), tpo_share(v, "gap"), structured)
        )
        catalog.append(
            v["client_platform_admin_hours_month"] * rate
            + v["catalog_seat_price_monthly"] * team
            + imputed(cat_share, cat_gap, partial)
        )
    tpo[0] += v["tpo_setup_fee"]
    np.testing.assert_allclose(result.headcount["fte"], fte)
    assert result.team_fte_end == pytest.approx(fte[-1])
    assert result.options["tpo"].total_cost == pytest.approx(sum(tpo))
    assert result.options["catalog_licensing"].total_cost == pytest.approx(sum(catalog))
    behind = [m for m in range(horizon) if np.cumsum(tpo)[m] > np.cumsum(catalog)[m] + 1e-9]
    expected = None if behind and behind[-1] == horizon - 1 else (behind[-1] + 2 if behind else 1)
    assert result.crossing_month == expected


def test_payback_and_npv_match_algebra_for_a_steady_team() -> None:
    n, h = 80, 36
    v = values()
    rate, hours = v["loaded_hourly_rate_onshore_manager"], v["mgmt_hours_per_fte_month_informal"]
    result = break_even(steady(n), simulations=0, sensitivity=False)
    today = np.full(h, hours * rate * n)
    w = live(h)
    tpo = (
        v["tpo_retainer_base_monthly"]
        + v["tpo_fee_per_fte_tier1"] * n
        + hours * rate * n * ((1 - w) + w * tpo_share(v))
    )
    tpo[0] += v["tpo_setup_fee"]
    behind = np.flatnonzero(np.cumsum(tpo) > np.cumsum(today))
    assert result.options["tpo"].payback_month == int(behind[-1]) + 2
    assert result.options["tpo"].cash_payback_month is None  # today's practice costs no cash
    months = np.arange(1, h + 1)
    npv = float(np.sum((today - tpo) / (1 + v["discount_rate_annual"]) ** (months / 12)))
    assert result.options["tpo"].npv == pytest.approx(npv)
    assert result.current_practice == CURRENT_PRACTICE


def test_current_training_and_compliance_change_the_costs() -> None:
    base = break_even(steady(60), simulations=0, sensitivity=False)
    on_lms = break_even(
        steady(60, "current_training: lms_only\n"), simulations=0, sensitivity=False
    )
    regulated = break_even(
        steady(60, "compliance_domains: [healthcare]\n"), simulations=0, sensitivity=False
    )
    v = values()
    # the LMS already in place carries no implementation fee
    assert on_lms.current_practice == "lms_only"
    assert on_lms.options["lms_only"].is_current_practice
    assert base.options["lms_only"].total_cost - on_lms.options["lms_only"].total_cost == (
        pytest.approx(v["lms_implementation_fee"])
    )
    # a regulated domain adds exposure * gap share per FTE-month, less for TPO than for catalog
    lines = {o: {ln.key: ln.total for ln in regulated.options[o].lines} for o in OPTIONS}
    monthly = 60 * v["compliance_exposure_per_fte_year"] / 12
    assert lines["catalog_licensing"]["compliance_gap"] == pytest.approx(
        36 * monthly * v["compliance_gap_share_catalog_licensing"]
    )
    w = live(36)
    assert lines["tpo"]["compliance_gap"] == pytest.approx(
        monthly * ((1 - w) + w * tpo_share(v, "gap")).sum()
    )
    assert "compliance_gap" not in {ln.key for ln in base.options["tpo"].lines}
    assert regulated.break_even_fte < base.break_even_fte


def test_internal_trainers_come_in_whole_steps() -> None:
    v = values()
    per = v["internal_ld_fte_per_trainer"]
    below = break_even(steady(int(per)), simulations=0, sensitivity=False)
    above = break_even(steady(int(per) + 1), simulations=0, sensitivity=False)
    cost = v["internal_ld_trainer_monthly_cost"] * 36
    assert line(below, "internal_ld", "trainers") == pytest.approx(cost)
    assert line(above, "internal_ld", "trainers") == pytest.approx(2 * cost)


def line(result: object, option: str, key: str) -> float:
    costs = result.options.get(option) or result.current_practice_costs  # type: ignore[attr-defined]
    return next(ln.total for ln in costs.lines if ln.key == key)


def test_existing_internal_staff_are_not_recruited_again() -> None:
    profile = steady(120, "current_training: internal_ld\ninternal_ld_staff: 2\n")
    v = values()
    result = break_even(profile, simulations=0, sensitivity=False)
    trainers = math.ceil(120 / v["internal_ld_fte_per_trainer"])
    expected = (trainers - 2) * v["internal_ld_recruiting_cost_per_trainer"]
    assert line(result, "internal_ld", "trainer_recruiting") == pytest.approx(expected)
    assert "lms_implementation" not in {ln.key for ln in result.options["internal_ld"].lines}


def test_todays_internal_ld_team_costs_the_staff_the_prospect_has() -> None:
    profile = steady(2000, "current_training: internal_ld\ninternal_ld_staff: 5\n")
    v = values()
    result = break_even(profile, simulations=0, sensitivity=False)
    today = result.current_practice_costs
    assert result.current_practice == CURRENT_PRACTICE and "team of 5" in today.label
    assert line(result, CURRENT_PRACTICE, "trainers") == pytest.approx(
        5 * v["internal_ld_trainer_monthly_cost"] * 36
    )
    # the 1,750 FTE the five trainers cannot cover are trained informally
    covered = 5 * v["internal_ld_fte_per_trainer"]
    rate, hours = v["loaded_hourly_rate_onshore_manager"], v["mgmt_hours_per_fte_month_informal"]
    mgmt = 36 * hours * rate * (covered * v["mgmt_residual_share_internal_ld"] + 2000 - covered)
    assert line(result, CURRENT_PRACTICE, "management_time") == pytest.approx(mgmt)
    # growing the team is the internal_ld option, costed apart with 40 trainers
    assert line(result, "internal_ld", "trainers") == pytest.approx(
        40 * v["internal_ld_trainer_monthly_cost"] * 36
    )


def test_no_crossing_gives_null_with_a_reason() -> None:
    pricey = {f"tpo_fee_per_fte_tier{i}": 300.0 for i in (1, 2, 3)}
    never = break_even(steady(50), simulations=0, sensitivity=False, overrides=pricey)
    assert never.break_even_fte is None
    assert "stays cheaper" in never.break_even_reason
    growing = break_even(
        steady(50, "growth: {hires_per_quarter: 30}\n"), simulations=0, sensitivity=False
    )
    assert growing.break_even_fte is None
    assert "from 1 FTE up" in growing.break_even_reason
    assert growing.to_dict()["break_even_reason"] == growing.break_even_reason


def test_profile_overrides_and_call_overrides_apply_by_name() -> None:
    by_profile = break_even(
        steady(50, "assumptions:\n  tpo_retainer_base_monthly: 9000\n"),
        simulations=0,
        sensitivity=False,
    )
    by_call = break_even(
        steady(50), simulations=0, sensitivity=False, overrides={"tpo_retainer_base_monthly": 9000}
    )
    assert by_profile.break_even_fte == pytest.approx(by_call.break_even_fte)
    entry = by_profile.assumptions["tpo_retainer_base_monthly"]
    assert entry.value == 9000 and entry.source == "profile override"


def test_unknown_override_names_are_input_errors() -> None:
    with pytest.raises(InputError, match=r"tpo_retainer_bas.*did you mean"):
        break_even(steady(), simulations=0, overrides={"tpo_retainer_bas": 1.0})


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"horizon_months": 0}, "horizon_months"),
        ({"horizon_months": 500}, "horizon_months"),
        ({"simulations": -1}, "simulations"),
        ({"seed": -3}, "seed"),
    ],
)
def test_bad_arguments_are_input_errors(kwargs: dict[str, int], where: str) -> None:
    with pytest.raises(InputError) as info:
        break_even(steady(), **kwargs)
    assert info.value.problems[0].where == where


def test_every_assumption_is_documented() -> None:
    table = default_assumptions()
    assert "loaded_hourly_rate_onshore_manager" in table
    for name, a in table.items():
        assert a.unit.strip(), name
        assert a.low <= a.value <= a.high, name
        assert a.source.strip(), name
        if a.is_assumption:
            assert len(a.rationale) > 20, name
        assert a.description.strip() and a.group.strip(), name


def test_every_assumption_is_used_by_the_model() -> None:
    """Changing any assumption changes some output (no dead entries in the data file)."""
    profile = steady(
        300,
        "growth: {hires_per_quarter: 12, annual_attrition: 0.2}\ncompliance_domains: [payments]\n",
    )
    base = break_even(profile, simulations=0, sensitivity=False).to_dict()
    for name, a in default_assumptions().items():
        other = a.high if a.high != a.value else a.low
        changed = break_even(profile, simulations=0, sensitivity=False, overrides={name: other})
        fingerprint = changed.to_dict()
        assert (
            fingerprint["options"] != base["options"]
            or fingerprint["break_even_fte_steady_team"] != base["break_even_fte_steady_team"]
        ), name


def test_to_dict_has_the_documented_keys() -> None:
    d = break_even(steady(), simulations=200, seed=3).to_dict()
    for key in (
        "break_even_fte",
        "break_even_reason",
        "break_even_by_option",
        "crossing_month",
        "horizon_months",
        "team_fte_now",
        "team_fte_end",
        "options",
        "cheapest_option",
        "cheapest_option_cash",
        "break_even_fte_cash",
        "conservative",
        "quoted_break_even",
        "notes",
        "probability_tpo_cheaper",
        "monte_carlo",
        "sensitivity",
        "assumptions",
    ):
        assert key in d, key
    assert set(d["options"]) == set(OPTIONS)
    assert set(d["break_even_by_option"]) == set(OPTIONS) - {"tpo"}
    for option in d["options"].values():
        assert {"total_cost", "cash_cost", "imputed_cost", "npv", "payback_month"} <= set(option)
        assert option["total_cost"] == pytest.approx(option["cash_cost"] + option["imputed_cost"])
        assert sum(option["cash_lines"].values()) == pytest.approx(option["cash_cost"])
        assert sum(option["imputed_lines"].values()) == pytest.approx(option["imputed_cost"])
    assert [v["imputed_share"] for v in d["conservative"]] == [0.0, 0.5, 1.0]
    assert d["discounted"] is False
    for a in d["assumptions"].values():
        assert {"value", "unit", "range", "source", "rationale"} <= set(a)
    row = d["sensitivity"][0]
    assert {"name", "low_value", "high_value", "break_even_at_low", "break_even_at_high", "swing"}
    assert {"name", "low_value", "high_value", "break_even_at_low", "swing"} <= set(row)
    assert d["monte_carlo"]["n"] == 200 and d["monte_carlo"]["seed"] == 3


def test_frames_are_small_enough_to_chart() -> None:
    result = break_even(
        steady(50, "growth: {hires_per_quarter: 20, annual_attrition: 0.3}\n"), simulations=3000
    )
    for frame in (
        result.monthly_costs,
        result.cumulative_costs,
        result.cost_vs_fte,
        result.cost_breakdown,
        result.monte_carlo_histogram,
    ):
        assert frame is not None and 0 < len(frame) < 5000
    # the breakdown adds up to the totals
    sums = result.cost_breakdown.groupby("option")["total_cost"].sum()
    for option in OPTIONS:
        assert sums[option] == pytest.approx(result.options[option].total_cost)
    assert len(result.monte_carlo_draws) == 3000


def test_what_would_have_to_be_true_thresholds_balance_the_costs() -> None:
    profile = steady(70, "growth: {hires_per_quarter: 3, annual_attrition: 0.1}\n")
    thresholds = {t.name: t for t in what_would_have_to_be_true(profile)}
    base = values()

    def saving(overrides: dict[str, float]) -> float:
        r = break_even(profile, simulations=0, sensitivity=False, overrides=overrides)
        return r.options["catalog_licensing"].total_cost - r.options["tpo"].total_cost

    fee = thresholds["tpo_fee_per_fte_tier1"]
    scale = fee.break_even_value / base["tpo_fee_per_fte_tier1"]
    tiers = {
        f"tpo_fee_per_fte_tier{i}": base[f"tpo_fee_per_fte_tier{i}"] * scale for i in (1, 2, 3)
    }
    assert saving(tiers) == pytest.approx(0, abs=1e-3)
    retainer = thresholds["tpo_retainer_base_monthly"]
    assert saving({"tpo_retainer_base_monthly": retainer.break_even_value}) == pytest.approx(
        0, abs=1e-3
    )
    hours = thresholds["mgmt_hours_per_fte_month_informal"]
    assert saving({"mgmt_hours_per_fte_month_informal": hours.break_even_value}) == pytest.approx(
        0, abs=1e-3
    )
    team = thresholds["team_fte"]
    assert team.break_even_value == pytest.approx(
        break_even(profile, simulations=0, sensitivity=False).break_even_fte
    )
    assert team.current_value == 70


def test_the_no_break_even_reason_reads_as_a_sentence() -> None:
    """The growing sample prospect: TPO is cheaper from the first FTE; the reason names the
    other option in lower case mid-sentence and keeps TPO's capitals."""
    from tests.conftest import SAMPLES
    from tpo_scoping.profile import load_profile

    sample = load_profile(SAMPLES / "growing_healthcare" / "profile.yaml")
    result = break_even(sample, simulations=0, sensitivity=False).to_dict()
    assert result["break_even_fte"] is None
    assert result["break_even_reason"] == (
        "TPO (managed training) costs no more than catalog licensing over the horizon at every"
        " starting team size, from 1 FTE up, so there is no break-even to reach"
    )
