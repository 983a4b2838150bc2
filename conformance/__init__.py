"""Conformance testing for the LotusPay Customers API: validator, suite, client, reports.

The public facade: import from here, not from the private modules. The validator is imported
at once; the suite's names load on first use, because pytest imports this package whenever it
loads our plugin and must not pay for httpx and the checks in runs that never use them.

Custom checks use the same API as the built-in ones: ``scenario_check`` / ``response_check``
register a plain function, which gets a ``CheckContext`` (the bounded client, helpers that create
objects, ``expect``/``report``/``fail`` with pointer, expected and actual) and, for a response
check, each ``Exchange``. Ids are ``X-<PACK>-NNN``; rules cite ``docs/contract.md`` or declare
the pack's own ``Rule`` with a tag. Load them with ``lotuspay-contract run --checks-module M``,
``pytest --lotuspay-checks-module M`` or the entry point group ``lotuspay_contract.checks``.

>>> from lotuspay_contract.conformance import CheckContext, Rule, scenario_check
>>> @scenario_check(
...     "X-ACME-001",
...     "The merchant's metadata keys survive a retrieve",
...     ["customer.metadata", Rule("acme.order_id", "conv", "order_id is kept")],
... )
... def check_order_id_kept(ctx: CheckContext) -> None:  # doctest: +SKIP
...     params = {**ctx.customer_params(), "metadata": {"order_id": "7"}}
...     exchange, created = ctx.create_customer(params)
...     got = (created.get("metadata") or {}).get("order_id")
...     ctx.expect(got == "7", "order_id was dropped", exchange=exchange,
...                pointer="/metadata/order_id", expected="7", actual=got, rule="acme.order_id")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .redact import mask_key, redact
from .validation import Level, Violation, validate

if TYPE_CHECKING:
    from .client import Exchange, LotusPayClient
    from .suite import (
        Check,
        CheckContext,
        CheckFailure,
        CheckPackError,
        CheckResult,
        Rule,
        RunResult,
        RunSettings,
        TargetUnreachable,
        all_checks,
        get_check,
        load_checks,
        response_check,
        run_suite,
        scenario_check,
        select_checks,
    )

__all__ = [
    "Check",
    "CheckContext",
    "CheckFailure",
    "CheckPackError",
    "CheckResult",
    "Exchange",
    "Level",
    "LotusPayClient",
    "Rule",
    "RunResult",
    "RunSettings",
    "TargetUnreachable",
    "Violation",
    "all_checks",
    "get_check",
    "load_checks",
    "mask_key",
    "redact",
    "response_check",
    "run_suite",
    "scenario_check",
    "select_checks",
    "validate",
]

_LAZY = {
    "LotusPayClient": ".client",
    "Exchange": ".client",
    "CheckContext": ".suite",
    "CheckPackError": ".suite",
    "Rule": ".suite",
    "load_checks": ".suite",
    "response_check": ".suite",
    "scenario_check": ".suite",
    "CheckFailure": ".suite",
    "CheckResult": ".suite",
    "RunResult": ".suite",
    "TargetUnreachable": ".suite",
    "run_suite": ".suite",
    "select_checks": ".suite",
    "Check": ".suite",
    "RunSettings": ".suite",
    "all_checks": ".suite",
    "get_check": ".suite",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
