"""Fit verdict: the sample prospects, the seed's criteria, and the three failure modes."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES
from tests.needs_fixtures import gap, needs_with
from tpo_scoping.profile import load_profile, parse_profile
from tpo_scoping.synthetic import SCENARIOS
from tpo_scoping.verdict import fit_verdict
from tpo_scoping.verdict.risks import failure_mode_risks

READY = "readiness: {kpis_defined: true, processes_stable: true,"
READY += " named_accountable_person: true, offshore_integrated: true}\n"


def _profile(fte: int, hires: float = 0, domains: str = "[general]", extra: str = "") -> object:
    return parse_profile(
        f"prospect: Test\nsites: [{{country: PH, fte: {fte}}}]\n"
        f"growth: {{hires_per_quarter: {hires}, annual_attrition: 0.2}}\n"
        f"compliance_domains: {domains}\n{READY}{extra}"
    )


@pytest.fixture(scope="module")
def sample_results() -> dict[str, tuple[object, object, object]]:
    from tpo_scoping.economics import break_even
    from tpo_scoping.scope import analyse, load_data

    out = {}
    for key in SCENARIOS:
        profile = load_profile(SAMPLES / key / "profile.yaml")
        needs = analyse(load_data(None, profile), profile, None)
        out[key] = (profile, break_even(profile, simulations=0, sensitivity=False), needs)
    return out


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_each_sample_gets_its_expected_verdict_with_reasons(sample_results, key: str) -> None:
    profile, economics, needs = sample_results[key]
    expected = SCENARIOS[key].expected_fit
    for verdict in (fit_verdict(profile), fit_verdict(profile, economics, needs)):
        assert verdict.recommendation == expected, verdict.reasons
        assert verdict.reasons and all(r.strip() for r in verdict.reasons)
        assert verdict.headline.endswith(".") and ". " not in verdict.headline[:-1]
        assert {"scale", "scaling", "compliance", "no_ld", "small_simple"} <= {
            c.key for c in verdict.criteria
        }


def test_tpo_reasons_cite_the_criteria_that_hold(sample_results) -> None:
    profile, economics, needs = sample_results["growing_healthcare"]
    verdict = fit_verdict(profile, economics, needs)
    text = " ".join(verdict.reasons)
    assert "hiring 20 a quarter" in text and "HIPAA" in text and "no internal L&D staff" in text
    met = {c.key for c in verdict.criteria if c.met}
    assert {"scale", "scaling", "compliance", "no_ld"} <= met


def test_fifty_fte_threshold_and_premature_threshold() -> None:
    assert fit_verdict(_profile(60, 12)).recommendation == "tpo"
    assert fit_verdict(_profile(60, 0, extra="internal_ld_staff: 2\n")).recommendation != "tpo"
    assert fit_verdict(_profile(15)).recommendation == "catalog_licensing"
    # Onboarding fast in a regulated domain from 25 FTE reaches 50 within the year.
    assert fit_verdict(_profile(25, 15, "[healthcare]")).recommendation == "tpo"


def test_scale_on_the_growth_path_needs_the_cumulative_cost_to_cross() -> None:
    from tpo_scoping.economics import break_even

    profile = _profile(30, 12)
    economics = break_even(profile, simulations=0, sensitivity=False)
    scale = fit_verdict(profile, economics).criteria[0]
    assert scale.met is (economics.crossing_month is not None)
    if economics.crossing_month is not None:
        assert f"month {economics.crossing_month}" in scale.detail


def test_custom_course_development_for_stable_mid_size_team_with_specific_gaps() -> None:
    profile = _profile(35, 2, extra="internal_ld_staff: 1\n")
    needs = needs_with(
        [gap("claims_coding", "Manila", -12, 0.001), gap("escalations", "Manila", -8, 0.001)]
    )
    verdict = fit_verdict(profile, None, needs)
    assert verdict.recommendation == "custom_course_development"
    assert "claims coding" in verdict.headline
    # The same team with no material gap: catalog content is enough.
    noise = needs_with(
        [gap("claims_coding", "Manila", -3, 0.001), gap("escalations", "Manila", -9, 0.4)]
    )
    assert fit_verdict(profile, None, noise).recommendation == "catalog_licensing"
    # A fast-growing team with the same gaps is a managed-service case instead.
    assert fit_verdict(_profile(35, 20), None, needs).recommendation == "tpo"


def test_small_team_with_complex_needs_is_custom_not_catalog() -> None:
    profile = _profile(15, 1, "[healthcare]")
    needs = needs_with([gap("hipaa_privacy", "Manila", -14, 0.001)])
    assert fit_verdict(profile, None, needs).recommendation == "custom_course_development"


def test_material_gaps_rules() -> None:
    rows = [
        gap("a", "X", -6, 0.01),  # counts: 6 points, significant
        gap("b", "X", -4, 0.001),  # too small
        gap("c", "X", -9, 0.2),  # not significant
        gap("d", "Y", mean=62.0, gap=18.0, ci_high=66.0),  # far below target, clearly
        gap("e", "Y", mean=62.0, gap=18.0, ci_high=81.0),  # far below, but the interval reaches it
    ]
    found = {g.competency: g.points for g in needs_with(rows).material_gaps(5)}
    assert found == {"a": 6, "d": 18}


@pytest.mark.parametrize(
    ("flag", "risk"),
    [
        ("named_accountable_person", "no_accountable_person"),
        ("kpis_defined", "kpis_not_set"),
        ("offshore_integrated", "integration_problem"),
    ],
)
def test_each_failure_mode_raises_its_risk(flag: str, risk: str) -> None:
    good = _profile(80, 20, "[healthcare]")
    bad = good.model_copy(update={"readiness": good.readiness.model_copy(update={flag: False})})
    risks_good = {r.key: r for r in fit_verdict(good).risks}
    risks_bad = {r.key: r for r in fit_verdict(bad).risks}
    assert risks_good[risk].severity == "low"
    assert risks_bad[risk].severity == "high"
    assert risks_bad[risk].failure_mode and risks_bad[risk].mitigation
    others = {k for k, r in risks_bad.items() if r.severity == "high" and r.failure_mode}
    assert others == {risk}
    # The raised risk now heads the list; the rest keep their order.
    listed = [r.key for r in fit_verdict(bad).risks]
    assert listed[0] == risk
    assert [k for k in listed if k != risk] == [
        r.key for r in fit_verdict(good).risks if r.key != risk
    ]


def test_not_ready_when_kpis_or_processes_missing_even_at_scale() -> None:
    big = _profile(200, 20, "[payments]")
    for flag in ("kpis_defined", "processes_stable"):
        p = big.model_copy(update={"readiness": big.readiness.model_copy(update={flag: False})})
        verdict = fit_verdict(p)
        assert verdict.recommendation == "not_ready"
        assert verdict.interim and "catalog" in verdict.interim
        assert any("likely fit" in r for r in verdict.reasons)


def test_undetectable_kpis_raise_kpi_risk_to_medium() -> None:
    from tpo_scoping.kpis import draft_kpis

    profile = _profile(20, 3)
    kpis = draft_kpis(profile)
    assert any(k.detectable is False for k in kpis)
    risk = {r.key: r for r in fit_verdict(profile, kpis=kpis).risks}["kpis_not_set"]
    assert risk.severity == "medium"
    assert "too small to detect month by month" in risk.risk


def _kpi(name: str, default: bool, detectable: bool | None, cadence: str = "monthly") -> object:
    from types import SimpleNamespace

    return SimpleNamespace(
        name=name, baseline_is_default=default, detectable=detectable, cadence=cadence
    )


def _draft(kpis: list[object]) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(kpis=kpis)


@pytest.mark.parametrize("cadence", ["monthly", "quarterly"])
def test_kpi_risk_names_the_kpis_and_says_why(cadence: str) -> None:
    names = ["Ramp time", "90-day retention", "CSAT", "Error rate", "Productivity", "NPS", "AHT"]
    kpis = [
        _kpi(n, default=i < 2, detectable=i % 2 == 0, cadence=cadence) for i, n in enumerate(names)
    ]
    risk = {r.key: r for r in failure_mode_risks(_profile(60, 12), _draft(kpis), True)}[
        "kpis_not_set"
    ]
    text = risk.risk
    assert risk.severity == "medium"
    defaults, hidden = text.split("; ")[:2]
    assert defaults.startswith("2 of 7 drafted KPIs (Ramp time, 90-day retention) rest on default")
    period = "quarter by quarter" if cadence == "quarterly" else "month by month"
    # Items 1, 3, 5 are undetectable: all three named, the names after the first in lower case
    # except acronyms.
    assert hidden == (
        f"3 of 7 (90-day retention, error rate, NPS) have targets too small to detect {period}"
        " at this team size"
    )


def test_kpi_risk_says_all_when_every_kpi_is_concerned_and_counts_past_five() -> None:
    kpis = [_kpi(f"Kpi {i}", default=True, detectable=i > 5) for i in range(8)]
    text = {r.key: r for r in failure_mode_risks(_profile(60, 12), _draft(kpis), True)}[
        "kpis_not_set"
    ].risk
    assert text.startswith("All 8 drafted KPIs rest on default baselines")
    assert "6 of 8 (Kpi 0, kpi 1, kpi 2, kpi 3 and 2 more) have targets" in text
    clean = [_kpi("Ramp time", default=False, detectable=True)]
    text = {r.key: r for r in failure_mode_risks(_profile(60, 12), _draft(clean), True)}[
        "kpis_not_set"
    ].risk
    assert text.startswith("KPIs exist")


def test_to_dict_has_the_json_keys() -> None:
    data = fit_verdict(_profile(60, 12)).to_dict()
    assert {"recommendation", "headline", "reasons", "risks"} <= set(data)
    assert all({"risk", "severity", "mitigation"} <= set(r) for r in data["risks"])


def test_headline_never_claims_a_crossing_the_plan_does_not_reach(sample_results) -> None:
    for profile, economics, needs in sample_results.values():
        verdict = fit_verdict(profile, economics, needs)
        if "by month" in verdict.headline:
            assert f"by month {economics.crossing_month}" in verdict.headline
        assert "past the break-even" not in verdict.headline
