"""Conformance testing for the LotusPay Customers API: validator, suite, client, reports.

The public facade: import from here, not from the private modules. The validator is imported
at once; the suite's names load on first use, because pytest imports this package whenever it
loads our plugin and must not pay for httpx and the checks in runs that never use them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._secrets import mask_key, redact
from ._validator import validate
from ._violation import Level, Violation

if TYPE_CHECKING:
    from ._client import LotusPayClient
    from ._failure import CheckFailure
    from ._runner import CheckResult, RunResult, TargetUnreachable, run_suite, select_checks
    from .checks import Check, RunSettings, all_checks, get_check

__all__ = [
    "Check",
    "CheckFailure",
    "CheckResult",
    "Level",
    "LotusPayClient",
    "RunResult",
    "RunSettings",
    "TargetUnreachable",
    "Violation",
    "all_checks",
    "get_check",
    "mask_key",
    "redact",
    "run_suite",
    "select_checks",
    "validate",
]

_LAZY = {
    "LotusPayClient": "._client",
    "CheckFailure": "._failure",
    "CheckResult": "._runner",
    "RunResult": "._runner",
    "TargetUnreachable": "._runner",
    "run_suite": "._runner",
    "select_checks": "._runner",
    "Check": ".checks",
    "RunSettings": ".checks",
    "all_checks": ".checks",
    "get_check": ".checks",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
