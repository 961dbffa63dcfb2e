"""Fuzzing the profile loader and the CLI edge: junk always becomes a clear message and exit 2.

Every input either validates into a correct profile or raises :class:`InputError`; nothing else
(no traceback, no hang). Counts of inputs tried are reported by hypothesis' statistics
(``pytest --hypothesis-show-statistics``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tpo_scoping.errors import InputError
from tpo_scoping.profile import Profile, parse_profile

CORPUS = ROOT / "tests" / "corpus" / "profiles"
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "cp1252",
    "latin-1",
    "shift_jis",
]

VALID = {
    "prospect": "Fuzz Co",
    "sites": [{"country": "PH", "fte": 30}],
    "growth": {"hires_per_quarter": 5, "annual_attrition": 0.2},
    "compliance_domains": ["general"],
    "assumptions": {"loaded_hourly_rate_onshore_manager": 75},
}


def _outcome(payload: str | bytes) -> Profile | InputError:
    try:
        return parse_profile(payload, source="fuzz.yaml")
    except InputError as exc:
        assert exc.lines(), "an InputError must say what is wrong"
        assert all(line.startswith("fuzz.yaml") for line in exc.lines())
        return exc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(payload: bytes) -> None:
    _outcome(payload)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_random_text(payload: str) -> None:
    _outcome(payload)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ENCODINGS), st.text(min_size=1, max_size=40))
def test_every_encoding_of_a_valid_profile(encoding: str, name: str) -> None:
    text = yaml.safe_dump({**VALID, "prospect": name}, allow_unicode=True)
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError:
        return
    result = _outcome(payload)
    if isinstance(result, Profile) and encoding in ("utf-8", "utf-8-sig"):
        assert result.total_fte == 30


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [1e308, -1e308, float("nan"), float("inf"), "1e308", "NaN", "-5", "", "x" * 5000]
    ),
    st.text(max_size=50),
    st.dates(),
)


@settings(max_examples=400, deadline=None)
@given(
    field=st.sampled_from(
        [
            ("sites", 0, "fte"),
            ("sites", 0, "country"),
            ("growth", "hires_per_quarter"),
            ("growth", "annual_attrition"),
            ("prospect",),
            ("internal_ld_staff",),
            ("current_training",),
            ("compliance_domains",),
            ("assumptions", "loaded_hourly_rate_onshore_manager"),
            ("assumptions", "mgmt_residual_share_tpo"),
        ]
    ),
    value=SCALARS,
)
def test_wrong_types_and_extreme_numbers(field: tuple, value: object) -> None:
    document = yaml.safe_load(yaml.safe_dump(VALID))
    target = document
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except yaml.YAMLError:
        return
    result = _outcome(text)
    if isinstance(result, Profile):
        # Whatever validated is sane: positive whole FTEs, finite non-negative growth.
        assert all(s.fte > 0 for s in result.sites)
        assert (
            math.isfinite(result.growth.hires_per_quarter) and result.growth.hires_per_quarter >= 0
        )
        assert 0 <= result.growth.annual_attrition <= 5
        assert math.isfinite(result.internal_ld_staff)
        # Overrides inside their hard bounds (assumptions.yaml `bounds`), never a boolean.
        from tpo_scoping.assumptions import default_assumptions

        for name, number in result.assumptions.items():
            bounds = default_assumptions()[name]
            assert bounds.min_value <= number <= bounds.max_value
        assert all(not isinstance(s.fte, bool) for s in result.sites)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda p: p.name)
def test_corpus_of_nasty_profiles(path: Path, cli) -> None:
    start = time.perf_counter()
    result = cli("validate", path)
    assert time.perf_counter() - start < 5, "no input may make the loader hang"
    assert result.code == 2, f"{path.name} should be refused: {result.out}"
    assert "Traceback" not in result.err
    assert result.err.startswith("error: ")


def test_huge_string_is_refused_without_hanging() -> None:
    start = time.perf_counter()
    with pytest.raises(InputError, match="at most"):
        parse_profile(b"prospect: " + b"x" * 5_000_000)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        # Under the node limit, deep enough to overflow a recursive repr of the document.
        "prospect: " + "{a: " * 4000 + "1" + "}" * 4000,
        "prospect: {name: x}\nsites: " + "[" * 65 + "]" * 65,
    ],
    ids=["lists", "mappings", "just-past-the-limit"],
)
def test_deeply_nested_yaml_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        parse_profile(text)
