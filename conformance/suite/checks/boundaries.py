"""Boundary and near-miss checks: values derived from the kind of rule (``_variants``).

Contract: list.email_filter (``email`` filters by exact address [doc]: a near-miss never lists
the customer; case and whitespace are left free), list.limit (1..100 bounds a page [doc]: at both
ends a page holds ``limit`` customers while more exist).
"""

from __future__ import annotations

from .._context import CheckContext
from .._registry import scenario_check
from .._variants import bound_variants, email_near_misses
from .lists import list_page

__all__ = ["check_email_near_misses", "check_limit_at_its_bounds"]


@scenario_check(
    "CUS-VAR-001",
    "A near-miss of an address (a prefix, a suffix, ...) never lists its customer",
    "list.email_filter",
)
def check_email_near_misses(ctx: CheckContext) -> None:
    email = ctx.unique_email("near")
    _, ours = ctx.create_customer({**ctx.customer_params(), "email": email})
    for variant in email_near_misses(email):
        if variant.free:
            continue  # the contract does not say whether a server folds case or trims
        exchange = ctx.client.request("GET", "/v1/customers", params=[("email", variant.value)])
        if not 200 <= exchange.status < 300:
            ctx.judge(exchange)  # no list: nothing listed (which error is CUS-LIST-006's)
            continue
        body = ctx.body(exchange, 200, what=f"list with the {variant.kind} of an address")
        data = body.get("data") if isinstance(body, dict) else None
        ids = [i.get("id") for i in data if isinstance(i, dict)] if isinstance(data, list) else []
        ctx.expect(
            ours["id"] not in ids,
            f"email={variant.value!r} (the {variant.kind} of {email!r}) lists customer "
            f"{ours['id']}: the filter is not by exact address",
            exchange=exchange,
            expected="no customer with another address",
            actual=ids,
        )


@scenario_check(
    "CUS-VAR-002",
    "At both ends of 1..100, limit bounds a page and fills it while more exist",
    "list.limit",
)
def check_limit_at_its_bounds(ctx: CheckContext) -> None:
    email = ctx.unique_email("bounds")
    ours = [ctx.create_customer({**ctx.customer_params(), "email": email})[1] for _ in range(2)]
    for variant in bound_variants(1, 100):
        if not variant.inside:
            continue  # outside 1..100 is list.limit_range [conv]: CUS-LIST-007
        exchange, data, _ = list_page(ctx, ("email", email), ("limit", str(variant.value)))
        wanted = min(variant.value, len(ours))
        ctx.expect(
            len(data) == wanted,
            f"limit={variant.value} ({variant.kind}) gave {len(data)} of our {len(ours)} "
            f"customers, not {wanted}",
            exchange=exchange,
            pointer="/data",
            expected=wanted,
            actual=len(data),
        )
