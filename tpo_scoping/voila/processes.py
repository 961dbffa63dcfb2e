"""The kernels under a running workbench server, seen from outside (psutil).

Operators, the load benchmark and the browser tests ask the same three questions of a
``tpo-scoping serve`` process: which kernels it runs, how much memory it holds with them, and
whether its kernel pool has finished warming up (kernels started ahead of any visitor execute
their app notebook, which takes seconds of CPU each; a page that arrives meanwhile waits).
"""

from __future__ import annotations

import contextlib
import time

import psutil

_GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)
"""A process that exited (or turned unreadable) between listing it and asking about it."""


def _descendants(server_pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


KERNEL_MARKERS = ("ipykernel", "tpo_scoping.voila.kernel")
"""Command-line words of a kernel: ipykernel's launcher, or the served apps' kernel."""


def _is_kernel(process: psutil.Process) -> bool:
    try:
        return any(marker in part for part in process.cmdline() for marker in KERNEL_MARKERS)
    except _GONE:
        return False


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The IPython kernels the server started (pooled or serving a page)."""
    return [p for p in _descendants(server_pid) if _is_kernel(p)]


def resident_mb(server_pid: int, *, kernels_only: bool = False) -> dict[int, float]:
    """Resident memory in MB per process: the server and its descendants, or only kernels."""
    processes = kernel_processes(server_pid) if kernels_only else _descendants(server_pid)
    if not kernels_only:
        with contextlib.suppress(psutil.NoSuchProcess):
            processes.insert(0, psutil.Process(server_pid))
    out: dict[int, float] = {}
    for process in processes:
        try:
            out[process.pid] = process.memory_info().rss / 1e6
        except _GONE:
            continue
    return out


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except _GONE:
            continue
        total += times.user + times.system
    return total


def wait_until_settled(
    server_pid: int,
    *,
    kernels: int,
    timeout: float = 300.0,
    window: float = 2.0,
    busy_share: float = 0.1,
) -> bool:
    """Wait until at least ``kernels`` kernels run and together use under ``busy_share`` of a
    core over ``window`` seconds (the pool has executed its notebooks). False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = kernel_processes(server_pid)
        if len(found) >= kernels:
            before = _cpu_seconds(found)
            time.sleep(window)
            if _cpu_seconds(found) - before < busy_share * window:
                return True
        else:
            time.sleep(0.5)
    return False
