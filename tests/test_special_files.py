"""Special files as inputs and outputs, and temporary files on every way out.

* A FIFO, a device or a socket given as a profile or as performance data is refused at once
  with exit code 2 by every command (a FIFO used to hang ``validate``, ``needs`` and ``scope``
  until killed). The commands run as real subprocesses with a deadline, so a hang fails the test
  instead of stalling the suite.
* ``--out`` writes only to an absent name or a regular file: a symbolic link, a FIFO, a device
  node or a socket is refused and left as it was.
* An export's hidden temporary file is removed when the write fails, on SIGTERM, and (when the
  process was killed outright) by the next write to the same name.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLES, CliResult
from tpo_scoping.errors import InputError
from tpo_scoping.serialize import remove_stale_temporaries, write_atomic

PROFILE = SAMPLES / "small_simple" / "profile.yaml"
DATA = SAMPLES / "small_simple" / "data"
DEADLINE_S = 20


@pytest.fixture
def run(cli: Any, specials: dict[str, Path]) -> Any:
    """``tpo-scoping ARGS`` in-process. A command that blocks on the FIFO is unblocked after
    ``DEADLINE_S`` by opening its write end, so that a hang fails the test instead of stalling
    the suite."""

    def unblock() -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(specials["fifo"], os.O_WRONLY | os.O_NONBLOCK))

    def call(*args: object) -> CliResult:
        watchdog = threading.Timer(DEADLINE_S, unblock)
        watchdog.start()
        start = time.monotonic()
        try:
            result = cli(*args)
        finally:
            watchdog.cancel()
        assert time.monotonic() - start < DEADLINE_S, f"{args[0]} waited on a special file"
        return result

    return call


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A FIFO, a listening Unix socket and (as root) a character device node, in tmp_path."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.yaml"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    server.listen(1)
    found = {"fifo": fifo, "socket": sock_path, "device": Path("/dev/zero")}
    try:
        yield found
    finally:
        server.close()


PROFILE_COMMANDS = [
    ["validate", "{p}"],
    ["breakeven", "{p}", "--simulations", "0", "--no-sensitivity"],
    ["kpis", "{p}"],
    ["scope", "{p}", "--simulations", "0", "--format", "json"],
    ["needs", str(DATA), "--profile", "{p}"],
    ["run-notebooks", "{p}", "--out", "{out}"],
]
DATA_COMMANDS = [
    ["needs", "{p}"],
    ["kpis", str(PROFILE), "--data", "{p}"],
    ["scope", str(PROFILE), "--data", "{p}", "--simulations", "0", "--format", "json"],
    ["run-notebooks", str(PROFILE), "--data", "{p}", "--out", "{out}"],
]


def _fill(command: list[str], path: Path, out: Path) -> list[str]:
    return [part.format(p=path, out=out) for part in command]


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("command", PROFILE_COMMANDS, ids=lambda c: c[0])
def test_special_profile_is_refused_at_once(
    run: Any, specials: dict[str, Path], tmp_path: Path, kind: str, command: list[str]
) -> None:
    result = run(*_fill(command, specials[kind], tmp_path / "out"))
    assert result.code == 2, result.err[-500:]
    assert "not a regular file" in result.err and str(specials[kind]) in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
def test_special_data_path_is_refused_at_once(
    run: Any, specials: dict[str, Path], tmp_path: Path, kind: str, command: list[str]
) -> None:
    result = run(*_fill(command, specials[kind], tmp_path / "out"))
    assert result.code == 2, result.err[-500:]
    assert "not a regular file" in result.err
    assert not (tmp_path / "out").exists(), "nothing runs before the inputs are checked"


def test_profile_pointing_at_a_fifo_is_refused(
    run: Any, specials: dict[str, Path], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        PROFILE.read_text("utf-8").split("data:")[0] + f"data:\n  path: {specials['fifo']}\n"
    )
    for command in (["scope", profile, "--simulations", "0"], ["kpis", profile]):
        result = run(*command)
        assert result.code == 2, result.err[-500:]
        assert "named pipe" in result.err


# --------------------------------------------------------------------------------------------
# --out


def _device_node(folder: Path) -> Path | None:
    """A character device node of our own (a copy of /dev/null's numbers), when we may make one."""
    path = folder / "node"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        return None
    return path


@pytest.mark.parametrize("kind", ["symlink", "dangling_symlink", "fifo", "socket", "device"])
def test_out_refuses_what_is_not_a_regular_file(cli: Any, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "real.json"
    target.write_text("keep me")
    out = tmp_path / "out.json"
    server = None
    if kind == "symlink":
        out.symlink_to(target)
    elif kind == "dangling_symlink":
        out.symlink_to(tmp_path / "nowhere.json")
    elif kind == "fifo":
        os.mkfifo(out)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(out))
    else:
        node = _device_node(tmp_path)
        if node is None:
            pytest.skip("making a device node needs root")
        out = node
    before = os.lstat(out)
    try:
        for command in (
            ["breakeven", PROFILE, "--simulations", "0", "--format", "json", "--out", out],
            ["needs", DATA, "--format", "json", "--out", out],
            ["kpis", PROFILE, "--format", "xlsx", "--out", out],
            ["scope", PROFILE, "--simulations", "0", "--format", "html", "--out", out],
        ):
            result = cli(*command)
            assert result.code == 2, result.err[-500:]
            assert str(out) in result.err and "Traceback" not in result.err
            after = os.lstat(out)
            assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), "replaced"
    finally:
        if server is not None:
            server.close()
    assert target.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_still_replaces_a_regular_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")
    result = cli("breakeven", PROFILE, "--simulations", "0", "--format", "json", "--out", out)
    assert result.code == 0, result.err
    assert '"break_even_fte"' in out.read_text()


def test_run_notebooks_out_must_be_a_folder(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "a_file"
    out.write_text("x")
    result = cli("run-notebooks", PROFILE, "--out", out)
    assert result.code == 2 and "not a folder" in result.err
    assert out.read_text() == "x"


# --------------------------------------------------------------------------------------------
# Temporary files


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_failed_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(InputError, match="No space left"):
        write_atomic(tmp_path / "brief.html", "x" * 1000)
    assert _hidden(tmp_path) == [] and not (tmp_path / "brief.html").exists()


# A child that writes through write_atomic under the CLI's signal handling and stops inside the
# write (after the temporary file exists) until it is signalled.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from tpo_scoping.cli import _exit_cleanly_on_termination
    from tpo_scoping.serialize import write_atomic

    def stall(fd):
        print("writing", flush=True)
        time.sleep(120)

    os.fsync = stall
    with _exit_cleanly_on_termination():
        write_atomic(Path(sys.argv[1]), b"x" * 100_000)
    """
)


def _stalled_writer(out: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE, text=True, cwd=str(ROOT)
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    assert len(_hidden(out.parent)) == 1, "the temporary file exists while writing"
    return child


def test_sigterm_mid_write_removes_the_temporary(tmp_path: Path) -> None:
    child = _stalled_writer(tmp_path / "brief.xlsx")
    child.terminate()
    assert child.wait(timeout=30) == 128 + 15
    assert _hidden(tmp_path) == [] and not (tmp_path / "brief.xlsx").exists()


def test_kill_9_leftover_is_removed_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "brief.xlsx"
    child = _stalled_writer(out)
    child.kill()
    child.wait(timeout=30)
    (left,) = _hidden(tmp_path)
    assert left.startswith(".brief.xlsx.") and left.endswith(".tmp")
    # Another file's temporaries and a live process's are not touched.
    other = tmp_path / f".other.xlsx.{child.pid}.abc.tmp"
    other.write_text("")
    live = tmp_path / f".brief.xlsx.{os.getpid()}.abc.tmp"
    live.write_text("")
    write_atomic(out, b"fresh")
    assert out.read_bytes() == b"fresh"
    assert _hidden(tmp_path) == sorted([other.name, live.name])
    assert remove_stale_temporaries(out) == []
