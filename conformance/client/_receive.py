"""Building a request's exchange and body, and receiving one answer over httpx (streamed,
size-capped, every httpx failure mapped to a :class:`TargetError` kind)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from ..redact import mask_key
from ._exchange import Exchange, TargetError, key_mode

__all__ = ["encode_body", "new_exchange", "receive_answer"]


def new_exchange(
    base_url: str,
    method: str,
    path: str,
    params: Sequence[tuple[str, str]],
    headers: Mapping[str, str] | None,
    key: str | None,
) -> Exchange:
    """Return the exchange of a request not sent yet (its key masked)."""
    return Exchange(
        method=method,
        url=base_url + path,
        path=path,
        params=list(params),
        request_headers={"Accept": "application/json", **(headers or {})},
        request_body=None,
        key_mode=key_mode(key),
        masked_key=None if key is None else mask_key(key),
    )


def encode_body(
    headers: dict[str, str],
    json_body: Any,
    form: Sequence[tuple[str, str]] | None,
    content: bytes | None,
) -> bytes | None:
    """Return the request body of whichever of ``json_body``, ``form``, ``content`` is given,
    setting its Content-Type in ``headers`` unless the caller set one."""
    if json_body is not None:
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(json_body, ensure_ascii=False).encode("utf-8")
    if form is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urllib.parse.urlencode(list(form)).encode("ascii")
    return content


async def receive_answer(
    http: httpx.AsyncClient,
    exchange: Exchange,
    headers: Mapping[str, str],
    auth: tuple[str, str] | None,
    fail: Callable[[str, str], TargetError],
    max_body_bytes: int,
    base_url: str,
) -> tuple[int, httpx.Headers, bytes]:
    """Send ``exchange`` on ``http``; return the status, headers and body (at most
    ``max_body_bytes``, decoded). Every failure is raised as ``fail`` makes it."""
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
                if size > max_body_bytes:
                    raise fail(
                        "too_large",
                        f"response body exceeds the {max_body_bytes}-byte cap",
                    )
                chunks.append(chunk)
        finally:
            await response.aclose()
    except httpx.TimeoutException as exc:
        raise fail("timeout", f"timed out: {type(exc).__name__}") from exc
    except httpx.ConnectError as exc:
        raise fail("connect", f"cannot connect to {base_url}: {exc}") from exc
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise fail("protocol", f"broken response: {type(exc).__name__}: {exc}") from exc
    return response.status_code, response.headers, b"".join(chunks)
