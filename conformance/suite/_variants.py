"""Metamorphic and boundary variants, derived from the kind of rule, not listed per bug.

- An *exact* filter (``list.email_filter``): near-misses of a value that holds: a prefix, a
  suffix, the value extended, the local part alone; none of them is the address, so none may
  match. Case and surrounding whitespace variants are generated too but marked *free*: the
  contract says "exact address", not whether a server folds case (RFC 5321 domains are
  case-insensitive) or trims input, so they are never judged at MUST.
- A *bound* (``list.limit`` 1..100, ``customer.email`` up to 512): the values at each end
  (inside) and just past them (outside).

Each generator is reused by every check that needs that kind of rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Variant", "bound_variants", "email_near_misses"]


@dataclass(frozen=True)
class Variant:
    """A value derived from another: ``kind`` says how; ``inside`` whether the rule admits it
    (for a filter: whether it is the same value); ``free`` when the contract leaves the answer
    to it open (never a MUST finding)."""

    value: Any
    kind: str
    inside: bool = False
    free: bool = False


def email_near_misses(email: str) -> list[Variant]:
    """Return addresses close to ``email`` that are not it.

    >>> [v.kind for v in email_near_misses("asha@example.in")][:3]
    ['prefix', 'suffix', 'extended']
    """
    local, _, domain = email.partition("@")
    return [
        Variant(email[:-1], "prefix"),
        Variant(email[1:], "suffix"),
        Variant(email + "x", "extended"),
        Variant(local, "local part"),
        Variant(f"{local}@x{domain}", "another domain"),
        Variant(email.upper(), "case", free=True),
        Variant(f" {email} ", "whitespace", free=True),
    ]


def bound_variants(low: int, high: int) -> list[Variant]:
    """Return the values at both ends of ``low..high`` (inside) and just past them (outside).

    >>> [(v.value, v.inside) for v in bound_variants(1, 100)]
    [(1, True), (100, True), (0, False), (101, False)]
    """
    return [
        Variant(low, "lowest", inside=True),
        Variant(high, "highest", inside=True),
        Variant(low - 1, "below", inside=False),
        Variant(high + 1, "above", inside=False),
    ]
