"""A long check's independent parts, run side by side when the run has jobs to spare.

The state machine and the fuzz phase are each one check but many independent Hypothesis runs
(the fuzz phase one per operation; the machine's examples split into fixed parts, each with its
own seed). With ``run --jobs N`` (``--lotuspay-jobs N`` in the plugin) their parts run in up to N
threads of their own, so one long check no longer bounds a parallel run. The parts and their
seeds do not depend on ``jobs``: only the time they take does, never the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from ..client import DeadlineReached
from ._context import CheckContext
from ._failure import CheckFailure
from ._parallel import guard_ast_parse, hypothesis_thread_safe

__all__ = ["run_parts"]


def _gravity(error: BaseException) -> int:
    """Which of several parts' errors ends the check: an interrupt, then the deadline, then
    the rest (a target error, a bug)."""
    return (
        0
        if isinstance(error, KeyboardInterrupt)
        else 1
        if isinstance(error, DeadlineReached)
        else 2
    )


def run_parts(ctx: CheckContext, parts: Sequence[Callable[[], None]]) -> None:
    """Call every part, up to the run's ``jobs`` at a time.

    Parts run one after another when the run has one job or the installed Hypothesis cannot run
    tests in several threads. Side by side, after a part's error no further part starts; every
    part's finding is recorded (none is lost to another part's error), then the gravest other
    error is raised. An interrupt in the waiting thread (the plugin runs checks in pytest's main
    thread) aborts the clients, so the parts in flight end at once.
    """
    jobs = min(ctx.session.jobs, len(parts))
    if jobs <= 1 or not hypothesis_thread_safe():
        for part in parts:
            part()
        return
    guard_ast_parse()
    pool = ThreadPoolExecutor(jobs, thread_name_prefix=f"{ctx.check.id}-part")
    futures = [pool.submit(part) for part in parts]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
    except BaseException:
        for client in (ctx.session.client, ctx.session.live_client):
            if client is not None:
                client.abort()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    errors = [f.exception() for f in futures if not f.cancelled() and f.exception() is not None]
    others: list[BaseException] = []
    for error in errors:
        if isinstance(error, CheckFailure):
            ctx.add(error)
        elif error is not None:
            others.append(error)
    if others:
        raise min(others, key=_gravity)
