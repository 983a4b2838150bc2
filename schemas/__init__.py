"""The LotusPay Customers API contract as data: JSON Schemas (Draft 2020-12) and OpenAPI 3.1.

Each schema is a file ``<name>.json`` beside this module; ``strict/<name>.json`` is its overlay
that adds the SHOULD (and MAY) rules. Every rule a schema states is tagged with ``x-rule`` (its
id) and, where it differs from the file's default, ``x-level``. The files are usable from any
language; this module only finds and reads them.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "BASE_URI",
    "NAMES",
    "load",
    "load_openapi",
    "openapi_path",
    "path",
    "resources_for_registry",
    "uri",
]

BASE_URI = "https://schemas.lotuspay-contract.invalid/v1/"

#: Every schema name, in the order the spec introduces them.
NAMES: tuple[str, ...] = (
    "customer",
    "customer_list",
    "bank_account_list",
    "child_list",
    "bank_account",
    "mandate",
    "subscription",
    "error",
    "customer_create",
    "bank_account_create",
)

_ROOT = Path(str(resources.files(__name__)))


def _check_name(name: str) -> None:
    if name not in NAMES:
        raise ValueError(f"unknown schema {name!r}: expected one of {', '.join(NAMES)}")


def path(name: str, *, strict: bool = False) -> Path:
    """Return the file of schema ``name`` (its strict overlay when ``strict``)."""
    _check_name(name)
    return _ROOT / ("strict" if strict else "") / f"{name}.json"


def uri(name: str, *, strict: bool = False) -> str:
    """Return the ``$id`` of schema ``name`` (its strict overlay when ``strict``)."""
    _check_name(name)
    return f"{BASE_URI}{'strict/' if strict else ''}{name}.json"


@functools.cache
def _read(name: str, strict: bool) -> dict[str, Any]:
    with path(name, strict=strict).open(encoding="utf-8") as f:
        document: dict[str, Any] = json.load(f)
    return document


def load(name: str, *, strict: bool = False) -> dict[str, Any]:
    """Return a fresh copy of schema ``name`` (its strict overlay when ``strict``).

    >>> load("customer")["title"]
    'Customer'
    """
    return copy.deepcopy(_read(name, strict))


def resources_for_registry() -> list[tuple[str, dict[str, Any]]]:
    """Return ``(uri, schema)`` for every schema and overlay, to build a reference registry."""
    return [(uri(n, strict=s), _read(n, s)) for n in NAMES for s in (False, True)]


def openapi_path() -> Path:
    """Return the OpenAPI 3.1 document of the endpoints."""
    return _ROOT / "openapi.yaml"


@functools.cache
def _read_openapi() -> dict[str, Any]:
    import yaml  # only callers of the OpenAPI document pay for PyYAML

    with openapi_path().open(encoding="utf-8") as f:
        document: dict[str, Any] = yaml.safe_load(f)
    return document


def load_openapi() -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI 3.1 document."""
    return copy.deepcopy(_read_openapi())
