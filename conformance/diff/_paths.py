"""Small helpers of the comparison: JSON pointers, labels, value categories, and whether a
key is a documented attribute of an object."""

from __future__ import annotations

from typing import Any

from ..validation import RULE_TAGS

__all__ = ["at", "category", "documented", "join_pointer", "label"]

#: Rules about an object as a whole, not one of its attributes.
_WHOLE = frozenset({"attributes", "shape"})


def documented(prefix: str, key: str) -> bool:
    """True when ``key`` is a documented attribute of the ``prefix`` object: a rule
    ``<prefix>.<key>`` exists (the rule ids are exact where a schema's ``properties`` are not:
    a list schema names only ``data``)."""
    return bool(prefix and key) and key not in _WHOLE and f"{prefix}.{key}" in RULE_TAGS


def join_pointer(pointer: str, token: str) -> str:
    """Extend a JSON pointer by one token (RFC 6901 escaping)."""
    return f"{pointer}/{token.replace('~', '~0').replace('/', '~1')}"


def label(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else item


def at(document: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(document, dict):
            document = document.get(part)
        else:
            return None
    return document


def category(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__
