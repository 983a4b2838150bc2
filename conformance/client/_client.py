"""The HTTP client the suite talks to a target with: bounded, masked, and recorded.

Every call has connect and read timeouts and a deadline on the whole answer, headers included;
a body is streamed and reading stops past a size cap; 429 and 503 are retried a bounded number
of times (honouring ``Retry-After``, capped at 5 s, and within a budget for all the waits of the
client). A run's deadline, when set, bounds everything: past it the client raises
:class:`DeadlineReached` instead of sending or waiting. TLS verification stays on. Redirects are not
followed: the API never redirects, so a 3xx is reported as an undocumented status rather than
chased round a loop.

API keys never leave this module in clear: the client's key is handed to
:func:`remember_secret`, so :func:`redact` masks it in every form in every text the suite prints
or writes, curl lines included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import httpx

from ..redact import mask_key, redact, remember_secret
from ..validation import loads_strict
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
_CURL_BODY_LIMIT: Final = 4000

#: The key to send: the client's own (``DEFAULT``), none at all (``None``), or another string.
KeyChoice = str | None
DEFAULT: Final = "\0default"

Mode = Literal["test", "live"]


def key_mode(key: str | None) -> Mode | None:
    """Return the mode a key selects (spec: transport and modes), or None if it has no prefix."""
    if key is None:
        return None
    if key.startswith("sk_live_"):
        return "live"
    if key.startswith("sk_test_"):
        return "test"
    return None


class TargetError(Exception):
    """The target did not give a usable answer: unreachable, too slow, too big, or garbled.

    ``kind`` is one of ``connect``, ``timeout``, ``too_large``, ``protocol``; ``curl`` is the
    request, masked.
    """

    def __init__(self, kind: str, message: str, curl: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.curl = curl


class DeadlineReached(BaseException):
    """The run's time is up: the client neither sends nor waits any more.

    A ``BaseException``, like ``KeyboardInterrupt``, so a check's ``except Exception`` (or
    Hypothesis, which reports exceptions as falsifying examples) does not swallow it: the runner
    catches it and reports what was not run as ``not run: deadline``.
    """


class LiveWriteRefused(Exception):
    """A write was attempted with a live key and live writes were not allowed."""


@dataclass
class Exchange:
    """One request and the response to it. The request's key is kept only in masked form."""

    method: str
    url: str
    path: str
    params: list[tuple[str, str]]
    request_headers: dict[str, str]
    request_body: bytes | None
    key_mode: Mode | None
    masked_key: str | None
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    content: bytes = b""
    elapsed: float = 0.0
    attempts: int = 1

    @property
    def content_type(self) -> str:
        """The response media type, lower case, without parameters."""
        media: str = self.headers.get("content-type", "")
        return media.split(";")[0].strip().lower()

    def json(self) -> Any:
        """Return the parsed body; raise ValueError when it is not JSON."""
        return loads_strict(self.content)

    def json_or_none(self) -> Any:
        """Return the parsed body, or None when it is not JSON."""
        try:
            return self.json()
        except ValueError:
            return None

    @property
    def curl(self) -> str:
        """The request as a curl command line, with the key masked."""
        return render_curl(self)

    def text_excerpt(self, limit: int = 300) -> str:
        """Return the start of the body as text, for messages."""
        text = self.content[:limit].decode("utf-8", errors="replace")
        return text + ("…" if len(self.content) > limit else "")


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def render_curl(exchange: Exchange) -> str:
    """Render the request of ``exchange`` as a curl line; the key is shown masked."""
    url = exchange.url
    if exchange.params:
        url += "?" + urllib.parse.urlencode(exchange.params)
    parts = ["curl", "-X", exchange.method, _shell_quote(url)]
    if exchange.masked_key is not None:
        parts += ["-u", _shell_quote(exchange.masked_key + ":")]
    for name, value in exchange.request_headers.items():
        parts += ["-H", _shell_quote(f"{name}: {value}")]
    body = exchange.request_body
    if body is not None:
        if len(body) > _CURL_BODY_LIMIT:
            parts += ["--data-binary", _shell_quote(f"<{len(body)} bytes, not shown>")]
        else:
            parts += ["--data-raw", _shell_quote(body.decode("utf-8", errors="replace"))]
    return redact(" ".join(parts))


def form_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten parameters to form pairs in bracket notation: ``metadata[plan]=gold``."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, Mapping):
            pairs.extend((f"{key}[{k}]", str(v)) for k, v in value.items())
        else:
            pairs.append((key, "" if value is None else str(value)))
    return pairs


class LotusPayClient:
    """A small, bounded HTTP client for one target and one API key.

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
        remember_secret(api_key)
        # A private event loop: asyncio.wait_for gives a deadline on the whole answer (see _send).
        self._loop = asyncio.new_event_loop()
        # verify=True is httpx's default; stated so a reader sees TLS checks stay on.
        self._http = httpx.AsyncClient(
            timeout=timeout, verify=True, follow_redirects=False, transport=transport
        )

    def close(self) -> None:
        """Close the connection pool and the event loop (also after an interrupted call)."""
        if not self._loop.is_closed():
            try:
                self._loop.run_until_complete(self._http.aclose())
            except Exception:  # a pool left broken by an interrupt: drop it
                pass
            finally:
                self._loop.close()

    def time_left(self) -> float:
        """Seconds until the run's deadline (infinite without one); raise once it has passed."""
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
    ) -> Exchange:
        """Send one request and return the recorded exchange.

        Exactly one of ``json_body``, ``form`` and ``content`` may carry the body. Raises
        :class:`TargetError` when no usable response arrives, :class:`LiveWriteRefused` for a
        write with a live key unless the client allows live writes, and
        :class:`DeadlineReached` once the run's deadline has passed.
        """
        method = method.upper()
        use_key = self.api_key if key == DEFAULT else key
        if use_key:
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
                if not retryable or attempt > self.max_retries or self.retry_budget <= 0:
                    break
                wait = retry_wait(exchange.headers.get("retry-after"), attempt)
                wait = min(wait, self.retry_budget)
                left = self.time_left()
                self.retry_budget -= wait
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
        receive = self._receive(exchange, headers, auth, started, fail)
        task = self._loop.create_task(asyncio.wait_for(receive, min(remaining, run_left)))
        try:
            result = self._loop.run_until_complete(task)
        except (KeyboardInterrupt, SystemExit):
            # An interrupt (Ctrl-C, or SIGTERM made one) mid-call: end the task and take its
            # outcome, so asyncio does not log "Task exception was never retrieved" on the way.
            task.cancel()
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(task)
            raise
        except asyncio.TimeoutError:
            if run_left < remaining:
                raise DeadlineReached("the run's deadline passed awaiting an answer") from None
            raise fail("timeout", f"response not complete within {self.deadline:.0f} s") from None
        exchange.status, exchange.headers, exchange.content = result

    async def _receive(
        self,
        exchange: Exchange,
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        started: float,
        fail: Callable[[str, str], TargetError],
    ) -> tuple[int, httpx.Headers, bytes]:
        request = self._http.build_request(
            exchange.method,
            exchange.url,
            params=list(exchange.params) if exchange.params else None,
            headers=dict(headers),
            content=exchange.request_body,
        )
        try:
            response = await self._http.send(
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
