"""Shape checks, run on every response: each body against its JSON Schema, strict overlay too.

Each violation keeps its own level: MUST rules fail, SHOULD rules warn, MAY rules are notes
(contract: levels from tags). Contract: customer.shape, customer_list.shape, bank_account.shape,
bank_account_list.shape, error.shape, and every x-rule of the schemas.
"""

from __future__ import annotations

from typing import Any

from ...client import Exchange
from .._context import CheckContext
from .._operations import operation_of, response_schema
from .._registry import response_check

__all__ = [
    "check_bank_account_list_shape",
    "check_bank_account_shape",
    "check_customer_list_shape",
    "check_customer_shape",
    "check_error_shape",
]


def _validate_success(ctx: CheckContext, exchange: Exchange, wanted: str) -> None:
    if not 200 <= exchange.status < 300:
        return
    if response_schema(operation_of(exchange)) != wanted:
        return
    body = exchange.json_or_none()
    if body is None:
        return  # CUS-HTTP-001 reports a body that is not JSON
    ctx.validate(body, wanted, exchange)


def _shape_check(check_id: str, wanted: str, title: str) -> Any:
    @response_check(check_id, title, f"{wanted}.shape")
    def check(ctx: CheckContext, exchange: Exchange) -> None:
        _validate_success(ctx, exchange, wanted)

    check.__name__ = check.__qualname__ = f"check_{wanted}_shape"
    return check


check_customer_shape = _shape_check(
    "CUS-SHAPE-001",
    "customer",
    "Customer answers match the customer schema",
)
check_customer_list_shape = _shape_check(
    "CUS-SHAPE-002",
    "customer_list",
    "Customer lists match the list schema",
)
check_bank_account_shape = _shape_check(
    "CUS-SHAPE-003",
    "bank_account",
    "Bank account answers match the bank_account schema",
)
check_bank_account_list_shape = _shape_check(
    "CUS-SHAPE-004",
    "bank_account_list",
    "Bank account lists match the bank account list schema",
)


@response_check(
    "CUS-SHAPE-005",
    "Error answers match the error schema",
    "error.shape",
)
def check_error_shape(ctx: CheckContext, exchange: Exchange) -> None:
    if exchange.status < 400:
        return
    body = exchange.json_or_none()
    if body is None:
        return  # CUS-HTTP-001 reports a body that is not JSON
    ctx.validate(body, "error", exchange)
