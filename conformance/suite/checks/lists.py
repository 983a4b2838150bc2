"""List checks: order, limit, paging and the email filter of ``GET /v1/customers``.

Contract: list.order (newest first by ``created``; ties in any order), list.limit and
list.default_limit (1..100, default 100), list.page (from 1 [ours]: list.page_base),
list.past_end, list.email_filter, list.email_no_match [doc]; list.limit_range [conv].
Others create customers while a check runs (a shared account, parallel checks), so a check judges
its own customers over lists only it changes: they share an address unique to the check, and
``email`` filters by exact address (two customers with one address keep every documented rule:
request.valid_accepted). The whole list is judged only where others' creates, which only add
customers at the newest end, cannot change the verdict.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

from ...client import Exchange
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
    "expect_newest_first",
    "expect_only_ours",
]


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
    "Customers are listed newest first",
    "list.order",
)
def check_newest_first(ctx: CheckContext) -> None:
    # Only created orders customers: two created in the same second may come in any order, so
    # the clock reaches a new second between the two creates.
    email = ctx.unique_email("order")
    _, older = ctx.create_customer({**ctx.customer_params(), "email": email})
    time.sleep(1.05)  # a new whole second on the server's clock too, whatever its offset
    _, newer = ctx.create_customer({**ctx.customer_params(), "email": email})
    exchange, data, _ = list_page(ctx, ("email", email), ("limit", "100"))
    ids = _ids(data)
    expect_only_ours(ctx, exchange, ids, [older["id"], newer["id"]])
    for wanted in (older["id"], newer["id"]):
        ctx.expect(
            wanted in ids,
            "a just-created customer is missing from the list filtered by its email",
            exchange=exchange,
            expected=wanted,
            actual=ids,
            rule="list.email_filter",
        )
    stamps_of = {item.get("id"): item.get("created") for item in data if isinstance(item, dict)}
    old_stamp, new_stamp = stamps_of.get(older["id"]), stamps_of.get(newer["id"])
    if not (isinstance(old_stamp, int) and isinstance(new_stamp, int) and new_stamp > old_stamp):
        ctx.not_exercised(f"created ({old_stamp}, {new_stamp}) does not order the two customers")
    ctx.expect(
        ids.index(newer["id"]) < ids.index(older["id"]),
        "the customer created second is listed after the one created first",
        exchange=exchange,
        expected=[newer["id"], older["id"]],
        actual=[i for i in ids if i in (older["id"], newer["id"])],
    )
    expect_newest_first(ctx, exchange, data)


def expect_only_ours(
    ctx: CheckContext, exchange: Exchange, ids: list[Any], ours: list[Any]
) -> None:
    """Stop as "not exercised" when a list filtered by the check's own address holds anyone
    else's customer: the filter is not applied (CUS-LIST-005 judges that), so the list is no set
    only this check can change, and nothing can be judged from it whatever others do."""
    foreign = [i for i in ids if i not in ours]
    if foreign:
        ctx.not_exercised(
            f"the list filtered by this check's email holds other customers ({foreign[:3]}): "
            "no list only this check changes"
        )


def expect_newest_first(ctx: CheckContext, exchange: Exchange, data: list[Any]) -> None:
    """Expect ``created`` never to increase down a page (ties may come in any order)."""
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
    "limit bounds the number of customers on a page",
    ("list.limit", "list.default_limit"),
)
def check_limit_bounds(ctx: CheckContext) -> None:
    for _ in range(3):
        ctx.create_customer()
    full = 0  # customers on a limit=100 page: what a page of the default size must hold
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
        if limit == "100":
            full = len(data)
        if limit is None:  # the default is 100: as many as limit=100 gave, and at least ours
            ctx.expect(
                len(data) >= max(full, 3),
                f"without limit a page holds {len(data)} customers, fewer than the default 100 "
                "allows",
                exchange=exchange,
                pointer="/data",
                expected=f">= {max(full, 3)}",
                actual=len(data),
                rule="list.default_limit",
            )


@scenario_check(
    "CUS-LIST-003",
    "Walking the pages yields every customer exactly once",
    "list.page",
)
def check_page_walk(ctx: CheckContext) -> None:
    # Pages are numbered and newest first: a customer someone else creates during a walk of the
    # whole list shifts every later page by one, so a walk may see a customer twice, or miss one
    # on a server whose pages are not stable, and neither would be the server's fault. The walk
    # is judged over the check's own customers, all sharing one address: a set no one else's
    # creates can change, walked with the email filter.
    email = ctx.unique_email("walk")
    params = {**ctx.customer_params(), "email": email}
    ours = [ctx.create_customer(params)[1]["id"] for _ in range(ctx.tier.page_customers)]
    limit, where = 2, ("email", email)
    first_exchange, first_data, first = list_page(ctx, where, ("limit", str(limit)))
    expect_only_ours(ctx, first_exchange, _ids(first_data), ours)
    base = _first_page_number(ctx, limit, _ids(first_data), where)
    seen: dict[Any, int] = {}
    # Each page but the last holds limit customers (list.limit): a short page ends the walk.
    for page in range(base, base + math.ceil(len(ours) / limit) + 1):
        exchange, data, _ = list_page(ctx, where, ("limit", str(limit)), ("page", str(page)))
        expect_only_ours(ctx, exchange, _ids(data), ours)
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
        if len(data) < limit:
            break
    missing = [i for i in ours if i not in seen]
    ctx.expect(
        not missing,
        "the page walk missed customers this check created",
        expected=ours,
        actual=missing,
    )
    total = first.get("total_count") if isinstance(first, dict) else None
    if isinstance(total, int) and not isinstance(total, bool):
        ctx.expect(
            total == len(ours),
            "total_count of the list filtered by email differs from the customers it holds",
            exchange=first_exchange,
            pointer="/total_count",
            expected=len(ours),
            actual=total,
            rule="customer_list.total_count",
        )


def _first_page_number(
    ctx: CheckContext, limit: int, first_ids: list[Any], *where: tuple[str, str]
) -> int:
    """Return the number of the first page: 1 (ours), or 0 when page 0 is the first page and
    page 1 is not (a MAY note: the docs do not say where numbering starts)."""
    _, one, _ = list_page(ctx, *where, ("limit", str(limit)), ("page", "1"))
    if _ids(one) == first_ids:
        return 1
    params = [*where, ("limit", str(limit)), ("page", "0")]
    zero = ctx.client.request("GET", "/v1/customers", params=params)
    body = zero.json_or_none() if 200 <= zero.status < 300 else None
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list) and _ids(data) == first_ids:
        ctx.report(
            "pages are numbered from 0, not from 1",
            exchange=zero,
            expected="page=1 is the first page",
            actual="page=0 is the first page",
            rule="list.page_base",
        )
        return 0
    return 1


@scenario_check(
    "CUS-LIST-004",
    "A page past the end is an empty list",
    "list.past_end",
)
def check_page_past_end(ctx: CheckContext) -> None:
    ctx.shared_customer()
    # Far past the end, and just past it by total_count: judged only if total_count read again
    # says it still is (others' creates move the end; else asked again, bounded).
    for _ in range(_PAST_END_ATTEMPTS):
        total = _total_count(ctx)
        if total is None:
            break
        page = total // 100 + 2  # pages of 100 before it hold every customer and 100 more
        exchange, data, _ = list_page(ctx, ("limit", "100"), ("page", str(page)))
        moved = _total_count(ctx) if data else None
        if moved is not None and moved > (page - 1) * 100:
            continue  # others' creates reached this page: ask past the new end
        # Past the end only if total_count [conv] is right: a finding here rests on it.
        _expect_empty(ctx, exchange, data, page, rule="customer_list.total_count")
        break
    far = 10**6
    exchange, data, _ = list_page(ctx, ("limit", "100"), ("page", str(far)))
    _expect_empty(ctx, exchange, data, far)


_PAST_END_ATTEMPTS = 3


def _total_count(ctx: CheckContext) -> int | None:
    _, _, body = list_page(ctx, ("limit", "100"))
    total = body.get("total_count") if isinstance(body, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def _expect_empty(
    ctx: CheckContext, exchange: Exchange, data: list[Any], page: int, rule: str | None = None
) -> None:
    if data:
        ctx.report(
            f"page {page} is past the end but holds customers"
            + (" (past the end by total_count)" if rule else ""),
            exchange=exchange,
            pointer="/data",
            expected=[],
            actual=_ids(data),
            rule=rule,
        )
    else:
        ctx.judge(exchange)


@scenario_check(
    "CUS-LIST-005",
    "The email filter returns exactly the customers with that address",
    "list.email_filter",
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
    "An email that matches no customer is an error",
    "list.email_no_match",
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
    "A limit outside 1..100 gets 400 naming limit",
    "list.limit_range",
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
            rule="errors.no_5xx",
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
    "Without limit, a page holds as many customers as with limit=100",
    "list.default_limit",
)
def check_default_limit_100(ctx: CheckContext) -> None:
    # The account must hold enough customers for a short default page to show: 101 in the deep
    # tier (any default other than 100 shows), 11 otherwise (a default of 10 or less). Others'
    # customers count too, as the list shows them: they only add. The check creates the rest.
    wanted = 101 if ctx.tier.name == "deep" else 11
    for _ in range(max(0, wanted - _customers_at_least(ctx, wanted))):
        ctx.create_customer()
    # limit=100 first: others' creates only add customers, so the page without limit, read
    # next, holds at least as many (up to 100) whatever they do in between.
    explicit_exchange, explicit, _ = list_page(ctx, ("limit", "100"))
    exchange, default, _ = list_page(ctx)
    ctx.expect(
        len(explicit) >= min(wanted, 100),
        f"limit=100 returned {len(explicit)} customers of the {wanted} or more listed",
        exchange=explicit_exchange,
        pointer="/data",
        expected=f">= {min(wanted, 100)}",
        actual=len(explicit),
    )
    ctx.expect(
        len(explicit) <= len(default) <= 100,
        f"without limit the page holds {len(default)} customers, with limit=100 {len(explicit)}",
        exchange=exchange,
        pointer="/data",
        expected=f"{len(explicit)} (or more, up to 100, as others create customers)",
        actual=len(default),
    )


def _customers_at_least(ctx: CheckContext, wanted: int) -> int:
    """Return how many distinct customers the first pages of 100 list, reading a second page
    only if ``wanted`` needs it (a server that ignores page repeats the first: counted once)."""
    _, data, _ = list_page(ctx, ("limit", "100"))
    seen = {i for i in _ids(data) if i is not None}
    if len(seen) >= wanted or len(data) < 100:
        return len(seen)
    _, more, _ = list_page(ctx, ("limit", "100"), ("page", "2"))
    return len(seen | {i for i in _ids(more) if i is not None})
