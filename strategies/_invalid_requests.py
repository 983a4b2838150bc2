"""Request parameters that break exactly one rule of ``customer_create``/``bank_account_create``.

The documents are the JSON shape (a dict, or a non-object for the ``.shape`` rules): the form
shape cannot carry most type errors, and a server parses both into this shape before checking.
An unknown parameter (``*.unknown_parameter``, SHOULD), a metadata value that is not a string
(``metadata.values``, SHOULD) and metadata over the limits (``metadata.limits``, MAY) are
strict-level rules: pass ``strict=True`` to include them.
"""

from __future__ import annotations

import string
from collections.abc import Collection
from typing import Any

from hypothesis import strategies as st

from . import _contract as contract
from ._breaches import (
    BAD_IFSC,
    BAD_IFSC_FORMAT,
    MAY,
    NON_OBJECTS,
    NON_STRINGS,
    SHOULD,
    Breach,
    InvalidDocument,
    bad_enum,
    breach_choices,
    drop,
    metadata_over_limits,
    select_breaches,
    set_to,
)
from ._check import named
from ._indian import DIGITS
from ._realistic import emails
from ._requests import bank_account_create_params, customer_create_params

__all__ = [
    "BANK_ACCOUNT_CREATE_BREACHES",
    "CUSTOMER_CREATE_BREACHES",
    "invalid_bank_account_create_params",
    "invalid_customer_create_params",
]

_NULLABLE_NON_STRINGS = st.one_of(st.none(), NON_STRINGS)
# Parameters the endpoints do not document; "id" is the create page's name for the PAN, a docs
# slip (spec: endpoints), and "description" is an attribute but not a create argument.
_UNKNOWN_CUSTOMER_PARAMS = st.one_of(
    st.sampled_from(("id", "description", "livemode", "address", "gstin")),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10).map("x_".__add__),
)
_UNKNOWN_ACCOUNT_PARAMS = st.one_of(
    st.sampled_from(("ifsc", "account_last4", "bank_name", "customer", "status")),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10).map("x_".__add__),
)
_ANY_VALUES = st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none())


def _whole(values: st.SearchStrategy[Any]) -> Any:
    def mutate(draw: st.DrawFn, params: Any) -> Any:
        return draw(values)

    return mutate


def _on(change: Any) -> Any:
    def mutate(draw: st.DrawFn, params: dict[str, Any]) -> Any:
        change(draw, params)
        return params

    return mutate


def _add_unknown(keys: st.SearchStrategy[str]) -> Any:
    def change(draw: st.DrawFn, params: dict[str, Any]) -> None:
        params[draw(keys)] = draw(_ANY_VALUES)

    return change


def _metadata_limits(draw: st.DrawFn, params: dict[str, Any]) -> None:
    params.setdefault("metadata", {})
    metadata_over_limits(draw, params)


def _metadata_value(draw: st.DrawFn, params: dict[str, Any]) -> None:
    params.setdefault("metadata", {})[draw(st.sampled_from(("plan", "tier", "ref")))] = draw(
        st.one_of(_NULLABLE_NON_STRINGS, st.dictionaries(st.just("nested"), st.text(max_size=3)))
    )


#: Every customer-create breach: MUST ones, then the strict-level ones.
CUSTOMER_CREATE_BREACHES: tuple[Breach, ...] = (
    Breach("customer_create.shape", _whole(NON_OBJECTS)),
    *[
        Breach(f"customer_create.{field}", _on(set_to(field, _NULLABLE_NON_STRINGS)))
        for field in ("name", "email", "identification", "mobile", "phone")
    ],
    Breach("customer_create.email", _on(set_to("email", emails(min_size=513, max_size=600)))),
    Breach("customer_create.metadata", _on(set_to("metadata", NON_OBJECTS))),
    Breach("metadata.values", _on(_metadata_value), SHOULD),
    Breach(
        "customer_create.unknown_parameter",
        _on(_add_unknown(_UNKNOWN_CUSTOMER_PARAMS)),
        SHOULD,
    ),
    Breach("metadata.limits", _on(_metadata_limits), MAY),
)

_ACCOUNT_FIELDS = ("account_holder_name", "account_ifsc", "account_number", "account_type")
_SHORT_NUMBERS = st.text(alphabet=DIGITS, max_size=4)

#: Every bank-account-create breach: MUST ones, then the strict-level ones.
BANK_ACCOUNT_CREATE_BREACHES: tuple[Breach, ...] = (
    Breach("bank_account_create.shape", _whole(NON_OBJECTS)),
    *[Breach(f"bank_account_create.{field}", _on(drop(field))) for field in _ACCOUNT_FIELDS],
    Breach(
        "bank_account_create.account_holder_name",
        _on(set_to("account_holder_name", _NULLABLE_NON_STRINGS)),
    ),
    Breach("bank_account_create.account_ifsc", _on(set_to("account_ifsc", BAD_IFSC))),
    Breach(
        "bank_account_create.account_number",
        _on(set_to("account_number", st.one_of(_SHORT_NUMBERS, _NULLABLE_NON_STRINGS))),
    ),
    Breach(
        "bank_account_create.account_type",
        _on(set_to("account_type", st.one_of(st.none(), bad_enum(contract.ACCOUNT_TYPES)))),
    ),
    Breach(
        "bank_account_create.unknown_parameter",
        _on(_add_unknown(_UNKNOWN_ACCOUNT_PARAMS)),
        SHOULD,
    ),
    Breach(
        "bank_account_create.account_ifsc.format",
        _on(set_to("account_ifsc", BAD_IFSC_FORMAT)),
        SHOULD,
    ),
    Breach(
        "bank_account_create.account_holder_name.nonempty",
        _on(set_to("account_holder_name", st.just(""))),
        MAY,
    ),
)

_VALID_CUSTOMER_PARAMS = customer_create_params()
_VALID_ACCOUNT_PARAMS = bank_account_create_params()


def invalid_customer_create_params(
    *, strict: bool = False, rules: Collection[str] | None = None
) -> st.SearchStrategy[InvalidDocument]:
    """Return a strategy for ``POST /v1/customers`` parameters breaking exactly one rule.

    Each example is an ``InvalidDocument(params, rule, level)`` with the JSON shape.

    Args:
        strict: also the strict-level rules: ``customer_create.unknown_parameter`` and
            ``metadata.values`` (SHOULD), ``metadata.limits`` (MAY).
        rules: only these rule ids; None for all of the level.

    >>> invalid_customer_create_params(rules=["customer_create.email"]).example().level
    'MUST'
    """
    select_breaches(CUSTOMER_CREATE_BREACHES, strict=strict, rules=rules)
    return _invalid_customer_create_params(
        strict=strict, rules=None if rules is None else tuple(rules)
    )


@st.composite
@named("invalid_customer_create_params")
def _invalid_customer_create_params(
    draw: st.DrawFn, *, strict: bool = False, rules: tuple[str, ...] | None = None
) -> InvalidDocument:
    breach: Breach = draw(breach_choices(CUSTOMER_CREATE_BREACHES, strict, rules))
    return InvalidDocument(
        breach.mutate(draw, draw(_VALID_CUSTOMER_PARAMS)), breach.rule, breach.level
    )


def invalid_bank_account_create_params(
    *, strict: bool = False, rules: Collection[str] | None = None
) -> st.SearchStrategy[InvalidDocument]:
    """Return a strategy for bank account create parameters breaking exactly one rule.

    Args:
        strict: also the strict-level rule ``bank_account_create.unknown_parameter`` (SHOULD).
        rules: only these rule ids; None for all of the level.

    >>> invalid_bank_account_create_params().example().rule.startswith("bank_account_create.")
    True
    """
    select_breaches(BANK_ACCOUNT_CREATE_BREACHES, strict=strict, rules=rules)
    return _invalid_bank_account_create_params(
        strict=strict, rules=None if rules is None else tuple(rules)
    )


@st.composite
@named("invalid_bank_account_create_params")
def _invalid_bank_account_create_params(
    draw: st.DrawFn, *, strict: bool = False, rules: tuple[str, ...] | None = None
) -> InvalidDocument:
    breach: Breach = draw(breach_choices(BANK_ACCOUNT_CREATE_BREACHES, strict, rules))
    return InvalidDocument(
        breach.mutate(draw, draw(_VALID_ACCOUNT_PARAMS)), breach.rule, breach.level
    )
