"""Who gets a kernel: a cap per server, a rate per visitor, and a polite page for the rest.

Every page a visitor opens runs in its own Python kernel (about 200 MB and a few CPU-seconds to
start), so an unbounded stream of anonymous requests would exhaust the machine. The server keeps
one :class:`Admission` and asks it before rendering a page:

* **a cap on kernels per server**: the kernels alive, plus those starting, plus the requests
  already admitted whose kernel has not started yet, never exceed ``max_kernels``. Past it the
  visitor gets :func:`busy_page` with status 503 and ``Retry-After``, and no kernel starts;
* **a rate per client address**: at most ``per_address_per_minute`` admitted pages per address
  (IPv6: per /64 network, what one subscriber is usually given) in any 60 seconds. Past it the
  visitor gets status 429 with ``Retry-After`` (the seconds until the oldest counted page leaves
  the window), and no kernel starts.

Accounting is in aggregate, which is exact because every admitted page makes exactly one kernel
start: its own, or, when it takes a preheated kernel from the pool, the pool's refill. Admitting
takes a reservation; the next kernel start turns the oldest reservation into a starting kernel
(:meth:`Admission.kernel_starting`). A reservation whose start never comes (the visitor left
before the kernel started, the notebook failed to load) expires after
:data:`RESERVATION_SECONDS`, so capacity cannot leak.

Examples
--------
>>> gate = Admission(max_kernels=2, per_address_per_minute=2, clock=lambda: 0.0)
>>> [gate.admit("203.0.113.9", kernels_alive=0).status for _ in range(3)]
[200, 200, 429]
>>> gate.admit("198.51.100.7", kernels_alive=0).status  # two reservations fill the cap of 2
503
"""

from __future__ import annotations

import html
import ipaddress
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WINDOW_SECONDS = 60.0
"""The per-address rate counts the pages admitted in the last minute."""

RESERVATION_SECONDS = 120.0
"""An admitted page whose kernel has not started within this long gives its place back."""

BUSY_RETRY_SECONDS = 60
"""What a visitor refused for want of capacity is told to wait (``Retry-After``)."""

MAX_TRACKED_ADDRESSES = 100_000
"""Beyond this many addresses in the window, the oldest are forgotten (bounded memory)."""


@dataclass(frozen=True)
class Decision:
    """Whether a page may start a kernel; when not, the status, the wait and why."""

    status: int
    retry_after: int = 0
    reason: str = ""

    @property
    def admitted(self) -> bool:
        return self.status == 200


ADMITTED = Decision(200)


def address_key(address: str) -> str:
    """The unit the per-address rate counts: an IPv4 address, or an IPv6 /64 network.

    Examples
    --------
    >>> address_key("2001:db8:1:2:aaaa::1"), address_key("192.0.2.1")
    ('2001:db8:1:2::/64', '192.0.2.1')
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass
class Admission:
    """The server's capacity ledger (see the module docstring). ``0`` turns a limit off."""

    max_kernels: int = 0
    per_address_per_minute: int = 0
    clock: Callable[[], float] = time.monotonic
    starting: int = 0
    _reservations: deque[float] = field(default_factory=deque)
    _pages: dict[str, deque[float]] = field(default_factory=dict)
    refused: dict[int, int] = field(default_factory=lambda: {429: 0, 503: 0})

    @property
    def reserved(self) -> int:
        """Admitted pages whose kernel has not started yet (expired ones dropped)."""
        self._expire(self.clock())
        return len(self._reservations)

    def admit(self, address: str, kernels_alive: int) -> Decision:
        """Decide for one page request from ``address``; ``kernels_alive`` is how many kernels
        the server runs now (registered ones; starting ones are counted here)."""
        now = self.clock()
        self._expire(now)
        key = address_key(address)
        pages = self._pages.get(key)
        if self.per_address_per_minute > 0 and pages is not None:
            while pages and pages[0] <= now - WINDOW_SECONDS:
                pages.popleft()
            if len(pages) >= self.per_address_per_minute:
                wait = max(1, math.ceil(pages[0] + WINDOW_SECONDS - now))
                self.refused[429] += 1
                return Decision(429, wait, "too many new pages from this address this minute")
        if self.max_kernels > 0:
            in_use = kernels_alive + self.starting + len(self._reservations)
            if in_use >= self.max_kernels:
                self.refused[503] += 1
                return Decision(503, BUSY_RETRY_SECONDS, "every kernel of this server is in use")
        self._reservations.append(now)
        if self.per_address_per_minute > 0:
            if pages is None:
                if len(self._pages) >= MAX_TRACKED_ADDRESSES:
                    self._forget_old(now)
                pages = self._pages.setdefault(key, deque())
            pages.append(now)
        return ADMITTED

    def kernel_starting(self) -> None:
        """A kernel starts (a visitor's or a pool refill): it takes the oldest reservation."""
        if self._reservations:
            self._reservations.popleft()
        self.starting += 1

    def kernel_started(self) -> None:
        """The start has finished (the kernel is registered with the server, or failed)."""
        self.starting = max(0, self.starting - 1)

    def _expire(self, now: float) -> None:
        while self._reservations and self._reservations[0] <= now - RESERVATION_SECONDS:
            self._reservations.popleft()

    def _forget_old(self, now: float) -> None:
        for key in [k for k, v in self._pages.items() if not v or v[-1] <= now - WINDOW_SECONDS]:
            del self._pages[key]
        while len(self._pages) >= MAX_TRACKED_ADDRESSES:
            del self._pages[next(iter(self._pages))]


def busy_page(decision: Decision) -> str:
    """The page a refused visitor sees: what happened, when to come back; no script, no asset.

    It reloads itself after ``Retry-After`` seconds, which is what the visitor would do.

    Examples
    --------
    >>> "retry in a minute" in busy_page(Decision(503, 60, "full"))
    True
    """
    if decision.status == 429:
        title = "Please wait a moment"
        text = (
            "You have opened the calculator many times in the last minute. Please retry in "
            f"{decision.retry_after} seconds; this page will try again by itself."
        )
    else:
        title = "The calculator is busy"
        text = (
            "Many people are using the calculator right now. Please retry in a minute; this "
            "page will try again by itself."
        )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='{int(decision.retry_after)}'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:16px/1.5 'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1d2433;"
        "max-width:560px;margin:80px auto;padding:0 24px}h1{color:#1f6f8b;font-size:24px}"
        "</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        "</body></html>\n"
    )


def capped_kernel_manager(base: type) -> type:
    """``base`` (a jupyter_server kernel manager class) telling the server's
    :class:`Admission` (``parent.tpo_admission``) when a kernel starts.

    Voilà builds its pooling kernel manager on top of this class, so pool refills are seen too.
    """

    class CappedKernelManager(base):  # type: ignore[misc,valid-type]
        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            admission = getattr(self.parent, "tpo_admission", None)
            if admission is None:
                return str(await super().start_kernel(*args, **kwargs))
            admission.kernel_starting()
            try:
                return str(await super().start_kernel(*args, **kwargs))
            finally:
                admission.kernel_started()

    CappedKernelManager.__qualname__ = f"Capped{base.__name__}"
    return CappedKernelManager
