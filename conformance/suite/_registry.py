"""The one registry of checks: id, title, contract rules, level and a plain function each.

The CLI's ``--checks`` choices, the pytest plugin's items and ``lotuspay-contract checks`` (the
catalogue, the source of the README's check table) all come from here. A check cites the rules
of the contract (``docs/contract.md``) it enforces; its level is computed from their tags by
:func:`level_of`, the one place levels come from.
A check is one of two kinds:

- a *scenario* check, ``fn(ctx)``, sends its own requests and judges the answers;
- a *response* check, ``fn(ctx, exchange)``, judges every response the run sees (from scenario
  checks, the stateful phase and the fuzz phase alike).

Custom checks (``_packs``) use the same decorators from a module outside this package.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..settings import TIER_NAMES
from ..validation import CONTRACT_PATH, RULE_TAGS, Level, level_of_tags
from ._packs import PACK_RULE_TAGS, CheckPackError, Rule, pack_family, pack_rule_ids

__all__ = [
    "CONTRACT_URL",
    "FAMILIES",
    "RULE_TAGS",
    "TIER_NAMES",
    "Check",
    "Rule",
    "all_checks",
    "get_check",
    "level_of",
    "parse_contract",
    "response_check",
    "rule_tags",
    "scenario_check",
]


#: Family name -> what it covers, in catalogue order; check packs' families follow as loaded.
FAMILIES: dict[str, str] = {
    "transport": "JSON content type, documented status codes, no server errors, bounded answers",
    "shape": "every response body against the JSON Schemas",
    "semantics": "what a schema cannot say: livemode, plausible created, stable ids, child urls",
    "roundtrip": "what goes in comes out: create/retrieve, JSON vs form, metadata, Indic text",
    "lists": "ordering, limit, paging, email filter",
    "errors": "404s and the error object",
    "auth": "keys: missing, malformed, other accounts, live/test separation",
    "idempotency": "Idempotency-Key replays",
    "isolation": "every read, write and remembered key tried from another account or customer",
    "bank_accounts": "bank account create, retrieve, list, masking, child list",
    "robustness": "malformed and hostile bodies get 4xx, never 5xx",
    "request_rules": "every documented request limit is enforced",
    "boundaries": "near-misses of a filter value, limits at both ends (derived variants)",
    "stateful": "a rule-based state machine against a model",
    "fuzz": "Schemathesis on the OpenAPI document",
}

_BUILTIN_FAMILIES = frozenset(FAMILIES)
_BUILTIN_PACKAGE = f"{__name__.rsplit('.', 1)[0]}.checks."
_BUILTIN_ID = re.compile(r"CUS-[A-Z]+-\d{3}")

#: Where the contract lives, relative to the repository root (links in reports and the README).
CONTRACT_URL = CONTRACT_PATH


_ANCHOR = re.compile(r'<a id="([^"]+)"></a>`\1`((?:\s*\[(?:doc|conv|ours)(?::[^\]]*)?\])+)')


def parse_contract(text: str) -> dict[str, tuple[str, ...]]:
    """Return every rule id of the contract's Markdown ``text`` with all its tags, in order.

    >>> parse_contract('- <a id="x.y"></a>`x.y` [doc: page] [conv] a rule')
    {'x.y': ('doc', 'conv')}
    """
    return {
        match.group(1): tuple(re.findall(r"\[(doc|conv|ours)", match.group(2)))
        for match in _ANCHOR.finditer(text)
    }


def rule_tags(rule: str) -> tuple[str, ...]:
    """Return the tags of ``rule``: a contract rule's, else a check pack's own rule's."""
    tags = RULE_TAGS.get(rule) or PACK_RULE_TAGS.get(rule)
    if tags is None:
        raise KeyError(f"{rule!r} is not a rule of {CONTRACT_URL}")
    return tags


def level_of(rules: str | Sequence[str]) -> Level:
    """Return the level of the contract ``rules``: the weakest level of all their tags.

    [doc] is MUST, [conv] SHOULD, [ours] MAY; a rule tagged [doc] and [conv] is SHOULD, since a
    MUST must rest on the docs alone. Raises KeyError for a rule the contract does not state.

    >>> level_of(["customer.created", "metadata.values"]).value
    'SHOULD'
    """
    ids = (rules,) if isinstance(rules, str) else tuple(rules)
    if not ids:
        raise ValueError("level_of needs at least one rule id")
    return level_of_tags(tag for rule in ids for tag in rule_tags(rule))


def render_clause(rules: Sequence[str]) -> str:
    """Return ``rules`` with their tags, e.g. ``list.order [doc]; list.page_base [ours]``."""
    return "; ".join(f"{r} {' '.join(f'[{t}]' for t in rule_tags(r))}" for r in rules)


Kind = Literal["scenario", "response"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Check:
    """One check of the suite.

    ``rules`` are the contract rules it enforces; ``level`` is ``level_of(rules)`` (its findings
    may carry other levels, each from the rule it cites); ``clause`` shows the rules with their
    tags. ``writes`` says whether it creates objects (skipped with a live key unless allowed);
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
    rules: tuple[str, ...] = ()

    def runs_in(self, tier: str) -> bool:
        """Return whether the check belongs to ``tier``."""
        return TIER_NAMES.index(tier) >= TIER_NAMES.index(self.min_tier)


_REGISTRY: dict[str, Check] = {}


Rules = str | Rule | Sequence[str | Rule]


def _register(
    kind: Kind,
    check_id: str,
    title: str,
    rules: Rules,
    *,
    writes: bool,
    needs_live_key: bool,
    min_tier: str,
) -> Callable[[F], F]:
    given = (rules,) if isinstance(rules, str | Rule) else tuple(rules)

    def decorate(func: F) -> F:
        if check_id in _REGISTRY:
            raise CheckPackError(f"check id {check_id} is registered twice")
        if min_tier not in TIER_NAMES:
            raise CheckPackError(f"check {check_id}: min_tier {min_tier!r} is not a tier")
        if not given or not title:
            raise CheckPackError(f"check {check_id} needs a title and at least one rule")
        if func.__module__.startswith(_BUILTIN_PACKAGE):
            family = func.__module__.rsplit(".", 1)[-1]
            if family not in _BUILTIN_FAMILIES or not _BUILTIN_ID.fullmatch(check_id):
                raise ValueError(f"built-in check {check_id} in {family!r}: bad id or family")
            ids = pack_rule_ids(check_id, given, None, RULE_TAGS)
        else:
            family = pack_family(check_id, _BUILTIN_FAMILIES)
            ids = pack_rule_ids(check_id, given, family, RULE_TAGS)
            doc = (getattr(sys.modules.get(func.__module__), "__doc__", "") or "").strip()
            FAMILIES.setdefault(family, doc.splitlines()[0] if doc else f"check pack {family}")
        _REGISTRY[check_id] = Check(
            check_id,
            level_of(ids),
            title,
            render_clause(ids),
            family,
            kind,
            func,
            writes,
            needs_live_key,
            min_tier,
            ids,
        )
        return func

    return decorate


def scenario_check(
    check_id: str,
    title: str,
    rules: Rules,
    *,
    writes: bool = True,
    needs_live_key: bool = False,
    min_tier: str = "smoke",
) -> Callable[[F], F]:
    """Register ``fn(ctx) -> None`` as a scenario check enforcing ``rules``.

    Args:
        check_id: ``CUS-<FAMILY>-NNN`` for a built-in check, ``X-<PACK>-NNN`` for a custom one.
        title: one line saying what the check expects of a server.
        rules: contract rule ids of ``docs/contract.md`` (their tags set the level), or a
            check pack's own :class:`Rule` with an explicit tag, or a list of both.
        writes: the check creates objects (skipped with a live key unless allowed).
        needs_live_key: skipped unless a live key is given too.
        min_tier: the cheapest tier it runs in: smoke, standard or deep.

    An example: ``lotuspay_contract.conformance``'s docstring, ``examples/check_pack/``.
    """
    return _register(
        "scenario",
        check_id,
        title,
        rules,
        writes=writes,
        needs_live_key=needs_live_key,
        min_tier=min_tier,
    )


def response_check(check_id: str, title: str, rules: Rules) -> Callable[[F], F]:
    """Register ``fn(ctx, exchange) -> None`` as a check of every response the run sees.

    Arguments as :func:`scenario_check`'s; it never writes and runs in every tier.
    """
    return _register(
        "response",
        check_id,
        title,
        rules,
        writes=False,
        needs_live_key=False,
        min_tier="smoke",
    )


def all_checks() -> list[Check]:
    """Return every registered check, in catalogue order (family order, then id): the built-in
    checks first, then those of check packs."""
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
