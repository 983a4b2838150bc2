"""Every valid strategy's output conforms at both levels; edge-case options do what they say."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategy_helpers import PROFILE, findings, parse_form

from lotuspay_contract import conformance
from lotuspay_contract.strategies import (
    bank_account_create_params,
    bank_accounts,
    customer_create_params,
    customer_lists,
    customers,
    emails,
    errors,
    mandates,
    metadata_maps,
    subscriptions,
)

CREATED_MIN = 1_420_070_400  # 2015-01-01T00:00:00Z
CHILD_LISTS = ("bank_accounts", "mandates", "subscriptions")

VALID: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("customer", customers()),
    ("customer", customers(livemode=True, with_bank_accounts=True, with_mandates=True)),
    ("customer", customers(livemode=False, with_subscriptions=True)),
    ("customer", customers(min_embedded=10, hidden_items=True)),
    ("customer", customers(max_embedded=0, hidden_items=False)),
    ("customer", customers(contact_fields="null")),
    ("customer", customers(email=emails(min_size=512))),
    ("customer", customers(metadata=st.just({}))),
    ("customer", customers(metadata=metadata_maps(min_size=50, max_size=50))),
    ("customer", customers(id_length=255)),
    ("customer", customers(extra_properties=True)),
    ("customer_list", customer_lists(max_size=5)),
    ("customer_list", customer_lists(min_size=1, max_size=3, livemode=True)),
    ("bank_account", bank_accounts()),
    ("bank_account", bank_accounts(min_mandates=1, max_mandates=10)),
    ("mandate", mandates()),
    ("subscription", subscriptions(livemode=True)),
    ("error", errors()),
    ("error", errors(status=400)),
    ("customer_create", customer_create_params()),
    ("customer_create", customer_create_params(email=emails(min_size=512))),
    ("bank_account_create", bank_account_create_params()),
]


@pytest.mark.parametrize(("schema", "strategy"), VALID, ids=lambda v: repr(v))
@PROFILE
@given(data=st.data())
def test_valid_output_conforms_at_both_levels(
    schema: str, strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    document = data.draw(strategy)
    assert conformance.validate(document, schema) == []
    assert conformance.validate(document, schema, strict=True) == []


# Options documented to give a MUST-valid document with strict-level findings, and which.
FLAGGED: list[tuple[str, st.SearchStrategy[Any], str]] = [
    ("customer", customers(id_prefix="cus_"), "customer.id.prefix"),
    ("customer", customers(id_prefix="X", id_length=255), "customer.id.prefix"),
    ("customer", customers(contact_fields="absent"), "customer.attributes"),
    ("error", errors(envelope=False), "error.envelope"),
]


@pytest.mark.parametrize(("schema", "strategy", "rule"), FLAGGED, ids=lambda v: repr(v))
@PROFILE
@given(data=st.data())
def test_edge_options_give_only_their_documented_strict_finding(
    schema: str, strategy: st.SearchStrategy[Any], rule: str, data: st.DataObject
) -> None:
    document = data.draw(strategy)
    assert conformance.validate(document, schema) == []
    assert findings(document, schema, strict=True) == {(rule, "SHOULD")}


def _check_child_list(listing: dict[str, Any], url: str) -> None:
    assert listing["object"] == "list"
    assert listing["url"] == url
    assert 0 <= len(listing["data"]) <= 10
    assert listing["total_count"] >= len(listing["data"])


@PROFILE
@given(customers())
def test_customers_hang_together(customer: dict[str, Any]) -> None:
    assert CREATED_MIN <= customer["created"] <= time.time()
    assert len(customer["id"]) == 14
    assert customer["id"][:2] == "CU"
    for attribute in CHILD_LISTS:
        listing = customer[attribute]
        _check_child_list(listing, f"/v1/customers/{customer['id']}/{attribute}")
        for item in listing["data"]:
            assert item["livemode"] is customer["livemode"]
            assert CREATED_MIN <= item["created"] <= time.time()
    for account in customer["bank_accounts"]["data"]:
        assert account["customer"] == customer["id"]
        _check_child_list(account["mandates"], f"/v1/bank_accounts/{account['id']}/mandates")
    mandate_ids = {m["id"] for m in customer["mandates"]["data"]}
    for subscription in customer["subscriptions"]["data"]:
        assert not mandate_ids or subscription["mandate"] in mandate_ids
    for mandate in customer["mandates"]["data"]:
        assert (mandate["amount_collection"] is None) != (mandate["amount_maximum"] is None)


@PROFILE
@given(customers(min_embedded=10, hidden_items=True))
def test_full_child_lists_have_hidden_items(customer: dict[str, Any]) -> None:
    for attribute in CHILD_LISTS:
        assert len(customer[attribute]["data"]) == 10
        assert customer[attribute]["total_count"] > 10


@PROFILE
@given(
    customers(
        livemode=False,
        with_bank_accounts=True,
        with_mandates=False,
        with_subscriptions=False,
        hidden_items=False,
    )
)
def test_with_options_fill_or_empty_each_list(customer: dict[str, Any]) -> None:
    assert customer["livemode"] is False
    assert customer["bank_accounts"]["data"]
    assert customer["mandates"]["data"] == []
    assert customer["subscriptions"]["data"] == []
    for attribute in CHILD_LISTS:
        assert customer[attribute]["total_count"] == len(customer[attribute]["data"])


@PROFILE
@given(customers(id_prefix="CU", id_length=255, email=emails(min_size=512)))
def test_longest_id_and_email(customer: dict[str, Any]) -> None:
    assert len(customer["id"]) == 255
    assert customer["id"].startswith("CU")
    assert len(customer["email"]) == 512


@PROFILE
@given(customers(contact_fields="null"))
def test_null_contact_fields(customer: dict[str, Any]) -> None:
    for field in ("description", "email", "identification", "mobile", "name", "phone"):
        assert customer[field] is None


@PROFILE
@given(customers(contact_fields="absent"))
def test_absent_contact_fields(customer: dict[str, Any]) -> None:
    contact = {"description", "email", "identification", "mobile", "name", "phone"}
    assert contact - customer.keys()


@PROFILE
@given(customers(extra_properties=True))
def test_extra_properties_are_unknown_ones(customer: dict[str, Any]) -> None:
    documented = {
        "id", "object", "created", "livemode", "metadata", "description", "email",
        "identification", "mobile", "name", "phone", *CHILD_LISTS,
    }  # fmt: skip
    assert customer.keys() - documented


@PROFILE
@given(customer_lists(min_size=2, max_size=6))
def test_customer_lists_are_newest_first_and_unique(page: dict[str, Any]) -> None:
    data = page["data"]
    assert 2 <= len(data) <= 6
    assert [c["created"] for c in data] == sorted((c["created"] for c in data), reverse=True)
    assert len({c["id"] for c in data}) == len(data)
    assert len({c["livemode"] for c in data}) == 1
    assert page["total_count"] >= len(data)
    assert page["url"] == "/v1/customers"


STATUS_TYPES = {
    400: {"invalid_request_error", "validation_error"},
    401: {"authentication_error"},
    402: {"invalid_request_error"},
    404: {"invalid_request_error"},
    405: {"invalid_request_error"},
    406: {"invalid_request_error"},
    429: {"rate_limit_error"},
    500: {"api_error"},
    503: {"api_error"},
}


@pytest.mark.parametrize("status", sorted(STATUS_TYPES))
@PROFILE
@given(data=st.data())
def test_error_type_fits_the_status(status: int, data: st.DataObject) -> None:
    enveloped = data.draw(errors(status=status))
    assert enveloped["error"]["type"] in STATUS_TYPES[status]
    flat = data.draw(errors(status=status, envelope=False))
    assert flat["type"] in STATUS_TYPES[status]


@PROFILE
@given(customer_create_params(encoding="form", metadata=metadata_maps(min_size=1)))
def test_form_params_are_string_pairs_that_parse_to_valid_params(
    pairs: list[tuple[str, str]],
) -> None:
    params = parse_form(pairs)
    assert conformance.validate(params, "customer_create", strict=True) == []
    for key, _ in pairs:
        assert key in {"name", "email", "identification", "mobile", "phone"} or (
            key.startswith("metadata[") and key.endswith("]")
        )


@PROFILE
@given(bank_account_create_params(encoding="form"))
def test_form_bank_account_params_parse_to_valid_params(pairs: list[tuple[str, str]]) -> None:
    params = parse_form(pairs)
    assert len(pairs) == 4
    assert conformance.validate(params, "bank_account_create", strict=True) == []


def test_form_parser_rejects_a_bad_pair() -> None:
    """The helper the form tests rely on must be able to fail."""
    with pytest.raises(AssertionError):
        parse_form([("metadata[plan", "gold")])
