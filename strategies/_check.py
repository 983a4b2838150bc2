"""Argument checks shared by the strategies: each raises ``InvalidArgument`` naming the argument.

Hypothesis' API style asks that a bad argument fail loudly, at the call, with a message that
names the argument, its value and its type; these helpers keep those messages uniform.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_optional_bool",
    "check_optional_strategy",
    "check_size_bounds",
    "check_str",
    "check_strings",
    "check_subset",
    "named",
]

F = TypeVar("F", bound=Callable[..., Any])


def named(name: str) -> Callable[[F], F]:
    """Give a function the public name of the strategy it implements, for readable reprs.

    ``@st.composite`` reprs a strategy as a call of the decorated function with the arguments
    that differ from its defaults; a private implementation renamed to the public function's
    name therefore reprs exactly like the public call, e.g. ``customers(livemode=True)``.
    """

    def rename(function: F) -> F:
        function.__name__ = name
        function.__qualname__ = name
        return function

    return rename


def _show(name: str, value: object) -> str:
    return f"{name}={value!r} (type {type(value).__name__})"


def check_bool(name: str, value: object) -> None:
    """Require a bool (not merely a truthy value)."""
    if not isinstance(value, bool):
        raise InvalidArgument(f"{_show(name, value)} must be a bool")


def check_optional_bool(name: str, value: object) -> None:
    """Require a bool or None (None meaning: either)."""
    if value is not None and not isinstance(value, bool):
        raise InvalidArgument(f"{_show(name, value)} must be True, False or None")


def check_int(name: str, value: object, *, min_value: int, max_value: int) -> None:
    """Require an int (not a bool) between ``min_value`` and ``max_value`` inclusive."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{_show(name, value)} must be an int")
    if not min_value <= value <= max_value:
        raise InvalidArgument(f"{_show(name, value)} must be between {min_value} and {max_value}")


def check_size_bounds(
    min_size: object,
    max_size: object,
    *,
    lowest: int,
    highest: int,
    names: tuple[str, str] = ("min_size", "max_size"),
) -> None:
    """Check a pair of bounds: ints in ``[lowest, highest]``, the first not above the second."""
    min_name, max_name = names
    check_int(min_name, min_size, min_value=lowest, max_value=highest)
    check_int(max_name, max_size, min_value=lowest, max_value=highest)
    assert isinstance(min_size, int)
    assert isinstance(max_size, int)
    if min_size > max_size:
        raise InvalidArgument(
            f"Cannot have {max_name}={max_size!r} < {min_name}={min_size!r}: no value fits"
        )


def check_str(name: str, value: object, *, max_size: int | None = None) -> None:
    """Require a str, optionally at most ``max_size`` characters long."""
    if not isinstance(value, str):
        raise InvalidArgument(f"{_show(name, value)} must be a str")
    if max_size is not None and len(value) > max_size:
        raise InvalidArgument(
            f"{_show(name, value)} is {len(value)} characters long, at most {max_size} allowed"
        )


def check_choice(name: str, value: object, choices: Collection[object]) -> None:
    """Require one of ``choices``."""
    if isinstance(value, bool) or value not in choices:
        raise InvalidArgument(
            f"{_show(name, value)} must be one of {', '.join(repr(c) for c in choices)}"
        )


def check_subset(name: str, value: object, choices: Collection[str]) -> tuple[str, ...]:
    """Require a non-empty collection of strings drawn from ``choices``; return it as a tuple."""
    return check_strings(
        name,
        value,
        choices.__contains__,
        f"some of {', '.join(repr(c) for c in choices)}",
    )


def check_strings(
    name: str, value: object, is_valid: Callable[[str], bool], expected: str
) -> tuple[str, ...]:
    """Require a non-empty collection of strings that pass ``is_valid``; return it as a tuple."""
    if isinstance(value, str) or not isinstance(value, Collection):
        raise InvalidArgument(f"{_show(name, value)} must be a collection of str, e.g. a tuple")
    items = tuple(value)
    if not items:
        raise InvalidArgument(f"{_show(name, value)} must not be empty: nothing could be drawn")
    unknown = [item for item in items if not (isinstance(item, str) and is_valid(item))]
    if unknown:
        raise InvalidArgument(
            f"{_show(name, value)} holds {', '.join(repr(u) for u in unknown)}: expected {expected}"
        )
    return items


def check_optional_strategy(name: str, value: object) -> None:
    """Require a Hypothesis strategy or None (None meaning: the default strategy)."""
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(
            f"{_show(name, value)} must be a Hypothesis strategy or None; "
            f"to always use one value, pass st.just({value!r})"
        )
