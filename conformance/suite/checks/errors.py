"""Error checks: unknown ids get 404 with an error object whose type fits the status.

Contract: errors.not_found (404 for an unknown id shaped like the server's own ids [doc]),
errors.not_found_arbitrary (400 or 404 for an arbitrary string [ours]), errors.type_by_status.
"""

from __future__ import annotations

from ...client import Exchange
from .._context import CheckContext
from .._registry import response_check, scenario_check

__all__ = [
    "check_error_type_fits_status",
    "check_unknown_bank_account_404",
    "check_unknown_customer_404",
]

#: Status -> the error types that fit it (spec: errors, status to type [conv]).
_TYPES_BY_STATUS = {
    400: {"invalid_request_error", "validation_error"},
    401: {"authentication_error"},
    404: {"invalid_request_error"},
    429: {"rate_limit_error"},
}
_UNKNOWN_ID = "CU0000ZZZZZZ00"  # the observed shape (contract: customer.id.prefix)


def unknown_like(ctx: CheckContext, known: str) -> str:
    """Return an id shaped like ``known`` (same length, same kind of character at each place)
    that the server never issued: its last four characters changed."""
    head, tail = known[:-4], known[-4:]
    changed = []
    for char in tail:
        pool = (
            "0123456789"
            if char.isdigit()
            else "ABCDEFGHJKLMNPQRSTUVWXYZ"
            if char.isupper()
            else "abcdefghjkmnpqrstuvwxyz"
            if char.islower()
            else char
        )
        changed.append(ctx.rng.choice([c for c in pool if c != char] or [char]))
    return head + "".join(changed)


def _shaped_unknown_ids(ctx: CheckContext) -> list[str]:
    """Unknown ids shaped like the server's own: from a listed customer when there is one."""
    exchange = ctx.client.request("GET", "/v1/customers", params=[("limit", "1")])
    body = exchange.json_or_none() if 200 <= exchange.status < 300 else None
    data = body.get("data") if isinstance(body, dict) else None
    first = data[0] if isinstance(data, list) and data else None
    known = first.get("id") if isinstance(first, dict) else None
    if isinstance(known, str) and len(known) >= 6:
        return [unknown_like(ctx, known), unknown_like(ctx, known)]
    return [_UNKNOWN_ID, unknown_like(ctx, _UNKNOWN_ID)]


@scenario_check(
    "CUS-ERR-001",
    "An unknown customer id gets 404 with an error object",
    "errors.not_found",
    writes=False,
)
def check_unknown_customer_404(ctx: CheckContext) -> None:
    for customer_id in _shaped_unknown_ids(ctx):
        exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}")
        ctx.expect_error(exchange, 404, f"retrieve unknown customer {customer_id}")
    # An arbitrary string is no id the server could have issued: 400 or 404 (ours).
    exchange = ctx.client.request("GET", "/v1/customers/does-not-exist")
    what = "retrieve customer 'does-not-exist'"
    ctx.expect_error(exchange, (404, 400), what, rule="errors.not_found_arbitrary")


@scenario_check(
    "CUS-ERR-002",
    "An unknown bank account, or one under an unknown customer, gets 404",
    ("errors.not_found", "endpoints.retrieve_bank_account"),
)
def check_unknown_bank_account_404(ctx: CheckContext) -> None:
    customer_id = ctx.shared_customer()["id"]
    unknown = unknown_like(ctx, customer_id)
    checks = (
        (f"/v1/customers/{customer_id}/bank_accounts/BA0000ZZZZZZ00", "unknown bank account"),
        (f"/v1/customers/{unknown}/bank_accounts", "bank accounts of an unknown customer"),
    )
    for path, what in checks:
        ctx.expect_error(ctx.client.request("GET", path), 404, what)
    exchange = ctx.client.request(
        "POST",
        f"/v1/customers/{unknown}/bank_accounts",
        json_body=ctx.bank_account_params(),
    )
    ctx.expect_error(exchange, 404, "create a bank account for an unknown customer")


@response_check(
    "CUS-ERR-003",
    "The error type fits the status code",
    "errors.type_by_status",
)
def check_error_type_fits_status(ctx: CheckContext, exchange: Exchange) -> None:
    if exchange.status < 400:
        return
    body = exchange.json_or_none()
    error_type = ctx.error_type(body)
    if error_type is None:
        return  # CUS-SHAPE-005 reports an error without a type
    wanted = _TYPES_BY_STATUS.get(exchange.status)
    if wanted is None and exchange.status >= 500:
        wanted = {"api_error"}
    if wanted is not None and error_type not in wanted:
        ctx.fail(
            f"status {exchange.status} came with error type {error_type!r}",
            exchange=exchange,
            pointer="/error/type",
            expected=sorted(wanted),
            actual=error_type,
        )
