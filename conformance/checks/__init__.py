"""The checks catalogue: one registry, one small module of plain functions per family.

>>> from conformance.checks import get_check
>>> get_check("CUS-HTTP-003").level.value
'MUST'

Check functions are usable in other projects' tests: a scenario check takes a
:class:`CheckContext`; a response check takes a context and an :class:`Exchange`.
"""

from __future__ import annotations

from . import (  # noqa: F401  (importing a family module registers its checks)
    auth,
    bank_accounts,
    errors,
    fuzz,
    idempotency,
    lists,
    request_rules,
    robustness,
    roundtrip,
    semantics,
    shape,
    stateful,
    transport,
)
from ._context import RUN_METADATA_KEY, TIERS, CheckContext, RunSettings, Session, Tier
from ._registry import (
    FAMILIES,
    TIER_NAMES,
    Check,
    all_checks,
    get_check,
    render_markdown_table,
)

__all__ = [
    "FAMILIES",
    "RUN_METADATA_KEY",
    "TIERS",
    "TIER_NAMES",
    "Check",
    "CheckContext",
    "RunSettings",
    "Session",
    "Tier",
    "all_checks",
    "get_check",
    "render_markdown_table",
]
