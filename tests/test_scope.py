"""The scope builder, the engagement plan and chart, and the scope/kpis commands."""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import SAMPLES
from tpo_scoping.plan import engagement_plan
from tpo_scoping.profile import parse_profile

PROFILE = SAMPLES / "small_simple" / "profile.yaml"


def _profile(hires: float = 15) -> object:
    return parse_profile(
        f"prospect: T\nsites: [{{country: PH, fte: 60}}]\ngrowth: {{hires_per_quarter: {hires}}}\n"
        "compliance_domains: [healthcare]"
    )


def test_tpo_plan_follows_the_four_to_six_week_start() -> None:
    plan = engagement_plan(_profile(), "tpo", gaps=["hipaa privacy (Manila)"])
    items = {i.key: i for i in plan.items}
    assert items["needs_analysis"].start_week == 0
    assert items["catalog"].start_week >= items["needs_analysis"].end_week
    assert items["custom_content"].start_week < items["go_live"].start_week  # in parallel
    assert 4 <= plan.go_live_week <= 6
    assert "hipaa privacy (Manila)" in items["catalog"].detail
    waves = [i for i in plan.items if i.kind == "wave"]
    assert waves and waves[0].start_week == plan.go_live_week
    assert "5 new hires" in waves[0].detail  # 15 a quarter in monthly cohorts
    assert len([i for i in plan.items if i.key.startswith("qbr_")]) == 4
    reports = [i for i in plan.items if i.workstream == "Reporting"]
    assert 10 <= len(reports) <= 12  # monthly over the rest of the year
    assert plan.table().shape[0] == len(plan.items)


def test_plans_of_other_verdicts() -> None:
    catalog = engagement_plan(_profile(0), "catalog_licensing")
    assert "custom_content" not in {i.key for i in catalog.items}
    assert not [i for i in catalog.items if i.kind == "wave"]
    ready = engagement_plan(_profile(), "not_ready")
    assert ready.go_live_week is None
    assert {"define_kpis", "stabilise_processes", "rescope"} <= {i.key for i in ready.items}


def test_gantt_chart_spec() -> None:
    from tpo_scoping.charts.scope import plan_gantt_chart

    plan = engagement_plan(_profile(), "tpo")
    spec = plan_gantt_chart(plan).to_dict()
    bars, marks = spec["layer"][0], spec["layer"][1]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x2"]["field"] == "end_week"
    assert marks["mark"]["shape"] == "diamond"
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == len(plan.items)


def test_clauses_are_a_draft_built_from_the_numbers() -> None:
    from tpo_scoping.clauses import draft_clauses
    from tpo_scoping.economics import break_even
    from tpo_scoping.kpis import draft_kpis
    from tpo_scoping.labels import money

    profile = _profile()
    kpis = draft_kpis(profile)
    economics = break_even(profile, simulations=0, sensitivity=False)
    clauses = draft_clauses(profile, kpis, engagement_plan(profile), break_even=economics)
    keys = [c.key for c in clauses.clauses]
    assert keys == [
        "training_requirements",
        "knowledge_transfer",
        "onboarding_support",
        "performance_metrics",
        "reporting",
        "exit_strategy",
        "incentives_credits",
        "accountable_person",
    ]
    assert "DRAFT" in clauses.notice and "legal review" in clauses.status
    text = {c.key: c.text for c in clauses.clauses}
    assert "45 CFR 164.530(b)" in text["training_requirements"]
    # the anti-harassment module is company policy: California's law does not bind Manila staff
    assert "not offshore staff" in text["training_requirements"]
    for k in kpis.kpis:
        assert k.name in text["performance_metrics"]
    # the fee estimate is TPO's cash cost over the horizon; a quarter is three months of it
    quarterly = economics.options["tpo"].cash_cost / economics.horizon_months * 3
    if kpis.detectable:
        assert f"{money(quarterly)} per quarter" in text["incentives_credits"]
        assert money(quarterly * 0.03) in text["incentives_credits"]
    assert "monthly report" in text["reporting"]


def test_bonuses_and_credits_attach_only_to_detectable_kpis() -> None:
    from tpo_scoping.clauses import draft_clauses
    from tpo_scoping.kpis import draft_kpis

    small = _profile(hires=3)
    kpis = draft_kpis(small)
    none_detectable = all(not k.detectable for k in kpis.kpis)
    text = {c.key: c.text for c in draft_clauses(small, kpis).clauses}["incentives_credits"]
    if none_detectable:
        assert "no bonus is payable" in text and "bonus of" not in text
    big = parse_profile(
        "prospect: B\nsites: [{country: PH, fte: 3000}]\n"
        "growth: {hires_per_quarter: 600, annual_attrition: 0.3}\ncompliance_domains: [general]"
    )
    big_kpis = draft_kpis(big)
    assert big_kpis.detectable, "a 3,000-FTE team can detect some KPI change"
    text = {c.key: c.text for c in draft_clauses(big, big_kpis).clauses}["incentives_credits"]
    for k in big_kpis.kpis:
        named = k.name in text.split("Schedule A (", 1)[1].split(")", 1)[0]
        assert named == bool(k.detectable), k.name


def test_with_no_detectable_kpi_the_clause_pays_nothing_and_says_what_would_help() -> None:
    from dataclasses import replace

    from tpo_scoping.clauses import draft_clauses
    from tpo_scoping.kpis import draft_kpis

    profile = _profile()
    kpis = draft_kpis(profile)
    hidden = replace(kpis, kpis=[replace(k, detectable=False) for k in kpis.kpis])
    text = {c.key: c.text for c in draft_clauses(profile, hidden).clauses}["incentives_credits"]
    assert "No KPI in Schedule A is detectable" in text and "no bonus is payable" in text
    assert "revisit" in text


def test_scope_json_has_the_documented_keys(cli) -> None:
    result = cli("scope", PROFILE, "--simulations", "0")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {"fit", "break_even", "needs", "kpis", "plan", "clauses"} <= set(data)
    assert {"recommendation", "headline", "reasons", "risks"} <= set(data["fit"])
    assert data["fit"]["recommendation"] == "catalog_licensing"
    for k in data["kpis"]:
        assert {
            "name",
            "definition",
            "baseline",
            "baseline_source",
            "target",
            "unit",
            "milestones",
            "cadence",
            "min_detectable_change",
            "detectable",
        } <= set(k)
    assert {"break_even_fte", "crossing_month", "options", "cheapest_option"} <= set(
        data["break_even"]
    )


def test_scope_break_even_matches_breakeven_command(cli) -> None:
    pytest.importorskip("tpo_scoping.cli.breakeven")
    scope = json.loads(cli("scope", PROFILE, "--simulations", "0").out)
    breakeven = cli("breakeven", PROFILE, "--format", "json", "--simulations", "0")
    if breakeven.code != 0:
        pytest.skip(f"breakeven command options differ: {breakeven.err.strip()}")
    assert set(json.loads(breakeven.out)) <= set(scope["break_even"])


def test_binary_formats_need_out(cli, tmp_path) -> None:
    result = cli("scope", PROFILE, "--format", "xlsx")
    assert result.code == 2 and "--out" in result.err
    out = tmp_path / "brief.xlsx"
    result = cli("scope", PROFILE, "--format", "xlsx", "--out", out, "--simulations", "0")
    assert result.code == 0 and out.read_bytes()[:2] == b"PK"
    html = tmp_path / "brief.html"
    assert cli("scope", PROFILE, "--format", "html", "--out", html, "--simulations", "0").code == 0
    assert "Catalog licensing" in html.read_text("utf-8")


def test_kpis_command(cli, tmp_path) -> None:
    result = cli("kpis", PROFILE, "--format", "json", "--ambition", "0.8", "--cadence", "quarterly")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["ambition"] == 0.8 and data["cadence"] == "quarterly"
    assert [k["key"] for k in data["kpis"]][:5] == [
        "ramp_time",
        "retention_90d",
        "assessment_pass_rate",
        "compliance_coverage",
        "compliance_on_time",
    ]
    assert cli("kpis", PROFILE, "--ambition", "2").code == 2
    out = tmp_path / "kpis.xlsx"
    assert cli("kpis", PROFILE, "--format", "xlsx", "--out", out).code == 0
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(out.read_bytes()))["KPIs"].max_row == len(data["kpis"]) + 1


def test_bad_profile_is_exit_2(cli, tmp_path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("prospect: X\nsites: []\n")
    result = cli("scope", bad)
    assert result.code == 2 and "sites" in result.err
