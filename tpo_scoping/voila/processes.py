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


def _server_and_descendants(server_pid: int) -> list[psutil.Process]:
    """The server process (while it runs) followed by every process under it."""
    processes = _descendants(server_pid)
    with contextlib.suppress(psutil.NoSuchProcess):
        processes.insert(0, psutil.Process(server_pid))
    return processes


def resident_mb(server_pid: int, *, kernels_only: bool = False) -> dict[int, float]:
    """Resident memory in MB per process: the server and its descendants, or only kernels."""
    processes = (
        kernel_processes(server_pid) if kernels_only else _server_and_descendants(server_pid)
    )
    out: dict[int, float] = {}
    for process in processes:
        try:
            out[process.pid] = process.memory_info().rss / 1e6
        except _GONE:
            continue
    return out


def _cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds (user + system) used so far, per process still running."""
    out: dict[int, float] = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except _GONE:
            continue
        out[process.pid] = times.user + times.system
    return out


def wait_until_settled(
    server_pid: int,
    *,
    kernels: int,
    timeout: float = 300.0,
    window: float = 2.0,
    busy_share: float = 0.1,
) -> bool:
    """Wait until at least ``kernels`` kernels run and the server with all its processes uses
    under ``busy_share`` of a core over ``window`` seconds: the pool has executed its notebooks
    and the server has finished with the last page (rendering a refilled pool's pages, shutting
    a closed page's kernel down), with no kernel starting or exiting meanwhile. False on
    timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels_before = {p.pid for p in kernel_processes(server_pid)}
        if len(kernels_before) < kernels:
            time.sleep(0.5)
            continue
        watched = _server_and_descendants(server_pid)
        before = _cpu_seconds(watched)
        time.sleep(window)
        after = _cpu_seconds(watched)
        # Per process: a process that exits during the window (a closed page's kernel) takes
        # its whole CPU history with it, which summed totals would count as negative use.
        used = sum(after[pid] - before[pid] for pid in after.keys() & before.keys())
        # Kernels that started or exited during the window: the pool is still changing.
        steady = {p.pid for p in kernel_processes(server_pid)} == kernels_before
        if steady and used < busy_share * window:
            return True
    return False
