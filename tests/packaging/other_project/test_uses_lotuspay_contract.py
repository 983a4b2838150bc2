"""A project with its own schemas.py, strategies.py and conformance.py uses lotuspay-contract.

Run by tests/packaging (from a built wheel in a fresh venv) and by the nox matrix: the toolkit's
one import name must not collide with the project's own top-level modules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hypothesis import given, settings

import conformance
import lotuspay_contract
import schemas
import strategies
from lotuspay_contract import schemas as contract_schemas
from lotuspay_contract import validate
from lotuspay_contract.strategies import customers


def test_own_modules_are_the_projects() -> None:
    assert schemas.NAMES == "the other project's schemas"
    assert strategies.NAMES == "the other project's strategies"
    assert conformance.NAMES == "the other project's conformance"


def test_the_toolkit_is_one_import_name() -> None:
    assert "lotuspay_contract" in sys.modules
    assert Path(lotuspay_contract.__file__).parent.name == "lotuspay_contract"
    assert validate({}, "customer"), "an empty document is not a customer"


def test_schemas_are_package_data_by_name() -> None:
    document = json.loads(contract_schemas.path("customer").read_text(encoding="utf-8"))
    assert document["title"]
    assert contract_schemas.openapi_path().is_file()


@settings(max_examples=10, deadline=None)
@given(customers())
def test_strategies_generate_valid_customers(customer: dict) -> None:
    assert validate(customer, "customer") == []


def test_plugin_fixtures_serve_the_mock(lotuspay_client) -> None:
    created = lotuspay_client.request("POST", "/v1/customers", json_body={"name": "Asha Rao"})
    assert 200 <= created.status < 300
    assert validate(created.json(), "customer") == []
    fetched = lotuspay_client.request("GET", f"/v1/customers/{created.json()['id']}")
    assert fetched.json()["name"] == "Asha Rao"
