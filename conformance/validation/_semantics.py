"""The rules a plain JSON Schema cannot state, and how they still run inside jsonschema-rs.

The schema files leave these rules to prose (``description``), so that generators such as
hypothesis-jsonschema still read them; the validator compiles them in:

- ``created`` is in Unix seconds, so never after now plus one day of clock skew: a value in
  milliseconds fails (spec: the customer object, created). "Now" moves, so the files cannot hold
  the bound. Each schema is compiled with a ``maximum`` on every ``created`` that is never later
  than the true bound (the start of the current hour plus the skew), and each failure is
  re-checked against the exact bound: valid documents take the fast path, nothing is lost.
- A child list's ``total_count`` is never below ``len(data)`` (spec: child lists). JSON Schema
  cannot compare two values, but a child list holds at most 10 items, so a chain of ``if``s that
  finds the length n (one step per item: short lists cost little) and asks ``total_count >= n``
  states it exactly. Compiled in, it costs a quarter of what walking the document in Python did.
- For the top-level list wrappers, ``total_count`` is a convention (SHOULD): checked in Python.
"""

from __future__ import annotations

import copy
from typing import Any

from ._violation import Level, Violation

__all__ = [
    "BOUND_GRANULARITY_SECONDS",
    "CLOCK_SKEW_SECONDS",
    "count_violation",
    "created_bound",
    "created_violation",
    "list_count_violations",
    "with_count_chain",
    "with_created_maximum",
]

_EMBEDDED_MAX = 10  # child_list.json: data maxItems

CLOCK_SKEW_SECONDS = 86_400
BOUND_GRANULARITY_SECONDS = 3_600


def created_bound(now: float) -> int:
    """The latest valid ``created`` at time ``now``."""
    return int(now) + CLOCK_SKEW_SECONDS


def with_created_maximum(schema: dict[str, Any], maximum: int) -> dict[str, Any]:
    """Return a copy of ``schema`` whose ``created`` rules also carry ``maximum``."""
    schema = copy.deepcopy(schema)
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("x-rule", "")).endswith(".created"):
                node["maximum"] = maximum
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return schema


def with_count_chain(child_list: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the child list schema that also states ``total_count >= len(data)``."""

    def step(n: int) -> dict[str, Any]:
        at_least_n: dict[str, Any] = {"properties": {"total_count": {"minimum": n}}}
        if n == _EMBEDDED_MAX:
            return at_least_n
        return {
            "if": {"properties": {"data": {"minItems": n + 1}}},
            "then": step(n + 1),
            "else": at_least_n,
        }

    schema = copy.deepcopy(child_list)
    schema.setdefault("allOf", []).append(
        {
            "x-rule": "child_list.total_count",
            "x-semantic": True,
            "if": {"required": ["data"], "properties": {"data": {"type": "array", "minItems": 1}}},
            "then": step(1),
        }
    )
    return schema


def count_violation(rule: str, level: Level, pointer: str, count: int, items: int) -> Violation:
    """The violation for a ``total_count`` below the ``items`` in ``data``."""
    return Violation(
        rule,
        level,
        pointer,
        f"semantic:{rule}",
        f"total_count {count} is below the {items} items in data",
        f">= {items}",
        count,
    )


def created_violation(rule: str, pointer: str, created: int, bound: int) -> Violation:
    """The violation for a ``created`` later than ``bound``."""
    return Violation(
        rule,
        Level.MUST,
        pointer,
        f"semantic:{rule}",
        f"{created} is after now plus one day ({bound}): created must be Unix seconds",
        f"<= {bound}",
        created,
    )


def list_count_violations(document: Any, schema: str) -> list[Violation]:
    """A top-level list's ``total_count`` below ``len(data)``: a SHOULD finding."""
    if type(document) is not dict:
        return []
    count, data = document.get("total_count"), document.get("data")
    if type(count) is int and type(data) is list and count < len(data):
        return [
            count_violation(f"{schema}.total_count", Level.SHOULD, "/total_count", count, len(data))
        ]
    return []
