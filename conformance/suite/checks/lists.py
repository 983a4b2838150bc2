"""List checks: order, limit, paging and the email filter of ``GET /v1/customers``.

Spec: list-all-customers: up to ``limit`` (1..100, default 100) objects, newest first, ``page``
numbered from 1 [ours], an empty array past the end, ``email`` filters by exact address and an
email matching no customer is an error [doc].
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

from ...client import Exchange
from ...validation import Level
from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_default_limit_100",
    "check_email_filter_exact",
    "check_limit_bounds",
    "check_limit_out_of_range",
    "check_newest_first",
    "check_page_past_end",
    "check_page_walk",
    "check_unknown_email_error",
]

_MAX_WALK_PAGES = 60  # a page walk never reads more than this many pages


def list_page(ctx: CheckContext, *params: tuple[str, str]) -> tuple[Exchange, list[Any], Any]:
    """GET /v1/customers; return the exchange, the data array and the body."""
    exchange = ctx.client.request("GET", "/v1/customers", params=list(params))
    body = ctx.body(exchange, 200, what=f"list customers {dict(params)}")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        ctx.fail("the list has no data array", exchange=exchange, pointer="/data", actual=body)
    return exchange, data, body


def _ids(data: list[Any]) -> list[Any]:
    return [item.get("id") if isinstance(item, dict) else None for item in data]


@scenario_check(
    "CUS-LIST-001",
    Level.MUST,
    "Customers are listed newest first",
    "[doc] list-all-customers: sorted with the most recent first",
)
def check_newest_first(ctx: CheckContext) -> None:
    _, older = ctx.create_customer()
    # Wait for the clock to reach a new second so the two creates differ in created too.
    time.sleep(max(0.0, 1.05 - (time.time() % 1.0)))
    _, newer = ctx.create_customer()
    exchange, data, _ = list_page(ctx, ("limit", "10"))
    ids = _ids(data)
    for wanted in (older["id"], newer["id"]):
        ctx.expect(
            wanted in ids,
            "a just-created customer is missing from the first page",
            exchange=exchange,
            expected=wanted,
            actual=ids,
        )
    ctx.expect(
        ids.index(newer["id"]) < ids.index(older["id"]),
        "the customer created second is listed after the one created first",
        exchange=exchange,
        expected=[newer["id"], older["id"]],
        actual=[i for i in ids if i in (older["id"], newer["id"])],
    )
    created = [item.get("created") for item in data if isinstance(item, dict)]
    stamps = [c for c in created if isinstance(c, int)]
    for index, (first, second) in enumerate(itertools.pairwise(stamps)):
        ctx.expect(
            first >= second,
            "created increases down the page: not newest first",
            exchange=exchange,
            pointer=f"/data/{index + 1}/created",
            expected=f"<= {first}",
            actual=second,
        )


@scenario_check(
    "CUS-LIST-002",
    Level.MUST,
    "limit bounds the number of customers on a page",
    "[doc] list-all-customers: limit 1..100, default 100",
)
def check_limit_bounds(ctx: CheckContext) -> None:
    for _ in range(3):
        ctx.create_customer()
    for limit in ("1", "2", "100", None):
        params = [("limit", limit)] if limit else []
        exchange, data, _ = list_page(ctx, *params)
        most = int(limit or 100)
        ctx.expect(
            len(data) <= most,
            f"limit={limit or 'default'} returned {len(data)} customers",
            exchange=exchange,
            pointer="/data",
            expected=f"<= {most}",
            actual=len(data),
        )
        if limit in ("1", "2"):
            ctx.expect(
                len(data) == most,
                f"limit={limit} returned fewer customers than exist",
                exchange=exchange,
                pointer="/data",
                expected=most,
                actual=len(data),
            )


@scenario_check(
    "CUS-LIST-003",
    Level.MUST,
    "Walking the pages yields every customer exactly once",
    "[doc] list-all-customers: limit and page",
)
def check_page_walk(ctx: CheckContext) -> None:
    ours = [ctx.create_customer()[1]["id"] for _ in range(ctx.tier.page_customers)]
    limit = 2
    _, _, first = list_page(ctx, ("limit", str(limit)))
    total = first.get("total_count") if isinstance(first, dict) else None
    # Walk the whole list when the target is small, else the pages our newest customers fill.
    small = isinstance(total, int) and not isinstance(total, bool) and total <= 200
    if isinstance(total, int) and small:
        pages = math.ceil(total / limit) + 1
    else:
        pages = math.ceil(len(ours) / limit) + 2
    seen: dict[Any, int] = {}
    for page in range(1, min(pages, _MAX_WALK_PAGES) + 1):
        exchange, data, _ = list_page(ctx, ("limit", str(limit)), ("page", str(page)))
        ctx.expect(
            len(data) <= limit,
            f"page {page} holds more than limit={limit} customers",
            exchange=exchange,
            expected=f"<= {limit}",
            actual=len(data),
        )
        for item_id in _ids(data):
            ctx.expect(
                item_id not in seen,
                f"customer {item_id} appears on page {seen.get(item_id)} and again on page {page}",
                exchange=exchange,
                expected="each customer once",
                actual=item_id,
            )
            seen[item_id] = page
        if not data:
            break
    missing = [i for i in ours if i not in seen]
    ctx.expect(
        not missing,
        "the page walk missed customers this run created",
        expected=ours,
        actual=missing,
    )
    if small:
        ctx.expect(
            len(seen) == total,
            "the page walk found another number of customers than total_count",
            expected=total,
            actual=len(seen),
            level=Level.SHOULD,
        )


@scenario_check(
    "CUS-LIST-004",
    Level.MUST,
    "A page past the end is an empty list",
    "[doc] list-all-customers: an empty array past the end",
)
def check_page_past_end(ctx: CheckContext) -> None:
    ctx.shared_customer()
    _, _, body = list_page(ctx, ("limit", "100"))
    total = body.get("total_count") if isinstance(body, dict) else None
    pages = [str(10**6)]
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        pages.insert(0, str(total // 100 + 2))
    for page in pages:
        exchange, data, _ = list_page(ctx, ("limit", "100"), ("page", page))
        ctx.expect(
            not data,
            f"page {page} is past the end but holds customers",
            exchange=exchange,
            pointer="/data",
            expected=[],
            actual=_ids(data),
        )


@scenario_check(
    "CUS-LIST-005",
    Level.MUST,
    "The email filter returns exactly the customers with that address",
    "[doc] list-all-customers: email filters by exact address",
)
def check_email_filter_exact(ctx: CheckContext) -> None:
    email = ctx.unique_email("exact")
    _, target = ctx.create_customer({**ctx.customer_params(), "email": email})
    ctx.create_customer({**ctx.customer_params(), "email": "x" + email})
    exchange, data, _ = list_page(ctx, ("email", email))
    ids = _ids(data)
    ctx.expect(
        target["id"] in ids,
        "the customer with that email is not in the filtered list",
        exchange=exchange,
        expected=target["id"],
        actual=ids,
    )
    for index, item in enumerate(data):
        got = item.get("email") if isinstance(item, dict) else None
        ctx.expect(
            got == email,
            "the filtered list holds a customer with another email",
            exchange=exchange,
            pointer=f"/data/{index}/email",
            expected=email,
            actual=got,
        )


@scenario_check(
    "CUS-LIST-006",
    Level.MUST,
    "An email that matches no customer is an error",
    "[doc] list-all-customers: an email that matches no customer returns an error",
    writes=False,
)
def check_unknown_email_error(ctx: CheckContext) -> None:
    email = ctx.unique_email("nobody")
    exchange = ctx.client.request("GET", "/v1/customers", params=[("email", email)])
    ctx.expect(
        400 <= exchange.status < 500,
        f"an unknown email got {exchange.status}, not an error",
        exchange=exchange,
        expected="4xx with an error object",
        actual=exchange.status,
    )
    ctx.validate(ctx.body(exchange, what="unknown email"), "error", exchange)


@scenario_check(
    "CUS-LIST-007",
    Level.SHOULD,
    "A limit outside 1..100 gets 400 naming limit",
    "[conv] request rules; [doc] list-all-customers: limit 1..100",
    writes=False,
)
def check_limit_out_of_range(ctx: CheckContext) -> None:
    for limit in ("0", "101", "ten"):
        exchange = ctx.client.request("GET", "/v1/customers", params=[("limit", limit)])
        ctx.expect(
            exchange.status < 500,
            f"limit={limit} got a server error",
            exchange=exchange,
            expected="400",
            actual=exchange.status,
            level=Level.MUST,
        )
        body = exchange.json_or_none()
        if exchange.status != 400 or ctx.error_param(body) != "limit":
            ctx.report(
                f"limit={limit} was not rejected with 400 naming limit",
                exchange=exchange,
                pointer="/error/param",
                expected={"status": 400, "param": "limit"},
                actual={"status": exchange.status, "param": ctx.error_param(body)},
            )


@scenario_check(
    "CUS-LIST-008",
    Level.MUST,
    "Without limit, a page holds as many customers as with limit=100",
    "[doc] list-all-customers: limit 1..100, default 100",
)
def check_default_limit_100(ctx: CheckContext) -> None:
    # Only objects this check creates count as evidence that the account holds enough: 101
    # (any default below 100 shows) in the deep tier, 11 (a default of 10 or less) otherwise.
    wanted = 101 if ctx.tier.name == "deep" else 11
    for _ in range(wanted):
        ctx.create_customer()
    exchange, default, _ = list_page(ctx)
    explicit_exchange, explicit, _ = list_page(ctx, ("limit", "100"))
    ctx.expect(
        len(explicit) >= min(wanted, 100),
        f"limit=100 returned {len(explicit)} customers after this check created {wanted}",
        exchange=explicit_exchange,
        pointer="/data",
        expected=f">= {min(wanted, 100)}",
        actual=len(explicit),
    )
    ctx.expect(
        len(default) == len(explicit),
        f"without limit the page holds {len(default)} customers, with limit=100 {len(explicit)}",
        exchange=exchange,
        pointer="/data",
        expected=len(explicit),
        actual=len(default),
    )
