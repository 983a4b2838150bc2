"""The reserved inputs: each gives its documented answer, once or always, and only when asked.

Over a real socket (``running_mock(triggers=True)``). The expected answers are a table here,
checked against the catalogue so that a new trigger without a row fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from lotuspay_contract.conformance.mock import (
    TRIGGER_DOMAIN,
    TRIGGER_METADATA_KEY,
    TRIGGERS,
    MockURL,
    Recorder,
    running_mock,
)
from lotuspay_contract.conformance.mock._triggers import find_trigger

TIMEOUT = 10.0
#: name -> (status, error type, param when carried by email, Retry-After)
EXPECTED: dict[str, tuple[int, str, str | None, str | None]] = {
    "invalid_param": (400, "invalid_request_error", "email", None),
    "unauthorized": (401, "authentication_error", None, None),
    "not_found": (404, "invalid_request_error", None, None),
    "rate_limited": (429, "rate_limit_error", None, "1"),
    "server_error": (500, "api_error", None, None),
}


def test_every_trigger_has_an_expected_answer() -> None:
    assert set(EXPECTED) | {"timeout"} == set(TRIGGERS)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockURL]:
    with running_mock(triggers=True, recorder=Recorder()) as url:
        yield url


@pytest.fixture
def http(mock: MockURL) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock, auth=(mock.api_keys[0], ""), timeout=TIMEOUT) as client:
        yield client


def _check(response: httpx.Response, name: str, param: str | None) -> None:
    status, kind, _, retry_after = EXPECTED[name]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == kind
    assert error.get("param") == param
    assert response.headers.get("retry-after") == retry_after


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_email_on_a_create_fires(http: httpx.Client, name: str) -> None:
    response = http.post("/v1/customers", json={"email": f"{name}@{TRIGGER_DOMAIN}"})
    _check(response, name, EXPECTED[name][2])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_key_on_a_form_create_fires(http: httpx.Client, name: str) -> None:
    body = urlencode({"name": "Asha", f"metadata[{TRIGGER_METADATA_KEY}]": name})
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = http.post("/v1/customers", content=body, headers=headers)
    param = f"metadata[{TRIGGER_METADATA_KEY}]" if name == "invalid_param" else None
    _check(response, name, param)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_email_filter_of_the_list_fires(http: httpx.Client, name: str) -> None:
    response = http.get("/v1/customers", params={"email": f"{name}@{TRIGGER_DOMAIN}"})
    _check(response, name, EXPECTED[name][2])


def test_metadata_key_on_a_bank_account_create_fires(http: httpx.Client) -> None:
    customer = http.post("/v1/customers", json={"name": "Asha"}).json()["id"]
    params = {
        "account_holder_name": "Asha",
        "account_ifsc": "HDFC0000001",
        "account_number": "12345678",
        "account_type": "savings",
        "metadata": {TRIGGER_METADATA_KEY: "server_error"},
    }
    response = http.post(f"/v1/customers/{customer}/bank_accounts", json=params)
    _check(response, "server_error", None)


def test_once_fires_on_the_first_request_only(http: httpx.Client) -> None:
    email = f"server_error+once-a@{TRIGGER_DOMAIN}"
    assert http.post("/v1/customers", json={"email": email}).status_code == 500
    again = http.post("/v1/customers", json={"email": email})
    assert again.status_code == 200
    assert again.json()["email"] == email
    other = f"server_error+once-b@{TRIGGER_DOMAIN}"  # another tag is another trigger
    assert http.post("/v1/customers", json={"email": other}).status_code == 500


def test_always_fires_every_time(http: httpx.Client) -> None:
    email = f"rate_limited@{TRIGGER_DOMAIN}"
    statuses = [http.post("/v1/customers", json={"email": email}).status_code for _ in range(3)]
    assert statuses == [429, 429, 429]


def test_timeout_never_answers(http: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/customers", json={"email": f"timeout@{TRIGGER_DOMAIN}"}, timeout=0.5)
    assert http.get("/v1/customers").status_code == 200  # the server is still serving


def test_an_unknown_name_at_the_domain_is_an_ordinary_email(http: httpx.Client) -> None:
    email = f"asha@{TRIGGER_DOMAIN}"
    assert http.post("/v1/customers", json={"email": email}).status_code == 200


def test_off_unless_asked_for() -> None:
    with running_mock() as url:
        email = f"server_error@{TRIGGER_DOMAIN}"
        response = httpx.post(
            f"{url}/v1/customers",
            json={"email": email},
            auth=(url.api_keys[0], ""),
            timeout=TIMEOUT,
        )
    assert response.status_code == 200


def _scope(sent: Any) -> dict[str, Any]:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent.headers.items()]
    return {
        "method": sent.method,
        "headers": headers,
        "query_string": urlencode(sent.query).encode(),
    }


def test_none_fires_during_a_run_against_the_embedded_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's reference has triggers off; and even on, the suite's traffic hits none."""
    from lotuspay_contract.conformance import mock as mock_package
    from lotuspay_contract.conformance.cli._main import main

    recorder = Recorder()
    asked: list[dict[str, Any]] = []
    real = mock_package.running_mock

    def spying(**options: Any) -> AbstractContextManager[MockURL]:
        asked.append(options)
        return real(**{**options, "triggers": True, "recorder": recorder})

    monkeypatch.setattr(mock_package, "running_mock", spying)
    status = main(["run", "--tier", "smoke", "--seed", "5", "--max-duration", "120"])
    assert status == 0
    assert asked
    assert not any(options.get("triggers") for options in asked)
    sent = recorder.requests()
    assert len(sent) > 20
    hits = [s.describe() for s in sent if find_trigger(_scope(s), s.body) is not None]
    assert hits == []
