"""The client: masking, curl lines, retries, the size cap, live-key safety (MockTransport)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from lotuspay_contract.conformance.client._client import (
    DeadlineReached,
    LiveWriteRefused,
    LotusPayClient,
    TargetError,
)
from lotuspay_contract.conformance.client._rate import retry_wait
from lotuspay_contract.conformance.redact import mask_key, redact

KEY = "sk_test_abcdefABCDEF0123456789"


_MADE: list[LotusPayClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Close each test's clients: an unclosed one leaves its event loop to the garbage
    collector, whose ResourceWarning (an error here) would land in some later test."""
    yield
    while _MADE:
        _MADE.pop().close()


def client_for(handler: object, key: str = KEY, **kwargs: object) -> LotusPayClient:
    client = LotusPayClient(
        "http://api.test",
        key,
        transport=httpx.MockTransport(handler),
        **kwargs,  # type: ignore[arg-type]
    )
    _MADE.append(client)
    return client


def test_mask_key_keeps_only_the_mode_prefix() -> None:
    assert mask_key(KEY) == "sk_test_****"
    assert mask_key("sk_live_xyz") == "sk_live_****"
    assert mask_key("whatever") == "****"
    assert mask_key(None) == "<none>"


def test_redact_masks_known_secrets_and_key_shaped_text() -> None:
    text = f"bad key {KEY} and sk_live_ABCdef123 and custom-secret"
    assert redact(text, ["custom-secret"]) == ("bad key sk_test_**** and sk_live_**** and ****")


def test_curl_line_masks_the_key() -> None:
    client = client_for(lambda r: httpx.Response(200, json={}))
    exchange = client.request("POST", "/v1/customers", json_body={"name": "Asha"})
    assert KEY not in exchange.curl
    assert "-u 'sk_test_****:'" in exchange.curl
    assert exchange.curl.startswith("curl -X POST 'http://api.test/v1/customers'")
    assert '--data-raw \'{"name": "Asha"}\'' in exchange.curl


def test_429_is_retried_honouring_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    answers = iter([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)])
    exchange = client_for(lambda r: next(answers)).request("POST", "/v1/customers")
    assert exchange.status == 200
    assert exchange.attempts == 2
    assert waits == [2.0]


def test_retries_are_bounded_and_waits_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    always = httpx.Response(429, headers={"Retry-After": "3600"})
    exchange = client_for(lambda r: always).request("GET", "/v1/customers")
    assert exchange.status == 429
    assert exchange.attempts == 3
    assert waits == [5.0, 5.0]


def test_503_is_retried_only_when_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: None)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503)

    client = client_for(handler)
    client.request("POST", "/v1/customers")
    assert calls == ["POST"]  # a write without an Idempotency-Key may have happened
    client.request("GET", "/v1/customers")
    assert calls == ["POST", "GET", "GET", "GET"]


def test_retry_wait_reads_http_dates_and_garbage() -> None:
    assert retry_wait("not a date", 1) == 0.25
    assert retry_wait("Wed, 21 Oct 2015 07:28:00 GMT", 1) == 0.0


def test_body_over_the_cap_is_a_target_error() -> None:
    big = httpx.Response(200, content=b"x" * 2000)
    client = client_for(lambda r: big, max_body_bytes=1000)
    with pytest.raises(TargetError) as caught:
        client.request("GET", "/v1/customers")
    assert caught.value.kind == "too_large"
    assert KEY not in caught.value.curl


def test_transport_errors_become_target_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(TargetError, match="timed out") as caught:
        client_for(handler).request("GET", "/v1/customers")
    assert caught.value.kind == "timeout"


def test_live_key_writes_are_refused_unless_allowed() -> None:
    live = "sk_live_abcdefABCDEF0123456789"
    client = client_for(lambda r: httpx.Response(200, json={}), key=live)
    assert client.request("GET", "/v1/customers").status == 200
    with pytest.raises(LiveWriteRefused, match="--allow-live"):
        client.request("POST", "/v1/customers", json_body={})
    allowed = client_for(lambda r: httpx.Response(200, json={}), key=live, allow_live=True)
    assert allowed.request("POST", "/v1/customers", json_body={}).status == 200


def test_redirects_are_not_followed() -> None:
    loop = httpx.Response(302, headers={"Location": "/v1/customers"})
    assert client_for(lambda r: loop).request("GET", "/v1/customers").status == 302


def test_retry_waits_stop_when_the_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    always_429 = httpx.Response(429, headers={"Retry-After": "999999"})
    client = client_for(lambda r: always_429, retry_budget=3.0)
    assert client.request("GET", "/v1/customers").status == 429
    assert waits == [3.0]  # the 5 s cap, cut to what is left of the budget
    assert client.request("GET", "/v1/customers").attempts == 1  # spent: no more waiting
    assert waits == [3.0]


def test_past_the_run_deadline_nothing_is_sent() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = client_for(handler, run_deadline=time.monotonic() - 1)
    with pytest.raises(DeadlineReached):
        client.request("GET", "/v1/customers")
    assert sent == []


def test_a_retry_wait_past_the_run_deadline_ends_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    client = client_for(
        lambda r: httpx.Response(429, headers={"Retry-After": "4"}),
        run_deadline=time.monotonic() + 1.0,
    )
    with pytest.raises(DeadlineReached):
        client.request("GET", "/v1/customers")
    assert len(waits) == 1
    assert 0 < waits[0] <= 1.0
