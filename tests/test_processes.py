"""Kernel accounting under a server process, against real child processes."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tpo_scoping.voila.processes import kernel_processes, resident_mb, wait_until_settled

IDLE = "import time; time.sleep(60)"
BUSY = "while True: pass"


def _server(kernel_code: str) -> str:
    """A stand-in server: one child whose command line names ipykernel, one that does not."""
    return (
        "import subprocess, sys, time\n"
        f"k = subprocess.Popen([sys.executable, '-c', {kernel_code!r}, 'ipykernel_launcher'])\n"
        f"o = subprocess.Popen([sys.executable, '-c', {IDLE!r}])\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _server(request.param)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
    try:
        yield proc
    finally:
        import psutil

        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("server", [IDLE], indirect=True)
def test_counts_only_kernels_and_settles_when_idle(server: subprocess.Popen[str]) -> None:
    import time

    deadline = time.monotonic() + 10
    while len(kernel_processes(server.pid)) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(kernel_processes(server.pid)) == 1
    everything = resident_mb(server.pid)
    kernels = resident_mb(server.pid, kernels_only=True)
    assert len(everything) == 3 and server.pid in everything
    assert set(kernels) < set(everything) and len(kernels) == 1
    assert all(mb > 1 for mb in everything.values())
    assert wait_until_settled(server.pid, kernels=1, timeout=10, window=0.5)


@pytest.mark.parametrize("server", [BUSY], indirect=True)
def test_a_busy_kernel_never_settles(server: subprocess.Popen[str]) -> None:
    assert not wait_until_settled(server.pid, kernels=1, timeout=2, window=0.5)


@pytest.mark.parametrize("server", [IDLE], indirect=True)
def test_waits_for_the_number_of_kernels_asked(server: subprocess.Popen[str]) -> None:
    assert not wait_until_settled(server.pid, kernels=2, timeout=1.5, window=0.5)


class _FakeProcess:
    """A process whose successive ``cpu_times()`` are given; ``None`` means it has exited."""

    def __init__(self, pid: int, cmdline: list[str], cpu: Iterator[float | None]) -> None:
        self.pid = pid
        self._cmdline = cmdline
        self._cpu = cpu
        self._exited = False

    def cmdline(self) -> list[str]:
        import psutil

        if self._exited:
            raise psutil.NoSuchProcess(self.pid)
        return self._cmdline

    def cpu_times(self) -> object:
        import psutil

        value = None if self._exited else next(self._cpu)
        if value is None:
            self._exited = True
            raise psutil.NoSuchProcess(self.pid)
        return SimpleNamespace(user=value, system=0.0)


def _exited() -> Iterator[None]:
    while True:
        yield None


@pytest.mark.parametrize(
    ("pool_cpu", "settles"),
    [
        (itertools.count(1.0, 2.0), False),  # busy: two CPU-seconds between any two readings
        (itertools.repeat(1.0), True),  # idle
    ],
)
def test_a_kernel_exiting_during_the_window_does_not_hide_a_busy_one(
    monkeypatch: pytest.MonkeyPatch, pool_cpu: Iterator[float], settles: bool
) -> None:
    """A closed page's kernel takes its CPU history with it when it exits; summed totals would
    then drop and call the busy kernel beside it (a refilling pool) quiet."""
    from tpo_scoping.voila import processes

    pool = _FakeProcess(1, ["python", "-m", "ipykernel_launcher"], pool_cpu)
    closed_page = _FakeProcess(
        2, ["python", "-m", "ipykernel_launcher"], itertools.chain([9.0], _exited())
    )
    monkeypatch.setattr(processes, "_descendants", lambda _pid: [pool, closed_page])
    absent = 2**22 + 1  # above Linux's largest pid: psutil finds no such server process
    assert wait_until_settled(absent, kernels=1, timeout=0.3, window=0.01) is settles
