"""``invalid_customers()``: customers that break exactly one rule, labelled with it.

Each breach starts from a customer valid at both levels and changes one thing: the customer
itself, one of its child lists (``bank_accounts``, ``mandates``, ``subscriptions``, or the
``mandates`` list inside an embedded bank account), or one embedded object. Semantic rules
(``<kind>.created`` in milliseconds or the future, ``child_list.total_count`` below
``len(data)``) are MUST rules like the others and carry the same ids as their schema rules.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from hypothesis import strategies as st

from . import _contract as contract
from ._breaches import (
    BAD_IFSC,
    BAD_IFSC_FORMAT,
    MAY,
    METADATA_KEYS,
    NON_ARRAYS,
    NON_BOOLEANS,
    NON_INTEGERS,
    NON_OBJECTS,
    NON_STRINGS,
    SHOULD,
    Breach,
    InvalidDocument,
    Mutate,
    bad_enum,
    breach_choices,
    drop,
    metadata_over_limits,
    select_breaches,
    set_to,
)
from ._check import named
from ._customers import customers
from ._indian import DIGITS, UPPER_ALNUM
from ._realistic import emails
from ._slots import (
    Change,
    on_customer,
    on_filled_list,
    on_item,
    on_list,
    on_named_list,
    replace_item,
    replace_list,
)

__all__ = ["CUSTOMER_BREACHES", "invalid_customers"]

_DAY = 86_400


def _shift_created(milliseconds: bool) -> Change:
    def change(draw: st.DrawFn, obj: dict[str, Any]) -> None:
        if milliseconds:
            obj["created"] = obj["created"] * 1000 + draw(st.integers(0, 999))
        else:  # seconds, but more than one day of clock skew in the future
            obj["created"] = contract.now() + draw(st.integers(2 * _DAY, 3650 * _DAY))

    return change


def _set_many(**values: st.SearchStrategy[Any]) -> Change:
    def change(draw: st.DrawFn, obj: dict[str, Any]) -> None:
        for key, strategy in values.items():
            obj[key] = draw(strategy)

    return change


def _too_many_items(draw: st.DrawFn, listing: dict[str, Any]) -> None:
    data = listing["data"]
    if not data:
        return  # an empty list is filled by the caller's slot before this runs
    size = draw(st.integers(contract.MAX_EMBEDDED + 1, contract.MAX_EMBEDDED + 5))
    listing["data"] = [data[i % len(data)] for i in range(size)]  # duplicates are allowed
    listing["total_count"] = max(listing["total_count"], size)


def _count_below_data(draw: st.DrawFn, listing: dict[str, Any]) -> None:
    listing["total_count"] = draw(st.integers(0, len(listing["data"]) - 1))


def _negative_count(draw: st.DrawFn, listing: dict[str, Any]) -> None:
    listing["data"] = []  # so only the schema's minimum is broken, not the semantic rule
    listing["total_count"] = draw(st.integers(-1_000, -1))


_NULLABLE_NON_STRINGS = st.one_of(st.none(), NON_STRINGS)
_LONG_IDS = st.text(
    alphabet=UPPER_ALNUM, min_size=contract.ID_MAX - 1, max_size=contract.ID_MAX + 40
)
_BAD_IDS = st.one_of(st.just(""), _NULLABLE_NON_STRINGS, _LONG_IDS.map(lambda s: "CU" + s))
_BEFORE_2015 = st.integers(-(2**31), contract.CREATED_MIN - 1)
_OBJECT_NAMES = ("customer", "bank_account", "mandate", "subscription", "list")


def _wrong_const(right: str) -> st.SearchStrategy[Any]:
    wrong = [name for name in _OBJECT_NAMES if name != right]
    return st.one_of(
        st.sampled_from([*wrong, right.upper(), right + "s", ""]), st.none(), st.integers(0, 9)
    )


def _object_breaches(kind: str, wrap: Callable[[Change], Mutate]) -> list[Breach]:
    """Breaches every embedded-or-not object shares: object, id, created, livemode."""
    return [
        Breach(f"{kind}.object", wrap(set_to("object", _wrong_const(kind)))),
        Breach(f"{kind}.id", wrap(set_to("id", _BAD_IDS))),
        Breach(f"{kind}.id", wrap(drop("id"))),
        Breach(f"{kind}.created", wrap(_shift_created(milliseconds=True))),
        Breach(f"{kind}.created", wrap(_shift_created(milliseconds=False))),
        Breach(f"{kind}.created", wrap(set_to("created", st.one_of(_BEFORE_2015, NON_INTEGERS)))),
        Breach(f"{kind}.livemode", wrap(set_to("livemode", NON_BOOLEANS))),
    ]


def _customer_breaches() -> list[Breach]:
    customer = on_customer
    table = [
        Breach("customer.shape", lambda draw, doc: draw(st.one_of(NON_OBJECTS, st.just([doc])))),
        *_object_breaches("customer", customer),
        *[
            Breach(f"customer.{key}", customer(drop(key)))
            for key in ("created", "livemode", "metadata", "bank_accounts", "mandates")
        ],
        Breach("customer.subscriptions", customer(drop("subscriptions"))),
        # null metadata breaks only metadata.values [conv] (the strict overlay), not this rule.
        Breach(
            "customer.metadata",
            customer(set_to("metadata", NON_OBJECTS.filter(lambda v: v is not None))),
        ),
        Breach("customer.email", customer(set_to("email", emails(min_size=513, max_size=600)))),
        *[
            Breach(f"customer.{field}", customer(set_to(field, NON_STRINGS)))
            for field in contract.CONTACT_FIELDS
        ],
    ]
    return table


_BAD_LAST4 = st.one_of(
    st.text(alphabet=DIGITS, max_size=3), st.text(alphabet=DIGITS, min_size=5, max_size=8)
)
_BAD_CATEGORY_CODES = st.one_of(
    st.text(alphabet=UPPER_ALNUM, max_size=3),
    st.text(alphabet=UPPER_ALNUM, min_size=5, max_size=8),
    NON_STRINGS,
)
_BAD_DATES = st.one_of(
    st.sampled_from(("05/01/2024", "2024-1-5", "20240105", "2024-01-05T00:00:00Z", "", "Jan 5")),
    NON_STRINGS,
)


def _list_breaches() -> list[Breach]:
    return [
        Breach("child_list.shape", replace_list(NON_OBJECTS)),
        Breach("child_list.object", on_list(set_to("object", _wrong_const("list")))),
        Breach("child_list.object", on_list(drop("object"))),
        Breach("child_list.data", on_list(set_to("data", NON_ARRAYS))),
        Breach("child_list.data", on_list(drop("data"))),
        # Only the 10 most recent bank accounts are embedded [doc]; mandates and subscriptions
        # take the same cap by convention (a strict breach below).
        Breach("customer.bank_accounts", on_named_list("bank_accounts", _too_many_items)),
        Breach("child_list.total_count", on_filled_list(_count_below_data)),
        Breach("child_list.total_count", on_list(_negative_count)),
        Breach("child_list.total_count", on_list(set_to("total_count", NON_INTEGERS))),
        Breach("child_list.url", on_list(set_to("url", _NULLABLE_NON_STRINGS))),
    ]


def _embedded_breaches() -> list[Breach]:
    def account(change: Change) -> Mutate:
        return on_item("bank_account", change)

    def mandate(change: Change) -> Mutate:
        return on_item("mandate", change)

    def subscription(change: Change) -> Mutate:
        return on_item("subscription", change)

    amounts = st.integers(0, 10_000_000)
    negative = st.integers(-10_000_000, -1)
    return [
        Breach("bank_account.shape", replace_item("bank_account", NON_OBJECTS)),
        *_object_breaches("bank_account", account),
        Breach("bank_account.account_ifsc", account(set_to("account_ifsc", BAD_IFSC))),
        Breach("bank_account.account_last4", account(set_to("account_last4", _BAD_LAST4))),
        Breach(
            "bank_account.account_type",
            account(set_to("account_type", bad_enum(contract.ACCOUNT_TYPES))),
        ),
        Breach(
            "bank_account.status",
            account(set_to("status", bad_enum(contract.BANK_ACCOUNT_STATUSES))),
        ),
        Breach("bank_account.customer", account(set_to("customer", _BAD_IDS))),
        Breach(
            "bank_account.account_holder_name", account(set_to("account_holder_name", NON_STRINGS))
        ),
        Breach("bank_account.bank_name", account(set_to("bank_name", NON_STRINGS))),
        Breach("mandate.shape", replace_item("mandate", NON_OBJECTS)),
        *_object_breaches("mandate", mandate),
        Breach("mandate.metadata", mandate(set_to("metadata", NON_OBJECTS))),
        Breach(
            "mandate.amount", mandate(_set_many(amount_collection=amounts, amount_maximum=amounts))
        ),
        Breach(
            "mandate.amount", mandate(set_to("amount_maximum", st.one_of(negative, NON_INTEGERS)))
        ),
        Breach(
            "mandate.category_code",
            mandate(set_to("category_code", _BAD_CATEGORY_CODES)),
        ),
        Breach("mandate.variant", mandate(set_to("variant", bad_enum(contract.MANDATE_VARIANTS)))),
        Breach(
            "mandate.status",
            mandate(set_to("status", st.one_of(st.none(), bad_enum(contract.MANDATE_STATUSES)))),
        ),
        Breach("mandate.umrn", mandate(set_to("umrn", NON_STRINGS))),
        Breach("subscription.shape", replace_item("subscription", NON_OBJECTS)),
        *_object_breaches("subscription", subscription),
        Breach("subscription.metadata", subscription(set_to("metadata", NON_OBJECTS))),
        Breach(
            "subscription.amount", subscription(set_to("amount", st.one_of(negative, NON_INTEGERS)))
        ),
        Breach(
            "subscription.interval",
            subscription(set_to("interval", bad_enum(contract.SUBSCRIPTION_INTERVALS))),
        ),
        Breach(
            "subscription.interval_count",
            subscription(set_to("interval_count", st.integers(-100, 0))),
        ),
        Breach(
            "subscription.count", subscription(set_to("count", st.one_of(negative, NON_INTEGERS)))
        ),
        Breach(
            "subscription.day_of_month",
            subscription(
                set_to(
                    "day_of_month", st.one_of(st.integers(29, 40), st.integers(-40, -2), st.just(0))
                )
            ),
        ),
        Breach("subscription.mandate", subscription(set_to("mandate", NON_STRINGS))),
        Breach("subscription.name", subscription(set_to("name", NON_STRINGS))),
        Breach("subscription.start_date", subscription(set_to("start_date", _BAD_DATES))),
        Breach(
            "subscription.status",
            subscription(set_to("status", bad_enum(contract.SUBSCRIPTION_STATUSES))),
        ),
    ]


def _other_prefix(right: str) -> st.SearchStrategy[str]:
    prefixes = st.sampled_from(("cus_", "C", "XX", "cu", right.lower(), "ID"))
    body = st.text(alphabet=UPPER_ALNUM, min_size=12, max_size=12)
    return st.tuples(prefixes, body).map("".join).filter(lambda i: not i.startswith(right))


_METADATA_NON_STRINGS = st.one_of(st.none(), NON_STRINGS)


def _metadata_value(draw: st.DrawFn, obj: dict[str, Any]) -> None:
    obj["metadata"][draw(METADATA_KEYS)] = draw(_METADATA_NON_STRINGS)


_ACCOUNT_ATTRIBUTES = (
    "created", "livemode", "account_holder_name", "account_ifsc", "account_last4",
    "account_type", "bank_name", "customer", "mandates", "status",
)  # fmt: skip


def _strict_breaches() -> list[Breach]:
    def drop_one(keys: tuple[str, ...]) -> Change:
        def change(draw: st.DrawFn, obj: dict[str, Any]) -> None:
            obj.pop(draw(st.sampled_from(keys)), None)

        return change

    return [
        Breach("customer.id.prefix", on_customer(set_to("id", _other_prefix("CU"))), SHOULD),
        Breach("customer.child_cap", on_named_list("mandates", _too_many_items), SHOULD),
        Breach("customer.child_cap", on_named_list("subscriptions", _too_many_items), SHOULD),
        Breach(
            "bank_account.account_ifsc.format",
            on_item("bank_account", set_to("account_ifsc", BAD_IFSC_FORMAT)),
            SHOULD,
        ),
        Breach("customer.attributes", on_customer(drop_one(contract.CONTACT_FIELDS)), SHOULD),
        Breach("metadata.values", on_customer(_metadata_value), SHOULD),
        Breach("metadata.values", on_item("mandate", _metadata_value), SHOULD),
        Breach("metadata.values", on_item("subscription", _metadata_value), SHOULD),
        Breach("metadata.limits", on_customer(metadata_over_limits), MAY),
        Breach("child_list.attributes", on_list(drop_one(("total_count", "url"))), SHOULD),
        Breach(
            "bank_account.attributes",
            on_item("bank_account", drop_one(_ACCOUNT_ATTRIBUTES)),
            SHOULD,
        ),
        Breach(
            "bank_account.id.prefix",
            on_item("bank_account", set_to("id", _other_prefix("BA"))),
            SHOULD,
        ),
        Breach(
            "bank_account.account_number.masked",
            on_item(
                "bank_account",
                set_to("account_number", st.text(alphabet=DIGITS, min_size=9, max_size=18)),
            ),
            SHOULD,
        ),
        Breach("mandate.id.prefix", on_item("mandate", set_to("id", _other_prefix("MD"))), SHOULD),
    ]


#: Every customer breach: MUST ones, then the strict-level (SHOULD and MAY) ones.
CUSTOMER_BREACHES: tuple[Breach, ...] = (
    *_customer_breaches(),
    *_list_breaches(),
    *_embedded_breaches(),
    *_strict_breaches(),
)
_VALID_BASE = customers(max_embedded=2)


def invalid_customers(
    *, strict: bool = False, rules: Collection[str] | None = None
) -> st.SearchStrategy[InvalidDocument]:
    """Return a strategy for customers that break exactly one rule, labelled with it.

    Each example is an ``InvalidDocument(document, rule, level)``: ``validate(document)``
    reports ``rule`` and no other (for a SHOULD or MAY breach, ``validate(document,
    strict=True)`` does). Rules are the schema's ``x-rule`` ids and the semantic rules
    ``<kind>.created`` and ``child_list.total_count``.

    Args:
        strict: False, MUST breaches only; True, also the strict-level (SHOULD and MAY) ones.
        rules: only these rule ids; None for all of the level.

    >>> invalid_customers(rules=["customer.email"]).example().rule
    'customer.email'
    """
    select_breaches(CUSTOMER_BREACHES, strict=strict, rules=rules)  # checks the arguments
    return _invalid_customers(strict=strict, rules=None if rules is None else tuple(rules))


@st.composite
@named("invalid_customers")
def _invalid_customers(
    draw: st.DrawFn, *, strict: bool = False, rules: tuple[str, ...] | None = None
) -> InvalidDocument:
    breach: Breach = draw(breach_choices(CUSTOMER_BREACHES, strict, rules))
    document = breach.mutate(draw, draw(_VALID_BASE))
    return InvalidDocument(document, breach.rule, breach.level)
