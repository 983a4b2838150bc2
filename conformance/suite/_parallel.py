"""Running a run's scenario checks, one at a time or ``jobs`` at a time, and what they share.

The work is I/O bound (a check mostly waits for answers), so ``jobs`` checks run in threads
against one thread-safe client. What the checks share is guarded here: :class:`RunState` (the
results, why the run stopped) under its lock, and the session's response checks and counters
under :data:`SHARED_LOCK` (see :func:`guard_session`).

Checks that drive Hypothesis, the ``fuzz`` family (Schemathesis), ``stateful`` (a state
machine) and any check that calls ``ctx.for_examples``, run in the pool like the others when the
installed Hypothesis is thread-safe (6.136 and later: it runs distinct tests in several threads;
Schemathesis' own runner drives it from worker threads); with an older one (the project accepts
6.100) they run one at a time in the main thread, alongside the pool. Their examples come from
the run's seed and their check id only, so the order the scheduler picks changes no example.

Results are collected by check id and reported in catalogue order, so a run's report is the same
whatever ``jobs`` is; only durations and the order ``on_result`` is called in differ.
"""

from __future__ import annotations

import ast
import functools
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from ..client import SYSTEM_CLOCK, Clock, Exchange
from ._context import Session
from ._registry import Check
from ._results import (
    DEADLINE_REASON,
    INTERRUPTED_REASON,
    TARGET_STOPPED_REASON,
    TARGET_UNAVAILABLE_STOP,
    CheckResult,
)
from ._selection import check_cost

__all__ = [
    "SHARED_LOCK",
    "RunState",
    "drives_hypothesis",
    "guard_ast_parse",
    "guard_session",
    "hypothesis_thread_safe",
    "run_scenarios",
    "runs_serially",
]

#: Guards what every check of a session shares: its response checks' findings and evidence, the
#: exchange and coverage counters (``Session.observe``). Re-entrant: a response check may record.
SHARED_LOCK: Final = threading.RLock()
_STOP_AFTER_TARGET_ERRORS: Final = 3
_SERIAL_FAMILIES: Final = frozenset({"fuzz", "stateful"})
_HYPOTHESIS_HELPERS: Final = frozenset({"for_examples"})
#: The first Hypothesis release that runs tests in several threads at once.
_THREAD_SAFE_HYPOTHESIS: Final = (6, 136)


def hypothesis_thread_safe() -> bool:
    """Return whether the installed Hypothesis runs distinct tests in several threads at once."""
    from hypothesis import __version_info__

    return tuple(__version_info__[:2]) >= _THREAD_SAFE_HYPOTHESIS


_AST_LOCK: Final = threading.Lock()


def guard_ast_parse() -> None:
    """Serialise ``ast.parse`` for the threads of a parallel run (idempotent).

    CPython before 3.13 can fail when two threads build syntax trees at once ("SystemError: AST
    constructor recursion depth mismatch", gh-106905), and Hypothesis parses the source of the
    tests it runs: measured, 3 of 3 deep runs at ``--jobs 8`` lost CUS-STATE-001 to it.
    """
    if sys.version_info >= (3, 13) or getattr(ast.parse, "_lotuspay_serialised", False):
        return
    parse = ast.parse

    @functools.wraps(parse)
    def serialised(*args: Any, **kwargs: Any) -> Any:
        with _AST_LOCK:
            return parse(*args, **kwargs)

    serialised._lotuspay_serialised = True  # type: ignore[attr-defined]
    ast.parse = serialised


def drives_hypothesis(check: Check) -> bool:
    """Return whether ``check`` runs Hypothesis (its family, or it calls ``ctx.for_examples``)."""
    code = getattr(check.func, "__code__", None)
    names = set(code.co_names) if code is not None else set()
    return check.family in _SERIAL_FAMILIES or bool(names & _HYPOTHESIS_HELPERS)


def runs_serially(check: Check) -> bool:
    """Return whether ``check`` must run in the main thread, one at a time: it drives
    Hypothesis and the installed Hypothesis is not thread-safe."""
    return drives_hypothesis(check) and not hypothesis_thread_safe()


def guard_session(session: Session) -> None:
    """Make the session's observer (response checks, counters) safe to call from any thread."""
    observe = session.observe

    def observe_guarded(exchange: Exchange) -> None:
        with SHARED_LOCK:
            observe(exchange)

    for client in (session.client, session.live_client):
        if client is not None:
            client.on_exchange = observe_guarded


class RunState:
    """The results of a run's checks as they finish, and why the run stopped, if it did.

    ``deadline`` is the ``clock.monotonic()`` past which no check starts; three target errors in
    a row (in the order checks finish) stop the run too, and so does a check that found the
    target unavailable (see :mod:`..client._outage`). Thread-safe.
    """

    def __init__(
        self,
        deadline: float,
        on_result: Callable[[CheckResult], None] | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.deadline = deadline
        self.clock = clock
        self.on_result = on_result
        self.results: dict[str, CheckResult] = {}
        self.stopped: str | None = None
        self._target_errors = 0
        self._lock = threading.RLock()

    def stop(self, reason: str) -> None:
        """Stop the run for ``reason``, unless it stopped already."""
        with self._lock:
            self.stopped = self.stopped or reason

    def may_start(self, check: Check) -> bool:
        """Return whether ``check`` may start; if not, record it as skipped with the reason."""
        with self._lock:
            if self.stopped is None and self.clock.monotonic() >= self.deadline:
                self.stopped = DEADLINE_REASON
            if self.stopped is None:
                return True
            reason = self.stopped
            if reason.startswith(TARGET_UNAVAILABLE_STOP):  # said in full once, in ``stopped``
                reason = f"not run: {TARGET_UNAVAILABLE_STOP}"
            self.results[check.id] = CheckResult(check, "skipped", reason=reason)
            return False

    def finish(self, result: CheckResult) -> None:
        """Record the verdict of a check that ran; call ``on_result`` with it."""
        with self._lock:
            if result.reason == DEADLINE_REASON and self.stopped == INTERRUPTED_REASON:
                result.reason = INTERRUPTED_REASON  # cut by the interrupt's abort, not the clock
            self.results[result.check.id] = result
            if result.reason == DEADLINE_REASON or (result.reason or "").startswith(
                TARGET_UNAVAILABLE_STOP
            ):
                self.stop(result.reason or DEADLINE_REASON)
            self._target_errors = self._target_errors + 1 if result.reason == "target" else 0
            if self._target_errors >= _STOP_AFTER_TARGET_ERRORS:
                self.stop(TARGET_STOPPED_REASON)
            if self.on_result is not None:
                self.on_result(result)


def run_scenarios(
    checks: Sequence[Check],
    session: Session,
    state: RunState,
    run_one: Callable[[Check, Session], CheckResult],
    *,
    jobs: int = 1,
) -> None:
    """Run the scenario ``checks`` in ``session``, at most ``jobs`` at a time, into ``state``.

    With ``jobs`` above 1 the checks that drive Hypothesis run in the calling thread while a
    pool runs the rest. On any exception here (``KeyboardInterrupt``) the session's clients are
    aborted, so the checks in flight end at once, before it propagates.
    """

    def run(check: Check) -> None:
        if state.may_start(check):
            state.finish(run_one(check, session))

    if jobs > 1:
        guard_ast_parse()
    serial = [c for c in checks if jobs <= 1 or runs_serially(c)]
    pooled = [c for c in checks if jobs > 1 and not runs_serially(c)]
    if not pooled:
        for check in serial:
            run(check)
        return
    workers = max(1, jobs - 1) if serial else jobs  # the calling thread is one of the jobs
    # The longest first (the state machine, the fuzz phase): they bound the run's wall time.
    tier = session.settings.tier
    pooled.sort(key=lambda c: -check_cost(c, tier))  # stable: ties in catalogue order
    _run_pooled(pooled, serial, run, workers, session, state)


def _run_pooled(
    pooled: Sequence[Check],
    serial: Sequence[Check],
    run: Callable[[Check], None],
    workers: int,
    session: Session,
    state: RunState,
) -> None:
    """Run ``pooled`` in ``workers`` threads and ``serial`` in this one; on any exception abort
    the clients (the checks in flight end at once), then let it propagate."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lotuspay-check")
    try:
        futures = [pool.submit(run, check) for check in pooled]
        for check in serial:
            run(check)
        for future in futures:
            future.result()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            state.stop(INTERRUPTED_REASON)
        for client in (session.client, session.live_client):
            if client is not None:
                client.abort()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
