"""The quirk catalogue: ways a CORRECT server may differ from our mock, the mirror of the faults.

A fault breaks a rule, so the suite must fail on it; a quirk is a legal variation (the contract
leaves it free), so the suite must pass on it: zero MUST findings, and under strict only SHOULD
findings naming a [conv] clause. Each quirk quotes the sentence of ``lotuspay-customers.md``
that allows it and is applied by the same :class:`FaultLayer` as the faults; the app is never
touched.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ._errors import error_document
from ._layer import CallApp, Exchange, Reply
from ._rewrites import (
    _child_lists,
    _error,
    _is_list,
    _map_params,
    _objects,
    created_as_201,
    error_param_dropped,
    metadata_null,
    quietly,
)

__all__ = ["QUIRKS", "Quirk", "resolve_quirks"]


@dataclass(frozen=True)
class Quirk:
    """A named legal variation: ``clause`` quotes the contract sentence that allows it."""

    name: str
    clause: str
    description: str
    request: Callable[[Exchange], Reply | None] | None = None
    response: Callable[[Exchange, Reply], None] | None = None
    around: Callable[[Exchange, CallApp], Awaitable[Reply]] | None = None


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


# -- the catalogue ----------------------------------------------------------------------------

_VERSIONING = (
    "Backward-compatible changes LotusPay may make at any time: new response properties, new "
    "optional request parameters, property order, and the length or format of object IDs "
    "including their prefixes (IDs never exceed 255 characters, case-sensitive). [doc: versioning]"
)


def _catalogue() -> list[Quirk]:
    return [
        Quirk(
            name="ids_stripe_style",
            clause=_VERSIONING,
            description="ids are cus_/ba_ and 24 lower-case characters, not CU/BA and 12",
        ),
        Quirk(
            name="ids_uuid_long",
            clause=_VERSIONING,
            description="ids are about 200 characters of kind and UUIDs",
        ),
        Quirk(
            name="extra_properties",
            clause="Unknown extra properties are allowed everywhere [doc: versioning]",
            description="objects, lists and errors carry properties the contract does not name",
            response=extra_properties,
        ),
        Quirk(
            name="property_order_reversed",
            clause=_VERSIONING,
            description="every JSON object's properties come in reverse order",
            response=order_reversed,
        ),
        Quirk(
            name="metadata_null_when_empty",
            clause="metadata: key/value pairs [doc]; `{}` when empty, values strings [conv]",
            description="empty metadata is null",
            response=metadata_null,
        ),
        Quirk(
            name="errors_without_param",
            clause=(
                "`code`, `doc_url`, `param` (the parameter at fault) optional strings [doc]; "
                "with the error's `param` naming the field [conv]"
            ),
            description="400 errors do not name the parameter at fault",
            response=error_param_dropped,
        ),
        Quirk(
            name="errors_flat",
            clause=(
                'The envelope is not documented: `{"error": {...}}` [conv]; a checker accepts a '
                "flat object too, at SHOULD level."
            ),
            description="error objects are the whole body, not under an error key",
            response=errors_flat,
        ),
        Quirk(
            name="create_201",
            clause="Returns the customer object with a 2xx status [doc: create-a-customer]; "
            "200 precisely [conv]",
            description="creates answer 201 Created",
            response=created_as_201,
        ),
        Quirk(
            name="pan_as_id",
            clause=(
                "The docs call the PAN argument `id` on the create page but `identification` on "
                "the object: a server may take it under either name [doc]"
            ),
            description="create takes the PAN as id; identification is an unknown parameter (400)",
            request=pan_as_id,
        ),
        Quirk(
            name="metadata_empty_unsets",
            clause='a metadata value of `""` may unset the key, as in Stripe [conv]',
            description='metadata values "" are not stored',
            request=quietly(metadata_empty_unsets),
        ),
        Quirk(
            name="holder_name_empty_accepted",
            clause="`account_holder_name` (non-empty [ours])",
            description='account_holder_name "" is accepted and stored',
            request=quietly(empty_holder_name_in),
            response=empty_holder_name_out,
        ),
        Quirk(
            name="arbitrary_id_400",
            clause="for an arbitrary string 400 or 404 [ours]",
            description="an id not shaped like ours answers 400, not 404",
            request=arbitrary_id_400,
        ),
        Quirk(
            name="pages_from_zero",
            clause="`page` selects a page [doc], numbered from 1 [ours]",
            description="pages are numbered from 0: page=0 is the first page",
            request=quietly(pages_from_zero),
        ),
        Quirk(
            name="ties_by_id",
            clause="newest first [doc]",
            description="objects created in the same second are ordered by id, not creation",
            around=ties_by_id,
        ),
        Quirk(
            name="child_total_count_embedded",
            clause=(
                "counting every attached item (more than the embedded ones) is the Stripe "
                "reading [conv], counting only the embedded items is the literal one and allowed"
            ),
            description="a child list's total_count counts only the embedded items",
            response=child_total_embedded,
        ),
        Quirk(
            name="rate_limited",
            clause=(
                "Rate limit: 429 exists; no limits or headers documented. A client should honour "
                "`Retry-After` if present and back off otherwise. [doc: errors] [conv]"
            ),
            description="every 9th request of a key gets 429 (Retry-After: 0), unprocessed",
            request=EveryNthLimited(),
        ),
        Quirk(
            name="latency",
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="every answer takes 3 ms longer",
            around=delayed,
        ),
        Quirk(
            name="charset_parameter",
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="Content-Type is application/json; charset=utf-8",
            response=charset_parameter,
        ),
        Quirk(
            name="connection_close",
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="the connection is closed after each answer (Connection: close)",
            response=connection_closed,
        ),
        Quirk(
            name="chunked",
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="bodies are sent chunked, 64 bytes a chunk, without Content-Length",
            response=chunked,
        ),
        Quirk(
            name="gzip",
            clause="Responses are always JSON, errors too. [doc: base-urls, errors]",
            description="bodies are gzip-compressed when the client accepts gzip",
            response=gzipped,
        ),
    ]


def _fresh(quirk: Quirk) -> Quirk:
    """Give a stateful quirk new state (an id map, request counters) for a new app."""
    if quirk.name == "ids_stripe_style":
        ids = IdFormat(_stripe_style)
        return replace(quirk, request=quietly(ids.request), response=ids.response)
    if quirk.name == "ids_uuid_long":
        ids = IdFormat(_uuid_style)
        return replace(quirk, request=quietly(ids.request), response=ids.response)
    if quirk.name == "rate_limited":
        return replace(quirk, request=EveryNthLimited())
    return quirk


#: Every quirk by name, in catalogue order (the order they are applied in).
QUIRKS: MappingProxyType[str, Quirk] = MappingProxyType({q.name: _fresh(q) for q in _catalogue()})


def resolve_quirks(names: Iterable[str]) -> list[Quirk]:
    """Return fresh quirks for ``names`` in catalogue order; ValueError if a name is unknown."""
    wanted = set(names)
    unknown = sorted(wanted - set(QUIRKS))
    if unknown:
        raise ValueError(
            f"unknown quirk {', '.join(map(repr, unknown))}: expected any of {', '.join(QUIRKS)}"
        )
    return [_fresh(q) for q in _catalogue() if q.name in wanted]
