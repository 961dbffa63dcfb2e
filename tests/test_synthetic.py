"""Sample prospects: every profile validates, data follows the contract, planted effects exist."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import SAMPLES
from tpo_scoping.data_contract import TABLES, pandera_schema
from tpo_scoping.profile import load_profile
from tpo_scoping.synthetic import SCENARIOS, generate, scaled, write_dataset


def test_at_least_four_samples_span_the_situations() -> None:
    keys = {p.name for p in SAMPLES.iterdir() if (p / "profile.yaml").exists()}
    assert {"small_simple", "growing_healthcare", "large_multicountry", "not_ready"} <= keys
    small = load_profile(SAMPLES / "small_simple" / "profile.yaml")
    assert small.total_fte < 20
    growing = load_profile(SAMPLES / "growing_healthcare" / "profile.yaml")
    assert 10 <= growing.growth.hires_per_quarter <= 30 and growing.regulated
    large = load_profile(SAMPLES / "large_multicountry" / "profile.yaml")
    assert len(large.countries) >= 2
    not_ready = load_profile(SAMPLES / "not_ready" / "profile.yaml")
    assert not not_ready.readiness.kpis_defined and not not_ready.readiness.processes_stable


def test_every_sample_profile_validates(sample_key: str, cli) -> None:
    result = cli("validate", SAMPLES / sample_key / "profile.yaml")
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ")


def test_shipped_samples_match_the_generator(tmp_path: Path, sample_key: str) -> None:
    """The committed files are exactly what the seeded generator writes."""
    planted = yaml.safe_load((SAMPLES / sample_key / "planted.yaml").read_text("utf-8"))
    write_dataset(generate(SCENARIOS[sample_key], seed=planted["seed"]), tmp_path)
    for path in sorted((SAMPLES / sample_key).rglob("*")):
        if path.is_file() and path.name != "README.md":
            fresh = tmp_path / path.relative_to(SAMPLES / sample_key)
            assert fresh.read_bytes() == path.read_bytes(), f"{path} is stale: run make samples"


def test_tables_follow_the_contract(sample_key: str) -> None:
    data = SAMPLES / sample_key / "data"
    for csv in data.glob("*.csv"):
        frame = pd.read_csv(csv, dtype={"employee_id": str})
        spec = TABLES[csv.stem]
        for col in spec.columns:
            if col.kind == "date":
                frame[col.name] = pd.to_datetime(frame[col.name])
        pandera_schema(csv.stem).validate(frame)


def test_profile_fte_is_the_active_headcount(sample_key: str) -> None:
    profile = load_profile(SAMPLES / sample_key / "profile.yaml")
    employees = pd.read_csv(SAMPLES / sample_key / "data" / "employees.csv")
    active = employees[employees["exit_date"].isna()].groupby("site").size()
    assert {s.name: s.fte for s in profile.sites} == active.to_dict()


def test_same_seed_same_data_other_seed_other_data() -> None:
    scenario = SCENARIOS["growing_healthcare"]
    a, b, c = generate(scenario, 1), generate(scenario, 1), generate(scenario, 2)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.tables["assessments"]["score"].equals(c.tables["assessments"]["score"])


@pytest.fixture(scope="module")
def big() -> dict[str, pd.DataFrame]:
    """A scaled-up healthcare prospect, large enough to see the planted effects clearly."""
    scenario = scaled(SCENARIOS["growing_healthcare"], employees=1500, competencies=5, months=24)
    return generate(scenario, seed=11).tables


def test_planted_competency_gap_is_in_the_data(big: dict[str, pd.DataFrame]) -> None:
    scores = big["assessments"].merge(big["employees"][["employee_id", "site"]])
    means = scores.groupby(["site", "competency"])["score"].mean()
    gap = means["Bogota", "hipaa_privacy"] - means["Manila", "hipaa_privacy"]
    others = (means["Bogota"] - means["Manila"]).drop("hipaa_privacy")
    assert gap == pytest.approx(15, abs=2)
    assert others.abs().max() < 2


def test_planted_90_day_retention_is_in_the_data(big: dict[str, pd.DataFrame]) -> None:
    emp = big["employees"]
    as_of = pd.Timestamp(SCENARIOS["growing_healthcare"].as_of)
    old_enough = emp[(as_of - emp["hire_date"]).dt.days >= 90]
    stayed = old_enough["exit_date"].isna() | (
        (old_enough["exit_date"] - old_enough["hire_date"]).dt.days >= 90
    )
    share = stayed.groupby(old_enough["site"]).mean()
    assert share["Manila"] == pytest.approx(0.88, abs=0.03)
    assert share["Bogota"] == pytest.approx(0.70, abs=0.05)


def test_planted_learning_curve_reaches_90_percent_on_time(big: dict[str, pd.DataFrame]) -> None:
    metrics = big["metrics"].query("metric == 'productivity'").merge(big["employees"])
    # People who took the refresher gain its planted points; the onboarding bootcamp does nothing.
    training = big["training"]
    refresher = training[training["course"] == SCENARIOS["growing_healthcare"].impact_course]
    metrics = metrics[~metrics["employee_id"].isin(set(refresher["employee_id"]))]
    weeks = (metrics["period"] - metrics["hire_date"]).dt.days / 7
    role = metrics["role"] == "claims_specialist"
    plateau = metrics.loc[role & (weeks > 80), "value"].mean()
    near_12 = metrics.loc[role & weeks.between(10, 14), "value"].mean()
    assert plateau == pytest.approx(60, rel=0.03)
    assert near_12 / plateau == pytest.approx(0.90, abs=0.03)


def test_planted_training_impact_is_in_the_data(big: dict[str, pd.DataFrame]) -> None:
    m = big["metrics"].query("metric == 'productivity'").merge(big["employees"])
    m = m[(m["period"] - m["hire_date"]).dt.days > 400]
    training = big["training"]
    refresher = training[training["course"] == SCENARIOS["growing_healthcare"].impact_course]
    done = refresher.set_index("employee_id")["completed_on"]
    m["trained_after"] = m["employee_id"].map(done).lt(m["period"])
    effect = m.groupby("trained_after")["value"].mean()
    assert effect[True] - effect[False] == pytest.approx(4, abs=1.5)


def test_onboarding_course_is_taken_by_new_hires_and_leaves_the_other_tables_alone() -> None:
    """The bootcamp is drawn from its own random stream: adding it changes only the training
    table, and every trainee took it 10-200 days after their start, while still employed."""
    from dataclasses import replace

    scenario = SCENARIOS["growing_healthcare"]
    with_it = generate(scenario, seed=9).tables
    without = generate(replace(scenario, onboarding_course=None), seed=9).tables
    for name in ("employees", "assessments", "compliance", "metrics"):
        pd.testing.assert_frame_equal(with_it[name], without[name])
    boot = with_it["training"].query("course == @scenario.onboarding_course")
    boot = boot.merge(with_it["employees"], on="employee_id")
    days = (boot["completed_on"] - boot["hire_date"]).dt.days
    assert days.between(10, 200).all() and len(boot) > 20
    assert (boot["exit_date"].isna() | (boot["completed_on"] <= boot["exit_date"])).all()
    refresher = with_it["training"].query("course == @scenario.impact_course")
    pd.testing.assert_frame_equal(
        refresher.reset_index(drop=True), without["training"].reset_index(drop=True)
    )


def test_lapsed_certificates_exist_at_the_planted_site() -> None:
    comp = pd.read_csv(SAMPLES / "growing_healthcare" / "data" / "compliance.csv")
    assert comp["completed_on"].isna().any(), "some modules were never completed"
    ages = (pd.Timestamp("2026-09-30") - pd.to_datetime(comp["completed_on"])).dt.days
    assert (ages > 365).any(), "some annual modules have lapsed"
    assert np.isfinite(ages.dropna()).all()


def test_every_planted_retention_is_reachable_and_an_unreachable_one_is_refused() -> None:
    from dataclasses import replace

    from tpo_scoping.synthetic import site_hazards

    for scenario in SCENARIOS.values():
        for site in scenario.sites:
            _, h_early = site_hazards(site, scenario.annual_attrition)
            assert h_early >= 0
    site = SCENARIOS["growing_healthcare"].sites[0]
    with pytest.raises(ValueError, match="unreachable"):
        site_hazards(replace(site, retention_90d=0.99), 0.30)
