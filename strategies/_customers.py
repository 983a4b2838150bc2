"""Customer objects and the top-level customer list, with the contract's edge cases as options.

By default every customer passes both levels: ``conformance.validate(c)`` and
``conformance.validate(c, strict=True)`` return ``[]``. Two options produce documents that are
MUST-valid but carry strict-level findings, on purpose:

- ``id_prefix`` other than ``"CU"``: ``customer.id.prefix`` (SHOULD), a new prefix LotusPay may
  introduce (versioning);
- ``contact_fields="absent"``: ``customer.attributes`` (SHOULD), contact fields left out.

A ``metadata`` strategy with non-string values or over the limits brings ``metadata.values``
(SHOULD) or ``metadata.limits`` (MAY) findings as well; the default metadata does not.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from . import _contract as contract
from ._check import (
    check_bool,
    check_choice,
    check_int,
    check_optional_bool,
    check_optional_strategy,
    check_size_bounds,
    check_str,
    named,
)
from ._objects import (
    CREATED,
    LIVEMODES,
    OBSERVED_ID_LENGTH,
    draw_bank_account,
    draw_child_list,
    draw_mandate,
    draw_subscription,
    extra_properties,
    ids,
    metadata_maps,
)
from ._realistic import emails, indian_names, mobile_numbers, pan_numbers, phone_numbers

__all__ = ["customer_lists", "customers"]

ContactFields = Literal["realistic", "null", "absent"]
_CONTACT_MODES: tuple[ContactFields, ...] = ("realistic", "null", "absent")

_DEFAULT_METADATA = metadata_maps(max_size=5)
_DEFAULT_EMAILS = emails()
_DESCRIPTIONS = st.sampled_from(
    ("Retail customer", "Loan account LN-2024-00017", "Walk-in, Andheri branch", "SIP investor",
     "खुदरा ग्राहक", "VIP")
)  # fmt: skip
# Per contact field: how to draw a value, and the percentage of customers where it is null.
_CONTACTS: dict[str, tuple[st.SearchStrategy[str], int]] = {
    "description": (_DESCRIPTIONS, 50),
    "email": (_DEFAULT_EMAILS, 20),
    "identification": (pan_numbers(), 40),
    "mobile": (mobile_numbers(), 15),
    "name": (indian_names(), 5),
    "phone": (phone_numbers, 70),
}
_PERCENT = st.integers(0, 99)
_EXTRAS = extra_properties()
_FIELD_INDEX = st.integers(0, len(contract.CONTACT_FIELDS) - 1)


def customers(
    *,
    livemode: bool | None = None,
    id_prefix: str = "CU",
    id_length: int = OBSERVED_ID_LENGTH,
    min_embedded: int = 0,
    max_embedded: int = contract.MAX_EMBEDDED,
    with_bank_accounts: bool | None = None,
    with_mandates: bool | None = None,
    with_subscriptions: bool | None = None,
    hidden_items: bool | None = None,
    contact_fields: ContactFields = "realistic",
    email: st.SearchStrategy[str] | None = None,
    metadata: st.SearchStrategy[dict[str, Any]] | None = None,
    extra_properties: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for customer objects, valid at both levels unless an option says not.

    Embedded objects share the customer's ``livemode``, bank accounts name it as ``customer``,
    and list urls are ``/v1/customers/<id>/bank_accounts`` etc.; ``created`` is Unix seconds
    from 2015-01-01 to now.

    Args:
        livemode: the mode of every object drawn; None for either.
        id_prefix: the id prefix; one that does not start with "CU" is a SHOULD finding
            (customer.id.prefix). The rest of the id is random upper-case letters and digits,
            so with ``""`` or ``"C"`` an id starts with CU now and then.
        id_length: the id's length with its prefix, 1-255 (observed: 14).
        min_embedded: the fewest items in each of ``bank_accounts``, ``mandates``,
            ``subscriptions`` (bank accounts embed 0-2 mandates of their own).
        max_embedded: the most, 10 at most (only the 10 most recent are embedded).
        with_bank_accounts: True, at least one bank account; False, none; None, either.
            ``with_mandates`` and ``with_subscriptions`` likewise.
        hidden_items: True, every ``total_count`` exceeds ``len(data)`` (more items exist than
            are embedded); False, equals it; None, either.
        contact_fields: "realistic" (values, some null), "null" (all six null) or "absent"
            (at least one left out: a SHOULD finding, customer.attributes).
        email: the emails to use, e.g. ``emails(min_size=512)``; only with "realistic".
        metadata: the metadata to use, e.g. ``metadata_maps(max_size=0)`` for ``{}``; default
            ``metadata_maps(max_size=5)``.
        extra_properties: add unknown properties, as a newer API version may (allowed).

    >>> customer = customers(livemode=True, with_bank_accounts=True).example()
    >>> customer["livemode"], customer["bank_accounts"]["data"][0]["customer"] == customer["id"]
    (True, True)
    """
    check_optional_bool("livemode", livemode)
    check_str("id_prefix", id_prefix, max_size=contract.ID_MAX)
    check_int("id_length", id_length, min_value=max(1, len(id_prefix)), max_value=contract.ID_MAX)
    check_size_bounds(
        min_embedded,
        max_embedded,
        lowest=0,
        highest=contract.MAX_EMBEDDED,
        names=("min_embedded", "max_embedded"),
    )
    for name, value in (
        ("with_bank_accounts", with_bank_accounts),
        ("with_mandates", with_mandates),
        ("with_subscriptions", with_subscriptions),
    ):
        check_optional_bool(name, value)
        _embedded_bounds(name, value, min_embedded, max_embedded)
    check_optional_bool("hidden_items", hidden_items)
    check_choice("contact_fields", contact_fields, _CONTACT_MODES)
    check_optional_strategy("email", email)
    if email is not None and contact_fields != "realistic":
        raise InvalidArgument(
            f"email={email!r} cannot be used with contact_fields={contact_fields!r}: "
            "that mode decides every contact field; use contact_fields='realistic'"
        )
    check_optional_strategy("metadata", metadata)
    check_bool("extra_properties", extra_properties)
    return _customers(
        livemode=livemode,
        id_prefix=id_prefix,
        id_length=id_length,
        min_embedded=min_embedded,
        max_embedded=max_embedded,
        with_bank_accounts=with_bank_accounts,
        with_mandates=with_mandates,
        with_subscriptions=with_subscriptions,
        hidden_items=hidden_items,
        contact_fields=contact_fields,
        email=email,
        metadata=metadata,
        extra_properties=extra_properties,
    )


def _embedded_bounds(name: str, value: bool | None, low: int, high: int) -> tuple[int, int]:
    """Return the size bounds of one child list; raise if ``value`` contradicts them."""
    if value is None:
        return low, high
    if value:
        if high < 1:
            raise InvalidArgument(
                f"Cannot have {name}=True with max_embedded={high!r}: no room for an item"
            )
        return max(1, low), high
    if low > 0:
        raise InvalidArgument(
            f"Cannot have {name}=False with min_embedded={low!r}: the list must be empty"
        )
    return 0, 0


@st.composite
@named("customers")
def _customers(
    draw: st.DrawFn,
    *,
    livemode: bool | None = None,
    id_prefix: str = "CU",
    id_length: int = OBSERVED_ID_LENGTH,
    min_embedded: int = 0,
    max_embedded: int = contract.MAX_EMBEDDED,
    with_bank_accounts: bool | None = None,
    with_mandates: bool | None = None,
    with_subscriptions: bool | None = None,
    hidden_items: bool | None = None,
    contact_fields: ContactFields = "realistic",
    email: st.SearchStrategy[str] | None = None,
    metadata: st.SearchStrategy[dict[str, Any]] | None = None,
    extra_properties: bool = False,
) -> dict[str, Any]:
    mode: bool = draw(LIVEMODES[livemode])
    customer_id: str = draw(ids(id_prefix, id_length))
    customer: dict[str, Any] = {
        "id": customer_id,
        "object": "customer",
        "created": draw(CREATED),
        "livemode": mode,
        "metadata": draw(_DEFAULT_METADATA if metadata is None else metadata),
    }
    customer.update(_draw_contacts(draw, contact_fields, email))
    base = f"/v1/customers/{customer_id}"

    def lists(attribute: str, choice: bool | None) -> tuple[int, int]:
        return _embedded_bounds(attribute, choice, min_embedded, max_embedded)

    low, high = lists("with_bank_accounts", with_bank_accounts)
    customer["bank_accounts"] = draw_child_list(
        draw,
        lambda: draw_bank_account(
            draw,
            livemode=mode,
            customer=customer_id,
            hidden_items=hidden_items,
            extras=extra_properties,
        ),
        url=f"{base}/bank_accounts",
        min_size=low,
        max_size=high,
        hidden_items=hidden_items,
        extras=extra_properties,
    )
    low, high = lists("with_mandates", with_mandates)
    customer["mandates"] = draw_child_list(
        draw,
        lambda: draw_mandate(draw, livemode=mode, extras=extra_properties),
        url=f"{base}/mandates",
        min_size=low,
        max_size=high,
        hidden_items=hidden_items,
        extras=extra_properties,
    )
    # A subscription charges one of the customer's mandates when it has any.
    mandate_ids = [m["id"] for m in customer["mandates"]["data"]]
    charged = st.sampled_from(mandate_ids) if mandate_ids else None
    low, high = lists("with_subscriptions", with_subscriptions)
    customer["subscriptions"] = draw_child_list(
        draw,
        lambda: draw_subscription(
            draw,
            livemode=mode,
            mandate=None if charged is None else draw(charged),
            extras=extra_properties,
        ),
        url=f"{base}/subscriptions",
        min_size=low,
        max_size=high,
        hidden_items=hidden_items,
        extras=extra_properties,
    )
    if extra_properties:
        customer.update(draw(_EXTRAS))
    return customer


def _draw_contacts(
    draw: st.DrawFn, mode: ContactFields, email: st.SearchStrategy[str] | None
) -> dict[str, Any]:
    if mode == "null":
        return dict.fromkeys(contract.CONTACT_FIELDS)
    contacts: dict[str, Any] = {}
    for field in contract.CONTACT_FIELDS:
        values, null_percent = _CONTACTS[field]
        if field == "email" and email is not None:
            values, null_percent = email, 0
        contacts[field] = None if draw(_PERCENT) < null_percent else draw(values)
    if mode == "absent":
        absent = [field for field in contract.CONTACT_FIELDS if draw(st.booleans())]
        if not absent:
            absent = [contract.CONTACT_FIELDS[draw(_FIELD_INDEX)]]
        for field in absent:
            del contacts[field]
    return contacts


def customer_lists(
    *, min_size: int = 0, max_size: int = contract.LIST_MAX, livemode: bool | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for ``GET /v1/customers`` answers: pages of customers, newest first.

    ``object``, ``total_count`` (never below ``len(data)``) and ``url`` (``/v1/customers``) are
    present, so pages pass both levels. Customers embed at most 2 items per list, and all share
    one ``livemode``, as the key used decides the mode.

    Args:
        min_size: the fewest customers on the page.
        max_size: the most, 100 at most (the largest ``limit``).
        livemode: the mode of the page; None for either.

    >>> customer_lists(max_size=0).example()["data"]
    []
    """
    check_size_bounds(min_size, max_size, lowest=0, highest=contract.LIST_MAX)
    check_optional_bool("livemode", livemode)
    return _customer_lists(min_size=min_size, max_size=max_size, livemode=livemode)


@functools.cache
def _pages(min_size: int, max_size: int, livemode: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        customers(livemode=livemode, max_embedded=2),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda customer: str(customer["id"]),
    )


_LIST_EXTRA = st.one_of(st.just(0), st.integers(1, 100_000))


@st.composite
@named("customer_lists")
def _customer_lists(
    draw: st.DrawFn,
    *,
    min_size: int = 0,
    max_size: int = contract.LIST_MAX,
    livemode: bool | None = None,
) -> dict[str, Any]:
    page: list[dict[str, Any]] = draw(_pages(min_size, max_size, draw(LIVEMODES[livemode])))
    page.sort(key=lambda customer: -int(customer["created"]))  # newest first
    return {
        "object": "list",
        "data": page,
        "total_count": len(page) + draw(_LIST_EXTRA),
        "url": "/v1/customers",
    }
