"""What the validator reports: a rule broken at one place of a document."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Level(str, enum.Enum):
    """How binding a rule is, from the spec's tag: [doc] MUST, [conv] SHOULD, [ours] MAY."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    ``pointer`` is a JSON pointer into the document ("" is the whole document); for a missing or
    unexpected property it names that property. ``schema_pointer`` is where the rule lives, as
    ``<file>#<pointer>`` relative to the schemas folder, or ``semantic:<rule>`` for a rule the
    schema cannot state.
    """

    rule: str
    level: Level
    pointer: str
    schema_pointer: str
    message: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.rule} ({self.level}) {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the violation as plain JSON-ready data."""
        return {
            "rule": self.rule,
            "level": self.level.value,
            "pointer": self.pointer,
            "schema_pointer": self.schema_pointer,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }


def escape_pointer_token(token: str | int) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """Build a JSON pointer from path parts."""
    return "".join("/" + escape_pointer_token(p) for p in parts)
