"""Probes (see test_faults.py) for the faults of issue 19: leaks across accounts and customers,
handlers without authentication, a form field lost, pages that overlap, a prefix filter, and a
create acknowledged and then lost. Registered by test_faults.py with its ``probe`` decorator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from mock_support import BANK_ACCOUNT, OTHER_TEST_KEY

Make = Callable[..., httpx.AsyncClient]
Check = Callable[[httpx.Response, str], Any]
Probe = Callable[[Make, Check], Awaitable[bool]]
Register = Callable[[str], Callable[[Probe], Probe]]


async def _account_a(make: Make, check: Check) -> dict[str, Any]:
    """Account A's customer (with an address) and one bank account of it."""
    async with make() as c:
        made = check(await c.post("/v1/customers", json={"email": "a@example.in"}), "customer")
        path = f"/v1/customers/{made['id']}/bank_accounts"
        bank = check(await c.post(path, data=BANK_ACCOUNT), "bank_account")
    return {"customer": made, "bank_account": bank, "path": path}


def _leaks(response: httpx.Response, *values: str) -> bool:
    return response.is_success and any(v in response.text for v in values)


def _read_leak(where: Callable[[dict[str, Any]], str]) -> Probe:
    async def run(make: Make, check: Check) -> bool:
        a = await _account_a(make, check)
        async with make(key=OTHER_TEST_KEY) as other:
            response = await other.get(where(a))
        if not response.is_success:
            check(response, "error")
        return _leaks(response, a["customer"]["id"], a["bank_account"]["id"])

    return run


_READS: dict[str, Callable[[dict[str, Any]], str]] = {
    "leak_retrieve_customer": lambda a: f"/v1/customers/{a['customer']['id']}",
    "leak_list_customers": lambda a: "/v1/customers?limit=100",
    "leak_email_filter": lambda a: "/v1/customers?email=a%40example.in",
    "leak_list_bank_accounts": lambda a: a["path"],
    "leak_retrieve_bank_account": lambda a: f"{a['path']}/{a['bank_account']['id']}",
}


def register_probes(probe: Register) -> None:
    """Register one probe per fault of this module's docstring."""
    for name, where in _READS.items():
        probe(name)(_read_leak(where))
    for name, run in _OTHERS.items():
        probe(name)(run)


async def _create_bank_account_leak(make: Make, check: Check) -> bool:
    a = await _account_a(make, check)
    async with make(key=OTHER_TEST_KEY) as other:
        response = await other.post(a["path"], data=BANK_ACCOUNT)
    if not response.is_success:
        check(response, "error")
    return response.is_success


async def _idempotency_leak(make: Make, check: Check) -> bool:
    headers = {"Idempotency-Key": "probe-key-1"}
    async with make() as c:
        first = check(await c.post("/v1/customers", json={}, headers=headers), "customer")
    async with make(key=OTHER_TEST_KEY) as other:
        again = await other.post("/v1/customers", json={}, headers=headers)
    return _leaks(again, first["id"])


async def _any_customer(make: Make, check: Check) -> bool:
    a = await _account_a(make, check)
    async with make() as c:
        second = check(await c.post("/v1/customers", json={}), "customer")
        path = f"/v1/customers/{second['id']}/bank_accounts/{a['bank_account']['id']}"
        response = await c.get(path)
    if not response.is_success:
        check(response, "error")
    return response.is_success


async def _keyless(make: Make, check: Check) -> bool:
    a = await _account_a(make, check)
    async with make(key=None) as anonymous:
        response = await anonymous.get(a["path"])
    if not response.is_success:
        check(response, "error")
    return response.status_code != 401


async def _form_type_lost(make: Make, check: Check) -> bool:
    async with make() as c:
        owner = check(await c.post("/v1/customers", json={}), "customer")
        path = f"/v1/customers/{owner['id']}/bank_accounts"
        made = check(
            await c.post(path, data={**BANK_ACCOUNT, "account_type": "nre"}), "bank_account"
        )
    return bool(made["account_type"] != "nre")


async def _pages_overlap(make: Make, check: Check) -> bool:
    async with make() as c:
        for i in range(3):
            check(await c.post("/v1/customers", json={"email": f"p{i}@example.in"}), "customer")
        first = check(await c.get("/v1/customers?limit=2&page=1"), "customer_list")
        second = check(await c.get("/v1/customers?limit=2&page=2"), "customer_list")
    ids = [x["id"] for x in first["data"]]
    return any(x["id"] in ids for x in second["data"])


async def _prefix_filter(make: Make, check: Check) -> bool:
    async with make() as c:
        made = check(await c.post("/v1/customers", json={"email": "asha@example.in"}), "customer")
        response = await c.get("/v1/customers?email=asha%40example.i")
    if not response.is_success:
        check(response, "error")
    return _leaks(response, made["id"])


async def _create_lost(make: Make, check: Check) -> bool:
    async with make() as c:
        made = [check(await c.post("/v1/customers", json={}), "customer") for _ in range(2)]
        responses = [await c.get(f"/v1/customers/{m['id']}") for m in made]
    return any(r.status_code == 404 for r in responses)


_OTHERS: dict[str, Probe] = {
    "leak_create_bank_account": _create_bank_account_leak,
    "leak_idempotency_key": _idempotency_leak,
    "leak_bank_account_any_customer": _any_customer,
    "bank_accounts_keyless": _keyless,
    "bank_account_form_type_lost": _form_type_lost,
    "page_overlap": _pages_overlap,
    "email_filter_prefix": _prefix_filter,
    "acknowledged_create_lost": _create_lost,
}
