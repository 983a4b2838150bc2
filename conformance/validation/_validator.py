"""Validate a document against a named schema: schema rules, then semantic rules.

The schemas are compiled once by jsonschema-rs (pure-Python jsonschema is far slower on a
100-customer page: ``python bench/validate.py`` prints the ratio). Each jsonschema-rs error is
turned into a :class:`Violation` whose rule id and level come from the ``x-rule`` /
``x-level`` annotations nearest to the failing keyword.
"""

from __future__ import annotations

import functools
import json
import time
from typing import Any

import jsonschema_rs

from lotuspay_contract import schemas

from ._semantics import (
    BOUND_GRANULARITY_SECONDS,
    count_violation,
    created_bound,
    created_violation,
    list_count_violations,
    with_count_chain,
    with_created_maximum,
)
from ._violation import Level, Violation, join_pointer

__all__ = ["validate"]

_MAX_SHOWN = 80  # a message quotes the offending value, cut to keep lines readable
_LISTS = ("customer_list", "bank_account_list")  # top-level list wrappers


@functools.cache
def _resources() -> dict[str, dict[str, Any]]:
    """The schema files, with the rules they leave to prose compiled in (see _semantics)."""
    found = dict(schemas.resources_for_registry())
    child_list = schemas.uri("child_list")
    found[child_list] = with_count_chain(found[child_list])
    return found


@functools.lru_cache(maxsize=64)
def _validator(name: str, strict: bool, hour: int) -> jsonschema_rs.Validator:
    # The created bound is baked in per hour: see _semantics for why that loses nothing.
    maximum = created_bound(hour * BOUND_GRANULARITY_SECONDS)
    compiled = {uri: with_created_maximum(doc, maximum) for uri, doc in _resources().items()}
    registry = jsonschema_rs.Registry(list(compiled.items()))
    return jsonschema_rs.validator_for(
        compiled[schemas.uri(name, strict=strict)], registry=registry
    )


def validate(
    document: Any, schema: str = "customer", *, strict: bool = False, now: float | None = None
) -> list[Violation]:
    """Return every rule ``document`` breaks; an empty list means it conforms.

    Args:
        document: parsed JSON (dicts, lists, strings, numbers, booleans, None).
        schema: one of ``schemas.NAMES``.
        strict: also check the SHOULD and MAY rules (the default checks MUST rules only).
        now: the time semantic rules compare ``created`` with; defaults to the clock.

    >>> [str(v) for v in validate({"object": "list", "data": {}}, "child_list")]
    ['/data: child_list.data (MUST) {} is not of type "array"']
    """
    if schema not in schemas.NAMES:
        raise ValueError(f"unknown schema {schema!r}: expected one of {', '.join(schemas.NAMES)}")
    now = time.time() if now is None else now
    bound = created_bound(now)
    validator = _validator(schema, strict, int(now) // BOUND_GRANULARITY_SECONDS)
    found: list[Violation] = []
    try:
        if not validator.is_valid(document):
            seen: set[tuple[str, str]] = set()
            for error in validator.iter_errors(document):
                for violation in _from_error(error, bound):
                    # The strict overlays reach some keywords by two routes: report them once.
                    key = (violation.schema_pointer, violation.pointer)
                    if key not in seen:
                        seen.add(key)
                        found.append(violation)
    except ValueError as exc:  # jsonschema-rs gives up on pathological nesting
        return [_too_deep(str(exc))]
    if strict and schema in _LISTS:
        found.extend(list_count_violations(document, schema))
    # A conforming document (what the mock meets on every request) returns here, having cost
    # only is_valid: the findings are built and ranked only when there are any.
    return _most_severe_per_place(found) if strict and found else found


_RANK = {Level.MUST: 0, Level.SHOULD: 1, Level.MAY: 2}


def _most_severe_per_place(found: list[Violation]) -> list[Violation]:
    """Drop a SHOULD or MAY finding where a more severe one is already reported.

    An empty ``id`` breaks the MUST length rule; that it also lacks the ``CU`` prefix adds noise,
    not information.
    """
    strongest: dict[str, int] = {}
    for v in found:
        strongest[v.pointer] = min(strongest.get(v.pointer, 2), _RANK[v.level])
    return [v for v in found if _RANK[v.level] == strongest[v.pointer]]


def _too_deep(reason: str) -> Violation:
    return Violation(
        "document.depth",
        Level.MUST,
        "",
        "semantic:document.depth",
        f"the document nests too deeply to validate ({reason})",
        "a JSON document of reasonable depth",
        "too deep",
    )


def _from_error(error: jsonschema_rs.ValidationError, bound: int) -> list[Violation]:
    location = error.absolute_keyword_location or ""
    resource_uri, _, fragment = location.partition("#")
    tokens = [_unescape(t) for t in fragment.split("/")[1:]] if fragment else []
    node, rule, level, semantic = _annotations(resource_uri, tokens)
    keyword = tokens[-1] if tokens else ""
    schema_pointer = location.removeprefix(schemas.BASE_URI)
    instance_path: list[str | int] = list(error.instance_path)
    kind = type(error.kind).__name__
    details = error.kind.as_dict()

    def make(pointer_parts: list[str | int], message: str, expected: Any, actual: Any) -> Violation:
        return Violation(
            rule, level, join_pointer(pointer_parts), schema_pointer, message, expected, actual
        )

    if semantic and kind == "Minimum":  # the compiled total_count chain
        count, items = error.instance, int(details.get("limit", 0))
        if isinstance(count, int):
            return [count_violation(rule, level, join_pointer(instance_path), count, items)]
    if kind == "Maximum" and rule.endswith(".created"):
        created = error.instance
        if isinstance(created, int) and created > bound:
            return [created_violation(rule, join_pointer(instance_path), created, bound)]
        return []  # below the exact bound: only the conservative compiled bound was crossed
    if kind == "Required":
        prop = details["property"]
        own = node.get("properties", {}).get(prop, {}) if isinstance(node, dict) else {}
        if isinstance(own, dict) and "x-rule" in own:
            rule = own["x-rule"]
        return [
            make(
                [*instance_path, prop],
                f"{_quote(prop)} is a required property",
                "present",
                "absent",
            )
        ]
    if kind in ("UnevaluatedProperties", "AdditionalProperties"):
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            make(
                [*instance_path, prop],
                f"{_quote(prop)} is not an allowed property",
                "absent",
                instance.get(prop),
            )
            for prop in details.get("unexpected", [])
        ]
    if kind in ("FalseSchema", "Not"):
        # jsonschema-rs says "{} is not allowed for ...": the rule's description says why.
        negated = node.get(keyword) if isinstance(node, dict) else None
        described = negated if isinstance(negated, dict) and "description" in negated else node
        why = described.get("description") if isinstance(described, dict) else None
        message = f"{_quote(error.instance)} is not allowed here" + (f": {why}" if why else "")
        return [make(instance_path, _shorten(message), "absent", error.instance)]
    message = _with_short_value(error.message, error.instance)
    expected = node.get(keyword) if isinstance(node, dict) else None
    return [make(instance_path, message, expected, error.instance)]


def _annotations(resource_uri: str, tokens: list[str]) -> tuple[Any, str, Level, bool]:
    """Walk to the failing keyword's schema; return it with the nearest rule and level, and
    whether the keyword belongs to a rule compiled in from prose (``x-semantic``)."""
    node: Any = _resources().get(resource_uri, {})
    level = Level.SHOULD if "/strict/" in resource_uri else Level.MUST
    rule = "schema"
    semantic = False
    parent: Any = node
    for token in [None, *tokens]:
        if token is not None:
            parent = node
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit():
                node = node[int(token)]
            else:
                break
        if isinstance(node, dict):
            rule = node.get("x-rule", rule)
            level = Level(node.get("x-level", level))
            semantic = semantic or bool(node.get("x-semantic"))
    return parent, rule, level, semantic


def _quote(value: Any) -> str:
    try:
        return _shorten(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"


def _with_short_value(message: str, value: Any) -> str:
    """Cut the value jsonschema-rs quotes at the start of its message, keep the explanation."""
    try:
        shown = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (RecursionError, ValueError):
        return message
    if len(shown) > _MAX_SHOWN and message.startswith(shown):
        return _quote(value) + message[len(shown) :]
    return message


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
