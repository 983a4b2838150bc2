"""ASGI plumbing the client-facing layers share: read a request body once, replay it inward."""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from typing import Any

from ._errors import error_document
from ._requests import MAX_BODY_BYTES

__all__ = [
    "ASGIApp",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "read_body",
    "replaying",
    "send_error",
    "send_json",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
ASGIApp = Callable[[Scope, Receive, Send], Any]


async def read_body(receive: Receive) -> bytes:
    """The whole body, kept to one byte past the app's limit (enough for its 413)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")[: MAX_BODY_BYTES + 1 - size]
        size += len(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then defers to the real one (disconnects)."""
    given = False

    async def inner() -> Message:
        nonlocal given
        if given:
            message: Message = await receive()
            return message
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return inner


async def send_json(
    send: Send, status: int, document: Any, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(document, separators=(",", ":")).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_error(
    send: Send,
    status: int,
    message: str,
    *,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer ``status`` with the spec's error envelope (``param`` naming the field, if any)."""
    await send_json(send, status, error_document(status, message, param=param), headers)
