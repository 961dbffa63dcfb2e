"""The capacity ledger of a server (tpo_scoping.voila.admission), with a clock of our own."""

from __future__ import annotations

import pytest

from tpo_scoping.voila.admission import (
    RESERVATION_SECONDS,
    WINDOW_SECONDS,
    Admission,
    address_key,
    busy_page,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_cap_counts_alive_starting_and_admitted(clock: Clock) -> None:
    gate = Admission(max_kernels=3, clock=clock)
    assert gate.admit("a", kernels_alive=1).admitted
    assert gate.admit("b", kernels_alive=1).admitted  # 1 alive + 2 reserved = 3
    refused = gate.admit("c", kernels_alive=1)
    assert (refused.status, refused.retry_after) == (503, 60)
    gate.kernel_starting()  # a reservation becomes a starting kernel: still 3
    assert gate.admit("c", kernels_alive=1).status == 503
    gate.kernel_started()  # registered now: the caller counts it as alive
    assert gate.admit("c", kernels_alive=2).status == 503
    assert gate.admit("c", kernels_alive=1).admitted  # one kernel was culled meanwhile
    assert gate.refused == {429: 0, 503: 3}


def test_a_reservation_that_never_starts_expires(clock: Clock) -> None:
    gate = Admission(max_kernels=1, clock=clock)
    assert gate.admit("a", kernels_alive=0).admitted
    assert gate.admit("b", kernels_alive=0).status == 503
    clock.now += RESERVATION_SECONDS + 1
    assert gate.reserved == 0
    assert gate.admit("b", kernels_alive=0).admitted


def test_pool_refills_do_not_take_reservations_they_do_not_have(clock: Clock) -> None:
    gate = Admission(max_kernels=2, clock=clock)
    gate.kernel_starting()  # the pool fills at start-up
    assert gate.reserved == 0 and gate.starting == 1
    gate.kernel_started()
    assert gate.starting == 0


def test_the_rate_per_address_slides_with_the_minute(clock: Clock) -> None:
    gate = Admission(per_address_per_minute=2, clock=clock)
    assert gate.admit("192.0.2.1", 0).admitted
    clock.now += 20
    assert gate.admit("192.0.2.1", 0).admitted
    refused = gate.admit("192.0.2.1", 0)
    assert refused.status == 429 and refused.retry_after == 40
    assert gate.admit("192.0.2.2", 0).admitted  # another visitor
    clock.now += 40
    assert gate.admit("192.0.2.1", 0).admitted  # the first page left the window
    clock.now += WINDOW_SECONDS
    assert gate.admit("192.0.2.1", 0).admitted


def test_refused_pages_do_not_count_against_the_visitor(clock: Clock) -> None:
    gate = Admission(max_kernels=2, per_address_per_minute=2, clock=clock)
    assert gate.admit("192.0.2.1", 0).admitted
    gate.kernel_starting()
    gate.kernel_started()
    for _ in range(5):  # another visitor's kernel fills the server meanwhile
        assert gate.admit("192.0.2.1", kernels_alive=2).status == 503
    assert gate.admit("192.0.2.1", kernels_alive=1).admitted  # capacity back: not a 429


def test_ipv6_visitors_count_per_network() -> None:
    gate = Admission(per_address_per_minute=1)
    assert gate.admit("2001:db8:5:6::1", 0).admitted
    assert gate.admit("2001:db8:5:6:ffff::9", 0).status == 429
    assert gate.admit("2001:db8:5:7::1", 0).admitted
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("not an address") == "not an address"


def test_off_means_off() -> None:
    gate = Admission()
    assert all(gate.admit("a", kernels_alive=10_000).admitted for _ in range(100))


def test_busy_pages_say_when_to_come_back() -> None:
    gate = Admission(per_address_per_minute=1, clock=lambda: 0.0)
    gate.admit("a", 0)
    page = busy_page(gate.admit("a", 0))
    assert "retry in 60 seconds" in page and "content='60'" in page
    assert "<script" not in page
