"""KPI drafts: target rule, milestones, detectability against hand computation, baselines."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from tests.conftest import SAMPLES
from tpo_scoping.errors import InputError
from tpo_scoping.kpis import (
    CORE_KPIS,
    Baseline,
    cohens_h,
    draft_kpis,
    min_detectable_change,
    required_n_per_group,
)
from tpo_scoping.profile import load_profile, parse_profile


def _measured(
    value: float, best: float | None = None, n_per_month: float | None = None
) -> Baseline:
    """A baseline as the prospect's data would give it."""
    return Baseline(value, "prospect data", True, best_quartile=best, n_per_month=n_per_month)


def _profile(fte: int = 60, hires: float = 15) -> object:
    return parse_profile(
        f"prospect: T\nsites: [{{country: PH, fte: {fte}}}]\n"
        f"growth: {{hires_per_quarter: {hires}, annual_attrition: 0.3}}"
    )


# -- detectability: the hand-computed two-proportion case ------------------------------------
# We use Cohen's h with statsmodels' NormalIndPower. By hand, for 0.80 -> 0.90, two-sided
# alpha = 0.05, power 0.8:  h = 2 asin(sqrt(.9)) - 2 asin(sqrt(.8)) = 0.28373,
# n = 2 ((z_.975 + z_.8) / h)^2 = 194.9 per group; the classical pooled-variance formula
# n = (z_a sqrt(2 pbar qbar) + z_b sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2 gives 198.97.


def test_required_n_matches_cohens_h_by_hand() -> None:
    za, zb = norm.ppf(0.975), norm.ppf(0.8)
    h = 2 * math.asin(math.sqrt(0.9)) - 2 * math.asin(math.sqrt(0.8))
    assert cohens_h(0.8, 0.9) == pytest.approx(h, rel=1e-12)
    by_hand = 2 * ((za + zb) / h) ** 2
    n = required_n_per_group(0.80, 0.90)
    assert by_hand == pytest.approx(194.9, abs=0.1)
    assert n == pytest.approx(by_hand, rel=0.005)
    assert math.ceil(n) == 195


def test_required_n_close_to_classical_pooled_formula() -> None:
    za, zb = norm.ppf(0.975), norm.ppf(0.8)
    p1, p2 = 0.8, 0.9
    pbar = (p1 + p2) / 2
    classical = (
        za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / (p2 - p1) ** 2
    assert classical == pytest.approx(199.0, abs=0.1)
    assert required_n_per_group(p1, p2) == pytest.approx(classical, rel=0.03)


def test_min_detectable_change_inverts_required_n() -> None:
    n = required_n_per_group(0.80, 0.90)
    assert min_detectable_change(0.80, n) == pytest.approx(0.10, abs=1e-4)
    # lower is better: the MDC moves downwards, by the same h
    down = min_detectable_change(0.20, n, direction="lower")
    assert cohens_h(0.20 - down, 0.20) == pytest.approx(cohens_h(0.80, 0.90), rel=1e-4)
    # no proportion beyond 1 exists: tiny samples cannot detect anything upward from 0.95
    assert min_detectable_change(0.95, 5) is None
    assert min_detectable_change(0.5, 1) is None


def test_mean_mdc_is_cohens_d_times_sd() -> None:
    za, zb = norm.ppf(0.975), norm.ppf(0.8)
    n, sd = 200, 4.0
    approx = (za + zb) * math.sqrt(2 / n) * sd  # normal approximation of the t-test
    mdc = min_detectable_change(50.0, n, kind="mean", sd=sd)
    assert mdc == pytest.approx(approx, rel=0.01)
    assert mdc > approx  # the t distribution has heavier tails


# -- the target rule ---------------------------------------------------------------------------


def test_target_closes_ambition_share_of_gap_to_best_quartile() -> None:
    base = {"assessment_pass_rate": _measured(0.70, 0.90)}
    for ambition, expected in ((0.0, 0.70), (0.5, 0.80), (0.25, 0.75)):
        kpi = draft_kpis(_profile(), baselines=base, ambition=ambition).get("assessment_pass_rate")
        assert kpi.target == pytest.approx(expected)
        assert not kpi.baseline_is_default


def test_target_is_bounded_by_benchmarks() -> None:
    base = {"assessment_pass_rate": _measured(0.90, 1.0)}
    kpi = draft_kpis(_profile(), baselines=base, ambition=1.0).get("assessment_pass_rate")
    assert kpi.target == pytest.approx(0.98)  # packaged upper bound
    assert "bounded" in kpi.target_rule
    coverage = {"compliance_coverage": _measured(0.60)}
    kpi = draft_kpis(_profile(), baselines=coverage, ambition=0.2).get("compliance_coverage")
    assert kpi.target == pytest.approx(0.95)  # below 95 % is not defensible for required training


def test_lower_is_better_and_hold() -> None:
    base = {
        "ramp_time": _measured(20.0, 12.0),
        "retention_90d": _measured(0.96, 0.90),
    }
    draft = draft_kpis(_profile(), baselines=base)
    assert draft.get("ramp_time").target == pytest.approx(16.0)
    retention = draft.get("retention_90d")
    assert retention.target == pytest.approx(0.96) and retention.detectable is None


def test_milestones_lag_then_saturate_to_target() -> None:
    draft = draft_kpis(_profile(), baselines={"retention_90d": _measured(0.8, 0.9)})
    kpi = draft.get("retention_90d")
    days = [m.day for m in kpi.milestones]
    values = [m.value for m in kpi.milestones]
    assert days == [30, 60, 90, 180, 365]
    assert values[:3] == [0.8, 0.8, 0.8]  # 90-day retention cannot move before day 90
    assert values[-1] == pytest.approx(kpi.target)
    assert all(b >= a for a, b in itertools.pairwise(values))
    pass_rate = draft.get("assessment_pass_rate")
    steps = [m.value - pass_rate.baseline for m in pass_rate.milestones]
    assert steps[0] > 0 and steps[1] - steps[0] > (steps[-1] - steps[-2]) / 185 * 30


def test_small_team_targets_flagged_with_a_remedy() -> None:
    base = {"assessment_pass_rate": _measured(0.70, 0.90, 40)}
    kpi = draft_kpis(_profile(), baselines=base).get("assessment_pass_rate")
    assert kpi.detectable is False
    assert kpi.periods_to_detect == math.ceil(required_n_per_group(0.7, 0.8) / 40)
    assert f"pool {kpi.periods_to_detect} months" in kpi.detectability_note
    # when even two years of pooling fall short, it is reported only, with a practical remedy
    few = {"assessment_pass_rate": _measured(0.70, 0.90, 5)}
    kpi = draft_kpis(_profile(), baselines=few).get("assessment_pass_rate")
    assert kpi.periods_to_detect is None and kpi.report_only
    assert "Report only at this team size" in kpi.detectability_note
    assert "2 years of this team's data (about 120 per group)" in kpi.detectability_note
    assert "mean assessment score" in kpi.detectability_note  # the more sensitive metric
    big = {"assessment_pass_rate": _measured(0.70, 0.90, 400)}
    kpi = draft_kpis(_profile(), baselines=big).get("assessment_pass_rate")
    assert kpi.detectable is True
    assert kpi.min_detectable_change == pytest.approx(min_detectable_change(0.7, 400))


def test_quarterly_cadence_pools_hires_but_not_census() -> None:
    monthly = draft_kpis(_profile(hires=15), cadence="monthly")
    quarterly = draft_kpis(_profile(hires=15), cadence="quarterly")
    assert monthly.get("retention_90d").n_per_period == pytest.approx(5)
    assert quarterly.get("retention_90d").n_per_period == pytest.approx(15)
    assert quarterly.get("compliance_coverage").n_per_period == 60  # the same 60 people


def test_without_data_every_core_kpi_uses_a_marked_default() -> None:
    draft = draft_kpis(_profile())
    assert [k.key for k in draft.kpis] == list(CORE_KPIS)
    for k in draft.kpis:
        assert k.baseline_is_default and k.baseline_source.startswith("default:")
    retention = draft.get("retention_90d")
    assert retention.baseline == pytest.approx((1 - 0.3 / 12) ** (90 / (365.25 / 12)))
    assert any("default" in n for n in draft.notes)


def test_bad_settings_are_input_errors() -> None:
    with pytest.raises(InputError, match="ambition"):
        draft_kpis(_profile(), ambition=1.5)
    with pytest.raises(InputError, match="cadence"):
        draft_kpis(_profile(), cadence="weekly")  # type: ignore[arg-type]


def test_baselines_from_real_needs_result() -> None:
    from tpo_scoping.scope import analyse, load_data

    profile = load_profile(SAMPLES / "growing_healthcare" / "profile.yaml")
    needs = analyse(load_data(None, profile), profile, None)
    draft = draft_kpis(profile, needs)
    keys = [k.key for k in draft.kpis]
    assert keys[:5] == list(CORE_KPIS)
    assert {"productivity", "error_rate", "csat"} <= set(keys)
    retention = draft.get("retention_90d")
    assert not retention.baseline_is_default
    assert retention.baseline == pytest.approx(needs.baseline_value("retention_90d"))
    assert retention.baseline_ci is not None
    productivity = draft.get("productivity")
    assert productivity.best_quartile == pytest.approx(needs.baseline["productivity"].best_quartile)
    assert productivity.baseline < productivity.target < productivity.best_quartile
    # Two sites are too few for a quartile: the sourced benchmark is used, and marked
    assert retention.best_quartile_source.startswith("default:")
    assert retention.best_quartile > retention.baseline


def test_a_target_is_never_worse_than_its_baseline() -> None:
    # 100 % retention is past the 98 % plausible ceiling: the target holds it, never lowers it
    base = {"retention_90d": _measured(1.0, 1.0), "ramp_time": _measured(3.0, 2.0)}
    draft = draft_kpis(_profile(), baselines=base, ambition=1.0)
    retention = draft.get("retention_90d")
    assert retention.target == pytest.approx(1.0)
    assert all(m.value == pytest.approx(1.0) for m in retention.milestones)
    assert "hold" in retention.target_rule


@settings(max_examples=150, deadline=None)
@given(
    value=st.floats(0.0, 1.0),
    best=st.floats(0.0, 1.0),
    ambition=st.floats(0.0, 1.0),
    key=st.sampled_from(["retention_90d", "assessment_pass_rate", "compliance_coverage"]),
)
def test_targets_and_milestones_never_move_the_wrong_way(value, best, ambition, key) -> None:
    draft = draft_kpis(_profile(), baselines={key: _measured(value, best)}, ambition=ambition)
    kpi = draft.get(key)
    assert kpi.target >= kpi.baseline - 1e-12
    values = [m.value for m in kpi.milestones]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise([kpi.baseline, *values]))


def test_a_fifty_fte_team_is_never_asked_for_a_cohort_it_cannot_have() -> None:
    draft = draft_kpis(_profile(fte=50, hires=5))
    for kpi in draft.kpis:
        if kpi.report_only:
            assert "Report only at this team size" in kpi.detectability_note
            assert "cohort of at least" not in kpi.detectability_note
        if kpi.periods_to_detect:
            assert kpi.periods_to_detect <= 24
