"""Recording what a client sent: an ASGI layer, outermost, that keeps each request as sent.

The client fixture judges these against the request contract (``validation.judge_requests``).
The layer sits outside every fault, quirk, trigger and transient variation, so it keeps the
request before any rewrite and the answer after all of them; ``begin`` starts a new test.
"""

from __future__ import annotations

import threading
from typing import Any

from ..validation import SentRequest
from ._buffered import ASGIApp, Message, Receive, Scope, Send, read_body, replaying

__all__ = ["Recorder", "RecordingLayer"]

_ANSWER_SHOWN = 300


class Recorder:
    """The requests of the current test, filled by the server's thread, read by the test's.

    ``generation`` grows at every :meth:`begin`: stateful variations and "once" triggers start
    afresh with each test, so a test's outcome never depends on the tests before it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[SentRequest] = []
        self.generation = 0
        self.variation: str | None = None

    def begin(self, variation: str | None = None) -> None:
        """Forget what was recorded and start over (a new test)."""
        with self._lock:
            self._entries = []
            self.generation += 1
            self.variation = variation

    def clear(self) -> None:
        """Forget what was recorded, keeping the test (a server's start-up probe)."""
        with self._lock:
            self._entries = []

    def requests(self) -> list[SentRequest]:
        """The requests recorded since :meth:`begin`, in arrival order."""
        with self._lock:
            return list(self._entries)

    def _add(self, entry: SentRequest) -> None:
        with self._lock:
            self._entries.append(entry)


class RecordingLayer:
    """The ASGI layer: ``RecordingLayer(app, recorder)``."""

    def __init__(self, app: ASGIApp, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        answer: dict[str, Any] = {"status": None, "encoding": "", "body": b""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = dict(message.get("headers", []))
                answer["encoding"] = headers.get(b"content-encoding", b"").decode("latin-1")
            elif message["type"] == "http.response.body" and len(answer["body"]) < _ANSWER_SHOWN:
                answer["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replaying(body, receive), watch)
        finally:
            self.recorder._add(_entry(scope, body, answer, self.recorder.variation))


def _entry(scope: Scope, body: bytes, answer: dict[str, Any], variation: str | None) -> SentRequest:
    from urllib.parse import parse_qsl

    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    raw: bytes = answer["body"]
    if answer["encoding"]:
        shown = f"<{answer['encoding']} body>"
    else:
        text = raw.decode("utf-8", errors="replace")
        shown = text if len(text) <= _ANSWER_SHOWN else text[:_ANSWER_SHOWN] + "…"
    return SentRequest(
        method=scope["method"],
        path=scope["path"],
        query=tuple(query),
        headers=headers,
        body=body,
        status=answer["status"],
        variation=variation,
        answer=shown,
    )
