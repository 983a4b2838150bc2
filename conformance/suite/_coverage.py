"""Rule x path coverage: for each [doc] and [conv] rule of the contract, the operations and inputs
it governs and the checks that can fail on it there (``lotuspay-contract checks --rules``).

A *path* is an OpenAPI operation id, optionally with an input in brackets: ``createCustomer[form]``
(the encoding), ``listCustomers[email]`` (the filter), ``retrieveCustomer[other account]`` (the
second account's key). Which paths a rule governs is derived from its id (the object or request it
is about, :data:`_BY_PREFIX`), with the exceptions stated as data (:data:`_GOVERNS`). A check can
fail on a rule at a path when it cites the rule, or validates a schema carrying the rule's
``x-rule``, and exercises the operation (``_operations.check_operations``) with that input
(``_operations.check_inputs``). A rule no client can ever observe failing is marked so, with why
(:data:`NOT_OBSERVABLE`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from ._operations import OPERATION_IDS, check_inputs, check_operations
from ._registry import RULE_TAGS, Check, all_checks, level_of

__all__ = ["NOT_OBSERVABLE", "RuleCoverage", "coverage_matrix", "gaps", "render_matrix"]

_ALL: Final = tuple(OPERATION_IDS.values())
_CUSTOMER_ANSWERS: Final = ("createCustomer", "retrieveCustomer", "listCustomers")
_BANK_ANSWERS: Final = ("createBankAccount", "retrieveBankAccount", "listBankAccounts")
_CREATES: Final = ("createCustomer", "createBankAccount")

#: Rule id prefix -> the operations whose answers (or requests) the rule is about.
_BY_PREFIX: Final[dict[str, tuple[str, ...]]] = {
    "customer.": _CUSTOMER_ANSWERS,
    "metadata.": _CUSTOMER_ANSWERS,
    "bank_account.": _BANK_ANSWERS,
    "child_list.": (*_CUSTOMER_ANSWERS, *_BANK_ANSWERS),
    "customer_list.": ("listCustomers",),
    "bank_account_list.": ("listBankAccounts",),
    "customer_create.": ("createCustomer[json]", "createCustomer[form]"),
    "bank_account_create.": ("createBankAccount",),
    "mandate.": ("retrieveCustomer",),
    "subscription.": ("retrieveCustomer",),
    "error.": _ALL,
    "errors.": _ALL,
    "request.": _CREATES,
    "list.": ("listCustomers",),
    "transport.": _ALL,
}

#: Rules whose paths are not their prefix's.
_GOVERNS: Final[dict[str, tuple[str, ...]]] = {
    "transport.encodings": (
        "createCustomer[json]",
        "createCustomer[form]",
        "createBankAccount[json]",
        "createBankAccount[form]",
    ),
    "transport.accounts": tuple(f"{op}[other account]" for op in _ALL),
    "transport.idempotency": _CREATES,
    "transport.key_prefix": ("listCustomers",),
    "transport.modes": ("createCustomer", "retrieveCustomer"),
    "endpoints.create_customer": ("createCustomer",),
    "endpoints.status_200": _ALL,
    "endpoints.retrieve_customer": ("retrieveCustomer",),
    "endpoints.create_bank_account": ("createBankAccount",),
    "endpoints.retrieve_bank_account": ("retrieveBankAccount",),
    "endpoints.list_bank_accounts": ("listBankAccounts",),
    "endpoints.undocumented_methods": ("undocumented",),
    "list.limit": ("listCustomers", "listBankAccounts"),
    "list.page": ("listCustomers", "listBankAccounts"),
    "list.order": ("listCustomers", "listBankAccounts"),
    "list.email_filter": ("listCustomers[email]",),
    "list.email_no_match": ("listCustomers[email]",),
    "request.malformed_json": ("createCustomer",),
    "request.non_object": ("createCustomer",),
    "request.boundaries": _CREATES,
    "request.limits": _CREATES,
    "request.stored": ("createCustomer",),
    "request.metadata_unset": ("createCustomer",),
    "request.oversized": ("createCustomer",),
    "request.wrong_type": ("createCustomer",),
    "errors.not_found": ("retrieveCustomer", "retrieveBankAccount"),
    "errors.not_acceptable": ("listCustomers",),
    "customer.bank_accounts": ("retrieveCustomer",),
    "customer.child_cap": ("retrieveCustomer",),
    "child_list.total_count.all": ("retrieveCustomer",),
}

#: Rules no client can see a server break, each with the reason.
NOT_OBSERVABLE: Final[dict[str, str]] = {
    "transport.versioning": "a promise that answers may change; a rule for schemas and clients",
    "transport.rate_limit": "any request may be answered 429; no answer can break it",
    "request.metadata_unset": 'a freedom ("" may unset a key); it is never judged',
    "customer.mandates": "the Customers API creates no mandate: seen only on existing data",
    "customer.subscriptions": "the Customers API creates no subscription: seen only on data",
    "bank_account.mandates": "the Customers API creates no mandate: seen only on existing data",
    "customer.child_cap": "mandates and subscriptions cannot be created through this API",
}
_NO_CLIENT_DATA: Final = ("mandate.", "subscription.")
_NO_DATA_REASON: Final = "the Customers API creates no mandate or subscription: schema only"
#: Rules on what a client sends: a server breaks none of them, it answers the requests they
#: describe (judged under the rules named).
_REQUEST_RULES: Final = {
    "customer_create.": "request.valid_accepted, request.limits, request.wrong_type",
    "bank_account_create.": "request.valid_accepted, request.limits",
}


@dataclass(frozen=True)
class RuleCoverage:
    """One rule's row: its level, and per path the checks that can fail on it there."""

    rule: str
    level: str
    paths: dict[str, tuple[str, ...]]
    not_observable: str = ""

    @property
    def gaps(self) -> list[str]:
        """The paths no check can fail on (none for a rule no client can observe)."""
        return [] if self.not_observable else [p for p, c in self.paths.items() if not c]


def governed_paths(rule: str) -> tuple[str, ...]:
    """Return the paths ``rule`` governs."""
    if rule in _GOVERNS:
        return _GOVERNS[rule]
    for prefix, paths in _BY_PREFIX.items():
        if rule.startswith(prefix):
            return paths
    return _ALL


def _schema_rules(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        found = node.get("x-rule")
        if isinstance(found, str):
            yield found
        elif isinstance(found, list):
            yield from (r for r in found if isinstance(r, str))
        for value in node.values():
            yield from _schema_rules(value)
    elif isinstance(node, list):
        for item in node:
            yield from _schema_rules(item)


@functools.cache
def _rules_of_schema(name: str) -> frozenset[str]:
    """Every rule a schema (its strict overlay, the schemas it refers to) can report."""
    from lotuspay_contract import schemas

    refers = {
        "customer": ("bank_account", "child_list", "mandate", "subscription"),
        "bank_account": ("child_list", "mandate"),
        "customer_list": ("customer",),
        "bank_account_list": ("bank_account",),
    }
    found = {
        r for strict in (False, True) for r in _schema_rules(schemas.load(name, strict=strict))
    }
    if name.endswith("_list"):
        found.add(f"{name}.total_count")  # the validator's semantic list rule
    for other in refers.get(name, ()):
        found |= _rules_of_schema(other)
    return frozenset(found)


def _rules_of_check(check: Check) -> frozenset[str]:
    """The rules a check can fail on: those it cites, and a validated schema's rules."""
    found = set(check.rules)
    for rule in check.rules:
        if rule.endswith(".shape"):
            found |= _rules_of_schema(rule.removesuffix(".shape"))
    return frozenset(found)


def _covers(check: Check, path: str) -> bool:
    operation, _, rest = path.partition("[")
    if operation == "undocumented":
        return "undocumented" in check_inputs(check)
    if operation not in check_operations(check):
        return False
    given = rest.rstrip("]")
    return not given or given in check_inputs(check)


def coverage_matrix(checks: Iterable[Check] | None = None) -> list[RuleCoverage]:
    """Return one row per [doc] or [conv] rule of the contract, in the contract's order."""
    chosen = list(all_checks() if checks is None else checks)
    rules_of = {c.id: _rules_of_check(c) for c in chosen}
    rows = []
    for rule, tags in RULE_TAGS.items():
        if not ({"doc", "conv"} & set(tags)) or "ours" in tags:
            continue
        paths = {
            path: tuple(c.id for c in chosen if rule in rules_of[c.id] and _covers(c, path))
            for path in governed_paths(rule)
        }
        reason = NOT_OBSERVABLE.get(rule, "")
        if not reason and rule.startswith(_NO_CLIENT_DATA):
            reason = _NO_DATA_REASON
        for prefix, judged in _REQUEST_RULES.items():
            if not reason and rule.startswith(prefix) and not rule.endswith("unknown_parameter"):
                reason = f"a rule on the request a client sends; the answer is judged by {judged}"
        rows.append(RuleCoverage(rule, level_of(rule).value, paths, reason))
    return rows


def gaps(level: str = "MUST") -> dict[str, list[str]]:
    """Return rule -> the paths no check can fail on, for the rules at ``level``."""
    return {r.rule: r.gaps for r in coverage_matrix() if r.level == level and r.gaps}


def render_matrix(rows: list[RuleCoverage] | None = None) -> str:
    """Return the matrix as text: a rule per block, a path per line with its checks."""
    lines = []
    for row in coverage_matrix() if rows is None else rows:
        head = f"{row.rule}  {row.level}"
        if row.not_observable:
            lines.append(f"{head}  not observable: {row.not_observable}")
            continue
        lines.append(head)
        for path, checks in row.paths.items():
            lines.append(f"    {path:<32} {', '.join(checks) if checks else '-- NO CHECK --'}")
    missing = sum(len(r.gaps) for r in coverage_matrix() if r.level == "MUST")
    lines.append(f"\n{missing} MUST rule x path pair(s) without a check that can fail on them")
    return "\n".join(lines)
