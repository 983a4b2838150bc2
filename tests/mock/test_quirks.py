"""Each quirk shows: its probe sees the variation with the quirk and not without it. And the mock
knows which keys it issued: only those work, unless accept_any_key says otherwise."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from mock_support import BANK_ACCOUNT, TEST_KEY

from lotuspay_contract.conformance.mock import QUIRKS, create_app, running_mock

ROOT = Path(__file__).resolve().parents[2]
Probe = Callable[[httpx.AsyncClient], Awaitable[bool]]
PROBES: dict[str, Probe] = {}


def probe(name: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        PROBES[name] = function
        return function

    return register


async def new_customer(c: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await c.post("/v1/customers", json=params)


@probe("ids_stripe_style")
async def _(c: httpx.AsyncClient) -> bool:
    made = (await new_customer(c)).json()
    again = await c.get(f"/v1/customers/{made['id']}")
    return made["id"].startswith("cus_") and len(made["id"]) == 28 and again.json() == made


@probe("ids_uuid_long")
async def _(c: httpx.AsyncClient) -> bool:
    made = (await new_customer(c)).json()
    path = f"/v1/customers/{made['id']}/bank_accounts"
    account = (await c.post(path, data=BANK_ACCOUNT)).json()
    return 100 < len(made["id"]) <= 255 and account["customer"] == made["id"]


@probe("extra_properties")
async def _(c: httpx.AsyncClient) -> bool:
    return "x_region" in (await new_customer(c)).json()


@probe("property_order_reversed")
async def _(c: httpx.AsyncClient) -> bool:
    return next(iter((await new_customer(c)).json())) != "id"


@probe("metadata_null_when_empty")
async def _(c: httpx.AsyncClient) -> bool:
    return (await new_customer(c)).json()["metadata"] is None


@probe("errors_without_param")
async def _(c: httpx.AsyncClient) -> bool:
    return "param" not in (await new_customer(c, email="x" * 600)).json()["error"]


@probe("errors_flat")
async def _(c: httpx.AsyncClient) -> bool:
    return "error" not in (await c.get("/v1/customers/CU0000ZZZZZZ00")).json()


@probe("create_201")
async def _(c: httpx.AsyncClient) -> bool:
    return (await new_customer(c)).status_code == 201


@probe("pan_as_id")
async def _(c: httpx.AsyncClient) -> bool:
    by_id = (await c.post("/v1/customers", json={"id": "ABCPV1234D"})).json()
    refused = await new_customer(c, identification="ABCPV1234D")
    return by_id.get("identification") == "ABCPV1234D" and refused.status_code == 400


@probe("metadata_empty_unsets")
async def _(c: httpx.AsyncClient) -> bool:
    made = (await new_customer(c, metadata={"a": "", "b": "1"})).json()
    return made["metadata"] == {"b": "1"}


@probe("holder_name_empty_accepted")
async def _(c: httpx.AsyncClient) -> bool:
    owner = (await new_customer(c)).json()["id"]
    path = f"/v1/customers/{owner}/bank_accounts"
    made = await c.post(path, data={**BANK_ACCOUNT, "account_holder_name": ""})
    if made.status_code != 200:
        return False
    again = await c.get(f"{path}/{made.json()['id']}")
    return bool(again.json()["account_holder_name"] == "")


@probe("arbitrary_id_400")
async def _(c: httpx.AsyncClient) -> bool:
    shaped = await c.get("/v1/customers/CU0000ZZZZZZ00")
    return (await c.get("/v1/customers/whatever")).status_code == 400 and shaped.status_code == 404


@probe("pages_from_zero")
async def _(c: httpx.AsyncClient) -> bool:
    newest = (await new_customer(c)).json()["id"]
    page = await c.get("/v1/customers", params={"page": "0", "limit": "1"})
    return page.status_code == 200 and page.json()["data"][0]["id"] == newest


@probe("ties_by_id")
async def _(c: httpx.AsyncClient) -> bool:
    # Eight ties: the clean app lists them newest created first, the quirk by id; with random
    # ids the two orders agree by chance once in 40,320 runs.
    made = [(await new_customer(c)).json() for _ in range(8)]
    listed = [i["id"] for i in (await c.get("/v1/customers")).json()["data"]]
    if len({m["created"] for m in made}) != 1:
        pytest.skip("the creates straddled a second: no tie to order")
    return listed == sorted(m["id"] for m in made) != [m["id"] for m in reversed(made)]


@probe("child_total_count_embedded")
async def _(c: httpx.AsyncClient) -> bool:
    owner = (await new_customer(c)).json()["id"]
    for _ in range(11):
        await c.post(f"/v1/customers/{owner}/bank_accounts", data=BANK_ACCOUNT)
    child = (await c.get(f"/v1/customers/{owner}")).json()["bank_accounts"]
    return bool(child["total_count"] == 10)


@probe("rate_limited")
async def _(c: httpx.AsyncClient) -> bool:
    statuses = [(await c.get("/v1/customers")).status_code for _ in range(9)]
    return statuses == [200] * 8 + [429]


@probe("latency")
async def _(c: httpx.AsyncClient) -> bool:
    # Record the added wait instead of timing the answer: elapsed time is noise on a busy machine.
    from lotuspay_contract.conformance.mock import _quirk_rewrites

    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay: float) -> None:
        slept.append(delay)
        await real_sleep(0)

    with mock.patch.object(_quirk_rewrites.asyncio, "sleep", recording_sleep):
        await c.get("/v1/customers")
    return sum(slept) >= 0.003


@probe("charset_parameter")
async def _(c: httpx.AsyncClient) -> bool:
    response = await c.get("/v1/customers")
    return response.headers["content-type"] == "application/json; charset=utf-8"


@probe("connection_close")
async def _(c: httpx.AsyncClient) -> bool:
    return (await c.get("/v1/customers")).headers.get("connection") == "close"


@probe("chunked")
async def _(c: httpx.AsyncClient) -> bool:
    return "content-length" not in (await new_customer(c)).headers


@probe("gzip")
async def _(c: httpx.AsyncClient) -> bool:
    response = await c.get("/v1/customers", headers={"accept-encoding": "gzip"})
    plain = await c.get("/v1/customers", headers={"accept-encoding": "identity"})
    gzipped = response.headers.get("content-encoding") == "gzip"
    return gzipped and response.json() == plain.json() and "content-encoding" not in plain.headers


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mock.test",
        auth=(TEST_KEY, ""),
        timeout=5.0,
    )


def test_every_quirk_has_a_probe() -> None:
    assert len(QUIRKS) >= 15
    assert set(PROBES) == set(QUIRKS)


@pytest.mark.anyio
@pytest.mark.parametrize("name", list(QUIRKS))
async def test_quirk_is_observable(name: str) -> None:
    async with client_for(create_app(api_keys=[TEST_KEY])) as clean:
        assert not await PROBES[name](clean), "the clean app already shows the quirk"
    async with client_for(create_app(api_keys=[TEST_KEY], quirks=[name])) as quirky:
        assert await PROBES[name](quirky), "the quirk does not show"


def test_unknown_quirk_names_raise_naming_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="'no_such_quirk'") as info:
        create_app(quirks=["gzip", "no_such_quirk"])
    assert "ids_stripe_style" in str(info.value)


def test_quirks_cite_anchors_of_the_contract() -> None:
    contract = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    for quirk in QUIRKS.values():
        assert quirk.description
        for rule in quirk.rules:
            assert f'<a id="{rule}"></a>' in contract, (quirk.name, rule)


def test_cli_lists_quirks() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "quirks", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0
    assert [row["name"] for row in json.loads(result.stdout)] == list(QUIRKS)


# -- issued keys ------------------------------------------------------------------------------


def test_running_mock_issues_two_keys_and_refuses_others() -> None:
    with running_mock() as url:
        assert len(url.api_keys) == 2
        assert all(key.startswith("sk_test_") for key in url.api_keys)
        for key in url.api_keys:
            assert httpx.get(f"{url}/v1/customers", auth=(key, ""), timeout=5).status_code == 200
        other = httpx.get(f"{url}/v1/customers", auth=(TEST_KEY, ""), timeout=5)
        assert other.status_code == 401
        assert other.json()["error"]["type"] == "authentication_error"


def test_accept_any_key_is_an_explicit_choice() -> None:
    with running_mock(accept_any_key=True) as url:
        assert httpx.get(f"{url}/v1/customers", auth=(TEST_KEY, ""), timeout=5).status_code == 200
        assert httpx.get(f"{url}/v1/customers", auth=("nope", ""), timeout=5).status_code == 401


def test_cli_announces_the_keys_it_issued() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        url = process.stdout.readline().strip()
        banner = process.stderr.readline()
        keys = [w.strip(",;") for w in banner.split() if w.startswith("sk_test_")]
        assert len(keys) == 2, banner
        assert httpx.get(f"{url}/v1/customers", auth=(keys[1], ""), timeout=5).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)  # waits, and closes the pipes
