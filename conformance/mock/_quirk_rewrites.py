"""The rewrites the quirks are made of: legal variations over an :class:`Exchange`/:class:`Reply`.

Like ``_rewrites`` for the faults; ``_quirks`` gives them names and the clauses that allow them.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ._errors import error_document
from ._layer import CallApp, Exchange, Reply
from ._rewrites import _child_lists, _error, _is_list, _map_params, _objects

# -- ids in another format --------------------------------------------------------------------

_OUR_ID = re.compile(r"(CU|BA)[0-9A-Z]{12}")


class IdFormat:
    """Show our ids in another format (a bijection kept per app), and map them back on the way in.

    An id the server never issued stays as sent, so it still gets 404.
    """

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render
        self.inward: dict[str, str] = {}

    def outward(self, ours: str) -> str:
        theirs = self.render(ours)
        self.inward[theirs] = ours
        return theirs

    def request(self, exchange: Exchange) -> None:
        parts = exchange.path.split("/")
        exchange.path = "/".join(self.inward.get(part, part) for part in parts)

    def response(self, exchange: Exchange, reply: Reply) -> None:
        reply.document = self._swap(reply.document)

    def _swap(self, node: Any) -> Any:
        if isinstance(node, str):
            return _OUR_ID.sub(lambda m: self.outward(m.group(0)), node)
        if isinstance(node, list):
            return [self._swap(item) for item in node]
        if isinstance(node, dict):
            return {k: (v if k == "metadata" else self._swap(v)) for k, v in node.items()}
        return node


def _stripe_style(ours: str) -> str:
    prefix = "cus_" if ours.startswith("CU") else "ba_"
    digest = hashlib.sha256(ours.encode()).digest()
    return prefix + base64.b32encode(digest).decode().lower()[:24]


def _uuid_style(ours: str) -> str:
    # Long ids: five UUIDs and a kind, about 200 characters, under the documented 255.
    kind = "customer" if ours.startswith("CU") else "bank_account"
    parts = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ours}/{n}")) for n in range(5)]
    return f"{kind}-{'-'.join(parts)}"


# -- response shapes --------------------------------------------------------------------------


def extra_properties(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document, ("customer", "bank_account", "list")):
        obj["x_region"] = "in-south-1"
        obj["x_flags"] = {"beta": False, "tags": ["nach"]}
    if isinstance(reply.document, dict) and reply.document.get("object") == "list":
        reply.document["has_more"] = False
    if (error := _error(reply)) is not None:
        error["request_log_url"] = "https://dashboard.example/logs/req_0001"


def order_reversed(exchange: Exchange, reply: Reply) -> None:
    def reverse(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reverse(node[k]) for k in reversed(list(node))}
        if isinstance(node, list):
            return [reverse(item) for item in node]
        return node

    reply.document = reverse(reply.document)


def child_total_embedded(exchange: Exchange, reply: Reply) -> None:
    for child in _child_lists(reply.document):
        if isinstance(child.get("data"), list):
            child["total_count"] = len(child["data"])


def errors_flat(exchange: Exchange, reply: Reply) -> None:
    if (error := _error(reply)) is not None:
        reply.document = error


# -- HTTP transfer ----------------------------------------------------------------------------


def gzipped(exchange: Exchange, reply: Reply) -> None:
    accepted = exchange.headers.get("accept-encoding", "").lower()
    if "gzip" in accepted and reply.body():
        reply.raw = gzip.compress(reply.body(), mtime=0)
        reply.document = None
        reply.headers["content-encoding"] = "gzip"
        reply.headers["vary"] = "Accept-Encoding"


def chunked(exchange: Exchange, reply: Reply) -> None:
    reply.chunk_size = 64


def connection_closed(exchange: Exchange, reply: Reply) -> None:
    reply.headers["connection"] = "close"


def charset_parameter(exchange: Exchange, reply: Reply) -> None:
    if reply.headers.get("content-type", "").startswith("application/json"):
        reply.headers["content-type"] = "application/json; charset=utf-8"


class EveryNthLimited:
    """Answer 429 with a small Retry-After to every ``n``-th request of each key, unprocessed."""

    def __init__(self, n: int = 9) -> None:
        self.n = n
        self.seen: dict[str, int] = {}

    def __call__(self, exchange: Exchange) -> Reply | None:
        account = hashlib.sha256(exchange.headers.get("authorization", "").encode()).hexdigest()
        self.seen[account] = count = self.seen.get(account, 0) + 1
        if count % self.n:
            return None
        # Retry-After 0: "retry now" keeps CI fast; a real server would say 1 or more.
        document = error_document(429, "Too many requests: retry after the time given.")
        return Reply(429, {"content-type": "application/json", "retry-after": "0"}, document)


async def delayed(exchange: Exchange, call_app: CallApp) -> Reply:
    await asyncio.sleep(0.003)
    return await call_app(exchange)


# -- requests ---------------------------------------------------------------------------------


def _params(exchange: Exchange) -> list[tuple[str, Any]] | dict[str, Any] | None:
    if exchange.media_type == "application/x-www-form-urlencoded":
        return parse_qsl(exchange.body.decode(errors="replace"), keep_blank_values=True)
    return exchange.params()


def pan_as_id(exchange: Exchange) -> Reply | None:
    """The docs' create page calls the PAN ``id``: take it so, and refuse ``identification``."""
    if exchange.method != "POST" or exchange.path.rstrip("/") != "/v1/customers":
        return None
    params = _params(exchange)
    if isinstance(params, list):
        if any(k == "identification" for k, _ in params):
            return _unknown("identification")
        renamed = [("identification" if k == "id" else k, v) for k, v in params]
        exchange.body = urlencode(renamed).encode()
    elif isinstance(params, dict) and exchange.body.strip():
        if "identification" in params:
            return _unknown("identification")
        if "id" in params:
            params["identification"] = params.pop("id")
            exchange.body = json.dumps(params).encode()
    return None


def _unknown(name: str) -> Reply:
    document = error_document(400, f"Received unknown parameter: {name}", param=name)
    return Reply(400, {"content-type": "application/json"}, document)


def metadata_empty_unsets(exchange: Exchange) -> None:
    if exchange.method != "POST":
        return
    params = _params(exchange)
    if isinstance(params, list):
        kept = [(k, v) for k, v in params if not (k.startswith("metadata[") and v == "")]
        exchange.body = urlencode(kept).encode()
    elif isinstance(params, dict) and isinstance(params.get("metadata"), dict):
        params["metadata"] = {k: v for k, v in params["metadata"].items() if v != ""}
        exchange.body = json.dumps(params).encode()


def pages_from_zero(exchange: Exchange) -> None:
    exchange.query = [
        (k, str(int(v) + 1) if k == "page" and v.isascii() and v.isdigit() else v)
        for k, v in exchange.query
    ]


_SHAPED = {
    "customers": re.compile(r"CU[0-9A-Z]{12}"),
    "bank_accounts": re.compile(r"BA[0-9A-Z]{12}"),
}


def arbitrary_id_400(exchange: Exchange) -> Reply | None:
    """An id that is not shaped like ours is a bad parameter (400), not an unknown object."""
    if exchange.method not in ("GET", "POST", "HEAD"):
        return None
    parts = exchange.path.strip("/").split("/")
    for kind, value in zip(parts[1::2], parts[2::2], strict=False):
        shape = _SHAPED.get(kind)
        if shape is not None and not shape.fullmatch(value):
            document = error_document(400, f"Invalid id: {value[:40]!r} is not an id.", param="id")
            return Reply(400, {"content-type": "application/json"}, document)
    return None


_EMPTY_NAME = "\u2063lotuspay-mock-empty-holder-name\u2063"


def empty_holder_name_in(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path.rstrip("/").endswith("/bank_accounts"):
        _map_params(
            exchange, lambda k, v: _EMPTY_NAME if k == "account_holder_name" and v == "" else v
        )


def empty_holder_name_out(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document, ("bank_account",)):
        if obj.get("account_holder_name") == _EMPTY_NAME:
            obj["account_holder_name"] = ""


async def ties_by_id(exchange: Exchange, call_app: CallApp) -> Reply:
    """Order objects created in the same second by id, not by creation: one consistent order."""
    first = await call_app(exchange)
    if not _is_list(exchange) or first.status != 200 or not isinstance(first.document, dict):
        return first
    seen = dict(exchange.query)
    limit, page = int(seen.get("limit", 100)), int(seen.get("page", 1))
    everything: list[Any] = []
    for number in range(1, 10_000):
        query = [(k, v) for k, v in exchange.query if k not in ("limit", "page")]
        part = await call_app(
            replace(exchange, query=[*query, ("limit", "100"), ("page", str(number))])
        )
        data = part.document.get("data") if isinstance(part.document, dict) else None
        if not isinstance(data, list):
            return first
        everything += data
        if len(data) < 100:
            break
    everything.sort(key=lambda o: (-int(o.get("created", 0)), str(o.get("id"))))
    first.document["data"] = everything[(page - 1) * limit : page * limit]
    return first
