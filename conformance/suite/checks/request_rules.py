"""Request-rule checks: every documented request limit is enforced, naming the parameter.

Spec: request rules (an email over 512 characters, a bank account field that breaks its format,
or a missing required bank account field gets 400 with ``param`` naming the field [doc]) and the
boundaries that must still be accepted (email up to 512, account_number from 5 characters).
"""

from __future__ import annotations

from typing import Any

from ...validation import Level
from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_bad_bank_fields_400",
    "check_boundaries_accepted",
    "check_long_email_400",
    "check_missing_bank_fields_400",
]


def _email_of_length(ctx: CheckContext, length: int) -> str:
    domain = "@example.in"
    tag = f"lpc{ctx.rng.getrandbits(32):08x}"
    return tag + "a" * (length - len(tag) - len(domain)) + domain


@scenario_check(
    "CUS-REQ-001",
    Level.MUST,
    "An email over 512 characters gets 400 naming email",
    "[doc] create-a-customer: email up to 512 characters; request rules",
)
def check_long_email_400(ctx: CheckContext) -> None:
    for length in (513, 2000):
        params = {"email": _email_of_length(ctx, length), "metadata": ctx.run_metadata()}
        exchange = ctx.client.request("POST", "/v1/customers", json_body=params)
        ctx.expect_error(exchange, 400, f"a {length}-character email", param="email")


_BAD_FIELDS: tuple[tuple[str, str], ...] = (
    ("account_ifsc", "hdfc0001234"),
    ("account_ifsc", "HDFC1001234"),
    ("account_ifsc", "HDFC000123"),
    ("account_ifsc", "HDFC00012345"),
    ("account_number", "1234"),
    ("account_type", "checking"),
    ("account_holder_name", ""),
)


@scenario_check(
    "CUS-REQ-002",
    Level.MUST,
    "Each bank account field that breaks its format gets 400 naming it",
    "[doc] create-a-bank-account: IFSC ^[A-Z]{4}0[A-Z0-9]{6}$, number >= 5, type enum",
)
def check_bad_bank_fields_400(ctx: CheckContext) -> None:
    customer_id = ctx.shared_customer()["id"]
    for field, value in _BAD_FIELDS:
        params: dict[str, Any] = {**ctx.bank_account_params(), field: value}
        exchange = ctx.client.request(
            "POST", f"/v1/customers/{customer_id}/bank_accounts", json_body=params
        )
        ctx.expect_error(exchange, 400, f"{field}={value!r}", param=field)


@scenario_check(
    "CUS-REQ-003",
    Level.MUST,
    "Each missing bank account field gets 400 naming it",
    "[doc] create-a-bank-account: all four arguments are required",
)
def check_missing_bank_fields_400(ctx: CheckContext) -> None:
    customer_id = ctx.shared_customer()["id"]
    for field in ("account_holder_name", "account_ifsc", "account_number", "account_type"):
        params = {k: v for k, v in ctx.bank_account_params().items() if k != field}
        exchange = ctx.client.request(
            "POST", f"/v1/customers/{customer_id}/bank_accounts", json_body=params
        )
        ctx.expect_error(exchange, 400, f"no {field}", param=field)


@scenario_check(
    "CUS-REQ-004",
    Level.MUST,
    "Values at the documented limits are accepted",
    "[doc] create-a-customer: email up to 512; create-a-bank-account: number of 5 characters",
)
def check_boundaries_accepted(ctx: CheckContext) -> None:
    email = _email_of_length(ctx, 512)
    exchange, body = ctx.create_customer({**ctx.customer_params(), "email": email})
    ctx.expect_field(
        body, "email", email, "a 512-character email is not stored as sent", exchange=exchange
    )
    params = {**ctx.bank_account_params(), "account_number": "12345"}
    ctx.create_bank_account(body["id"], params)
