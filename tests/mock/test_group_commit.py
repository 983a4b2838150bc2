"""Group commit: unkeyed creates that reach their write in one turn of the event loop share one
transaction; each is answered once committed, and a create the store refuses alone does not
undo the others."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from mock_support import CUSTOMER, TEST_KEY, checked, error_of

from lotuspay_contract.conformance.mock import create_app
from lotuspay_contract.conformance.mock._group_commit import GroupCommit
from lotuspay_contract.conformance.mock._server import running_mock

pytestmark = pytest.mark.anyio


def _client(app: Any) -> httpx.AsyncClient:
    # The mock answers a crash with a JSON 500, then re-raises it for the server's log.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://mock.test", auth=(TEST_KEY, ""))


def _batch_sizes(app: Any) -> list[int]:
    """Record the size of every transaction of unkeyed creates the app's store writes."""
    store = app.state.store
    sizes: list[int] = []
    write = store.create_customers

    def create_customers(batch: list[Any]) -> list[Any]:
        sizes.append(len(batch))
        return write(batch)  # type: ignore[no-any-return]

    store.create_customers = create_customers
    return sizes


async def test_creates_of_one_turn_share_one_transaction() -> None:
    app = create_app(accept_any_key=True)
    sizes = _batch_sizes(app)
    async with _client(app) as client:
        bodies = [{**CUSTOMER, "name": f"Customer {i}"} for i in range(8)]
        answers = await asyncio.gather(*(client.post("/v1/customers", json=b) for b in bodies))
        created = [checked(answer, "customer") for answer in answers]
        listed = checked(await client.get("/v1/customers"), "customer_list")
        for customer in created:  # each answer is what a read finds
            assert checked(await client.get(f"/v1/customers/{customer['id']}"), "customer") == (
                customer
            )
    assert [c["name"] for c in created] == [b["name"] for b in bodies]
    assert sum(sizes) == 8
    assert max(sizes) > 1, sizes  # written together, not one by one
    assert len({c["id"] for c in created}) == 8
    assert sorted(c["id"] for c in listed["data"]) == sorted(c["id"] for c in created)


async def test_a_create_the_store_refuses_does_not_undo_the_others() -> None:
    app = create_app(accept_any_key=True)
    store = app.state.store
    sizes = _batch_sizes(app)
    create = store.create_customer

    def create_customer(account: str, livemode: bool, params: dict[str, Any]) -> bytes:
        if params.get("name") == "refused":
            raise RuntimeError("a bug in one create")
        return create(account, livemode, params)  # type: ignore[no-any-return]

    store.create_customer = create_customer
    async with _client(app) as client:
        names = ["first", "refused", "third", "fourth"]
        answers = await asyncio.gather(
            *(client.post("/v1/customers", json={"name": name}) for name in names)
        )
        listed = checked(await client.get("/v1/customers"), "customer_list")
    assert max(sizes) > 1, sizes  # the refused one shared its transaction with others
    assert error_of(answers[1], 500)["type"] == "api_error"
    kept = [checked(answers[i], "customer")["id"] for i in (0, 2, 3)]
    assert sorted(c["id"] for c in listed["data"]) == sorted(kept)


async def test_a_lone_create_is_answered_at_once() -> None:
    app = create_app(accept_any_key=True)
    sizes = _batch_sizes(app)
    async with _client(app) as client:
        for i in range(3):
            checked(await client.post("/v1/customers", json={"name": f"c{i}"}), "customer")
    assert sizes == [1, 1, 1]


async def test_concurrent_creates_over_http_are_each_stored_once() -> None:
    """Real sockets, 16 connections at once: every answered create is listed exactly once."""
    with running_mock(api_keys=[TEST_KEY]) as url:
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(
            base_url=url, auth=(TEST_KEY, ""), limits=limits, timeout=10.0
        ) as client:
            names = [f"Customer {i}" for i in range(160)]
            answers = await asyncio.gather(
                *(client.post("/v1/customers", json={"name": name}) for name in names)
            )
            created = {checked(answer, "customer")["id"] for answer in answers}
            listed: list[str] = []
            for page in (1, 2):
                found = await client.get("/v1/customers", params={"page": page})
                listed += [c["id"] for c in checked(found, "customer_list")["data"]]
    assert len(created) == 160
    assert sorted(listed) == sorted(created)


def test_outside_asyncio_a_create_is_written_at_once() -> None:
    """An app driven by another event loop (trio) has no asyncio loop to batch in."""
    app = create_app(accept_any_key=True)
    store = app.state.store
    store.open_account("acct")
    commits = GroupCommit(store)
    step = commits.create_customer("acct", False, {"name": "Asha"}).__await__()
    with pytest.raises(StopIteration) as done:  # finished without waiting on anything
        next(step)
    answer = json.loads(done.value.value)
    assert answer["name"] == "Asha"
    assert json.loads(store.get_customer("acct", answer["id"])) == answer
