"""Which documented operation a request was, from its method and path (spec: endpoints)."""

from __future__ import annotations

import re
from typing import Final

from ..client import Exchange

__all__ = ["DOCUMENTED_STATUSES", "operation_of", "response_schema"]

#: The status codes LotusPay documents (spec: errors), plus 200 for success.
DOCUMENTED_STATUSES: Final = frozenset({200, 400, 401, 402, 404, 405, 406, 429, 500, 503})

_SEGMENT = r"[^/?#]+"
_ROUTES: Final = (
    ("GET", re.compile(r"^/v1/customers/?$"), "list_customers"),
    ("POST", re.compile(r"^/v1/customers/?$"), "create_customer"),
    ("GET", re.compile(rf"^/v1/customers/{_SEGMENT}/?$"), "retrieve_customer"),
    ("GET", re.compile(rf"^/v1/customers/{_SEGMENT}/bank_accounts/?$"), "list_bank_accounts"),
    ("POST", re.compile(rf"^/v1/customers/{_SEGMENT}/bank_accounts/?$"), "create_bank_account"),
    (
        "GET",
        re.compile(rf"^/v1/customers/{_SEGMENT}/bank_accounts/{_SEGMENT}/?$"),
        "retrieve_bank_account",
    ),
)

#: The schema a successful answer of each operation must match.
_SCHEMAS: Final = {
    "list_customers": "customer_list",
    "create_customer": "customer",
    "retrieve_customer": "customer",
    "list_bank_accounts": "bank_account_list",
    "create_bank_account": "bank_account",
    "retrieve_bank_account": "bank_account",
}


def operation_of(exchange: Exchange) -> str | None:
    """Return the operation name of ``exchange``, or None for an undocumented one."""
    for method, pattern, name in _ROUTES:
        if exchange.method == method and pattern.match(exchange.path):
            return name
    return None


def response_schema(operation: str | None) -> str | None:
    """Return the schema of a successful answer of ``operation``."""
    return None if operation is None else _SCHEMAS.get(operation)
