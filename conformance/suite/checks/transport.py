"""Transport checks, run on every response: JSON everywhere, documented statuses, no 5xx.

Spec: "Transport and modes" and "Errors". Responses are always JSON, errors too [doc].
"""

from __future__ import annotations

from ...client import Exchange
from ...validation import Level
from .._context import CheckContext
from .._operations import DOCUMENTED_STATUSES
from .._registry import response_check, scenario_check

__all__ = [
    "check_bounded_answer",
    "check_documented_status",
    "check_json_body",
    "check_no_5xx",
    "check_not_acceptable_406",
    "check_undocumented_methods",
]

_SLOW_SECONDS = 5.0


@response_check(
    "CUS-HTTP-001",
    Level.MUST,
    "Every response is JSON with a JSON content type",
    "[doc] base-urls, errors: responses are always JSON, errors too",
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
    Level.MUST,
    "Every status code is one the API documents",
    "[doc] errors: 200, 400, 401, 402, 404, 405, 406, 429, 500, 503",
)
def check_documented_status(ctx: CheckContext, exchange: Exchange) -> None:
    # 413 is HTTP's own answer to the oversized bodies CUS-ROB-004 sends; no client misreads it.
    if exchange.status in DOCUMENTED_STATUSES or exchange.status == 413:
        return
    # Another 4xx still tells a client it erred; anything else (201, 3xx, 502) misleads it.
    level = Level.SHOULD if 400 <= exchange.status < 500 else Level.MUST
    ctx.fail(
        f"status {exchange.status} is not a documented status",
        exchange=exchange,
        expected=sorted(DOCUMENTED_STATUSES),
        actual=exchange.status,
        level=level,
    )


@response_check(
    "CUS-HTTP-003",
    Level.MUST,
    "No request gets a server error (5xx)",
    "[doc] errors: bad input gets 4xx, never a 5xx",
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
    Level.MUST,
    "Every request gets a complete answer within the timeouts and size cap",
    "[ours] client limits: connect 5 s, read 10 s, 30 s per request, 5 MB per body",
)
def check_bounded_answer(ctx: CheckContext, exchange: Exchange) -> None:
    # Answers that never come are recorded here by the runner; a slow one is only noted.
    if exchange.elapsed > _SLOW_SECONDS:
        ctx.fail(
            f"the answer took {exchange.elapsed:.1f} s",
            exchange=exchange,
            expected=f"<= {_SLOW_SECONDS} s",
            actual=round(exchange.elapsed, 2),
            level=Level.MAY,
        )


@scenario_check(
    "CUS-HTTP-005",
    Level.MUST,
    "A request that accepts only another format gets 406",
    "[doc] errors: 406 the requested format is not supported (JSON only)",
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
    Level.MUST,
    "Undocumented methods on documented paths get 404 or 405",
    "[doc] errors: 404 resource does not exist, 405 method not allowed; update and delete of "
    "customers are not documented",
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
