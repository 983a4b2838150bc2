"""Transport checks, run on every response: JSON everywhere, documented statuses, no 5xx.

Contract (docs/contract.md): transport.json, errors.statuses, errors.no_5xx, client.limits;
transport.auth on every documented operation (CUS-HTTP-007).
"""

from __future__ import annotations

from ...client import Exchange
from .._context import CheckContext
from .._operations import DOCUMENTED_STATUSES
from .._registry import response_check, scenario_check

__all__ = [
    "check_bounded_answer",
    "check_documented_status",
    "check_every_operation_needs_a_key",
    "check_json_body",
    "check_no_5xx",
    "check_not_acceptable_406",
    "check_undocumented_methods",
]

_SLOW_SECONDS = 5.0


@response_check(
    "CUS-HTTP-001",
    "Every response is JSON with a JSON content type",
    "transport.json",
)
def check_json_body(ctx: CheckContext, exchange: Exchange) -> None:
    media = exchange.content_type
    if media != "application/json" and not media.endswith("+json"):
        ctx.fail(
            f"content type is {media or 'missing'!r}, not application/json",
            exchange=exchange,
            expected="application/json",
            actual=exchange.headers.get("content-type"),
        )
    try:
        exchange.json()
    except ValueError as exc:
        ctx.fail(
            f"the body is not valid JSON ({exc})",
            exchange=exchange,
            expected="a JSON document",
            actual=exchange.text_excerpt(120),
        )


@response_check(
    "CUS-HTTP-002",
    "Every status code is one the API documents",
    "errors.statuses",
)
def check_documented_status(ctx: CheckContext, exchange: Exchange) -> None:
    # 413 is HTTP's own answer to the oversized bodies CUS-ROB-004 sends; no client misreads it.
    if exchange.status in DOCUMENTED_STATUSES or exchange.status == 413:
        return
    if 200 <= exchange.status < 300:  # any 2xx is a success [doc]; 200 precisely is [conv]
        ctx.fail(
            f"status {exchange.status} is a success, but not the 200 the API answers",
            exchange=exchange,
            expected=200,
            actual=exchange.status,
            rule="endpoints.status_200",
        )
    # Another 4xx still tells a client it erred; anything else (3xx, 502) misleads it.
    ctx.fail(
        f"status {exchange.status} is not a documented status",
        exchange=exchange,
        expected=sorted(DOCUMENTED_STATUSES),
        actual=exchange.status,
        rule="errors.other_4xx" if 400 <= exchange.status < 500 else "errors.statuses",
    )


@response_check(
    "CUS-HTTP-003",
    "No request gets a server error (5xx)",
    "errors.no_5xx",
)
def check_no_5xx(ctx: CheckContext, exchange: Exchange) -> None:
    if exchange.status >= 500:
        ctx.fail(
            f"server error {exchange.status}: {exchange.text_excerpt(160)}",
            exchange=exchange,
            expected="< 500",
            actual=exchange.status,
        )


@response_check(
    "CUS-HTTP-004",
    "Every request gets a complete answer within the timeouts and size cap",
    "client.limits",
)
def check_bounded_answer(ctx: CheckContext, exchange: Exchange) -> None:
    # Answers that never come are recorded here by the runner; a slow one is only noted.
    if exchange.elapsed > _SLOW_SECONDS:
        ctx.fail(
            f"the answer took {exchange.elapsed:.1f} s",
            exchange=exchange,
            expected=f"<= {_SLOW_SECONDS} s",
            actual=round(exchange.elapsed, 2),
        )


@scenario_check(
    "CUS-HTTP-005",
    "A request that accepts only another format gets 406",
    "errors.not_acceptable",
    writes=False,
)
def check_not_acceptable_406(ctx: CheckContext) -> None:
    for accept in ("text/html", "application/xml"):
        exchange = ctx.client.request("GET", "/v1/customers", headers={"Accept": accept})
        ctx.expect(
            exchange.status == 406,
            f"Accept: {accept} got {exchange.status}, not 406",
            exchange=exchange,
            expected=406,
            actual=exchange.status,
        )


@scenario_check(
    "CUS-HTTP-006",
    "Undocumented methods on documented paths get 404 or 405",
    "endpoints.undocumented_methods",
)
def check_undocumented_methods(ctx: CheckContext) -> None:
    # A customer of its own: if the server did delete or update, no other check is harmed.
    _, customer = ctx.create_customer()
    one = f"/v1/customers/{customer['id']}"
    attempts = [
        ("PUT", one, {"name": "Renamed"}),
        ("PATCH", one, {"name": "Renamed"}),
        ("DELETE", one, None),
        ("DELETE", "/v1/customers", None),
        ("PUT", "/v1/customers", {"name": "Renamed"}),
        ("DELETE", f"{one}/bank_accounts", None),
    ]
    for method, path, body in attempts:
        exchange = ctx.client.request(method, path, json_body=body)
        ctx.expect(
            exchange.status in (404, 405),
            f"{method} {path} is not documented but got {exchange.status}",
            exchange=exchange,
            expected="404 or 405",
            actual=exchange.status,
        )


@scenario_check(
    "CUS-HTTP-007",
    "Every documented operation without a valid key gets 401",
    "transport.auth",
)
def check_every_operation_needs_a_key(ctx: CheckContext) -> None:
    # The auth checks try the customer paths; a handler that forgets authentication is as likely
    # on the others, so each documented operation is tried with no key and a never-issued one.
    customer = ctx.shared_customer()["id"]
    unissued = "sk_test_" + "".join(
        ctx.rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(24)
    )
    bank = f"/v1/customers/{customer}/bank_accounts"
    requests: list[tuple[str, str, dict[str, str] | None]] = [
        ("POST", "/v1/customers", ctx.customer_params("auth")),
        ("GET", "/v1/customers", None),
        ("GET", f"/v1/customers/{customer}", None),
        ("POST", bank, ctx.bank_account_params()),
        ("GET", bank, None),
        ("GET", f"{bank}/BA0000ZZZZZZ00", None),
    ]
    for method, path, body in requests:
        for key, what in ((None, "no key"), (unissued, "a never-issued key")):
            exchange = ctx.client.request(method, path, json_body=body, key=key)
            ctx.expect_error(exchange, 401, f"{method} {path} with {what}")
