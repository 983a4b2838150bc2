"""Bank account checks: create, retrieve, list, masking and the customer's child list.

Contract: endpoints.create_bank_account, endpoints.retrieve_bank_account,
endpoints.list_bank_accounts, bank_account.account_last4, bank_account.account_number.masked
[conv], bank_account.customer, customer.bank_accounts, request.stored [conv].
"""

from __future__ import annotations

import time
from typing import Any

from ...client import Exchange
from .._context import CheckContext
from .._registry import scenario_check
from .lists import expect_newest_first

__all__ = [
    "check_bank_account_crud",
    "check_bank_account_in_child_list",
    "check_bank_account_json_form_equivalent",
    "check_bank_account_list_newest_first",
    "check_bank_account_list_pages",
    "check_bank_account_owner",
    "check_bank_account_stored",
    "check_bank_accounts_embedded_most_recent",
    "check_number_never_returned",
]

_STORED = ("account_holder_name", "account_ifsc", "account_type")


def _fixture(ctx: CheckContext) -> dict[str, Any]:
    """Create, once per run, a customer with one bank account; keep every answer."""

    def make() -> dict[str, Any]:
        _, customer = ctx.create_customer()
        params = ctx.bank_account_params()
        created_exchange, created = ctx.create_bank_account(customer["id"], params)
        return {
            "customer": customer,
            "params": params,
            "created": created,
            "created_exchange": created_exchange,
        }

    found: dict[str, Any] = ctx.session.fixture("bank_account", make)
    return found


def _retrieve(ctx: CheckContext, fx: dict[str, Any]) -> tuple[Exchange, Any]:
    path = f"/v1/customers/{fx['customer']['id']}/bank_accounts/{fx['created']['id']}"
    exchange = ctx.client.request("GET", path)
    return exchange, ctx.body(exchange, 200, what="retrieve the bank account")


def _list(ctx: CheckContext, fx: dict[str, Any]) -> tuple[Exchange, Any]:
    exchange = ctx.client.request("GET", f"/v1/customers/{fx['customer']['id']}/bank_accounts")
    return exchange, ctx.body(exchange, 200, what="list the customer's bank accounts")


def _data_ids(body: Any) -> list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    return [i.get("id") for i in data if isinstance(i, dict)] if isinstance(data, list) else []


@scenario_check(
    "CUS-BANK-001",
    "A bank account is created, retrieved equal, and listed",
    (
        "endpoints.create_bank_account",
        "endpoints.retrieve_bank_account",
        "endpoints.list_bank_accounts",
    ),
)
def check_bank_account_crud(ctx: CheckContext) -> None:
    fx = _fixture(ctx)
    created = fx["created"]
    exchange, got = _retrieve(ctx, fx)
    for key, value in created.items():
        if key in ("id", "object", "created", "livemode", "customer", *_STORED, "account_last4"):
            ctx.expect_field(
                got,
                key,
                value,
                f"{key} differs between the create answer and a retrieve",
                exchange=exchange,
            )
    exchange, listing = _list(ctx, fx)
    ctx.expect(
        created["id"] in _data_ids(listing),
        "the new bank account is not listed",
        exchange=exchange,
        pointer="/data",
        expected=created["id"],
        actual=_data_ids(listing),
    )


@scenario_check(
    "CUS-BANK-002",
    "Bank account fields are stored as sent; account_last4 is the number's last four",
    "bank_account.account_last4",
)
def check_bank_account_stored(ctx: CheckContext) -> None:
    fx = _fixture(ctx)
    params = fx["params"]
    for exchange, body in ((fx["created_exchange"], fx["created"]), _retrieve(ctx, fx)):
        for key in _STORED:  # stored as sent is a convention (contract: request.stored)
            got = body.get(key) if isinstance(body, dict) else None
            if got != params[key]:
                ctx.report(
                    f"{key} does not come back as sent",
                    exchange=exchange,
                    pointer=f"/{key}",
                    expected=params[key],
                    actual=got,
                    rule="request.stored",
                )
        ctx.expect_field(
            body,
            "account_last4",
            params["account_number"][-4:],
            "account_last4 is not the last four characters of the number",
            exchange=exchange,
        )


@scenario_check(
    "CUS-BANK-003",
    "The full account number is never returned",
    "bank_account.account_number.masked",
)
def check_number_never_returned(ctx: CheckContext) -> None:
    fx = _fixture(ctx)
    number = fx["params"]["account_number"].encode()
    answers = [fx["created_exchange"], _retrieve(ctx, fx)[0], _list(ctx, fx)[0]]
    answers.append(ctx.client.request("GET", f"/v1/customers/{fx['customer']['id']}"))
    for exchange in answers:
        ctx.expect(
            number not in exchange.content,
            "the full account number is in the answer",
            exchange=exchange,
            expected="only the last four digits",
            actual="full number present",
        )


@scenario_check(
    "CUS-BANK-004",
    "A new bank account appears in its customer's bank_accounts child list",
    "customer.bank_accounts",
)
def check_bank_account_in_child_list(ctx: CheckContext) -> None:
    fx = _fixture(ctx)
    exchange = ctx.client.request("GET", f"/v1/customers/{fx['customer']['id']}")
    body = ctx.body(exchange, 200, what="retrieve the bank account's customer")
    child = body.get("bank_accounts") if isinstance(body, dict) else None
    ctx.expect(
        fx["created"]["id"] in _data_ids(child),
        "the bank account is missing from the customer's bank_accounts",
        exchange=exchange,
        pointer="/bank_accounts/data",
        expected=fx["created"]["id"],
        actual=_data_ids(child),
    )
    count = child.get("total_count") if isinstance(child, dict) else None
    ctx.expect(
        count == 1,
        "bank_accounts.total_count does not count the one bank account",
        exchange=exchange,
        pointer="/bank_accounts/total_count",
        expected=1,
        actual=count,
    )


@scenario_check(
    "CUS-BANK-005",
    "A bank account names its owning customer",
    "bank_account.customer",
)
def check_bank_account_owner(ctx: CheckContext) -> None:
    fx = _fixture(ctx)
    owner = fx["customer"]["id"]
    for exchange, body in ((fx["created_exchange"], fx["created"]), _retrieve(ctx, fx)):
        ctx.expect_field(
            body, "customer", owner, "customer does not name the owner", exchange=exchange
        )


_EMBEDDED = 10  # only the 10 most recent bank accounts are embedded [doc: retrieve-a-bank-account]


def _many(ctx: CheckContext) -> dict[str, Any]:
    """Once per run: a customer with 11 bank accounts, the first created a second before the
    others, so "newest first" and "the 10 most recent" have one answer whatever a server does
    with ties inside a second."""

    def make() -> dict[str, Any]:
        _, customer = ctx.create_customer()
        oldest = ctx.create_bank_account(customer["id"])[1]["id"]
        time.sleep(max(0.0, 1.05 - (time.time() % 1.0)))
        newer = [ctx.create_bank_account(customer["id"])[1]["id"] for _ in range(_EMBEDDED)]
        return {"customer": customer["id"], "oldest": oldest, "newer": newer}

    found: dict[str, Any] = ctx.session.fixture("many_bank_accounts", make)
    return found


def _bank_page(ctx: CheckContext, customer: str, *params: tuple[str, str]) -> tuple[Exchange, Any]:
    exchange = ctx.client.request(
        "GET", f"/v1/customers/{customer}/bank_accounts", params=list(params)
    )
    body = ctx.body(exchange, 200, what=f"list bank accounts {dict(params)}")
    return exchange, body


def _first_page_number(ctx: CheckContext, customer: str) -> int:
    """Pages are numbered from 1 [ours]; a server numbering from 0 is as right: find out."""
    zero = ctx.client.request(
        "GET", f"/v1/customers/{customer}/bank_accounts", params=[("limit", "2"), ("page", "0")]
    )
    if zero.status != 200:
        return 1
    _, one = _bank_page(ctx, customer, ("limit", "2"), ("page", "1"))
    return 1 if _data_ids(zero.json_or_none()) == _data_ids(one) else 0


@scenario_check(
    "CUS-BANK-006",
    "limit and page bound and walk a customer's bank account list",
    ("endpoints.list_bank_accounts", "list.limit", "list.page"),
)
def check_bank_account_list_pages(ctx: CheckContext) -> None:
    fx = _many(ctx)
    ours = [fx["oldest"], *fx["newer"]]
    exchange, body = _bank_page(ctx, fx["customer"], ("limit", "3"))
    ctx.expect(
        len(_data_ids(body)) == 3,
        f"limit=3 returned {len(_data_ids(body))} of the customer's {len(ours)} bank accounts",
        exchange=exchange,
        pointer="/data",
        expected=3,
        actual=len(_data_ids(body)),
    )
    first = _first_page_number(ctx, fx["customer"])
    seen: list[Any] = []
    for page in range(first, first + 5):  # 4 pages of 4 hold 11, the 4th is past the end
        exchange, body = _bank_page(ctx, fx["customer"], ("limit", "4"), ("page", str(page)))
        ids = _data_ids(body)
        ctx.expect(
            len(ids) <= 4,
            f"page {page} holds more than limit=4 bank accounts",
            exchange=exchange,
            expected="<= 4",
            actual=len(ids),
        )
        seen += ids
    ctx.expect(
        sorted(seen) == sorted(ours),
        "walking the pages did not yield each of the customer's bank accounts exactly once",
        expected=sorted(ours),
        actual=seen,
    )


@scenario_check(
    "CUS-BANK-007",
    "A customer's bank accounts are listed newest first",
    ("endpoints.list_bank_accounts", "list.order"),
)
def check_bank_account_list_newest_first(ctx: CheckContext) -> None:
    fx = _many(ctx)
    exchange, body = _bank_page(ctx, fx["customer"], ("limit", "100"))
    ids = _data_ids(body)
    ctx.expect(
        bool(ids) and ids[-1] == fx["oldest"],
        "the bank account created a second before the others is not listed last",
        exchange=exchange,
        pointer="/data",
        expected=fx["oldest"],
        actual=ids[-1:] or ids,
    )
    data = body.get("data") if isinstance(body, dict) else None
    expect_newest_first(ctx, exchange, data if isinstance(data, list) else [])


@scenario_check(
    "CUS-BANK-008",
    "A customer embeds its 10 most recent bank accounts, total_count at least that many",
    ("customer.bank_accounts", "child_list.total_count"),
)
def check_bank_accounts_embedded_most_recent(ctx: CheckContext) -> None:
    fx = _many(ctx)
    exchange = ctx.client.request("GET", f"/v1/customers/{fx['customer']}")
    body = ctx.body(exchange, 200, what="retrieve a customer with 11 bank accounts")
    child = body.get("bank_accounts") if isinstance(body, dict) else None
    ids = _data_ids(child)
    ctx.expect(
        sorted(ids) == sorted(fx["newer"]),
        "the embedded bank accounts are not the 10 most recent",
        exchange=exchange,
        pointer="/bank_accounts/data",
        expected=sorted(fx["newer"]),
        actual=ids,
    )
    count = child.get("total_count") if isinstance(child, dict) else None
    ctx.expect(
        isinstance(count, int) and count >= len(ids),
        "bank_accounts.total_count is below the number of embedded items",
        exchange=exchange,
        pointer="/bank_accounts/total_count",
        expected=f">= {len(ids)}",
        actual=count,
    )
    if count != _EMBEDDED + 1:
        ctx.report(
            "bank_accounts.total_count counts only the embedded items, not all 11",
            exchange=exchange,
            pointer="/bank_accounts/total_count",
            expected=_EMBEDDED + 1,
            actual=count,
            rule="child_list.total_count.all",
        )


@scenario_check(
    "CUS-BANK-009",
    "JSON and form bodies create equivalent bank accounts",
    "transport.encodings",
)
def check_bank_account_json_form_equivalent(ctx: CheckContext) -> None:
    # Its own customer: the run's shared one must keep exactly one bank account (CUS-BANK-004).
    _, created = ctx.create_customer()
    customer = created["id"]
    path = f"/v1/customers/{customer}/bank_accounts"
    # Not the first of the enum: a form body read wrongly often falls back to the first value.
    kind = ctx.rng.choice(("current", "nre", "nro", "cc"))
    params = {**ctx.bank_account_params(), "account_type": kind}
    answers = {}
    for encoding in ("json", "form"):
        if encoding == "json":
            exchange = ctx.client.request("POST", path, json_body=params)
        else:
            exchange = ctx.client.request("POST", path, form=list(params.items()))
        answers[encoding] = (exchange, ctx.body(exchange, 200, what=f"a {encoding} create"))
    exchange, by_form = answers["form"]
    by_json = answers["json"][1]
    for key in (*_STORED, "account_last4", "customer"):
        ctx.expect_field(
            by_form,
            key,
            by_json.get(key) if isinstance(by_json, dict) else None,
            f"{key} differs between a JSON and a form create of the same bank account",
            exchange=exchange,
        )
