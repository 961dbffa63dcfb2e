"""The prospect profile: the issue's example loads; every bad case gets a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpo_scoping.errors import InputError
from tpo_scoping.profile import (
    Profile,
    load_profile,
    parse_profile,
    plausibility_warnings,
    profile_json_schema,
    profile_to_yaml,
)

EXAMPLE = """\
prospect: Example Health Services
sites:
  - country: PH        # ISO 3166 alpha-2
    fte: 38
  - country: CO
    fte: 12
growth:
  hires_per_quarter: 20
  annual_attrition: 0.30
compliance_domains: [healthcare]   # healthcare | financial_services | data_processing | general
current_training: manager_walkthroughs  # manager_walkthroughs | lms_only | internal_ld | ...
internal_ld_staff: 0
readiness:
  kpis_defined: true
  processes_stable: true
  named_accountable_person: true
  offshore_integrated: true
"""


def test_issue_example_loads() -> None:
    profile = parse_profile(EXAMPLE)
    assert profile.prospect == "Example Health Services"
    assert [s.country for s in profile.sites] == ["PH", "CO"]
    assert profile.total_fte == 50
    assert profile.growth.hires_per_quarter == 20
    assert profile.growth.annual_attrition == pytest.approx(0.30)
    assert profile.compliance_domains == ["healthcare"]
    assert profile.current_training.value == "manager_walkthroughs"
    assert profile.readiness.named_accountable_person is True
    assert profile.regulated


def test_round_trip_through_yaml() -> None:
    profile = parse_profile(EXAMPLE)
    assert parse_profile(profile_to_yaml(profile)) == profile


def _problems(text: str | bytes) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_profile(text, source="p.yaml")
    return info.value.lines()


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("fte: 38", "fte: -3", "p.yaml: sites.0.fte: must be greater than 0"),
        ("fte: 38", "fte: 0", "p.yaml: sites.0.fte: must be greater than 0"),
        ("fte: 12", "fte: twelve", "p.yaml: sites.1.fte: must be a whole number, got 'twelve'"),
        ("[healthcare]", "[helthcare]", "did you mean healthcare?"),
        (
            "hires_per_quarter: 20",
            "hires_per_quarter: lots",
            "growth.hires_per_quarter: must be a number",
        ),
        ("internal_ld_staff: 0", "internal_ld_staf: 0", "internal_ld_staf: unknown field"),
        ("country: CO", "country: XX", "sites.1.country: 'XX' is not an ISO 3166-1 alpha-2"),
        (
            "manager_walkthroughs  #",
            "walkthroughs  #",
            "current_training: 'walkthroughs' is not one of",
        ),
        (
            "kpis_defined: true",
            "kpis_defined: maybe",
            "readiness.kpis_defined: must be true or false",
        ),
    ],
)
def test_bad_values_name_the_field_and_rule(replace: str, by: str, expected: str) -> None:
    assert replace in EXAMPLE
    lines = _problems(EXAMPLE.replace(replace, by))
    assert any(expected in line for line in lines), lines


def test_unknown_key_suggests_the_right_one() -> None:
    lines = _problems(EXAMPLE.replace("internal_ld_staff: 0", "internal_ld_staf: 0"))
    assert any("did you mean internal_ld_staff?" in line for line in lines)


def test_several_problems_one_line_each() -> None:
    text = EXAMPLE.replace("fte: 38", "fte: -1").replace("[healthcare]", "[banking]")
    lines = _problems(text)
    assert len(lines) == 2
    assert all(line.startswith("p.yaml: ") for line in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   \n# only a comment\n", "empty"),
        ("- just\n- a list\n", "expected a YAML mapping"),
        ("prospect: [unclosed\n", "not valid YAML"),
        (b"\x00\x01\x02binary", "binary file"),
        ("a: &x [1]\nb: *x\n", "aliases"),
    ],
)
def test_empty_binary_and_non_yaml(text: str | bytes, expected: str) -> None:
    assert any(expected in line for line in _problems(text))


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    assert any("aliases" in line for line in _problems("\n".join(lines)))


def test_unknown_assumption_name_is_an_error() -> None:
    lines = _problems(EXAMPLE + "assumptions:\n  loaded_hourly_rate_onshore_manger: 80\n")
    assert any("assumptions.loaded_hourly_rate_onshore_manger" in line for line in lines)
    assert any("did you mean loaded_hourly_rate_onshore_manager?" in line for line in lines)


def test_implausible_growth_is_a_warning_not_an_error() -> None:
    profile = parse_profile(EXAMPLE.replace("hires_per_quarter: 20", "hires_per_quarter: 600"))
    warnings = plausibility_warnings(profile)
    assert any("growth.hires_per_quarter" in w for w in warnings)
    assert plausibility_warnings(parse_profile(EXAMPLE)) == []


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_profile(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a folder"):
        load_profile(tmp_path)


def test_data_path_is_resolved_next_to_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(EXAMPLE + "data:\n  path: perf.xlsx\n", "utf-8")
    profile = load_profile(path)
    assert profile.data is not None
    assert profile.data.path == str((tmp_path / "perf.xlsx").resolve())


def test_cp1252_profile_with_accents_loads() -> None:
    text = EXAMPLE.replace("Example Health Services", "Salud Peña y Asociados")
    assert parse_profile(text.encode("cp1252")).prospect == "Salud Peña y Asociados"


def test_json_schema_lists_fields_and_domains() -> None:
    schema = profile_json_schema()
    assert set(schema["required"]) == {"prospect", "sites"}
    assert "healthcare" in schema["properties"]["compliance_domains"]["items"]["enum"]
    assert schema["additionalProperties"] is False
    json.dumps(schema)


def test_schema_accepts_what_the_model_accepts() -> None:
    import jsonschema
    import yaml

    jsonschema.validate(yaml.safe_load(EXAMPLE), profile_json_schema())


@settings(max_examples=60, deadline=None)
@given(
    fte=st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=5),
    hires=st.floats(min_value=0, max_value=1000, allow_nan=False),
    attrition=st.floats(min_value=0, max_value=5, allow_nan=False),
)
def test_any_legal_profile_loads(fte: list[int], hires: float, attrition: float) -> None:
    countries = ["PH", "CO", "MX", "IN", "US"]
    profile = Profile.model_validate(
        {
            "prospect": "X",
            "sites": [{"country": countries[i], "fte": n} for i, n in enumerate(fte)],
            "growth": {"hires_per_quarter": hires, "annual_attrition": attrition},
        }
    )
    assert profile.total_fte == sum(fte)


# --------------------------------------------------------------------------------------------
# YAML as people write it: booleans, duplicate keys, Norway


@pytest.mark.parametrize(
    ("field", "text", "word"),
    [
        ("sites.0.fte", "sites: [{country: PH, fte: true}]", "true"),
        ("sites.0.fte", "sites: [{country: PH, fte: false}]", "false"),
        (
            "growth.hires_per_quarter",
            "sites: [{country: PH, fte: 3}]\ngrowth: {hires_per_quarter: true}",
            "true",
        ),
        ("internal_ld_staff", "sites: [{country: PH, fte: 3}]\ninternal_ld_staff: true", "true"),
    ],
)
def test_true_is_not_a_number(field: str, text: str, word: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile("prospect: X\n" + text, source="p.yaml")
    assert caught.value.lines() == [f"p.yaml: {field}: must be a number, got {word}"]


@pytest.mark.parametrize(
    "text",
    [
        "prospect: X\nsites: [{country: PH, fte: 3}]\nprospect: Y\n",
        "prospect: X\nsites:\n  - country: PH\n    fte: 3\n    fte: 300\n",
        "prospect: X\nsites: [{country: PH, fte: 3}]\n"
        "growth:\n  hires_per_quarter: 1\n  hires_per_quarter: 90\n",
    ],
)
def test_duplicate_keys_are_refused_naming_both_lines(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile(text, source="p.yaml")
    (line,) = caught.value.lines()
    assert "appears twice" in line and "first on line" in line and line.startswith("p.yaml: line ")


@pytest.mark.parametrize("code", ["NO", "no", "No", "'NO'"])
def test_norway_is_a_country_not_false(code: str) -> None:
    profile = parse_profile(f"prospect: X\nsites: [{{country: {code}, fte: 4}}]")
    assert profile.sites[0].country == "NO"


def test_yes_and_no_still_answer_the_readiness_checklist() -> None:
    profile = parse_profile(
        "prospect: X\nsites: [{country: PH, fte: 4}]\n"
        "readiness: {kpis_defined: yes, processes_stable: no, offshore_integrated: on}"
    )
    assert profile.readiness.kpis_defined and profile.readiness.offshore_integrated
    assert not profile.readiness.processes_stable


def test_a_bare_boolean_where_text_belongs_says_to_quote_it() -> None:
    with pytest.raises(InputError) as caught:
        parse_profile("prospect: false\nsites: [{country: PH, fte: 4}]", source="p.yaml")
    assert caught.value.lines() == [
        'p.yaml: prospect: must be text, got false; put it in quotes ("false")'
    ]
