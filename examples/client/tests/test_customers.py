"""The example client's own tests: under every legal variation and every transient failure,
its error paths through the mock's triggers, and every request it sends judged (strict)."""

from __future__ import annotations

import uuid

import pytest
from lotuspay_client import LotusPayClient, LotusPayError

from lotuspay_contract.conformance.mock import TRIGGER_DOMAIN, TRIGGER_METADATA_KEY
from lotuspay_contract.conformance.plugin import ClientMock

# Every request these tests send must keep the request contract.
pytestmark = pytest.mark.lotuspay_client_strict

BANK = {
    "account_holder_name": "Asha Verma",
    "account_ifsc": "HDFC0000123",
    "account_number": "50100012345678",
    "account_type": "savings",
}


def _email() -> str:
    return f"asha.{uuid.uuid4().hex[:8]}@example.in"


@pytest.mark.lotuspay_variations("legal", "transient")
def test_create_then_retrieve(client: LotusPayClient) -> None:
    created = client.create_customer(name="आशा वर्मा", email=_email(), metadata={"plan": "gold"})
    found = client.retrieve_customer(created.id)
    assert found == created
    assert found.metadata == {"plan": "gold"}


@pytest.mark.lotuspay_variations("legal", "transient")
def test_a_create_is_written_once(client: LotusPayClient) -> None:
    email = _email()
    client.create_customer(name="Asha", email=email)
    assert [c.email for c in client.customers_by_email(email)] == [email]


@pytest.mark.lotuspay_variations("legal", "transient")
def test_bank_account(client: LotusPayClient) -> None:
    customer = client.create_customer(name="Asha", email=_email())
    account = client.create_bank_account(customer.id, **BANK)
    assert account.account_last4 == "5678"


def test_a_bad_param_names_it(client: LotusPayClient) -> None:
    with pytest.raises(LotusPayError) as refused:
        client.create_customer(email=f"invalid_param@{TRIGGER_DOMAIN}")
    assert (refused.value.status, refused.value.param) == (400, "email")


def test_a_refused_key_is_not_retried(client: LotusPayClient, lotuspay_mock: ClientMock) -> None:
    with pytest.raises(LotusPayError) as refused:
        client.create_customer(name="A", metadata={TRIGGER_METADATA_KEY: "unauthorized"})
    assert refused.value.type == "authentication_error"
    assert len(lotuspay_mock.requests) == 1


def test_a_missing_customer(client: LotusPayClient) -> None:
    assert client.customers_by_email(f"not_found@{TRIGGER_DOMAIN}") == []


def test_one_server_error_is_retried_under_the_same_key(
    client: LotusPayClient, lotuspay_mock: ClientMock
) -> None:
    email = f"server_error+once@{TRIGGER_DOMAIN}"
    assert client.create_customer(name="A", email=email).email == email
    first, retry = lotuspay_mock.requests
    assert (first.status, retry.status) == (500, 200)
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]


def test_a_lasting_rate_limit_gives_up(client: LotusPayClient, lotuspay_mock: ClientMock) -> None:
    slept: list[float] = []
    client._sleep = slept.append  # no real waiting: the waits asked for are recorded
    with pytest.raises(LotusPayError) as refused:
        client.create_customer(email=f"rate_limited@{TRIGGER_DOMAIN}")
    assert refused.value.status == 429
    assert slept == [1.0] * (client.max_attempts - 1)  # Retry-After: 1, honoured


def test_a_timeout_raises(lotuspay_mock: ClientMock) -> None:
    import httpx

    quick = LotusPayClient(lotuspay_mock, lotuspay_mock.api_keys[0], timeout=0.5)
    with pytest.raises(httpx.ReadTimeout):
        quick.create_customer(email=f"timeout@{TRIGGER_DOMAIN}")
    quick.close()
