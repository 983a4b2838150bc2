"""The HTTP client the suite talks to a target with: bounded, masked, and recorded.

Every call has connect and read timeouts and a deadline on the whole answer, headers included;
a body is streamed and reading stops past a size cap; 429 and 503 are retried a bounded number
of times (honouring ``Retry-After``, capped at 5 s, and within a budget for all the waits of the
client). A run's deadline, when set, bounds everything: past it the client raises
:class:`DeadlineReached` instead of sending or waiting, and so does :meth:`LotusPayClient.abort`
(a run stopped by Ctrl-C), which also cancels the calls in flight. TLS verification stays on.
What is operational, not a verdict, is raised as its own ``BaseException`` for the suite
to report as not exercised or as a stop: :class:`RateLimited` (still 429 after the retries, with
``raise_rate_limited``), :class:`KeyRefused` (a key the preflight found refused) and
:class:`TargetUnavailable` (a sustained stretch of 5xx or silence, see :mod:`._outage`). Time is
read from a :class:`Clock`, the system's unless a test gives its own.

Redirects are not followed: the API never redirects, so a 3xx is reported as an undocumented
status rather than chased round a loop.

API keys never leave this module in clear: the client's key is handed to
:func:`remember_secret`, so :func:`redact` masks it in every form in every text the suite prints
or writes, curl lines included.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import httpx

from ..redact import redact, remember_secret
from ._adaptive import AdaptiveLimit
from ._exchange import (
    DeadlineReached,
    Exchange,
    KeyRefused,
    LiveWriteRefused,
    RateLimited,
    TargetError,
    form_pairs,
    key_mode,
    render_curl,
)
from ._observe import notify
from ._outage import OutageWatch, TargetUnavailable
from ._rate import SYSTEM_CLOCK, Clock, RateLimit, retry_wait
from ._receive import encode_body, new_exchange, receive_answer

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DeadlineReached",
    "Exchange",
    "KeyRefused",
    "LiveWriteRefused",
    "LotusPayClient",
    "RateLimited",
    "TargetError",
    "TargetUnavailable",
    "form_pairs",
    "key_mode",
    "render_curl",
]

DEFAULT_MAX_BODY_BYTES: Final = 5 * 1024 * 1024  # a 100-customer page is ~200 KB
DEFAULT_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
DEFAULT_DEADLINE_SECONDS: Final = 30.0
MAX_RETRIES: Final = 2
#: All the waiting on 429/503 retries one client may do, whatever ``Retry-After`` says.
DEFAULT_RETRY_BUDGET_SECONDS: Final = 60.0
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

#: The key to send: the client's own (``DEFAULT``), none at all (``None``), or another string.
KeyChoice = str | None
DEFAULT: Final = "\0default"


def _cancel_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel every task of ``loop`` (run in the loop's own thread, by ``abort``)."""
    for task in asyncio.all_tasks(loop):
        task.cancel()


class LotusPayClient:
    """A small, bounded HTTP client for one target and one API key.

    Thread-safe: each thread that sends gets its own event loop and connection pool (an asyncio
    pool belongs to one loop), made on its first request and closed by :meth:`close`; the retry
    budget is shared under a lock. ``on_exchange`` is called in the sending thread.

    >>> client = LotusPayClient("http://127.0.0.1:8000", "sk_test_abc")  # doctest: +SKIP
    >>> client.request("GET", "/v1/customers", params=[("limit", "1")]).status  # doctest: +SKIP
    200
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        allow_live: bool = False,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE_SECONDS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_retries: int = MAX_RETRIES,
        retry_budget: float = DEFAULT_RETRY_BUDGET_SECONDS,
        run_deadline: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        rate_limit: RateLimit | None = None,
        adaptive: AdaptiveLimit | None = None,
        raise_rate_limited: bool = False,
        clock: Clock = SYSTEM_CLOCK,
        outage: OutageWatch | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.allow_live = allow_live
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.max_retries = max_retries
        #: Seconds of retry waiting left; spent, a 429 or 503 is returned as it is.
        self.retry_budget = retry_budget
        #: ``clock.monotonic()`` past which :class:`DeadlineReached` is raised; None: no deadline.
        self.run_deadline = run_deadline
        self.on_exchange = on_exchange
        #: Paces every request sent, retries included; shared by clients of one target.
        self.rate_limit = rate_limit
        #: Keeps as many requests in flight as the target takes (see :mod:`._adaptive`).
        self.adaptive = adaptive
        #: Raise :class:`RateLimited` for a request still answered 429 after its retries (the
        #: suite: a throttled check judged nothing), rather than return the 429.
        self.raise_rate_limited = raise_rate_limited
        #: Where the client reads the time and waits (a test's own clock: see :class:`Clock`).
        self.clock = clock
        #: How many answers, retries included, were 429.
        self.throttled = 0
        #: Stretches of 5xx or no answer; once one is sustained, requests raise
        #: :class:`TargetUnavailable` (clients of one run may share it).
        self.outage = outage if outage is not None else OutageWatch()
        #: Keys found refused (401/403) before the run, with why: a request with one raises
        #: :class:`KeyRefused`, so what needs it is not exercised rather than failed.
        self.refused: dict[str, str] = {}
        self.secrets: set[str] = {api_key} if api_key else set()
        #: Configured key -> the environment variable that holds it, named in curl lines.
        self.key_labels: dict[str, str] = {}
        remember_secret(api_key)
        self._timeout = timeout
        self._transport = transport
        self._lock = threading.Lock()  # the retry budget, the pools, the abort flag
        self._aborted = False
        self._closed = False
        self._pools: list[tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]] = []
        self._local = threading.local()
        # Pools are made on a thread's first request: a client that never sends holds no loop.

    def _pool(self) -> tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]:
        """Return the calling thread's event loop and connection pool, made on first use.

        A private event loop per thread: asyncio.wait_for gives a deadline on the whole answer
        (see _send), and an httpx.AsyncClient must stay on the loop it was first used on.
        """
        pool: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None
        pool = getattr(self._local, "pool", None)
        if pool is None:
            with self._lock:
                if self._closed:
                    raise DeadlineReached("the client is closed: the run has ended")
                # verify=True is httpx's default; stated so a reader sees TLS checks stay on.
                pool = (
                    asyncio.new_event_loop(),
                    httpx.AsyncClient(
                        timeout=self._timeout,
                        verify=True,
                        follow_redirects=False,
                        transport=self._transport,
                    ),
                )
                self._pools.append(pool)
            self._local.pool = pool
        return pool

    def close(self) -> None:
        """Close every thread's connection pool and event loop (also after an interrupted call).

        Call it once no thread sends any more (the runner closes after its workers ended).
        """
        with self._lock:
            self._closed = True
            pools, self._pools = self._pools, []
        for loop, http in pools:
            if loop.is_closed():
                continue
            try:
                loop.run_until_complete(http.aclose())
            except (Exception, asyncio.CancelledError):  # left broken by an interrupt: drop it
                pass
            finally:
                loop.close()

    def abort(self) -> None:
        """Stop the client from any thread: every later call raises :class:`DeadlineReached`
        and the calls in flight in other threads are cancelled (a run stopped by Ctrl-C)."""
        with self._lock:
            self._aborted = True
            loops = [loop for loop, _ in self._pools]
        if self.adaptive is not None:
            self.adaptive.wake()  # a thread waiting for a place sees the abort
        for loop in loops:
            # Only a loop running a call has one to cancel; an idle one sends nothing more, as
            # time_left() now raises before any call starts.
            if loop.is_running():
                with contextlib.suppress(RuntimeError):  # closed meanwhile: nothing in flight
                    loop.call_soon_threadsafe(_cancel_tasks, loop)

    def time_left(self) -> float:
        """Seconds until the run's deadline (infinite without one); raise once it has passed."""
        if self._aborted:
            raise DeadlineReached("the run was stopped")
        if self.run_deadline is None:
            return float("inf")
        left = self.run_deadline - self.clock.monotonic()
        if left <= 0:
            raise DeadlineReached("the run's deadline has passed")
        return left

    def __enter__(self) -> LotusPayClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json_body: Any = None,
        form: Sequence[tuple[str, str]] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        key: KeyChoice = DEFAULT,
        show_key: bool = False,
    ) -> Exchange:
        """Send one request and return the recorded exchange.

        ``show_key``: ``key`` is no secret but one the caller made up to be refused, so the
        curl line shows it as sent (a key-shaped one is still masked by :func:`redact`).

        Exactly one of ``json_body``, ``form`` and ``content`` may carry the body. Raises
        :class:`TargetError` when no usable response arrives, :class:`LiveWriteRefused` for a
        write with a live key unless the client allows live writes, and
        :class:`DeadlineReached` once the run's deadline has passed.
        """
        method = method.upper()
        use_key = self.api_key if key == DEFAULT else key
        if use_key and not show_key:
            self.secrets.add(use_key)
            if use_key in self.refused:
                raise KeyRefused(self.refused[use_key])
        self.outage.check()
        if key_mode(use_key) == "live" and method not in _SAFE_METHODS and not self.allow_live:
            raise LiveWriteRefused(
                f"refusing {method} {path} with a live key: pass --allow-live to permit writes"
            )
        exchange = new_exchange(self.base_url, method, path, params, headers, use_key)
        exchange.key_label = use_key if show_key else self.key_labels.get(use_key or "")
        exchange.request_body = encode_body(exchange.request_headers, json_body, form, content)
        auth = (use_key, "") if use_key is not None else None
        started = self.clock.monotonic()
        try:
            self._send_with_retries(exchange, auth, started)
        except TargetError as error:
            exchange.elapsed = self.clock.monotonic() - started
            self.outage.record(method, path, 0)
            notify(exchange, error)
            raise
        self.outage.record(method, path, exchange.status)
        notify(exchange, None)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        if exchange.status == 429 and self.raise_rate_limited:
            raise RateLimited(
                f"{method} {path} was answered 429 {exchange.attempts} time(s): the retries or "
                "the retry budget ran out",
                exchange.curl,
                exchange.attempts,
            )
        return exchange

    def _send_with_retries(
        self, exchange: Exchange, auth: tuple[str, str] | None, started: float
    ) -> None:
        """Send ``exchange``, retrying a 429 (and a 503 where that is safe) while the retries,
        the retry budget and the run's deadline allow."""
        headers = exchange.request_headers
        # A 429 was not processed, so any request may be retried; a 503 may have been, so only
        # safe methods or requests carrying an Idempotency-Key are (spec: idempotency).
        retry_503 = exchange.method in _SAFE_METHODS or "Idempotency-Key" in headers
        if self.adaptive is not None:
            self.adaptive.acquire(self.time_left)  # one place for the request and its retries
        try:
            for attempt in range(1, self.max_retries + 2):
                exchange.attempts = attempt
                self._send_paced(exchange, headers, auth, started)
                retryable = exchange.status == 429 or (exchange.status == 503 and retry_503)
                if not retryable or attempt > self.max_retries:
                    return
                if not self._wait_to_retry(exchange, attempt):
                    return
        finally:
            if self.adaptive is not None:
                self.adaptive.release()

    def _send_paced(
        self,
        exchange: Exchange,
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        started: float,
    ) -> None:
        """Send one attempt once the rate limit lets it start; tell the adaptive window."""
        if self.rate_limit is not None:
            self.rate_limit.wait(self.time_left)
        exchange.status = 0
        try:
            self._send(exchange, headers, auth, started)
        finally:
            if self.adaptive is not None:
                retry_now = exchange.headers.get("retry-after", "").strip() == "0"
                self.adaptive.observe(exchange.status, retry_now=retry_now)
        if exchange.status == 429:
            with self._lock:
                self.throttled += 1

    def _wait_to_retry(self, exchange: Exchange, attempt: int) -> bool:
        """Wait before retrying ``exchange``; False when the retry budget is spent. Raises
        :class:`DeadlineReached` when the wait would outlast the run."""
        wanted = retry_wait(exchange.headers.get("retry-after"), attempt)
        wait = self._take_retry_wait(wanted)
        if wait is None:
            return False
        left = self.time_left()
        if wait >= left:
            self.clock.sleep(left)
            raise DeadlineReached("the run's deadline passed while waiting to retry")
        self.clock.sleep(wait)
        return True

    def _take_retry_wait(self, wanted: float) -> float | None:
        """Take up to ``wanted`` seconds from the retry budget (threads share it); None once
        the budget is spent."""
        with self._lock:
            if self.retry_budget <= 0:
                return None
            wait = min(wanted, self.retry_budget)
            self.retry_budget -= wait
            return wait

    def _send(
        self,
        exchange: Exchange,
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        started: float,
    ) -> None:
        """Send one attempt; the deadline bounds the whole answer, headers included.

        httpx's timeouts bound each read, so a server that drips its headers one byte at a time
        would hold a call forever. The attempt runs on the client's own event loop under
        ``asyncio.wait_for``: past the deadline it is cancelled, which drops its connection.
        """

        def fail(kind: str, message: str) -> TargetError:
            return TargetError(kind, redact(message, self.secrets), exchange.curl)

        run_left = self.time_left()
        attempt_started = self.clock.monotonic()
        remaining = max(self.deadline - (attempt_started - started), 0.0)
        loop, http = self._pool()
        receive = receive_answer(
            http, exchange, headers, auth, fail, self.max_body_bytes, self.base_url
        )
        task = loop.create_task(asyncio.wait_for(receive, min(remaining, run_left)))
        try:
            result = loop.run_until_complete(task)
        except (KeyboardInterrupt, SystemExit):
            # An interrupt (Ctrl-C, or SIGTERM made one) mid-call: end the task and take its
            # outcome, so asyncio does not log "Task exception was never retrieved" on the way.
            task.cancel()
            with contextlib.suppress(BaseException):
                loop.run_until_complete(task)
            raise
        except asyncio.CancelledError:
            if self._aborted:  # abort() from another thread
                raise DeadlineReached("the run was stopped") from None
            raise
        except asyncio.TimeoutError:
            if run_left < remaining:
                raise DeadlineReached("the run's deadline passed awaiting an answer") from None
            raise fail("timeout", f"response not complete within {self.deadline:.0f} s") from None
        exchange.status, exchange.headers, exchange.content = result
        # The answer's own time: the waits before a retry are the client's, not the server's.
        exchange.elapsed = self.clock.monotonic() - attempt_started
