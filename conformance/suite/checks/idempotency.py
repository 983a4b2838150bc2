"""Idempotency checks: a replayed ``Idempotency-Key`` returns the first answer, creates nothing.

Contract: transport.idempotency: the first response (status and body, even an error) for a key
is saved and replayed for later requests with the same key [doc].
"""

from __future__ import annotations

from typing import Any

from ...client import Exchange
from ...validation import join_pointer
from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_bank_account_replay_creates_nothing",
    "check_replay_creates_nothing",
    "check_replay_identical",
]


def _post(ctx: CheckContext, key: str, params: dict[str, Any]) -> Exchange:
    return ctx.client.request(
        "POST", "/v1/customers", json_body=params, headers={"Idempotency-Key": key}
    )


def _new_key(ctx: CheckContext) -> str:
    return f"lpc-{ctx.settings.run_id}-{ctx.rng.getrandbits(64):016x}"


_MISSING = "(absent)"


def differences(first: Any, again: Any, pointer: str = "") -> list[tuple[str, Any, Any]]:
    """Return where two JSON documents differ: (JSON pointer, first value, second value), the
    deepest place each time, in document order; a key on one side only shows as "(absent)".

    >>> differences({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3], "c": 0})
    [('/b/1', 2, 3), ('/c', '(absent)', 0)]
    """
    if isinstance(first, dict) and isinstance(again, dict):
        found = []
        for key in [*first, *(k for k in again if k not in first)]:
            where = pointer + join_pointer([str(key)])
            if key not in again or key not in first:
                found.append((where, first.get(key, _MISSING), again.get(key, _MISSING)))
            else:
                found += differences(first[key], again[key], where)
        return found
    if isinstance(first, list) and isinstance(again, list) and len(first) == len(again):
        return [
            d
            for n, (a, b) in enumerate(zip(first, again, strict=True))
            for d in differences(a, b, pointer + join_pointer([n]))
        ]
    same = first == again and type(first) is type(again)
    return [] if same else [(pointer, first, again)]


def _expect_same(ctx: CheckContext, first: Exchange, replay: Exchange, what: str) -> None:
    ctx.expect(
        replay.status == first.status,
        f"{what}: the replay has another status",
        exchange=replay,
        expected=first.status,
        actual=replay.status,
    )
    # The place they differ and its two values: two whole bodies cut short hide it.
    found = differences(first.json_or_none(), replay.json_or_none())
    if found:
        pointer, was, now = found[0]
        extra = len(found) - 1
        more = f" (and {extra} more place{'s' if extra > 1 else ''})" if extra else ""
        ctx.fail(
            f"{what}: the replay's body differs from the first answer at {pointer or '/'}{more}",
            exchange=replay,
            pointer=pointer,
            expected=was,
            actual=now,
        )
    ctx.judge(replay)


def _count_by_email(ctx: CheckContext, email: str) -> tuple[Exchange, int]:
    """Count the customers with ``email``. Only a 4xx error object means "none" (an email that
    matches nobody is an error: contract list.email_no_match); any other answer counts nothing,
    so the check cannot judge and says so."""
    exchange = ctx.client.request("GET", "/v1/customers", params=[("email", email)])
    no_match = 400 <= exchange.status < 500 and exchange.status != 429
    if no_match and ctx.error_type(exchange.json_or_none()) is not None:
        return exchange, 0
    if not 200 <= exchange.status < 300:
        ctx.not_exercised(
            f"listing customers by email got {exchange.status}: cannot count the customers made"
        )
    body = ctx.body(exchange, what="list by email")
    data = body.get("data") if isinstance(body, dict) else None
    return exchange, len(data) if isinstance(data, list) else 0


@scenario_check(
    "CUS-IDEM-001",
    "Replaying an Idempotency-Key returns the first status and body, errors too",
    "transport.idempotency",
)
def check_replay_identical(ctx: CheckContext) -> None:
    key, params = _new_key(ctx), ctx.customer_params("idem")
    first = _post(ctx, key, params)
    ctx.body(first, 200, what="create with an Idempotency-Key")
    _expect_same(ctx, first, _post(ctx, key, params), "a replayed create")
    bad_key, bad = _new_key(ctx), {"email": "x" * 600 + "@example.in"}
    failed = _post(ctx, bad_key, bad)
    ctx.expect(
        failed.status == 400,
        "a create with a 600-character email did not get 400",
        exchange=failed,
        expected=400,
        actual=failed.status,
    )
    _expect_same(ctx, failed, _post(ctx, bad_key, bad), "a replayed error")


@scenario_check(
    "CUS-IDEM-002",
    "Replaying an Idempotency-Key creates no second customer, whatever the body",
    "transport.idempotency",
)
def check_replay_creates_nothing(ctx: CheckContext) -> None:
    key, params = _new_key(ctx), ctx.customer_params("idem")
    first = _post(ctx, key, params)
    ctx.body(first, 200, what="create with an Idempotency-Key")
    _post(ctx, key, params)
    exchange, count = _count_by_email(ctx, params["email"])
    ctx.expect(
        count == 1,
        "a replayed create made more than one customer (or none)",
        exchange=exchange,
        pointer="/data",
        expected=1,
        actual=count,
    )
    other = {**params, "email": ctx.unique_email("idem-other")}
    replay = _post(ctx, key, other)
    exchange, count = _count_by_email(ctx, other["email"])
    ctx.expect(
        count == 0,
        "reusing a key with another body created a new customer",
        exchange=replay,
        expected="the first answer replayed",
        actual=replay.json_or_none(),
    )


@scenario_check(
    "CUS-IDEM-003",
    "Replaying an Idempotency-Key on a bank account create replays it and creates nothing",
    "transport.idempotency",
)
def check_bank_account_replay_creates_nothing(ctx: CheckContext) -> None:
    _, customer = ctx.create_customer()
    path = f"/v1/customers/{customer['id']}/bank_accounts"
    key, params = _new_key(ctx), ctx.bank_account_params()
    first, replay = (
        ctx.client.request("POST", path, json_body=params, headers={"Idempotency-Key": key})
        for _ in range(2)
    )
    ctx.body(first, 200, what="create a bank account with an Idempotency-Key")
    _expect_same(ctx, first, replay, "a replayed bank account create")
    exchange = ctx.client.request("GET", path, params=[("limit", "100")])
    body = ctx.body(exchange, 200, what="list the customer's bank accounts")
    data = body.get("data") if isinstance(body, dict) else None
    count = len(data) if isinstance(data, list) else None
    ctx.expect(
        count == 1,
        "a replayed bank account create made more than one bank account (or none)",
        exchange=exchange,
        pointer="/data",
        expected=1,
        actual=count,
    )
