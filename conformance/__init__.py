"""Conformance testing for the LotusPay Customers API: validator, suite, client, reports.

The public facade: import from here, not from the private modules. The validator is imported
at once; the suite's names load on first use, because pytest imports this package whenever it
loads our plugin and must not pay for httpx and the checks in runs that never use them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .redact import mask_key, redact
from .validation import Level, Violation, validate

if TYPE_CHECKING:
    from .client import LotusPayClient
    from .suite import (
        Check,
        CheckFailure,
        CheckResult,
        RunResult,
        RunSettings,
        TargetUnreachable,
        all_checks,
        get_check,
        run_suite,
        select_checks,
    )

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
    "LotusPayClient": ".client",
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
