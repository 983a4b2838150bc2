"""The seam where faults and quirks act: an ASGI layer around the correct app.

The layer buffers one exchange, lets each fault (or quirk) rewrite the request before the app
sees it (or answer in its place), wrap the call to the app (``around``: call it several times,
wait, refuse), then rewrite the response. The app itself never knows about faults or quirks, so
the clean behaviour, each bug and each legal variation stay separate and each is a few lines of
data.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from ._buffered import read_body

__all__ = ["CallApp", "Exchange", "Fault", "FaultLayer", "Reply", "Rewrite"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
ASGIApp = Callable[[Scope, Receive, Send], Any]


@dataclass
class Exchange:
    """The request as the faults see it; rewrites are applied before the app runs."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def params(self) -> dict[str, Any] | None:
        """The JSON object body, or None when the body is not one."""
        try:
            document = json.loads(self.body or b"{}")
        except ValueError:
            return None
        return document if isinstance(document, dict) else None


@dataclass
class Reply:
    """The response as the faults see it; ``document`` is the parsed JSON body (or None)."""

    status: int
    headers: dict[str, str]
    document: Any = None
    raw: bytes = b""
    state: dict[str, Any] = field(default_factory=dict)
    #: Send the body in pieces of this size without a Content-Length (chunked); 0 sends it whole.
    chunk_size: int = 0

    def body(self) -> bytes:
        if self.document is None:
            return self.raw
        return json.dumps(self.document, ensure_ascii=False, separators=(",", ":")).encode()


#: The rest of the chain (later ``around`` hooks, then the app), as an ``around`` hook sees it.
CallApp = Callable[[Exchange], Awaitable[Reply]]


@dataclass(frozen=True)
class Fault:
    """A named, realistic server bug that breaks one rule of the spec.

    ``request`` may rewrite the exchange or return a :class:`Reply` to answer in the app's place;
    ``response`` rewrites the app's reply. ``detected_by`` is the id of the conformance check
    that enforces the rule the bug breaks (data for the check catalogue; the mock never imports
    the suite, and a test proves each fault fails that check); ``also_caught_by`` the other
    checks that fail on it (under ``--strict``), also proved by that test.
    """

    name: str
    rule: str
    description: str
    level: str = "MUST"
    detected_by: str = ""
    also_caught_by: tuple[str, ...] = ()
    request: Callable[[Exchange], Reply | None] | None = None
    response: Callable[[Exchange, Reply], None] | None = None
    around: Callable[[Exchange, CallApp], Awaitable[Reply]] | None = None
    #: Settings of the app itself this bug needs (e.g. ``accept_any_key``), for ``create_app``.
    app_settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def caught_by(self) -> tuple[str, ...]:
        """Every check that catches this bug: the one for its rule first."""
        return (self.detected_by, *self.also_caught_by) if self.detected_by else ()


class Rewrite(Protocol):
    """What the layer needs of a fault or a quirk: optional request/around/response hooks."""

    @property
    def request(self) -> Callable[[Exchange], Reply | None] | None: ...

    @property
    def response(self) -> Callable[[Exchange, Reply], None] | None: ...

    @property
    def around(self) -> Callable[[Exchange, CallApp], Awaitable[Reply]] | None: ...


class FaultLayer:
    """ASGI middleware applying ``faults`` (or quirks) in order around ``app``."""

    def __init__(self, app: ASGIApp, faults: Sequence[Rewrite]) -> None:
        self.app = app
        self.faults = tuple(faults)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=parse_qsl(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            ),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=await read_body(receive),
        )
        for fault in self.faults:
            if fault.request is not None:
                early = fault.request(exchange)
                if early is not None:
                    await _send_reply(send, early)
                    return

        async def call_app(exchange: Exchange) -> Reply:
            return await self._call_app(scope, exchange)

        handler: CallApp = call_app
        for fault in reversed(self.faults):
            if fault.around is not None:
                handler = _wrap(fault.around, handler)
        reply = await handler(exchange)
        for fault in self.faults:
            if fault.response is not None:
                fault.response(exchange, reply)
        await _send_reply(send, reply)

    async def _call_app(self, scope: Scope, exchange: Exchange) -> Reply:
        inner = dict(scope)
        original = parse_qsl(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        )
        if exchange.query != original:
            inner["query_string"] = urlencode(exchange.query).encode("latin-1")
        if exchange.path != scope["path"]:
            inner["path"] = exchange.path
            inner["raw_path"] = exchange.path.encode("latin-1")
        inner["method"] = exchange.method
        exchange.headers["content-length"] = str(len(exchange.body))
        inner["headers"] = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in exchange.headers.items()
        ]
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": exchange.body, "more_body": False}

        start: Message = {}
        chunks: list[bytes] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(inner, receive, send)
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])
        }
        raw = b"".join(chunks)
        document = None
        if headers.get("content-type", "").startswith("application/json") and raw:
            document = json.loads(raw)
        return Reply(start.get("status", 500), headers, document, raw)


def _wrap(around: Callable[[Exchange, CallApp], Awaitable[Reply]], inner: CallApp) -> CallApp:
    async def handler(exchange: Exchange) -> Reply:
        return await around(exchange, inner)

    return handler


async def _send_reply(send: Send, reply: Reply) -> None:
    body = reply.body()
    headers = {**reply.headers, "content-length": str(len(body))}
    if reply.chunk_size:
        del headers["content-length"]  # the server then frames the body as chunked
    headers.setdefault("content-type", "application/json")
    await send(
        {
            "type": "http.response.start",
            "status": reply.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
    )
    size = reply.chunk_size or max(len(body), 1)
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await send({"type": "http.response.body", "body": piece, "more_body": not last})
