"""The needs analysis recovers the effects the seeded generator planted, and agrees with algebra
and with independent implementations (scipy, lifelines)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tpo_scoping.ingest import from_frames
from tpo_scoping.needs import NeedsSettings, analyse_needs
from tpo_scoping.needs.compliance import STATUSES
from tpo_scoping.needs.gaps import holm
from tpo_scoping.needs.ramp import fit_learning_curve, learning_curve, weeks_to_share
from tpo_scoping.needs.retention import (
    durations,
    kaplan_meier,
    logrank_test,
    pool_small_groups,
)
from tpo_scoping.synthetic import SCENARIOS, generate, scaled, site_hazards

SEED = 20261124


@pytest.fixture(scope="module")
def healthcare():
    """Growing healthcare prospect at 400 FTE: big enough for tight intervals, still fast."""
    scenario = scaled(SCENARIOS["growing_healthcare"], employees=400, competencies=5, months=24)
    dataset = generate(scenario, seed=SEED)
    result = analyse_needs(from_frames(dataset.tables), as_of=scenario.as_of)
    return scenario, dataset, result


@pytest.fixture(scope="module")
def multicountry():
    """Large multi-country prospect without the training effect, so ramp is not confounded."""
    base = replace(SCENARIOS["large_multicountry"], impact_course=None)
    scenario = scaled(base, employees=600, competencies=6, months=24)
    dataset = generate(scenario, seed=SEED + 1)
    result = analyse_needs(from_frames(dataset.tables), as_of=scenario.as_of)
    return scenario, dataset, result


# --------------------------------------------------------------------------------------------
# (a) competency gaps


@pytest.mark.parametrize("key", ["healthcare", "multicountry"])
def test_top_need_is_the_planted_gap(key: str, request: pytest.FixtureRequest) -> None:
    scenario, _, result = request.getfixturevalue(key)
    top = result.priorities[0]
    assert top["kind"] == "competency"
    assert (top["site"], top["competency"]) == (scenario.gap_site, scenario.gap_competency)
    assert scenario.gap_site in top["summary"]
    assert top["competency"].replace("_", " ") in top["summary"]
    test = result.site_tests.query(
        "site == @scenario.gap_site and competency == @scenario.gap_competency"
    ).iloc[0]
    # Other sites' planted gap is zero, so the site difference estimates -gap_points.
    assert test["diff"] == pytest.approx(-scenario.gap_points, abs=3)
    assert test["p_adj"] < 0.001 and test["cohens_d"] < -1
    # No other site × competency difference is significant after Holm's correction,
    # apart from the mirror image of the planted one (two sites: the other site is "above").
    others = result.site_tests[
        (result.site_tests["competency"] != scenario.gap_competency)
        & result.site_tests["significant"]
    ]
    assert others.empty


def test_gap_cell_statistics_match_scipy(healthcare) -> None:
    scenario, dataset, result = healthcare
    tables = dataset.tables
    as_of = pd.Timestamp(scenario.as_of)
    emp = tables["employees"]
    active = emp[
        (emp["hire_date"] <= as_of) & (emp["exit_date"].isna() | (emp["exit_date"] > as_of))
    ]
    scores = tables["assessments"].merge(active[["employee_id", "role", "site"]])
    cell = scores[
        (scores["role"] == "team_lead")
        & (scores["site"] == "Bogota")
        & (scores["competency"] == "medical_coding")
    ]["score"]
    row = result.gaps.query(
        "role == 'team_lead' and site == 'Bogota' and competency == 'medical_coding'"
    ).iloc[0]
    low, high = stats.t.interval(0.95, len(cell) - 1, loc=cell.mean(), scale=stats.sem(cell))
    assert row.n == len(cell)
    assert row["mean"] == pytest.approx(cell.mean())
    assert (row.ci_low, row.ci_high) == pytest.approx((low, high))
    assert row["share_below_pass"] == pytest.approx((cell < 70).mean())
    assert row["gap"] == pytest.approx(80 - cell.mean())
    headcount = ((active["role"] == "team_lead") & (active["site"] == "Bogota")).sum()
    expected = max(80 - cell.mean(), 0) * (cell < 70).mean() * headcount * 1.0
    assert row["priority"] == pytest.approx(expected)


def test_site_test_matches_welch(healthcare) -> None:
    scenario, dataset, result = healthcare
    as_of = pd.Timestamp(scenario.as_of)
    emp = dataset.tables["employees"]
    active = emp[
        (emp["hire_date"] <= as_of) & (emp["exit_date"].isna() | (emp["exit_date"] > as_of))
    ]
    scores = dataset.tables["assessments"].merge(active[["employee_id", "site"]])
    comp = scores[scores["competency"] == "hipaa_privacy"]
    manila = comp[comp["site"] == "Manila"]["score"]
    rest = comp[comp["site"] != "Manila"]["score"]
    welch = stats.ttest_ind(manila, rest, equal_var=False)
    row = result.site_tests.query("site == 'Manila' and competency == 'hipaa_privacy'").iloc[0]
    assert row["t"] == pytest.approx(welch.statistic)
    assert row["p"] == pytest.approx(welch.pvalue, rel=1e-6, abs=1e-300)
    pooled = math.sqrt(
        ((len(manila) - 1) * manila.var() + (len(rest) - 1) * rest.var())
        / (len(manila) + len(rest) - 2)
    )
    assert row["cohens_d"] == pytest.approx((manila.mean() - rest.mean()) / pooled)
    # Holm: the adjusted p of the smallest p-value is p × number of tests.
    n_tests = result.site_tests["p_adj"].notna().sum()
    smallest = result.site_tests.sort_values("p").iloc[0]
    assert smallest["p_adj"] == pytest.approx(min(1.0, smallest["p"] * n_tests))


# --------------------------------------------------------------------------------------------
# (b) ramp


def test_weeks_to_share_algebra() -> None:
    tau = 12 / math.log(5)
    weeks = weeks_to_share(60, -30, tau, 0.9, +1)
    assert learning_curve(np.array([weeks]), 60, -30, tau)[0] == pytest.approx(0.9 * 60)
    error_weeks = weeks_to_share(0.02, 0.10, tau, 0.9, -1)
    assert learning_curve(np.array([error_weeks]), 0.02, 0.10, tau)[0] == pytest.approx(0.02 / 0.9)
    assert weeks_to_share(60, 5, tau, 0.9, +1) != weeks_to_share(60, 5, tau, 0.9, +1)  # NaN
    assert weeks_to_share(60, -3, tau, 0.9, +1) == 0.0  # starts within 90 %


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_learning_curve_fit_matches_scipy_curve_fit(seed: int) -> None:
    from scipy.optimize import curve_fit

    rng = np.random.default_rng(seed)
    t = np.arange(1, 100, 2.0)
    n = rng.integers(3, 40, len(t)).astype(float)
    y = learning_curve(t, 50, -22, 9.0) + rng.normal(0, 2.5, len(t)) / np.sqrt(n)
    ours, ours_cov = fit_learning_curve(t, y, n / 6.25)
    theirs, theirs_cov = curve_fit(
        learning_curve, t, y, p0=[45, -20, 5], sigma=2.5 / np.sqrt(n), absolute_sigma=False
    )
    assert ours == pytest.approx(theirs, rel=1e-5)
    assert ours_cov == pytest.approx(theirs_cov, rel=1e-3)


def test_site_tests_are_holm_adjusted(healthcare) -> None:
    """Holm by hand: with p sorted ascending, p_adj(i) = max_{j ≤ i} min(1, (m − j + 1) p(j))."""
    _, _, result = healthcare
    tests = result.site_tests.dropna(subset=["p_adj"])
    p = tests["p"].to_numpy()
    order = np.argsort(p, kind="stable")
    m = len(p)
    expected = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        expected[i] = running
    assert m > 5
    assert tests["p_adj"].to_numpy() == pytest.approx(expected, rel=1e-12)


def test_holm_matches_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(4).uniform(0, 0.2, 25)
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1], rel=1e-12)
    ties = np.array([0.01, 0.01, 0.5, 0.02, 0.9])
    assert holm(ties) == pytest.approx(multipletests(ties, method="holm")[1], rel=1e-12)


def test_ramp_recovers_planted_weeks(multicountry) -> None:
    scenario, _, result = multicountry
    for role in scenario.roles:
        row = result.ramp_for(role.name, "all", "productivity")
        assert row["weeks_to_proficiency"] == pytest.approx(role.weeks_to_proficiency, rel=0.12)
        assert row["ci_low"] < row["weeks_to_proficiency"] < row["ci_high"]
        assert row["n"] > 20


def test_ramp_per_site_for_healthcare(healthcare) -> None:
    scenario, _, result = healthcare
    for role in scenario.roles:
        for site in ("Manila", "Bogota", "all"):
            row = result.ramp_for(role.name, site, "productivity")
            # The planted refresher course lifts tenured productivity a little, so the fitted
            # plateau is late and the weeks are slightly long: allow 15 %.
            assert row["weeks_to_proficiency"] == pytest.approx(role.weeks_to_proficiency, rel=0.15)


def test_learning_curve_data_for_charts(healthcare) -> None:
    _, _, result = healthcare
    curves = result.ramp_curves
    assert {"role", "site", "metric", "tenure_weeks", "observed", "fitted", "n"} <= set(curves)
    assert len(curves) < 5000
    # Bin counts add up to the observations the fit used.
    for _, row in result.ramp.iterrows():
        group = curves[
            (curves["role"] == row["role"])
            & (curves["site"] == row["site"])
            & (curves["metric"] == row["metric"])
        ]
        assert group["n"].sum() == row["n_obs"]


# --------------------------------------------------------------------------------------------
# (c) retention


def test_retention_recovers_the_planted_90_day_survival(healthcare) -> None:
    scenario, _, result = healthcare
    for site in scenario.sites:
        # The generator's hazard model: planted retention_90d, unless the base attrition alone
        # already loses more in 90 days (then S(90) = exp(-90 h_base)).
        h_base, h_early = site_hazards(site, scenario.annual_attrition)
        truth = math.exp(-90 * (h_base + h_early))
        row = result.retention_at(site.name, 90)
        assert row.ci_low <= truth <= row.ci_high, (site.name, truth, row)
        assert row.estimate == pytest.approx(truth, abs=0.05)
    assert result.logrank["p_value"] < 0.001
    assert result.retention_at("Bogota", 90).estimate < result.retention_at("Manila", 90).estimate


def test_kaplan_meier_agrees_with_lifelines(healthcare) -> None:
    lifelines = pytest.importorskip("lifelines")
    scenario, dataset, result = healthcare
    data = durations(dataset.tables["employees"], pd.Timestamp(scenario.as_of))
    for site in ("Manila", "Bogota"):
        subset = data[data["site"] == site]
        ours = kaplan_meier(subset["duration"].to_numpy(), subset["observed"].to_numpy())
        fitter = lifelines.KaplanMeierFitter().fit(subset["duration"], subset["observed"])
        # Our rows are time 0 and every exit time; lifelines has a row per distinct duration.
        table = fitter.event_table
        exit_times = table.index[table["observed"] > 0].to_numpy(dtype=float)
        exits = ours["events"].to_numpy() > 0
        assert np.array_equal(ours["time"].to_numpy()[exits], exit_times)
        assert ours["time"].iloc[0] == 0 and exits[1:].all()
        theirs = fitter.survival_function_.iloc[:, 0].loc[ours["time"]]
        assert np.max(np.abs(ours["survival"].to_numpy() - theirs.to_numpy())) < 1e-6
        bands = fitter.confidence_interval_survival_function_.loc[ours["time"]]
        finite = np.isfinite(ours["ci_low"].to_numpy())
        assert np.array_equal(finite, ours["survival"].to_numpy() < 1)
        assert np.max(np.abs(ours["ci_low"].to_numpy()[finite] - bands.iloc[:, 0][finite])) < 1e-6
        assert np.max(np.abs(ours["ci_high"].to_numpy()[finite] - bands.iloc[:, 1][finite])) < 1e-6
        assert np.array_equal(
            ours["at_risk"].to_numpy()[exits], table.loc[exit_times, "at_risk"].to_numpy()
        )
        for day in (30, 90, 180):
            row = result.retention_at(site, day)
            assert row.estimate == pytest.approx(float(fitter.predict(day)), abs=1e-6)
    from lifelines.statistics import multivariate_logrank_test

    theirs = multivariate_logrank_test(data["duration"], data["site"], data["observed"])
    assert result.logrank["statistic"] == pytest.approx(theirs.test_statistic, abs=1e-6)
    assert result.logrank["p_value"] == pytest.approx(theirs.p_value, abs=1e-6)


def test_logrank_three_groups_agrees_with_lifelines() -> None:
    lifelines = pytest.importorskip("lifelines.statistics")
    rng = np.random.default_rng(5)
    duration = rng.integers(0, 200, 300)
    observed = rng.random(300) < 0.7
    groups = rng.choice(["a", "b", "c"], 300)
    ours = logrank_test(duration, observed, groups)
    theirs = lifelines.multivariate_logrank_test(duration, groups, observed)
    assert ours["df"] == 2
    assert ours["statistic"] == pytest.approx(theirs.test_statistic, abs=1e-6)


def test_censoring_at_as_of() -> None:
    employees = pd.DataFrame(
        {
            "employee_id": ["A", "B", "C", "D"],
            "site": "X",
            "hire_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-06-01"]),
            "exit_date": pd.to_datetime(["2025-01-31", "2025-05-01", None, None]),
        }
    )
    as_of = pd.Timestamp("2025-03-01")
    out = durations(employees, as_of)
    # D is hired after as_of: left out. B leaves after as_of: censored at as_of.
    assert out["employee_id"].tolist() == ["A", "B", "C"]
    assert out["observed"].tolist() == [True, False, False]
    assert out["duration"].tolist() == [30, 59, 59]


def test_retention_rows_and_cohorts(healthcare) -> None:
    _, _, result = healthcare
    frame = result.retention
    assert {"all", "Manila", "Bogota"} <= set(frame["site"])
    cohorts = frame[frame["cohort"] != "all"]
    assert not cohorts.empty and (cohorts["site"] == "all").all()
    # Each cohort's n adds up to the whole team's.
    n_all = result.retention_at("all", 30).n
    assert cohorts[cohorts["day"] == 30]["n"].sum() == n_all
    # Too-recent cohorts have nobody followed up to 180 days: no estimate, not a made-up one.
    late = cohorts[(cohorts["day"] == 180) & (cohorts["at_risk"] == 0)]
    assert late["estimate"].isna().all()


def _sites_by_state(seed: int) -> dict[str, pd.DataFrame]:
    """Sites keyed by US state, as some HR exports have them: 3 of 28 sites hold almost everyone,
    25 hold one person each; one of those 25 left on day 3 (the leaver that drove p = 9e-6)."""
    rng = np.random.default_rng(seed)
    big = [("TX", 60), ("CA", 50), ("NY", 40)]
    singles = [f"S{i:02d}" for i in range(25)]
    sites = [s for s, n in big for _ in range(n)] + singles
    n = len(sites)
    hire = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    tenure = rng.exponential(900, n)
    exit_ = hire + pd.to_timedelta(tenure.astype(int), unit="D")
    exit_ = pd.Series(exit_).where(exit_ <= pd.Timestamp("2026-06-30"))
    exit_.iloc[len(sites) - 25] = hire[len(sites) - 25] + pd.Timedelta(days=3)
    employees = pd.DataFrame(
        {
            "employee_id": [f"E{i:04d}" for i in range(n)],
            "site": sites,
            "role": "agent",
            "hire_date": hire,
            "exit_date": exit_,
        }
    )
    assessments = pd.DataFrame(
        {
            "employee_id": employees["employee_id"],
            "competency": "claims_processing",
            "score": rng.normal(75, 8, n).clip(0, 100).round(1),
            "assessed_on": hire + pd.Timedelta(days=2),
        }
    )
    return {"employees": employees, "assessments": assessments}


def test_small_sites_are_pooled_or_left_out_of_tests() -> None:
    """Issue 18 point 10: 25 of 28 sites have one person; no p-value comes from any of them."""
    tables = _sites_by_state(11)
    result = analyse_needs(from_frames(tables), as_of=dt.date(2026, 6, 30))
    # Log-rank: the 25 one-person sites are pooled as "other" (25 people, >= 10).
    assert result.logrank["groups"] == ["CA", "NY", "TX", "other"]
    assert result.logrank["df"] == 3
    employees = tables["employees"]
    data = durations(employees, pd.Timestamp("2026-06-30"))
    pooled = data["site"].where(data["site"].isin(["TX", "CA", "NY"]), "other")
    lifelines = pytest.importorskip("lifelines.statistics")
    theirs = lifelines.multivariate_logrank_test(data["duration"], pooled, data["observed"])
    assert result.logrank["statistic"] == pytest.approx(theirs.test_statistic, rel=1e-9)
    assert any(
        "25 sites with fewer than 10 new hires" in n and '"other"' in n for n in result.notes
    )
    # Welch tests of each site against the others: only the three large sites are tested.
    tests = result.site_tests
    tested = tests[tests["p"].notna()]
    assert sorted(tested["site"]) == ["CA", "NY", "TX"]
    assert tests[tests["n"] == 1][["t", "df", "p", "p_adj"]].isna().all().all()
    assert not tests[tests["n"] == 1]["significant"].any()
    small = tests[tests["n"] < 10]
    assert len(small) > 3 and (small["n"] == 1).all()  # the active ones of the 25 are assessed
    note = next(n for n in result.notes if n.startswith("site comparisons of scores"))
    assert f"{len(small)} sites with fewer than 10 assessed people" in note
    # Holm's family is the three real tests.
    assert len(tested) == 3 and tested["p_adj"].notna().all()


def test_small_sites_too_few_to_pool_are_left_out() -> None:
    labels, notes = pool_small_groups(np.array(["A"] * 30 + ["B"] * 20 + ["C", "D"]), 10, "hires")
    assert labels.tolist() == ["A"] * 30 + ["B"] * 20 + [None, None]
    assert notes == ["2 sites with fewer than 10 hires (C, D) left out"]
    # With a larger minimum the rule follows the setting.
    settings = NeedsSettings.defaults(min_test_group_size=55)
    tables = _sites_by_state(12)
    result = analyse_needs(from_frames(tables), as_of=dt.date(2026, 6, 30), settings=settings)
    assert result.logrank["groups"] == ["TX", "other"]


# --------------------------------------------------------------------------------------------
# (d) compliance


def test_compliance_statuses_add_up(healthcare) -> None:
    scenario, dataset, result = healthcare
    cov = result.compliance
    assert (cov[list(STATUSES)].sum(axis=1) == cov["required"]).all()
    total = cov.query("site == 'all' and module == 'all'").iloc[0]
    as_of = pd.Timestamp(scenario.as_of)
    emp = dataset.tables["employees"]
    active = emp[
        (emp["hire_date"] <= as_of) & (emp["exit_date"].isna() | (emp["exit_date"] > as_of))
    ]
    # healthcare: hipaa_privacy, hipaa_security, anti_harassment, plus one country law each.
    assert total["required"] == 4 * len(active)
    assert result.compliance_domains == ["healthcare"]
    # Planted: Bogotá lapses far more often than Manila.
    bogota = cov.query("site == 'Bogota' and module == 'all'").iloc[0]
    manila = cov.query("site == 'Manila' and module == 'all'").iloc[0]
    assert bogota["overdue"] / bogota["required"] > 2 * manila["overdue"] / manila["required"]
    assert bogota["coverage"] < manila["coverage"]


def _one_employee_data(expires_on: str | None) -> object:
    employees = pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E3"],
            "site": ["Manila"] * 3,
            "country": ["PH"] * 3,
            "role": ["agent"] * 3,
            "hire_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2025-09-20"]),
            "exit_date": pd.to_datetime([None, None, None]),
        }
    )
    compliance = pd.DataFrame(
        {
            "employee_id": ["E1"],
            "module": ["hipaa_privacy"],
            "completed_on": pd.to_datetime(["2025-01-10"]),
            "expires_on": pd.to_datetime([expires_on]),
        }
    )
    return from_frames({"employees": employees, "compliance": compliance})


def test_expires_on_wins_over_the_catalogue_cadence() -> None:
    as_of = pd.Timestamp("2025-10-01").date()
    from tpo_scoping.profile import parse_profile

    profile = parse_profile(
        "prospect: X\nsites: [{country: PH, fte: 3}]\ncompliance_domains: [healthcare]\n"
    )
    by_cadence = analyse_needs(_one_employee_data(None), profile, as_of=as_of)
    status = by_cadence.compliance_status.set_index(["employee_id", "module"])
    # 12-month cadence from 2025-01-10 -> 2026-01-10: 101 days away, current.
    assert status.loc[("E1", "hipaa_privacy"), "status"] == "current"
    assert status.loc[("E1", "hipaa_privacy"), "expiry_source"] == "catalogue cadence"
    explicit = analyse_needs(_one_employee_data("2025-10-20"), profile, as_of=as_of)
    status = explicit.compliance_status.set_index(["employee_id", "module"])
    assert status.loc[("E1", "hipaa_privacy"), "status"] == "expiring_30"
    assert status.loc[("E1", "hipaa_privacy"), "expiry_source"] == "expires_on"
    lapsed = analyse_needs(_one_employee_data("2025-09-01"), profile, as_of=as_of)
    status = lapsed.compliance_status.set_index(["employee_id", "module"])
    assert status.loc[("E1", "hipaa_privacy"), "status"] == "overdue"
    # E2 never did it and is long past the 30-day at-hire window; E3 was hired 11 days ago.
    assert status.loc[("E2", "hipaa_privacy"), "status"] == "never_completed"
    assert status.loc[("E3", "hipaa_privacy"), "status"] == "not_yet_due"
    row = lapsed.compliance.query("site == 'Manila' and module == 'hipaa_privacy'").iloc[0]
    assert (row["overdue"], row["never_completed"], row["not_yet_due"]) == (1, 1, 1)
    assert row["coverage"] == 0 and row["on_time"] == pytest.approx(1 / 3)


# --------------------------------------------------------------------------------------------
# (e) impact


def test_training_impact_recovers_the_planted_lift() -> None:
    scenario = scaled(SCENARIOS["large_multicountry"], employees=600, competencies=3, months=24)
    dataset = generate(scenario, seed=SEED + 2)
    result = analyse_needs(from_frames(dataset.tables), as_of=scenario.as_of)
    assert result.impact is not None
    row = next(r for r in result.impact if r.metric == "productivity")
    assert row.effect_ci_low is not None and row.effect_ci_high is not None
    assert row.effect_ci_low < scenario.impact_points < row.effect_ci_high
    assert row.effect_ci_low > 0
    assert row.assumptions and row.method == "matched difference-in-differences"
    # CSAT was not moved by the course: its interval covers zero.
    csat = next(r for r in result.impact if r.metric == "csat")
    assert csat.effect_ci_low is not None and csat.effect_ci_high is not None
    assert csat.effect_ci_low < 0 < csat.effect_ci_high

    # Without the impact models every other part of the analysis is unchanged.
    lean = analyse_needs(from_frames(dataset.tables), as_of=scenario.as_of, with_impact=False)
    assert lean.impact is None and "impact" not in lean.to_dict()
    full, rest = result.to_dict(), lean.to_dict()
    full.pop("impact")
    assert json.dumps(rest, sort_keys=True, default=str) == json.dumps(
        full, sort_keys=True, default=str
    )


# --------------------------------------------------------------------------------------------
# result shape, baselines, as_of


def test_json_has_the_issue_keys(healthcare) -> None:
    _, _, result = healthcare
    payload = json.loads(__import__("tpo_scoping.serialize").serialize.dumps(result))
    assert {"as_of", "quality", "gaps", "priorities", "ramp", "retention", "compliance"} <= set(
        payload
    )
    assert {"rows_read", "rows_used", "issues", "mapping"} <= set(payload["quality"])
    gap_keys = {"role", "site", "competency", "n", "mean", "ci_low", "ci_high", "gap", "priority"}
    assert gap_keys <= set(payload["gaps"][0])
    assert all("summary" in p for p in payload["priorities"])
    ramp_keys = {"role", "site", "metric", "weeks_to_proficiency", "ci_low", "ci_high", "n"}
    assert ramp_keys <= set(payload["ramp"][0])
    assert {"site", "day", "estimate", "ci_low", "ci_high", "at_risk"} <= set(
        payload["retention"][0]
    )
    assert any(r["site"] == "all" for r in payload["retention"])
    comp_keys = {"site", "module", "coverage", *STATUSES}
    assert comp_keys <= set(payload["compliance"][0])
    assert "impact" in payload


def test_baselines_for_kpis(healthcare) -> None:
    _, _, result = healthcare
    base = result.baseline
    assert base["retention_90d"].value == result.retention_at("all", 90).estimate
    scores = result.gaps  # pass rate recomputed from the cells' shares below the pass mark
    passed = ((1 - scores["share_below_pass"]) * scores["n"]).sum() / scores["n"].sum()
    assert base["assessment_pass_rate"].value == pytest.approx(passed)
    assert base["assessment_pass_rate"].ci_low < passed < base["assessment_pass_rate"].ci_high
    total = result.compliance.query("site == 'all' and module == 'all'").iloc[0]
    assert base["compliance_coverage"].value == total["coverage"]
    weeks = result.ramp.query("site == 'all' and metric == 'productivity'")["weeks_to_proficiency"]
    assert base["weeks_to_proficiency"].value == pytest.approx(weeks.median())
    # Best quartile beats the mean in the metric's good direction.
    assert base["productivity"].best_quartile > base["productivity"].value
    assert base["error_rate"].best_quartile < base["error_rate"].value
    # The spread is the analysis' own between-employee SD, not rebuilt from the interval.
    prod = base["productivity"]
    assert prod.sd == pytest.approx((prod.ci_high - prod.ci_low) / 2 / 1.96 * prod.n**0.5, rel=0.05)
    assert 0.9 * 60 * 0.7 < base["productivity"].value < 64  # plateaus 60 and 45, mostly tenured


def test_default_as_of_is_the_latest_date(healthcare) -> None:
    scenario, dataset, _ = healthcare
    data = from_frames(dataset.tables)
    latest = data.latest_date()
    result = analyse_needs(data)
    assert result.as_of == latest <= scenario.as_of
    assert any("latest date" in n for n in result.notes)


def test_settings_change_the_result(healthcare) -> None:
    _, dataset, result = healthcare
    strict = analyse_needs(
        from_frames(dataset.tables),
        as_of=result.as_of,
        settings=NeedsSettings.defaults(pass_mark=75, target_proficiency=90),
    )
    merged = result.gaps.merge(strict.gaps, on=["role", "site", "competency"])
    assert (merged["gap_y"] - merged["gap_x"]).round(9).eq(10).all()
    assert (merged["share_below_pass_y"] >= merged["share_below_pass_x"]).all()


def test_tables_name_sites_and_modules(healthcare) -> None:  # type: ignore[no-untyped-def]
    """The tables every front end shows name catalogue titles and 'whole team', never keys."""
    from tpo_scoping.presentation import needs as rows
    from tpo_scoping.reference import load_reference

    _, _, result = healthcare
    tables = [
        rows.compliance_table(result, by_module=True),
        rows.compliance_table(result),
        rows.retention_table(result),
    ]
    cells = [cell for t in tables for row in t.rows for cell in row]
    titles = load_reference("compliance_catalogue")["modules"]
    keys = set(result.compliance["module"]) - {"all"}
    assert keys and all(titles[k]["title"] in cells for k in keys)
    assert not keys & set(cells)
    assert "whole team" in cells and "all" not in cells


def test_compliance_table_counts_each_certificate_once(healthcare) -> None:  # type: ignore[no-untyped-def]
    """Site totals are the analysis' own rows (module 'all'), never a sum that adds them twice,
    and certificates expiring soon count as valid."""
    from tpo_scoping.presentation import needs as rows

    _, _dataset, result = healthcare
    table = rows.compliance_table(result)
    whole = dict(zip(table.columns, table.rows[-1], strict=True))
    status = result.compliance_status

    def count(cell: str) -> int:
        return int(cell.replace(",", ""))

    assert whole["Site"] == "whole team"
    assert count(whole["Overdue"]) == int((status["status"] == "overdue").sum())
    assert count(whole["Never completed"]) == int((status["status"] == "never_completed").sum())
    valid = status["status"].isin(["current", "expiring_30", "expiring_60", "expiring_90"])
    assert count(whole["Valid"]) == int(valid.sum())
    assert whole["Coverage"] == f"{100 * valid.mean():.1f} %"
