"""The machinery shared by the invalid-document strategies: labelled breaches and bad values.

A breach is a rule id, its level, and a function that takes a valid document and breaks that
one rule. The invalid strategies draw a valid document, then one breach, and yield the broken
document with the label, so a test can assert the validator reports exactly that rule.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from hypothesis import strategies as st

from . import _contract as contract
from ._check import check_bool, check_strings
from ._realistic import ifsc_codes

__all__ = [
    "BAD_IFSC",
    "BAD_IFSC_FORMAT",
    "MAY",
    "METADATA_KEYS",
    "MUST",
    "NON_ARRAYS",
    "NON_BOOLEANS",
    "NON_INTEGERS",
    "NON_OBJECTS",
    "NON_STRINGS",
    "SHOULD",
    "Breach",
    "InvalidDocument",
    "Mutate",
    "bad_enum",
    "breach_choices",
    "drop",
    "metadata_over_limits",
    "rules_of",
    "select_breaches",
    "set_to",
]

MUST, SHOULD, MAY = "MUST", "SHOULD", "MAY"


class InvalidDocument(NamedTuple):
    """A document that breaks exactly one rule, labelled with that rule's id and level.

    ``level`` is ``"MUST"``, ``"SHOULD"`` or ``"MAY"`` (``conformance.Level`` compares equal to
    these strings). A MUST breach is reported by ``validate(document)``; a SHOULD or MAY one only
    by ``validate(document, strict=True)``. Either way the rest of the document is valid at both
    levels, so the labelled rule is the only one reported.
    """

    document: Any
    rule: str
    level: str = MUST


#: Break a rule in a valid document: mutate it in place and return it, or return a replacement.
Mutate = Callable[[st.DrawFn, Any], Any]


@dataclass(frozen=True)
class Breach:
    """One way to break ``rule`` (of level ``level``)."""

    rule: str
    mutate: Mutate
    level: str = MUST


def set_to(key: str, values: st.SearchStrategy[Any]) -> Callable[[st.DrawFn, dict[str, Any]], None]:
    """A change that sets ``key`` to a value drawn from ``values``."""

    def change(draw: st.DrawFn, obj: dict[str, Any]) -> None:
        obj[key] = draw(values)

    return change


def drop(key: str) -> Callable[[st.DrawFn, dict[str, Any]], None]:
    """A change that removes ``key``."""

    def change(draw: st.DrawFn, obj: dict[str, Any]) -> None:
        obj.pop(key, None)

    return change


def select_breaches(
    table: Sequence[Breach], *, strict: object, rules: Collection[str] | None
) -> tuple[Breach, ...]:
    """Check ``strict`` and ``rules``; return the breaches of the chosen rules and levels."""
    check_bool("strict", strict)
    must_rules = {b.rule for b in table if b.level == MUST}
    known = sorted({b.rule for b in table} if strict else must_rules)
    if rules is None:
        chosen = set(known)
    else:
        chosen = set(check_strings("rules", rules, lambda r: r in known, f"some of {known}"))
    return tuple(b for b in table if b.rule in chosen and (strict or b.level == MUST))


@functools.cache
def breach_choices(
    table: tuple[Breach, ...], strict: bool, rules: tuple[str, ...] | None
) -> st.SearchStrategy[Breach]:
    """The breaches to draw from, built once per table and choice of rules."""
    return st.sampled_from(select_breaches(table, strict=strict, rules=rules))


def rules_of(table: Sequence[Breach]) -> dict[str, str]:
    """Map each rule of ``table`` to its level."""
    return {b.rule: b.level for b in table}


_SMALL_INTS = st.integers(-1_000, 1_000)
_WHOLE_FLOATS_EXCLUDED = _SMALL_INTS.map(lambda n: n + 0.5)

#: Not strings and not null: for string-or-null fields. Add ``st.none()`` for string-only ones.
NON_STRINGS = st.one_of(
    _SMALL_INTS,
    st.booleans(),
    _WHOLE_FLOATS_EXCLUDED,
    st.lists(_SMALL_INTS, max_size=2),
    st.dictionaries(st.text(string.ascii_lowercase, max_size=3), _SMALL_INTS, max_size=1),
)
#: Not integers and not null: strings of digits, fractions, booleans, containers.
NON_INTEGERS = st.one_of(
    _SMALL_INTS.map(str),
    _WHOLE_FLOATS_EXCLUDED,
    st.booleans(),
    st.lists(_SMALL_INTS, max_size=2),
)
NON_BOOLEANS = st.one_of(
    st.sampled_from(("true", "false", "True", 0, 1)),
    st.none(),
    st.lists(st.booleans(), max_size=1),
)
NON_OBJECTS = st.one_of(
    st.none(),
    _SMALL_INTS,
    st.booleans(),
    st.text(max_size=5),
    st.lists(_SMALL_INTS, max_size=2),
)
NON_ARRAYS = st.one_of(
    st.none(),
    _SMALL_INTS,
    st.text(max_size=5),
    st.dictionaries(st.text(string.ascii_lowercase, max_size=3), _SMALL_INTS, max_size=1),
)


#: IFSC-like values that break ``^[A-Z]{4}0[A-Z0-9]{6}$``: lower case, no zero, wrong length.
#: IFSCs that are not strings of 11 characters: the [doc] rule.
BAD_IFSC = st.one_of(
    ifsc_codes().map(lambda code: code[:-1]),
    ifsc_codes().map(lambda code: code + "0"),
    st.none(),
    NON_STRINGS,
)
#: 11 characters outside the RBI format: only the [conv] rule (the strict overlay).
BAD_IFSC_FORMAT = st.one_of(
    ifsc_codes().map(str.lower),
    st.tuples(ifsc_codes(), st.sampled_from("123456789ABCO")).map(
        lambda p: p[0][:4] + p[1] + p[0][5:]
    ),
    ifsc_codes().map(lambda code: " " + code[1:]),
)


def bad_enum(values: Collection[Any]) -> st.SearchStrategy[Any]:
    """Words and small numbers that are not among ``values``."""
    words = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=12)
    return st.one_of(words, st.integers(0, 9)).filter(lambda v: v not in values)


METADATA_KEYS = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10)


def metadata_over_limits(draw: st.DrawFn, obj: dict[str, Any]) -> None:
    """Break one metadata limit of ``obj["metadata"]``: too many keys, a long key or value."""
    which = draw(st.sampled_from(("keys", "key", "value")))
    if which == "keys":
        size = draw(st.integers(contract.METADATA_MAX_KEYS + 1, contract.METADATA_MAX_KEYS + 10))
        obj["metadata"] = {f"k{i}": "v" for i in range(size)}
    elif which == "key":
        size = draw(st.integers(contract.METADATA_KEY_MAX + 1, contract.METADATA_KEY_MAX + 20))
        obj["metadata"][draw(st.sampled_from(string.ascii_lowercase)) * size] = "v"
    else:
        size = draw(st.integers(contract.METADATA_VALUE_MAX + 1, contract.METADATA_VALUE_MAX + 50))
        obj["metadata"][draw(METADATA_KEYS)] = "x" * size
