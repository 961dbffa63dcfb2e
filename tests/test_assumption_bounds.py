"""Assumption overrides inside their domain: refused outside the hard bounds, warned outside the
sourced range, never a negative, infinite or missing cost.

The hard bounds are data (``bounds`` in ``tpo_scoping/data/assumptions.yaml``, one per unit with
its rationale); the sourced ``range`` is the uncertainty the sensitivity and the Monte Carlo
sweep. Totals are checked with the model itself over values drawn anywhere inside the bounds.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tpo_scoping.assumptions import default_assumptions, override_warnings, resolve_assumptions
from tpo_scoping.errors import InputError
from tpo_scoping.profile import parse_profile
from tpo_scoping.reference import load_reference

BASE = "prospect: X\nsites: [{country: PH, fte: 40}]\ngrowth: {hires_per_quarter: 6}\n"
NAMES = sorted(default_assumptions())


def profile_with(overrides: dict[str, object]) -> str:
    return BASE + yaml.safe_dump({"assumptions": overrides}, allow_unicode=True)


def test_every_unit_has_bounds_with_a_rationale_around_its_range() -> None:
    data = load_reference("assumptions")
    for name, spec in data["assumptions"].items():
        bounds = data["bounds"][spec["unit"]]
        assert bounds["rationale"].strip(), spec["unit"]
        assert bounds["min"] <= spec["range"][0] <= spec["value"], name
        assert spec["value"] <= spec["range"][1] <= bounds["max"], name
        assert math.isfinite(bounds["max"]) and bounds["min"] >= 0, name
    assert set(data["bounds"]) == {s["unit"] for s in data["assumptions"].values()}


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("loaded_hourly_rate_onshore_manager", -1000, "0 to 2,000 USD/hour"),
        ("loaded_hourly_rate_onshore_manager", 1e308, "outside what this value can be"),
        ("tpo_mgmt_time_reduction_vs_catalog", 1.5, "0 to 1 share"),
        ("adhoc_cohort_size", 0, "at least one learner"),
        ("internal_ld_fte_per_trainer", 0.5, "serves at least one FTE"),
        ("discount_rate_annual", -0.2, "0 to 1 per year"),
    ],
)
def test_overrides_outside_the_bounds_are_refused(name: str, value: float, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile(profile_with({name: value}), source="p.yaml")
    (line,) = caught.value.lines()
    assert line.startswith(f"p.yaml: assumptions.{name}: ") and words in line
    with pytest.raises(InputError):
        resolve_assumptions({name: value})


def test_break_even_refuses_out_of_bounds_overrides_from_code() -> None:
    from tpo_scoping.economics import break_even

    profile = parse_profile(BASE)
    with pytest.raises(InputError, match="loaded_hourly_rate_onshore_manager"):
        break_even(profile, overrides={"loaded_hourly_rate_onshore_manager": -1000}, simulations=0)


def test_outside_the_sourced_range_warns_and_widens_the_swept_range(cli, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(profile_with({"tpo_fee_per_fte_tier1": 90, "catalog_seat_price_monthly": 20}))
    result = cli("validate", path, "--format", "json")
    assert result.code == 0
    warnings = json.loads(result.out)["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("assumptions.tpo_fee_per_fte_tier1: 90")
    assert "sourced range 30 to 65" in warnings[0] and warnings[0] in result.err
    table = resolve_assumptions({"tpo_fee_per_fte_tier1": 90})
    assert (table["tpo_fee_per_fte_tier1"].low, table["tpo_fee_per_fte_tier1"].high) == (30, 90)
    assert override_warnings({"tpo_fee_per_fte_tier1": 50}) == []


def test_breakeven_cli_refuses_a_negative_rate(cli, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(profile_with({"loaded_hourly_rate_onshore_manager": -1000}))
    result = cli("breakeven", path, "--simulations", "0")
    assert result.code == 2 and "never negative" in result.err and "$" not in result.out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_value_inside_the_bounds_gives_finite_non_negative_costs(data: st.DataObject) -> None:
    """The model with several assumptions anywhere inside their bounds (ends included)."""
    from tpo_scoping.economics import break_even

    table = default_assumptions()
    names = data.draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    overrides = {}
    for name in names:
        a = table[name]
        overrides[name] = data.draw(
            st.one_of(
                st.sampled_from([a.min_value, a.max_value, a.low, a.high]),
                st.floats(a.min_value, a.max_value, allow_nan=False),
            )
        )
    result = break_even(parse_profile(BASE), overrides=overrides, simulations=0, sensitivity=False)
    for option in result.options.values():
        assert math.isfinite(option.total_cost) and option.total_cost >= 0, overrides
        assert math.isfinite(option.cash_cost) and option.cash_cost >= 0, overrides
        assert math.isfinite(option.imputed_cost) and option.imputed_cost >= 0, overrides


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(NAMES),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=5),
        st.integers(-(10**30), 10**30),
    ),
)
def test_any_override_is_a_result_or_a_clear_refusal(name: str, value: object) -> None:
    a = default_assumptions()[name]
    try:
        profile = parse_profile(profile_with({name: value}), source="p.yaml")
    except InputError as exc:
        assert all(line.startswith(f"p.yaml: assumptions.{name}") for line in exc.lines())
        return
    number = profile.assumptions[name]
    assert not isinstance(value, bool)
    assert a.min_value <= number <= a.max_value and math.isfinite(number)
