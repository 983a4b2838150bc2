"""MUST-level rules a JSON Schema cannot state, reported like schema rules.

- ``created`` is in Unix seconds, so never after now plus one day of clock skew: a value in
  milliseconds fails (spec: the customer object, created).
- A list's ``total_count`` is never below ``len(data)`` (spec: child lists, total_count). For the
  top-level list wrapper the attribute itself is a convention, so that rule is SHOULD there.

The walk only follows values of the right type: a malformed document is the schema's to report,
and a hostile one must not crash the walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from ._violation import Level, Violation, join_pointer

__all__ = ["CLOCK_SKEW_SECONDS", "semantic_violations"]

CLOCK_SKEW_SECONDS = 86_400

_CHILD_LISTS: dict[str, dict[str, str]] = {
    "customer": {
        "bank_accounts": "bank_account",
        "mandates": "mandate",
        "subscriptions": "subscription",
    },
    "bank_account": {"mandates": "mandate"},
    "mandate": {},
    "subscription": {},
}


def semantic_violations(document: Any, schema: str, *, strict: bool, now: float) -> list[Violation]:
    """Return the semantic rules ``document`` (of schema ``schema``) breaks."""
    found: list[Violation] = []
    if schema in _CHILD_LISTS:
        _check_object(document, schema, [], now, found)
    elif schema == "customer_list":
        if strict:
            _check_count(document, "customer_list.total_count", Level.SHOULD, [], found)
        for index, item in _items(document):
            _check_object(item, "customer", ["data", index], now, found)
    elif schema == "child_list":
        _check_list(document, None, [], now, found)
    return found


def _items(listing: Any) -> Iterator[tuple[int, Any]]:
    data = listing.get("data") if isinstance(listing, dict) else None
    return enumerate(data) if isinstance(data, list) else iter(())


def _check_object(
    obj: Any, kind: str, path: list[str | int], now: float, found: list[Violation]
) -> None:
    if not isinstance(obj, dict):
        return
    created = obj.get("created")
    limit = int(now) + CLOCK_SKEW_SECONDS
    if _is_int(created) and created > limit:
        found.append(
            Violation(
                f"{kind}.created",
                Level.MUST,
                join_pointer([*path, "created"]),
                f"semantic:{kind}.created",
                f"{created} is after now plus one day ({limit}): created must be Unix seconds",
                f"<= {limit}",
                created,
            )
        )
    for attribute, item_kind in _CHILD_LISTS[kind].items():
        _check_list(obj.get(attribute), item_kind, [*path, attribute], now, found)


def _check_list(
    listing: Any, item_kind: str | None, path: list[str | int], now: float, found: list[Violation]
) -> None:
    _check_count(listing, "child_list.total_count", Level.MUST, path, found)
    for index, item in _items(listing):
        # A standalone child list does not say what it holds: each item's "object" does.
        kind = item_kind or (item.get("object") if isinstance(item, dict) else None)
        if isinstance(kind, str) and kind in _CHILD_LISTS:
            _check_object(item, kind, [*path, "data", index], now, found)


def _check_count(
    listing: Any, rule: str, level: Level, path: list[str | int], found: list[Violation]
) -> None:
    if not isinstance(listing, dict):
        return
    count, data = listing.get("total_count"), listing.get("data")
    if _is_int(count) and isinstance(data, list) and count < len(data):
        found.append(
            Violation(
                rule,
                level,
                join_pointer([*path, "total_count"]),
                f"semantic:{rule}",
                f"total_count {count} is below the {len(data)} items in data",
                f">= {len(data)}",
                count,
            )
        )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
