"""What a create promises later requests, shared by the round-trip checks and the stateful
phase (so neither imports the other): values come back as sent, an acknowledged id is found.

Contract: request.stored [conv] (a metadata value ``""`` may unset its key:
request.metadata_unset), endpoints.retrieve_customer [doc] (the customer, as created).
"""

from __future__ import annotations

from typing import Any

from ..client import Exchange
from ._context import CheckContext

__all__ = ["STORED", "expect_not_lost", "expect_stored", "retrieve_created"]

#: The customer attributes a create sets or a retrieve must repeat (spec: the customer object).
STORED = ("name", "email", "identification", "mobile", "phone", "metadata")


def expect_stored(
    ctx: CheckContext, params: dict[str, Any], body: Any, exchange: Exchange, what: str
) -> None:
    """Report each parameter that is not in ``body`` as sent (contract: request.stored, a
    convention). A metadata key sent with ``""`` may be unset (request.metadata_unset): it may
    come back as ``""`` or not at all."""
    for key in STORED:
        if key not in params:
            continue
        got = body.get(key) if isinstance(body, dict) else None
        wanted = params[key]
        if key == "metadata" and isinstance(wanted, dict) and isinstance(got, dict):
            unset = {k for k, v in wanted.items() if v == ""}
            wanted = {k: v for k, v in wanted.items() if k not in unset}
            got = {k: v for k, v in got.items() if not (k in unset and v == "")}
        if got != wanted:
            ctx.report(
                f"{what}: {key} does not come back as sent",
                exchange=exchange,
                pointer=f"/{key}",
                expected=wanted,
                actual=got,
                rule="request.stored",
            )


def retrieve_created(ctx: CheckContext, customer_id: str, what: str) -> tuple[Exchange, Any]:
    """Retrieve a customer the server answered a create for; a retrieve that does not find it
    is a MUST finding naming the lost id (endpoints.retrieve_customer), whatever the check."""
    exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}")
    expect_not_lost(ctx, exchange, customer_id, what)
    return exchange, ctx.body(exchange, 200, what=what)


def expect_not_lost(ctx: CheckContext, exchange: Exchange, customer_id: str, what: str) -> None:
    """Fail naming ``customer_id`` when a request on an acknowledged customer gets 404 (any
    other refusal is judged by the caller's own expectations)."""
    if exchange.status == 404:
        ctx.fail(
            f"{what}: customer {customer_id} was acknowledged (its create answered 2xx) and "
            f"then lost: {exchange.method} {exchange.path} got {exchange.status}",
            exchange=exchange,
            expected="the customer, as created",
            actual=exchange.status,
            rule="endpoints.retrieve_customer",
        )
