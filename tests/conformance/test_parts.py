"""A long check's parts: fixed sizes, side by side under ``jobs``, errors not swallowed."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from lotuspay_contract.conformance.suite._parts import run_parts
from lotuspay_contract.conformance.suite._stateful import part_sizes


def _ctx(jobs: int) -> Any:
    return SimpleNamespace(session=SimpleNamespace(jobs=jobs), check=SimpleNamespace(id="X-T-1"))


@pytest.mark.parametrize(
    ("examples", "sizes"),
    [(2, [2]), (10, [10]), (15, [8, 7]), (100, [10] * 10), (101, [10, 10] + [9] * 9)],
)
def test_parts_have_fixed_sizes_that_add_up(examples: int, sizes: list[int]) -> None:
    got = part_sizes(examples)
    assert sum(got) == examples
    assert got == sizes


def test_parts_run_side_by_side_with_jobs() -> None:
    # Three parts meet at a barrier: only if they run at the same time do they all get past it.
    barrier = threading.Barrier(3, timeout=10)
    passed: list[int] = []

    def part(n: int) -> None:
        barrier.wait()
        passed.append(n)

    run_parts(_ctx(3), [lambda n=n: part(n) for n in range(3)])
    assert sorted(passed) == [0, 1, 2]


def test_parts_run_one_after_another_with_one_job() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def part() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.01)
        with lock:
            running -= 1

    run_parts(_ctx(1), [part] * 4)
    assert most == 1


def test_a_failing_part_fails_the_check_and_no_new_part_starts() -> None:
    started: list[int] = []
    first_failed = threading.Event()

    def part(n: int) -> None:
        started.append(n)
        if n == 0:
            first_failed.set()
            raise RuntimeError("part 0 broke")
        first_failed.wait(5)

    with pytest.raises(RuntimeError, match="part 0 broke"):
        run_parts(_ctx(2), [lambda n=n: part(n) for n in range(20)])
    assert len(started) < 20
