"""Run the checks catalogue against a target and collect a verdict per check.

The runner owns the clients, the run's shared fixtures and the order of checks; the checks only
send requests and judge answers. A check's status comes from its findings' levels: any MUST
finding fails it; a SHOULD finding fails it under ``strict`` and warns otherwise; a MAY finding is
a note. A target that stops answering stops the run early (bounded time on a hostile server).

A run has a deadline (``max_duration``, by default the tier's :data:`DEFAULT_MAX_DURATION`): the
clients raise :class:`DeadlineReached` past it, and every check not finished by then is reported
as ``skipped`` with the reason :data:`DEADLINE_REASON`. A cut run never exits 0. An interrupt
(``KeyboardInterrupt``, which the CLI also makes of SIGTERM) stops the run the same orderly way,
so the reports are still written.

``jobs`` runs that many scenario checks at a time in threads (:mod:`._parallel`); the verdicts,
and the order they are reported in (the catalogue's), do not depend on it.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Final

import httpx

from ..client import (
    SYSTEM_CLOCK,
    AdaptiveLimit,
    Clock,
    DeadlineReached,
    KeyRefused,
    LiveWriteRefused,
    LotusPayClient,
    OutageWatch,
    RateLimit,
    RateLimited,
    TargetError,
    TargetUnavailable,
    key_mode,
)
from ..redact import remember_secret
from ..settings import DEFAULT_MAX_DURATION, OPTIONS
from ..validation import Level
from . import checks as _builtin_checks  # noqa: F401  (registers the built-in checks)
from ._context import CheckContext, NotExercised, RunSettings, Session
from ._failure import CheckFailure
from ._parallel import SHARED_LOCK, RunState, guard_session, run_scenarios
from ._preflight import MainKeyRefused, TargetUnreachable, preflight
from ._registry import Check, get_check
from ._results import (
    DEADLINE_REASON,
    INTERRUPTED_REASON,
    KEY_REFUSED_STOP,
    NO_EVIDENCE_REASON,
    RATE_LIMITED_REASON,
    TARGET_UNAVAILABLE_STOP,
    CheckResult,
    RunResult,
    status_of,
)
from ._selection import notices_for, select_checks, shard_checks

__all__ = [
    "ADAPTIVE_JOBS",
    "DEADLINE_REASON",
    "DEFAULT_MAX_DURATION",
    "INTERRUPTED_REASON",
    "NO_EVIDENCE_REASON",
    "CheckResult",
    "MainKeyRefused",
    "RunResult",
    "TargetUnreachable",
    "close_session",
    "max_duration_for",
    "new_run_id",
    "notices_for",
    "open_session",
    "response_result",
    "run_check",
    "run_suite",
    "run_traffic",
    "select_checks",
    "shard_checks",
]

_OPERATIONAL: Final = (KEY_REFUSED_STOP, TARGET_UNAVAILABLE_STOP)
_NO_REMIT_REASON: Final = "no answer of the kind it judges was seen"

#: Seconds a run may take, per tier: the settings' one deadline rule.
# Of the run's time, the share all retry waits together may take.
_RETRY_SHARE: Final = 0.25


#: ``jobs=None`` (adaptive): this many checks side by side at most; the requests in flight
#: (checks' and their parts' threads together) start at :data:`_ADAPTIVE_START` and adapt to
#: 429s between 1 and :data:`_ADAPTIVE_MAX` (see :mod:`..client._adaptive`). Without a 429 the
#: window never binds more than ``jobs=8`` would, whose checks and parts may have 16 in flight.
ADAPTIVE_JOBS: Final = 8
_ADAPTIVE_START: Final = 8
_ADAPTIVE_MAX: Final = 16


def new_run_id() -> str:
    """Return a fresh run id: a UTC timestamp and a random suffix, safe in metadata and emails."""
    return time.strftime("%Y%m%dt%H%M%S", time.gmtime()) + secrets.token_hex(3)


def max_duration_for(settings: RunSettings, max_duration: float | None = None) -> float:
    """Return the run's time limit in seconds: ``max_duration``, else the tier's default."""
    if max_duration is not None:
        return max_duration
    return DEFAULT_MAX_DURATION.get(settings.tier.name, DEFAULT_MAX_DURATION["deep"])


def open_session(
    settings: RunSettings,
    checks: Sequence[Check],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    run_deadline: float | None = None,
    retry_budget: float | None = None,
    rate_limit: float | None = None,
    adaptive: bool = False,
    clock: Clock = SYSTEM_CLOCK,
) -> Session:
    """Return a session for ``checks``: clients for the key (and live key), fixtures, findings.

    ``run_deadline`` is the ``time.monotonic()`` past which the clients raise
    :class:`DeadlineReached`; ``retry_budget`` the seconds each may wait on retries;
    ``rate_limit`` the requests per second all its clients together may send, retries included;
    ``adaptive`` keeps as many requests in flight as the target takes without a 429; ``clock``
    is where the clients read the time and wait. The preflight (:mod:`._preflight`) probes each
    key: raises :class:`MainKeyRefused` when the main key is refused, :class:`TargetUnreachable`
    when nothing answers at the base URL (and :class:`DeadlineReached` when the deadline passes
    first). Close it with :func:`close_session`.
    """
    remember_secret(settings.api_key)
    remember_secret(settings.live_key)
    limits: dict[str, Any] = {
        "allow_live": settings.allow_live,
        "transport": transport,
        "timeout": httpx.Timeout(settings.read_timeout, connect=min(5.0, settings.read_timeout)),
        "deadline": settings.deadline,
        "run_deadline": run_deadline,
        "rate_limit": RateLimit(rate_limit, clock=clock) if rate_limit else None,
        "adaptive": (
            AdaptiveLimit(_ADAPTIVE_START, maximum=_ADAPTIVE_MAX, clock=clock) if adaptive else None
        ),
        "raise_rate_limited": True,  # a throttled check is not exercised, never failed
        "clock": clock,
        "outage": OutageWatch(),  # one target: its clients share what they see of an outage
    }
    if retry_budget is not None:
        limits["retry_budget"] = retry_budget
    client = LotusPayClient(settings.base_url, settings.api_key, **limits)
    client.key_labels = _key_labels(settings)
    live_client = None
    if settings.live_key:
        live_client = LotusPayClient(settings.base_url, settings.live_key, **limits)
        live_client.key_labels = client.key_labels
        client.secrets.add(settings.live_key)
    session = Session(settings, client, [c for c in checks if c.kind == "response"], live_client)
    guard_session(session)
    try:
        preflight(session, lambda exc: _record_target_error(session, exc))
    except BaseException:
        close_session(session)
        raise
    return session


def close_session(session: Session) -> None:
    """Close the session's clients."""
    for client in (session.client, session.live_client):
        if client is not None:
            client.close()


def response_result(check: Check, session: Session) -> CheckResult:
    """Return the verdict of response check ``check`` on everything the session saw."""
    ctx = session.response_contexts[check.id]
    status = status_of(ctx.findings, session.settings.strict)
    evidence = ctx.evidence.counts
    reason = None
    if status == "passed" and not evidence:
        status, reason = "not_exercised", _NO_REMIT_REASON
    return CheckResult(
        check, status, ctx.findings, occurrences=ctx.occurrences, reason=reason, evidence=evidence
    )


def run_suite(
    settings: RunSettings,
    *,
    checks: Sequence[Check] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    max_duration: float | None = None,
    rate_limit: float | None = None,
    jobs: int | None = 1,
    clock: Clock = SYSTEM_CLOCK,
) -> RunResult:
    """Run ``checks`` (default: the tier's) against ``settings.base_url``; return the verdicts.

    The run ends within ``max_duration`` seconds (default: the tier's, see
    :data:`DEFAULT_MAX_DURATION`) plus the time to close its connections; what the deadline
    cut is reported as skipped with :data:`DEADLINE_REASON`. A ``KeyboardInterrupt`` ends it
    early too, as :data:`INTERRUPTED_REASON`. ``rate_limit`` paces the requests (per second).
    ``jobs`` runs that many checks at a time (see :mod:`._parallel`); ``None`` adapts: up to
    :data:`ADAPTIVE_JOBS` checks side by side, as many requests in flight as the target takes
    without a 429 (fewer, paced, as soon as it throttles). The verdicts and their order never
    depend on it. ``clock`` is where the run reads the time and waits (a test's own clock
    makes the deadline and the retry waits independent of the machine's speed).

    A refused main key or an unavailable target stops the run with ``stopped`` saying so and
    ``exit_code`` 2, every check skipped for that reason. Raises :class:`TargetUnreachable`
    when nothing answers at the base URL.

    >>> result = run_suite(settings, jobs=None)  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    0
    """
    started = clock.monotonic()
    limit = max_duration_for(settings, max_duration)
    chosen = list(checks) if checks is not None else select_checks(None, settings.tier.name)
    state = RunState(started + limit, on_result, clock=clock)
    session: Session | None = None
    requests = 0
    try:
        session = open_session(
            settings,
            chosen,
            transport=transport,
            run_deadline=started + limit,
            retry_budget=limit * _RETRY_SHARE,
            rate_limit=rate_limit,
            adaptive=jobs is None,
            clock=clock,
        )
        session.jobs = ADAPTIVE_JOBS if jobs is None else jobs
        _run_checks(chosen, session, state)
    except MainKeyRefused as exc:
        state.stop(str(exc))
        requests = exc.requests
    except DeadlineReached:  # in the preflight: nothing ran
        state.stop(DEADLINE_REASON)
    except KeyboardInterrupt:
        state.stop(INTERRUPTED_REASON)
    finally:
        if session is not None:
            close_session(session)
    return _run_result(
        settings, chosen, state, session, clock.monotonic() - started, limit, requests
    )


def _run_checks(chosen: Sequence[Check], session: Session, state: RunState) -> None:
    """Run the scenario checks of ``chosen`` (or the built-in traffic, when there are none)."""
    scenarios = [c for c in chosen if c.kind == "scenario"]
    if not scenarios and (stop := run_traffic(session)) is not None:
        state.stop(stop)
    run_scenarios(scenarios, session, state, run_check, jobs=session.jobs)


def _not_run_reason(stopped: str | None) -> str:
    """The reason of a check a stop kept from running: an operational stop in short."""
    if stopped is None:
        return "not run"
    for stop in _OPERATIONAL:
        if stopped.startswith(stop):
            return f"not run: {stop}"
    return stopped


def _run_result(
    settings: RunSettings,
    chosen: Sequence[Check],
    state: RunState,
    session: Session | None,
    duration: float,
    limit: float,
    requests: int,
) -> RunResult:
    """Return the run's verdicts in catalogue order: what did not run is skipped with why."""
    results = state.results
    # An operational stop judges nothing, the answers seen on the way included.
    judged = session is not None and not str(state.stopped or "").startswith(_OPERATIONAL)
    # Each check names the stop in short; ``stopped`` says it once in full (one line).
    not_run = _not_run_reason(state.stopped)
    for check in chosen:
        if check.kind == "response" and judged:
            assert session is not None
            results[check.id] = response_result(check, session)
        elif check.id not in results or check.kind == "response":
            results[check.id] = CheckResult(check, "skipped", reason=not_run)
    clients = (session.client, session.live_client) if session is not None else ()
    run = RunResult(
        settings,
        [results[c.id] for c in chosen],
        duration,
        session.exchanges if session is not None else requests,
        notices_for(settings, chosen),
        state.stopped,
        limit,
        session.seen.counts if session is not None else Counter(),
        throttled=sum(c.throttled for c in clients if c is not None),
    )
    if run.throttle_note:  # in the JSON and HTML reports too
        run.notices.append(run.throttle_note)
    return run


def run_traffic(session: Session) -> str | None:
    """Give selected response checks answers to judge when no scenario check sends any
    (see :mod:`._traffic`); a target error is recorded like the preflight's. Returns why the
    run must stop (the target is unavailable), else None; throttled traffic just ends early
    (what it did not send, the response checks do not judge: not exercised)."""
    from ._traffic import run_traffic as send_traffic

    try:
        send_traffic(session)
    except TargetError as exc:
        _record_target_error(session, exc)
    except RateLimited:
        pass
    except TargetUnavailable as exc:
        return str(exc)
    return None


def _record_target_error(session: Session, exc: TargetError) -> CheckFailure:
    ctx = session.response_contexts.get("CUS-HTTP-004")
    check = ctx.check if ctx else get_check("CUS-HTTP-004")
    failure = CheckFailure(
        check.id,
        check.title,
        Level.MUST,
        str(exc),
        request=exc.curl,
        seed=session.settings.seed,
        rule=exc.kind,
    )
    if ctx is not None:
        with SHARED_LOCK:  # the response check's context is shared by every thread
            ctx.add(failure)
    return failure


#: The environment variables a curl line names for the configured keys (the CLI reads the
#: first two: ``run --help``), so a pasted curl uses the user's key without printing it.
#: The run's key -> the environment variable the settings read it from (named in curl lines).
KEY_VARIABLES = {
    name: str(next(o.env for o in OPTIONS if o.name == option))
    for name, option in (
        ("api_key", "api_key"),
        ("second_key", "second_api_key"),
        ("live_key", "live_key"),
    )
}


def _key_labels(settings: RunSettings) -> dict[str, str]:
    keys = {name: getattr(settings, name) for name in KEY_VARIABLES}
    return {key: f"${KEY_VARIABLES[name]}" for name, key in keys.items() if key}


def run_check(check: Check, session: Session) -> CheckResult:
    """Run scenario check ``check`` in ``session``; return its verdict (never raises)."""
    settings = session.settings
    if check.writes and key_mode(settings.api_key) == "live" and not settings.allow_live:
        return CheckResult(check, "skipped", reason="writes refused with a live key")
    if check.needs_live_key and session.live_client is None:
        return CheckResult(check, "skipped", reason="needs --live-key")
    ctx = CheckContext(check, session)
    clock = session.client.clock
    started = clock.monotonic()
    status, reason = _call_check(check, ctx, session)
    status = status or status_of(ctx.findings, settings.strict)
    if status == "passed" and not ctx.evidence.counts:
        status, reason = "not_exercised", NO_EVIDENCE_REASON
    return CheckResult(
        check,
        status,
        ctx.findings,
        clock.monotonic() - started,
        reason,
        ctx.occurrences,
        ctx.evidence.counts,
    )


def _call_check(check: Check, ctx: CheckContext, session: Session) -> tuple[str | None, str | None]:
    """Call the check; return the status and reason its end gives (None: its findings')."""
    try:
        check.func(ctx)
    except CheckFailure as failure:
        ctx.add(failure)
    except TargetError as exc:
        target = _record_target_error(session, exc)
        finding = ctx.finding(f"a request got no usable answer: {target.message}", rule=exc.kind)
        finding.request = exc.curl
        ctx.add(finding)
        return "error", "target"
    except (LiveWriteRefused, NotExercised, KeyRefused, TargetUnavailable) as exc:
        return _stopped_by(exc, ctx)
    except RateLimited as exc:
        # Throttled: it judged nothing more; what it found before stands, as at the deadline.
        why = f"{RATE_LIMITED_REASON}: {exc.throttled} answer(s) 429 to one request ({exc})"
        return _cut_short(ctx, "not_exercised", why)
    except DeadlineReached:
        return _cut_short(ctx, "skipped", DEADLINE_REASON)
    except Exception as exc:  # a bug in a check or a value the check did not foresee
        ctx.add(ctx.finding(f"the check could not finish: {type(exc).__name__}: {exc}"))
        return "error", "exception"
    return None, None


def _cut_short(ctx: CheckContext, status: str, reason: str) -> tuple[str | None, str]:
    """A check cut short keeps a failure it found before; otherwise it is ``status``."""
    if status_of(ctx.findings, ctx.settings.strict) == "failed":
        return None, reason
    return status, reason


def _stopped_by(exc: BaseException, ctx: CheckContext) -> tuple[str, str]:
    """The status and reason of a check an operational reason stopped (never a verdict)."""
    if isinstance(exc, NotExercised):
        return "not_exercised", exc.reason
    if isinstance(exc, KeyRefused):
        return "not_exercised", str(exc)
    if isinstance(exc, TargetUnavailable):
        ctx.findings.clear()  # answers of an outage judge nothing
        return "skipped", str(exc)
    return "skipped", str(exc)  # LiveWriteRefused
