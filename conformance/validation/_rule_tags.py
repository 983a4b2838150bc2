"""The contract's rules and their tags, as data (what ``docs/contract.md`` states), and the one
mapping from tags to a level: [doc] MUST, [conv] SHOULD, [ours] MAY, the weakest tag winning.

Here, in the lowest room that judges, so that a run (the suite's ``level_of``) and
``validate --har`` give a rule the same level; a test keeps the table in sync with the document.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._violation import Level

__all__ = ["CONTRACT_PATH", "RULE_TAGS", "level_of_tags"]

#: Where the contract lives, relative to the repository root: the one home of that path, for
#: rule links in reports, the check catalogue and the README.
CONTRACT_PATH = "docs/contract.md"

_LEVEL_BY_TAG = {"doc": Level.MUST, "conv": Level.SHOULD, "ours": Level.MAY}
_RANK = (Level.MUST, Level.SHOULD, Level.MAY)


def level_of_tags(tags: Iterable[str]) -> Level:
    """Return the level of a rule with ``tags``: the weakest of them (a MUST rests on [doc] alone).

    >>> level_of_tags(["doc", "conv"]).value
    'SHOULD'
    """
    levels = {_LEVEL_BY_TAG[tag] for tag in tags}
    if not levels:
        raise ValueError("a rule needs at least one tag")
    return max(levels, key=_RANK.index)


#: Rule id -> its tags, as ``docs/contract.md`` states them (a test keeps the two in sync:
#: regenerate with ``parse_contract(Path("docs/contract.md").read_text())``).
RULE_TAGS: dict[str, tuple[str, ...]] = {
    "transport.auth": ("doc",),
    "transport.key_prefix": ("doc",),
    "transport.accounts": ("doc",),
    "transport.modes": ("doc",),
    "transport.encodings": ("doc",),
    "transport.json": ("doc",),
    "transport.idempotency": ("doc",),
    "transport.versioning": ("doc",),
    "transport.rate_limit": ("doc", "conv"),
    "client.limits": ("ours",),
    "customer.shape": ("doc",),
    "customer.attributes": ("conv",),
    "customer.id": ("doc",),
    "customer.id.prefix": ("conv",),
    "customer.object": ("doc",),
    "customer.created": ("doc",),
    "customer.livemode": ("doc",),
    "customer.metadata": ("doc",),
    "metadata.values": ("conv",),
    "metadata.limits": ("ours",),
    "customer.description": ("doc",),
    "customer.email": ("doc",),
    "customer.identification": ("doc",),
    "customer.mobile": ("doc",),
    "customer.name": ("doc",),
    "customer.phone": ("doc",),
    "customer.bank_accounts": ("doc",),
    "customer.mandates": ("doc",),
    "customer.subscriptions": ("doc",),
    "child_list.shape": ("doc",),
    "child_list.attributes": ("conv",),
    "child_list.object": ("doc",),
    "child_list.data": ("doc",),
    "child_list.total_count": ("doc",),
    "child_list.total_count.all": ("conv",),
    "child_list.url": ("doc",),
    "child_list.url.path": ("conv",),
    "customer_list.shape": ("doc",),
    "customer_list.data": ("doc",),
    "customer_list.attributes": ("conv",),
    "customer_list.object": ("conv",),
    "customer_list.total_count": ("conv",),
    "customer_list.url": ("conv",),
    "bank_account_list.shape": ("doc",),
    "bank_account_list.data": ("doc",),
    "bank_account_list.attributes": ("conv",),
    "bank_account_list.object": ("conv",),
    "bank_account_list.total_count": ("conv",),
    "bank_account_list.url": ("conv",),
    "endpoints.create_customer": ("doc",),
    "endpoints.status_200": ("conv",),
    "customer_create.shape": ("doc",),
    "customer_create.name": ("doc",),
    "customer_create.email": ("doc",),
    "customer_create.mobile": ("doc",),
    "customer_create.phone": ("doc",),
    "customer_create.metadata": ("doc",),
    "customer_create.identification": ("doc",),
    "customer_create.pan": ("ours",),
    "customer_create.unknown_parameter": ("conv",),
    "endpoints.retrieve_customer": ("doc",),
    "list.order": ("doc",),
    "list.limit": ("doc",),
    "list.default_limit": ("doc",),
    "list.limit_range": ("conv",),
    "list.page": ("doc",),
    "list.page_base": ("ours",),
    "list.past_end": ("doc",),
    "list.email_filter": ("doc",),
    "list.email_no_match": ("doc",),
    "endpoints.create_bank_account": ("doc",),
    "endpoints.retrieve_bank_account": ("doc",),
    "endpoints.list_bank_accounts": ("doc",),
    "endpoints.undocumented_methods": ("doc",),
    "bank_account_create.shape": ("doc",),
    "bank_account_create.account_holder_name": ("doc",),
    "bank_account_create.account_holder_name.nonempty": ("ours",),
    "bank_account_create.account_ifsc": ("doc",),
    "bank_account_create.account_ifsc.format": ("conv",),
    "bank_account.account_ifsc.format": ("conv",),
    "customer.child_cap": ("conv",),
    "bank_account_create.account_number": ("doc",),
    "bank_account_create.account_type": ("doc",),
    "bank_account_create.unknown_parameter": ("conv",),
    "request.limits": ("doc",),
    "request.param": ("conv",),
    "request.boundaries": ("doc",),
    "request.valid_accepted": ("doc",),
    "request.stored": ("conv",),
    "request.metadata_unset": ("conv",),
    "request.unknown_parameter": ("conv",),
    "request.wrong_type": ("conv",),
    "request.malformed_json": ("doc",),
    "request.non_object": ("doc",),
    "request.oversized": ("conv",),
    "bank_account.shape": ("doc",),
    "bank_account.attributes": ("conv",),
    "bank_account.id": ("doc",),
    "bank_account.id.prefix": ("conv",),
    "bank_account.object": ("doc",),
    "bank_account.created": ("doc",),
    "bank_account.livemode": ("doc",),
    "bank_account.account_holder_name": ("doc",),
    "bank_account.account_ifsc": ("doc",),
    "bank_account.account_last4": ("doc",),
    "bank_account.account_number.masked": ("conv",),
    "bank_account.account_type": ("doc",),
    "bank_account.bank_name": ("doc",),
    "bank_account.customer": ("doc",),
    "bank_account.mandates": ("doc",),
    "bank_account.status": ("doc",),
    "mandate.shape": ("doc",),
    "mandate.attributes": ("conv",),
    "mandate.id": ("doc",),
    "mandate.id.prefix": ("conv",),
    "mandate.object": ("doc",),
    "mandate.created": ("doc",),
    "mandate.livemode": ("doc",),
    "mandate.metadata": ("doc",),
    "mandate.amount": ("doc",),
    "mandate.category_code": ("doc",),
    "mandate.variant": ("doc",),
    "mandate.status": ("doc",),
    "mandate.umrn": ("doc",),
    "subscription.shape": ("doc",),
    "subscription.attributes": ("conv",),
    "subscription.id": ("doc",),
    "subscription.object": ("doc",),
    "subscription.created": ("doc",),
    "subscription.livemode": ("doc",),
    "subscription.metadata": ("doc",),
    "subscription.amount": ("doc",),
    "subscription.interval": ("doc",),
    "subscription.interval_count": ("doc",),
    "subscription.count": ("doc",),
    "subscription.day_of_month": ("doc",),
    "subscription.mandate": ("doc",),
    "subscription.name": ("doc",),
    "subscription.start_date": ("doc",),
    "subscription.status": ("doc",),
    "errors.statuses": ("doc",),
    "errors.other_4xx": ("conv",),
    "errors.no_5xx": ("doc",),
    "errors.not_found": ("doc",),
    "errors.not_found_arbitrary": ("ours",),
    "errors.not_acceptable": ("doc",),
    "errors.type_by_status": ("conv",),
    "error.shape": ("doc",),
    "error.envelope": ("conv",),
    "error.type": ("doc",),
    "error.message": ("conv",),
    "error.code": ("doc",),
    "error.doc_url": ("doc",),
    "error.param": ("doc",),
}
