"""The client matrix: which variations a ``lotuspay_variations`` marker names, and what each is.

``"legal"`` is every quirk of the mock (a correct server's freedom: the client must work
unchanged); ``"transient"`` the failures a robust client survives (429 with and without
Retry-After, a 500 or a dropped connection on first attempts, slow answers, a connection closed
after each answer). Explicit names pick single variations. The catalogues live in the mock;
this module only names and describes them, importing the mock when a marker is met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LEGAL",
    "MARKER_STRICT",
    "MARKER_VARIATIONS",
    "TRANSIENT",
    "Variation",
    "describe_variation",
    "expand_variations",
    "mock_settings",
]

MARKER_VARIATIONS = "lotuspay_variations"
MARKER_STRICT = "lotuspay_client_strict"
LEGAL = "legal"
TRANSIENT = "transient"
#: A legal quirk that is also the transient "connection closed after each answer".
_CLOSE = "connection_close"


@dataclass(frozen=True)
class Variation:
    """A variation the client fixture can serve: ``kind`` is ``legal`` or ``transient``."""

    name: str
    kind: str
    rules: tuple[str, ...]
    clause: str
    description: str


def _catalogue() -> dict[str, Variation]:
    from ..mock import QUIRKS, TRANSIENTS

    found = {
        q.name: Variation(q.name, LEGAL, q.rules, q.clause, q.description) for q in QUIRKS.values()
    }
    for t in TRANSIENTS.values():
        found[t.name] = Variation(t.name, TRANSIENT, t.rules, t.clause, t.description)
    return found


def expand_variations(args: Iterable[str]) -> list[str]:
    """The variation names a marker's arguments stand for, each once, in catalogue order per
    group; ValueError naming the known ones for an unknown name."""
    from ..mock import QUIRKS, TRANSIENTS

    catalogue = _catalogue()
    names: list[str] = []
    for arg in args:
        if arg == LEGAL:
            names.extend(QUIRKS)
        elif arg == TRANSIENT:
            names.extend([*TRANSIENTS, _CLOSE])
        elif arg in catalogue:
            names.append(arg)
        else:
            known = ", ".join(catalogue)
            raise ValueError(
                f"{MARKER_VARIATIONS}: unknown variation {arg!r}; give 'legal', 'transient' or "
                f"names among {known}."
            )
    return list(dict.fromkeys(names))


def mock_settings(name: str | None) -> dict[str, Any]:
    """Keyword arguments of ``running_mock`` that serve the variation ``name``."""
    if name is None:
        return {}
    from ..mock import TRANSIENTS

    return {"transient": name} if name in TRANSIENTS else {"quirks": [name]}


def describe_variation(name: str) -> str:
    """Two lines: what the variation does, and the contract rules that allow it."""
    variation = _catalogue()[name]
    rules = ", ".join(f"docs/contract.md#{rule}" for rule in variation.rules)
    kind = "legal variation" if variation.kind == LEGAL else "transient failure"
    if name == _CLOSE:
        kind = "legal variation, also a transient failure"
    return (
        f"variation {name} ({kind}): {variation.description}\n"
        f"allowed by {rules}: {variation.clause}"
    )
