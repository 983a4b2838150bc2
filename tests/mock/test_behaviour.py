"""In-process tests of the correct mock, one behaviour of the spec at a time.

Every answer is checked against our schemas at the strict level (``checked`` / ``error_of``).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode

import httpx
import pytest
from mock_support import (
    BANK_ACCOUNT,
    CUSTOMER,
    LIVE_KEY,
    OTHER_TEST_KEY,
    TEST_KEY,
    ClientFactory,
    checked,
    error_of,
)

pytestmark = pytest.mark.anyio

ID = re.compile(r"(CU|BA)[A-Z0-9]{12}")


async def create_customer(client: httpx.AsyncClient, **params: object) -> dict[str, object]:
    response = await client.post("/v1/customers", json=params or CUSTOMER)
    assert response.status_code == 200, response.text
    body: dict[str, object] = checked(response, "customer")
    return body


# -- auth and modes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic " + base64.b64encode(b"pk_test_abc:").decode(),
        "Basic " + base64.b64encode(b"sk_test_:").decode(),
        "Basic !!!not-base64",
        "Bearer sk_test_abc",
    ],
)
async def test_no_or_malformed_key_is_401(
    make_client: ClientFactory, authorization: str | None
) -> None:
    async with make_client(key=None) as client:
        headers = {"authorization": authorization} if authorization else {}
        response = await client.get("/v1/customers", headers=headers)
    error = error_of(response, 401)
    assert error["type"] == "authentication_error"
    assert TEST_KEY not in response.text


async def test_the_key_decides_livemode(make_client: ClientFactory) -> None:
    async with make_client(key=TEST_KEY) as test, make_client(key=LIVE_KEY) as live:
        assert (await create_customer(test))["livemode"] is False
        assert (await create_customer(live))["livemode"] is True


async def test_each_key_is_its_own_account(make_client: ClientFactory) -> None:
    app_client = make_client()
    async with app_client as mine:
        customer = await create_customer(mine)
        other = httpx.AsyncClient(
            transport=app_client._transport, base_url="http://mock.test", auth=(OTHER_TEST_KEY, "")
        )
        async with other:
            error_of(await other.get(f"/v1/customers/{customer['id']}"), 404)
            listing = checked(await other.get("/v1/customers"), "customer_list")
            assert listing["total_count"] == 0
            path = f"/v1/customers/{customer['id']}/bank_accounts"
            error_of(await other.post(path, json=BANK_ACCOUNT), 404)
        assert (await mine.get(f"/v1/customers/{customer['id']}")).status_code == 200


async def test_api_keys_restrict_the_accepted_keys(make_client: ClientFactory) -> None:
    async with make_client(key=OTHER_TEST_KEY, api_keys=[TEST_KEY]) as client:
        error = error_of(await client.get("/v1/customers"), 401)
        assert "sk_test_****" in error["message"]
        assert OTHER_TEST_KEY not in error["message"]
    async with make_client(key=TEST_KEY, api_keys=[TEST_KEY]) as client:
        checked(await client.get("/v1/customers"), "customer_list")


# -- create and retrieve ------------------------------------------------------------------------


async def test_create_then_retrieve_round_trips(client: httpx.AsyncClient) -> None:
    created = await create_customer(client)
    assert ID.fullmatch(str(created["id"]))
    for field, value in CUSTOMER.items():
        assert created[field] == value
    assert created["description"] is None
    assert isinstance(created["created"], int)
    retrieved = checked(await client.get(f"/v1/customers/{created['id']}"), "customer")
    assert retrieved == created


async def test_empty_create_gives_nulls_and_empty_lists(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/customers")
    customer = checked(response, "customer")
    assert customer["metadata"] == {}
    assert all(customer[f] is None for f in ("email", "name", "mobile", "phone", "identification"))
    for child in ("bank_accounts", "mandates", "subscriptions"):
        assert customer[child] == {
            "object": "list",
            "data": [],
            "total_count": 0,
            "url": f"/v1/customers/{customer['id']}/{child}",
        }


async def test_form_and_json_bodies_are_equivalent(client: httpx.AsyncClient) -> None:
    form = {k: v for k, v in CUSTOMER.items() if k != "metadata"}
    form.update({"metadata[plan]": "gold", "metadata[branch]": "Pune"})
    from_form = checked(await client.post("/v1/customers", data=form), "customer")
    from_json = await create_customer(client)
    ignore = {"id", "created", "bank_accounts", "mandates", "subscriptions"}
    assert {k: v for k, v in from_form.items() if k not in ignore} == {
        k: v for k, v in from_json.items() if k not in ignore
    }


async def test_trailing_slash_paths_work(client: httpx.AsyncClient) -> None:
    customer = checked(await client.post("/v1/customers/", json={}), "customer")
    checked(await client.get(f"/v1/customers/{customer['id']}/"), "customer")
    checked(await client.get("/v1/customers/"), "customer_list")


async def test_ids_are_unique(client: httpx.AsyncClient) -> None:
    ids = {(await create_customer(client, name=f"n{i}"))["id"] for i in range(30)}
    assert len(ids) == 30


async def test_unknown_id_is_404(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/v1/customers/CU0000000000XX"), 404)
    assert error["type"] == "invalid_request_error"
    error_of(await client.get("/v1/customers/CU0000000000XX/bank_accounts"), 404)
    error_of(await client.get("/v1/nothing-here"), 404)


# -- request validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"email": "a" * 502 + "@example.in"}, "email"),
        ({"foo": "bar"}, "foo"),
        ({"name": 42}, "name"),
        ({"metadata": "gold"}, "metadata"),
        ({"metadata": {"plan": {"nested": "x"}}}, "metadata[plan]"),
        ({"metadata": {"plan": 3}}, "metadata[plan]"),
        ({"metadata": {f"k{i}": "v" for i in range(51)}}, "metadata"),
        ({"metadata": {"k" * 41: "v"}}, "metadata"),
        ({"metadata": {"plan": "v" * 501}}, "metadata[plan]"),
    ],
)
async def test_bad_customer_parameters_are_400_naming_param(
    client: httpx.AsyncClient, body: dict[str, object], param: str
) -> None:
    error = error_of(await client.post("/v1/customers", json=body), 400)
    assert error["param"] == param
    listing = checked(await client.get("/v1/customers"), "customer_list")
    assert listing["total_count"] == 0


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"account_ifsc": "hdfc0001234"}, "account_ifsc"),
        ({"account_ifsc": "HDFC1001234"}, "account_ifsc"),
        ({"account_number": "1234"}, "account_number"),
        ({"account_type": "fixed_deposit"}, "account_type"),
        ({"account_holder_name": None}, "account_holder_name"),
        ({"nickname": "salary"}, "nickname"),
    ],
)
async def test_bad_bank_account_parameters_are_400_naming_param(
    client: httpx.AsyncClient, change: dict[str, object], param: str
) -> None:
    customer = await create_customer(client)
    body = {k: v for k, v in {**BANK_ACCOUNT, **change}.items() if v is not None}
    response = await client.post(f"/v1/customers/{customer['id']}/bank_accounts", data=body)
    assert error_of(response, 400)["param"] == param


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"name"', "application/json"),
        (b'{"name": NaN}', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"[" * 100_000, "application/json"),
        (b"name=%FF", "application/x-www-form-urlencoded"),
        (b"name=a&name=b", "application/x-www-form-urlencoded"),
        (b"metadata=x&metadata[a]=b", "application/x-www-form-urlencoded"),
        (b"<customer/>", "application/xml"),
    ],
)
async def test_malformed_bodies_are_400_never_5xx(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post(
        "/v1/customers", content=content, headers={"content-type": content_type}
    )
    error_of(response, 400)


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/customers", json={"name": "x" * 300_000})
    error_of(response, 413)


# -- methods and formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/customers", {"GET", "POST"}),
        ("PUT", "/v1/customers/CU0011AABBCC22", {"GET"}),
        ("PATCH", "/v1/customers/CU0011AABBCC22/bank_accounts", {"GET", "POST"}),
        ("POST", "/v1/customers/CU0011AABBCC22/bank_accounts/BA00AB12CD34EF", {"GET"}),
    ],
)
async def test_undocumented_methods_are_405_with_allow(
    client: httpx.AsyncClient, method: str, path: str, allowed: set[str]
) -> None:
    response = await client.request(method, path)
    error_of(response, 405)
    assert allowed <= {m.strip() for m in response.headers["allow"].split(",")}


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("text/html", 406),
        ("application/xml, text/plain;q=0.5", 406),
        ("application/json;q=0", 406),
        ("application/json", 200),
        ("text/html, */*;q=0.1", 200),
        ("application/*", 200),
    ],
)
async def test_accept_header_is_negotiated(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await client.get("/v1/customers", headers={"accept": accept})
    assert response.status_code == status
    checked(response, "customer_list" if status == 200 else "error")


# -- bank accounts and child lists --------------------------------------------------------------


async def test_bank_account_create_retrieve_and_masking(client: httpx.AsyncClient) -> None:
    customer = await create_customer(client)
    base = f"/v1/customers/{customer['id']}/bank_accounts"
    account = checked(await client.post(base, json=BANK_ACCOUNT), "bank_account")
    assert ID.fullmatch(account["id"])
    assert account["id"].startswith("BA")
    assert account["customer"] == customer["id"]
    assert account["account_last4"] == "6789"
    assert account["bank_name"] == "HDFC Bank"
    assert account["livemode"] is False
    assert BANK_ACCOUNT["account_number"] not in (await client.get(f"{base}/{account['id']}")).text
    assert checked(await client.get(f"{base}/{account['id']}"), "bank_account") == account
    error_of(await client.get(f"{base}/BA0000000000XX"), 404)


async def test_child_list_embeds_ten_most_recent_with_true_count(client: httpx.AsyncClient) -> None:
    customer = await create_customer(client)
    base = f"/v1/customers/{customer['id']}/bank_accounts"
    made = []
    for i in range(12):
        body = {**BANK_ACCOUNT, "account_number": f"5010012345{i:04d}"}
        made.append(checked(await client.post(base, data=body), "bank_account")["id"])
    fetched = checked(await client.get(f"/v1/customers/{customer['id']}"), "customer")
    embedded = fetched["bank_accounts"]
    assert embedded["total_count"] == 12
    assert [a["id"] for a in embedded["data"]] == made[::-1][:10]
    assert embedded["url"] == base
    page = checked(await client.get(base, params={"limit": 5, "page": 3}), "bank_account_list")
    assert [a["id"] for a in page["data"]] == made[::-1][10:]
    assert page["total_count"] == 12
    # The list endpoint is not capped at 10 like the embedded child list.
    whole = checked(await client.get(base, params={"limit": 100}), "bank_account_list")
    assert [a["id"] for a in whole["data"]] == made[::-1]


# -- lists --------------------------------------------------------------------------------------


async def test_list_is_newest_first_with_limit_and_pages(client: httpx.AsyncClient) -> None:
    ids = [(await create_customer(client, name=f"c{i}"))["id"] for i in range(7)]
    newest_first = ids[::-1]
    everything = checked(await client.get("/v1/customers"), "customer_list")
    assert [c["id"] for c in everything["data"]] == newest_first
    assert everything["url"] == "/v1/customers"
    assert everything["total_count"] == 7
    pages = []
    for page in (1, 2, 3, 4):
        body = checked(await client.get(f"/v1/customers?limit=3&page={page}"), "customer_list")
        assert body["total_count"] == 7
        pages.append([c["id"] for c in body["data"]])
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:], []]


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=ten", "limit=-1", "limit=", "page=0", "page=x", "page=1.5",
     "colour=red", "limit=1&limit=2", "limit=" + "9" * 40],
)  # fmt: skip
async def test_bad_list_queries_are_400(client: httpx.AsyncClient, query: str) -> None:
    error_of(await client.get(f"/v1/customers?{query}"), 400)


async def test_huge_page_is_empty(client: httpx.AsyncClient) -> None:
    await create_customer(client)
    for page in ("1000000", "9" * 40):
        body = checked(await client.get(f"/v1/customers?page={page}"), "customer_list")
        assert body["data"] == []
        assert body["total_count"] == 1


async def test_email_filter_is_exact_and_no_match_is_error(client: httpx.AsyncClient) -> None:
    await create_customer(client, email="a@example.in")
    wanted = await create_customer(client, email="b@example.in")
    await create_customer(client, email="B@example.in")
    found = checked(
        await client.get("/v1/customers?" + urlencode({"email": "b@example.in"})), "customer_list"
    )
    assert [c["id"] for c in found["data"]] == [wanted["id"]]
    assert found["total_count"] == 1
    error = error_of(await client.get("/v1/customers?email=nobody%40example.in"), 404)
    assert error["param"] == "email"


async def test_seed_customers_fill_each_new_account(make_client: ClientFactory) -> None:
    async with make_client(seed_customers=120) as client:
        first = checked(await client.get("/v1/customers"), "customer_list")
        assert len(first["data"]) == 100
        assert first["total_count"] == 120
        second = checked(await client.get("/v1/customers?page=2"), "customer_list")
        assert len(second["data"]) == 20
