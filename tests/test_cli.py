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
