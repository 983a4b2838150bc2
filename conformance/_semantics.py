"""The rules a plain JSON Schema cannot state, and how they still run inside jsonschema-rs.

- ``created`` is in Unix seconds, so never after now plus one day of clock skew: a value in
  milliseconds fails (spec: the customer object, created). "Now" moves, so the files cannot hold
  the bound. The validator compiles each schema with a ``maximum`` on every ``created`` that is
  never later than the true bound (the start of the current hour plus the skew), and re-checks
  each failure against the exact bound: valid documents take the fast path, nothing is lost.
- A child list's ``total_count`` is never below ``len(data)``: stated in child_list.json itself.
- For the top-level list wrappers, ``total_count`` is a convention (SHOULD): checked here.
"""

from __future__ import annotations

import copy
from typing import Any

from ._violation import Level, Violation, join_pointer

__all__ = [
    "BOUND_GRANULARITY_SECONDS",
    "CLOCK_SKEW_SECONDS",
    "created_bound",
    "created_violation",
    "list_count_violations",
    "with_created_maximum",
]

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
        rule = f"{schema}.total_count"
        return [
            Violation(
                rule,
                Level.SHOULD,
                join_pointer(["total_count"]),
                f"semantic:{rule}",
                f"total_count {count} is below the {len(data)} items in data",
                f">= {len(data)}",
                count,
            )
        ]
    return []
