"""The transient variations over a real socket: first attempts fail, retries succeed, a create
is replayed only under its Idempotency-Key."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from lotuspay_contract.conformance.mock import TRANSIENTS, MockURL, Recorder, running_mock
from lotuspay_contract.conformance.mock._transient import RETRY_AFTER_SECONDS, SLOW_ANSWER_SECONDS

TIMEOUT = 10.0


Serve = Callable[..., tuple[MockURL, httpx.Client]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start the mock showing a transient variation; a client for it."""
    with contextlib.ExitStack() as stack:

        def start(name: str, recorder: Recorder | None = None) -> tuple[MockURL, httpx.Client]:
            url = stack.enter_context(running_mock(transient=name, recorder=recorder))
            client = httpx.Client(base_url=url, auth=(url.api_keys[0], ""), timeout=TIMEOUT)
            return url, stack.enter_context(client)

        yield start


def _count(client: httpx.Client) -> int:
    return int(client.get("/v1/customers").json()["total_count"])


def test_the_catalogue_names_its_rules() -> None:
    from lotuspay_contract.conformance.validation import RULE_TAGS

    for transient in TRANSIENTS.values():
        assert transient.rules
        assert set(transient.rules) <= set(RULE_TAGS), transient.name


@pytest.mark.parametrize(
    ("name", "retry_after"),
    [("rate_limited_retry_after", str(RETRY_AFTER_SECONDS)), ("rate_limited_no_retry_after", None)],
)
def test_429_on_first_attempts_only(serve: Serve, name: str, retry_after: str | None) -> None:
    _, client = serve(name)
    first = client.get("/v1/customers", params={"limit": "5"})
    assert first.status_code == 429
    assert first.json()["error"]["type"] == "rate_limit_error"
    assert first.headers.get("retry-after") == retry_after
    assert client.get("/v1/customers", params={"limit": "5"}).status_code == 200
    assert client.get("/v1/customers", params={"limit": "6"}).status_code == 429  # another request


def test_500_on_first_attempts_writes_nothing(serve: Serve) -> None:
    _, client = serve("first_attempt_500")
    client.get("/v1/customers")  # spend the list's own first attempt
    first = client.post("/v1/customers", json={"name": "Asha"})
    assert first.status_code == 500
    assert first.json()["error"]["type"] == "api_error"
    assert client.post("/v1/customers", json={"name": "Asha"}).status_code == 200
    assert _count(client) == 1


def test_dropped_create_is_replayed_under_its_key(serve: Serve) -> None:
    _, client = serve("first_attempt_dropped")
    headers = {"Idempotency-Key": "create-asha-1"}
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/v1/customers", json={"name": "Asha"}, headers=headers)
    retry = client.post("/v1/customers", json={"name": "Asha"}, headers=headers)
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v1/customers")  # the list's own first attempt
    assert _count(client) == 1


def test_dropped_create_retried_without_a_key_is_written_twice(serve: Serve) -> None:
    _, client = serve("first_attempt_dropped")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/v1/customers", json={"name": "Asha"})
    assert client.post("/v1/customers", json={"name": "Asha"}).status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v1/customers")
    assert _count(client) == 2  # the duplicate a key would have prevented


def test_a_new_test_starts_with_fresh_first_attempts(serve: Serve) -> None:
    recorder = Recorder()
    _, client = serve("first_attempt_500", recorder)
    recorder.begin()
    assert client.get("/v1/customers").status_code == 500
    assert client.get("/v1/customers").status_code == 200
    recorder.begin()
    assert client.get("/v1/customers").status_code == 500


def test_slow_answer_is_still_the_answer(serve: Serve) -> None:
    _, client = serve("slow_answer")
    started = time.monotonic()
    response = client.get("/v1/customers")
    assert response.status_code == 200
    assert time.monotonic() - started >= SLOW_ANSWER_SECONDS  # a lower bound: never a speed test


def test_unknown_transient_is_refused() -> None:
    from lotuspay_contract.conformance.mock import create_app

    with pytest.raises(ValueError, match="unknown transient variation 'nope'"):
        create_app(transient="nope")
