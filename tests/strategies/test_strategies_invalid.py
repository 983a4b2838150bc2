"""Each invalid document breaks exactly its labelled rule, at its labelled level."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategy_helpers import PER_CASE, PROFILE, findings

from lotuspay_contract.strategies import (
    InvalidDocument,
    invalid_bank_account_create_params,
    invalid_customer_create_params,
    invalid_customers,
)
from lotuspay_contract.strategies._invalid import CUSTOMER_BREACHES
from lotuspay_contract.strategies._invalid_requests import (
    BANK_ACCOUNT_CREATE_BREACHES,
    CUSTOMER_CREATE_BREACHES,
)

_QUIET = settings(max_examples=30, database=None, suppress_health_check=list(HealthCheck))
_KINDS = ("customer", "bank_account", "mandate", "subscription")
# The rules the generators promise to break, with their levels: written out here so that a
# rule dropped from a generator's table fails a test.
CUSTOMER_RULES: dict[str, str] = {
    **{f"{kind}.{rule}": "MUST" for kind in _KINDS for rule in ("object", "id", "created")},
    **{f"{kind}.livemode": "MUST" for kind in _KINDS},
    "customer.shape": "MUST",
    "customer.metadata": "MUST",
    "customer.email": "MUST",
    "customer.description": "MUST",
    "customer.identification": "MUST",
    "customer.mobile": "MUST",
    "customer.name": "MUST",
    "customer.phone": "MUST",
    "customer.bank_accounts": "MUST",
    "customer.mandates": "MUST",
    "customer.subscriptions": "MUST",
    "child_list.shape": "MUST",
    "child_list.object": "MUST",
    "child_list.data": "MUST",
    "child_list.total_count": "MUST",
    "child_list.url": "MUST",
    "bank_account.shape": "MUST",
    "bank_account.account_ifsc": "MUST",
    "bank_account.account_last4": "MUST",
    "bank_account.account_type": "MUST",
    "bank_account.status": "MUST",
    "bank_account.customer": "MUST",
    "bank_account.account_holder_name": "MUST",
    "bank_account.bank_name": "MUST",
    "mandate.shape": "MUST",
    "mandate.metadata": "MUST",
    "mandate.amount": "MUST",
    "mandate.category_code": "MUST",
    "mandate.variant": "MUST",
    "mandate.status": "MUST",
    "mandate.umrn": "MUST",
    "subscription.shape": "MUST",
    "subscription.metadata": "MUST",
    "subscription.amount": "MUST",
    "subscription.interval": "MUST",
    "subscription.interval_count": "MUST",
    "subscription.count": "MUST",
    "subscription.day_of_month": "MUST",
    "subscription.mandate": "MUST",
    "subscription.name": "MUST",
    "subscription.start_date": "MUST",
    "subscription.status": "MUST",
    "customer.id.prefix": "SHOULD",
    "customer.child_cap": "SHOULD",
    "bank_account.account_ifsc.format": "SHOULD",
    "customer.attributes": "SHOULD",
    "metadata.values": "SHOULD",
    "metadata.limits": "MAY",
    "child_list.attributes": "SHOULD",
    "bank_account.attributes": "SHOULD",
    "bank_account.id.prefix": "SHOULD",
    "bank_account.account_number.masked": "SHOULD",
    "mandate.id.prefix": "SHOULD",
}
CUSTOMER_CREATE_RULES: dict[str, str] = {
    "customer_create.shape": "MUST",
    "customer_create.name": "MUST",
    "customer_create.email": "MUST",
    "customer_create.identification": "MUST",
    "customer_create.mobile": "MUST",
    "customer_create.phone": "MUST",
    "customer_create.metadata": "MUST",
    "metadata.values": "SHOULD",
    "customer_create.unknown_parameter": "SHOULD",
    "metadata.limits": "MAY",
}
BANK_ACCOUNT_CREATE_RULES: dict[str, str] = {
    "bank_account_create.shape": "MUST",
    "bank_account_create.account_holder_name": "MUST",
    "bank_account_create.account_ifsc": "MUST",
    "bank_account_create.account_number": "MUST",
    "bank_account_create.account_type": "MUST",
    "bank_account_create.unknown_parameter": "SHOULD",
    "bank_account_create.account_ifsc.format": "SHOULD",
    "bank_account_create.account_holder_name.nonempty": "MAY",
}

GENERATORS = {
    "customer": (invalid_customers, CUSTOMER_RULES, CUSTOMER_BREACHES),
    "customer_create": (
        invalid_customer_create_params,
        CUSTOMER_CREATE_RULES,
        CUSTOMER_CREATE_BREACHES,
    ),
    "bank_account_create": (
        invalid_bank_account_create_params,
        BANK_ACCOUNT_CREATE_RULES,
        BANK_ACCOUNT_CREATE_BREACHES,
    ),
}
CASES = [
    (schema, rule, level)
    for schema, (_, rules, _) in GENERATORS.items()
    for rule, level in rules.items()
]


def _assert_exactly_labelled(case: InvalidDocument, schema: str) -> None:
    strict = case.level != "MUST"
    assert findings(case.document, schema, strict=strict) == {(case.rule, case.level)}, case


@pytest.mark.parametrize("schema", sorted(GENERATORS))
def test_tables_cover_exactly_the_promised_rules(schema: str) -> None:
    _, rules, table = GENERATORS[schema]
    assert {b.rule: b.level for b in table} == rules


@pytest.mark.parametrize(("schema", "rule", "level"), CASES)
@PER_CASE
@given(data=st.data())
def test_each_rule_is_broken_alone(schema: str, rule: str, level: str, data: st.DataObject) -> None:
    generator = GENERATORS[schema][0]
    case = data.draw(generator(strict=level != "MUST", rules=[rule]), label="case")
    assert (case.rule, case.level) == (rule, level)
    _assert_exactly_labelled(case, schema)


@pytest.mark.parametrize("schema", sorted(GENERATORS))
@pytest.mark.parametrize("strict", [False, True])
@PROFILE
@given(data=st.data())
def test_mixed_breaches_are_labelled_and_of_the_asked_levels(
    schema: str, strict: bool, data: st.DataObject
) -> None:
    generator, rules, _ = GENERATORS[schema]
    chosen = [r for r in rules if strict or rules[r] == "MUST"]
    case = data.draw(generator(strict=strict, rules=chosen), label="case")
    assert strict or case.level == "MUST"
    _assert_exactly_labelled(case, schema)


@PROFILE
@given(invalid_customers())
def test_default_invalid_customers_are_must_breaches(case: InvalidDocument) -> None:
    assert case.level == "MUST"
    assert case.rule in CUSTOMER_RULES
    assert any(rule == case.rule for rule, _ in findings(case.document, "customer", strict=False))


def test_invalid_document_unpacks_like_a_labelled_pair() -> None:
    document, rule, level = InvalidDocument({"id": 3}, "customer.id")
    assert (document, rule, level) == ({"id": 3}, "customer.id", "MUST")


def test_breaking_documents_never_alters_later_valid_ones() -> None:
    """Breaches mutate the drawn document: no shared value may leak into later draws."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    from lotuspay_contract.strategies import customers

    for rule in ("metadata.values", "metadata.limits", "child_list.attributes"):
        with pytest.raises(NoSuchExample):
            find(invalid_customers(strict=True, rules=[rule]), lambda _: False, settings=_QUIET)
    clean = find(customers(min_embedded=3), lambda c: True, settings=_QUIET)
    assert findings(clean, "customer", strict=True) == set()
