"""Auth checks: no key or a malformed key gets 401; keys see only their own account and mode.

Contract: transport.auth (HTTP Basic with the secret key; 401 without a valid key),
transport.key_prefix, transport.accounts, transport.modes.
"""

from __future__ import annotations

import string

from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_live_test_separate",
    "check_malformed_key_401",
    "check_missing_key_401",
    "check_other_key_isolated",
    "check_unissued_key_401",
]


@scenario_check(
    "CUS-AUTH-001",
    "A request without a key gets 401",
    "transport.auth",
    writes=False,
)
def check_missing_key_401(ctx: CheckContext) -> None:
    ctx.expect_error(ctx.client.request("GET", "/v1/customers", key=None), 401, "no key")
    exchange = ctx.client.request("GET", "/v1/customers/CU0000ZZZZZZ00", key=None)
    ctx.expect_error(exchange, 401, "retrieve with no key")


@scenario_check(
    "CUS-AUTH-002",
    "A malformed or unknown-prefix key gets 401",
    ("transport.key_prefix", "transport.auth"),
    writes=False,
)
def check_malformed_key_401(ctx: CheckContext) -> None:
    for key in ("not-a-key", "sk_test_", "pk_test_0123456789abcdefghij", "sk_prod_0123456789abc"):
        # Made up to be refused, no secret of the user's: its curl line shows it as sent (a
        # key-shaped one, pk_test_…, is still masked: redact masks every key shape).
        exchange = ctx.client.request("GET", "/v1/customers", key=key, show_key=True)
        ctx.expect_error(exchange, 401, f"malformed key {key!r}")
    # A key sent as a bearer token instead of Basic auth is no valid credential either.
    exchange = ctx.client.request(
        "GET", "/v1/customers", key=None, headers={"Authorization": "Bearer not-a-key"}
    )
    ctx.expect_error(exchange, 401, "a bearer token")


@scenario_check(
    "CUS-AUTH-003",
    "Another key cannot see this key's customers",
    "transport.accounts",
)
def check_other_key_isolated(ctx: CheckContext) -> None:
    # Isolation needs a second account: a made-up key proves nothing (a real server refuses it
    # with 401 before any data is involved), so without --second-api-key nothing is judged.
    other = ctx.settings.second_key
    if not other:
        ctx.not_exercised("needs a second account's key (--second-api-key)")
    customer_id = ctx.shared_customer()["id"]
    exchange = ctx.client.request("GET", f"/v1/customers/{customer_id}", key=other)
    ctx.expect_error(exchange, 404, "another account retrieving this account's customer")
    exchange = ctx.client.request("GET", "/v1/customers", params=[("limit", "100")], key=other)
    body = ctx.body(exchange, 200, what="list with the second account's key")
    data = body.get("data") if isinstance(body, dict) else None
    ids = [c.get("id") for c in data if isinstance(c, dict)] if isinstance(data, list) else []
    ctx.expect(
        customer_id not in ids,
        "another account lists this account's customer",
        exchange=exchange,
        expected="absent",
        actual=customer_id,
    )


@scenario_check(
    "CUS-AUTH-004",
    "Live and test modes are separate",
    "transport.modes",
    needs_live_key=True,
)
def check_live_test_separate(ctx: CheckContext) -> None:
    live = ctx.session.live_client
    if live is None:  # the runner skips the check without a live key
        return
    customer_id = ctx.shared_customer()["id"]
    exchange = live.request("GET", f"/v1/customers/{customer_id}")
    ctx.expect(
        exchange.status in (401, 404),
        f"the live key retrieving a test-mode customer got {exchange.status}",
        exchange=exchange,
        expected="404",
        actual=exchange.status,
    )
    exchange = live.request("GET", "/v1/customers", params=[("limit", "100")])
    body = ctx.body(exchange, 200, what="list with the live key")
    data = body.get("data") if isinstance(body, dict) else None
    for index, item in enumerate(data if isinstance(data, list) else []):
        if isinstance(item, dict):
            ctx.expect(
                item.get("id") != customer_id,
                "the live key lists a test-mode customer",
                exchange=exchange,
                pointer=f"/data/{index}/id",
                actual=customer_id,
            )
            ctx.expect(
                item.get("livemode") is not False,
                "the live key lists an object with livemode false",
                exchange=exchange,
                pointer=f"/data/{index}/livemode",
                expected=True,
                actual=item.get("livemode"),
            )


@scenario_check(
    "CUS-AUTH-005",
    "A well-formed key that was never issued gets 401",
    "transport.auth",
    writes=False,
)
def check_unissued_key_401(ctx: CheckContext) -> None:
    alphabet = string.ascii_letters + string.digits
    for prefix in ("sk_test_", "sk_live_"):
        # 24 random characters: a key of the documented shape nobody was ever issued.
        key = prefix + "".join(ctx.rng.choice(alphabet) for _ in range(24))
        exchange = ctx.client.request("GET", "/v1/customers", key=key, show_key=True)
        ctx.expect_error(exchange, 401, f"a never-issued {prefix}… key")
