"""Hypothesis strategies for the LotusPay Customers API, with realistic Indian data.

Valid documents (each passes ``conformance.validate`` at both levels unless an option documents
a strict-level finding)::

    customers, customer_lists, bank_accounts, mandates, subscriptions, errors,
    customer_create_params, bank_account_create_params

Realistic values: ``pan_numbers``, ``ifsc_codes``, ``mobile_numbers``, ``indian_names``,
``emails``, ``metadata_maps``.

Plain draws for code that must not load Hypothesis (the mock's seed data, the suite's test
objects): ``IndianValues(random.Random(seed))`` and ``bank_name(ifsc)``, from the same tables.

``pinned_clock(epoch)`` draws every ``created`` up to a fixed time instead of the wall clock.

Invalid documents, each labelled with the one rule it breaks (an ``InvalidDocument``):
``invalid_customers``, ``invalid_customer_create_params``,
``invalid_bank_account_create_params``.

Names load lazily (PEP 562): importing this package, or taking ``IndianValues`` from it,
does not import Hypothesis; the first strategy taken does.

>>> from lotuspay_contract.strategies import customers
>>> customers(livemode=True)
customers(livemode=True)
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ._breaches import InvalidDocument
    from ._contract import pinned_clock
    from ._customers import customer_lists, customers
    from ._indian import IndianValues, bank_name
    from ._invalid import invalid_customers
    from ._invalid_requests import (
        invalid_bank_account_create_params,
        invalid_customer_create_params,
    )
    from ._objects import bank_accounts, mandates, metadata_maps, subscriptions
    from ._realistic import emails, ifsc_codes, indian_names, mobile_numbers, pan_numbers
    from ._requests import bank_account_create_params, customer_create_params, errors

__all__ = [
    "IndianValues",
    "InvalidDocument",
    "bank_account_create_params",
    "bank_accounts",
    "bank_name",
    "customer_create_params",
    "customer_lists",
    "customers",
    "emails",
    "errors",
    "ifsc_codes",
    "indian_names",
    "invalid_bank_account_create_params",
    "invalid_customer_create_params",
    "invalid_customers",
    "mandates",
    "metadata_maps",
    "mobile_numbers",
    "pan_numbers",
    "pinned_clock",
    "subscriptions",
]

#: The private module each public name lives in.
_HOMES: dict[str, str] = {
    "IndianValues": "_indian",
    "InvalidDocument": "_breaches",
    "bank_account_create_params": "_requests",
    "bank_accounts": "_objects",
    "bank_name": "_indian",
    "customer_create_params": "_requests",
    "customer_lists": "_customers",
    "customers": "_customers",
    "emails": "_realistic",
    "errors": "_requests",
    "ifsc_codes": "_realistic",
    "indian_names": "_realistic",
    "invalid_bank_account_create_params": "_invalid_requests",
    "invalid_customer_create_params": "_invalid_requests",
    "invalid_customers": "_invalid",
    "mandates": "_objects",
    "metadata_maps": "_objects",
    "mobile_numbers": "_realistic",
    "pan_numbers": "_realistic",
    "pinned_clock": "_contract",
    "subscriptions": "_objects",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
