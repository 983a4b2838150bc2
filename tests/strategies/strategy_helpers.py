"""Helpers shared by the strategy tests (imported by name: test directories are not packages)."""

from __future__ import annotations

from typing import Any

from hypothesis import settings

from lotuspay_contract import conformance

#: Apply to every property test here; see conftest.py.
PROFILE = settings(settings.get_profile("lotuspay-strategies"))
#: For tests parametrized over many cases (one per rule): fewer examples each.
PER_CASE = settings(PROFILE, max_examples=15)


def findings(document: Any, schema: str, *, strict: bool) -> set[tuple[str, str]]:
    """Return the (rule, level) pairs the validator reports."""
    return {(v.rule, v.level.value) for v in conformance.validate(document, schema, strict=strict)}


def parse_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Parse form pairs back into the JSON shape: ``metadata[plan]`` into ``metadata``."""
    params: dict[str, Any] = {}
    for key, value in pairs:
        assert isinstance(key, str), key
        assert isinstance(value, str), value
        outer, bracket, rest = key.partition("[")
        if bracket:
            assert rest.endswith("]"), key
            inner = rest[:-1]
            assert "[" not in inner, key
            assert "]" not in inner, key
            params.setdefault(outer, {})[inner] = value
        else:
            assert key not in params, f"{key} sent twice"
            params[key] = value
    return params
