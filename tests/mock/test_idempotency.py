"""Idempotency-Key: the first answer (status and body) is replayed for 24 hours, nothing new made."""

from __future__ import annotations

import time

import anyio
import httpx
import pytest
from mock_support import BANK_ACCOUNT, CUSTOMER, TEST_KEY, checked, error_of

from lotuspay_contract.conformance.mock import create_app

pytestmark = pytest.mark.anyio


async def total(client: httpx.AsyncClient) -> int:
    count: int = checked(await client.get("/v1/customers"), "customer_list")["total_count"]
    return count


async def test_replay_returns_first_answer_and_creates_nothing(client: httpx.AsyncClient) -> None:
    headers = {"idempotency-key": "order-42"}
    first = await client.post("/v1/customers", json=CUSTOMER, headers=headers)
    again = await client.post("/v1/customers", json=CUSTOMER, headers=headers)
    assert again.status_code == first.status_code == 200
    assert checked(again, "customer") == checked(first, "customer")
    assert again.headers["idempotent-replayed"] == "true"
    assert await total(client) == 1


async def test_form_and_json_with_same_parameters_are_the_same_request(
    client: httpx.AsyncClient,
) -> None:
    headers = {"idempotency-key": "k"}
    first = checked(
        await client.post("/v1/customers", json={"name": "A"}, headers=headers), "customer"
    )
    again = await client.post("/v1/customers", data={"name": "A"}, headers=headers)
    assert checked(again, "customer") == first


async def test_errors_are_replayed_too(client: httpx.AsyncClient) -> None:
    headers = {"idempotency-key": "bad-once"}
    first = error_of(await client.post("/v1/customers", json={"foo": 1}, headers=headers), 400)
    again = error_of(await client.post("/v1/customers", json={"foo": 1}, headers=headers), 400)
    assert first == again


async def test_reuse_with_another_body_is_400(client: httpx.AsyncClient) -> None:
    headers = {"idempotency-key": "k1"}
    checked(await client.post("/v1/customers", json={"name": "A"}, headers=headers), "customer")
    error_of(await client.post("/v1/customers", json={"name": "B"}, headers=headers), 400)
    assert await total(client) == 1


async def test_keys_are_per_path_and_per_account(client: httpx.AsyncClient) -> None:
    customer = checked(await client.post("/v1/customers", json={}), "customer")
    headers = {"idempotency-key": "same"}
    path = f"/v1/customers/{customer['id']}/bank_accounts"
    checked(await client.post(path, json=BANK_ACCOUNT, headers=headers), "bank_account")
    error_of(await client.post("/v1/customers", json=BANK_ACCOUNT, headers=headers), 400)


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_bad_keys_are_400(client: httpx.AsyncClient, key: str) -> None:
    error_of(await client.post("/v1/customers", json={}, headers={"idempotency-key": key}), 400)


async def test_saved_answers_expire_after_24_hours() -> None:
    app = create_app(accept_any_key=True)
    now = [time.time() - 3 * 24 * 3600]  # in the past: created stays a valid Unix time
    app.state.store.clock = lambda: now[0]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", auth=(TEST_KEY, ""), timeout=5
    ) as client:
        headers = {"idempotency-key": "daily"}
        first = checked(await client.post("/v1/customers", json={}, headers=headers), "customer")
        now[0] += 24 * 3600 - 1
        same = checked(await client.post("/v1/customers", json={}, headers=headers), "customer")
        now[0] += 2
        fresh = checked(await client.post("/v1/customers", json={}, headers=headers), "customer")
    assert same["id"] == first["id"] != fresh["id"]


async def test_concurrent_duplicates_create_one_object(client: httpx.AsyncClient) -> None:
    answers: list[httpx.Response] = []

    async def post() -> None:
        answers.append(
            await client.post("/v1/customers", json=CUSTOMER, headers={"idempotency-key": "race"})
        )

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(post)
    assert len({checked(a, "customer")["id"] for a in answers}) == 1
    assert await total(client) == 1
