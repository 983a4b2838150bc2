"""The HTTP client the suite talks to a target with: bounded, masked, and recorded.

Every call has connect and read timeouts and a deadline on the whole answer, headers included;
a body is streamed and reading stops past a size cap; 429 and 503 are retried a bounded number
of times (honouring ``Retry-After``, capped at 5 s, and within a budget for all the waits of the
client). A run's deadline, when set, bounds everything: past it the client raises
:class:`DeadlineReached` instead of sending or waiting, and so does :meth:`LotusPayClient.abort`
(a run stopped by Ctrl-C), which also cancels the calls in flight. TLS verification stays on.
Redirects are not followed: the API never redirects, so a 3xx is reported as an undocumented
status rather than chased round a loop.

API keys never leave this module in clear: the client's key is handed to
:func:`remember_secret`, so :func:`redact` masks it in every form in every text the suite prints
or writes, curl lines included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import httpx

from ..redact import mask_key, redact, remember_secret
from ._exchange import (
    DeadlineReached,
    Exchange,
    LiveWriteRefused,
    TargetError,
    form_pairs,
    key_mode,
    render_curl,
)
from ._observe import notify
from ._rate import RateLimit, retry_wait

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DeadlineReached",
    "Exchange",
    "LiveWriteRefused",
    "LotusPayClient",
    "TargetError",
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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.allow_live = allow_live
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.max_retries = max_retries
        #: Seconds of retry waiting left; spent, a 429 or 503 is returned as it is.
        self.retry_budget = retry_budget
        #: ``time.monotonic()`` past which :class:`DeadlineReached` is raised; None: no deadline.
        self.run_deadline = run_deadline
        self.on_exchange = on_exchange
        #: Paces every request sent, retries included; shared by clients of one target.
        self.rate_limit = rate_limit
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
        self._pool()  # the creating thread's pool, made now as before

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
        left = self.run_deadline - time.monotonic()
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
        mode = key_mode(use_key)
        if mode == "live" and method not in _SAFE_METHODS and not self.allow_live:
            raise LiveWriteRefused(
                f"refusing {method} {path} with a live key: pass --allow-live to permit writes"
            )
        send_headers = {"Accept": "application/json", **(headers or {})}
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = urllib.parse.urlencode(list(form)).encode("ascii")
            send_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif content is not None:
            body = content
        exchange = Exchange(
            method=method,
            url=self.base_url + path,
            path=path,
            params=list(params),
            request_headers=dict(send_headers),
            request_body=body,
            key_mode=mode,
            masked_key=None if use_key is None else mask_key(use_key),
            key_label=use_key if show_key else self.key_labels.get(use_key or ""),
        )
        auth = (use_key, "") if use_key is not None else None
        # A 429 was not processed, so any request may be retried; a 503 may have been, so only
        # safe methods or requests carrying an Idempotency-Key are (spec: idempotency).
        retry_503 = method in _SAFE_METHODS or "Idempotency-Key" in send_headers
        started = time.monotonic()
        try:
            for attempt in range(1, self.max_retries + 2):
                exchange.attempts = attempt
                if self.rate_limit is not None:
                    self.rate_limit.wait(self.time_left)
                self._send(exchange, send_headers, auth, started)
                retryable = exchange.status == 429 or (exchange.status == 503 and retry_503)
                if not retryable or attempt > self.max_retries:
                    break
                wanted = retry_wait(exchange.headers.get("retry-after"), attempt)
                wait = self._take_retry_wait(wanted)
                if wait is None:
                    break
                left = self.time_left()
                if wait >= left:
                    time.sleep(left)
                    raise DeadlineReached("the run's deadline passed while waiting to retry")
                time.sleep(wait)
        except TargetError as error:
            exchange.elapsed = time.monotonic() - started
            notify(exchange, error)
            raise
        exchange.elapsed = time.monotonic() - started
        notify(exchange, None)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        return exchange

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
        remaining = max(self.deadline - (time.monotonic() - started), 0.0)
        loop, http = self._pool()
        receive = self._receive(http, exchange, headers, auth, fail)
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

    async def _receive(
        self,
        http: httpx.AsyncClient,
        exchange: Exchange,
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        fail: Callable[[str, str], TargetError],
    ) -> tuple[int, httpx.Headers, bytes]:
        request = http.build_request(
            exchange.method,
            exchange.url,
            params=list(exchange.params) if exchange.params else None,
            headers=dict(headers),
            content=exchange.request_body,
        )
        try:
            response = await http.send(
                request, stream=True, auth=httpx.BasicAuth(*auth) if auth else None
            )
            try:
                chunks: list[bytes] = []
                size = 0
                # The cap applies to decoded bytes: what the suite would hold in memory.
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise fail(
                            "too_large",
                            f"response body exceeds the {self.max_body_bytes}-byte cap",
                        )
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            raise fail("timeout", f"timed out: {type(exc).__name__}") from exc
        except httpx.ConnectError as exc:
            raise fail("connect", f"cannot connect to {self.base_url}: {exc}") from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise fail("protocol", f"broken response: {type(exc).__name__}: {exc}") from exc
        return response.status_code, response.headers, b"".join(chunks)
