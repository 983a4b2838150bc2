"""The observations a run records beyond the contract: bounded, names only, masked, and only
what the contract does not define (statuses and headers from the OpenAPI document)."""

from __future__ import annotations

import json

import httpx

from lotuspay_contract.conformance.client import Exchange
from lotuspay_contract.conformance.report import ObservationRecorder


def _answer(status: int, body: object, headers: dict[str, str] | None = None) -> Exchange:
    return Exchange(
        method="GET", url="http://127.0.0.1:1/v1/customers", path="/v1/customers", params=[],
        request_headers={}, request_body=None, key_mode="test", masked_key="sk_test_****",
        status=status, content=json.dumps(body).encode(),
        headers=httpx.Headers({"content-type": "application/json", **(headers or {})}),
    )  # fmt: skip


def test_documented_answers_record_nothing() -> None:
    recorder = ObservationRecorder()
    recorder.record(
        _answer(200, {"object": "list", "data": [], "total_count": 0, "url": "/v1/customers"})
    )
    recorder.record(_answer(429, {"error": {"type": "rate_limit_error"}}, {"Retry-After": "1"}))
    data = recorder.data()
    assert (data["properties"], data["statuses"], data["headers"]) == ([], [], [])


def test_a_new_status_and_header_are_recorded_by_name_and_counted() -> None:
    recorder = ObservationRecorder()
    for _ in range(3):
        recorder.record(_answer(418, {"error": {"type": "api_error"}}, {"X-Request-Id": "r1"}))
    data = recorder.data()
    assert data["statuses"] == [
        {"operation": "listCustomers", "status": 418, "count": 3, "operations": ["listCustomers"]}
    ]
    assert data["headers"] == [
        {"header": "x-request-id", "count": 3, "operations": ["listCustomers"]}
    ]
    assert "r1" not in json.dumps(data)  # names only: a value may be a secret


def test_a_hostile_server_cannot_grow_the_record_or_leak_a_key() -> None:
    recorder = ObservationRecorder(max_observed=10)
    many = {f"x-h{n}": "v" for n in range(50)}
    many["x-sk_test_4eC39HqLyjWDarjtT1zdp7dc"] = "v"
    recorder.record(_answer(200, {"data": [], "z" * 10_000: 1}, many))
    data = recorder.data()
    assert len(data["headers"]) == 10
    assert data["dropped"] == 41
    assert all(len(row["pointer"]) <= 121 for row in data["properties"])
    alone = ObservationRecorder()
    alone.record(_answer(200, {"data": []}, {"x-sk_test_4eC39HqLyjWDarjtT1zdp7dc": "v"}))
    headers = alone.data()["headers"]
    assert len(headers) == 1
    assert "4eC39HqLyjWDarjtT1zdp7dc" not in json.dumps(headers)
