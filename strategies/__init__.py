"""Hypothesis strategies for the LotusPay Customers API, with realistic Indian data.

Valid documents (each passes ``conformance.validate`` at both levels unless an option documents
a strict-level finding)::

    customers, customer_lists, bank_accounts, mandates, subscriptions, errors,
    customer_create_params, bank_account_create_params

Realistic values: ``pan_numbers``, ``ifsc_codes``, ``mobile_numbers``, ``indian_names``,
``emails``, ``metadata_maps``.

``pinned_clock(epoch)`` draws every ``created`` up to a fixed time instead of the wall clock.

Invalid documents, each labelled with the one rule it breaks (an ``InvalidDocument``):
``invalid_customers``, ``invalid_customer_create_params``,
``invalid_bank_account_create_params``.

>>> from lotuspay_contract.strategies import customers
>>> customers(livemode=True)
customers(livemode=True)
"""

from __future__ import annotations

from ._breaches import InvalidDocument
from ._contract import pinned_clock
from ._customers import customer_lists, customers
from ._indian import emails, ifsc_codes, indian_names, mobile_numbers, pan_numbers
from ._invalid import invalid_customers
from ._invalid_requests import invalid_bank_account_create_params, invalid_customer_create_params
from ._objects import bank_accounts, mandates, metadata_maps, subscriptions
from ._requests import bank_account_create_params, customer_create_params, errors

__all__ = [
    "InvalidDocument",
    "bank_account_create_params",
    "bank_accounts",
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
