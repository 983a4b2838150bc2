"""A long check's independent parts, run side by side when the run has jobs to spare.

The state machine and the fuzz phase are each one check but many independent Hypothesis runs
(the fuzz phase one per operation; the machine's examples split into fixed parts, each with its
own seed). With ``run --jobs N`` their parts run in up to N threads of their own, so one long check
no longer bounds a parallel run. The parts and their seeds do not depend on ``jobs``: only the
time they take does, never the requests they send or the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from ._context import CheckContext
from ._parallel import hypothesis_thread_safe

__all__ = ["run_parts"]


def run_parts(ctx: CheckContext, parts: Sequence[Callable[[], None]]) -> None:
    """Call every part, up to the run's ``jobs`` at a time; re-raise the first part's error.

    Parts run one after another when the run has one job or the installed Hypothesis cannot run
    tests in several threads. After an error no part not yet started starts.
    """
    jobs = min(ctx.session.jobs, len(parts))
    if jobs <= 1 or not hypothesis_thread_safe():
        for part in parts:
            part()
        return
    with ThreadPoolExecutor(jobs, thread_name_prefix=f"{ctx.check.id}-part") as pool:
        futures = [pool.submit(part) for part in parts]
        _, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        wait(pending)  # the parts already running end before the check does
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
