"""A long check's parts: fixed sizes, side by side under ``jobs``, errors not swallowed."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from lotuspay_contract.conformance.client import DeadlineReached
from lotuspay_contract.conformance.suite._failure import CheckFailure
from lotuspay_contract.conformance.suite._parts import run_parts
from lotuspay_contract.conformance.suite._stateful import part_sizes
from lotuspay_contract.conformance.validation import Level


def _ctx(jobs: int) -> Any:
    added: list[Any] = []
    session = SimpleNamespace(jobs=jobs, client=None, live_client=None)
    return SimpleNamespace(
        session=session, check=SimpleNamespace(id="X-T-1"), added=added, add=added.append
    )


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


def test_every_parts_finding_is_kept_and_the_deadline_ends_the_check() -> None:
    # Part 1's finding must not be lost because part 0 then met the deadline.
    found = CheckFailure("X-T-1", "t", Level.MUST, "part 1 found a MUST difference")
    gate = threading.Event()

    def part0() -> None:
        gate.wait(5)
        raise DeadlineReached("deadline")

    def part1() -> None:
        gate.set()
        raise found

    ctx = _ctx(2)
    with pytest.raises(DeadlineReached):
        run_parts(ctx, [part0, part1])
    assert ctx.added == [found]


def test_parallel_runs_serialise_ast_parse_once_and_keep_it_working() -> None:
    import ast
    import sys

    from lotuspay_contract.conformance.suite._parallel import guard_ast_parse

    guard_ast_parse()
    first = ast.parse
    guard_ast_parse()
    assert ast.parse is first  # idempotent: one wrapper, one lock
    if sys.version_info < (3, 13):
        assert getattr(ast.parse, "_lotuspay_serialised", False)
    assert isinstance(ast.parse("x = 1").body[0], ast.Assign)
