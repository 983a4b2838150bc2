"""The mock's HTTP protocol: uvicorn's httptools protocol with limits and JSON refusals.

uvicorn answers some requests before the app sees them, and leaves slow clients alone. The mock
serves through :class:`_Protocol`, uvicorn's httptools protocol with four additions, so that
every answer is JSON in the spec's error envelope and no client can hold the server:

- a request (line, headers, body) must arrive within ``request_timeout`` of the connection's
  opening or of its first byte, else 408 and the connection closes (idle, dripping clients);
- the request line and headers are capped at ``max_header_bytes`` (431): uvicorn and httptools
  join header pieces by concatenation, quadratic in a drip-fed header;
- beyond ``max_connections`` open connections, a new connection is answered 503 at once (JSON,
  with ``Retry-After``) and closed within 0.2 s, so admitted clients keep being served and a
  flood of connections does not exhaust file descriptors;
- a request that is not valid HTTP/1.1 (bad Content-Length, Content-Length with
  Transfer-Encoding, unknown method, bytes outside ASCII in the request line...) gets a JSON 400
  naming the parser's complaint, where uvicorn answers text/plain.

Idle keep-alive connections close after ``keep_alive_timeout`` (uvicorn's own timer); WebSocket
upgrades are off (``ws="none"``), so an ``Upgrade`` header is an ordinary request.
httptools is kept over h11: it is several times faster, and h11's limits would still answer
text/plain. uvicorn's ``limit_concurrency`` is not used: it answers text/plain and counts every
open connection when a request comes, so idle sockets would turn admitted clients away.

What remains outside "every answer is JSON": uvicorn's own text/plain 500, sent only if the app
raises before answering (its catch-all handler prevents that); a connection the kernel never
hands over (listen backlog full, no file descriptor left) gets no answer at all; an answer to a
client that has gone is not sent (the disconnect is logged as one line, never a traceback); an
``Upgrade: websocket`` request is served as plain HTTP but uvicorn logs two warning lines.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import LotusPayContractError
from ._errors import error_document

__all__ = ["ServerLimits", "protocol_for"]

#: How long a connection over ``max_connections`` stays open, half-closed, after its 503: long
#: enough for the client to read it, short enough that a flood never runs out of descriptors.
_OVER_LIMIT_SECONDS = 0.2


def _default_max_connections() -> int:
    """1000, or fewer when the process may open fewer files: half of them, leaving room for
    connections being refused and for the database."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 1000
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(16, min(1000, soft // 2))


@dataclass(frozen=True)
class ServerLimits:
    """What one client may hold of the server; the defaults never bind an honest client.

    Args:
        request_timeout: seconds from a connection's opening, or a request's first byte, to its
            last byte (408 after).
        keep_alive_timeout: seconds an idle connection stays open between requests.
        max_header_bytes: size of the request line and headers (431 above).
        max_connections: open connections; a new one beyond gets 503.
    """

    request_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_header_bytes: int = 64 * 1024
    max_connections: int = field(default_factory=_default_max_connections)

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise ValueError(f"{name} must be greater than 0, got {value!r}")


def _raw_answer(status: int, message: str, extra: bytes = b"") -> bytes:
    body = json.dumps(error_document(status, message), separators=(",", ":")).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"connection: close\r\n%s\r\n%s" % (status, _REASONS[status], len(body), extra, body)
    )


_REASONS = {
    400: b"Bad Request",
    408: b"Request Timeout",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


class _HeadersTooLarge(LotusPayContractError):
    """Raised in a parser callback: the request line and headers passed the cap."""


class _Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with request deadlines, a header cap, a connection cap and
    JSON answers for malformed HTTP; ``limits`` is set on a subclass by :func:`_protocol`."""

    limits: ServerLimits = ServerLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One deadline timer per connection, not one per request: set when a request begins and
        # none is armed; when it fires for a request begun since, it is set again for the rest.
        self._deadline: asyncio.TimerHandle | None = None
        self._since: float | None = None  # when the request being received began (loop time)
        self._pending = 0  # bytes received while its headers are incomplete
        self._in_headers = True
        self._completed = False  # a request ended inside the chunk being parsed
        self._over_limit = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._over_limit = len(self.connections) > self.limits.max_connections
        if not self._over_limit:
            self._since = self.loop.time()  # the first request's time runs from the opening
            self._arm(self.limits.request_timeout)
            return
        # Answer at once, before any request, and half-close: the client reads the 503 and
        # our end, and the descriptor is free again within _OVER_LIMIT_SECONDS. Closing at once
        # instead would reset the connection when the request arrives, losing the answer.
        limit = self.limits.max_connections
        message = f"The mock serves at most {limit} connections at once; retry in a moment."
        transport.write(_raw_answer(503, message, b"retry-after: 1\r\n"))
        if transport.can_write_eof():
            transport.write_eof()
        self._deadline = self.loop.call_later(_OVER_LIMIT_SECONDS, transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._over_limit:
            return  # already answered: read and drop, so that closing sends no reset
        # Headers still incomplete after a chunk are counted by chunk (a drip-fed header never
        # reaches on_header); complete ones in on_headers_complete.
        self._completed = False
        super().data_received(data)
        if not self._in_headers or self.transport.is_closing():
            return
        if not self._completed:  # else part of the chunk belonged to the previous request
            self._pending += len(data)
        if self._pending > self.limits.max_header_bytes:
            self._refuse_too_large()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        self._pending = 0
        if self._since is None:
            self._since = self.loop.time()
        if self._deadline is None:
            self._arm(self.limits.request_timeout)

    def on_headers_complete(self) -> None:
        # A layer may drop the connection without an answer (a transient variation, the
        # timeout trigger): an ASGI extension, as the spec provides for server features.
        self.scope["extensions"] = {"lotuspay.drop": self._drop}
        self._pending = 0
        # The request line and headers as uvicorn's on_url and on_header kept them.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            # Arrived whole in one chunk; uvicorn turns this into send_400_response, where the
            # answer becomes a 431.
            raise _HeadersTooLarge
        self._in_headers = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_headers = True
        self._completed = True
        self._pending = 0
        self._since = None  # arrived in time; the timer stays armed for the next request

    def send_400_response(self, msg: str) -> None:
        # Called by uvicorn inside its ``except httptools.HttpParserError`` block.
        error = sys.exc_info()[1]
        if isinstance(error, httptools.HttpParserCallbackError) and isinstance(
            error.__context__, _HeadersTooLarge
        ):
            self._refuse_too_large()
            return
        reason = "the request line or headers cannot be read"
        if isinstance(error, httptools.HttpParserCallbackError):  # raised by uvicorn's callback
            if isinstance(error.__context__, httptools.HttpParserInvalidURLError):
                reason = str(error.__context__)  # "url is too long: ..."
            elif isinstance(error.__context__, UnicodeError):
                reason = "the request target holds bytes outside ASCII"
        elif isinstance(error, httptools.HttpParserError):
            reason = str(error).rstrip(".") or reason
        self._refuse(400, f"The request is not valid HTTP/1.1: {reason}.")

    def _drop(self) -> None:
        """Close the connection without answering the current request."""
        self._disarm()
        if self.cycle is not None:
            self.cycle.disconnected = True  # no answer is expected of the app any more
            self.cycle.message_event.set()
        self.transport.close()

    def _refuse_too_large(self) -> None:
        limit = self.limits.max_header_bytes
        self._refuse(431, f"The request line and headers are larger than {limit} bytes.")

    def _refuse(self, status: int, message: str, extra: bytes = b"") -> None:
        """Answer ``status`` in JSON (unless an answer already started) and close."""
        self._disarm()
        cycle = self.cycle
        # While headers arrive, the cycle is the previous request's (uvicorn makes one when
        # headers are complete): answer unless its answer is still being written. Checking that
        # it had started, as for the current request's cycle, left a keep-alive connection's
        # later requests without their 408, 431 or 400.
        if self._in_headers:
            free = cycle is None or cycle.response_complete
        else:
            free = cycle is None or not cycle.response_started
        if free:
            self.transport.write(_raw_answer(status, message, extra))
        if self.cycle is not None:
            self.cycle.disconnected = True  # the app's answer, if any, goes nowhere
            self.cycle.message_event.set()
        self.transport.close()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._on_deadline)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _on_deadline(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._since is None:
            return  # between requests: uvicorn's keep-alive timeout closes idle connections
        remaining = self._since + self.limits.request_timeout - self.loop.time()
        if remaining > 0:  # the timer was set for an earlier request
            self._arm(remaining)
            return
        seconds = self.limits.request_timeout
        self._refuse(408, f"The request did not arrive completely within {seconds:g} s.")


def protocol_for(limits: ServerLimits) -> type[_Protocol]:
    return type("LotusPayHttpProtocol", (_Protocol,), {"limits": limits})
