"""Kernel accounting under a server process, against real child processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

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
