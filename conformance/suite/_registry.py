"""The one registry of checks: id, title, contract rules, level and a plain function each.

The CLI's ``--checks`` choices, the pytest plugin's items and the README's check table are all
generated from here. A check cites the rules of the contract (``docs/contract.md``) it enforces;
its level is computed from their tags by :func:`level_of`, the one place levels come from.
A check is one of two kinds:

- a *scenario* check, ``fn(ctx)``, sends its own requests and judges the answers;
- a *response* check, ``fn(ctx, exchange)``, judges every response the run sees (from scenario
  checks, the stateful phase and the fuzz phase alike).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..validation import Level

__all__ = [
    "CONTRACT_URL",
    "FAMILIES",
    "RULE_TAGS",
    "TIER_NAMES",
    "Check",
    "all_checks",
    "get_check",
    "level_of",
    "parse_contract",
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

#: Where the contract lives, relative to the repository root (links in reports and the README).
CONTRACT_URL = "docs/contract.md"

#: Rule id -> its tags, as ``docs/contract.md`` states them (a test keeps the two in sync:
#: regenerate with ``parse_contract(Path("docs/contract.md").read_text())``).
RULE_TAGS: dict[str, tuple[str, ...]] = {
    "transport.auth": ("doc",),
    "transport.key_prefix": ("doc",),
    "transport.accounts": ("doc",),
    "transport.modes": ("doc",),
    "transport.encodings": ("doc",),
    "transport.json": ("doc",),
    "transport.idempotency": ("doc",),
    "transport.versioning": ("doc",),
    "transport.rate_limit": ("doc", "conv"),
    "client.limits": ("ours",),
    "customer.shape": ("doc",),
    "customer.attributes": ("conv",),
    "customer.id": ("doc",),
    "customer.id.prefix": ("conv",),
    "customer.object": ("doc",),
    "customer.created": ("doc",),
    "customer.livemode": ("doc",),
    "customer.metadata": ("doc",),
    "metadata.values": ("conv",),
    "metadata.limits": ("ours",),
    "customer.description": ("doc",),
    "customer.email": ("doc",),
    "customer.identification": ("doc",),
    "customer.mobile": ("doc",),
    "customer.name": ("doc",),
    "customer.phone": ("doc",),
    "customer.bank_accounts": ("doc",),
    "customer.mandates": ("doc",),
    "customer.subscriptions": ("doc",),
    "child_list.shape": ("doc",),
    "child_list.attributes": ("conv",),
    "child_list.object": ("doc",),
    "child_list.data": ("doc",),
    "child_list.total_count": ("doc",),
    "child_list.total_count.all": ("conv",),
    "child_list.url": ("doc",),
    "child_list.url.path": ("conv",),
    "customer_list.shape": ("doc",),
    "customer_list.data": ("doc",),
    "customer_list.attributes": ("conv",),
    "customer_list.object": ("conv",),
    "customer_list.total_count": ("conv",),
    "customer_list.url": ("conv",),
    "bank_account_list.shape": ("doc",),
    "bank_account_list.data": ("doc",),
    "bank_account_list.attributes": ("conv",),
    "bank_account_list.object": ("conv",),
    "bank_account_list.total_count": ("conv",),
    "bank_account_list.url": ("conv",),
    "endpoints.create_customer": ("doc",),
    "endpoints.status_200": ("conv",),
    "customer_create.shape": ("doc",),
    "customer_create.name": ("doc",),
    "customer_create.email": ("doc",),
    "customer_create.mobile": ("doc",),
    "customer_create.phone": ("doc",),
    "customer_create.metadata": ("doc",),
    "customer_create.identification": ("doc",),
    "customer_create.pan": ("ours",),
    "customer_create.unknown_parameter": ("conv",),
    "endpoints.retrieve_customer": ("doc",),
    "list.order": ("doc",),
    "list.limit": ("doc",),
    "list.default_limit": ("doc",),
    "list.limit_range": ("conv",),
    "list.page": ("doc",),
    "list.page_base": ("ours",),
    "list.past_end": ("doc",),
    "list.email_filter": ("doc",),
    "list.email_no_match": ("doc",),
    "endpoints.create_bank_account": ("doc",),
    "endpoints.retrieve_bank_account": ("doc",),
    "endpoints.list_bank_accounts": ("doc",),
    "endpoints.undocumented_methods": ("doc",),
    "bank_account_create.shape": ("doc",),
    "bank_account_create.account_holder_name": ("doc",),
    "bank_account_create.account_holder_name.nonempty": ("ours",),
    "bank_account_create.account_ifsc": ("doc",),
    "bank_account_create.account_ifsc.format": ("conv",),
    "bank_account_create.account_number": ("doc",),
    "bank_account_create.account_type": ("doc",),
    "bank_account_create.unknown_parameter": ("conv",),
    "request.limits": ("doc",),
    "request.param": ("conv",),
    "request.boundaries": ("doc",),
    "request.valid_accepted": ("doc",),
    "request.stored": ("conv",),
    "request.metadata_unset": ("conv",),
    "request.unknown_parameter": ("conv",),
    "request.wrong_type": ("conv",),
    "request.malformed_json": ("doc",),
    "request.non_object": ("doc",),
    "request.oversized": ("conv",),
    "bank_account.shape": ("doc",),
    "bank_account.attributes": ("conv",),
    "bank_account.id": ("doc",),
    "bank_account.id.prefix": ("conv",),
    "bank_account.object": ("doc",),
    "bank_account.created": ("doc",),
    "bank_account.livemode": ("doc",),
    "bank_account.account_holder_name": ("doc",),
    "bank_account.account_ifsc": ("doc",),
    "bank_account.account_last4": ("doc",),
    "bank_account.account_number.masked": ("conv",),
    "bank_account.account_type": ("doc",),
    "bank_account.bank_name": ("doc",),
    "bank_account.customer": ("doc",),
    "bank_account.mandates": ("doc",),
    "bank_account.status": ("doc",),
    "mandate.shape": ("doc",),
    "mandate.attributes": ("conv",),
    "mandate.id": ("doc",),
    "mandate.id.prefix": ("conv",),
    "mandate.object": ("doc",),
    "mandate.created": ("doc",),
    "mandate.livemode": ("doc",),
    "mandate.metadata": ("doc",),
    "mandate.amount": ("doc",),
    "mandate.category_code": ("doc",),
    "mandate.variant": ("doc",),
    "mandate.status": ("doc",),
    "mandate.umrn": ("doc",),
    "subscription.shape": ("doc",),
    "subscription.attributes": ("conv",),
    "subscription.id": ("doc",),
    "subscription.object": ("doc",),
    "subscription.created": ("doc",),
    "subscription.livemode": ("doc",),
    "subscription.metadata": ("doc",),
    "subscription.amount": ("doc",),
    "subscription.interval": ("doc",),
    "subscription.interval_count": ("doc",),
    "subscription.count": ("doc",),
    "subscription.day_of_month": ("doc",),
    "subscription.mandate": ("doc",),
    "subscription.name": ("doc",),
    "subscription.start_date": ("doc",),
    "subscription.status": ("doc",),
    "errors.statuses": ("doc",),
    "errors.other_4xx": ("conv",),
    "errors.no_5xx": ("doc",),
    "errors.not_found": ("doc",),
    "errors.not_found_arbitrary": ("ours",),
    "errors.not_acceptable": ("doc",),
    "errors.type_by_status": ("conv",),
    "error.shape": ("doc",),
    "error.envelope": ("conv",),
    "error.type": ("doc",),
    "error.message": ("conv",),
    "error.code": ("doc",),
    "error.doc_url": ("doc",),
    "error.param": ("doc",),
}

_LEVEL_BY_TAG = {"doc": Level.MUST, "conv": Level.SHOULD, "ours": Level.MAY}
_RANK = (Level.MUST, Level.SHOULD, Level.MAY)
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
    levels: set[Level] = set()
    for rule in ids:
        if rule not in RULE_TAGS:
            raise KeyError(f"{rule!r} is not a rule of {CONTRACT_URL}")
        levels.update(_LEVEL_BY_TAG[tag] for tag in RULE_TAGS[rule])
    return max(levels, key=_RANK.index)


def render_clause(rules: Sequence[str]) -> str:
    """Return ``rules`` with their tags, e.g. ``list.order [doc]; list.page_base [ours]``."""
    return "; ".join(f"{r} {' '.join(f'[{t}]' for t in RULE_TAGS[r])}" for r in rules)


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


def _register(
    kind: Kind,
    check_id: str,
    title: str,
    rules: str | Sequence[str],
    *,
    writes: bool,
    needs_live_key: bool,
    min_tier: str,
) -> Callable[[F], F]:
    ids = (rules,) if isinstance(rules, str) else tuple(rules)

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
    rules: str | Sequence[str],
    *,
    writes: bool = True,
    needs_live_key: bool = False,
    min_tier: str = "smoke",
) -> Callable[[F], F]:
    """Register ``fn(ctx) -> None`` as a scenario check enforcing the contract ``rules``."""
    return _register(
        "scenario",
        check_id,
        title,
        rules,
        writes=writes,
        needs_live_key=needs_live_key,
        min_tier=min_tier,
    )


def response_check(check_id: str, title: str, rules: str | Sequence[str]) -> Callable[[F], F]:
    """Register ``fn(ctx, exchange) -> None`` as a check of every response."""
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

    Each rule links to its anchor in the contract and shows every tag behind the level.

    >>> render_markdown_table().splitlines()[0]
    '| id | level | family | check | contract rules |'
    """
    lines = ["| id | level | family | check | contract rules |", "|---|---|---|---|---|"]
    for check in all_checks():
        title = check.title.replace("|", "\\|")
        rules = "<br>".join(
            f"[`{r}`]({CONTRACT_URL}#{r}) {' '.join(f'[{t}]' for t in RULE_TAGS[r])}"
            for r in check.rules
        )
        lines.append(f"| `{check.id}` | {check.level.value} | {check.family} | {title} | {rules} |")
    return "\n".join(lines) + "\n"
