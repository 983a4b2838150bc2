"""The objects embedded in customers: bank accounts, mandates, subscriptions, child lists.

The ``draw_*`` functions are the shared builders: the public strategies here and ``customers()``
call them with the parent's id and mode, so embedded objects agree with their parent (same
``livemode``, ``customer`` set to the parent's id, list ``url`` naming the parent). Every
sub-strategy is built once, at import or through a cache, and only drawn from afterwards.
"""

from __future__ import annotations

import datetime
import functools
import string
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from . import _contract as contract
from ._check import check_optional_bool, check_size_bounds, named
from ._indian import BANKS, DIGITS, UPPER_ALNUM, bank_name
from ._realistic import fixed_strings, ifsc_codes, latin_names

__all__ = [
    "CREATED",
    "LIVEMODES",
    "bank_accounts",
    "draw_bank_account",
    "draw_child_list",
    "draw_mandate",
    "draw_subscription",
    "extra_properties",
    "ids",
    "mandates",
    "metadata_maps",
    "subscriptions",
]

#: Observed ids: a two-letter prefix and 12 upper-case letters or digits (CU0011AABBCC22).
OBSERVED_ID_LENGTH = 14
#: Embedded mandates per embedded bank account: kept small so customers stay fast to draw.
NESTED_MAX = 2

DrawFn = Callable[[st.SearchStrategy[Any]], Any]


@functools.cache
def ids(prefix: str, length: int = OBSERVED_ID_LENGTH) -> st.SearchStrategy[str]:
    """Ids of exactly ``length`` characters: ``prefix`` then upper-case letters and digits."""
    return fixed_strings(UPPER_ALNUM, length - len(prefix)).map(prefix.__add__)


_CREATED_STEPS = 2**32


def _created_at(step: int) -> int:
    # A fraction of the span up to now() (read at draw time, so pinned_clock applies): the same
    # seed gives the same documents on any day; it shrinks towards CREATED_MIN as before.
    return contract.CREATED_MIN + step * (contract.now() - contract.CREATED_MIN) // _CREATED_STEPS


CREATED = st.integers(0, _CREATED_STEPS).map(_created_at)
_BOOLS = st.booleans()
_PERCENT = st.integers(0, 99)

_KEY_ALPHABET = string.ascii_lowercase + DIGITS + "_"
# Metadata: keys a merchant would use, or slugs; values short, realistic, sometimes Indic.
_METADATA_KEYS = st.one_of(
    st.sampled_from(
        ("plan", "customer_ref", "order_id", "branch", "region", "city", "loan_id",
         "agent_code", "source", "campaign", "crm_id", "emi_day")
    ),
    st.text(alphabet=_KEY_ALPHABET, min_size=1, max_size=contract.METADATA_KEY_MAX),
)  # fmt: skip
_METADATA_VALUES = st.one_of(
    st.sampled_from(
        ("gold", "silver", "platinum", "Mumbai", "Bengaluru", "Chennai", "Kolkata", "मुंबई",
         "சென்னை", "true", "0", "", "LN-2024-00017", "web", "branch-walkin")
    ),
    st.text(alphabet=UPPER_ALNUM + string.ascii_lowercase + "-_ ", max_size=40),
)  # fmt: skip


def metadata_maps(*, min_size: int = 0, max_size: int = 10) -> st.SearchStrategy[dict[str, str]]:
    """Return a strategy for metadata: string keys (up to 40 characters) to string values.

    Values are at most 40 characters, within the 500-character limit. ``max_size`` above 50
    can give more keys than the ``metadata.limits`` rule allows (a MAY-level finding).

    Args:
        min_size: the fewest keys, 0 (the empty ``{}``) or more.
        max_size: the most keys.

    >>> metadata_maps(max_size=0).example()
    {}
    """
    check_size_bounds(min_size, max_size, lowest=0, highest=10_000)
    return _metadata_maps(min_size=min_size, max_size=max_size)


@functools.cache
def _metadata_dicts(min_size: int, max_size: int) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(_METADATA_KEYS, _METADATA_VALUES, min_size=min_size, max_size=max_size)


@st.composite
@named("metadata_maps")
def _metadata_maps(draw: st.DrawFn, *, min_size: int = 0, max_size: int = 10) -> dict[str, str]:
    result: dict[str, str] = draw(_metadata_dicts(min_size, max_size))
    return result


# Embedded mandates and subscriptions mostly carry no metadata; drawing less keeps customers fast.
# builds(dict), not just({}): a fresh dict each time, as callers (the invalid strategies) mutate.
SMALL_METADATA: st.SearchStrategy[dict[str, str]] = st.one_of(
    st.builds(dict), metadata_maps(max_size=3)
)

# Unknown properties LotusPay may add (versioning): plausible names, or x_ slugs, so they never
# collide with a documented attribute.
_EXTRA_KEYS = st.one_of(
    st.sampled_from(("address", "gstin", "preferred_language", "tags", "updated", "deleted")),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=12).map("x_".__add__),
)
_EXTRA_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**31), 2**31),
    st.text(max_size=20),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
)


@functools.cache
def extra_properties(min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Unknown extra properties, as a server running a newer API version may send."""
    return st.dictionaries(_EXTRA_KEYS, _EXTRA_VALUES, min_size=min_size, max_size=max_size)


@functools.cache
def _counts(min_size: int, max_size: int) -> st.SearchStrategy[int]:
    # Half the draws stay near min_size: most customers have one or two bank accounts.
    if min_size == max_size:
        return st.just(min_size)
    return st.one_of(
        st.integers(min_size, min(max_size, min_size + 2)), st.integers(min_size, max_size)
    )


_MORE = st.integers(1, 1_000)
_HIDDEN_COUNTS: dict[bool | None, st.SearchStrategy[int]] = {
    True: _MORE,
    False: st.just(0),
    None: st.one_of(st.just(0), _MORE),
}


def draw_child_list(
    draw: DrawFn,
    item: Callable[[], dict[str, Any]],
    *,
    url: str,
    min_size: int,
    max_size: int,
    hidden_items: bool | None,
    extras: bool = False,
) -> dict[str, Any]:
    """Draw a child list of ``item()`` objects; ``total_count`` is never below ``len(data)``.

    ``hidden_items``: True, some items are not embedded (``total_count > len(data)``); False,
    all are; None, either.
    """
    data = [item() for _ in range(draw(_counts(min_size, max_size)))]
    total_count = len(data) + draw(_HIDDEN_COUNTS[hidden_items])
    listing: dict[str, Any] = {
        "object": "list",
        "data": data,
        "total_count": total_count,
        "url": url,
    }
    if extras:
        listing["has_more"] = total_count > len(data)  # Stripe's list attribute
    return listing


_AMOUNTS = st.integers(100, 10_000_000)  # paisa: Rs 1 to Rs 1 lakh
_CATEGORY_CODES = st.sampled_from(
    ("U099", "A001", "B001", "C001", "D001", "E001", "I001", "I002", "L001", "L002", "M001", "U001")
)
_MANDATE_STATUSES = st.sampled_from(contract.MANDATE_STATUSES)
_MANDATE_VARIANTS = st.one_of(st.sampled_from(contract.MANDATE_VARIANTS), st.none())
_UMRN_DIGITS = fixed_strings(DIGITS, 16)
_BANK_CODES = st.sampled_from(tuple(BANKS))


def draw_mandate(draw: DrawFn, *, livemode: bool, extras: bool = False) -> dict[str, Any]:
    """Draw a mandate: one of the two amounts set (never both), UMRN once accepted."""
    status = draw(_MANDATE_STATUSES)
    amount = draw(_AMOUNTS)
    fixed = draw(_BOOLS)
    accepted = status in ("active", "cancelled", "expired")
    mandate: dict[str, Any] = {
        "id": draw(ids("MD")),
        "object": "mandate",
        "created": draw(CREATED),
        "livemode": livemode,
        "metadata": draw(SMALL_METADATA),
        "amount_collection": amount if fixed else None,
        "amount_maximum": None if fixed else amount,
        "category_code": draw(_CATEGORY_CODES),
        "variant": draw(_MANDATE_VARIANTS),
        "status": status,
        "umrn": f"{draw(_BANK_CODES)}{draw(_UMRN_DIGITS)}" if accepted else None,
    }
    if extras:
        mandate.update(draw(extra_properties(0, 2)))
    return mandate


_DATE_ORDINALS = st.integers(
    datetime.date(2015, 1, 1).toordinal(), datetime.date(2030, 12, 31).toordinal()
)
_INTERVALS = st.sampled_from(contract.SUBSCRIPTION_INTERVALS)
_DAYS = st.sampled_from(contract.DAYS_OF_MONTH)
_SUBSCRIPTION_STATUSES = st.sampled_from(contract.SUBSCRIPTION_STATUSES)
_SUBSCRIPTION_NAMES = st.sampled_from(
    (
        "Gold plan",
        "Monthly EMI",
        "SIP - Equity Fund",
        "Insurance premium",
        "School fees",
        "Broadband",
    )
)
_COUNTS = st.one_of(st.none(), st.integers(1, 360))


def draw_subscription(
    draw: DrawFn, *, livemode: bool, mandate: str | None = None, extras: bool = False
) -> dict[str, Any]:
    """Draw a subscription charging ``mandate`` (a fresh mandate id when None)."""
    start = datetime.date.fromordinal(draw(_DATE_ORDINALS))
    subscription: dict[str, Any] = {
        "id": draw(ids("SB")),
        "object": "subscription",
        "created": draw(CREATED),
        "livemode": livemode,
        "metadata": draw(SMALL_METADATA),
        "amount": draw(_AMOUNTS),
        "interval": draw(_INTERVALS),
        "interval_count": draw(st.integers(1, 12)),
        "count": draw(_COUNTS),
        "day_of_month": draw(_DAYS),
        "mandate": draw(ids("MD")) if mandate is None else mandate,
        "name": draw(_SUBSCRIPTION_NAMES),
        "start_date": start.isoformat(),
        "status": draw(_SUBSCRIPTION_STATUSES),
    }
    if extras:
        subscription.update(draw(extra_properties(0, 2)))
    return subscription


_IFSC = ifsc_codes()
_LAST4 = fixed_strings(DIGITS, 4)
_ACCOUNT_TYPES = st.sampled_from(contract.ACCOUNT_TYPES)
_BANK_ACCOUNT_STATUSES = st.sampled_from(contract.BANK_ACCOUNT_STATUSES)


def draw_bank_account(
    draw: DrawFn,
    *,
    livemode: bool,
    customer: str,
    min_mandates: int = 0,
    max_mandates: int = NESTED_MAX,
    hidden_items: bool | None = None,
    extras: bool = False,
) -> dict[str, Any]:
    """Draw a bank account of ``customer``; ``bank_name`` agrees with the IFSC's bank code."""
    account_id = draw(ids("BA"))
    ifsc = draw(_IFSC)
    account: dict[str, Any] = {
        "id": account_id,
        "object": "bank_account",
        "created": draw(CREATED),
        "livemode": livemode,
        "account_holder_name": draw(latin_names),
        "account_ifsc": ifsc,
        "account_last4": draw(_LAST4),
        "account_type": draw(_ACCOUNT_TYPES),
        "bank_name": bank_name(ifsc),
        "customer": customer,
        "mandates": draw_child_list(
            draw,
            lambda: draw_mandate(draw, livemode=livemode, extras=extras),
            url=f"/v1/bank_accounts/{account_id}/mandates",
            min_size=min_mandates,
            max_size=max_mandates,
            hidden_items=hidden_items,
            extras=extras,
        ),
        "status": draw(_BANK_ACCOUNT_STATUSES),
    }
    if extras:
        account.update(draw(extra_properties(0, 2)))
    return account


_CUSTOMER_IDS = ids("CU")
LIVEMODES: dict[bool | None, st.SearchStrategy[bool]] = {
    None: _BOOLS,
    True: st.just(True),
    False: st.just(False),
}


def bank_accounts(
    *, livemode: bool | None = None, min_mandates: int = 0, max_mandates: int = NESTED_MAX
) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for bank account objects, valid at both levels.

    Args:
        livemode: the mode of every object drawn; None for either.
        min_mandates: the fewest mandates embedded in the account's ``mandates`` list.
        max_mandates: the most (10 at most: only the 10 most recent are embedded).

    >>> bank_accounts(livemode=False).example()["object"]
    'bank_account'
    """
    check_optional_bool("livemode", livemode)
    check_size_bounds(
        min_mandates,
        max_mandates,
        lowest=0,
        highest=contract.MAX_EMBEDDED,
        names=("min_mandates", "max_mandates"),
    )
    return _bank_accounts(livemode=livemode, min_mandates=min_mandates, max_mandates=max_mandates)


@st.composite
@named("bank_accounts")
def _bank_accounts(
    draw: st.DrawFn,
    *,
    livemode: bool | None = None,
    min_mandates: int = 0,
    max_mandates: int = NESTED_MAX,
) -> dict[str, Any]:
    return draw_bank_account(
        draw,
        livemode=draw(LIVEMODES[livemode]),
        customer=draw(_CUSTOMER_IDS),
        min_mandates=min_mandates,
        max_mandates=max_mandates,
    )


def mandates(*, livemode: bool | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for mandate objects, valid at both levels.

    >>> mandates().example()["object"]
    'mandate'
    """
    check_optional_bool("livemode", livemode)
    return _mandates(livemode=livemode)


@st.composite
@named("mandates")
def _mandates(draw: st.DrawFn, *, livemode: bool | None = None) -> dict[str, Any]:
    return draw_mandate(draw, livemode=draw(LIVEMODES[livemode]))


def subscriptions(*, livemode: bool | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for subscription objects, valid at both levels.

    >>> subscriptions().example()["object"]
    'subscription'
    """
    check_optional_bool("livemode", livemode)
    return _subscriptions(livemode=livemode)


@st.composite
@named("subscriptions")
def _subscriptions(draw: st.DrawFn, *, livemode: bool | None = None) -> dict[str, Any]:
    return draw_subscription(draw, livemode=draw(LIVEMODES[livemode]))
