"""How another repository tests its own LotusPay client code with lotuspay-contract.

Copy next to your tests and ``pip install lotuspay-contract``. The ``lotuspay_mock`` fixture (a
real stateful mock server on 127.0.0.1, started once per session) comes from the pytest plugin the
package installs; the strategies generate realistic Indian customers; the validator checks what
your code receives. Run it with ``pytest examples/test_other_repo.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotuspay_contract.conformance import validate
from lotuspay_contract.strategies import customer_create_params, invalid_customer_create_params

# --- "your" code: a small client for the Customers API ------------------------------------------


class LotusPayError(Exception):
    """The API refused a request; ``param`` names the parameter at fault, if any."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", f"HTTP {status}"))
        self.status = status
        self.type = error.get("type")
        self.param = error.get("param")


class CustomersClient:
    def __init__(self, base_url: str, key: str) -> None:
        self._http = httpx.Client(base_url=base_url, auth=(key, ""), timeout=10.0)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._http.request(method, path, **kwargs)
        body: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise LotusPayError(response.status_code, body.get("error", body))
        return body

    def create_customer(self, params: Any) -> dict[str, Any]:
        # Serialized here, not with json=: httpx sends no body at all for json=None.
        body = json.dumps(params, ensure_ascii=False).encode()
        return self._call(
            "POST", "/v1/customers", content=body, headers={"Content-Type": "application/json"}
        )

    def retrieve_customer(self, customer_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v1/customers/{customer_id}")

    def close(self) -> None:
        self._http.close()


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def client(lotuspay_mock: str) -> Iterator[CustomersClient]:
    customers = CustomersClient(lotuspay_mock, lotuspay_mock.api_keys[0])  # a key it issued
    yield customers
    customers.close()  # its connections, not left to the garbage collector


# A session fixture shared across examples on purpose: the mock keeps state, as the real API does.
relaxed = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@relaxed
@given(params=customer_create_params())
def test_created_customers_come_back_as_sent(
    client: CustomersClient, params: dict[str, Any]
) -> None:
    created = client.create_customer(params)
    assert validate(created, "customer", strict=True) == []
    for name, value in params.items():
        assert created[name] == value
    assert client.retrieve_customer(created["id"]) == created


@relaxed
@given(case=invalid_customer_create_params())
def test_refusals_name_the_parameter(client: CustomersClient, case: Any) -> None:
    with pytest.raises(LotusPayError) as refused:
        client.create_customer(case.document)
    assert refused.value.status == 400
    assert refused.value.type in {"invalid_request_error", "validation_error"}
    if isinstance(case.document, dict):  # a bad value: the error says which parameter
        assert refused.value.param


@relaxed
@given(name=st.sampled_from(["आशा वर्मा", "முருகன்", "অমিত দাস", "Zoë D'Souza"]))
def test_indic_names_survive_a_round_trip(client: CustomersClient, name: str) -> None:
    assert client.retrieve_customer(client.create_customer({"name": name})["id"])["name"] == name
