"""The rewrites the faults are made of: small functions over an :class:`Exchange` / :class:`Reply`.

A request rewrite edits the exchange in place (or answers in the app's place); a response rewrite
edits the reply. They are named after the bug they simulate; ``_faults`` gives them names and rules.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ._errors import error_document
from ._layer import Exchange, Reply

_DROP = object()
_LIST_PATH = re.compile(r"/v1/customers(/[^/]+/bank_accounts)?/?")
_CUSTOMER_PATH = re.compile(r"/v1/customers/[^/]+/?")


# -- helpers ----------------------------------------------------------------------------------


def _objects(
    node: Any, kinds: tuple[str, ...] = ("customer", "bank_account")
) -> Iterator[dict[str, Any]]:
    """Every API object in a response, embedded ones included."""
    if isinstance(node, dict):
        if node.get("object") in kinds:
            yield node
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _objects(value, kinds)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item, kinds)


def _child_lists(node: Any) -> Iterator[dict[str, Any]]:
    for obj in _objects(node):
        for value in obj.values():
            if isinstance(value, dict) and value.get("object") == "list":
                yield value


def _error(reply: Reply) -> dict[str, Any] | None:
    doc = reply.document
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        error: dict[str, Any] = doc["error"]
        return error
    return None


def _is_list(exchange: Exchange) -> bool:
    return exchange.method == "GET" and _LIST_PATH.fullmatch(exchange.path) is not None


def drop_query(name: str) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        exchange.query = [(k, v) for k, v in exchange.query if k != name]

    return rewrite


def _map_params(exchange: Exchange, change: Callable[[str, Any], Any]) -> None:
    """Rewrite top-level body parameters (JSON or form); ``change`` returns a value or _DROP."""
    if exchange.media_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(exchange.body.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            return
        kept = []
        for name, value in pairs:
            new = change(name.split("[")[0], value) if "[" not in name else change(name, value)
            if new is not _DROP:
                kept.append((name, new))
        exchange.body = urlencode(kept).encode()
    elif (params := exchange.params()) is not None and exchange.body.strip():
        changed = {k: change(k, v) for k, v in params.items()}
        exchange.body = json.dumps({k: v for k, v in changed.items() if v is not _DROP}).encode()


def each_param(name: str, change: Callable[[Any], Any]) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        if exchange.method == "POST":
            _map_params(exchange, lambda k, v: change(v) if k == name and isinstance(v, str) else v)

    return rewrite


def _answer(status: int, message: str) -> Reply:
    return Reply(status, {"content-type": "application/json"}, error_document(status, message))


def quietly(rewrite: Callable[[Exchange], None]) -> Callable[[Exchange], Reply | None]:
    def request(exchange: Exchange) -> Reply | None:
        rewrite(exchange)
        return None

    return request


# -- response rewrites ------------------------------------------------------------------------


def created_in_ms(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document):
        if isinstance(obj.get("created"), int):
            obj["created"] *= 1000


def created_as_string(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document):
        obj["created"] = str(obj.get("created"))


def object_capitalised(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document, ("customer",)):
        obj["object"] = "Customer"


def metadata_null(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document, ("customer",)):
        if obj.get("metadata") == {}:
            obj["metadata"] = None


def livemode_inverted(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document):
        if isinstance(obj.get("livemode"), bool):
            obj["livemode"] = not obj["livemode"]


def total_count_short(exchange: Exchange, reply: Reply) -> None:
    for child in _child_lists(reply.document):
        if child.get("data"):
            child["total_count"] = len(child["data"]) - 1


def account_number_echoed(exchange: Exchange, reply: Reply) -> None:
    params = _form_or_json(exchange)
    if isinstance(reply.document, dict) and reply.document.get("object") == "bank_account":
        reply.document["account_number"] = params.get("account_number")


def _form_or_json(exchange: Exchange) -> dict[str, Any]:
    if exchange.media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(exchange.body.decode(errors="replace")))
    return exchange.params() or {}


def retrieve_drops_metadata(exchange: Exchange, reply: Reply) -> None:
    if exchange.method == "GET" and _CUSTOMER_PATH.fullmatch(exchange.path) and reply.status == 200:
        reply.document["metadata"] = {}


def bank_account_customer_self(exchange: Exchange, reply: Reply) -> None:
    for obj in _objects(reply.document, ("bank_account",)):
        obj["customer"] = obj.get("id")


def oldest_first(exchange: Exchange, reply: Reply) -> None:
    if _is_list(exchange) and isinstance(reply.document, dict):
        data = reply.document.get("data")
        if isinstance(data, list):
            data.reverse()


def no_match_empty(exchange: Exchange, reply: Reply) -> None:
    if _is_list(exchange) and reply.status == 404 and any(k == "email" for k, _ in exchange.query):
        reply.status = 200
        reply.document = {"object": "list", "data": [], "total_count": 0, "url": "/v1/customers"}


def error_type_dropped(exchange: Exchange, reply: Reply) -> None:
    if (error := _error(reply)) is not None:
        error.pop("type", None)


def error_type_misspelled(exchange: Exchange, reply: Reply) -> None:
    if (error := _error(reply)) is not None and error.get("type") == "invalid_request_error":
        error["type"] = "invalid_request"


def error_param_dropped(exchange: Exchange, reply: Reply) -> None:
    if (error := _error(reply)) is not None:
        error.pop("param", None)


def not_found_as_400(exchange: Exchange, reply: Reply) -> None:
    if reply.status == 404:
        reply.status = 400


def unauthorized_as_403(exchange: Exchange, reply: Reply) -> None:
    if reply.status == 401:
        reply.status = 403


def errors_as_text(exchange: Exchange, reply: Reply) -> None:
    if (error := _error(reply)) is not None:
        reply.raw = str(error.get("message", "error")).encode()
        reply.document = None
        reply.headers["content-type"] = "text/plain; charset=utf-8"


def created_as_201(exchange: Exchange, reply: Reply) -> None:
    if exchange.method == "POST" and reply.status == 200:
        reply.status = 201


def replay_as_200(exchange: Exchange, reply: Reply) -> None:
    if reply.headers.get("idempotent-replayed") == "true":
        reply.status = 200


# -- request rewrites -------------------------------------------------------------------------


class FirstKeyPerMode:
    """Replace every key by the first key seen in its mode: one shared account per mode."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def __call__(self, exchange: Exchange) -> None:
        authorization = exchange.headers.get("authorization", "")
        mode = "live" if "c2tfbGl2ZV" in authorization else "test"  # base64 of "sk_live_"
        if authorization.lower().startswith("basic "):
            exchange.headers["authorization"] = self.first.setdefault(mode, authorization)


class LastKeyDefault:
    """A request without a key runs as the last key seen (a "session" the server kept)."""

    def __init__(self) -> None:
        self.last = "Basic c2tfdGVzdF9hbm9ueW1vdXM6"  # sk_test_anonymous: until a key is seen

    def __call__(self, exchange: Exchange) -> None:
        if "authorization" in exchange.headers:
            self.last = exchange.headers["authorization"]
        else:
            exchange.headers["authorization"] = self.last


def key_scoped_by_body(exchange: Exchange) -> None:
    if (key := exchange.headers.get("idempotency-key")) is not None:
        digest = hashlib.sha256(exchange.body).hexdigest()[:16]
        exchange.headers["idempotency-key"] = f"{key}:{digest}"


def drop_header(name: str) -> Callable[[Exchange], None]:
    def rewrite(exchange: Exchange) -> None:
        exchange.headers.pop(name, None)

    return rewrite


def form_brackets_dropped(exchange: Exchange) -> None:
    if exchange.media_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(exchange.body.decode(errors="replace"), keep_blank_values=True)
        exchange.body = urlencode([(k, v) for k, v in pairs if "[" not in k]).encode()


_KNOWN_PARAMS = {
    "name", "email", "identification", "mobile", "phone", "metadata",
    "account_holder_name", "account_ifsc", "account_number", "account_type",
}  # fmt: skip


def unknown_params_dropped(exchange: Exchange) -> None:
    if exchange.method == "POST":
        _map_params(exchange, lambda k, v: v if k.split("[")[0] in _KNOWN_PARAMS else _DROP)


def json_refused(exchange: Exchange) -> Reply | None:
    if exchange.method == "POST" and exchange.media_type == "application/json":
        return _answer(400, "Content-Type must be application/x-www-form-urlencoded.")
    return None


def crash_on_bad_json(exchange: Exchange) -> Reply | None:
    if (
        exchange.method == "POST"
        and exchange.media_type == "application/json"
        and exchange.body.strip()
    ):
        try:
            json.loads(exchange.body)
        except ValueError:
            return _answer(500, "Internal server error.")
    return None


def crash_on_non_ascii(exchange: Exchange) -> Reply | None:
    if exchange.method == "POST" and not exchange.body.isascii():
        return _answer(500, "Internal server error.")
    if exchange.method == "POST" and b"%" in exchange.body:
        decoded = "".join(v for _, v in parse_qsl(exchange.body.decode(errors="replace")))
        if not decoded.isascii():
            return _answer(500, "Internal server error.")
    return None


# -- rewrites of the later rules (list defaults, bank account lists, methods, embeds) ----------

_CUSTOMERS = "/v1/customers"
_BANK_LIST_PATH = re.compile(r"/v1/customers/[^/]+/bank_accounts/?")


def default_limit_10(exchange: Exchange) -> None:
    listing = exchange.method == "GET" and exchange.path.rstrip("/") == _CUSTOMERS
    if listing and not any(k == "limit" for k, _ in exchange.query):
        exchange.query.append(("limit", "10"))


def bank_list_limit_dropped(exchange: Exchange) -> None:
    if exchange.method == "GET" and _BANK_LIST_PATH.fullmatch(exchange.path):
        exchange.query = [(k, v) for k, v in exchange.query if k != "limit"]


def bank_list_oldest_first(exchange: Exchange, reply: Reply) -> None:
    if exchange.method == "GET" and _BANK_LIST_PATH.fullmatch(exchange.path):
        oldest_first(exchange, reply)


def delete_allowed(exchange: Exchange) -> Reply | None:
    if exchange.method == "DELETE" and _CUSTOMER_PATH.fullmatch(exchange.path):
        customer = exchange.path.rstrip("/").rsplit("/", 1)[-1]
        document = {"id": customer, "object": "customer", "deleted": True}
        return Reply(200, {"content-type": "application/json"}, document)
    return None


def bank_idempotency_dropped(exchange: Exchange) -> None:
    if exchange.method == "POST" and _BANK_LIST_PATH.fullmatch(exchange.path):
        exchange.headers.pop("idempotency-key", None)


async def embeds_oldest(exchange: Exchange, call_app: Callable[[Exchange], Any]) -> Reply:
    """Embed a customer's 10 oldest bank accounts instead of the 10 most recent."""
    reply: Reply = await call_app(exchange)
    retrieve = exchange.method == "GET" and _CUSTOMER_PATH.fullmatch(exchange.path)
    if not retrieve or reply.status != 200 or not isinstance(reply.document, dict):
        return reply
    child = reply.document.get("bank_accounts")
    if not isinstance(child, dict) or not child.get("total_count", 0) > len(child.get("data", [])):
        return reply
    every: list[Any] = []
    for page in range(1, 1000):
        query = [("limit", "100"), ("page", str(page))]
        path = exchange.path.rstrip("/") + "/bank_accounts"
        part: Reply = await call_app(Exchange("GET", path, query, dict(exchange.headers), b""))
        data = part.document.get("data") if isinstance(part.document, dict) else None
        if not isinstance(data, list):
            return reply
        every += data
        if len(data) < 100:
            break
    child["data"] = every[-10:]  # newest first: the last ten are the oldest
    return reply


async def pages_overlap(exchange: Exchange, call_app: Callable[[Exchange], Any]) -> Reply:
    """Page ``p > 1`` starts one object early (an offset of ``(p - 1) * limit - 1``): the last
    object of each page shows again first on the next."""
    query = dict(exchange.query)
    page, limit = query.get("page", "1"), query.get("limit", "100")
    if not (_is_list(exchange) and page.isdigit() and int(page) > 1 and limit.isdigit()):
        whole: Reply = await call_app(exchange)
        return whole
    rest = [(k, v) for k, v in exchange.query if k != "page"]
    before: Reply = await call_app(
        Exchange("GET", exchange.path, [*rest, ("page", str(int(page) - 1))], exchange.headers, b"")
    )
    reply: Reply = await call_app(exchange)
    previous = before.document.get("data") if isinstance(before.document, dict) else None
    data = reply.document.get("data") if isinstance(reply.document, dict) else None
    if isinstance(previous, list) and isinstance(data, list) and previous:
        reply.document["data"] = [previous[-1], *data][: int(limit)]
    return reply


async def email_prefix_match(exchange: Exchange, call_app: Callable[[Exchange], Any]) -> Reply:
    """The email filter is ``LIKE 'value%'``: every address starting with the value matches."""
    value = dict(exchange.query).get("email")
    if not (value and exchange.method == "GET" and exchange.path.rstrip("/") == _CUSTOMERS):
        exact: Reply = await call_app(exchange)
        return exact
    query = [("limit", "100")]
    every: Reply = await call_app(Exchange("GET", exchange.path, query, exchange.headers, b""))
    data = every.document.get("data") if isinstance(every.document, dict) else None
    found = [
        i for i in data or [] if isinstance(i, dict) and str(i.get("email", "")).startswith(value)
    ]
    if not found:
        missing: Reply = await call_app(exchange)
        return missing
    every.document["data"] = found[: int(dict(exchange.query).get("limit", "100") or 100)]
    return every
