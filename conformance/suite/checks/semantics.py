"""Semantic checks: what a schema cannot state about a single answer.

Contract: transport.modes (livemode from the key's mode), customer.created (Unix seconds),
endpoints.retrieve_customer, child_list.url.path.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from ...client import Exchange
from ...validation import CLOCK_SKEW_SECONDS
from .._context import CheckContext
from .._operations import operation_of
from .._registry import response_check, scenario_check

__all__ = [
    "check_child_list_urls",
    "check_created_is_now",
    "check_id_stable",
    "check_livemode_matches_key",
]

_OBJECT_KINDS = frozenset({"customer", "bank_account", "mandate", "subscription"})


def _objects(value: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every API object inside a body (lists and child lists included), with pointers."""
    if isinstance(value, dict):
        if value.get("object") in _OBJECT_KINDS:
            yield pointer, value
        for key, inner in value.items():
            if isinstance(inner, dict | list):
                yield from _objects(inner, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value[:200]):
            yield from _objects(inner, f"{pointer}/{index}")


@response_check(
    "CUS-SEM-001",
    "livemode equals the mode of the key used",
    "transport.modes",
)
def check_livemode_matches_key(ctx: CheckContext, exchange: Exchange) -> None:
    if not 200 <= exchange.status < 300 or exchange.key_mode is None:
        return
    wanted = exchange.key_mode == "live"
    for pointer, obj in _objects(exchange.json_or_none()):
        livemode = obj.get("livemode")
        if isinstance(livemode, bool) and livemode is not wanted:
            ctx.fail(
                f"livemode is {livemode} for a request made with a {exchange.key_mode} key",
                exchange=exchange,
                pointer=f"{pointer}/livemode",
                expected=wanted,
                actual=livemode,
            )


@response_check(
    "CUS-SEM-002",
    "A new object's created is now, in Unix seconds",
    ("customer.created", "bank_account.created"),
)
def check_created_is_now(ctx: CheckContext, exchange: Exchange) -> None:
    if not 200 <= exchange.status < 300 or operation_of(exchange) not in (
        "create_customer",
        "create_bank_account",
    ):
        return
    body = exchange.json_or_none()
    created = body.get("created") if isinstance(body, dict) else None
    if not isinstance(created, int) or isinstance(created, bool):
        return  # the shape checks report a missing or mistyped created
    now = int(time.time())
    if abs(created - now) > CLOCK_SKEW_SECONDS:
        ctx.fail(
            f"created {created} is more than a day from now ({now}): not Unix seconds of now",
            exchange=exchange,
            pointer="/created",
            expected=f"{now} ± {CLOCK_SKEW_SECONDS}",
            actual=created,
        )


@scenario_check(
    "CUS-SEM-003",
    "Retrieving a customer returns the id asked for, the same every time",
    "endpoints.retrieve_customer",
)
def check_id_stable(ctx: CheckContext) -> None:
    customer = ctx.shared_customer()
    customer_id = customer["id"]
    for attempt in range(2):
        exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}")
        body = ctx.body(exchange, 200, what=f"retrieve the customer (call {attempt + 1})")
        got = body.get("id") if isinstance(body, dict) else None
        ctx.expect(
            got == customer_id,
            "retrieve returned another id than the one asked for",
            exchange=exchange,
            pointer="/id",
            expected=customer_id,
            actual=got,
        )


@scenario_check(
    "CUS-SEM-004",
    "Each child list's url is the customer's collection path",
    "child_list.url.path",
)
def check_child_list_urls(ctx: CheckContext) -> None:
    customer = ctx.shared_customer()
    customer_id = customer["id"]
    exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}")
    body = ctx.body(exchange, 200, what="retrieve the customer")
    for child in ("bank_accounts", "mandates", "subscriptions"):
        listing = body.get(child) if isinstance(body, dict) else None
        url = listing.get("url") if isinstance(listing, dict) else None
        wanted = f"/v1/customers/{customer_id}/{child}"
        if url is not None and not str(url).rstrip("/").endswith(wanted):
            ctx.report(
                f"{child}.url does not point at the customer's {child}",
                exchange=exchange,
                pointer=f"/{child}/url",
                expected=wanted,
                actual=url,
            )
