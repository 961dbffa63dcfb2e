"""CLI conventions: JSON on stdout, errors on stderr, exit codes 0/1/2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES


def test_validate_json(cli) -> None:
    result = cli("validate", SAMPLES / "growing_healthcare" / "profile.yaml", "--format", "json")
    assert result.code == 0
    payload = json.loads(result.out)
    assert payload["valid"] is True and payload["total_fte"] == 50


def test_schema_is_json(cli) -> None:
    result = cli("schema")
    assert result.code == 0
    assert json.loads(result.out)["title"] == "tpo-scoping prospect profile"


@pytest.mark.parametrize(
    "content",
    ["", "prospect: X\nsites: []\n", "prospect: X\nsites: [{country: PH, fte: -4}]\n", "\x00\x01"],
)
def test_bad_profiles_exit_2_without_traceback(cli, tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, "utf-8")
    result = cli("validate", path)
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.startswith("error: ")
    assert str(path) in result.err


def test_warnings_go_to_stderr(cli, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "prospect: X\nsites: [{country: PH, fte: 5}]\ngrowth: {hires_per_quarter: 500}\n"
    )
    result = cli("validate", path)
    assert result.code == 0
    assert "warning: growth.hires_per_quarter" in result.err


def test_usage_errors_exit_2(cli) -> None:
    assert cli("no-such-command").code == 2
    assert cli("validate").code == 2


def test_internal_failure_exits_1_with_short_message(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import tpo_scoping.profile as profile

    def boom(*_: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(profile, "load_profile", boom)
    result = cli("validate", SAMPLES / "small_simple" / "profile.yaml")
    assert result.code == 1
    assert "internal error: RuntimeError: kaboom" in result.err
    assert "Traceback" not in result.err
    with pytest.raises(RuntimeError):
        cli("--debug", "validate", SAMPLES / "small_simple" / "profile.yaml")


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "tpo-scoping"
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "validate" in proc.stdout


# --------------------------------------------------------------------------------------------
# Terminal escape sequences in names never reach the terminal raw

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"
CONTROLS = "\x1b\x07\x9b\u202e"


def test_escape_sequences_in_a_profile_are_written_out(cli, tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        'prospect: "Acme\\e]0;owned\\a\\e[2J\\x9b31m\\u202e"\nsites: [{country: PH, fte: 30}]\n',
        encoding="utf-8",
    )
    for fmt in ("table", "json"):
        result = cli("validate", profile, "--format", fmt)
        assert result.code == 0, result.err
        assert not any(c in result.out + result.err for c in CONTROLS), repr(result.out)
        assert "\\x1b]0;owned" in result.out or "\\u001b]0;owned" in result.out
    assert json.loads(cli("validate", profile, "--format", "json").out)["prospect"] == (
        "Acme" + ESCAPES
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text('prospect: X\nsites: [{country: "\\e[2JPH", fte: 3}]\n', encoding="utf-8")
    result = cli("validate", bad)
    assert result.code == 2 and "\x1b" not in result.err and "\\x1b[2J" in result.err


def test_escape_sequences_in_data_are_written_out(cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in (SAMPLES / "small_simple" / "data").glob("*.csv"):
        text = path.read_text("utf-8").replace(",Manila,", ",Manila\x1b[31m\x1b]0;x\x07,")
        (data / path.name).write_text(text, "utf-8")
    result = cli("needs", data)
    assert result.code == 0, result.err
    assert "Manila\\x1b[31m" in result.out
    assert not any(c in result.out + result.err for c in "\x1b\x07")
