"""Transient failures a robust client survives: the "transient" half of the client matrix.

Each is an ASGI layer around the mock. "The first attempt" of a request is its first arrival
with that method, path, query, body and key (the Idempotency-Key is left out, so that a client
changing keys between attempts is not failed forever); later attempts pass, and so do requests
without an Authorization header (a 401 is their answer anyway). The state starts
afresh with each test (the recorder's ``generation``), so a test never depends on another.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import MappingProxyType

from ._buffered import ASGIApp, Message, Receive, Scope, Send, read_body, replaying, send_error
from ._recording import Recorder

__all__ = [
    "RETRY_AFTER_SECONDS",
    "SLOW_ANSWER_SECONDS",
    "TRANSIENTS",
    "Transient",
    "TransientLayer",
]

#: What the 429 with Retry-After asks for: the smallest whole number that still means "wait".
RETRY_AFTER_SECONDS = 1
#: How much later every answer comes under ``slow_answer``: small, so a matrix stays quick.
SLOW_ANSWER_SECONDS = 0.2


@dataclass(frozen=True)
class Transient:
    """A named transient failure; ``rules`` are the ids of ``docs/contract.md`` that allow it."""

    name: str
    rules: tuple[str, ...]
    clause: str
    description: str


_RATE = (
    "429 exists; no limits or headers are documented. A client honours Retry-After if present "
    "and backs off otherwise: a server may answer any request 429 before processing it."
)
_IDEMPOTENCY = (
    "With an Idempotency-Key header, the first response for a key (status and body, even an "
    "error or a 500) is saved and replayed for later requests with the same key; a replay "
    "creates nothing."
)

TRANSIENTS: MappingProxyType[str, Transient] = MappingProxyType(
    {
        t.name: t
        for t in (
            Transient(
                "rate_limited_retry_after",
                ("transport.rate_limit",),
                _RATE,
                f"the first attempt of each request gets 429 with Retry-After: "
                f"{RETRY_AFTER_SECONDS}, unprocessed",
            ),
            Transient(
                "rate_limited_no_retry_after",
                ("transport.rate_limit",),
                _RATE,
                "the first attempt of each request gets 429 without Retry-After, unprocessed",
            ),
            Transient(
                "first_attempt_500",
                ("transport.idempotency", "errors.type_by_status"),
                _IDEMPOTENCY,
                "the first attempt of each request gets 500 api_error, unprocessed",
            ),
            Transient(
                "first_attempt_dropped",
                ("transport.idempotency",),
                _IDEMPOTENCY,
                "the first attempt of each request is processed (a create is written), then the "
                "connection closes without an answer: only a retry under the same "
                "Idempotency-Key gets the created object back instead of a second one",
            ),
            Transient(
                "slow_answer",
                ("client.limits",),
                "This suite bounds every request: connect 5 s, read 10 s; an answer slower "
                "than 5 s is noted.",
                f"every answer comes {SLOW_ANSWER_SECONDS:g} s late",
            ),
        )
    }
)

_Handler = Callable[["_Transient", Scope, bytes, Receive, Send], Awaitable[None]]


class _Transient:
    def __init__(self, app: ASGIApp, name: str, recorder: Recorder | None = None) -> None:
        if name not in TRANSIENTS:
            known = ", ".join(TRANSIENTS)
            raise ValueError(f"unknown transient variation {name!r}: expected any of {known}")
        self.app = app
        self.handle = _HANDLERS[name]
        self.recorder = recorder
        self.generation = -1
        self.seen: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        await self.handle(self, scope, body, replaying(body, receive), send)

    def first_attempt(self, scope: Scope, body: bytes) -> bool:
        headers = {k.lower(): v for k, v in scope["headers"] if k.lower() != b"idempotency-key"}
        if b"authorization" not in headers:
            # No key, no account: its answer is a 401 whatever the weather. This keeps the
            # server's own start-up probe (keyless) out of the variation, too.
            return False
        generation = self.recorder.generation if self.recorder else 0
        if generation != self.generation:
            self.generation, self.seen = generation, set()
        digest = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"")):
            digest.update(part.encode() if isinstance(part, str) else part)
            digest.update(b"\0")
        digest.update(headers.get(b"authorization", b"") + b"\0" + body)
        fingerprint = digest.hexdigest()
        if fingerprint in self.seen:
            return False
        self.seen.add(fingerprint)
        return True


async def _rate_limited(
    layer: _Transient, scope: Scope, body: bytes, receive: Receive, send: Send, *, header: bool
) -> None:
    if not layer.first_attempt(scope, body):
        await layer.app(scope, receive, send)
        return
    headers = {"retry-after": str(RETRY_AFTER_SECONDS)} if header else None
    await send_error(send, 429, "Too many requests: retry later.", headers=headers)


async def _with_retry_after(t: _Transient, s: Scope, b: bytes, r: Receive, w: Send) -> None:
    await _rate_limited(t, s, b, r, w, header=True)


async def _without_retry_after(t: _Transient, s: Scope, b: bytes, r: Receive, w: Send) -> None:
    await _rate_limited(t, s, b, r, w, header=False)


async def _first_500(
    layer: _Transient, scope: Scope, body: bytes, receive: Receive, send: Send
) -> None:
    if not layer.first_attempt(scope, body):
        await layer.app(scope, receive, send)
        return
    await send_error(send, 500, "An error occurred on our side: retry the request.")


async def _first_dropped(
    layer: _Transient, scope: Scope, body: bytes, receive: Receive, send: Send
) -> None:
    if not layer.first_attempt(scope, body):
        await layer.app(scope, receive, send)
        return

    async def discard(message: Message) -> None:
        return None

    await layer.app(scope, receive, discard)  # processed: a create is written
    drop = scope.get("extensions", {}).get("lotuspay.drop")
    if drop is None:  # served in-process: no connection to close, the nearest is a 500
        await send_error(send, 500, "The connection was lost before the answer.")
        return
    drop()


async def _slow(layer: _Transient, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
    await asyncio.sleep(SLOW_ANSWER_SECONDS)
    await layer.app(scope, receive, send)


_HANDLERS: dict[str, _Handler] = {
    "rate_limited_retry_after": _with_retry_after,
    "rate_limited_no_retry_after": _without_retry_after,
    "first_attempt_500": _first_500,
    "first_attempt_dropped": _first_dropped,
    "slow_answer": _slow,
}


#: The ASGI layer: ``TransientLayer(app, name, recorder=...)``, e.g. for ``add_middleware``.
TransientLayer = _Transient
