"""Isolation checks: every way to reach or affect an object is tried from another account and,
for bank accounts, from another customer of the same account.

Contract: transport.accounts [doc] ("another key never sees this key's objects"),
endpoints.list_bank_accounts and endpoints.retrieve_bank_account [doc] (a customer's bank
accounts), transport.idempotency [doc] (a key's saved answer is this account's).
Account A is the run's key (``--api-key``), account B the second account's (``--second-api-key``,
always issued by the embedded mock). A leak is any answer to B that carries one of A's ids or
addresses, or a write by B that A can see; which error B gets instead (404, 400, 403) is judged
elsewhere (CUS-AUTH-003, CUS-ERR-*), never here.
"""

from __future__ import annotations

import json
from typing import Any

from ...client import Exchange
from ...redact import mask_key
from .._context import CheckContext
from .._registry import scenario_check

__all__ = [
    "check_idempotency_keys_per_account",
    "check_other_account_reads",
    "check_other_account_writes",
    "check_other_customer_bank_accounts",
]


def _second_key(ctx: CheckContext) -> str:
    other = ctx.settings.second_key
    if not other:
        ctx.not_exercised("needs a second account's key (--second-api-key)")
    return other


def _accounts(ctx: CheckContext) -> str:
    """Both accounts, masked, as a finding names them."""
    return (
        f"account A (--api-key {mask_key(ctx.settings.api_key)}) and "
        f"account B (--second-api-key {mask_key(ctx.settings.second_key)})"
    )


def _leaked(exchange: Exchange, secrets_of_a: list[str]) -> list[str]:
    """Return which of account A's ids or addresses a 2xx answer to B carries."""
    if not 200 <= exchange.status < 300:
        return []
    text = exchange.content.decode("utf-8", errors="replace")
    return [value for value in secrets_of_a if value and value in text]


def _expect_no_leak(
    ctx: CheckContext, exchange: Exchange, path: str, values: list[str], how: str
) -> None:
    found = _leaked(exchange, values)
    ctx.expect(
        not found,
        f"{how}: {path} answered account B with account A's objects ({', '.join(found)}); "
        f"accounts: {_accounts(ctx)}",
        exchange=exchange,
        expected=f"no object of account A on {path}",
        actual=found,
        rule="transport.accounts",
    )


def _account_a_objects(ctx: CheckContext) -> dict[str, Any]:
    """A customer of account A (with an address only it has) and one bank account of it."""

    def make() -> dict[str, Any]:
        _, customer = ctx.create_customer()
        _, bank_account = ctx.create_bank_account(customer["id"])
        return {"customer": customer, "bank_account": bank_account}

    found: dict[str, Any] = ctx.session.fixture("isolation_objects", make)
    return found


@scenario_check(
    "CUS-ISO-001",
    "No read path shows one account's customers or bank accounts to another account",
    "transport.accounts",
)
def check_other_account_reads(ctx: CheckContext) -> None:
    other = _second_key(ctx)
    objects = _account_a_objects(ctx)
    customer, bank_account = objects["customer"], objects["bank_account"]
    cid, bid, email = customer["id"], bank_account["id"], customer.get("email") or ""
    values = [cid, bid, email]
    reads: list[tuple[str, list[tuple[str, str]]]] = [
        (f"/v1/customers/{cid}", []),
        ("/v1/customers", [("limit", "100")]),
        ("/v1/customers", [("email", email)]),
        (f"/v1/customers/{cid}/bank_accounts", [("limit", "100")]),
        (f"/v1/customers/{cid}/bank_accounts/{bid}", []),
    ]
    for path, params in reads:
        exchange = ctx.client.request("GET", path, params=params, key=other)
        shown = path + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        _expect_no_leak(ctx, exchange, f"GET {shown}", values, "a read from another account")


@scenario_check(
    "CUS-ISO-002",
    "No write path lets another account add to this account's customer",
    ("transport.accounts", "endpoints.list_bank_accounts"),
)
def check_other_account_writes(ctx: CheckContext) -> None:
    other = _second_key(ctx)
    customer = _account_a_objects(ctx)["customer"]
    path = f"/v1/customers/{customer['id']}/bank_accounts"
    params = ctx.bank_account_params()
    attempt = ctx.client.request("POST", path, json_body=params, key=other)
    _expect_no_leak(ctx, attempt, f"POST {path}", [customer["id"]], "a write from another account")
    ctx.expect(
        not 200 <= attempt.status < 300,
        f"POST {path}: account B created a bank account on account A's customer "
        f"({attempt.status}); accounts: {_accounts(ctx)}",
        exchange=attempt,
        expected="a 4xx: account B has no such customer",
        actual=attempt.status,
        rule="transport.accounts",
    )
    # What account A sees is the other half: nothing account B sent may be on its customer.
    listing = ctx.client.request("GET", path, params=[("limit", "100")])
    body = ctx.body(listing, 200, what="list the customer's bank accounts (account A)")
    numbers = [params["account_number"][-4:]]
    data = body.get("data") if isinstance(body, dict) else None
    foreign = [
        item.get("id")
        for item in (data if isinstance(data, list) else [])
        if isinstance(item, dict)
        and item.get("account_last4") in numbers
        and item.get("account_holder_name") == params["account_holder_name"]
    ]
    ctx.expect(
        not foreign,
        f"GET {path}: account A's customer holds the bank account account B sent ({foreign}); "
        f"accounts: {_accounts(ctx)}",
        exchange=listing,
        expected="no bank account from account B",
        actual=foreign,
        rule="transport.accounts",
    )


@scenario_check(
    "CUS-ISO-003",
    "An Idempotency-Key used by one account never replays its answer to another account",
    ("transport.accounts", "transport.idempotency"),
)
def check_idempotency_keys_per_account(ctx: CheckContext) -> None:
    other = _second_key(ctx)
    key = f"lpc-{ctx.settings.run_id}-iso-{ctx.rng.getrandbits(40):010x}"
    params = ctx.customer_params("idem")
    params["metadata"] = {**params["metadata"], **ctx.run_metadata()}
    headers = {"Idempotency-Key": key}
    first = ctx.client.request("POST", "/v1/customers", json_body=params, headers=headers)
    created = ctx.body(first, 200, what="create a customer with an Idempotency-Key (account A)")
    cid = created.get("id") if isinstance(created, dict) else None
    if not isinstance(cid, str) or not cid:
        ctx.fail("create a customer: the answer has no id", exchange=first, actual=created)
    for what, body in (("the same body", params), ("another body", {**params, "name": "Ravi"})):
        again = ctx.client.request(
            "POST", "/v1/customers", json_body=body, headers=headers, key=other
        )
        _expect_no_leak(
            ctx, again, f"POST /v1/customers (Idempotency-Key, {what})", [cid], "a replay"
        )


def _ids(body: Any) -> list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    return [i.get("id") for i in data if isinstance(i, dict)] if isinstance(data, list) else []


@scenario_check(
    "CUS-ISO-004",
    "A bank account is reached only through its own customer",
    ("endpoints.retrieve_bank_account", "endpoints.list_bank_accounts"),
)
def check_other_customer_bank_accounts(ctx: CheckContext) -> None:
    objects = _account_a_objects(ctx)
    bid = objects["bank_account"]["id"]
    _, other = ctx.create_customer()
    path = f"/v1/customers/{other['id']}/bank_accounts"
    exchange = ctx.client.request("GET", f"{path}/{bid}")
    found = json.dumps(ctx.body(exchange, what="retrieve")) if exchange.status < 300 else ""
    ctx.expect(
        bid not in found,
        f"GET {path}/{bid} answered another customer's bank account",
        exchange=exchange,
        expected="an error: the bank account is not this customer's",
        actual=exchange.status,
    )
    listing = ctx.client.request("GET", path, params=[("limit", "100")])
    body = ctx.body(listing, 200, what="list a customer's bank accounts")
    ctx.expect(
        bid not in _ids(body),
        f"GET {path} lists another customer's bank account {bid}",
        exchange=listing,
        expected="only this customer's bank accounts",
        actual=_ids(body),
        rule="endpoints.list_bank_accounts",
    )
