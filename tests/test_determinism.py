"""Same inputs and seed give byte-identical JSON; exports are written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tpo_scoping.errors import InputError
from tpo_scoping.serialize import write_atomic

PROFILE = SAMPLES / "small_simple" / "profile.yaml"
DATA = SAMPLES / "small_simple" / "data"

JSON_COMMANDS = [
    ["validate", PROFILE, "--format", "json"],
    ["schema"],
    ["breakeven", PROFILE, "--simulations", "300", "--seed", "7", "--format", "json"],
    ["needs", DATA, "--as-of", "2025-01-01", "--format", "json"],
    ["kpis", PROFILE, "--as-of", "2025-01-01", "--format", "json"],
    ["scope", PROFILE, "--as-of", "2025-01-01", "--simulations", "300", "--seed", "7"],
]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=lambda a: str(a[0]))
def test_same_inputs_same_bytes(cli, tmp_path: Path, args: list[object]) -> None:
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.json"
        to_stdout = args[0] in ("schema", "validate")
        result = cli(*args) if to_stdout else cli(*args, "--out", out)
        assert result.code == 0, result.err
        outputs.append(result.out.encode() if to_stdout else out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 50


def test_a_different_seed_changes_the_monte_carlo(cli, tmp_path: Path) -> None:
    """The determinism above is the seed's doing, not a Monte Carlo that ignores it."""
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / f"s{seed}.json"
        args = ["breakeven", PROFILE, "--simulations", "300", "--seed", seed, "--format", "json"]
        assert cli(*args, "--out", out).code == 0
        texts.append(out.read_bytes())
    assert texts[0] != texts[1]


def test_interrupted_export_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.html"
    target.write_text("<html>previous complete brief</html>", "utf-8")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # the process is stopped between write and rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "<html>" + "x" * 1_000_000)
    monkeypatch.undo()
    assert target.read_text("utf-8") == "<html>previous complete brief</html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html"], "temp file left behind"


def test_failed_write_leaves_no_truncated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "scope.xlsx"
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(InputError, match="No space left"):
        write_atomic(target, b"PK" + b"\0" * 100_000)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(tmp_path.iterdir()) == [], "a failed export must leave nothing that looks done"


def test_cli_export_crash_keeps_previous_output(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "be.json"
    args = ["breakeven", PROFILE, "--simulations", "0", "--no-sensitivity", "--format", "json"]
    assert cli(*args, "--out", out).code == 0
    good = out.read_bytes()

    def boom(*_args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", boom)
    result = cli(*args, "--horizon-months", "12", "--out", out)
    assert result.code == 2 and "Input/output error" in result.err
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["be.json"]
