"""The store's text rendering: answers assembled from stored JSON text stay valid JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotuspay_contract.conformance import validate
from lotuspay_contract.conformance.mock._render import render_customer, render_new_customer
from lotuspay_contract.conformance.mock._store import Store, list_text


@pytest.mark.parametrize(
    "url",
    ["/v1/customers", "/v1/customers/CU0011AABBCC22/bank_accounts", '/v1/a"b\\c', "/v1/\u0000é"],
)
def test_list_text_is_json_whatever_the_url(url: str) -> None:
    rendered = json.loads(list_text(url, [b'{"id":"x"}'], 3))
    assert rendered == {"object": "list", "data": [{"id": "x"}], "total_count": 3, "url": url}


def test_rendered_customers_and_pages_validate_strictly() -> None:
    store = Store()
    answer = store.create_customer(
        "acct", False, {"name": 'Zoë "Z" D\'Souza', "metadata": {"शहर": "पुणे"}}
    )
    assert answer == store.get_customer("acct", json.loads(answer)["id"])  # created as retrieved
    created = json.loads(answer)
    bank_answer = store.create_bank_account(
        "acct",
        created["id"],
        {
            "object": "bank_account",
            "livemode": False,
            "account_holder_name": "Zoë",
            "account_ifsc": "HDFC0001234",
            "account_last4": "6789",
            "account_type": "savings",
            "bank_name": "HDFC Bank",
            "status": "enabled",
        },
    )
    bank_id = json.loads(bank_answer)["id"]
    assert bank_answer == store.get_bank_account("acct", created["id"], bank_id)
    customer = json.loads(store.get_customer("acct", created["id"]))
    assert validate(customer, "customer", strict=True) == []
    assert customer["bank_accounts"]["total_count"] == 1
    items, total = store.list_customers("acct", limit=10, page=1, email=None)
    page = json.loads(list_text("/v1/customers", items, total))
    assert validate(page, "customer_list", strict=True) == []
    assert page["data"] == [customer]


@given(
    doc=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=4),
    customer_id=st.from_regex(r"CU[A-Z0-9]{12}", fullmatch=True),
)
def test_a_new_customer_renders_as_one_without_child_items(
    doc: dict[str, str], customer_id: str
) -> None:
    text = json.dumps(doc, ensure_ascii=False).encode()
    assert render_new_customer(text, customer_id) == render_customer(text, customer_id, [], 0)
