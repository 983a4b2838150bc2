"""The config file's JSON Schema, generated from the option table: ``schemas/config.schema.json``
is this function's output (a test compares them; ``python -m
lotuspay_contract.conformance.settings > schemas/config.schema.json`` writes it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from . import _rules as r
from ._fields import OPTIONS

__all__ = ["config_schema"]

#: What each parser takes, as JSON Schema (a new parser needs its line here).
_TAKES: Final[dict[Callable[[Any], Any], dict[str, Any]]] = {
    r.parse_url: {"type": "string", "pattern": "^https?://"},
    r.parse_tier: {"type": "string", "enum": list(r.TIER_NAMES)},
    r.parse_seconds: {"type": "number", "exclusiveMinimum": 0, "maximum": 86400},
    r.parse_bool: {"type": "boolean"},
    r.parse_rate: {"type": "number", "exclusiveMinimum": 0},
    r.parse_jobs: {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": r.MAX_JOBS},
            {"type": "string", "enum": ["auto"]},
        ]
    },
    r.parse_shard: {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
    r.parse_seed: {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
    r.parse_text: {"type": "string", "minLength": 1},
    r.parse_date: {"type": "string", "format": "date"},
    r.parse_port: {"type": "integer", "minimum": 0, "maximum": 65535},
    r.parse_count: {"type": "integer", "minimum": 0},
    r.parse_positive_count: {"type": "integer", "minimum": 1},
    r.parse_milliseconds: {"type": "number", "minimum": 0},
    r.parse_positive_seconds: {"type": "number", "exclusiveMinimum": 0},
}

_DESCRIPTION: Final = (
    "The settings of lotuspay-contract (run, diff, mock, checks) and its pytest plugin: a "
    "lotuspay-contract.toml file, or the [tool.lotuspay-contract] table of pyproject.toml. The "
    "environment (LOTUSPAY_*) and the command line override it. Keys (API keys) are never read "
    "from a file: set LOTUSPAY_API_KEY and the other key variables."
)


def config_schema() -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of the config file's settings table."""
    properties = {}
    for option in OPTIONS:
        if not option.in_file:
            continue
        takes = dict(_TAKES[option.parse])
        if option.many in ("repeat", "csv"):
            text = {"type": "string", "minLength": 1, "description": "items separated by commas"}
            takes = {"anyOf": [{"type": "array", "items": takes}, text]}
        users = ", ".join(sorted(option.commands - {"plugin"}))
        users += " and the pytest plugin" if "plugin" in option.commands else ""
        env = f"; environment: {option.env}" if option.env else ""
        help = option.help[0].upper() + option.help[1:]
        properties[option.key] = {"description": f"{help}. Used by: {users}{env}.", **takes}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.lotuspay-contract.invalid/config.schema.json",
        "title": "lotuspay-contract configuration",
        "description": _DESCRIPTION,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
