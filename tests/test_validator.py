"""The validator: violations carry rule, level, pointers, expected and actual; it never crashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from lotuspay_contract import schemas
from lotuspay_contract.conformance import Level, Violation, validate

EXAMPLE = schemas.load("customer")["examples"][0]
NOW = 1_750_000_000


def customer(**changes: Any) -> dict[str, Any]:
    return {**json.loads(json.dumps(EXAMPLE)), **changes}


def test_a_valid_customer_has_no_violations() -> None:
    assert validate(customer()) == []
    assert validate(customer(), strict=True) == []


def test_violation_fields_for_a_long_email() -> None:
    email = "a" * 501 + "@example.com"
    [violation] = validate(customer(email=email))
    assert violation.rule == "customer.email"
    assert violation.level is Level.MUST
    assert violation.pointer == "/email"
    assert violation.schema_pointer == "customer.json#/properties/email/maxLength"
    assert violation.expected == 512
    assert violation.actual == email
    # The 513-character value is cut in the message; the explanation stays whole.
    assert violation.message == '"' + "a" * 78 + "…" + " is longer than 512 characters"


def test_violation_fields_for_a_missing_property() -> None:
    document = customer()
    del document["livemode"]
    assert validate(document) == [
        Violation(
            rule="customer.livemode",
            level=Level.MUST,
            pointer="/livemode",
            schema_pointer="customer.json#/required",
            message='"livemode" is a required property',
            expected="present",
            actual="absent",
        )
    ]


def test_violation_fields_for_a_wrong_constant_deep_inside() -> None:
    document = customer(
        bank_accounts={"object": "lists", "data": [], "total_count": 0, "url": "/x"}
    )
    [violation] = validate(document)
    assert (violation.rule, violation.pointer) == ("child_list.object", "/bank_accounts/object")
    assert violation.schema_pointer == "child_list.json#/properties/object/const"
    assert (violation.expected, violation.actual) == ("list", "lists")
    assert violation.message == '"list" was expected'


def test_unknown_properties_at_strict_level_name_each_property() -> None:
    found = validate({"name": "A", "nick": "B", "x/y": 1}, "customer_create", strict=True)
    assert sorted((v.pointer, v.rule, v.level) for v in found) == [
        ("/nick", "customer_create.unknown_parameter", Level.SHOULD),
        ("/x~1y", "customer_create.unknown_parameter", Level.SHOULD),
    ]
    assert {v.message for v in found} == {
        '"nick" is not an allowed property',
        '"x/y" is not an allowed property',
    }


def test_created_in_milliseconds_is_a_semantic_must_violation() -> None:
    [violation] = validate(customer(created=NOW * 1000), now=NOW)
    assert violation.rule == "customer.created"
    assert violation.level is Level.MUST
    assert violation.schema_pointer == "semantic:customer.created"
    assert violation.expected == f"<= {NOW + 86_400}"
    assert violation.actual == NOW * 1000


def test_created_allows_one_day_of_clock_skew() -> None:
    assert validate(customer(created=NOW + 86_400), now=NOW) == []
    assert [v.rule for v in validate(customer(created=NOW + 86_401), now=NOW)] == [
        "customer.created"
    ]


def test_default_level_reports_only_must_rules() -> None:
    document = customer(id="cus_123", metadata={"n": 1})
    del document["email"]
    assert validate(document) == []
    strict = validate(document, strict=True)
    assert {(v.rule, v.level) for v in strict} == {
        ("customer.id.prefix", Level.SHOULD),
        ("metadata.values", Level.SHOULD),
        ("customer.attributes", Level.SHOULD),
    }


def test_may_rules_are_labelled_may() -> None:
    [violation] = validate(customer(metadata={"k" * 41: "v"}), strict=True)
    assert (violation.rule, violation.level) == ("metadata.limits", Level.MAY)


def test_unknown_schema_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown schema 'nope'"):
        validate({}, "nope")


def test_violation_renders_as_one_line_and_as_data() -> None:
    [violation] = validate(customer(object="cust"))
    assert str(violation) == '/object: customer.object (MUST) "customer" was expected'
    assert violation.to_dict() == {
        "rule": "customer.object",
        "level": "MUST",
        "pointer": "/object",
        "schema_pointer": "customer.json#/properties/object/const",
        "message": '"customer" was expected',
        "expected": "customer",
        "actual": "cust",
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(
    [
        "id",
        "object",
        "created",
        "livemode",
        "metadata",
        "email",
        "data",
        "total_count",
        "bank_accounts",
        "mandates",
        "error",
        "type",
        "account_ifsc",
        "status",
        "amount_collection",
        "amount_maximum",
    ]
)
hostile_documents = st.recursive(
    json_values,
    lambda children: (
        st.dictionaries(field_names, children, max_size=6) | st.lists(children, max_size=3)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(document=hostile_documents, schema=st.sampled_from(schemas.NAMES), strict=st.booleans())
def test_validate_never_raises_and_always_names_a_rule(
    document: Any, schema: str, strict: bool
) -> None:
    for violation in validate(document, schema, strict=strict):
        assert violation.rule != "schema"
        assert violation.level in Level
        assert violation.pointer == "" or violation.pointer.startswith("/")


def _reference(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (uri, Resource.from_contents(doc)) for uri, doc in schemas.resources_for_registry()
    )
    return Draft202012Validator(schemas.load(name), registry=registry)


REFERENCES = {name: _reference(name) for name in schemas.NAMES}


@settings(max_examples=300, deadline=None)
@given(document=hostile_documents, schema=st.sampled_from(schemas.NAMES))
def test_schema_verdict_agrees_with_pure_python_jsonschema(document: Any, schema: str) -> None:
    ours = [v for v in validate(document, schema) if not v.schema_pointer.startswith("semantic:")]
    assert (ours == []) == REFERENCES[schema].is_valid(document)


def test_corpus_verdicts_agree_with_pure_python_jsonschema() -> None:
    for path in sorted((Path(__file__).parent / "corpus").glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            for case in group["tests"]:
                ours = [
                    v
                    for v in validate(case["data"], group["schema"])
                    if not v.schema_pointer.startswith("semantic:")
                ]
                assert (ours == []) == REFERENCES[group["schema"]].is_valid(case["data"]), case[
                    "description"
                ]


def test_deeply_nested_document_is_reported_not_crashed() -> None:
    nested: Any = "x"
    for _ in range(2000):
        nested = {"metadata": nested}
    found = validate(customer(metadata=nested), strict=True)
    assert [v.rule for v in found] == ["document.depth"]


@pytest.mark.parametrize(("items", "total_count"), [(1, 0), (3, 1), (10, 9)])
def test_total_count_below_len_data_is_one_violation(items: int, total_count: int) -> None:
    listing = {"object": "list", "data": [{}] * items, "total_count": total_count, "url": "/x"}
    [violation] = validate(listing, "child_list")
    assert (violation.rule, violation.pointer) == ("child_list.total_count", "/total_count")
    assert violation.schema_pointer == "semantic:child_list.total_count"
    assert violation.message == f"total_count {total_count} is below the {items} items in data"
    assert (violation.expected, violation.actual) == (f">= {items}", total_count)


@pytest.mark.parametrize("items", [0, 1, 5, 10])
def test_total_count_equal_or_above_len_data_is_valid(items: int) -> None:
    for total_count in (items, items + 40):
        listing = {"object": "list", "data": [{}] * items, "total_count": total_count, "url": "/x"}
        assert validate(listing, "child_list") == []


def test_created_exactly_at_the_bound_passes_whatever_the_hour() -> None:
    """The compiled bound is per hour; the exact bound is per second (see _semantics)."""
    for now in (3600 * 480_000, 3600 * 480_000 + 1, 3600 * 480_000 + 3599):
        assert validate(customer(created=now + 86_400), now=now) == []
        assert [v.rule for v in validate(customer(created=now + 86_401), now=now)] == [
            "customer.created"
        ]
