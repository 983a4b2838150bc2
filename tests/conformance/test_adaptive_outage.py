"""The adaptive window (AIMD) and the outage watch: pure counting, no clock, no network."""

from __future__ import annotations

import threading

import pytest

from lotuspay_contract.conformance.client import AdaptiveLimit, DeadlineReached
from lotuspay_contract.conformance.client._outage import (
    OUTAGE_ANSWERS,
    OutageWatch,
    TargetUnavailable,
)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _forever() -> float:
    return float("inf")


def test_a_429_halves_the_window_and_paces_starts() -> None:
    clock = _Clock()
    limit = AdaptiveLimit(4, maximum=8, clock=clock)
    limit.acquire(_forever)
    limit.observe(429)
    limit.release()
    assert limit.window == 2
    assert limit.pause > 0
    limit.acquire(_forever)
    limit.acquire(_forever)  # the second start waits the pause
    assert clock.slept == [pytest.approx(limit.pause)]
    assert limit.in_flight == 2
    for _ in range(2):
        limit.observe(429)
    assert limit.window == 1  # never below the minimum


def test_a_429_saying_retry_now_halves_the_window_without_a_pause() -> None:
    limit = AdaptiveLimit(4, maximum=8, clock=_Clock())
    limit.observe(429, retry_now=True)
    assert limit.window == 2
    assert limit.pause == 0


def test_answers_without_429_widen_the_window_up_to_the_maximum() -> None:
    limit = AdaptiveLimit(1, maximum=3, clock=_Clock())
    for _ in range(100):
        limit.acquire(_forever)
        limit.observe(200)
        limit.release()
    assert limit.window == 3
    assert limit.pause == 0
    limit.acquire(_forever)
    limit.observe(0)  # no answer: says nothing about throttling
    assert limit.window == 3


def test_a_full_window_waits_for_a_release_and_a_deadline_ends_the_wait() -> None:
    limit = AdaptiveLimit(1, maximum=1, clock=_Clock())
    limit.acquire(_forever)
    passed = threading.Event()
    outcome: list[BaseException] = []

    def time_left() -> float:
        if passed.is_set():
            raise DeadlineReached("the run's deadline has passed")
        return 1.0

    def waiter() -> None:
        try:
            limit.acquire(time_left)
        except DeadlineReached as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    passed.set()
    limit.wake()  # as abort() does
    thread.join()
    assert len(outcome) == 1
    assert limit.in_flight == 1  # the waiter took no place


def test_a_sustained_stretch_over_several_operations_is_an_outage() -> None:
    watch = OutageWatch()
    paths = ["/v1/customers", "/v1/customers/cus_AbC123", "/v1/customers/cus_x1/bank_accounts"]
    for index in range(OUTAGE_ANSWERS - 1):
        watch.record("GET", paths[index % 3], 503)
    watch.check()  # one answer short
    watch.record("POST", "/v1/customers", 0)  # no answer counts too
    with pytest.raises(TargetUnavailable, match="target unavailable"):
        watch.check()


def test_5xx_to_one_operation_or_among_normal_answers_is_no_outage() -> None:
    watch = OutageWatch()
    for _ in range(10 * OUTAGE_ANSWERS):  # a fault: every malformed create answers 500
        watch.record("POST", "/v1/customers", 500)
    watch.check()
    for index in range(10 * OUTAGE_ANSWERS):
        watch.record("GET", f"/v1/customers/cus_{index}", 500 if index % 10 else 200)
        watch.record("POST", "/v1/customers", 500)
    watch.check()
