"""Which documented operation a request was, from its method and path (spec: endpoints); which
operations each check belongs to; which answers each response check judges."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from ..client import Exchange

if TYPE_CHECKING:
    from ._registry import Check

__all__ = [
    "DOCUMENTED_STATUSES",
    "OPERATION_IDS",
    "UNDOCUMENTED",
    "check_inputs",
    "check_operations",
    "judges",
    "operation_id",
    "operation_of",
    "response_schema",
    "unknown_operations",
]

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

#: Our operation name -> the OpenAPI document's operationId (schemas/openapi.yaml).
OPERATION_IDS: Final = {
    "create_customer": "createCustomer",
    "list_customers": "listCustomers",
    "retrieve_customer": "retrieveCustomer",
    "create_bank_account": "createBankAccount",
    "list_bank_accounts": "listBankAccounts",
    "retrieve_bank_account": "retrieveBankAccount",
}
#: The operation id of a request no documented operation matches (HTTP-006's DELETE, say).
UNDOCUMENTED: Final = "undocumented"

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


def operation_id(exchange: Exchange) -> str:
    """Return the OpenAPI operation id of ``exchange``, or :data:`UNDOCUMENTED`."""
    return OPERATION_IDS.get(operation_of(exchange) or "", UNDOCUMENTED)


def response_schema(operation: str | None) -> str | None:
    """Return the schema of a successful answer of ``operation``."""
    return None if operation is None else _SCHEMAS.get(operation)


# -- which answers a response check judges -------------------------------------------------------


def _success_of(*operations: str) -> Callable[[Exchange], bool]:
    return lambda e: 200 <= e.status < 300 and operation_of(e) in operations


def _error(exchange: Exchange) -> bool:
    return exchange.status >= 400


#: Response check id -> the answers it judges; one not named here judges every answer.
_RESPONSE_SCOPE: Final[dict[str, Callable[[Exchange], bool]]] = {
    "CUS-SHAPE-001": _success_of("create_customer", "retrieve_customer"),
    "CUS-SHAPE-002": _success_of("list_customers"),
    "CUS-SHAPE-003": _success_of("create_bank_account", "retrieve_bank_account"),
    "CUS-SHAPE-004": _success_of("list_bank_accounts"),
    "CUS-SHAPE-005": _error,
    "CUS-SEM-001": _success_of(*_SCHEMAS),
    "CUS-SEM-002": _success_of("create_customer", "create_bank_account"),
    "CUS-ERR-003": _error,
}


def judges(check_id: str, exchange: Exchange) -> bool:
    """Return whether response check ``check_id`` judges ``exchange`` (it is within its remit)."""
    scope = _RESPONSE_SCOPE.get(check_id)
    return scope is None or scope(exchange)


# -- which operations a check belongs to ----------------------------------------------------------

_ALL: Final = frozenset(OPERATION_IDS.values())
_CUSTOMER: Final = frozenset({"createCustomer", "retrieveCustomer"})
_BANK: Final = frozenset({"createBankAccount", "retrieveBankAccount", "listBankAccounts"})
_BY_FAMILY: Final = {
    "transport": _ALL,
    "shape": _ALL,
    "semantics": _CUSTOMER,
    "roundtrip": _CUSTOMER,
    "lists": frozenset({"listCustomers"}),
    "errors": frozenset({"retrieveCustomer", "retrieveBankAccount"}),
    "auth": frozenset({"listCustomers", "retrieveCustomer"}),
    "idempotency": frozenset({"createCustomer", "createBankAccount"}),
    "isolation": _ALL,
    "boundaries": frozenset({"listCustomers"}),
    "bank_accounts": _BANK,
    "robustness": frozenset({"createCustomer"}),
    "request_rules": frozenset({"createCustomer", "createBankAccount"}),
    "stateful": _ALL,
    "fuzz": _ALL,
}
_BY_CHECK: Final = {
    "CUS-SHAPE-001": _CUSTOMER,
    "CUS-SHAPE-002": frozenset({"listCustomers"}),
    "CUS-SHAPE-003": frozenset({"createBankAccount", "retrieveBankAccount"}),
    "CUS-SHAPE-004": frozenset({"listBankAccounts"}),
    "CUS-SEM-001": _ALL,
    "CUS-SEM-002": frozenset({"createCustomer", "createBankAccount"}),
    "CUS-SEM-004": frozenset({"retrieveCustomer", "listBankAccounts"}),
    "CUS-ERR-003": _ALL,
    "CUS-BANK-008": frozenset({"retrieveCustomer", "createBankAccount"}),
    "CUS-ISO-001": frozenset(
        {"retrieveCustomer", "listCustomers", "listBankAccounts", "retrieveBankAccount"}
    ),
    "CUS-ISO-002": frozenset({"createBankAccount", "listBankAccounts"}),
    "CUS-ISO-003": frozenset({"createCustomer"}),
    "CUS-ISO-004": frozenset({"retrieveBankAccount", "listBankAccounts"}),
    "CUS-BANK-009": frozenset({"createBankAccount"}),
}


def check_operations(check: Check) -> frozenset[str]:
    """Return the OpenAPI operation ids ``check`` exercises: its own, else its family's."""
    return _BY_CHECK.get(check.id) or _BY_FAMILY.get(check.family, _ALL)


def unknown_operations(ids: Iterable[str]) -> list[str]:
    """Return the ids in ``ids`` that are no OpenAPI operation id."""
    return [i for i in ids if i not in _ALL]


# -- which inputs a check sends -------------------------------------------------------------------

#: Every input a path may name (``_coverage``): the encodings, the email filter, the second
#: account's key, and methods no operation documents.
INPUTS: Final = frozenset({"json", "form", "email", "other account", "undocumented"})
_LIST_EMAIL: Final = frozenset({"email"})  # the list checks scope their lists by their own address
_INPUTS_BY_CHECK: Final[dict[str, frozenset[str]]] = {
    "CUS-RT-003": frozenset({"form"}),
    "CUS-BANK-009": frozenset({"form"}),
    "CUS-HTTP-006": frozenset({"undocumented"}),
    "CUS-AUTH-003": frozenset({"other account"}),
    **{f"CUS-LIST-00{n}": _LIST_EMAIL for n in range(1, 9)},
    **{f"CUS-VAR-00{n}": _LIST_EMAIL for n in range(1, 3)},
    **{f"CUS-ISO-00{n}": frozenset({"other account"}) for n in range(1, 5)},
}


def check_inputs(check: Check) -> frozenset[str]:
    """Return the inputs ``check`` sends beyond JSON bodies; a response check judges every
    answer of the run, whatever its input."""
    if check.kind == "response":
        return INPUTS
    return frozenset({"json"}) | _INPUTS_BY_CHECK.get(check.id, frozenset())
