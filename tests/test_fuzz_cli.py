"""Every CLI command with junk arguments and junk files: exit 0 with a result, or exit 2 with a
clear message. Never exit 1 (an internal error), never a traceback, never a hang.

Most runs are in-process (the ``cli`` fixture); a few go through a real subprocess so that the
console script, the exit status and stderr are checked as a shell sees them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, SAMPLES, CliResult
from tpo_scoping.cli import main

PROFILE = SAMPLES / "small_simple" / "profile.yaml"
DATA = SAMPLES / "small_simple" / "data"
PROFILE_CORPUS = sorted((ROOT / "tests" / "corpus" / "profiles").iterdir())
DATA_CORPUS = sorted(p for p in (ROOT / "tests" / "corpus" / "data").iterdir() if p.suffix != ".py")

COMMANDS = ["validate", "schema", "breakeven", "needs", "kpis", "scope", "run-notebooks"]
OPTIONS = [
    "--format",
    "--out",
    "--as-of",
    "--seed",
    "--simulations",
    "--horizon-months",
    "--ambition",
    "--cadence",
    "--data",
    "--profile",
    "--notebooks",
    "--no-html",
    "--no-sensitivity",
    "--debug",
    "--help",
    "-h",
    "--",
]
VALUES = [
    "json",
    "table",
    "pdf",
    "xlsx",
    "html",
    "",
    "-1",
    "0",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "99999999999999999999",
    "2024-02-30",
    "1900-01-01",
    "9999-12-31",
    "monthly",
    "../../etc/passwd",
    "/dev/null",
    "/dev/zero",
    "/nonexistent/profile.yaml",
    "<script>alert(1)</script>",
    "=HYPERLINK(1)",
    "\u202e",
    "\x1b]0;owned\x07\x1b[2J",
    "x" * 5000,
]


def assert_clean(result: CliResult, *, allowed: tuple[int, ...] = (0, 2)) -> None:
    assert result.code in allowed, f"exit {result.code}: {result.err[-300:]}"
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert "internal error" not in result.err
    assert "\x1b" not in result.err, "control characters are written out, never sent raw"
    if result.code == 2:
        assert result.err.strip(), "exit 2 must say what is wrong"


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the working directory, so stray ``--out`` files land there."""
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_in_process(capsys: pytest.CaptureFixture[str], argv: list[str]) -> CliResult:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(COMMANDS),
    st.lists(
        st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.text(max_size=20)),
        max_size=6,
    ),
)
@example("validate", ["\x00"])  # found by this test: a NUL in a profile path
@example("scope", ["bad\x00name.yaml", "--format", "json"])
def test_junk_arguments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, junk: list[str]
) -> None:
    # No valid profile among the arguments, so nothing expensive can start.
    with inside(tmp_path):
        result = run_in_process(capsys, [command, *junk])
    assert_clean(result)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(["breakeven", "kpis", "scope", "needs", "run-notebooks"]),
    st.sampled_from(["--as-of", "--seed", "--simulations", "--ambition", "--horizon-months"]),
    st.one_of(st.sampled_from(VALUES), st.text(max_size=12)),
)
def test_junk_values_with_a_valid_profile(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, option: str, value: str
) -> None:
    """One junk value next to a valid profile: refused before any expensive work, or harmless."""
    target = [str(DATA)] if command == "needs" else [str(PROFILE)]
    argv = [command, *target, f"{option}={value}", "--out", str(tmp_path / "out")]
    if command in ("breakeven", "scope"):
        argv += ["--simulations=0"] if option != "--simulations" else []
    if command == "run-notebooks":
        argv += ["--notebooks", str(tmp_path / "no-notebooks-here")]
    with inside(tmp_path):
        result = run_in_process(capsys, argv)
    assert_clean(result)


@pytest.mark.parametrize("path", PROFILE_CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("command", ["validate", "breakeven", "kpis"])
def test_nasty_profiles(cli, tmp_path: Path, command: str, path: Path) -> None:
    extra = ["--simulations=0", "--no-sensitivity"] if command == "breakeven" else []
    result = cli(command, path, *extra, "--format", "json")
    assert_clean(result)
    if result.code == 2:
        assert path.name in result.err, "the message must name the file"


@pytest.mark.parametrize("path", DATA_CORPUS, ids=lambda p: p.name)
def test_nasty_data_files_for_needs(cli, path: Path) -> None:
    result = cli("needs", path, "--format", "json", "--as-of", "2025-01-01")
    assert_clean(result)
    if result.code == 0:
        json.loads(result.out)
    else:
        assert path.name in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["scope", PROFILE, "--data", "/dev/null", "--simulations=0"],
        ["kpis", PROFILE, "--data", ROOT / "tests" / "corpus" / "data" / "random_bytes.csv"],
        ["scope", PROFILE, "--format", "pdf", "--simulations=0"],
        ["kpis", PROFILE, "--format", "xlsx"],
        ["breakeven", PROFILE, "--simulations=0", "--out", "/proc/forbidden.json"],
        ["breakeven", PROFILE, "--simulations=0", "--out", ROOT / "tests"],
        ["needs", DATA, "--as-of", "9999-12-31"],
        ["needs", DATA, "--as-of", "1900-01-01"],
        ["needs", "--profile", PROFILE, "--as-of", "2024-13-01"],
        ["needs"],
        ["run-notebooks", PROFILE, "--out", "/proc/nope", "--as-of", "soon"],
        ["serve", "--port", "0"],
        ["serve", "--ip", "not-an-ip"],
        ["serve", "--apps", "/nonexistent"],
        ["serve", "--ip", "0.0.0.0"],
        ["validate", "/dev/zero"],
        ["needs", "/dev/zero"],
    ],
    ids=lambda a: " ".join(map(str, a))[:60],
)
def test_specific_bad_arguments_exit_2(cli, args: list[object]) -> None:
    result = cli(*args)
    assert_clean(result, allowed=(2,))


def test_valid_runs_still_succeed(cli, tmp_path: Path) -> None:
    """The guards above must not refuse good input (a fuzzer that rejects everything passes)."""
    assert cli("validate", PROFILE).code == 0
    out = tmp_path / "deep" / "folder" / "be.json"
    result = cli(
        "breakeven", PROFILE, "--simulations=0", "--no-sensitivity", "--format=json", "--out", out
    )
    assert result.code == 0, result.err
    assert json.loads(out.read_text("utf-8"))["options"]["tpo"]["total_cost"] > 0
    assert cli("needs", DATA, "--as-of", "2200-12-31", "--format", "json").code == 0


@pytest.mark.parametrize(
    "args,code",
    [
        (["validate", str(ROOT / "tests" / "corpus" / "profiles" / "billion_laughs.yaml")], 2),
        (["needs", str(ROOT / "tests" / "corpus" / "data" / "utf16_bom.csv"), "--format=json"], 0),
        (["breakeven", str(PROFILE), "--seed", "-5"], 2),
        (["no-such-command"], 2),
    ],
)
def test_real_subprocess(args: list[str], code: int) -> None:
    script = Path(sys.executable).parent / "tpo-scoping"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tpo_scoping.cli"]
    proc = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, cwd=str(ROOT)
    )
    assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    if code == 2:
        assert proc.stderr.strip()
