"""The one registry of checks: id, level, title, spec clause and a plain function each.

The CLI's ``--checks`` choices, the pytest plugin's items and the README's check table are all
generated from here. A check is one of two kinds:

- a *scenario* check, ``fn(ctx)``, sends its own requests and judges the answers;
- a *response* check, ``fn(ctx, exchange)``, judges every response the run sees (from scenario
  checks, the stateful phase and the fuzz phase alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..validation import Level

__all__ = [
    "FAMILIES",
    "TIER_NAMES",
    "Check",
    "all_checks",
    "get_check",
    "render_markdown_table",
    "response_check",
    "scenario_check",
]

TIER_NAMES = ("smoke", "standard", "deep")

#: Family name -> what it covers, in catalogue order.
FAMILIES: dict[str, str] = {
    "transport": "JSON content type, documented status codes, no server errors, bounded answers",
    "shape": "every response body against the JSON Schemas",
    "semantics": "what a schema cannot say: livemode, plausible created, stable ids, child urls",
    "roundtrip": "what goes in comes out: create/retrieve, JSON vs form, metadata, Indic text",
    "lists": "ordering, limit, paging, email filter",
    "errors": "404s and the error object",
    "auth": "keys: missing, malformed, other accounts, live/test separation",
    "idempotency": "Idempotency-Key replays",
    "bank_accounts": "bank account create, retrieve, list, masking, child list",
    "robustness": "malformed and hostile bodies get 4xx, never 5xx",
    "request_rules": "every documented request limit is enforced",
    "stateful": "a rule-based state machine against a model",
    "fuzz": "Schemathesis on the OpenAPI document",
}

Kind = Literal["scenario", "response"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Check:
    """One rule the suite checks.

    ``level`` is the level of the rule the check enforces (its findings may carry lower levels);
    ``writes`` says whether it creates objects (skipped with a live key unless allowed);
    ``needs_live_key`` skips it unless a second, live key is given; ``min_tier`` is the cheapest
    tier it runs in.
    """

    id: str
    level: Level
    title: str
    clause: str
    family: str
    kind: Kind
    func: Callable[..., None]
    writes: bool = False
    needs_live_key: bool = False
    min_tier: str = "smoke"

    def runs_in(self, tier: str) -> bool:
        """Return whether the check belongs to ``tier``."""
        return TIER_NAMES.index(tier) >= TIER_NAMES.index(self.min_tier)


_REGISTRY: dict[str, Check] = {}


def _register(
    kind: Kind,
    check_id: str,
    level: Level,
    title: str,
    clause: str,
    *,
    writes: bool,
    needs_live_key: bool,
    min_tier: str,
) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        if check_id in _REGISTRY:
            raise ValueError(f"check id {check_id} is registered twice")
        family = func.__module__.rsplit(".", 1)[-1]
        if family not in FAMILIES:
            raise ValueError(f"check {check_id} lives in {family!r}, which is not a family")
        if min_tier not in TIER_NAMES:
            raise ValueError(f"check {check_id}: min_tier {min_tier!r} is not a tier")
        _REGISTRY[check_id] = Check(
            check_id,
            level,
            title,
            clause,
            family,
            kind,
            func,
            writes,
            needs_live_key,
            min_tier,
        )
        return func

    return decorate


def scenario_check(
    check_id: str,
    level: Level,
    title: str,
    clause: str,
    *,
    writes: bool = True,
    needs_live_key: bool = False,
    min_tier: str = "smoke",
) -> Callable[[F], F]:
    """Register ``fn(ctx) -> None`` as a scenario check."""
    return _register(
        "scenario",
        check_id,
        level,
        title,
        clause,
        writes=writes,
        needs_live_key=needs_live_key,
        min_tier=min_tier,
    )


def response_check(check_id: str, level: Level, title: str, clause: str) -> Callable[[F], F]:
    """Register ``fn(ctx, exchange) -> None`` as a check of every response."""
    return _register(
        "response",
        check_id,
        level,
        title,
        clause,
        writes=False,
        needs_live_key=False,
        min_tier="smoke",
    )


def all_checks() -> list[Check]:
    """Return every registered check, in catalogue order (family order, then id)."""
    order = list(FAMILIES)
    return sorted(_REGISTRY.values(), key=lambda c: (order.index(c.family), c.id))


def get_check(check_id: str) -> Check:
    """Return the check with id ``check_id``; raise KeyError naming the known ids otherwise."""
    try:
        return _REGISTRY[check_id]
    except KeyError:
        raise KeyError(
            f"unknown check {check_id!r}: expected one of {', '.join(sorted(_REGISTRY))}"
        ) from None


def render_markdown_table() -> str:
    """Return the README's check table (Markdown), generated from the registry.

    >>> render_markdown_table().splitlines()[0]
    '| id | level | family | check | spec clause |'
    """
    lines = ["| id | level | family | check | spec clause |", "|---|---|---|---|---|"]
    for check in all_checks():
        title = check.title.replace("|", "\\|")
        clause = check.clause.replace("|", "\\|")
        lines.append(
            f"| `{check.id}` | {check.level.value} | {check.family} | {title} | {clause} |"
        )
    return "\n".join(lines) + "\n"
