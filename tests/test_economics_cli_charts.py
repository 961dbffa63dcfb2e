"""The breakeven command and the economics charts (specs, not pixels)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tpo_scoping.charts import PALETTE
from tpo_scoping.charts.economics import (
    cost_vs_fte_chart,
    cumulative_cost_chart,
    monte_carlo_chart,
    tornado_chart,
)
from tpo_scoping.economics import OPTION_LABELS, OPTIONS, break_even
from tpo_scoping.labels import option_label
from tpo_scoping.profile import load_profile, parse_profile

STEADY = parse_profile("prospect: Steady\nsites: [{country: PH, fte: 40}]\n")


@pytest.fixture(scope="module")
def steady_result():
    return break_even(STEADY, simulations=2000, seed=1)


@pytest.fixture(scope="module")
def growing_result():
    return break_even(
        load_profile(SAMPLES / "growing_healthcare" / "profile.yaml"), simulations=2000, seed=1
    )


def test_breakeven_json_has_the_issue_keys(cli) -> None:
    path = SAMPLES / "small_simple" / "profile.yaml"
    result = cli("breakeven", path, "--simulations", "500", "--seed", "7", "--format", "json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    for key in (
        "break_even_fte",
        "crossing_month",
        "horizon_months",
        "options",
        "probability_tpo_cheaper",
        "sensitivity",
        "assumptions",
    ):
        assert key in payload
    assert payload["horizon_months"] == 36
    for option in OPTIONS:
        assert {"total_cost", "cash_cost", "imputed_cost", "npv"} <= set(payload["options"][option])
    assert "break_even_fte_cash" in payload
    for a in payload["assumptions"].values():
        assert {"value", "unit", "range", "source"} <= set(a)
    ranks = [row["rank"] for row in payload["sensitivity"]]
    assert ranks == sorted(ranks)
    assert payload["monte_carlo"]["seed"] == 7
    again = cli("breakeven", path, "--simulations", "500", "--seed", "7", "--format", "json")
    assert again.out == result.out


def test_breakeven_imputed_share_and_warnings_travel(cli, tmp_path: Path) -> None:
    path = SAMPLES / "small_simple" / "profile.yaml"
    cash = cli("breakeven", path, "--simulations", "0", "--imputed-share", "0", "--format", "json")
    payload = json.loads(cash.out)
    assert payload["imputed_share"] == 0
    for option in payload["options"].values():
        assert option["imputed_cost"] == 0 and option["total_cost"] == option["cash_cost"]
    assert payload["break_even_fte"] == payload["break_even_fte_cash"]
    bad = cli("breakeven", path, "--imputed-share", "150%")
    assert bad.code == 2 and "--imputed-share" in bad.err
    wild = tmp_path / "wild.yaml"
    wild.write_text(
        "prospect: W\nsites: [{country: PH, fte: 40}]\n"
        "growth: {hires_per_quarter: 5, annual_attrition: 5}\n"
    )
    run = cli("breakeven", wild, "--simulations", "0", "--format", "json")
    assert run.code == 0, run.err
    assert "warning:" in run.err and "attrition" in run.err
    assert any("attrition" in n for n in json.loads(run.out)["notes"])


def test_breakeven_options_reach_the_analysis(cli) -> None:
    path = SAMPLES / "growing_healthcare" / "profile.yaml"
    result = cli(
        "breakeven", path, "--horizon-months", "12", "--simulations", "0", "--format", "json"
    )
    payload = json.loads(result.out)
    assert payload["horizon_months"] == 12
    assert payload["probability_tpo_cheaper"] is None and payload["monte_carlo"] is None


def test_breakeven_table_is_readable(cli) -> None:
    result = cli("breakeven", SAMPLES / "small_simple" / "profile.yaml", "--simulations", "200")
    assert result.code == 0
    assert "Break-even: TPO and catalog licensing cost the same" in result.out
    for option in OPTIONS:
        assert option_label(option) in result.out
    assert "Cash" in result.out and "Imputed" in result.out
    assert "Traceback" not in result.err


def test_breakeven_writes_to_a_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "be.json"
    path = SAMPLES / "small_simple" / "profile.yaml"
    result = cli("breakeven", path, "--simulations", "0", "--format", "json", "--out", out)
    assert result.code == 0 and result.out == ""
    assert "break_even_fte" in json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize(
    "content",
    [
        "prospect: X\nsites: [{country: PH, fte: -4}]\n",
        "prospect: X\nsites: [{country: PH, fte: 4}]\nassumptions: {tpo_setup_fe: 1}\n",
        "",
    ],
)
def test_bad_profile_exits_2(cli, tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, "utf-8")
    result = cli("breakeven", path, "--format", "json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("error: ") and "Traceback" not in result.err


@pytest.mark.parametrize(
    "args", [("--horizon-months", "0"), ("--simulations", "-5"), ("--seed", "x")]
)
def test_bad_options_exit_2(cli, args: tuple[str, str]) -> None:
    result = cli("breakeven", SAMPLES / "small_simple" / "profile.yaml", *args)
    assert result.code == 2


def _rows(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


def test_cost_vs_fte_chart_marks_the_break_even(steady_result) -> None:
    spec = cost_vs_fte_chart(steady_result, highlight_fte=75).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "line"
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [OPTION_LABELS[o] for o in OPTIONS]
    assert scale["range"] == [PALETTE[o] for o in OPTIONS]
    marks = [
        row for rows in spec["datasets"].values() for row in rows if "kind" in row and "text" in row
    ]
    by_kind = {row["kind"]: row["fte"] for row in marks}
    assert by_kind["break-even"] == pytest.approx(steady_result.break_even_fte)
    assert by_kind["highlight"] == 75
    assert _rows(spec) < 5000


def test_cumulative_chart_shows_every_option_and_today(growing_result) -> None:
    spec = cumulative_cost_chart(growing_result).to_dict()
    domain = spec["encoding"]["color"]["scale"]["domain"]
    assert domain[: len(OPTIONS)] == [OPTION_LABELS[o] for o in OPTIONS]
    assert "Current practice (manager walkthroughs)" in domain
    (rows,) = spec["datasets"].values()
    assert len(rows) == (len(OPTIONS) + 1) * growing_result.horizon_months


def test_tornado_chart_lists_the_top_assumptions(steady_result, growing_result) -> None:
    spec = tornado_chart(steady_result).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order[0] == steady_result.sensitivity[0].description.rstrip(".")
    assert len(order) <= 15
    assert "Break-even FTE" in spec["layer"][0]["encoding"]["x"]["title"]
    # without a break-even the tornado switches to the saving against catalog
    growing = tornado_chart(growing_result).to_dict()
    assert "saving" in growing["layer"][0]["encoding"]["x"]["title"]


def test_monte_carlo_chart_marks_the_prospect(steady_result, growing_result) -> None:
    spec = monte_carlo_chart(steady_result).to_dict()
    rows = [r for rs in spec["datasets"].values() for r in rs]
    assert any(r.get("x") == steady_result.team_fte_now for r in rows)
    assert sum(r["count"] for r in rows if "count" in r) <= 2000
    assert "Break-even" in spec["title"]["text"]
    saving = monte_carlo_chart(growing_result).to_dict()
    assert "saving" in saving["title"]["text"]
    assert _rows(saving) < 5000


def test_charts_refuse_results_without_the_analysis() -> None:
    live = break_even(STEADY, simulations=0, sensitivity=False)
    with pytest.raises(ValueError, match="simulations"):
        monte_carlo_chart(live)
    with pytest.raises(ValueError, match="sensitivity"):
        tornado_chart(live)
