"""Error checks: unknown ids get 404 with an error object whose type fits the status.

Spec: errors (the status table, the error object, status to type [conv]).
"""

from __future__ import annotations

from ...client import Exchange
from ...validation import Level
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
_UNKNOWN_ID = "CU0000ZZZZZZ00"


@scenario_check(
    "CUS-ERR-001",
    Level.MUST,
    "An unknown customer id gets 404 with an error object",
    "[doc] errors: 404 the requested resource does not exist",
    writes=False,
)
def check_unknown_customer_404(ctx: CheckContext) -> None:
    suffix = f"{ctx.rng.getrandbits(32):08X}"
    for customer_id in (_UNKNOWN_ID, f"CU{suffix}XXXX", "does-not-exist"):
        exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}")
        ctx.expect_error(exchange, 404, f"retrieve unknown customer {customer_id}")


@scenario_check(
    "CUS-ERR-002",
    Level.MUST,
    "An unknown bank account, or one under an unknown customer, gets 404",
    "[doc] errors: 404; retrieve-a-bank-account",
)
def check_unknown_bank_account_404(ctx: CheckContext) -> None:
    customer_id = ctx.shared_customer()["id"]
    checks = (
        (f"/v1/customers/{customer_id}/bank_accounts/BA0000ZZZZZZ00", "unknown bank account"),
        (f"/v1/customers/{_UNKNOWN_ID}/bank_accounts", "bank accounts of an unknown customer"),
    )
    for path, what in checks:
        ctx.expect_error(ctx.client.request("GET", path), 404, what)
    exchange = ctx.client.request(
        "POST",
        f"/v1/customers/{_UNKNOWN_ID}/bank_accounts",
        json_body=ctx.bank_account_params(),
    )
    ctx.expect_error(exchange, 404, "create a bank account for an unknown customer")


@response_check(
    "CUS-ERR-003",
    Level.SHOULD,
    "The error type fits the status code",
    "[conv] errors: 401 authentication_error, 400/404 invalid_request_error, "
    "429 rate_limit_error, 5xx api_error",
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
