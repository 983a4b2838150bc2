"""Our validator (jsonschema-rs) agrees with pure-Python jsonschema on generated documents.

Only schema rules are compared: the semantic rules (``<kind>.created`` in the future,
``child_list.total_count`` reported by code) are not JSON Schema, so violations whose
``schema_pointer`` starts with ``semantic:`` are left out of the comparison.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from strategy_helpers import PROFILE

from lotuspay_contract import conformance, schemas
from lotuspay_contract.strategies import (
    bank_account_create_params,
    bank_accounts,
    customer_create_params,
    customer_lists,
    customers,
    errors,
    invalid_bank_account_create_params,
    invalid_customer_create_params,
    invalid_customers,
)


@functools.cache
def _registry() -> Registry[Any]:
    resources = [
        (uri, Resource.from_contents(schema, default_specification=DRAFT202012))
        for uri, schema in schemas.resources_for_registry()
    ]
    return Registry().with_resources(resources)


@functools.cache
def _reference(name: str, strict: bool) -> Draft202012Validator:
    return Draft202012Validator(schemas.load(name, strict=strict), registry=_registry())


def _schema_violations(document: Any, name: str, strict: bool) -> list[conformance.Violation]:
    return [
        v
        for v in conformance.validate(document, name, strict=strict)
        if not v.schema_pointer.startswith("semantic:")
    ]


def _documents(invalid: st.SearchStrategy[Any], valid: st.SearchStrategy[Any]) -> Any:
    return st.one_of(valid, invalid.map(lambda case: case.document))


CASES: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("customer", _documents(invalid_customers(strict=True), customers(max_embedded=3))),
    (
        "customer_create",
        _documents(invalid_customer_create_params(strict=True), customer_create_params()),
    ),
    (
        "bank_account_create",
        _documents(invalid_bank_account_create_params(strict=True), bank_account_create_params()),
    ),
    ("customer_list", customer_lists(max_size=3)),
    ("bank_account", bank_accounts()),
    ("error", st.one_of(errors(), errors(envelope=False))),
]


@pytest.mark.parametrize(("name", "documents"), CASES, ids=[name for name, _ in CASES])
@PROFILE
@given(data=st.data())
def test_validator_agrees_with_pure_python_jsonschema(
    name: str, documents: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    document = data.draw(documents, label="document")
    for strict in (False, True):
        ours = _schema_violations(document, name, strict)
        reference = _reference(name, strict)
        assert reference.is_valid(document) == (not ours), (strict, ours)


def test_reference_validator_rejects_what_it_should() -> None:
    """The comparison is only worth something if the reference sees errors at all."""
    assert not _reference("customer", False).is_valid({"id": ""})
    assert not _reference("customer", True).is_valid(
        schemas.load("customer")["examples"][0] | {"id": "XX1"}
    )
