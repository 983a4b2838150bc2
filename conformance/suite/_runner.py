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
    DeadlineReached,
    LiveWriteRefused,
    LotusPayClient,
    RateLimit,
    TargetError,
    key_mode,
)
from ..redact import remember_secret
from ..validation import Level
from . import checks as _builtin_checks  # noqa: F401  (registers the built-in checks)
from ._context import CheckContext, NotExercised, RunSettings, Session
from ._failure import CheckFailure
from ._parallel import SHARED_LOCK, RunState, guard_session, run_scenarios
from ._registry import Check, get_check
from ._results import (
    DEADLINE_REASON,
    INTERRUPTED_REASON,
    NO_EVIDENCE_REASON,
    CheckResult,
    RunResult,
    status_of,
)
from ._selection import notices_for, select_checks, shard_checks

__all__ = [
    "DEADLINE_REASON",
    "DEFAULT_MAX_DURATION",
    "INTERRUPTED_REASON",
    "NO_EVIDENCE_REASON",
    "CheckResult",
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

_NO_REMIT_REASON: Final = "no answer of the kind it judges was seen"

#: Seconds a run may take, per tier: measured against the mock smoke takes ~4 s, standard ~7 s
#: and deep ~50 s; a real server over the internet is many times slower, and a hostile one
#: (always 429, dripping bytes) would otherwise hold a run for ever.
DEFAULT_MAX_DURATION: Final = {"smoke": 120.0, "standard": 600.0, "deep": 1800.0}
# Of the run's time, the share all retry waits together may take.
_RETRY_SHARE: Final = 0.25


class TargetUnreachable(Exception):
    """The target cannot be reached at all (nothing listens, DNS, TLS): no verdict possible."""


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
) -> Session:
    """Return a session for ``checks``: clients for the key (and live key), fixtures, findings.

    ``run_deadline`` is the ``time.monotonic()`` past which the clients raise
    :class:`DeadlineReached`; ``retry_budget`` the seconds each may wait on retries;
    ``rate_limit`` the requests per second all its clients together may send, retries included.
    Raises :class:`TargetUnreachable` when nothing answers at the base URL (and
    :class:`DeadlineReached` when the deadline passes first). Close it with
    :func:`close_session`.
    """
    remember_secret(settings.api_key)
    remember_secret(settings.live_key)
    limits: dict[str, Any] = {
        "allow_live": settings.allow_live,
        "transport": transport,
        "timeout": httpx.Timeout(settings.read_timeout, connect=min(5.0, settings.read_timeout)),
        "deadline": settings.deadline,
        "run_deadline": run_deadline,
        "rate_limit": RateLimit(rate_limit) if rate_limit else None,
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
        _preflight(session)
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
    jobs: int = 1,
) -> RunResult:
    """Run ``checks`` (default: the tier's) against ``settings.base_url``; return the verdicts.

    The run ends within ``max_duration`` seconds (default: the tier's, see
    :data:`DEFAULT_MAX_DURATION`) plus the time to close its connections; what the deadline
    cut is reported as skipped with :data:`DEADLINE_REASON`. A ``KeyboardInterrupt`` ends it
    early too, as :data:`INTERRUPTED_REASON`. ``rate_limit`` paces the requests (per second).
    ``jobs`` runs that many checks at a time (see :mod:`._parallel`): the verdicts and their
    order do not depend on it. Raises :class:`TargetUnreachable` when nothing answers at the
    base URL.

    >>> result = run_suite(settings)  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    0
    """
    started = time.monotonic()
    limit = max_duration_for(settings, max_duration)
    chosen = list(checks) if checks is not None else select_checks(None, settings.tier.name)
    state = RunState(started + limit, on_result)
    session: Session | None = None
    try:
        session = open_session(
            settings,
            chosen,
            transport=transport,
            run_deadline=started + limit,
            retry_budget=limit * _RETRY_SHARE,
            rate_limit=rate_limit,
        )
        session.jobs = jobs
        scenarios = [c for c in chosen if c.kind == "scenario"]
        if not scenarios:
            run_traffic(session)
        run_scenarios(scenarios, session, state, run_check, jobs=jobs)
    except DeadlineReached:  # in the preflight: nothing ran
        state.stop(DEADLINE_REASON)
    except KeyboardInterrupt:
        state.stop(INTERRUPTED_REASON)
    finally:
        if session is not None:
            close_session(session)
    results = state.results
    for check in chosen:
        if check.kind == "response" and session is not None:
            results[check.id] = response_result(check, session)
        elif check.id not in results:
            results[check.id] = CheckResult(check, "skipped", reason=state.stopped or "not run")
    ordered = [results[c.id] for c in chosen]
    return RunResult(
        settings,
        ordered,
        time.monotonic() - started,
        session.exchanges if session is not None else 0,
        notices_for(settings, chosen),
        state.stopped,
        limit,
        session.seen.counts if session is not None else Counter(),
    )


def run_traffic(session: Session) -> None:
    """Give selected response checks answers to judge when no scenario check sends any
    (see :mod:`._traffic`); a target error is recorded like the preflight's."""
    from ._traffic import run_traffic as send_traffic

    try:
        send_traffic(session)
    except TargetError as exc:
        _record_target_error(session, exc)


def _preflight(session: Session) -> None:
    """Fail fast, with one line, when nothing answers; anything that answers gets checked."""
    try:
        session.client.request("GET", "/v1/customers", params=[("limit", "1")])
    except TargetError as exc:
        if exc.kind == "connect":
            raise TargetUnreachable(str(exc)) from None
        _record_target_error(session, exc)


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
KEY_VARIABLES = {
    "api_key": "LOTUSPAY_API_KEY",
    "second_key": "LOTUSPAY_SECOND_API_KEY",
    "live_key": "LOTUSPAY_LIVE_KEY",
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
    started = time.monotonic()
    reason = None
    status = None
    try:
        check.func(ctx)
    except CheckFailure as failure:
        ctx.add(failure)
    except TargetError as exc:
        target = _record_target_error(session, exc)
        finding = ctx.finding(f"a request got no usable answer: {target.message}", rule=exc.kind)
        finding.request = exc.curl
        ctx.add(finding)
        status, reason = "error", "target"
    except LiveWriteRefused as exc:
        status, reason = "skipped", str(exc)
    except NotExercised as exc:
        status, reason = "not_exercised", exc.reason
    except DeadlineReached:
        # What the check found before the cut still counts; without a failure it is not run.
        reason = DEADLINE_REASON
        if status_of(ctx.findings, settings.strict) != "failed":
            status = "skipped"
    except Exception as exc:  # a bug in a check or a value the check did not foresee
        ctx.add(ctx.finding(f"the check could not finish: {type(exc).__name__}: {exc}"))
        status, reason = "error", "exception"
    status = status or status_of(ctx.findings, settings.strict)
    if status == "passed" and not ctx.evidence.counts:
        status, reason = "not_exercised", NO_EVIDENCE_REASON
    return CheckResult(
        check,
        status,
        ctx.findings,
        time.monotonic() - started,
        reason,
        ctx.occurrences,
        ctx.evidence.counts,
    )
