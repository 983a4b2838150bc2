"""The correct mock: Starlette routes for customers and bank accounts over :class:`Store`.

Each endpoint authenticates, checks that JSON is acceptable, then reads or writes the store
(unkeyed customer creates through :class:`GroupCommit`, with the others of their turn).
Every refusal is an :class:`ApiError` rendered by one exception handler, so all answers are
JSON in the spec's error envelope, including Starlette's own 404 and 405.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._errors import ApiError, error_document
from ._group_commit import GroupCommit
from ._render import dumps, list_text
from ._requests import (
    MAX_BODY_BYTES,
    Account,
    accepts_json,
    authenticate,
    parse_body,
    parse_list_query,
    validate_params,
)
from ._seed import bank_name, seed_customer_params
from ._store import Store

__all__ = ["build_app"]

_MAX_IDEMPOTENCY_KEY = 255
#: Accepted Authorization headers remembered (decoding and hashing one is a tenth of a GET).
_KNOWN_HEADERS = 1024
_log = logging.getLogger("lotuspay_contract.mock")
#: A request's headers by (lower-case) name; the first one of a repeated name.
_Headers = dict[bytes, bytes]


class _Api:
    """The handlers, bound to one store and one set of accepted keys."""

    def __init__(self, store: Store, api_keys: frozenset[str] | None, seed_customers: int) -> None:
        self.store = store
        self.commits = GroupCommit(store)
        self.api_keys = api_keys
        self.seed_customers = seed_customers
        self._known: set[str] = set()
        self._accounts: dict[bytes, Account] = {}

    def account(self, headers: _Headers) -> Account:
        header = headers.get(b"authorization")
        account = self._accounts.get(header) if header else None
        if account is None:
            account = authenticate(_text(header), self.api_keys)  # a 401 for a bad header
            if len(self._accounts) >= _KNOWN_HEADERS:
                self._accounts.clear()
            self._accounts[header or b""] = account
        accept = headers.get(b"accept")
        if accept is not None and not accepts_json(_text(accept)):
            raise ApiError(406, "This API only answers application/json.")
        if account.id not in self._known:
            self._known.add(account.id)
            seed = (seed_customer_params(index) for index in range(self.seed_customers))
            self.store.open_account(account.id, account.livemode, seed)
        return account

    # -- customers ------------------------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        account = self.account(_headers(request))
        query = parse_list_query(request.query_params.multi_items(), allow_email=True)
        items, total = self.store.list_customers(
            account.id, limit=query.limit, page=query.page, email=query.email
        )
        return _raw(list_text("/v1/customers", items, total))

    async def create_customer(self, request: Request) -> Response:
        headers = _headers(request)
        account = self.account(headers)

        def create(params: dict[str, Any]) -> bytes:
            validate_params(params, "customer_create")
            return self.store.create_customer(account.id, account.livemode, params)

        async def create_with_others(params: dict[str, Any]) -> bytes:
            validate_params(params, "customer_create")
            return await self.commits.create_customer(account.id, account.livemode, params)

        path = "/v1/customers"
        return await self._post(request, headers, account, path, create, create_with_others)

    async def get_customer(self, request: Request) -> Response:
        account = self.account(_headers(request))
        return _raw(self.store.get_customer(account.id, request.path_params["customer"]))

    # -- bank accounts --------------------------------------------------------------------------

    async def list_bank_accounts(self, request: Request) -> Response:
        account = self.account(_headers(request))
        customer = request.path_params["customer"]
        query = parse_list_query(request.query_params.multi_items(), allow_email=False)
        items, total = self.store.list_bank_accounts(
            account.id, customer, limit=query.limit, page=query.page
        )
        return _raw(list_text(f"/v1/customers/{customer}/bank_accounts", items, total))

    async def create_bank_account(self, request: Request) -> Response:
        headers = _headers(request)
        account = self.account(headers)
        customer = request.path_params["customer"]

        def create(params: dict[str, Any]) -> bytes:
            self.store.require_customer(account.id, customer)  # 404 before 400, as for a GET
            validate_params(params, "bank_account_create")
            number: str = params["account_number"]
            doc = {
                "object": "bank_account",
                "livemode": account.livemode,
                "account_holder_name": params["account_holder_name"],
                "account_ifsc": params["account_ifsc"],
                "account_last4": number[-4:],  # the full number is never stored nor returned
                "account_type": params["account_type"],
                "bank_name": bank_name(params["account_ifsc"]),
                "status": "enabled",
            }
            return self.store.create_bank_account(account.id, customer, doc)

        path = f"/v1/customers/{customer}/bank_accounts"
        return await self._post(request, headers, account, path, create)

    async def get_bank_account(self, request: Request) -> Response:
        account = self.account(_headers(request))
        found = self.store.get_bank_account(
            account.id, request.path_params["customer"], request.path_params["bank_account"]
        )
        return _raw(found)

    # -- POST: body, validation, idempotency ----------------------------------------------------

    async def _post(
        self,
        request: Request,
        headers: _Headers,
        account: Account,
        path: str,
        create: Callable[[dict[str, Any]], bytes],
        create_unkeyed: Callable[[dict[str, Any]], Awaitable[bytes]] | None = None,
    ) -> Response:
        """Answer a create: ``create`` writes at once, in the transaction that also saves the
        answer under an Idempotency-Key; without a key, ``create_unkeyed`` (if given) may
        write later in the turn, together with other requests (group commit)."""
        raw = await _read_body(request, headers.get(b"content-length"))
        key = _text(headers.get(b"idempotency-key"))
        parsed: dict[str, Any] | ApiError
        try:
            parsed = parse_body(_text(headers.get(b"content-type")), raw)
        except ApiError as exc:
            parsed = exc
        if key is None:
            return await _unkeyed(parsed, create, create_unkeyed)
        if not key or len(key) > _MAX_IDEMPOTENCY_KEY:
            raise ApiError(400, "Idempotency-Key must be 1 to 255 characters long.")

        def run() -> tuple[int, bytes]:
            # Refusals are answers too: the first answer for a key is saved whatever it is.
            try:
                if isinstance(parsed, ApiError):
                    raise parsed
                return 200, create(parsed)
            except ApiError as exc:
                return exc.status, dumps(exc.document)

        fingerprint = _fingerprint(path, raw, parsed)
        status, body, replayed = self.store.replay_or_run(account.id, key, fingerprint, run)
        response = _Answer(body, status)
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


async def _unkeyed(
    parsed: dict[str, Any] | ApiError,
    create: Callable[[dict[str, Any]], bytes],
    create_unkeyed: Callable[[dict[str, Any]], Awaitable[bytes]] | None,
) -> Response:
    """Answer a create without an Idempotency-Key: nothing to save, refusals answered."""
    try:
        if isinstance(parsed, ApiError):
            raise parsed
        if create_unkeyed is None:
            return _Answer(create(parsed))
        return _Answer(await create_unkeyed(parsed))
    except ApiError as exc:
        return _Answer(dumps(exc.document), exc.status)


def _fingerprint(path: str, raw: bytes, parsed: dict[str, Any] | ApiError) -> str:
    """What a replay must match: the parameters as read (the raw bytes when unreadable)."""
    if isinstance(parsed, ApiError):
        return "raw:" + hashlib.sha256(raw).hexdigest()
    canonical = json.dumps(parsed, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{path}\n{canonical}".encode()).hexdigest()


def _headers(request: Request) -> _Headers:
    """One dict per request: Starlette's ``Headers.get`` scans the whole list on every call.
    Servers give ASGI apps lower-case names; reversed, so that the first of a repeated name
    wins, as with ``Headers.get``."""
    return dict(reversed(request.scope["headers"]))


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


async def _read_body(request: Request, declared: bytes | None) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:  # the ASGI messages themselves, without Request.stream()'s generator
        message = await request.receive()
        if message["type"] == "http.disconnect":
            # Nobody is left to answer: one line in the log, not a traceback per disconnect.
            client = request.client
            who = f"{client.host}:{client.port}" if client else "a client"
            path = request.url.path
            _log.warning("%s disconnected before sending the whole body of %s", who, path)
            raise ApiError(400, "The client disconnected before sending the whole body.")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class _Json(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content)  # compact UTF-8; a lone surrogate is escaped, never a 500


class _Answer(Response):
    """A JSON answer from bytes already rendered (by the store or ``dumps``).

    Sets its two headers itself: ``Response.init_headers`` builds them through several checks
    per answer, for the same two headers every time.
    """

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [
            (b"content-length", b"%d" % len(body)),
            (b"content-type", b"application/json"),
        ]


def _raw(body: bytes) -> Response:
    """A 200 answer from JSON bytes the store assembled."""
    return _Answer(body)


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return _Json(body, status_code=status, headers=headers)


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _json(exc.status, exc.document, exc.headers)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {
        404: f"Unrecognized request URL ({request.method}: {request.url.path}).",
        405: f"Method {request.method} is not allowed on {request.url.path}.",
    }
    message = messages.get(exc.status_code, str(exc.detail))
    return _json(exc.status_code, error_document(exc.status_code, message), dict(exc.headers or {}))


async def _on_crash(request: Request, exc: Exception) -> Response:
    # Unreachable by design; if a bug slips through, it is still a JSON api_error.
    return _json(500, error_document(500, "An unexpected error occurred on the mock server."))


def _routes(api: _Api) -> list[Route]:
    Handler = Callable[[Request], Awaitable[Response]]
    table: list[tuple[str, dict[str, Handler]]] = [
        ("/v1/customers", {"GET": api.list_customers, "POST": api.create_customer}),
        ("/v1/customers/{customer}", {"GET": api.get_customer}),
        (
            "/v1/customers/{customer}/bank_accounts",
            {"GET": api.list_bank_accounts, "POST": api.create_bank_account},
        ),
        ("/v1/customers/{customer}/bank_accounts/{bank_account}", {"GET": api.get_bank_account}),
    ]
    routes: list[Route] = []
    for path, handlers in table:
        endpoint = _dispatch(handlers)
        # One route per path so a 405 lists every allowed method; the documented paths work
        # with or without a trailing slash, never by redirect.
        routes.append(_anchored(Route(path, endpoint, methods=list(handlers))))
        routes.append(_anchored(Route(path + "/", endpoint, methods=list(handlers))))
    return routes


def _anchored(route: Route) -> Route:
    """End the route's pattern with ``\\Z``: Starlette's ``$`` also matches before a final
    newline, which sent ``/v1/customers/%0A`` to the list endpoint."""
    pattern = route.path_regex.pattern
    if pattern.endswith("$"):
        route.path_regex = re.compile(pattern[:-1] + r"\Z")
    return route


def _dispatch(
    handlers: dict[str, Callable[[Request], Awaitable[Response]]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return endpoint


def build_app(
    *,
    api_keys: Sequence[str] | None = None,
    db_path: str | None = None,
    seed_customers: int = 0,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """Return the correct mock (no faults) over a fresh store."""
    store = Store(db_path, clock=clock)
    api = _Api(store, frozenset(api_keys) if api_keys is not None else None, seed_customers)
    app = Starlette(
        routes=_routes(api),
        exception_handlers={
            ApiError: _on_api_error,
            HTTPException: _on_http_error,
            Exception: _on_crash,
        },
    )
    app.state.store = store
    return app
