"""Each fault is observable: its probe sees the broken rule with the fault and not without it.

A probe drives the API like a client would and returns True when the rule the fault breaks is
broken. On the clean app every answer is also checked against our strict schemas.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from isolation_probes import register_probes
from mock_support import BANK_ACCOUNT, OTHER_TEST_KEY, TEST_KEY, checked

from lotuspay_contract.conformance.mock import FAULTS, create_app

pytestmark = pytest.mark.anyio

Make = Callable[..., httpx.AsyncClient]
Check = Callable[[httpx.Response, str], Any]
Probe = Callable[[Make, Check], Awaitable[bool]]
PROBES: dict[str, Probe] = {}

ERROR_TYPES = {"api_connection_error", "api_error", "authentication_error",
               "invalid_request_error", "rate_limit_error", "validation_error"}  # fmt: skip


def probe(name: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        PROBES[name] = function
        return function

    return register


def lenient(response: httpx.Response, schema: str) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


async def customer(make: Make, check: Check, **params: Any) -> Any:
    async with make() as c:
        return check(await c.post("/v1/customers", json=params), "customer")


async def bank_account(make: Make, check: Check, **change: Any) -> tuple[Any, httpx.Response]:
    async with make() as c:
        owner = check(await c.post("/v1/customers", json={}), "customer")
        path = f"/v1/customers/{owner['id']}/bank_accounts"
        return owner, await c.post(path, data={**BANK_ACCOUNT, **change})


async def status_of(make: Make, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async with make() as c:
        return await c.request(method, path, **kwargs)


@probe("created_milliseconds")
async def _(make: Make, check: Check) -> bool:
    return bool((await customer(make, check))["created"] > time.time() + 86_400)


@probe("created_string")
async def _(make: Make, check: Check) -> bool:
    return not isinstance((await customer(make, check))["created"], int)


@probe("object_capitalised")
async def _(make: Make, check: Check) -> bool:
    return bool((await customer(make, check))["object"] != "customer")


@probe("metadata_null")
async def _(make: Make, check: Check) -> bool:
    return (await customer(make, check))["metadata"] is None


@probe("account_number_leaked")
async def _(make: Make, check: Check) -> bool:
    _, response = await bank_account(make, check)
    return "account_number" in check(response, "bank_account")


@probe("livemode_inverted")
async def _(make: Make, check: Check) -> bool:
    return bool((await customer(make, check))["livemode"] is not False)


@probe("total_count_short")
async def _(make: Make, check: Check) -> bool:
    owner, response = await bank_account(make, check)
    check(response, "bank_account")
    async with make() as c:
        embedded = check(await c.get(f"/v1/customers/{owner['id']}"), "customer")["bank_accounts"]
    return bool(embedded["total_count"] < len(embedded["data"]))


@probe("bank_account_customer_self")
async def _(make: Make, check: Check) -> bool:
    owner, response = await bank_account(make, check)
    return bool(check(response, "bank_account")["customer"] != owner["id"])


@probe("retrieve_drops_metadata")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        made = check(await c.post("/v1/customers", json={"metadata": {"plan": "gold"}}), "customer")
        again = check(await c.get(f"/v1/customers/{made['id']}"), "customer")
    return bool(again != made)


@probe("name_truncated")
async def _(make: Make, check: Check) -> bool:
    name = "Venkatanarasimharajuvaripeta Subrahmanyam"
    return bool((await customer(make, check, name=name))["name"] != name)


async def three_customers(c: httpx.AsyncClient, check: Check) -> list[str]:
    return [
        check(await c.post("/v1/customers", json={"email": f"c{i}@example.in"}), "customer")["id"]
        for i in range(3)
    ]


@probe("list_oldest_first")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        ids = await three_customers(c, check)
        listed = check(await c.get("/v1/customers"), "customer_list")
    return bool([x["id"] for x in listed["data"]] != ids[::-1])


@probe("limit_ignored")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        await three_customers(c, check)
        return len(check(await c.get("/v1/customers?limit=2"), "customer_list")["data"]) > 2


@probe("page_ignored")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        ids = await three_customers(c, check)
        page = check(await c.get("/v1/customers?limit=2&page=2"), "customer_list")
    return bool([x["id"] for x in page["data"]] != ids[:1])


@probe("email_filter_ignored")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        await three_customers(c, check)
        found = check(await c.get("/v1/customers?email=c1%40example.in"), "customer_list")
    return bool(found["total_count"] != 1)


@probe("email_no_match_empty")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers?email=nobody%40example.in")
    check(response, "error")
    return response.status_code != 404


@probe("error_type_missing")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers/CU0000000000XX")
    return "type" not in check(response, "error")["error"]


@probe("error_type_misspelled")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers/CU0000000000XX")
    return check(response, "error")["error"].get("type") not in ERROR_TYPES


@probe("error_param_missing")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={"email": "e" * 600})
    return bool(check(response, "error")["error"].get("param") != "email")


@probe("not_found_as_400")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers/CU0000000000XX")
    check(response, "error")
    return response.status_code != 404


@probe("errors_plain_text")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers/CU0000000000XX")
    check(response, "error")
    return not response.headers["content-type"].startswith("application/json")


@probe("create_status_201")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={})
    check(response, "customer")
    return response.status_code != 200


@probe("missing_key_accepted")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        check(await c.get("/v1/customers"), "customer_list")
    async with make(key=None) as c:
        response = await c.get("/v1/customers")
    return response.status_code != 401


@probe("accounts_shared")
async def _(make: Make, check: Check) -> bool:
    made = await customer(make, check)
    async with make(key=OTHER_TEST_KEY) as other:
        response = await other.get(f"/v1/customers/{made['id']}")
    check(response, "error")
    return response.status_code != 404


@probe("unauthorized_as_403")
async def _(make: Make, check: Check) -> bool:
    async with make(key="sk_nope") as c:
        response = await c.get("/v1/customers")
    check(response, "error")
    return response.status_code != 401


@probe("accept_ignored")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "GET", "/v1/customers", headers={"accept": "text/html"})
    check(response, "error")
    return response.status_code != 406


async def twice(make: Make, check: Check, first: Any, second: Any) -> tuple[Any, Any, int]:
    async with make() as c:
        headers = {"idempotency-key": "retry-1"}
        a = await c.post("/v1/customers", json=first, headers=headers)
        b = await c.post("/v1/customers", json=second, headers=headers)
        count = check(await c.get("/v1/customers"), "customer_list")["total_count"]
    return a, b, count


@probe("idempotency_ignored")
async def _(make: Make, check: Check) -> bool:
    a, b, count = await twice(make, check, {"name": "A"}, {"name": "A"})
    return bool(check(a, "customer")["id"] != check(b, "customer")["id"] or count != 1)


@probe("idempotency_key_per_body")
async def _(make: Make, check: Check) -> bool:
    a, b, count = await twice(make, check, {"name": "A"}, {"name": "B"})
    check(a, "customer")
    check(b, "error")
    return count != 1


@probe("idempotency_replay_200")
async def _(make: Make, check: Check) -> bool:
    a, b, _ = await twice(make, check, {"foo": "x"}, {"foo": "x"})
    check(a, "error")
    check(b, "error")
    return bool(a.status_code != b.status_code)


@probe("form_brackets_ignored")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", data={"metadata[plan]": "gold"})
    return bool(check(response, "customer").get("metadata") != {"plan": "gold"})


@probe("json_body_refused")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={"name": "A"})
    check(response, "customer")
    return response.status_code != 200


@probe("unknown_params_ignored")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={"nickname": "A"})
    check(response, "error")
    return response.status_code != 400


@probe("long_email_truncated")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={"email": "e" * 600})
    check(response, "error")
    return response.status_code != 400


@probe("ifsc_lowercase_accepted")
async def _(make: Make, check: Check) -> bool:
    _, response = await bank_account(make, check, account_ifsc="hdfc0001234")
    check(response, "error")
    return response.status_code != 400


@probe("crash_on_malformed_json")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(
        make,
        "POST",
        "/v1/customers",
        content=b'{"name": ',
        headers={"content-type": "application/json"},
    )
    check(response, "error")
    return response.status_code >= 500


@probe("crash_on_non_ascii")
async def _(make: Make, check: Check) -> bool:
    response = await status_of(make, "POST", "/v1/customers", json={"name": "अनिता वर्मा"})
    check(response, "customer")
    return response.status_code >= 500


@probe("default_limit_10")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        for _ in range(11):
            check(await c.post("/v1/customers", json={}), "customer")
        return len(check(await c.get("/v1/customers"), "customer_list")["data"]) < 11


async def owner_with_accounts(c: httpx.AsyncClient, check: Check, count: int) -> tuple[str, list]:
    owner = check(await c.post("/v1/customers", json={}), "customer")["id"]
    path = f"/v1/customers/{owner}/bank_accounts"
    made = [
        check(await c.post(path, data=BANK_ACCOUNT), "bank_account")["id"] for _ in range(count)
    ]
    return owner, made


@probe("bank_account_list_ignores_limit")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        owner, _ = await owner_with_accounts(c, check, 3)
        listing = await c.get(f"/v1/customers/{owner}/bank_accounts", params={"limit": "2"})
        return len(check(listing, "bank_account_list")["data"]) > 2


@probe("bank_account_list_oldest_first")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        owner, made = await owner_with_accounts(c, check, 2)
        listing = check(await c.get(f"/v1/customers/{owner}/bank_accounts"), "bank_account_list")
        return bool(listing["data"][0]["id"] == made[0])


@probe("undocumented_delete_allowed")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        owner = check(await c.post("/v1/customers", json={}), "customer")["id"]
        response = await c.delete(f"/v1/customers/{owner}")
        if response.status_code >= 400:
            check(response, "error")
        return response.status_code not in (404, 405)


@probe("embeds_oldest_bank_accounts")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        owner, made = await owner_with_accounts(c, check, 11)
        embedded = check(await c.get(f"/v1/customers/{owner}"), "customer")["bank_accounts"]
        return made[0] in [b["id"] for b in embedded["data"]]


@probe("bank_account_idempotency_ignored")
async def _(make: Make, check: Check) -> bool:
    async with make() as c:
        owner = check(await c.post("/v1/customers", json={}), "customer")["id"]
        path = f"/v1/customers/{owner}/bank_accounts"
        for _ in range(2):
            await c.post(path, data=BANK_ACCOUNT, headers={"idempotency-key": "ba-1"})
        return len(check(await c.get(path), "bank_account_list")["data"]) != 1


@probe("accepts_unissued_keys")
async def _(make: Make, check: Check) -> bool:
    async with make(key="sk_test_NeverIssuedNeverIssued0001") as c:
        response = await c.get("/v1/customers")
    if response.status_code != 200:
        check(response, "error")
    return response.status_code != 401


def app_with(*faults: str) -> Any:
    """The mock with ``faults``, having issued the tests' keys (and no other)."""
    return create_app(api_keys=[TEST_KEY, OTHER_TEST_KEY], faults=list(faults))


def factory(app: Any) -> Make:
    transport = httpx.ASGITransport(app=app)

    def make(*, key: str | None = TEST_KEY) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            base_url="http://mock.test",
            auth=(key, "") if key else None,
            timeout=5.0,
        )

    return make


register_probes(probe)  # the probes of issue 19's faults (isolation_probes.py)


def test_every_fault_has_a_probe() -> None:
    assert len(FAULTS) >= 20
    assert set(PROBES) == set(FAULTS)


@pytest.mark.parametrize("name", list(FAULTS))
async def test_fault_is_observable(name: str) -> None:
    assert not await PROBES[name](factory(app_with()), checked), "the clean app breaks the rule"
    assert await PROBES[name](factory(app_with(name)), lenient), "the fault is invisible"


@pytest.mark.parametrize("name", ["created_milliseconds", "metadata_null", "accounts_shared"])
async def test_a_fault_leaves_other_rules_alone(name: str) -> None:
    """A faulty app still passes the probes of the other faults (one bug, one rule)."""
    related = {"not_found_as_400", "error_type_missing", "error_type_misspelled"}
    if name == "accounts_shared":  # every key as one: the per-path leaks are the same bug
        related |= {n for n in FAULTS if n.startswith("leak_")}
    for other, check in PROBES.items():
        if other != name and other not in related:
            assert not await check(factory(app_with(name)), lenient), other


def test_fault_entries_name_their_rule() -> None:
    for name, fault in FAULTS.items():
        assert fault.name == name
        assert fault.rule.endswith(("[doc]", "[conv]", "[ours]")), fault.rule
        assert fault.level == ("MUST" if fault.rule.endswith("[doc]") else "SHOULD")
        assert fault.description


def test_unknown_fault_names_raise_naming_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="created_milliseconds") as info:
        create_app(faults=["created_milliseconds", "no_such_fault"])
    assert "'no_such_fault'" in str(info.value)
